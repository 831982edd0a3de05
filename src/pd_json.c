#include <string.h>
#include <apr_strings.h>
#include "pd_json.h"

static apr_status_t json_cleanup(void *data)
{
    json_decref((json_t *)data);
    return APR_SUCCESS;
}

json_t *pd_json_bind(apr_pool_t *p, json_t *json)
{
    if (json) {
        apr_pool_cleanup_register(p, json, json_cleanup, apr_pool_cleanup_null);
    }
    return json;
}

/* jansson's own nesting limit is far deeper than any request of ours needs;
 * scanning first keeps hostile input from costing a deep parse. */
static int nesting_within(const char *buf, apr_size_t len, int max_depth)
{
    apr_size_t i;
    int depth = 0, in_string = 0;

    for (i = 0; i < len; i++) {
        char c = buf[i];
        if (in_string) {
            if (c == '\\') {
                i++;
            }
            else if (c == '"') {
                in_string = 0;
            }
            continue;
        }
        if (c == '"') {
            in_string = 1;
        }
        else if (c == '{' || c == '[') {
            if (++depth > max_depth) {
                return 0;
            }
        }
        else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return 1;
}

apr_status_t pd_json_parse_object(json_t **pjson, apr_pool_t *p,
                                  const char *buf, apr_size_t len,
                                  const char **why)
{
    json_error_t jerr;
    json_t *json;

    *pjson = NULL;
    if (!nesting_within(buf, len, PD_JSON_MAX_DEPTH)) {
        *why = "JSON nested too deeply";
        return APR_EINVAL;
    }
    json = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json) {
        *why = apr_psprintf(p, "invalid JSON at line %d, column %d: %s",
                            jerr.line, jerr.column, jerr.text);
        return APR_EINVAL;
    }
    pd_json_bind(p, json);
    if (!json_is_object(json)) {
        *why = "the request body must be a JSON object";
        return APR_EINVAL;
    }
    *pjson = json;
    return APR_SUCCESS;
}

apr_status_t pd_json_dump(const char **ptext, apr_pool_t *p, const json_t *json)
{
    size_t n;
    char *text;

    n = json_dumpb(json, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
    if (n == 0) {
        *ptext = NULL;
        return APR_EINVAL;
    }
    text = apr_palloc(p, n + 1);
    if (json_dumpb(json, text, n, JSON_COMPACT | JSON_ENCODE_ANY) != n) {
        *ptext = NULL;
        return APR_EINVAL;
    }
    text[n] = '\0';
    *ptext = text;
    return APR_SUCCESS;
}

const char *pd_json_quote(apr_pool_t *p, const char *s)
{
    const char *text = NULL;
    json_t *str = json_string(s ? s : "");

    if (!str) {                /* not valid UTF-8: never echo it */
        return "\"\"";
    }
    if (pd_json_dump(&text, p, str) != APR_SUCCESS) {
        text = "\"\"";
    }
    json_decref(str);
    return text;
}
