/* Desk tokens: what the QR code printed for a front desk carries.
 *
 * A token is "<public id>.<mac>": the public id is 16 random bytes and the
 * mac the HMAC-SHA256 of "pharmadesk-desk-token:<public id>" under the
 * server's secret (PharmadeskDeskTokenSecretFile), both base64url without
 * padding (22 and 43 characters). The database keeps the public id alone;
 * the token is recomputed whenever an admin prints it again. A token is
 * good when its mac matches (compared in constant time) and its row is in
 * force (not revoked, not expired): docs/design.md, "Desk tokens". */
#ifndef PD_DESK_TOKEN_H
#define PD_DESK_TOKEN_H

#include <apr.h>
#include <apr_pools.h>

#define PD_DESK_ID_LEN 22
#define PD_DESK_MAC_LEN 43
#define PD_DESK_TOKEN_LEN (PD_DESK_ID_LEN + 1 + PD_DESK_MAC_LEN)

/* A new public id from the system's random source: PD_DESK_ID_LEN
 * characters and a NUL. */
apr_status_t pd_desk_token_new_id(char id[PD_DESK_ID_LEN + 1]);

/* The token of a public id under the secret (from p); NULL when the id is
 * not one or the digest fails. */
const char *pd_desk_token_sign(apr_pool_t *p, const char *secret, const char *public_id);

/* 1 when the token has the shape of one and its mac is the secret's for
 * its public id, which is copied into id; 0 for anything else. */
int pd_desk_token_check(const char *secret, const char *token, char id[PD_DESK_ID_LEN + 1]);

#endif
