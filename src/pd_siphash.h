/* SipHash-2-4 (Aumasson and Bernstein, 2012): a fast 64-bit keyed hash.
 * List and dashboard ETags digest whole response bodies at every poll;
 * SHA-1 from APR took about 80 us for a 18 KB dashboard, SipHash takes a
 * tenth of that. An ETag needs no secrecy, only a tag that changes when the
 * bytes do, the same on every node. */
#ifndef PD_SIPHASH_H
#define PD_SIPHASH_H

#include <apr.h>

/* key: 16 bytes. */
apr_uint64_t pd_siphash24(const unsigned char key[16], const void *data, apr_size_t len);

#endif
