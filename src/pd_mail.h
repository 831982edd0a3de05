/* An e-mail message as RFC 5322 and MIME (RFCs 2045-2047) have it: the
 * headers, then a text and an HTML part in UTF-8, quoted-printable. What the
 * message says comes from pd_notify_text; how it is sent, from pd_smtp. */
#ifndef PD_MAIL_H
#define PD_MAIL_H

#include <apr.h>
#include <apr_pools.h>
#include <apr_time.h>

typedef struct pd_mail_t {
    const char *from;            /* addr-spec */
    const char *from_name;       /* display name, may be non-ASCII (RFC 2047) */
    const char *to;
    const char *to_name;
    const char *subject;         /* UTF-8, encoded by the builder */
    const char *text;
    const char *html;            /* NULL: a text/plain message alone */
    const char *message_id;      /* "<...@...>", stable per delivery: receivers drop repeats by it */
    const char *thread_id;       /* "<ticket-42@host>" for In-Reply-To/References, so one ticket is one thread */
    apr_time_t date;             /* 0: now */
} pd_mail_t;

/* A complete RFC 5322 message, CRLF line ends, multipart/alternative text + HTML, headers safe
 * against injection: addresses and ids that are not what they must be are refused (APR_EINVAL:
 * they come from the configuration and the database, never from a request), and every line
 * break or control character in a name or the subject becomes a space. Lines are at most 78
 * characters but for a header naming an unusually long address (at most 998). When the message
 * id equals the thread id (the first message of a thread), the message refers to none. */
apr_status_t pd_mail_build(apr_pool_t *p, const pd_mail_t *mail, const char **message);

/* Whether an address is one the builder takes: a dot-atom local part (at
 * most 64 characters), "@", and a domain name of letters, digits and
 * hyphens, ASCII only, at most 254 characters in all. */
int pd_mail_addr_valid(const char *addr);
/* Whether an id is "<left@right>", both sides dot-atoms, at most 250
 * characters. */
int pd_mail_id_valid(const char *id);

/* Ids for a message about a ticket, in the domain of the sender's address
 * (so that they are unique to the sender), NULL when from is no address:
 * the ticket's thread "<ticket-42@DOMAIN>", and a message's
 * "<pd-TAG@DOMAIN>" (TAG: letters, digits, '.', '-' and '_', such as a
 * delivery's id; NULL for anything else), stable as long as TAG is. */
const char *pd_mail_thread_id(apr_pool_t *p, const char *from, apr_int64_t ticket_id);
const char *pd_mail_message_id(apr_pool_t *p, const char *from, const char *tag);

#endif
