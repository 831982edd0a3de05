#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "pd_ticketno.h"

int pd_ticketno_prefix_valid(const char *prefix)
{
    apr_size_t i, n = prefix ? strlen(prefix) : 0;
    if (n < 1 || n > PD_TICKETNO_PREFIX_MAX) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!apr_isupper(prefix[i]) && !apr_isdigit(prefix[i])) {
            return 0;
        }
    }
    return 1;
}

apr_status_t pd_ticketno_parse(const char *number, apr_pool_t *p, const char **prefix,
                               int *year, apr_int64_t *seq)
{
    const char *dash1, *dash2, *c;
    apr_int64_t v = 0;
    int y = 0;
    apr_size_t digits;

    if (!number || strlen(number) > PD_TICKETNO_PREFIX_MAX + 1 + 4 + 1 + 18) {
        return APR_EINVAL;
    }
    dash1 = strchr(number, '-');
    if (!dash1 || dash1 == number || (apr_size_t)(dash1 - number) > PD_TICKETNO_PREFIX_MAX) {
        return APR_EINVAL;
    }
    dash2 = strchr(dash1 + 1, '-');
    if (!dash2 || dash2 - dash1 != 5) {
        return APR_EINVAL;
    }
    for (c = dash1 + 1; c < dash2; c++) {
        if (!apr_isdigit(*c)) {
            return APR_EINVAL;
        }
        y = y * 10 + (*c - '0');
    }
    digits = strlen(dash2 + 1);
    if (y < 2000 || digits < 6 || digits > 18 || (digits > 6 && dash2[1] == '0')) {
        return APR_EINVAL;
    }
    for (c = dash2 + 1; *c; c++) {
        if (!apr_isdigit(*c)) {
            return APR_EINVAL;
        }
        v = v * 10 + (*c - '0');
    }
    if (v < 1 || (digits > 6 && v < 1000000)) {
        return APR_EINVAL;
    }
    {
        const char *pre = apr_pstrmemdup(p, number, dash1 - number);
        if (!pd_ticketno_prefix_valid(pre)) {
            return APR_EINVAL;
        }
        if (prefix) *prefix = pre;
    }
    if (year) *year = y;
    if (seq) *seq = v;
    return APR_SUCCESS;
}
