#include <string.h>
#include "pd_cond.h"

/* One entity tag as RFC 9110 8.8.3 writes it. */
typedef struct etag_t {
    int weak;
    const char *opaque;        /* from its opening quote */
    size_t len;                /* up to and with its closing quote */
} etag_t;

static const char *skip_ows(const char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return p;
}

/* etagc = %x21 / %x23-7E / obs-text: anything visible but the quote */
static int etagc(unsigned char c)
{
    return c == 0x21 || (c >= 0x23 && c != 0x7F);
}

/* entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, at *p (the W in upper case:
 * the marker is case-sensitive). On success *p is past it. */
static int parse_etag(const char **p, etag_t *tag)
{
    const char *s = *p;

    tag->weak = s[0] == 'W' && s[1] == '/';
    if (tag->weak) {
        s += 2;
    }
    if (*s != '"') {
        return 0;
    }
    tag->opaque = s++;
    while (etagc((unsigned char)*s)) {
        s++;
    }
    if (*s != '"') {
        return 0;
    }
    tag->len = (size_t)(s + 1 - tag->opaque);
    *p = s + 1;
    return 1;
}

static int same(const etag_t *a, const etag_t *b, int strong)
{
    if (strong && (a->weak || b->weak)) {
        return 0;
    }
    return a->len == b->len && memcmp(a->opaque, b->opaque, a->len) == 0;
}

/* The whole of s is one entity tag, with optional white space around. */
static int parse_one(const char *s, etag_t *tag)
{
    s = skip_ows(s);
    if (!parse_etag(&s, tag)) {
        return 0;
    }
    return *skip_ows(s) == '\0';
}

int pd_cond_list_matches(const char *field, const char *etag, int strong)
{
    etag_t want, item;
    const char *p;
    int found = 0;

    if (!field || !etag || !parse_one(etag, &want)) {
        return 0;
    }
    p = skip_ows(field);
    if (*p == '*') {
        return *skip_ows(p + 1) == '\0';
    }
    /* #entity-tag: elements separated by commas, empty ones allowed; the
     * whole list is read, so that a malformed member anywhere voids it */
    for (;;) {
        while (*p == ',' || *p == ' ' || *p == '\t') {
            p++;
        }
        if (!*p) {
            return found;
        }
        if (!parse_etag(&p, &item)) {
            return 0;
        }
        found |= same(&item, &want, strong);
        p = skip_ows(p);
        if (*p != ',' && *p != '\0') {
            return 0;
        }
    }
}

pd_cond_e pd_cond_evaluate(const char *if_match, const char *if_none_match, const char *etag,
                           int safe)
{
    if (if_match && !pd_cond_list_matches(if_match, etag, 1)) {
        return PD_COND_FAILED;
    }
    if (if_none_match && pd_cond_list_matches(if_none_match, etag, 0)) {
        return safe ? PD_COND_NOT_MODIFIED : PD_COND_FAILED;
    }
    return PD_COND_PROCEED;
}

int pd_cond_range_applies(const char *if_range, const char *etag)
{
    etag_t want, got;

    if (!if_range) {
        return 1;
    }
    return etag && parse_one(etag, &want) && parse_one(if_range, &got) && same(&got, &want, 1);
}
