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

apr_status_t pd_ticketno_format(const char **out, apr_pool_t *p, const char *prefix,
                                int year, apr_int64_t seq)
{
    *out = NULL;
    if (!pd_ticketno_prefix_valid(prefix) || year < 2000 || year > 9999 || seq < 1) {
        return APR_EINVAL;
    }
    *out = apr_psprintf(p, "%s-%04d-%06" APR_INT64_T_FMT, prefix, year, seq);
    return APR_SUCCESS;
}
