/* pd_siphash: SipHash-2-4 against the reference vectors (key 00..0f). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "pd_siphash.h"
#include "pd_unit.h"

static const unsigned char key[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

static void test_vectors(void **state)
{
    unsigned char msg[64];
    int i;

    for (i = 0; i < 64; i++) {
        msg[i] = (unsigned char)i;
    }
    /* the paper's appendix: the empty message, and 00..0e */
    assert_true(pd_siphash24(key, msg, 0) == APR_UINT64_C(0x726fdb47dd0e0e31));
    assert_true(pd_siphash24(key, msg, 15) == APR_UINT64_C(0xa129ca6149be45e5));
}

static void test_every_length(void **state)
{
    unsigned char msg[64];
    apr_uint64_t seen[65];
    int i, j;

    memset(msg, 'x', sizeof(msg));
    /* each length its own hash, so the tail and the length are both read */
    for (i = 0; i <= 64; i++) {
        seen[i] = pd_siphash24(key, msg, (apr_size_t)i);
        for (j = 0; j < i; j++) {
            assert_true(seen[i] != seen[j]);
        }
    }
    /* one bit anywhere changes it */
    for (i = 0; i < 64; i++) {
        apr_uint64_t before = pd_siphash24(key, msg, 64);
        msg[i] ^= 1;
        assert_true(pd_siphash24(key, msg, 64) != before);
        msg[i] ^= 1;
    }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_vectors),
        T(test_every_length),
    };
#undef T
    return cmocka_run_group_tests_name("pd_siphash", tests, group_setup, group_teardown);
}
