/* pd_desk_token: a token is its public id and the HMAC-SHA256 of it under
 * the secret, base64url; anything else is refused, whatever part is wrong. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <apr_strings.h>
#include "pd_desk_token.h"
#include "pd_unit.h"

#define SECRET "0123456789abcdef0123456789abcdef-secret"

/* The known answer, computed apart from this code (openssl dgst -sha256
 * -hmac SECRET over "pharmadesk-desk-token:AAAAAAAAAAAAAAAAAAAAAA", in
 * base64url without padding). */
static void test_sign(void **state)
{
    apr_pool_t *p = *state;
    const char *t = pd_desk_token_sign(p, SECRET, "AAAAAAAAAAAAAAAAAAAAAA");
    char id[PD_DESK_ID_LEN + 1];

    assert_non_null(t);
    assert_int_equal(strlen(t), PD_DESK_TOKEN_LEN);
    assert_string_equal(t, "AAAAAAAAAAAAAAAAAAAAAA.MjRiZw3CB1XkXTCwBlCLiYnLtG64yYzW4PiKN6wCVVM");
    assert_string_equal(t, pd_desk_token_sign(p, SECRET, "AAAAAAAAAAAAAAAAAAAAAA"));
    assert_true(pd_desk_token_check(SECRET, t, id));
    assert_string_equal(id, "AAAAAAAAAAAAAAAAAAAAAA");
    /* another secret, another id: another mac */
    assert_string_not_equal(t, pd_desk_token_sign(p, SECRET "x", "AAAAAAAAAAAAAAAAAAAAAA"));
    assert_string_not_equal(t + PD_DESK_ID_LEN, pd_desk_token_sign(p, SECRET, "AAAAAAAAAAAAAAAAAAAAAB") + PD_DESK_ID_LEN);
    /* no id of another shape is signed */
    assert_null(pd_desk_token_sign(p, SECRET, "short"));
    assert_null(pd_desk_token_sign(p, SECRET, "AAAAAAAAAAAAAAAAAAAAA="));
    assert_null(pd_desk_token_sign(p, NULL, "AAAAAAAAAAAAAAAAAAAAAA"));
    assert_null(pd_desk_token_sign(p, SECRET, NULL));
}

static void test_new_ids(void **state)
{
    apr_pool_t *p = *state;
    char a[PD_DESK_ID_LEN + 1], b[PD_DESK_ID_LEN + 1], id[PD_DESK_ID_LEN + 1];

    assert_int_equal(pd_desk_token_new_id(a), APR_SUCCESS);
    assert_int_equal(pd_desk_token_new_id(b), APR_SUCCESS);
    assert_int_equal(strlen(a), PD_DESK_ID_LEN);
    assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), PD_DESK_ID_LEN);
    assert_string_not_equal(a, b);
    assert_true(pd_desk_token_check(SECRET, pd_desk_token_sign(p, SECRET, a), id));
    assert_string_equal(id, a);
}

/* Every kind of wrong token: refused, and the id left alone. */
static void test_refused(void **state)
{
    apr_pool_t *p = *state;
    const char *good = pd_desk_token_sign(p, SECRET, "q3V9c1aZ0bYtKx7mW2sPdA");
    char *flipped = apr_pstrdup(p, good), *moved = apr_pstrdup(p, good), *bad_char = apr_pstrdup(p, good);
    char id[PD_DESK_ID_LEN + 1] = "untouched";
    const char *wrong[10];
    int i;

    flipped[PD_DESK_TOKEN_LEN - 1] = flipped[PD_DESK_TOKEN_LEN - 1] == 'A' ? 'B' : 'A';
    moved[PD_DESK_ID_LEN] = 'x';
    bad_char[3] = '+';
    wrong[0] = NULL;
    wrong[1] = "";
    wrong[2] = "q3V9c1aZ0bYtKx7mW2sPdA";
    wrong[3] = flipped;
    wrong[4] = moved;
    wrong[5] = bad_char;
    wrong[6] = apr_pstrcat(p, good, "A", NULL);
    wrong[7] = apr_pstrndup(p, good, PD_DESK_TOKEN_LEN - 1);
    wrong[8] = pd_desk_token_sign(p, SECRET "-other", "q3V9c1aZ0bYtKx7mW2sPdA");
    wrong[9] = apr_pstrcat(p, "q3V9c1aZ0bYtKx7mW2sPdA.", good + PD_DESK_ID_LEN + 1, NULL);
    for (i = 0; i < 9; i++) {
        assert_false(pd_desk_token_check(SECRET, wrong[i], id));
        assert_string_equal(id, "untouched");
    }
    /* the same token rebuilt from its parts is the same token */
    assert_true(pd_desk_token_check(SECRET, wrong[9], id));
    assert_false(pd_desk_token_check(NULL, good, id));
    assert_false(pd_desk_token_check(SECRET "x", good, id));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_sign),
        T(test_new_ids),
        T(test_refused),
    };
#undef T
    return cmocka_run_group_tests_name("pd_desk_token", tests, group_setup, group_teardown);
}
