#include <string.h>
#include <curl/curl.h>
#include <apr_strings.h>
#include "pd_whatsapp_api.h"
#include "pd_curl.h"

#define ANSWER_MAX (64 * 1024)

const char *pd_whatsapp_messages_url(apr_pool_t *p, const pd_whatsapp_api_t *api)
{
    return apr_pstrcat(p, api->url, "/", api->version, "/", api->phone_number_id, "/messages", NULL);
}

/* The answer's body, kept up to ANSWER_MAX bytes (the rest is read and
 * dropped: an answer is a few hundred bytes). */
typedef struct answer_t {
    char buf[ANSWER_MAX];
    apr_size_t len;
} answer_t;

static size_t keep(char *data, size_t size, size_t nmemb, void *userdata)
{
    answer_t *a = userdata;
    size_t n = size * nmemb, room = ANSWER_MAX - a->len;

    memcpy(a->buf + a->len, data, n < room ? n : room);
    a->len += n < room ? n : room;
    return n;
}

/* Why no answer came, in a few words. */
static const char *no_answer(CURLcode rc, const char *curl_msg)
{
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
        return "connection refused";
    case CURLE_COULDNT_RESOLVE_HOST:
        return "host not found";
    case CURLE_OPERATION_TIMEDOUT:
        return "timed out";
    case CURLE_PEER_FAILED_VERIFICATION:
        return "the API's certificate is not trusted";
    case CURLE_SSL_CONNECT_ERROR:
        return "TLS handshake failed";
    case CURLE_ABORTED_BY_CALLBACK:
        return PD_CURL_STOPPED;
    default:
        return *curl_msg ? curl_msg : curl_easy_strerror(rc);
    }
}

apr_status_t pd_whatsapp_post(const pd_whatsapp_api_t *api, const char *json, apr_pool_t *p,
                              pd_whatsapp_outcome_t *out)
{
    char curl_msg[CURL_ERROR_SIZE] = "";
    struct curl_slist *headers = NULL;
    answer_t *answer = apr_pcalloc(p, sizeof(*answer));
    CURL *h = NULL;
    CURLcode rc = CURLE_OK;
    long status = 0, timeout = api->timeout > 0 ? api->timeout : 30;
    apr_status_t rv;

    memset(out, 0, sizeof(*out));
    /* the token goes into a header, the number into the path: nothing
     * else may */
    if (!pd_whatsapp_api_url_valid(api->url) || !pd_whatsapp_api_version_valid(api->version)
        || !pd_whatsapp_id_valid(api->phone_number_id) || !api->token || !*api->token
        || strpbrk(api->token, "\r\n") || !json) {
        out->error = "refused: a bad URL, version, phone number id or token";
        out->permanent = 1;
        return APR_EINVAL;
    }
    if (!(h = curl_easy_init())
        || !(headers = curl_slist_append(headers, "Content-Type: application/json"))
        || !(headers = curl_slist_append(headers, "Accept: application/json"))
        || !(headers = curl_slist_append(headers, apr_pstrcat(p, "Authorization: Bearer ",
                                                             api->token, NULL)))) {
        out->error = "out of memory";
        rv = APR_ENOMEM;
        goto cleanup;
    }
    /* http only to loopback (pd_whatsapp_api_url_valid) */
    rc = pd_curl_guard(h, CURLPROTO_HTTPS | CURLPROTO_HTTP, timeout, api->ca_file);
#define SET(opt, val) if (rc == CURLE_OK) rc = curl_easy_setopt(h, opt, val)
    SET(CURLOPT_URL, pd_whatsapp_messages_url(p, api));
    SET(CURLOPT_HTTPHEADER, headers);
    SET(CURLOPT_POSTFIELDS, json);
    SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(json));
    SET(CURLOPT_WRITEFUNCTION, keep);
    SET(CURLOPT_WRITEDATA, answer);
    SET(CURLOPT_ERRORBUFFER, curl_msg);
    SET(CURLOPT_USERAGENT, "Pharmadesk");
#undef SET
    if (rc != CURLE_OK) {
        out->error = apr_pstrcat(p, "libcurl refused an option: ", curl_easy_strerror(rc), NULL);
        rv = APR_EGENERAL;
        goto cleanup;
    }
    rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        /* no answer, or part of one: the message may or may not have been
         * taken; trying again is the lesser harm */
        out->error = apr_pstrndup(p, no_answer(rc, curl_msg), 200);
        rv = APR_EGENERAL;
        goto cleanup;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    rv = pd_whatsapp_response(p, status, answer->buf, answer->len, out);

cleanup:
    curl_slist_free_all(headers);
    if (h) {
        curl_easy_cleanup(h);
    }
    return rv;
}
