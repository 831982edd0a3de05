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

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_values),
        T(test_grant_roles),
        T(test_grant_nothing),
        T(test_grant_pharmacy),
    };
#undef T
    return cmocka_run_group_tests_name("pd_claims", tests, group_setup, group_teardown);
}
