/* pd_claims: which role and pharmacy an identity provider's claims grant. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

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

static const pd_claims_conf_t CONF = {
    NULL, "groups", "pharmacy", "https://idp.example.org", "pharmadesk-api", ','
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
        T(test_profile),
        T(test_need_sync),
        T(test_issued),
    };
#undef T
    return cmocka_run_group_tests_name("pd_claims", tests, group_setup, group_teardown);
}
