/* Identity: Apache authenticated the caller (mod_auth_openidc, or any other
 * authentication module); this maps r->user to a users row. What is known
 * about the caller comes from r->user and r->subprocess_env only: request
 * headers are never read here, so a client cannot name itself.
 *
 * With single sign-on, r->user is the provider's subject and the claims are
 * OIDC_CLAIM_* variables (OIDCPassClaimsAs environment). A login creates or
 * updates the user from them (pd_user_sync); every other request only reads. */
#include <string.h>
#include <apr_strings.h>
#include "mod_pd.h"
#include "pd_cursor.h"

#define AUTH_SESSION "openid-connect"
#define AUTH_BEARER "oauth20"

static const char *claim(request_rec *r, const char *name)
{
    const char *v = apr_table_get(r->subprocess_env, apr_pstrcat(r->pool, "OIDC_CLAIM_", name, NULL));
    return v && *v ? v : NULL;
}

static const char *claim_of(void *r, const char *name)
{
    return claim(r, name);
}

/* Fits a quoted-string of a challenge (RFC 6750 section 3). */
static int challenge_text(const char *s)
{
    for (; *s; s++) {
        if (*s < ' ' || *s > '~' || *s == '"' || *s == '\\') {
            return 0;
        }
    }
    return 1;
}

/* A refused access token: RFC 6750 asks for the challenge. It has the shape
 * of mod_auth_openidc's own for the tokens it refuses (realm from AuthName,
 * error, error_description), so that clients see one kind of refusal. */
static apr_status_t refuse_token(pd_req_t *req, const char *why)
{
    const char *realm = ap_auth_name(req->r);

    if (!realm || !*realm || !challenge_text(realm)) {
        realm = "pharmadesk";
    }
    apr_table_setn(req->r->err_headers_out, "WWW-Authenticate",
                   challenge_text(why)
                   ? apr_psprintf(req->r->pool, "Bearer realm=\"%s\", error=\"invalid_token\", "
                                  "error_description=\"%s\"", realm, why)
                   : apr_psprintf(req->r->pool, "Bearer realm=\"%s\", error=\"invalid_token\"",
                                  realm));
    return pd_error_set(&req->err, 401, "invalid_token", NULL, why);
}

/* Reads the identity row into *res (positioned on it); APR_NOTFOUND when
 * there is none, anything else with req->err set. For a single sign-on, a
 * login is recorded first when the claims call for it. */
static apr_status_t load_user(pd_req_t *req, int sso, pd_db_result_t *res)
{
    request_rec *r = req->r;
    const pd_claims_conf_t *cc = &req->conf->claims;
    pd_oidc_claims_t c = { 0 };
    pd_claims_grant_t grant;
    const char *subject[] = { r->user }, *args[7];
    int found;

    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_USERS_IDENTIFY, subject), res) != APR_SUCCESS) {
        return pd_fail_db(req, "identifying the caller");
    }
    found = pd_db_next(res) == APR_SUCCESS;
    if (!sso) {
        return found ? APR_SUCCESS : APR_NOTFOUND;
    }

    c.iat = claim(r, "iat");
    /* a deactivated user's login is refused, not recorded */
    if (found && (!pd_db_get_bool(res, PD_IDENTITY_ACTIVE)
                  || !pd_claims_need_sync(&c, found, pd_db_get_int64(res, PD_IDENTITY_LAST_LOGIN)))) {
        return APR_SUCCESS;
    }
    c.login = claim(r, "preferred_username");
    c.name = claim(r, "name");
    c.email = claim(r, "email");
    pd_claims_profile(&c, r->pool);
    pd_claims_grant(&grant, r->pool, cc->rules, claim(r, cc->role_claim),
                    claim(r, cc->pharmacy_claim), cc->delim);
    args[0] = r->user;
    args[1] = c.login;
    args[2] = c.name;
    args[3] = c.email;
    args[4] = pd_role_param(grant.role);
    args[5] = grant.pharmacy_code;
    args[6] = pd_claims_issued(&c, r->pool);
    if (pd_db_select(&req->db, PD_SQL_CALL(PD_SQL_USERS_SYNC, args), res) != APR_SUCCESS
        || pd_db_next(res) != APR_SUCCESS) {
        return pd_fail_db(req, "recording a login");
    }
    return APR_SUCCESS;
}

apr_status_t pd_identify(pd_req_t *req)
{
    request_rec *r = req->r;
    const char *auth = r->ap_auth_type;
    int bearer = auth && strcasecmp(auth, AUTH_BEARER) == 0;
    int sso = bearer || (auth && strcasecmp(auth, AUTH_SESSION) == 0);
    const char *why;
    pd_db_result_t res;
    apr_status_t rv;
    int role;

    if (!pd_authenticated(r)) {
        return pd_error_set(&req->err, 401, "unauthenticated", NULL,
                            "authentication is required");
    }
    if (!pd_utf8_valid(r->user, 255)) {
        return pd_error_set(&req->err, 403, "no_access", NULL,
                            "your account has no access to Pharmadesk; ask your administrator");
    }
    if (sso) {
        pd_oidc_claims_t c = { 0 };
        c.iss = claim(r, "iss");
        c.aud = claim(r, "aud");
        c.exp = claim(r, "exp");
        /* mod_auth_openidc passes the bearer token it validated, and its
         * claims, never a request header as it came */
        c.token = apr_table_get(r->subprocess_env, "OIDC_access_token");
        c.get = claim_of;
        c.get_ctx = r;
        if (pd_claims_check_token(&c, &req->conf->claims, bearer, r->request_time, r->pool,
                                  &why) != APR_SUCCESS) {
            if (bearer) {
                return refuse_token(req, why);
            }
            return pd_error_set(&req->err, 401, "unauthenticated", NULL, why);
        }
    }

    rv = load_user(req, sso, &res);
    if (rv == APR_NOTFOUND) {
        return pd_error_set(&req->err, 403, "no_access", NULL,
                            "your account has no access to Pharmadesk; ask your administrator");
    }
    if (rv != APR_SUCCESS) {
        return rv;
    }
    req->who.user_id = pd_db_get_int64(&res, PD_IDENTITY_ID);
    req->who.username = r->user;
    req->who.name = pd_db_get(&res, PD_IDENTITY_NAME);
    role = (int)pd_db_get_int64(&res, PD_IDENTITY_ROLE);
    req->who.pharmacy_id = pd_db_get_int64(&res, PD_IDENTITY_PHARMACY);
    req->who.org_unit_id = pd_db_get_int64(&res, PD_IDENTITY_ORG_UNIT);
    req->who.name_version = pd_db_get_int64(&res, PD_IDENTITY_VERSION);
    if (!pd_db_get_bool(&res, PD_IDENTITY_ACTIVE)) {
        /* a token stays valid at the provider; here it no longer is */
        if (bearer) {
            return refuse_token(req, "the token's account is deactivated");
        }
        return pd_error_set(&req->err, 403, "account_disabled", NULL,
                            "your account is deactivated; ask your administrator");
    }
    req->who.role = (role > PD_ROLE_NONE && role < PD_ROLE__COUNT) ? (pd_role_e)role
                                                                   : PD_ROLE_NONE;
    /* no role, or a customer not tied to a pharmacy: the least privilege */
    if (!pd_authz_has_access(&req->who)) {
        return pd_error_set(&req->err, 403, "no_access", NULL,
                            "your account has no access to Pharmadesk yet; ask your administrator");
    }
    return APR_SUCCESS;
}

int pd_authenticated(request_rec *r)
{
    return r->user && *r->user && r->ap_auth_type;
}

int pd_session_auth(request_rec *r)
{
    const char *auth = r->ap_auth_type;
    return !auth || strcasecmp(auth, AUTH_BEARER) != 0;
}
