/* libFuzzer target for the multipart parser (src/pd_multipart.c): the input
 * is split at its first byte's value into a Content-Type header's boundary
 * and a body, and the body is fed in pieces whose sizes come from the input
 * too, so that delimiters straddle every kind of piece boundary. Built and
 * run by t/fuzz/run. */
#include <stdint.h>
#include <string.h>
#include <apr_general.h>
#include <apr_strings.h>
#include "pd_multipart.h"

static apr_status_t on_begin(void *ctx, const pd_mp_part_t *part)
{
    /* what a caller would use must be there and terminated */
    (void)ctx;
    return strlen(part->name) + (part->filename ? strlen(part->filename) : 0) < (size_t)-1
        ? APR_SUCCESS : APR_EGENERAL;
}

static apr_status_t on_data(void *ctx, const char *data, apr_size_t len)
{
    volatile char sink = 0;
    apr_size_t i;
    (void)ctx;
    for (i = 0; i < len; i++) {
        sink ^= data[i];
    }
    return APR_SUCCESS;
}

static apr_status_t on_end(void *ctx)
{
    (void)ctx;
    return APR_SUCCESS;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const pd_mp_callbacks_t cb = { on_begin, on_data, on_end };
    static int initialized;
    apr_pool_t *p;
    const char *boundary, *why;
    pd_mp_t *mp;
    size_t split, off;

    if (!initialized) {
        apr_initialize();
        initialized = 1;
    }
    if (size < 2) {
        return 0;
    }
    split = 1 + data[0] % 80;
    if (split >= size) {
        return 0;
    }
    apr_pool_create(&p, NULL);
    if (pd_mp_boundary(apr_pstrcat(p, "multipart/form-data; boundary=",
                                   apr_pstrmemdup(p, (const char *)data + 1, split - 1), NULL),
                       p, &boundary, &why) == APR_SUCCESS
        && pd_mp_create(&mp, p, boundary, &cb, NULL) == APR_SUCCESS) {
        size_t step = 1 + (data[size - 1] % 17);
        apr_status_t rv = APR_SUCCESS;
        for (off = split; off < size && rv == APR_SUCCESS; off += step) {
            size_t n = size - off < step ? size - off : step;
            rv = pd_mp_feed(mp, (const char *)data + off, n);
        }
        if (rv == APR_SUCCESS) {
            pd_mp_finish(mp);
        }
    }
    apr_pool_destroy(p);
    return 0;
}
