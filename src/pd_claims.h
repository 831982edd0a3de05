/* What an identity provider's claims grant: a role and, for customers, a
 * pharmacy. Configured by directives that map claim values to roles (e.g. a
 * "groups" claim value "pharmadesk-admin" to admin). The least privilege is
 * the default: claims that match no rule grant no role at all, and a rule can
 * never be written to grant more than the role it names. */
#ifndef PD_CLAIMS_H
#define PD_CLAIMS_H

#include <apr_pools.h>
#include <apr_tables.h>
#include "pd_types.h"

typedef struct pd_role_rule_t {
    const char *value;         /* a claim value, matched exactly */
    pd_role_e role;
} pd_role_rule_t;

typedef struct pd_claims_grant_t {
    pd_role_e role;            /* PD_ROLE_NONE when no rule matched */
    const char *pharmacy_code; /* NULL unless a valid code was claimed */
} pd_claims_grant_t;

/* Splits a claim as mod_auth_openidc passes it (values joined by delim,
 * default ','), trimming white space; empty values are dropped. */
apr_array_header_t *pd_claims_values(apr_pool_t *p, const char *claim, char delim);

/* The role of the first rule, in configuration order, whose value is among
 * the role claim's values; the administrator orders the rules, so a person
 * in several groups gets the role the configuration puts first. The
 * pharmacy claim counts only with the customer role and only when it is a
 * well-formed pharmacy code. */
void pd_claims_grant(pd_claims_grant_t *out, apr_pool_t *p,
                     const apr_array_header_t *rules, const char *role_claim,
                     const char *pharmacy_claim, char delim);

#endif
