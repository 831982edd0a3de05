#include <string.h>
#include <apr_strings.h>
#include <apr_lib.h>
#include <apr_tables.h>
#include <apr_base64.h>
#include "pd_mail.h"
#include "pd_utf8.h"
#include "pd_sha256.h"

#define CRLF "\r\n"
#define LINE_MAX_CHARS 78          /* RFC 5322 2.1.1: lines SHOULD be at most 78 */
#define QP_LINE 76                 /* RFC 2045 6.7: encoded lines at most 76 */
/* RFC 2047 2: an encoded word at most 75 characters; "=?UTF-8?B?" and "?=" */
#define EW_MAX 75
#define EW_FRAME 12

/* RFC 5322 3.2.3: atext, the characters of an atom */
static int atext(int c)
{
    return apr_isalnum(c) || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* A dot-atom of at most max characters: atoms of atext joined by dots. */
static int dot_atom(const char *s, apr_size_t len, apr_size_t max)
{
    apr_size_t i;
    if (len == 0 || len > max || s[0] == '.' || s[len - 1] == '.') {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (s[i] == '.' ? s[i + 1] == '.' : !atext((unsigned char)s[i])) {
            return 0;
        }
    }
    return 1;
}

/* A host name: labels of letters, digits and inner hyphens. */
static int domain_ok(const char *d)
{
    apr_size_t label = 0;
    const char *c;
    if (!*d || strlen(d) > 253) {
        return 0;
    }
    for (c = d; ; c++) {
        if (*c == '.' || !*c) {
            if (label == 0 || label > 63 || c[-1] == '-' || c[-(long)label] == '-') {
                return 0;
            }
            if (!*c) {
                return 1;
            }
            label = 0;
        }
        else if (apr_isalnum(*c) || *c == '-') {
            label++;
        }
        else {
            return 0;
        }
    }
}

int pd_mail_addr_valid(const char *addr)
{
    const char *at = addr ? strrchr(addr, '@') : NULL;
    return at && strlen(addr) <= 254 && dot_atom(addr, (apr_size_t)(at - addr), 64) && domain_ok(at + 1);
}

int pd_mail_id_valid(const char *id)
{
    apr_size_t len = id ? strlen(id) : 0;
    const char *at;
    if (len < 5 || len > 250 || id[0] != '<' || id[len - 1] != '>') {
        return 0;
    }
    at = memchr(id, '@', len);
    return at && dot_atom(id + 1, (apr_size_t)(at - id - 1), len)
           && dot_atom(at + 1, (apr_size_t)(id + len - 1 - at - 1), len);
}

const char *pd_mail_thread_id(apr_pool_t *p, const char *from, apr_int64_t ticket_id)
{
    if (!pd_mail_addr_valid(from)) {
        return NULL;
    }
    return apr_psprintf(p, "<ticket-%" APR_INT64_T_FMT "@%s>", ticket_id, strrchr(from, '@') + 1);
}

const char *pd_mail_message_id(apr_pool_t *p, const char *from, const char *tag)
{
    const char *c;
    if (!pd_mail_addr_valid(from) || !tag || !*tag || strlen(tag) > 100) {
        return NULL;
    }
    for (c = tag; *c; c++) {
        if (!apr_isalnum(*c) && !strchr(".-_", *c)) {
            return NULL;
        }
    }
    if (tag[0] == '.' || c[-1] == '.' || strstr(tag, "..")) {
        return NULL;
    }
    return apr_pstrcat(p, "<pd-", tag, "@", strrchr(from, '@') + 1, ">", NULL);
}

/* ---- Header fields ---------------------------------------------------- */

/* Whether a word goes as it is: printable ASCII that cannot be taken for
 * an encoded word, short enough to fold beside and, in a display name
 * (phrase), of atext alone. */
static int plain_word(const char *w, int phrase)
{
    const char *c;
    if (strstr(w, "=?") || strlen(w) > LINE_MAX_CHARS - 20) {
        return 0;
    }
    for (c = w; *c; c++) {
        if ((unsigned char)*c < 0x21 || (unsigned char)*c > 0x7E || (phrase && !atext(*c))) {
            return 0;
        }
    }
    return 1;
}

/* RFC 2047 encoded words ("B", UTF-8) for text, each holding whole
 * characters, the first sized for room characters (0: a line of its own). */
static void encode_words(apr_pool_t *p, apr_array_header_t *words, const char *s, apr_size_t room)
{
    while (*s) {
        /* the bytes whose base64 fits: 3 bytes per 4 characters */
        apr_size_t fit = room > EW_FRAME + 4 && room < EW_MAX ? room : EW_MAX;
        apr_size_t max = (fit - EW_FRAME) / 4 * 3, n = 0, len;
        char *b64;
        while (s[n] && n + (len = pd_utf8_char(s + n)) <= max) {
            n += len;
        }
        b64 = apr_palloc(p, apr_base64_encode_len((int)n));
        apr_base64_encode(b64, s, (int)n);
        APR_ARRAY_PUSH(words, const char *) = apr_pstrcat(p, "=?UTF-8?B?", b64, "?=", NULL);
        s += n;
        room = 0;
    }
}

/* The words of a header's value (clean, one line), to be joined by spaces
 * and folded between: plain words as they are, and each run of others
 * (with the spaces inside it, which decoders drop between encoded words)
 * as encoded words. first_room: what is left of the field's first line. */
static void add_words(apr_pool_t *p, apr_array_header_t *words, const char *s, int phrase,
                      apr_size_t first_room)
{
    char *copy = apr_pstrdup(p, s), *last, *w;
    const char *run = NULL;

    for (w = apr_strtok(copy, " ", &last); ; w = apr_strtok(NULL, " ", &last)) {
        if (w && !plain_word(w, phrase)) {
            run = run ? apr_pstrcat(p, run, " ", w, NULL) : w;
            continue;
        }
        if (run) {
            encode_words(p, words, run, words->nelts ? 0 : first_room);
            run = NULL;
        }
        if (!w) {
            return;
        }
        APR_ARRAY_PUSH(words, const char *) = w;
    }
}

/* "Name: word word" with CRLF SP folds wherever the next word would pass
 * the line's 78 characters, and the final CRLF. */
static const char *fold(apr_pool_t *p, const char *name, const apr_array_header_t *words)
{
    const char *out = apr_pstrcat(p, name, ":", NULL);
    apr_size_t col = strlen(out);
    int i;
    for (i = 0; i < words->nelts; i++) {
        const char *w = APR_ARRAY_IDX(words, i, const char *);
        if (col + 1 + strlen(w) > LINE_MAX_CHARS && col > strlen(name) + 1) {
            out = apr_pstrcat(p, out, CRLF, NULL);
            col = 0;
        }
        out = apr_pstrcat(p, out, " ", w, NULL);
        col += 1 + strlen(w);
    }
    return apr_pstrcat(p, out, CRLF, NULL);
}

/* "Name: text" for unstructured text (the subject). */
static const char *text_field(apr_pool_t *p, const char *name, const char *value)
{
    apr_array_header_t *words = apr_array_make(p, 8, sizeof(const char *));
    add_words(p, words, pd_utf8_clean(p, value ? value : "", 0), 0,
              LINE_MAX_CHARS - strlen(name) - 2);
    return fold(p, name, words);
}

/* "Name: Display Name <addr>", or "Name: addr" without a display name. */
static const char *address_field(apr_pool_t *p, const char *name, const char *display,
                                 const char *addr)
{
    apr_array_header_t *words = apr_array_make(p, 8, sizeof(const char *));
    const char *clean = pd_utf8_clean(p, display, 0);
    /* a name of nothing but spaces is no name */
    while (clean && *clean == ' ') {
        clean++;
    }
    if (clean && *clean) {
        add_words(p, words, clean, 1, LINE_MAX_CHARS - strlen(name) - 2);
        APR_ARRAY_PUSH(words, const char *) = apr_pstrcat(p, "<", addr, ">", NULL);
    }
    else {
        APR_ARRAY_PUSH(words, const char *) = addr;
    }
    return fold(p, name, words);
}

/* RFC 5322 3.3, in UTC with the numeric zone (never "GMT", which is obsolete). */
static const char *date_field(apr_pool_t *p, apr_time_t t)
{
    apr_time_exp_t tm;
    apr_time_exp_gmt(&tm, t ? t : apr_time_now());
    return apr_psprintf(p, "Date: %s, %02d %s %d %02d:%02d:%02d +0000" CRLF, apr_day_snames[tm.tm_wday],
                        tm.tm_mday, apr_month_snames[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
                        tm.tm_min, tm.tm_sec);
}

/* ---- Bodies ----------------------------------------------------------- */

/* Whether the byte at s must be encoded, at column col of its line: what
 * is not printable ASCII, "=", white space that would end a line, and a
 * line's leading "." or "From " (no line of the body looks like the end
 * of SMTP's DATA or an mbox separator, however the message travels). */
static int qp_needs(const char *s, apr_size_t col)
{
    unsigned char c = (unsigned char)*s;
    if (c == ' ' || c == '\t') {
        return s[1] == '\n' || !s[1];
    }
    return c < 33 || c > 126 || c == '='
           || (col == 0 && (c == '.' || strncmp(s, "From ", 5) == 0));
}

/* Quoted-printable (RFC 2045 6.7) of clean UTF-8 text with LF line ends:
 * CRLF hard breaks, and "=" soft breaks that keep lines at 76. */
static const char *qp_encode(apr_pool_t *p, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    apr_size_t col = 0;
    /* at most 3 characters a byte, and a soft break every 25 bytes */
    char *out = apr_palloc(p, strlen(s) * 4 + 16), *o = out;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        apr_size_t n;
        if (c == '\n') {
            o = stpcpy(o, CRLF);
            col = 0;
            continue;
        }
        n = qp_needs(s, col) ? 3 : 1;
        /* room for the soft break's "=" after the token */
        if (col + n > QP_LINE - 1) {
            o = stpcpy(o, "=" CRLF);
            col = 0;
            n = qp_needs(s, col) ? 3 : 1;
        }
        if (n == 3) {
            *o++ = '=', *o++ = hex[c >> 4], *o++ = hex[c & 15];
        }
        else {
            *o++ = (char)c;
        }
        col += n;
    }
    if (col > 0) {
        o = stpcpy(o, CRLF);
    }
    *o = '\0';
    return out;
}

static const char *part(apr_pool_t *p, const char *type, const char *encoded)
{
    return apr_pstrcat(p, "Content-Type: ", type, "; charset=utf-8" CRLF
                       "Content-Transfer-Encoding: quoted-printable" CRLF CRLF, encoded, NULL);
}

/* A boundary derived from the message id, so that a message built twice is
 * the same message. "=_" never occurs in quoted-printable text (an "=" is
 * followed by hex digits or a line break); checked all the same. */
static apr_status_t boundary(apr_pool_t *p, const char *id, const char *a, const char *b,
                             const char **out)
{
    char hex[PD_SHA256_HEX];
    int i;
    for (i = 0; i < 100; i++) {
        const char *seed = apr_psprintf(p, "%s/%d", id, i);
        apr_status_t rv = pd_sha256_hex(seed, strlen(seed), hex);
        if (rv != APR_SUCCESS) {
            return rv;
        }
        *out = apr_pstrcat(p, "=_pd_", apr_pstrmemdup(p, hex, 32), NULL);
        if (!strstr(a, *out) && !strstr(b, *out)) {
            return APR_SUCCESS;
        }
    }
    return APR_EGENERAL;
}

apr_status_t pd_mail_build(apr_pool_t *p, const pd_mail_t *mail, const char **message)
{
    const char *head, *text, *html, *b;
    apr_status_t rv;

    *message = NULL;
    if (!pd_mail_addr_valid(mail->from) || !pd_mail_addr_valid(mail->to)
        || !pd_mail_id_valid(mail->message_id) || (mail->thread_id && !pd_mail_id_valid(mail->thread_id))
        || !mail->text) {
        return APR_EINVAL;
    }
    head = apr_pstrcat(p, date_field(p, mail->date),
                       address_field(p, "From", mail->from_name, mail->from),
                       address_field(p, "To", mail->to_name, mail->to),
                       text_field(p, "Subject", mail->subject),
                       "Message-ID: ", mail->message_id, CRLF, NULL);
    if (mail->thread_id && strcmp(mail->thread_id, mail->message_id) != 0) {
        head = apr_pstrcat(p, head, "In-Reply-To: ", mail->thread_id, CRLF,
                           "References: ", mail->thread_id, CRLF, NULL);
    }
    /* RFC 3834 and Exchange's header: automatic replies (vacation notices,
     * out of office) are not sent back to a message nobody reads */
    head = apr_pstrcat(p, head, "MIME-Version: 1.0" CRLF "Auto-Submitted: auto-generated" CRLF
                       "X-Auto-Response-Suppress: All" CRLF, NULL);

    text = qp_encode(p, pd_utf8_clean(p, mail->text, 1));
    if (!mail->html) {
        *message = apr_pstrcat(p, head, part(p, "text/plain", text), NULL);
        return APR_SUCCESS;
    }
    html = qp_encode(p, pd_utf8_clean(p, mail->html, 1));
    if ((rv = boundary(p, mail->message_id, text, html, &b)) != APR_SUCCESS) {
        return rv;
    }
    *message = apr_pstrcat(p, head, "Content-Type: multipart/alternative;" CRLF " boundary=\"", b, "\"" CRLF,
                           CRLF "This is a message in MIME format." CRLF CRLF,
                           "--", b, CRLF, part(p, "text/plain", text), CRLF,
                           "--", b, CRLF, part(p, "text/html", html), CRLF,
                           "--", b, "--" CRLF, NULL);
    return APR_SUCCESS;
}
