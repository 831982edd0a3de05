#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include "pd_claims.h"
#include "pd_validate.h"

apr_array_header_t *pd_claims_values(apr_pool_t *p, const char *claim, char delim)
{
    apr_array_header_t *values = apr_array_make(p, 4, sizeof(const char *));
    const char *start, *end;

    if (!claim) {
        return values;
    }
    for (start = claim; ; start = end + 1) {
        const char *a, *b;
        end = strchr(start, delim);
        if (!end) {
            end = start + strlen(start);
        }
        for (a = start; a < end && apr_isspace(*a); a++) {
        }
        for (b = end; b > a && apr_isspace(b[-1]); b--) {
        }
        if (b > a) {
            APR_ARRAY_PUSH(values, const char *) = apr_pstrmemdup(p, a, b - a);
        }
        if (!*end) {
            break;
        }
    }
    return values;
}

void pd_claims_grant(pd_claims_grant_t *out, apr_pool_t *p,
                     const apr_array_header_t *rules, const char *role_claim,
                     const char *pharmacy_claim, char delim)
{
    apr_array_header_t *have = pd_claims_values(p, role_claim, delim);
    int r, v;

    out->role = PD_ROLE_NONE;
    out->pharmacy_code = NULL;
    for (r = 0; rules && r < rules->nelts && out->role == PD_ROLE_NONE; r++) {
        const pd_role_rule_t *rule = &APR_ARRAY_IDX(rules, r, pd_role_rule_t);
        for (v = 0; v < have->nelts; v++) {
            if (strcmp(APR_ARRAY_IDX(have, v, const char *), rule->value) == 0) {
                out->role = rule->role;
                break;
            }
        }
    }
    if (out->role == PD_ROLE_CUSTOMER && pharmacy_claim) {
        apr_array_header_t *codes = pd_claims_values(p, pharmacy_claim, delim);
        /* one pharmacy per customer: several claimed is ambiguous, so none */
        if (codes->nelts == 1 && pd_is_code(APR_ARRAY_IDX(codes, 0, const char *))) {
            out->pharmacy_code = APR_ARRAY_IDX(codes, 0, const char *);
        }
    }
}
