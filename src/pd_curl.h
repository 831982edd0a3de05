/* What every libcurl call of the module sets, whatever it speaks (SMTP,
 * HTTPS): only the protocols it means, never a redirection, never a proxy
 * from the environment, never a signal (Apache's children are threaded),
 * timeouts, and certificates always verified with TLS 1.2 at least. */
#ifndef PD_CURL_H
#define PD_CURL_H

#include <curl/curl.h>

/* The most seconds any call waits to connect. */
#define PD_CURL_CONNECT_TIMEOUT_MAX 10

/* Sets those options on h: protocols a set of CURLPROTO_HTTP, _HTTPS,
 * _SMTP and _SMTPS; timeout the seconds for the whole call (at most
 * PD_CURL_CONNECT_TIMEOUT_MAX of them to connect); ca_file NULL for the
 * system's trusted certificates. The first option refused, or CURLE_OK. */
CURLcode pd_curl_guard(CURL *h, long protocols, long timeout, const char *ca_file);

/* Whether the process is stopping. Given once, before any transfer and any
 * thread: every transfer set up by pd_curl_guard afterwards asks it about
 * once a second and ends (CURLE_ABORTED_BY_CALLBACK) as soon as it says
 * yes, so that a server's stop never waits a whole timeout for a remote
 * server that does not answer. Once its request body has gone out in full,
 * the remote server may be acting on it: the transfer then waits 2 s more
 * for the answer, so that a prompt one is not sent again later. */
void pd_curl_set_stopping(int (*stopping)(void));

/* The failure of a transfer ended that way; it is tried again later. */
#define PD_CURL_STOPPED "not finished: the server was stopping"

#endif
