#include <stdarg.h>
#include <string.h>
#include <apr_strings.h>
#include "pd_error.h"

void pd_error_init(pd_error_t *err, apr_pool_t *p)
{
    memset(err, 0, sizeof(*err));
    err->pool = p;
}

apr_status_t pd_error_set(pd_error_t *err, int status, const char *code,
                          const char *field, const char *message)
{
    err->status = status;
    err->code = code;
    err->field = field;
    err->message = message;
    err->details = NULL;
    return APR_EGENERAL;
}

apr_status_t pd_error_setf(pd_error_t *err, apr_pool_t *p, int status,
                           const char *code, const char *field,
                           const char *fmt, ...)
{
    va_list ap;
    const char *message;

    va_start(ap, fmt);
    message = apr_pvsprintf(p ? p : err->pool, fmt, ap);
    va_end(ap);
    return pd_error_set(err, status, code, field, message);
}

apr_status_t pd_error_to_json(const char **ptext, apr_pool_t *p,
                              const pd_error_t *err)
{
    json_t *body, *inner, *message;
    apr_status_t rv;

    inner = json_object();
    body = pd_json_bind(p, json_object());
    json_object_set_new(body, "error", inner);
    json_object_set_new(inner, "code", json_string(err->code ? err->code : "error"));
    /* json_string refuses invalid UTF-8 (and returns NULL): a message is
     * always present all the same */
    message = err->message ? json_string(err->message) : NULL;
    json_object_set_new(inner, "message", message ? message : json_string("error"));
    if (err->field) {
        json_object_set_new(inner, "field", json_string(err->field));
    }
    /* details add members; they never replace code, message or field */
    if (err->details && json_is_object(err->details)) {
        json_object_update_missing(inner, err->details);
    }
    rv = pd_json_dump(ptext, p, body);
    if (rv != APR_SUCCESS) {
        *ptext = "{\"error\":{\"code\":\"error\",\"message\":\"error\"}}";
    }
    return APR_SUCCESS;
}
