#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "pd_whatsapp.h"
#include "pd_json.h"
#include "pd_utf8.h"

/* ---- numbers ---------------------------------------------------------------- */

int pd_whatsapp_number_valid(const char *s)
{
    apr_size_t n;

    if (!s || s[0] != '+' || s[1] < '1' || s[1] > '9') {
        return 0;
    }
    for (n = 1; s[n]; n++) {
        if (!apr_isdigit(s[n])) {
            return 0;
        }
    }
    return n - 1 >= 7 && n - 1 <= 15;
}

const char *pd_whatsapp_number_normalize(apr_pool_t *p, const char *s)
{
    char *out, *o;
    const char *c;

    if (!s || strlen(s) > 40) {
        return NULL;
    }
    out = o = apr_palloc(p, strlen(s) + 1);
    for (c = s; *c; c++) {
        if (*c == ' ' || *c == '-' || *c == '.' || *c == '(' || *c == ')') {
            continue;
        }
        *o++ = *c;
    }
    *o = '\0';
    return pd_whatsapp_number_valid(out) ? out : NULL;
}

const char *pd_whatsapp_wa_id(const char *e164)
{
    return pd_whatsapp_number_valid(e164) ? e164 + 1 : NULL;
}

const char *pd_whatsapp_e164(apr_pool_t *p, const char *wa_id)
{
    const char *n = wa_id ? apr_pstrcat(p, "+", wa_id, NULL) : NULL;
    return n && pd_whatsapp_number_valid(n) ? n : NULL;
}

/* ---- outbound ---------------------------------------------------------------- */

const char *pd_whatsapp_language(const char *lang)
{
    return lang && strcmp(lang, "en") == 0 ? "en" : "id";
}

const char *pd_whatsapp_param(apr_pool_t *p, const char *s, apr_size_t max)
{
    /* one clean line (tabs and line ends become spaces), cut at a
     * character; then each run of spaces becomes one */
    const char *line = pd_utf8_excerpt(p, s ? s : "", max, 0);
    char *out = apr_pstrdup(p, line), *o = out;
    const char *c;

    for (c = line; *c; c++) {
        if (*c == ' ' && (o == out || o[-1] == ' ')) {
            continue;
        }
        *o++ = *c;
    }
    while (o > out && o[-1] == ' ') {
        o--;
    }
    *o = '\0';
    return *out ? out : "-";
}

apr_status_t pd_whatsapp_params(apr_pool_t *p, const pd_notify_event_t *ev, const char *lang,
                                const char *ticket_url, const char *params[PD_WHATSAPP_PARAMS])
{
    pd_notify_text_t text;
    const char *summary;

    if (!ticket_url || pd_notify_render(ev, lang, ticket_url, p, &text) != APR_SUCCESS) {
        return APR_EINVAL;
    }
    summary = text.headline;
    if (text.excerpt) {
        /* the words of a reply follow the line that introduces them */
        summary = apr_pstrcat(p, summary, " \xE2\x80\x9C",
                              pd_whatsapp_param(p, text.excerpt, PD_WHATSAPP_SUMMARY_MAX / 2),
                              "\xE2\x80\x9D", NULL);
    }
    params[0] = pd_whatsapp_param(p, ev->ticket_number, 40);
    params[1] = pd_whatsapp_param(p, ev->ticket_title, PD_WHATSAPP_TITLE_MAX);
    params[2] = pd_whatsapp_param(p, summary, PD_WHATSAPP_SUMMARY_MAX);
    params[3] = pd_whatsapp_param(p, ticket_url, 2000);
    return APR_SUCCESS;
}

apr_status_t pd_whatsapp_contact_params(apr_pool_t *p, const char *number, const char *purpose,
                                        const char *unit, const char *ticket_url,
                                        const char *params[PD_WHATSAPP_PARAMS])
{
    if (!number || !*number || !ticket_url) {
        return APR_EINVAL;
    }
    params[0] = pd_whatsapp_param(p, number, 40);
    params[1] = pd_whatsapp_param(p, purpose, PD_WHATSAPP_TITLE_MAX);
    params[2] = pd_whatsapp_param(p, apr_pstrcat(p, "Kasus baru dari meja depan untuk ",
                                                 unit && *unit ? unit : "unit Anda",
                                                 ". Mohon segera ditindaklanjuti.", NULL),
                                  PD_WHATSAPP_SUMMARY_MAX);
    params[3] = pd_whatsapp_param(p, ticket_url, 2000);
    return APR_SUCCESS;
}

apr_status_t pd_whatsapp_message_json(apr_pool_t *p, const char *to, const char *template_name,
                                      const char *lang, const char *const *params, int nparams,
                                      const char *callback, const char **json)
{
    const char *wa_id = pd_whatsapp_wa_id(to);
    json_t *msg, *list;
    int i;

    if (!wa_id || !pd_whatsapp_template_name_valid(template_name)
        || (callback && strlen(callback) > 512)) {
        return APR_EINVAL;
    }
    list = json_array();
    for (i = 0; i < nparams; i++) {
        json_array_append_new(list, json_pack("{s:s,s:s}", "type", "text", "text", params[i]));
    }
    msg = pd_json_bind(p, json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:{s:s},s:[{s:s,s:o}]}}",
                                    "messaging_product", "whatsapp",
                                    "recipient_type", "individual",
                                    "to", wa_id,
                                    "type", "template",
                                    "template",
                                    "name", template_name,
                                    "language", "code", pd_whatsapp_language(lang),
                                    "components", "type", "body", "parameters", list));
    if (!msg) {
        return APR_EINVAL;
    }
    if (callback) {
        json_object_set_new(msg, "biz_opaque_callback_data", json_string(callback));
    }
    return pd_json_dump(json, p, msg);
}

#define CALLBACK_PREFIX "pd-delivery-"

const char *pd_whatsapp_callback(apr_pool_t *p, apr_int64_t delivery_id)
{
    return apr_psprintf(p, CALLBACK_PREFIX "%" APR_INT64_T_FMT, delivery_id);
}

apr_int64_t pd_whatsapp_callback_delivery(const char *s)
{
    const char *c;
    apr_size_t n = strlen(CALLBACK_PREFIX);

    if (!s || strncmp(s, CALLBACK_PREFIX, n) != 0 || !s[n] || strlen(s + n) > 18) {
        return 0;
    }
    for (c = s + n; *c; c++) {
        if (!apr_isdigit(*c)) {
            return 0;
        }
    }
    return apr_atoi64(s + n);
}

int pd_whatsapp_error_temporary(long code)
{
    /* 1, 2: the API is unknown or down for a moment; 4, 17, 341, 80007,
     * 130429, 131048, 131056: rate limits of the app, the account, the
     * number, the pair of numbers; 131000, 131016, 131057, 133004: Meta's
     * side is failing, unavailable or in maintenance */
    static const long temporary[] = {
        1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131048, 131056, 131057, 133004
    };
    apr_size_t i;

    for (i = 0; i < sizeof(temporary) / sizeof(temporary[0]); i++) {
        if (code == temporary[i]) {
            return 1;
        }
    }
    return 0;
}

/* At most this much of a message from the API reaches the delivery log. */
#define ERROR_MAX 300

apr_status_t pd_whatsapp_response(apr_pool_t *p, long http_status, const char *body,
                                  apr_size_t len, pd_whatsapp_outcome_t *out)
{
    json_t *json = NULL, *error, *id;
    json_error_t jerr;

    out->http_status = http_status;
    out->message_id = NULL;
    out->error = NULL;
    out->permanent = 0;
    if (body && len > 0) {
        json = pd_json_bind(p, json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr));
    }
    if (http_status >= 200 && http_status < 300) {
        id = json_object_get(json_array_get(json_object_get(json, "messages"), 0), "id");
        /* taken: the message goes, whatever else the answer lacks (sending
         * it again would send it twice) */
        out->message_id = json_is_string(id) && json_string_length(id) <= 200
                          ? apr_pstrdup(p, json_string_value(id)) : NULL;
        return APR_SUCCESS;
    }
    error = json_object_get(json, "error");
    if (json_is_object(error)) {
        json_t *code = json_object_get(error, "code"), *sub = json_object_get(error, "error_subcode");
        json_t *message = json_object_get(error, "message");
        long c = json_is_integer(code) ? (long)json_integer_value(code) : -1;

        out->error = apr_psprintf(p, "HTTP %ld, error %ld%s: %s", http_status, c,
                                  json_is_integer(sub) ? apr_psprintf(p, "/%ld",
                                                             (long)json_integer_value(sub)) : "",
                                  json_is_string(message)
                                      ? pd_utf8_excerpt(p, json_string_value(message), ERROR_MAX, 0)
                                      : "no message");
        out->permanent = !(pd_whatsapp_error_temporary(c) || http_status >= 500
                           || http_status == 429);
    }
    else {
        out->error = http_status ? apr_psprintf(p, "HTTP %ld from the WhatsApp API", http_status)
                                 : "no answer from the WhatsApp API";
        /* a 4xx without the API's error is this request's fault; a
         * redirect, a 5xx, a 429 or none at all is worth another try */
        out->permanent = http_status >= 400 && http_status < 500 && http_status != 429
                         && http_status != 408;
    }
    return APR_EGENERAL;
}

/* host[:port] of an http(s) URL: the part after the scheme up to the path. */
static int loopback_host(const char *host, apr_size_t len)
{
    return (len >= 9 && strncmp(host, "localhost", 9) == 0 && (len == 9 || host[9] == ':'))
           || (len >= 4 && strncmp(host, "127.", 4) == 0)
           || (len >= 5 && strncmp(host, "[::1]", 5) == 0);
}

int pd_whatsapp_api_url_valid(const char *url)
{
    const char *host, *c;
    int https;
    apr_size_t hlen;

    if (!url || strlen(url) > 255) {
        return 0;
    }
    https = strncmp(url, "https://", 8) == 0;
    if (!https && strncmp(url, "http://", 7) != 0) {
        return 0;
    }
    host = url + (https ? 8 : 7);
    for (c = host; *c && *c != '/'; c++) {
        if (!apr_isalnum(*c) && !strchr("-.:[]", *c)) {
            return 0;
        }
    }
    hlen = (apr_size_t)(c - host);
    if (hlen == 0 || (!https && !loopback_host(host, hlen))) {
        return 0;
    }
    for (; *c; c++) {
        if (!apr_isalnum(*c) && !strchr("-._~/", *c)) {
            return 0;
        }
    }
    return url[strlen(url) - 1] != '/';
}

int pd_whatsapp_api_version_valid(const char *v)
{
    const char *c = v;

    if (!v || *c++ != 'v' || !apr_isdigit(*c) || strlen(v) > 10) {
        return 0;
    }
    while (apr_isdigit(*c)) {
        c++;
    }
    if (*c++ != '.' || !apr_isdigit(*c)) {
        return 0;
    }
    while (apr_isdigit(*c)) {
        c++;
    }
    return *c == '\0';
}

int pd_whatsapp_id_valid(const char *s)
{
    apr_size_t n;

    for (n = 0; s && s[n]; n++) {
        if (!apr_isdigit(s[n])) {
            return 0;
        }
    }
    return n >= 1 && n <= 32;
}

int pd_whatsapp_template_name_valid(const char *s)
{
    apr_size_t n;

    for (n = 0; s && s[n]; n++) {
        if (!apr_islower(s[n]) && !apr_isdigit(s[n]) && s[n] != '_') {
            return 0;
        }
    }
    return n >= 1 && n <= 512;
}

/* ---- the webhook ------------------------------------------------------------- */

#define SIG_PREFIX "sha256="

int pd_whatsapp_signature_ok(const char *secret, const char *body, apr_size_t len,
                             const char *header)
{
    unsigned char want[EVP_MAX_MD_SIZE], got[32];
    unsigned int n = 0;
    apr_size_t i, plen = strlen(SIG_PREFIX);

    if (!secret || !*secret || !header || strncmp(header, SIG_PREFIX, plen) != 0
        || strlen(header + plen) != 64) {
        return 0;
    }
    for (i = 0; i < 32; i++) {
        const char *h = header + plen + 2 * i;
        int hi, lo;
        if (!apr_isxdigit(h[0]) || !apr_isxdigit(h[1])) {
            return 0;
        }
        hi = apr_isdigit(h[0]) ? h[0] - '0' : apr_tolower(h[0]) - 'a' + 10;
        lo = apr_isdigit(h[1]) ? h[1] - '0' : apr_tolower(h[1]) - 'a' + 10;
        got[i] = (unsigned char)(hi << 4 | lo);
    }
    if (!HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)(body ? body : ""),
              len, want, &n) || n != 32) {
        return 0;
    }
    return CRYPTO_memcmp(want, got, 32) == 0;
}

const char *pd_whatsapp_signature(apr_pool_t *p, const char *secret, const char *body,
                                  apr_size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0, i;
    char *out, *o;

    if (!HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)(body ? body : ""),
              len, md, &n)) {
        return NULL;
    }
    out = o = apr_palloc(p, strlen(SIG_PREFIX) + 2 * n + 1);
    o = stpcpy(o, SIG_PREFIX);
    for (i = 0; i < n; i++) {
        o += apr_snprintf(o, 3, "%02x", md[i]);
    }
    return out;
}

int pd_whatsapp_handshake_ok(const char *mode, const char *token, const char *challenge,
                             const char *verify_token)
{
    apr_size_t n, i;

    if (!mode || strcmp(mode, "subscribe") != 0 || !token || !verify_token || !*verify_token
        || !challenge) {
        return 0;
    }
    n = strlen(challenge);
    if (n == 0 || n > 256) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!apr_isalnum(challenge[i]) && !strchr("-._~", challenge[i])) {
            return 0;
        }
    }
    return strlen(token) == strlen(verify_token)
           && CRYPTO_memcmp(token, verify_token, strlen(token)) == 0;
}

/* A string member of o, or NULL. */
static const char *str(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* An id Meta gives (wamid): 1 to 200 printable ASCII characters. */
static int wamid_ok(const char *s)
{
    apr_size_t n;

    for (n = 0; s && s[n]; n++) {
        if (s[n] <= ' ' || s[n] > '~') {
            return 0;
        }
    }
    return n >= 1 && n <= 200;
}

/* What a message becomes on a ticket (pd_whatsapp_in_t's text). */
static const char *message_text(apr_pool_t *p, const char *type, const json_t *m)
{
    static const char *const media[] = { "image", "video", "document", "audio" };
    const json_t *part = json_object_get(m, type);
    const char *caption, *name;
    apr_size_t i;

    if (strcmp(type, "text") == 0) {
        return str(part, "body");
    }
    if (strcmp(type, "button") == 0) {
        return str(part, "text");
    }
    if (strcmp(type, "interactive") == 0) {
        const char *t = str(json_object_get(part, "button_reply"), "title");
        return t ? t : str(json_object_get(part, "list_reply"), "title");
    }
    for (i = 0; i < sizeof(media) / sizeof(media[0]); i++) {
        if (strcmp(type, media[i]) == 0) {
            caption = str(part, "caption");
            name = str(part, "filename");
            return apr_pstrcat(p, "[", type, name ? ": " : "", name ? name : "", "]",
                               caption ? " " : "", caption ? caption : "", NULL);
        }
    }
    if (strcmp(type, "location") == 0) {
        name = str(part, "name");
        return apr_pstrcat(p, "[location", name ? ": " : "", name ? name : "", "]", NULL);
    }
    if (strcmp(type, "contacts") == 0) {
        return "[contacts]";
    }
    /* reaction, sticker, system, unsupported, order, and what comes later */
    return NULL;
}

/* Text without the white space around it; NULL when nothing else is left. */
static const char *trimmed(apr_pool_t *p, const char *s)
{
    apr_size_t n;

    if (!s) {
        return NULL;
    }
    s += strspn(s, " \t\n");
    for (n = strlen(s); n > 0 && strchr(" \t\n", s[n - 1]); n--) {
    }
    return n ? apr_pstrmemdup(p, s, n) : NULL;
}

/* The messages and statuses of one change's value. */
static void read_value(apr_pool_t *p, const json_t *value, pd_whatsapp_notice_t *out)
{
    const json_t *contacts = json_object_get(value, "contacts"), *m, *s;
    apr_size_t i, k;

    json_array_foreach(json_object_get(value, "messages"), i, m) {
        const char *id = str(m, "id"), *type = str(m, "type"), *from = str(m, "from");
        pd_whatsapp_in_t *in;
        const json_t *c;

        if (!wamid_ok(id) || !type || strlen(type) > 32 || !from) {
            continue;
        }
        in = apr_array_push(out->messages);
        memset(in, 0, sizeof(*in));
        in->id = apr_pstrdup(p, id);
        in->type = apr_pstrdup(p, type);
        in->from = pd_whatsapp_e164(p, from);
        /* clean text within the timeline's bounds; nothing but white
         * space is nothing */
        in->text = trimmed(p, pd_utf8_excerpt(p, message_text(p, type, m), PD_WHATSAPP_TEXT_MAX, 1));
        json_array_foreach(contacts, k, c) {
            const char *wa_id = str(c, "wa_id");
            if (wa_id && strcmp(wa_id, from) == 0) {
                in->name = pd_utf8_excerpt(p, str(json_object_get(c, "profile"), "name"), 200, 0);
            }
        }
    }
    json_array_foreach(json_object_get(value, "statuses"), i, s) {
        const char *id = str(s, "id"), *status = str(s, "status");
        const json_t *e = json_array_get(json_object_get(s, "errors"), 0);
        pd_whatsapp_status_t *st;

        if (!wamid_ok(id) || !status || strlen(status) > 32) {
            continue;
        }
        st = apr_array_push(out->statuses);
        st->id = apr_pstrdup(p, id);
        st->status = apr_pstrdup(p, status);
        st->delivery_id = pd_whatsapp_callback_delivery(str(s, "biz_opaque_callback_data"));
        st->error = NULL;
        if (json_is_object(e)) {
            const json_t *code = json_object_get(e, "code");
            const char *title = str(e, "title") ? str(e, "title") : str(e, "message");
            st->error = apr_psprintf(p, "error %ld: %s",
                                     json_is_integer(code) ? (long)json_integer_value(code) : -1L,
                                     title ? pd_utf8_excerpt(p, title, ERROR_MAX, 0) : "no title");
        }
    }
}

apr_status_t pd_whatsapp_notice_parse(apr_pool_t *p, const char *body, apr_size_t len,
                                      const char *phone_number_id, pd_whatsapp_notice_t *out,
                                      const char **why)
{
    json_t *json, *entry, *change;
    const char *object;
    apr_size_t i, k;

    out->messages = apr_array_make(p, 4, sizeof(pd_whatsapp_in_t));
    out->statuses = apr_array_make(p, 4, sizeof(pd_whatsapp_status_t));
    out->skipped = 0;
    if (pd_json_parse_object(&json, p, body, len, why) != APR_SUCCESS) {
        return APR_EINVAL;
    }
    object = str(json, "object");
    if (!object || strcmp(object, "whatsapp_business_account") != 0) {
        *why = "the notification is not about a WhatsApp Business Account";
        return APR_EINVAL;
    }
    json_array_foreach(json_object_get(json, "entry"), i, entry) {
        json_array_foreach(json_object_get(entry, "changes"), k, change) {
            const json_t *value = json_object_get(change, "value");
            const char *field = str(change, "field");
            const char *number = str(json_object_get(value, "metadata"), "phone_number_id");

            if (!field || strcmp(field, "messages") != 0 || !number || !phone_number_id
                || strcmp(number, phone_number_id) != 0) {
                out->skipped++;
                continue;
            }
            read_value(p, value, out);
        }
    }
    return APR_SUCCESS;
}

const char *pd_whatsapp_ticket_title(apr_pool_t *p, const char *text, const char *from)
{
    const char *rest = text;

    /* the first line that says something */
    while (rest && *rest) {
        const char *nl = strchr(rest, '\n');
        const char *line = nl ? apr_pstrmemdup(p, rest, (apr_size_t)(nl - rest)) : rest;
        const char *title = pd_whatsapp_param(p, line, PD_WHATSAPP_TITLE_MAX);
        if (strcmp(title, "-") != 0) {
            return title;
        }
        rest = nl ? nl + 1 : NULL;
    }
    return apr_pstrcat(p, "WhatsApp ", from ? from : "", NULL);
}
