/* pd_webhook: the signature against the README's reference vectors (also
 * computed with `openssl dgst -sha256 -hmac` and Python's hmac), a
 * receiver's verification (constant-time, the replay window), secrets,
 * the URLs an endpoint may have, which addresses a webhook may reach, and
 * the excerpt of an answer; pd_webhook_post's refusals that need no
 * network. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <sys/socket.h>

#include <apr_strings.h>
#include "pd_webhook.h"
#include "pd_webhook_post.h"
#include "pd_unit.h"

/* The README's reference vectors. */
#define SECRET "whsec_5f0c3a1e9b7d4c2a8e6f1b3d5c7a9e0f2b4d6c8a0e1f3b5d7c9a1e3f5b7d9c0a"
#define T 1767225600
#define BODY "{\"id\":\"4711\",\"event\":\"public_reply\",\"created_at\":\"2026-01-01T07:00:00+07:00\"," \
             "\"ticket\":{\"id\":42,\"number\":\"PD-2026-000042\"},\"entry\":null,\"actor\":null}"
#define V1 "f1980ecfcfd72858371b274179822fc7a215b3ffb1583f913552bbd9f3272030"

static void test_reference_vectors(void **state)
{
    static const struct { const char *body; const char *v1; } v[] = {
        { BODY, V1 },
        { "{}", "3c7d55ff2e6d1fe32eb461c926b6d2b040317affa81d83edd5ed422df06f3a11" },
        { "", "37001e1b7387fed25bb0063ba2b8efefe26f28c56064d3baa6292966652cbae3" },
        /* UTF-8 as bytes: an em dash and a numero sign */
        { "{\"title\":\"Struk tidak tercetak \xe2\x80\x94 kasir \xe2\x84\x96" "2\"}",
          "64c45b95fb0b89c1aa6c7d38b168151f561f4ab4c816b6aa2453309b87d2bcc5" },
    };
    const char *header;
    apr_size_t i;

    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        assert_int_equal(pd_webhook_sign(*state, SECRET, T, v[i].body, strlen(v[i].body), &header),
                         APR_SUCCESS);
        assert_string_equal(header, apr_psprintf(*state, "t=%d,v1=%s", T, v[i].v1));
    }
    /* the body's bytes, not up to a NUL */
    assert_int_equal(pd_webhook_sign(*state, SECRET, T, "{}\0x", 4, &header), APR_SUCCESS);
    assert_string_not_equal(header, "t=1767225600,v1=3c7d55ff2e6d1fe32eb461c926b6d2b040317affa81d83edd5ed422df06f3a11");
    assert_int_not_equal(pd_webhook_sign(*state, "", T, "{}", 2, &header), APR_SUCCESS);
    assert_int_not_equal(pd_webhook_sign(*state, NULL, T, "{}", 2, &header), APR_SUCCESS);
}

static void test_verify(void **state)
{
    const char *good = "t=1767225600,v1=" V1;
    apr_size_t len = strlen(BODY);

    (void)state;
    assert_int_equal(pd_webhook_verify(good, SECRET, BODY, len, T, 300), APR_SUCCESS);
    /* the window, both ways, to the second */
    assert_int_equal(pd_webhook_verify(good, SECRET, BODY, len, T + 300, 300), APR_SUCCESS);
    assert_int_equal(pd_webhook_verify(good, SECRET, BODY, len, T - 300, 300), APR_SUCCESS);
    assert_int_equal(pd_webhook_verify(good, SECRET, BODY, len, T + 301, 300), PD_WEBHOOK_EEXPIRED);
    assert_int_equal(pd_webhook_verify(good, SECRET, BODY, len, T - 301, 300), PD_WEBHOOK_EEXPIRED);
    /* a replay later: refused even with its valid signature */
    assert_int_equal(pd_webhook_verify(good, SECRET, BODY, len, T + 3600, 300), PD_WEBHOOK_EEXPIRED);
    /* another body, secret or time */
    assert_int_equal(pd_webhook_verify(good, SECRET, "{}", 2, T, 300), PD_WEBHOOK_EMISMATCH);
    assert_int_equal(pd_webhook_verify(good, SECRET "x", BODY, len, T, 300), PD_WEBHOOK_EMISMATCH);
    assert_int_equal(pd_webhook_verify("t=1767225601,v1=" V1, SECRET, BODY, len, T, 300),
                     PD_WEBHOOK_EMISMATCH);
    /* one of several v1 (a secret being rotated) is enough; order does not matter */
    assert_int_equal(pd_webhook_verify("t=1767225600,v1=00,v1=" V1, SECRET, BODY, len, T, 300),
                     APR_SUCCESS);
    assert_int_equal(pd_webhook_verify("v1=" V1 ",t=1767225600", SECRET, BODY, len, T, 300),
                     APR_SUCCESS);
    /* a v1 cut short or in upper case is no match */
    assert_int_equal(pd_webhook_verify("t=1767225600,v1=f1980ecf", SECRET, BODY, len, T, 300),
                     PD_WEBHOOK_EMISMATCH);
    assert_int_equal(pd_webhook_verify("t=1767225600,v1=F1980ECFCFD72858371B274179822FC7A215B3FFB1583F913552BBD9F3272030",
                                       SECRET, BODY, len, T, 300), PD_WEBHOOK_EMISMATCH);
    /* malformed */
    assert_int_equal(pd_webhook_verify(NULL, SECRET, BODY, len, T, 300), PD_WEBHOOK_EMALFORMED);
    assert_int_equal(pd_webhook_verify("", SECRET, BODY, len, T, 300), PD_WEBHOOK_EMALFORMED);
    assert_int_equal(pd_webhook_verify("v1=" V1, SECRET, BODY, len, T, 300), PD_WEBHOOK_EMALFORMED);
    assert_int_equal(pd_webhook_verify("t=1767225600", SECRET, BODY, len, T, 300),
                     PD_WEBHOOK_EMALFORMED);
    assert_int_equal(pd_webhook_verify("t=-5,v1=" V1, SECRET, BODY, len, T, 300),
                     PD_WEBHOOK_EMALFORMED);
    assert_int_equal(pd_webhook_verify("t=17672x,v1=" V1, SECRET, BODY, len, T, 300),
                     PD_WEBHOOK_EMALFORMED);
}

static void test_sign_then_verify(void **state)
{
    const char *secret, *other, *header;
    apr_int64_t t = 1800000000;

    assert_int_equal(pd_webhook_secret_new(*state, &secret), APR_SUCCESS);
    assert_int_equal(pd_webhook_secret_new(*state, &other), APR_SUCCESS);
    assert_int_equal(strlen(secret), strlen(PD_WEBHOOK_SECRET_PREFIX) + 64);
    assert_int_equal(strncmp(secret, PD_WEBHOOK_SECRET_PREFIX, 6), 0);
    assert_int_equal(strspn(secret + 6, "0123456789abcdef"), 64);
    assert_string_not_equal(secret, other);
    assert_int_equal(pd_webhook_sign(*state, secret, t, BODY, strlen(BODY), &header), APR_SUCCESS);
    assert_int_equal(pd_webhook_verify(header, secret, BODY, strlen(BODY), t + 10, PD_WEBHOOK_TOLERANCE),
                     APR_SUCCESS);
    assert_int_equal(pd_webhook_verify(header, other, BODY, strlen(BODY), t, PD_WEBHOOK_TOLERANCE),
                     PD_WEBHOOK_EMISMATCH);
}

static void test_urls(void **state)
{
    static const struct { const char *url; int https, port, literal; const char *host; } good[] = {
        { "https://hooks.example.org/pharmadesk", 1, 443, 0, "hooks.example.org" },
        { "http://hooks.example.org:8080/in?src=pd&x=1", 0, 8080, 0, "hooks.example.org" },
        { "https://203.0.113.7/x", 1, 443, 1, "203.0.113.7" },
        { "http://[2001:db8::1]:81/", 0, 81, 1, "2001:db8::1" },
        { "https://a-b.c9.example.org", 1, 443, 0, "a-b.c9.example.org" },
        { "http://localhost:9/", 0, 9, 0, "localhost" },
    };
    static const char *const bad[] = {
        "ftp://hooks.example.org/", "file:///etc/passwd", "gopher://x.org/",
        "HTTPS://hooks.example.org/", "hooks.example.org/x", "",
        "https://", "https:///path", "https://user:pw@hooks.example.org/",
        "https://user@hooks.example.org/", "https://hooks.example.org/#frag",
        "https://hooks.example.org:0/", "https://hooks.example.org:65536/",
        "https://hooks.example.org:/", "https://hooks.example.org:8a/",
        "https://hooks example.org/", "https://hooks.example.org/a b",
        "https://hooks.example.org/\xc3\xa9", "https://hooks.example.org/\n",
        "https://-bad.example.org/", "https://bad-.example.org/",
        "https://a..b/", "https://example.org./", "https://under_score.org/",
        "http://2130706433/", "http://127.1/", "http://0x7f.0.0.1/",
        "http://[::1/", "http://[not-v6]/", "http://::1/",
    };
    pd_webhook_url_t u;
    char long_url[2100];
    apr_size_t i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        const char *why = pd_webhook_url_check(*state, good[i].url, &u);
        if (why) {
            fail_msg("%s refused: %s", good[i].url, why);
        }
        assert_int_equal(u.https, good[i].https);
        assert_int_equal(u.port, good[i].port);
        assert_int_equal(u.literal, good[i].literal);
        assert_string_equal(u.host, good[i].host);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (!pd_webhook_url_check(*state, bad[i], &u)) {
            fail_msg("%s accepted", bad[i]);
        }
    }
    assert_non_null(pd_webhook_url_check(*state, NULL, &u));
    memcpy(long_url, "https://hooks.example.org/", 26);
    memset(long_url + 26, 'a', sizeof(long_url) - 27);
    long_url[sizeof(long_url) - 1] = '\0';
    assert_non_null(pd_webhook_url_check(*state, long_url, &u));
    long_url[2000] = '\0';
    assert_null(pd_webhook_url_check(*state, long_url, &u));
}

static const char *class_of(const char *text)
{
    pd_webhook_addr_t a;
    assert_int_equal(pd_webhook_addr_parse(text, &a), APR_SUCCESS);
    return pd_webhook_addr_class(&a);
}

static void test_address_classes(void **state)
{
    static const struct { const char *addr; const char *why; } v[] = {
        { "8.8.8.8", NULL }, { "1.1.1.1", NULL }, { "93.184.216.34", NULL },
        { "2606:4700:4700::1111", NULL }, { "2a00:1450:4001:82b::200e", NULL },
        { "127.0.0.1", "loopback" }, { "127.255.255.254", "loopback" },
        { "10.0.0.1", "private" }, { "10.255.255.255", "private" },
        { "172.16.0.1", "private" }, { "172.31.255.255", "private" }, { "172.32.0.1", NULL },
        { "172.15.255.255", NULL },
        { "192.168.1.1", "private" }, { "192.169.0.1", NULL },
        { "169.254.169.254", "link-local" },
        { "100.64.0.1", "shared (CGNAT)" }, { "100.127.255.255", "shared (CGNAT)" },
        { "100.128.0.1", NULL }, { "100.63.255.255", NULL },
        { "0.0.0.0", "unspecified" }, { "0.1.2.3", "unspecified" },
        { "224.0.0.1", "multicast" }, { "239.255.255.250", "multicast" },
        { "255.255.255.255", "reserved" }, { "240.0.0.1", "reserved" },
        { "192.0.2.1", "reserved" }, { "198.51.100.1", "reserved" }, { "203.0.113.1", "reserved" },
        { "198.18.0.1", "reserved" }, { "198.19.255.255", "reserved" }, { "198.20.0.1", NULL },
        { "::", "unspecified" }, { "::1", "loopback" },
        { "::ffff:127.0.0.1", "IPv4-mapped" }, { "::ffff:8.8.8.8", "IPv4-mapped" },
        { "::127.0.0.1", "reserved" },
        { "fc00::1", "unique-local" }, { "fd12:3456::1", "unique-local" },
        { "fe80::1", "link-local" }, { "febf::1", "link-local" }, { "fec0::1", "reserved" },
        { "ff02::1", "multicast" }, { "64:ff9b::7f00:1", "reserved" },
        { "2001:db8::1", "reserved" }, { "2002:7f00:1::", "reserved" }, { "2001::1", "reserved" },
        { "100::1", "reserved" },
    };
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        const char *got = class_of(v[i].addr);
        if ((got == NULL) != (v[i].why == NULL) || (got && strcmp(got, v[i].why) != 0)) {
            fail_msg("%s: %s, expected %s", v[i].addr, got ? got : "public",
                     v[i].why ? v[i].why : "public");
        }
    }
}

static void test_networks(void **state)
{
    static const char *const good[] = {
        "127.0.0.0/8", "10.1.2.0/24", "0.0.0.0/0", "127.0.0.1", "::1", "fd00::/8",
        "::ffff:0:0/96", "192.168.1.128/25", "::/0",
    };
    static const char *const bad[] = {
        "", "none", "10.1.2.0/33", "10.1.0.0/8", "127.0.0.1/", "127.0.0.1/x", "::1/129",
        "fd00::1/8", "10.0.0.0/-1", "10.0.0.0/08x", "host.example.org", "10.0.0.0/8/8",
    };
    pd_webhook_net_t nets[3];
    pd_webhook_addr_t a;
    const char *why;
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (pd_webhook_net_parse(good[i], &nets[0]) != APR_SUCCESS) {
            fail_msg("%s refused", good[i]);
        }
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (pd_webhook_net_parse(bad[i], &nets[0]) == APR_SUCCESS) {
            fail_msg("%s accepted", bad[i]);
        }
    }
    assert_int_equal(pd_webhook_net_parse(NULL, &nets[0]), APR_EINVAL);

    assert_int_equal(pd_webhook_net_parse("127.0.0.0/8", &nets[0]), APR_SUCCESS);
    assert_int_equal(pd_webhook_net_parse("10.1.2.0/24", &nets[1]), APR_SUCCESS);
    assert_int_equal(pd_webhook_net_parse("::1", &nets[2]), APR_SUCCESS);
    /* public addresses need no network */
    pd_webhook_addr_parse("8.8.8.8", &a);
    assert_true(pd_webhook_addr_allowed(&a, NULL, 0, &why));
    assert_null(why);
    /* by default, none of the special ranges */
    pd_webhook_addr_parse("127.0.0.1", &a);
    assert_false(pd_webhook_addr_allowed(&a, NULL, 0, &why));
    assert_string_equal(why, "loopback");
    assert_true(pd_webhook_addr_allowed(&a, nets, 3, NULL));
    pd_webhook_addr_parse("10.1.2.200", &a);
    assert_true(pd_webhook_addr_allowed(&a, nets, 3, NULL));
    pd_webhook_addr_parse("10.1.3.1", &a);
    assert_false(pd_webhook_addr_allowed(&a, nets, 3, &why));
    assert_string_equal(why, "private");
    pd_webhook_addr_parse("::1", &a);
    assert_true(pd_webhook_addr_allowed(&a, nets, 3, NULL));
    /* an IPv4 network does not let the IPv4-mapped form through */
    pd_webhook_addr_parse("::ffff:127.0.0.1", &a);
    assert_false(pd_webhook_addr_allowed(&a, nets, 3, &why));
    assert_string_equal(why, "IPv4-mapped");
    pd_webhook_addr_parse("169.254.169.254", &a);
    assert_false(pd_webhook_addr_allowed(&a, nets, 3, NULL));
    assert_string_equal(pd_webhook_addr_text(*state, &a), "169.254.169.254");
}

static void test_excerpt(void **state)
{
    char big[PD_WEBHOOK_EXCERPT_MAX + 100];
    const char *e;
    apr_size_t i;

    assert_null(pd_webhook_excerpt(*state, NULL, 0));
    assert_null(pd_webhook_excerpt(*state, "x", 0));
    assert_string_equal(pd_webhook_excerpt(*state, "ok\r\n", 4), "ok\n");
    /* NUL and control characters do not survive; bad UTF-8 becomes U+FFFD */
    assert_string_equal(pd_webhook_excerpt(*state, "a\0b\x01" "c", 5), "a b c");
    assert_string_equal(pd_webhook_excerpt(*state, "\xff!", 2), "\xef\xbf\xbd!");
    /* cut at a whole character: a 3-byte one straddling the limit goes */
    memset(big, 'a', sizeof(big));
    memcpy(big + PD_WEBHOOK_EXCERPT_MAX - 1, "\xe2\x80\x94", 3);
    e = pd_webhook_excerpt(*state, big, sizeof(big));
    assert_int_equal(strlen(e), PD_WEBHOOK_EXCERPT_MAX - 1);
    for (i = 0; i < strlen(e); i++) {
        assert_int_equal(e[i], 'a');
    }
}

/* What pd_webhook_post refuses before it sends anything: no network is
 * touched (the addresses are literals and refused, or the URL is bad). */
static void test_post_refusals(void **state)
{
    pd_webhook_request_t rq;
    pd_webhook_outcome_t o;
    pd_webhook_net_t net;

    memset(&rq, 0, sizeof(rq));
    rq.secret = SECRET;
    rq.event = "ping";
    rq.delivery = "ping-1";
    rq.body = "{}";
    rq.body_len = 2;
    rq.timeout = 1;
    rq.url = "http://127.0.0.1:9/";
    assert_int_not_equal(pd_webhook_post(*state, &rq, &o), APR_SUCCESS);
    assert_true(o.permanent);
    assert_false(o.delivered);
    assert_string_equal(o.address, "127.0.0.1");
    assert_string_equal(o.error, "refused: 127.0.0.1 is a loopback address, which "
                                 "PharmadeskWebhookAllowNetworks does not allow");
    rq.url = "http://[::ffff:10.0.0.1]/";
    pd_webhook_post(*state, &rq, &o);
    assert_true(o.permanent);
    assert_non_null(strstr(o.error, "IPv4-mapped"));
    rq.url = "http://169.254.169.254/latest/meta-data/";
    pd_webhook_post(*state, &rq, &o);
    assert_true(o.permanent);
    assert_non_null(strstr(o.error, "link-local"));
    /* an allowed network lets the same address through to a connection (port 9
     * on loopback: nobody listens, or discard) */
    assert_int_equal(pd_webhook_net_parse("127.0.0.0/8", &net), APR_SUCCESS);
    rq.allow = &net;
    rq.nallow = 1;
    rq.url = "http://127.0.0.1:9/";
    pd_webhook_post(*state, &rq, &o);
    assert_false(o.delivered);
    assert_null(strstr(o.error ? o.error : "", "refused: 127"));
    rq.url = "ftp://127.0.0.1/";
    pd_webhook_post(*state, &rq, &o);
    assert_true(o.permanent);
    assert_non_null(strstr(o.error, "https://"));
    rq.url = "http://127.0.0.1:9/";
    rq.event = "ping\r\nX-Injected: 1";
    pd_webhook_post(*state, &rq, &o);
    assert_true(o.permanent);
    assert_false(o.delivered);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reference_vectors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sign_then_verify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_urls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_address_classes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_networks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_excerpt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_post_refusals, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
