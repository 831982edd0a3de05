#include <string.h>
#include <apr_time.h>
#include "pd_curl.h"

/* Set once before the process's threads start; read-only afterwards. */
static int (*process_stopping)(void) = NULL;

void pd_curl_set_stopping(int (*stopping)(void))
{
    process_stopping = stopping;
}

/* How long a request sent in full may still wait for its answer once the
 * process is stopping: less than the seconds Apache gives a stopping child
 * before it kills it. */
#define SENT_GRACE apr_time_from_sec(2)

/* When this thread's transfer, its request sent in full, first saw the
 * process stopping (0: not yet). A thread runs one transfer at a time, and
 * pd_curl_guard starts each afresh. */
static _Thread_local apr_time_t stop_seen;

/* A request sent in full is not cut off at once: the remote server may be
 * acting on it (an e-mail queued, a webhook handled), and a transfer ended
 * then would be sent again later. It waits SENT_GRACE for its answer. */
static int abort_if_stopping(void *data, curl_off_t down_total, curl_off_t down_now,
                             curl_off_t up_total, curl_off_t up_now)
{
    int sent = up_total > 0 && up_now >= up_total;

    if (!process_stopping()) {
        return 0;
    }
    if (!sent) {
        return 1;
    }
    if (!stop_seen) {
        stop_seen = apr_time_now();
    }
    return apr_time_now() - stop_seen > SENT_GRACE ? 1 : 0;
}

CURLcode pd_curl_guard(CURL *h, long protocols, long timeout, const char *ca_file)
{
    CURLcode rc = CURLE_OK;
#if LIBCURL_VERSION_NUM >= 0x075500
    char names[32] = "";
    static const struct { long bit; const char *name; } known[] = {
        { CURLPROTO_HTTP, "http" }, { CURLPROTO_HTTPS, "https" },
        { CURLPROTO_SMTP, "smtp" }, { CURLPROTO_SMTPS, "smtps" },
    };
    size_t i;

    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (protocols & known[i].bit) {
            if (*names) {
                strcat(names, ",");
            }
            strcat(names, known[i].name);
        }
    }
#endif
#define SET(opt, val) if (rc == CURLE_OK) rc = curl_easy_setopt(h, opt, val)
#if LIBCURL_VERSION_NUM >= 0x075500
    SET(CURLOPT_PROTOCOLS_STR, names);
    SET(CURLOPT_REDIR_PROTOCOLS_STR, names);
#else
    SET(CURLOPT_PROTOCOLS, protocols);
    SET(CURLOPT_REDIR_PROTOCOLS, protocols);
#endif
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_MAXREDIRS, 0L);
    SET(CURLOPT_PROXY, "");
    SET(CURLOPT_NOPROXY, "*");
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_CONNECTTIMEOUT, timeout < PD_CURL_CONNECT_TIMEOUT_MAX ? timeout
                                                                      : (long)PD_CURL_CONNECT_TIMEOUT_MAX);
    SET(CURLOPT_TIMEOUT, timeout);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    if (ca_file) {
        SET(CURLOPT_CAINFO, ca_file);
    }
    stop_seen = 0;
    if (process_stopping) {
        SET(CURLOPT_XFERINFOFUNCTION, abort_if_stopping);
        SET(CURLOPT_NOPROGRESS, 0L);
    }
#undef SET
    return rc;
}
