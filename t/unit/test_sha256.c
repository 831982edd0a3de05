/* pd_sha256: the FIPS 180-4 test vectors, fed whole and in every split,
 * and in one piece. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "pd_sha256.h"
#include "pd_unit.h"

/* The digest fed in pieces of the given size (0: whole), from a context
 * that has digested something else first: each message starts afresh. */
static void hex_of(apr_pool_t *p, const char *data, apr_size_t len, apr_size_t piece,
                   char out[PD_SHA256_HEX])
{
    pd_sha256_t *ctx;
    apr_size_t off = 0;
    char other[PD_SHA256_HEX];

    assert_int_equal(pd_sha256_create(&ctx, p), APR_SUCCESS);
    pd_sha256_update(ctx, "something else", 14);
    assert_int_equal(pd_sha256_final_hex(ctx, other), APR_SUCCESS);
    assert_int_equal(pd_sha256_init(ctx), APR_SUCCESS);
    while (off < len) {
        apr_size_t n = piece && piece < len - off ? piece : len - off;
        pd_sha256_update(ctx, data + off, n);
        off += n;
    }
    assert_int_equal(pd_sha256_final_hex(ctx, out), APR_SUCCESS);
}

static void test_vectors(void **state)
{
    static const struct { const char *in; const char *hex; } v[] = {
        { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
        { "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
          "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
    };
    char hex[PD_SHA256_HEX];
    apr_size_t i, piece;

    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        for (piece = 0; piece <= 70; piece++) {
            hex_of(*state, v[i].in, strlen(v[i].in), piece, hex);
            assert_string_equal(hex, v[i].hex);
        }
        assert_int_equal(pd_sha256_hex(v[i].in, strlen(v[i].in), hex), APR_SUCCESS);
        assert_string_equal(hex, v[i].hex);
    }
}

/* A million 'a's, fed in pieces that cross every block boundary: the length
 * field and the padding of a long message. */
static void test_million(void **state)
{
    char block[1000];
    char hex[PD_SHA256_HEX];
    pd_sha256_t *ctx;
    int i;

    memset(block, 'a', sizeof(block));
    assert_int_equal(pd_sha256_create(&ctx, *state), APR_SUCCESS);
    for (i = 0; i < 1000; i++) {
        pd_sha256_update(ctx, block, sizeof(block));
    }
    assert_int_equal(pd_sha256_final_hex(ctx, hex), APR_SUCCESS);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* 55, 56 and 64 bytes: the message ends just before, at and past the
 * length field. */
static void test_padding_edges(void **state)
{
    char a[64];
    char hex[PD_SHA256_HEX];

    memset(a, 'a', sizeof(a));
    hex_of(*state, a, 55, 0, hex);
    assert_string_equal(hex, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    hex_of(*state, a, 56, 0, hex);
    assert_string_equal(hex, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    hex_of(*state, a, 64, 7, hex);
    assert_string_equal(hex, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

/* Looked up once for the process, the same digests. */
static void test_global_init(void **state)
{
    apr_pool_t *p;
    char hex[PD_SHA256_HEX];

    assert_int_equal(apr_pool_create(&p, NULL), APR_SUCCESS);
    assert_int_equal(pd_sha256_global_init(p), APR_SUCCESS);
    assert_int_equal(pd_sha256_global_init(p), APR_SUCCESS);
    assert_int_equal(pd_sha256_hex("abc", 3, hex), APR_SUCCESS);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    apr_pool_destroy(p);
    /* and without it, by name, as before */
    assert_int_equal(pd_sha256_hex("abc", 3, hex), APR_SUCCESS);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_vectors),
        T(test_million),
        T(test_padding_edges),
        T(test_global_init),
    };
#undef T
    return cmocka_run_group_tests_name("pd_sha256", tests, group_setup, group_teardown);
}
