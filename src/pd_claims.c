#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include <apr_cstr.h>
#include "pd_claims.h"
#include "pd_validate.h"
#include "pd_cursor.h"
#include "pd_json.h"

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

/* The first max_chars characters of valid UTF-8 s (s itself when shorter). */
static const char *utf8_prefix(apr_pool_t *p, const char *s, apr_size_t max_chars)
{
    apr_size_t chars = 0, i = 0;

    while (s[i]) {
        if (chars == max_chars) {
            return apr_pstrmemdup(p, s, i);
        }
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80) {
            i++;
        }
        chars++;
    }
    return s;
}

/* Large enough for any claim a users column takes; longer is refused. */
#define CLAIM_MAX_BYTES 4096

static const char *clean_text(apr_pool_t *p, const char *s, apr_size_t max_chars)
{
    if (!s || !*s || !pd_utf8_valid(s, CLAIM_MAX_BYTES)) {
        return NULL;
    }
    return utf8_prefix(p, s, max_chars);
}

void pd_claims_profile(pd_oidc_claims_t *c, apr_pool_t *p)
{
    c->login = clean_text(p, c->login, 190);
    c->name = clean_text(p, c->name, 200);
    if (c->email && (strlen(c->email) > 254 || !pd_utf8_valid(c->email, 254)
                     || !pd_is_email(c->email))) {
        c->email = NULL;
    }
}

/* A NumericDate claim: whole seconds, as mod_auth_openidc prints them. */
static int parse_seconds(const char *s, apr_int64_t *out)
{
    apr_int64_t v = 0;
    int digits = 0;

    if (!s) {
        return 0;
    }
    for (; *s >= '0' && *s <= '9'; s++) {
        if (++digits > 12) {
            return 0;
        }
        v = v * 10 + (*s - '0');
    }
    /* a fraction is allowed by RFC 7519 and ignored */
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++) {
        }
    }
    if (*s || digits == 0) {
        return 0;
    }
    *out = v;
    return 1;
}

/* An encoded JOSE header this long is about 1 KiB; real ones are under 200
 * characters. */
#define JOSE_HEADER_MAX 1400

const char *pd_claims_jose_typ(apr_pool_t *p, const char *jwt)
{
    const char *dot, *why;
    char *header;
    json_t *json, *typ;

    if (!jwt || !(dot = strchr(jwt, '.')) || dot - jwt > JOSE_HEADER_MAX
        || pd_base64url_decode(&header, p, jwt, (apr_size_t)(dot - jwt)) != APR_SUCCESS
        || pd_json_parse_object(&json, p, header, strlen(header), &why) != APR_SUCCESS) {
        return NULL;
    }
    typ = json_object_get(json, "typ");
    return json_is_string(typ) ? apr_pstrdup(p, json_string_value(typ)) : NULL;
}

/* typ is a media type (RFC 7515): compared case-insensitively, and its
 * "application/" may be left out. */
static const char *media_subtype(const char *type)
{
    return apr_cstr_casecmpn(type, "application/", 12) == 0 ? type + 12 : type;
}

/* Whether value is one of a claim's values: several come joined by the
 * claim delimiter (a JSON array) or by spaces (scope). */
static int claim_holds(const char *claim, const char *value, char delim)
{
    apr_size_t n = strlen(value);
    const char *s = claim, *e;

    while (*s) {
        for (e = s; *e && *e != delim && !apr_isspace(*e); e++) {
        }
        if ((apr_size_t)(e - s) == n && strncmp(s, value, n) == 0) {
            return 1;
        }
        s = *e ? e + 1 : e;
    }
    return 0;
}

static const char *get_claim(const pd_oidc_claims_t *c, const char *name)
{
    return c->get ? c->get(c->get_ctx, name) : NULL;
}

/* A bearer token that passed every other check: is it an access token? ID
 * tokens are signed with the same keys, and some providers put the API's
 * audience into them too. */
static apr_status_t check_access_token(const pd_oidc_claims_t *c, const pd_claims_conf_t *conf,
                                       apr_pool_t *p, const char **why)
{
    int i;

    if (conf->token_type) {
        const char *typ = pd_claims_jose_typ(p, c->token);
        if (!typ || apr_cstr_casecmp(media_subtype(typ), media_subtype(conf->token_type)) != 0) {
            *why = apr_pstrcat(p, "the token is not an access token (its typ is not ",
                               conf->token_type, ")", NULL);
            return APR_EACCES;
        }
    }
    for (i = 0; conf->token_claims && i < conf->token_claims->nelts; i++) {
        const pd_claim_rule_t *rule = &APR_ARRAY_IDX(conf->token_claims, i, pd_claim_rule_t);
        const char *v = get_claim(c, rule->name);
        if (!v || (rule->value && !claim_holds(v, rule->value, conf->delim))) {
            *why = apr_pstrcat(p, "the token is not an access token (it lacks ", rule->name,
                               rule->value ? "=" : "", rule->value ? rule->value : "", ")", NULL);
            return APR_EACCES;
        }
    }
    for (i = 0; conf->id_claims && i < conf->id_claims->nelts; i++) {
        const char *mark = APR_ARRAY_IDX(conf->id_claims, i, const char *);
        if (get_claim(c, mark)) {
            *why = apr_pstrcat(p, "the token is an ID token, not an access token (it carries ",
                               mark, ")", NULL);
            return APR_EACCES;
        }
    }
    return APR_SUCCESS;
}

apr_status_t pd_claims_check_token(const pd_oidc_claims_t *c, const pd_claims_conf_t *conf,
                                   int bearer, apr_time_t now, apr_pool_t *p,
                                   const char **why)
{
    apr_int64_t exp;
    apr_array_header_t *auds;
    int i;

    if (!conf->issuer) {
        /* the provider Apache signs in with vouched for a session's ID token;
         * nothing vouches for an access token's issuer */
        if (bearer) {
            *why = "this server accepts no access tokens (no issuer is configured)";
            return APR_EACCES;
        }
        return APR_SUCCESS;
    }
    if (!c->iss || strcmp(c->iss, conf->issuer) != 0) {
        *why = "the token was issued by another issuer";
        return APR_EACCES;
    }
    if (!bearer) {
        return APR_SUCCESS;
    }
    if (!conf->audience) {
        *why = "this server accepts no access tokens (no audience is configured)";
        return APR_EACCES;
    }
    auds = pd_claims_values(p, c->aud, conf->delim);
    for (i = 0; i < auds->nelts; i++) {
        if (strcmp(APR_ARRAY_IDX(auds, i, const char *), conf->audience) == 0) {
            break;
        }
    }
    if (i == auds->nelts) {
        *why = "the token is meant for another audience";
        return APR_EACCES;
    }
    if (!parse_seconds(c->exp, &exp)) {
        *why = "the token has no expiry";
        return APR_EACCES;
    }
    if (exp <= apr_time_sec(now)) {
        *why = "the token has expired";
        return APR_EACCES;
    }
    return check_access_token(c, conf, p, why);
}

const char *pd_claims_issued(const pd_oidc_claims_t *c, apr_pool_t *p)
{
    apr_int64_t iat;
    return parse_seconds(c->iat, &iat) ? apr_psprintf(p, "%" APR_INT64_T_FMT, iat) : NULL;
}

int pd_claims_need_sync(const pd_oidc_claims_t *c, int found, apr_int64_t last_login)
{
    apr_int64_t iat;

    return !found || (parse_seconds(c->iat, &iat) && iat > last_login);
}
