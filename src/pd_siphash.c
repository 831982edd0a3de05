#include "pd_siphash.h"

#define ROTL(x, b) (apr_uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND \
    do { \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2; \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0; \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
    } while (0)

/* little-endian, whatever the machine's order */
static apr_uint64_t load64(const unsigned char *p, apr_size_t n)
{
    apr_uint64_t v = 0;
    apr_size_t i;

    for (i = 0; i < n; i++) {
        v |= (apr_uint64_t)p[i] << (8 * i);
    }
    return v;
}

apr_uint64_t pd_siphash24(const unsigned char key[16], const void *data, apr_size_t len)
{
    const unsigned char *in = data;
    apr_uint64_t k0 = load64(key, 8), k1 = load64(key + 8, 8);
    apr_uint64_t v0 = k0 ^ APR_UINT64_C(0x736f6d6570736575);
    apr_uint64_t v1 = k1 ^ APR_UINT64_C(0x646f72616e646f6d);
    apr_uint64_t v2 = k0 ^ APR_UINT64_C(0x6c7967656e657261);
    apr_uint64_t v3 = k1 ^ APR_UINT64_C(0x7465646279746573);
    apr_size_t whole = len - len % 8, i;
    apr_uint64_t m;

    for (i = 0; i < whole; i += 8) {
        m = load64(in + i, 8);
        v3 ^= m;
        SIPROUND;
        SIPROUND;
        v0 ^= m;
    }
    /* the last 0-7 bytes, and the length's low byte on top */
    m = load64(in + whole, len - whole) | ((apr_uint64_t)(len & 0xff) << 56);
    v3 ^= m;
    SIPROUND;
    SIPROUND;
    v0 ^= m;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}
