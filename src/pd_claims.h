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
 * PharmadeskClaimDelimiter), trimming white space; empty values are
 * dropped. */
apr_array_header_t *pd_claims_values(apr_pool_t *p, const char *claim, char delim);

/* The role of the first rule, in configuration order, whose value is among
 * the role claim's values; the administrator orders the rules, so a person
 * in several groups gets the role the configuration puts first. The
 * pharmacy claim counts only with the customer role and only when it is a
 * well-formed pharmacy code. */
void pd_claims_grant(pd_claims_grant_t *out, apr_pool_t *p,
                     const apr_array_header_t *rules, const char *role_claim,
                     const char *pharmacy_claim, char delim);

/* A claim every access token must carry (PharmadeskOIDCAccessTokenClaims):
 * its name and, unless NULL, a value it must hold among its values. */
typedef struct pd_claim_rule_t {
    const char *name;
    const char *value;
} pd_claim_rule_t;

/* How the claims are read and checked: the Pharmadesk* directives. */
typedef struct pd_claims_conf_t {
    const apr_array_header_t *rules;   /* pd_role_rule_t, in configuration order */
    const char *role_claim;            /* the claim whose values map to roles */
    const char *pharmacy_claim;        /* the claim naming a customer's pharmacy */
    const char *issuer;                /* the expected iss; NULL: not configured */
    const char *audience;              /* the expected aud of access tokens */
    char delim;                        /* as OIDCClaimDelimiter */
    /* What tells an access token from an ID token, whose iss, aud and
     * signature may be the same: */
    const char *token_type;            /* the JOSE typ access tokens carry; NULL: any */
    const apr_array_header_t *token_claims; /* pd_claim_rule_t; NULL: none */
    const apr_array_header_t *id_claims;    /* const char *, claims that mark an ID
                                             * token; NULL: none */
} pd_claims_conf_t;

/* Any claim by name (NULL when absent), for the rules above. */
typedef const char *pd_claim_get_f(void *ctx, const char *name);

/* What mod_auth_openidc passed about the caller, as OIDC_CLAIM_* variables
 * (NULL when absent). Profile values are cleaned by pd_claims_profile
 * before use. */
typedef struct pd_oidc_claims_t {
    const char *subject;               /* REMOTE_USER */
    const char *iss, *aud, *exp, *iat;
    const char *login;                 /* preferred_username, <= 190 characters */
    const char *name;                  /* <= 200 characters */
    const char *email;                 /* <= 254 bytes and shaped like one */
    const char *token;                 /* a bearer token as Apache validated it */
    pd_claim_get_f *get;               /* the other claims; NULL: none */
    void *get_ctx;
} pd_oidc_claims_t;

/* The columns of pd_users_identify and pd_users_sync, in order; the
 * user's org unit last. */
enum {
    PD_IDENTITY_ID, PD_IDENTITY_NAME, PD_IDENTITY_ROLE, PD_IDENTITY_PHARMACY,
    PD_IDENTITY_ACTIVE, PD_IDENTITY_VERSION, PD_IDENTITY_EMAIL, PD_IDENTITY_FROM_CLAIMS,
    PD_IDENTITY_PHARMACY_CODE, PD_IDENTITY_LAST_LOGIN, PD_IDENTITY_ORG_UNIT
};

/* Drops what the users table could not hold, so that what is stored equals
 * what was claimed and an unchanged claim never looks changed: values that
 * are not UTF-8, an email that is not shaped like one, and the parts of a
 * name (200 characters) or login (190) beyond their limits. */
void pd_claims_profile(pd_oidc_claims_t *c, apr_pool_t *p);

/* The token checks mod_auth_openidc 2.4 leaves out. Every token: iss equals
 * the configured issuer. Access tokens (bearer) also: the configured
 * audience is among the aud values, exp is present and in the future, and
 * the token is an access token, not an ID token: its JOSE header's typ is
 * token_type when one is configured (compared as a media type), it carries
 * every token_claims rule, and none of the id_claims. APR_SUCCESS, or
 * APR_EACCES with *why naming the failed check in words fit for an RFC 6750
 * error_description. */
apr_status_t pd_claims_check_token(const pd_oidc_claims_t *c, const pd_claims_conf_t *conf,
                                   int bearer, apr_time_t now, apr_pool_t *p,
                                   const char **why);

/* Whether a request is a login to record: a user seen for the first time,
 * or a token (an access token, or a session's ID token) issued after the
 * last recorded login. Other requests only read, so that between logins an
 * admin's edits stand and a request costs no write. */
int pd_claims_need_sync(const pd_oidc_claims_t *c, int found, apr_int64_t last_login);

/* The typ of a compact JWT's JOSE header, or NULL when the header is not a
 * JSON object of at most 1 KiB or has no string typ. */
const char *pd_claims_jose_typ(apr_pool_t *p, const char *jwt);

/* The iat claim in whole seconds when it is a NumericDate, else NULL. */
const char *pd_claims_issued(const pd_oidc_claims_t *c, apr_pool_t *p);

#endif
