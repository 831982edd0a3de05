/* pd_claims: which role and pharmacy an identity provider's claims grant. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <apr_strings.h>
#include "pd_claims.h"
#include "pd_unit.h"

static apr_array_header_t *rules(apr_pool_t *p)
{
    static const pd_role_rule_t config[] = {
        { "pharmadesk-admin", PD_ROLE_ADMIN },
        { "pharmadesk-manager", PD_ROLE_MANAGER },
        { "pharmadesk-expert", PD_ROLE_EXPERT },
        { "pharmadesk-tech", PD_ROLE_TECH },
        { "pharmadesk-customer", PD_ROLE_CUSTOMER },
    };
    apr_array_header_t *a = apr_array_make(p, 5, sizeof(pd_role_rule_t));
    apr_size_t i;
    for (i = 0; i < sizeof(config) / sizeof(config[0]); i++) {
        APR_ARRAY_PUSH(a, pd_role_rule_t) = config[i];
    }
    return a;
}

static void test_values(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *v;

    v = pd_claims_values(p, "a, b ,c", ',');
    assert_int_equal(v->nelts, 3);
    assert_string_equal(APR_ARRAY_IDX(v, 0, const char *), "a");
    assert_string_equal(APR_ARRAY_IDX(v, 1, const char *), "b");
    assert_string_equal(APR_ARRAY_IDX(v, 2, const char *), "c");
    assert_int_equal(pd_claims_values(p, NULL, ',')->nelts, 0);
    assert_int_equal(pd_claims_values(p, "", ',')->nelts, 0);
    assert_int_equal(pd_claims_values(p, " , ,, ", ',')->nelts, 0);
    v = pd_claims_values(p, "one;two", ';');
    assert_int_equal(v->nelts, 2);
    v = pd_claims_values(p, "one;two", ',');
    assert_int_equal(v->nelts, 1);
    assert_string_equal(APR_ARRAY_IDX(v, 0, const char *), "one;two");
}

static void test_grant_roles(void **state)
{
    apr_pool_t *p = *state;
    pd_claims_grant_t g;

    pd_claims_grant(&g, p, rules(p), "pharmadesk-tech", NULL, ',');
    assert_int_equal(g.role, PD_ROLE_TECH);
    /* the rule written first wins for a person in several groups */
    pd_claims_grant(&g, p, rules(p), "pharmadesk-tech,pharmadesk-admin", NULL, ',');
    assert_int_equal(g.role, PD_ROLE_ADMIN);
    pd_claims_grant(&g, p, rules(p), "staff, pharmadesk-expert", NULL, ',');
    assert_int_equal(g.role, PD_ROLE_EXPERT);
}

/* Least privilege: nothing that is not an exact rule value grants anything. */
static void test_grant_nothing(void **state)
{
    apr_pool_t *p = *state;
    pd_claims_grant_t g;
    static const char *const claims[] = {
        NULL, "", "staff", "Pharmadesk-Admin", "pharmadesk-admin2", "pharmadesk",
        "xpharmadesk-admin", "pharmadesk-admin-x",
    };
    apr_size_t i;

    for (i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
        pd_claims_grant(&g, p, rules(p), claims[i], "APT-A", ',');
        assert_int_equal(g.role, PD_ROLE_NONE);
        assert_null(g.pharmacy_code);
    }
    pd_claims_grant(&g, p, NULL, "pharmadesk-admin", NULL, ',');
    assert_int_equal(g.role, PD_ROLE_NONE);
    pd_claims_grant(&g, p, apr_array_make(p, 1, sizeof(pd_role_rule_t)), "pharmadesk-admin",
                    NULL, ',');
    assert_int_equal(g.role, PD_ROLE_NONE);
}

static void test_grant_pharmacy(void **state)
{
    apr_pool_t *p = *state;
    pd_claims_grant_t g;

    pd_claims_grant(&g, p, rules(p), "pharmadesk-customer", "APT-JKT-001", ',');
    assert_int_equal(g.role, PD_ROLE_CUSTOMER);
    assert_string_equal(g.pharmacy_code, "APT-JKT-001");
    pd_claims_grant(&g, p, rules(p), "pharmadesk-customer", " APT-A ", ',');
    assert_string_equal(g.pharmacy_code, "APT-A");
    /* only customers belong to a pharmacy */
    pd_claims_grant(&g, p, rules(p), "pharmadesk-tech", "APT-A", ',');
    assert_int_equal(g.role, PD_ROLE_TECH);
    assert_null(g.pharmacy_code);
    /* a customer without a usable code gets none (and so no access) */
    pd_claims_grant(&g, p, rules(p), "pharmadesk-customer", NULL, ',');
    assert_null(g.pharmacy_code);
    pd_claims_grant(&g, p, rules(p), "pharmadesk-customer", "apt-a", ',');
    assert_null(g.pharmacy_code);
    pd_claims_grant(&g, p, rules(p), "pharmadesk-customer", "APT A", ',');
    assert_null(g.pharmacy_code);
    pd_claims_grant(&g, p, rules(p), "pharmadesk-customer", "APT-A,APT-B", ',');
    assert_null(g.pharmacy_code);
    pd_claims_grant(&g, p, rules(p), "pharmadesk-customer", "'; DROP TABLE x; --", ',');
    assert_null(g.pharmacy_code);
}

/* The module's defaults: PharmadeskOIDCIDTokenClaims nonce at_hash */
static const char *id_marks[] = { "nonce", "at_hash" };
static const apr_array_header_t ID_MARKS = { NULL, sizeof(const char *), 2, 2, (char *)id_marks };

static const pd_claims_conf_t CONF = {
    .role_claim = "groups", .pharmacy_claim = "pharmacy", .issuer = "https://idp.example.org",
    .audience = "pharmadesk-api", .delim = ',', .id_claims = &ID_MARKS
};

/* 2026-11-22T00:00:00Z */
#define NOW_SEC 1795305600
#define NOW apr_time_from_sec(NOW_SEC)

static apr_status_t check(apr_pool_t *p, const char *iss, const char *aud, const char *exp,
                          int bearer, const char **why)
{
    pd_oidc_claims_t c = { 0 };
    c.iss = iss;
    c.aud = aud;
    c.exp = exp;
    *why = NULL;
    return pd_claims_check_token(&c, &CONF, bearer, NOW, p, why);
}

static void test_token_ok(void **state)
{
    apr_pool_t *p = *state;
    const char *why;

    assert_int_equal(check(p, "https://idp.example.org", "pharmadesk-api", "1795309200", 1, &why),
                     APR_SUCCESS);
    /* several audiences, joined as mod_auth_openidc passes them */
    assert_int_equal(check(p, "https://idp.example.org", "account,pharmadesk-api", "1795309200", 1,
                           &why), APR_SUCCESS);
    assert_int_equal(check(p, "https://idp.example.org", "x", "1795305601.5", 1, &why),
                     APR_EACCES);
    assert_int_equal(check(p, "https://idp.example.org", "pharmadesk-api", "1795305601.5", 1, &why),
                     APR_SUCCESS);
    /* a session's ID token: only the issuer counts (its aud is the client) */
    assert_int_equal(check(p, "https://idp.example.org", "pharmadesk-portal", NULL, 0, &why),
                     APR_SUCCESS);
}

static void test_token_refused(void **state)
{
    apr_pool_t *p = *state;
    const char *why;

    assert_int_equal(check(p, "https://evil.example.org", "pharmadesk-api", "1795309200", 1, &why),
                     APR_EACCES);
    assert_non_null(strstr(why, "issuer"));
    assert_int_equal(check(p, NULL, "pharmadesk-api", "1795309200", 1, &why), APR_EACCES);
    /* a prefix or suffix of the issuer is another issuer */
    assert_int_equal(check(p, "https://idp.example.org/", "pharmadesk-api", "1795309200", 1, &why),
                     APR_EACCES);
    assert_int_equal(check(p, "https://idp.example.org", "pharmadesk-apix", "1795309200", 1, &why),
                     APR_EACCES);
    assert_non_null(strstr(why, "audience"));
    assert_int_equal(check(p, "https://idp.example.org", NULL, "1795309200", 1, &why), APR_EACCES);
    assert_int_equal(check(p, "https://idp.example.org", "pharmadesk-api", NULL, 1, &why), APR_EACCES);
    assert_non_null(strstr(why, "expiry"));
    assert_int_equal(check(p, "https://idp.example.org", "pharmadesk-api", "soon", 1, &why),
                     APR_EACCES);
    assert_int_equal(check(p, "https://idp.example.org", "pharmadesk-api", "-5", 1, &why),
                     APR_EACCES);
    assert_int_equal(check(p, "https://idp.example.org", "pharmadesk-api", "9999999999999", 1, &why),
                     APR_EACCES);
    assert_int_equal(check(p, "https://idp.example.org", "pharmadesk-api", "1795305600", 1, &why),
                     APR_EACCES);
    assert_non_null(strstr(why, "expired"));
    assert_int_equal(check(p, "https://evil.example.org", "pharmadesk-portal", NULL, 0, &why),
                     APR_EACCES);
}

static void test_token_unconfigured(void **state)
{
    apr_pool_t *p = *state;
    pd_claims_conf_t conf = CONF;
    pd_oidc_claims_t c = { 0 };
    const char *why;

    c.iss = "https://idp.example.org";
    c.aud = "pharmadesk-api";
    c.exp = "1795309200";
    conf.issuer = NULL;
    /* nothing vouches for an access token's issuer: refused */
    assert_int_equal(pd_claims_check_token(&c, &conf, 1, NOW, p, &why), APR_EACCES);
    /* a session was vouched for by the provider Apache signs in with */
    assert_int_equal(pd_claims_check_token(&c, &conf, 0, NOW, p, &why), APR_SUCCESS);
    conf = CONF;
    conf.audience = NULL;
    assert_int_equal(pd_claims_check_token(&c, &conf, 1, NOW, p, &why), APR_EACCES);
}

/* ---- access tokens and ID tokens ---- */

#define HDR_AT "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0"   /* typ at+jwt */
#define HDR_JWT "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9"                    /* typ JWT */
#define HDR_NONE "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0"                    /* no typ */
#define HDR_APP "eyJ0eXAiOiJhcHBsaWNhdGlvbi9hdCtqd3QifQ"                 /* application/at+jwt */

static void test_jose_typ(void **state)
{
    apr_pool_t *p = *state;
    char big[2000];

    assert_string_equal(pd_claims_jose_typ(p, HDR_AT ".e30.c2ln"), "at+jwt");
    assert_string_equal(pd_claims_jose_typ(p, HDR_JWT ".e30.c2ln"), "JWT");
    assert_string_equal(pd_claims_jose_typ(p, HDR_APP ".e30."), "application/at+jwt");
    assert_null(pd_claims_jose_typ(p, HDR_NONE ".e30.c2ln"));
    assert_null(pd_claims_jose_typ(p, NULL));
    assert_null(pd_claims_jose_typ(p, HDR_AT));                            /* no payload */
    assert_null(pd_claims_jose_typ(p, ".e30.c2ln"));                       /* no header */
    assert_null(pd_claims_jose_typ(p, "eyJhbGciOiJSUzI1NiIsInR5cCI6N30.e30.")); /* typ 7 */
    assert_null(pd_claims_jose_typ(p, "WyJ0eXAiXQ.e30."));                  /* ["typ"] */
    /* a typ twice: which one would count is ambiguous */
    assert_null(pd_claims_jose_typ(p, "eyJ0eXAiOiJhdCtqd3QiLCJ0eXAiOiJKV1QifQ.e30."));
    assert_null(pd_claims_jose_typ(p, "ey!hbGc.e30."));                   /* not base64url */
    assert_null(pd_claims_jose_typ(p, "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0=.e30."));
    memset(big, 'A', sizeof(big) - 6);
    strcpy(big + sizeof(big) - 6, ".e30.");
    assert_null(pd_claims_jose_typ(p, big));
}

/* The claims of a token, as mod_auth_openidc passes them. */
static const char *from_table(void *ctx, const char *name)
{
    return apr_table_get(ctx, name);
}

/* A token that passes the issuer, audience and expiry checks, with its
 * JOSE header (token) and claims (name=value pairs joined by '&'). */
static apr_status_t check_kind(apr_pool_t *p, const pd_claims_conf_t *conf, int bearer,
                               const char *token, const char *claims, const char **why)
{
    pd_oidc_claims_t c = { 0 };
    apr_table_t *t = apr_table_make(p, 8);
    char *list = apr_pstrdup(p, claims), *pair, *last;

    for (pair = apr_strtok(list, "&", &last); pair; pair = apr_strtok(NULL, "&", &last)) {
        char *eq = strchr(pair, '=');
        *eq = '\0';
        apr_table_set(t, pair, eq + 1);
    }
    c.iss = "https://idp.example.org";
    c.aud = "pharmadesk-api";
    c.exp = "1795309200";
    c.token = token;
    c.get = from_table;
    c.get_ctx = t;
    *why = NULL;
    return pd_claims_check_token(&c, conf, bearer, NOW, p, why);
}

#define AT_CLAIMS "client_id=portal&scope=openid pharmadesk&sub=u1"
#define ID_CLAIMS "azp=portal&nonce=n1&at_hash=h1&sub=u1&auth_time=1795305000"

static void test_id_token_default(void **state)
{
    apr_pool_t *p = *state;
    const char *why;

    /* the default rule: nonce and at_hash mark an ID token */
    assert_int_equal(check_kind(p, &CONF, 1, HDR_JWT ".e30.x", AT_CLAIMS, &why), APR_SUCCESS);
    assert_int_equal(check_kind(p, &CONF, 1, HDR_JWT ".e30.x", ID_CLAIMS, &why), APR_EACCES);
    assert_non_null(strstr(why, "ID token"));
    assert_non_null(strstr(why, "nonce"));
    assert_int_equal(check_kind(p, &CONF, 1, NULL, "at_hash=h1", &why), APR_EACCES);
    assert_non_null(strstr(why, "at_hash"));
    /* claims both kinds may carry */
    assert_int_equal(check_kind(p, &CONF, 1, NULL, "azp=portal&auth_time=1&acr=1", &why),
                     APR_SUCCESS);
    /* a session is signed in with an ID token: the rules are for bearer tokens */
    assert_int_equal(check_kind(p, &CONF, 0, NULL, ID_CLAIMS, &why), APR_SUCCESS);
}

static void test_id_token_claims(void **state)
{
    apr_pool_t *p = *state;
    pd_claims_conf_t conf = CONF;
    apr_array_header_t *marks = apr_array_make(p, 2, sizeof(const char *));
    const char *why;

    /* "none": no claim marks an ID token */
    conf.id_claims = marks;
    assert_int_equal(check_kind(p, &conf, 1, NULL, ID_CLAIMS, &why), APR_SUCCESS);
    conf.id_claims = NULL;
    assert_int_equal(check_kind(p, &conf, 1, NULL, ID_CLAIMS, &why), APR_SUCCESS);
    conf.id_claims = marks;
    /* a list replaces the default */
    APR_ARRAY_PUSH(marks, const char *) = "at_hash";
    assert_int_equal(check_kind(p, &conf, 1, NULL, "nonce=n1", &why), APR_SUCCESS);
    assert_int_equal(check_kind(p, &conf, 1, NULL, ID_CLAIMS, &why), APR_EACCES);
    assert_non_null(strstr(why, "at_hash"));
}

static void test_access_token_type(void **state)
{
    apr_pool_t *p = *state;
    pd_claims_conf_t conf = CONF;
    const char *why;

    conf.token_type = "at+jwt";
    assert_int_equal(check_kind(p, &conf, 1, HDR_AT ".e30.x", AT_CLAIMS, &why), APR_SUCCESS);
    assert_int_equal(check_kind(p, &conf, 1, HDR_APP ".e30.x", AT_CLAIMS, &why), APR_SUCCESS);
    conf.token_type = "application/AT+JWT";
    assert_int_equal(check_kind(p, &conf, 1, HDR_AT ".e30.x", AT_CLAIMS, &why), APR_SUCCESS);
    conf.token_type = "at+jwt";
    assert_int_equal(check_kind(p, &conf, 1, HDR_JWT ".e30.x", AT_CLAIMS, &why), APR_EACCES);
    assert_non_null(strstr(why, "typ is not at+jwt"));
    assert_int_equal(check_kind(p, &conf, 1, HDR_NONE ".e30.x", AT_CLAIMS, &why), APR_EACCES);
    assert_int_equal(check_kind(p, &conf, 1, NULL, AT_CLAIMS, &why), APR_EACCES);
    assert_int_equal(check_kind(p, &conf, 1, "garbage", AT_CLAIMS, &why), APR_EACCES);
    /* and an ID token with the right typ is still one */
    assert_int_equal(check_kind(p, &conf, 1, HDR_AT ".e30.x", ID_CLAIMS, &why), APR_EACCES);
    assert_non_null(strstr(why, "nonce"));
    /* the issuer is checked first, and sessions are not held to the typ */
    conf.issuer = "https://other.example.org";
    assert_int_equal(check_kind(p, &conf, 1, HDR_JWT ".e30.x", AT_CLAIMS, &why), APR_EACCES);
    assert_non_null(strstr(why, "issuer"));
    conf.issuer = CONF.issuer;
    assert_int_equal(check_kind(p, &conf, 0, HDR_JWT ".e30.x", AT_CLAIMS, &why), APR_SUCCESS);
}

static void test_access_token_claims(void **state)
{
    apr_pool_t *p = *state;
    pd_claims_conf_t conf = CONF;
    apr_array_header_t *rules = apr_array_make(p, 2, sizeof(pd_claim_rule_t));
    pd_claim_rule_t *r;
    const char *why;

    r = apr_array_push(rules);
    r->name = "client_id";
    r->value = NULL;
    r = apr_array_push(rules);
    r->name = "scope";
    r->value = "pharmadesk";
    conf.token_claims = rules;

    assert_int_equal(check_kind(p, &conf, 1, NULL, AT_CLAIMS, &why), APR_SUCCESS);
    /* several values: spaces (scope) or the claim delimiter (an array) */
    assert_int_equal(check_kind(p, &conf, 1, NULL, "client_id=c&scope=pharmadesk", &why), APR_SUCCESS);
    assert_int_equal(check_kind(p, &conf, 1, NULL, "client_id=c&scope=a,pharmadesk,b", &why),
                     APR_SUCCESS);
    assert_int_equal(check_kind(p, &conf, 1, NULL, "scope=openid pharmadesk", &why), APR_EACCES);
    assert_non_null(strstr(why, "lacks client_id"));
    assert_int_equal(check_kind(p, &conf, 1, NULL, "client_id=c&scope=openid", &why), APR_EACCES);
    assert_non_null(strstr(why, "lacks scope=pharmadesk"));
    /* a value is matched whole */
    assert_int_equal(check_kind(p, &conf, 1, NULL, "client_id=c&scope=pharmadesk-x pharma", &why),
                     APR_EACCES);
    assert_int_equal(check_kind(p, &conf, 1, NULL, "client_id=c", &why), APR_EACCES);
    assert_int_equal(check_kind(p, &conf, 1, NULL, ID_CLAIMS, &why), APR_EACCES);
    /* without a claims source, nothing is carried */
    {
        pd_oidc_claims_t c = { 0 };
        c.iss = "https://idp.example.org";
        c.aud = "pharmadesk-api";
        c.exp = "1795309200";
        assert_int_equal(pd_claims_check_token(&c, &conf, 1, NOW, p, &why), APR_EACCES);
    }
}

static void test_profile(void **state)
{
    apr_pool_t *p = *state;
    pd_oidc_claims_t c = { 0 };
    char long_name[700];
    int i;

    c.login = "rina";
    c.name = "Rina Marlina";
    c.email = "rina@example.org";
    pd_claims_profile(&c, p);
    assert_string_equal(c.login, "rina");
    assert_string_equal(c.name, "Rina Marlina");
    assert_string_equal(c.email, "rina@example.org");

    c.email = "not an email";
    c.name = "\xc0\xaf";          /* overlong: not UTF-8 */
    c.login = "";
    pd_claims_profile(&c, p);
    assert_null(c.email);
    assert_null(c.name);
    assert_null(c.login);

    /* 300 two-byte characters: cut at 200 characters, never mid-character */
    for (i = 0; i < 300; i++) {
        long_name[2 * i] = (char)0xc3;
        long_name[2 * i + 1] = (char)0xa9;
    }
    long_name[600] = '\0';
    c.name = long_name;
    c.login = long_name;
    pd_claims_profile(&c, p);
    assert_int_equal(strlen(c.name), 400);
    assert_int_equal(strlen(c.login), 380);
}

static void test_need_sync(void **state)
{
    pd_oidc_claims_t c = { 0 };

    (void)state;
    assert_true(pd_claims_need_sync(&c, 0, 0));          /* first sight */
    c.iat = "1795305600";
    assert_true(pd_claims_need_sync(&c, 0, NOW_SEC));
    assert_true(pd_claims_need_sync(&c, 1, 0));          /* never logged in */
    assert_true(pd_claims_need_sync(&c, 1, NOW_SEC - 1));  /* a newer token */
    assert_false(pd_claims_need_sync(&c, 1, NOW_SEC));     /* this token's login is recorded */
    assert_false(pd_claims_need_sync(&c, 1, NOW_SEC + 60));
    c.iat = NULL;
    assert_false(pd_claims_need_sync(&c, 1, 0));         /* no iat: only the first sight */
    c.iat = "garbage";
    assert_false(pd_claims_need_sync(&c, 1, 0));
}

static void test_issued(void **state)
{
    apr_pool_t *p = *state;
    pd_oidc_claims_t c = { 0 };

    assert_null(pd_claims_issued(&c, p));
    c.iat = "1795305600";
    assert_string_equal(pd_claims_issued(&c, p), "1795305600");
    c.iat = "1795305600.75";      /* a fraction: whole seconds for the database */
    assert_string_equal(pd_claims_issued(&c, p), "1795305600");
    c.iat = "1e9";
    assert_null(pd_claims_issued(&c, p));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_values),
        T(test_grant_roles),
        T(test_grant_nothing),
        T(test_grant_pharmacy),
        T(test_token_ok),
        T(test_token_refused),
        T(test_token_unconfigured),
        T(test_jose_typ),
        T(test_id_token_default),
        T(test_id_token_claims),
        T(test_access_token_type),
        T(test_access_token_claims),
        T(test_profile),
        T(test_need_sync),
        T(test_issued),
    };
#undef T
    return cmocka_run_group_tests_name("pd_claims", tests, group_setup, group_teardown);
}
