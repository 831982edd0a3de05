#include <string.h>
#include <apr_strings.h>
#include "pd_notify_text.h"
#include "pd_utf8.h"

/* The stable names, in the order of pd_event_e. */
static const char *const event_names[PD_EV__COUNT] = {
    "ticket_created", "assigned", "unassigned", "status_changed",
    "public_reply", "internal_note", "attachment_added", "auto_closed",
    "sla_at_risk", "sla_breached", "sla_escalated", "escalated", "de_escalated",
};

const char *pd_event_name(pd_event_e ev)
{
    return (unsigned)ev < PD_EV__COUNT ? event_names[ev] : NULL;
}

apr_status_t pd_event_parse(const char *name, pd_event_e *ev)
{
    int i;
    for (i = 0; name && i < PD_EV__COUNT; i++) {
        if (strcmp(name, event_names[i]) == 0) {
            *ev = (pd_event_e)i;
            return APR_SUCCESS;
        }
    }
    return APR_EINVAL;
}

/* Every phrase in both languages: [0] Bahasa Indonesia, [1] English.
 * {name} is a value of the event, escaped and emphasised in HTML. */
enum {
    S_CREATED, S_ASSIGNED_EXPERT, S_ASSIGNED_TECH, S_UNASSIGNED_EXPERT, S_UNASSIGNED_TECH,
    S_STATUS, S_REPLY, S_NOTE, S_ATTACHMENT, S_ATTACHMENT_INTERNAL, S_AUTO_CLOSED,
    S_SLA_AT_RISK, S_SLA_BREACHED, S_SLA_ESCALATED, S_ESCALATED, S_DE_ESCALATED,
    H_CREATED, H_ASSIGNED_EXPERT, H_ASSIGNED_TECH, H_BEFORE,
    H_UNASSIGNED_EXPERT, H_UNASSIGNED_TECH, H_UNASSIGNED_EXPERT_ANON, H_UNASSIGNED_TECH_ANON,
    H_STATUS, H_STATUS_TO, H_REPLY, H_NOTE, H_ATTACHMENT, H_AUTO_CLOSED,
    H_SLA_AT_RISK, H_SLA_BREACHED, H_SLA_ESCALATED, H_ESCALATED, H_DE_ESCALATED,
    B_NOTE, B_FILE, B_STAFF,
    T_FIRST_RESPONSE, T_RESOLUTION,
    L_HELLO, L_HELLO_ANON, L_SYSTEM, L_TICKET, L_PHARMACY, L_PRIORITY, L_STATUS, L_OPEN,
    L_NO_LINK, L_WHY, L_PREFS, L_AUTOMATIC,
    R_PHARMACY, R_EXPERT, R_TECH, R_TEAM, R_MANAGER, R_DEFAULT,
    W__COUNT
};

static const char *const W[W__COUNT][2] = {
    [S_CREATED] = { "Tiket baru", "New ticket" },
    [S_ASSIGNED_EXPERT] = { "Team Expert ditetapkan", "Team expert assigned" },
    [S_ASSIGNED_TECH] = { "Teknisi ditugaskan", "Tech assigned" },
    [S_UNASSIGNED_EXPERT] = { "Team Expert dilepas", "Team expert removed" },
    [S_UNASSIGNED_TECH] = { "Teknisi dilepas", "Tech removed" },
    [S_STATUS] = { "Status: {new}", "Status: {new}" },
    [S_REPLY] = { "Balasan baru", "New reply" },
    [S_NOTE] = { "Catatan internal", "Internal note" },
    [S_ATTACHMENT] = { "Lampiran baru", "New attachment" },
    [S_ATTACHMENT_INTERNAL] = { "Lampiran internal", "Internal attachment" },
    [S_AUTO_CLOSED] = { "Ditutup otomatis", "Closed automatically" },
    [S_SLA_AT_RISK] = { "SLA hampir terlewat: {target}", "SLA at risk: {target}" },
    [S_SLA_BREACHED] = { "SLA terlewat: {target}", "SLA breached: {target}" },
    [S_SLA_ESCALATED] = { "Eskalasi ke manajer: {target}", "Escalated to the managers: {target}" },
    [S_ESCALATED] = { "Tiket dieskalasi", "Ticket escalated" },
    [S_DE_ESCALATED] = { "Eskalasi dicabut", "Escalation withdrawn" },

    [H_CREATED] = { "{actor} membuat tiket baru {number}.", "{actor} created a new ticket, {number}." },
    [H_ASSIGNED_EXPERT] = { "{actor} menetapkan {new} sebagai Team Expert tiket {number}.",
                            "{actor} made {new} the team expert of ticket {number}." },
    [H_ASSIGNED_TECH] = { "{actor} menugaskan {new} sebagai teknisi tiket {number}.",
                          "{actor} assigned {new} as the tech of ticket {number}." },
    [H_BEFORE] = { "Sebelumnya: {old}.", "Before: {old}." },
    [H_UNASSIGNED_EXPERT] = { "{actor} melepas {old} sebagai Team Expert tiket {number}.",
                              "{actor} removed {old} as the team expert of ticket {number}." },
    [H_UNASSIGNED_TECH] = { "{actor} melepas {old} sebagai teknisi tiket {number}.",
                            "{actor} removed {old} as the tech of ticket {number}." },
    [H_UNASSIGNED_EXPERT_ANON] = { "{actor} melepas Team Expert tiket {number}.",
                                   "{actor} removed the team expert of ticket {number}." },
    [H_UNASSIGNED_TECH_ANON] = { "{actor} melepas teknisi tiket {number}.",
                                 "{actor} removed the tech of ticket {number}." },
    [H_STATUS] = { "{actor} mengubah status tiket {number} dari {old} menjadi {new}.",
                   "{actor} changed the status of ticket {number} from {old} to {new}." },
    [H_STATUS_TO] = { "{actor} mengubah status tiket {number} menjadi {new}.",
                      "{actor} changed the status of ticket {number} to {new}." },
    [H_REPLY] = { "{actor} membalas tiket {number}:", "{actor} replied on ticket {number}:" },
    [H_NOTE] = { "{actor} menulis catatan internal pada tiket {number}:",
                 "{actor} wrote an internal note on ticket {number}:" },
    [H_ATTACHMENT] = { "{actor} melampirkan file {file} pada tiket {number}.",
                       "{actor} attached the file {file} to ticket {number}." },
    [H_AUTO_CLOSED] = { "Tiket {number} ditutup otomatis oleh sistem karena solusinya tidak "
                        "dijawab. Jika masalahnya muncul lagi, buat tiket baru.",
                        "Ticket {number} was closed automatically because its solution was not "
                        "answered. If the problem comes back, create a new ticket." },
    [H_SLA_AT_RISK] = { "Target {target} tiket {number} hampir terlewat: sebagian besar waktunya "
                        "sudah terpakai.",
                        "The {target} target of ticket {number} is at risk: most of its time is "
                        "used." },
    [H_SLA_BREACHED] = { "Target {target} tiket {number} terlewat. Tiket ini kini dieskalasi.",
                         "Ticket {number} breached its {target} target. The ticket is escalated." },
    [H_SLA_ESCALATED] = { "Target {target} tiket {number} sudah lama terlewat dan belum terpenuhi; "
                          "para manajer diberi tahu.",
                          "Ticket {number} is long overdue on its {target} target; the managers "
                          "are told." },
    [H_ESCALATED] = { "{actor} mengeskalasi tiket {number}:", "{actor} escalated ticket {number}:" },
    [H_DE_ESCALATED] = { "{actor} mencabut eskalasi tiket {number}:",
                         "{actor} withdrew the escalation of ticket {number}:" },

    [B_NOTE] = { "CATATAN INTERNAL: hanya untuk staf, tidak terlihat oleh pelanggan",
                 "INTERNAL NOTE: for staff only, never shown to the customer" },
    [B_FILE] = { "FILE INTERNAL: hanya untuk staf, tidak terlihat oleh pelanggan",
                 "INTERNAL FILE: for staff only, never shown to the customer" },
    [B_STAFF] = { "INTERNAL: hanya untuk staf, tidak terlihat oleh pelanggan",
                  "INTERNAL: for staff only, never shown to the customer" },

    [T_FIRST_RESPONSE] = { "respons pertama", "first response" },
    [T_RESOLUTION] = { "penyelesaian", "resolution" },

    [L_HELLO] = { "Halo {name},", "Hello {name}," },
    [L_HELLO_ANON] = { "Halo,", "Hello," },
    [L_SYSTEM] = { "Sistem", "The system" },
    [L_TICKET] = { "Tiket", "Ticket" },
    [L_PHARMACY] = { "Apotek", "Pharmacy" },
    [L_PRIORITY] = { "Prioritas", "Priority" },
    [L_STATUS] = { "Status", "Status" },
    [L_OPEN] = { "Buka tiket", "Open the ticket" },
    [L_NO_LINK] = { "Buka tiket ini di portal Pharmadesk.", "Open the ticket in the Pharmadesk portal." },
    [L_WHY] = { "Anda menerima e-mail ini karena {reason}.", "You receive this e-mail because {reason}." },
    [L_PREFS] = { "Atur notifikasi yang Anda terima di halaman preferensi:",
                  "Choose which notifications you receive on your preferences page:" },
    [L_AUTOMATIC] = { "Pesan ini dikirim otomatis; balasan ke e-mail ini tidak dibaca.",
                      "This message was sent automatically; replies to it are not read." },

    [R_PHARMACY] = { "tiket ini milik apotek Anda", "this ticket belongs to your pharmacy" },
    [R_EXPERT] = { "Anda Team Expert tiket ini", "you are the team expert of this ticket" },
    [R_TECH] = { "Anda teknisi yang ditugaskan pada tiket ini", "you are the tech assigned to this ticket" },
    [R_TEAM] = { "Anda anggota tim yang menerima tiket baru", "you are on the team that takes new tickets" },
    [R_MANAGER] = { "Anda manajer yang mengawasi eskalasi", "you are a manager who oversees escalations" },
    [R_DEFAULT] = { "Anda terlibat dalam tiket ini", "you take part in this ticket" },
};

/* The portal's words for statuses and priorities (strings.js). */
static const struct { const char *code; const char *name[2]; } codes[] = {
    { "open", { "Terbuka", "Open" } },
    { "in_review", { "Ditinjau", "In review" } },
    { "in_progress", { "Dikerjakan", "In progress" } },
    { "waiting_customer", { "Menunggu pelanggan", "Waiting for customer" } },
    { "solved", { "Selesai", "Solved" } },
    { "closed", { "Ditutup", "Closed" } },
    { "cancelled", { "Dibatalkan", "Cancelled" } },
    { "low", { "Rendah", "Low" } },
    { "medium", { "Sedang", "Medium" } },
    { "high", { "Tinggi", "High" } },
    { "urgent", { "Mendesak", "Urgent" } },
};

/* A status or priority in the reader's language; an unknown code as it is. */
static const char *code_name(const char *code, int lang)
{
    apr_size_t i;
    for (i = 0; code && i < sizeof(codes) / sizeof(codes[0]); i++) {
        if (strcmp(code, codes[i].code) == 0) {
            return codes[i].name[lang];
        }
    }
    return code;
}

static const char *html_escape(apr_pool_t *p, const char *s)
{
    apr_size_t extra = 0;
    const char *c;
    char *out, *o;

    for (c = s; *c; c++) {
        extra += *c == '&' ? 4 : (*c == '<' || *c == '>') ? 3 : (*c == '"' || *c == '\'') ? 5 : 0;
    }
    if (!extra) {
        return s;
    }
    out = o = apr_palloc(p, strlen(s) + extra + 1);
    for (c = s; *c; c++) {
        const char *e = *c == '&' ? "&amp;" : *c == '<' ? "&lt;" : *c == '>' ? "&gt;"
                      : *c == '"' ? "&quot;" : *c == '\'' ? "&#39;" : NULL;
        if (e) {
            o = stpcpy(o, e);
        }
        else {
            *o++ = *c;
        }
    }
    *o = '\0';
    return out;
}

/* The values a phrase may name, cleaned to one line each. */
typedef struct vars_t {
    const char *actor, *number, *old, *new_, *file, *name, *reason, *target;
} vars_t;

static const char *var(const vars_t *v, const char *name, apr_size_t len)
{
    static const struct { const char *name; apr_size_t offset; } names[] = {
        { "actor", APR_OFFSETOF(vars_t, actor) }, { "number", APR_OFFSETOF(vars_t, number) },
        { "old", APR_OFFSETOF(vars_t, old) }, { "new", APR_OFFSETOF(vars_t, new_) },
        { "file", APR_OFFSETOF(vars_t, file) }, { "name", APR_OFFSETOF(vars_t, name) },
        { "reason", APR_OFFSETOF(vars_t, reason) }, { "target", APR_OFFSETOF(vars_t, target) },
    };
    apr_size_t i;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strlen(names[i].name) == len && strncmp(names[i].name, name, len) == 0) {
            const char *value = *(const char *const *)((const char *)v + names[i].offset);
            return value ? value : "";
        }
    }
    return "";
}

/* A phrase with its {names} filled in: as plain text, or as HTML with the
 * phrase's own words escaped and each value escaped and emphasised (the
 * reason is part of the sentence, not a value). */
static const char *fill(apr_pool_t *p, const char *tmpl, const vars_t *v, int html)
{
    const char *out = "", *c = tmpl;
    while (*c) {
        const char *open = strchr(c, '{'), *close = open ? strchr(open, '}') : NULL;
        const char *value;
        if (!close) {
            return apr_pstrcat(p, out, html ? html_escape(p, c) : c, NULL);
        }
        value = var(v, open + 1, (apr_size_t)(close - open - 1));
        out = apr_pstrcat(p, out, html ? html_escape(p, apr_pstrmemdup(p, c, open - c))
                                       : apr_pstrmemdup(p, c, open - c), NULL);
        if (html && strncmp(open, "{reason}", 8) != 0) {
            out = apr_pstrcat(p, out, "<strong>", html_escape(p, value), "</strong>", NULL);
        }
        else {
            out = apr_pstrcat(p, out, html ? html_escape(p, value) : value, NULL);
        }
        c = close + 1;
    }
    return out;
}

/* A link the message may carry: http or https, nothing that could leave
 * an attribute or a line. */
static int url_ok(const char *u)
{
    const unsigned char *c;
    if (!u || (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)) {
        return 0;
    }
    for (c = (const unsigned char *)u; *c; c++) {
        if (*c <= ' ' || *c >= 0x7F || strchr("\"'<>\\`", *c)) {
            return 0;
        }
    }
    return strlen(u) <= 2000;
}

const char *pd_notify_ticket_url(apr_pool_t *p, const char *portal_url, apr_int64_t ticket_id)
{
    return portal_url ? apr_psprintf(p, "%s#/t/%" APR_INT64_T_FMT, portal_url, ticket_id) : NULL;
}

const char *pd_notify_preferences_url(apr_pool_t *p, const char *portal_url)
{
    return portal_url ? apr_pstrcat(p, portal_url, "#/preferences", NULL) : NULL;
}

/* What the message says, before it becomes text or HTML. */
typedef struct content_t {
    int lang;
    int internal;              /* 0, B_NOTE or B_FILE */
    vars_t v;
    const char *what;          /* the subject's phrase */
    const char *headline, *before;
    const char *excerpt;       /* multi-line, or NULL */
    const char *title, *pharmacy, *priority, *status;
    const char *url, *prefs_url;
} content_t;

static apr_status_t compose(apr_pool_t *p, const pd_notify_event_t *ev, int lang,
                            const char *ticket_url, content_t *c)
{
    int expert = ev->field && strcmp(ev->field, "expert_id") == 0;
    const char *reason = ev->reason;
    int why = !reason ? R_DEFAULT : !strcmp(reason, PD_NOTIFY_REASON_PHARMACY) ? R_PHARMACY
            : !strcmp(reason, PD_NOTIFY_REASON_EXPERT) ? R_EXPERT
            : !strcmp(reason, PD_NOTIFY_REASON_TECH) ? R_TECH
            : !strcmp(reason, PD_NOTIFY_REASON_TEAM) ? R_TEAM
            : !strcmp(reason, PD_NOTIFY_REASON_MANAGER) ? R_MANAGER : R_DEFAULT;
    int what, head;

    memset(c, 0, sizeof(*c));
    c->lang = lang;
    c->v.actor = ev->actor_name ? pd_utf8_excerpt(p, ev->actor_name, 200, 0) : W[L_SYSTEM][lang];
    c->v.number = pd_utf8_excerpt(p, ev->ticket_number ? ev->ticket_number : "", 40, 0);
    c->v.name = pd_utf8_excerpt(p, ev->recipient_name, 200, 0);
    if (c->v.name && !*c->v.name) {
        c->v.name = NULL;
    }
    c->v.reason = W[why][lang];
    c->title = pd_utf8_excerpt(p, ev->ticket_title ? ev->ticket_title : "", 300, 0);
    c->pharmacy = pd_utf8_excerpt(p, ev->pharmacy_name, 200, 0);
    c->priority = pd_utf8_excerpt(p, code_name(ev->priority, lang), 40, 0);
    c->url = url_ok(ticket_url) ? ticket_url : NULL;
    c->prefs_url = ev->preferences_url;
    if (!c->prefs_url && c->url && strstr(c->url, "#/t/")) {
        c->prefs_url = pd_notify_preferences_url(p, apr_pstrmemdup(p, c->url, strstr(c->url, "#/t/") - c->url));
    }
    c->prefs_url = url_ok(c->prefs_url) ? c->prefs_url : NULL;

    switch (ev->kind) {
    case PD_EV_TICKET_CREATED:
        what = S_CREATED, head = H_CREATED;
        c->excerpt = pd_utf8_excerpt(p, ev->body, PD_NOTIFY_EXCERPT_MAX, 1);
        break;
    case PD_EV_ASSIGNED:
        what = expert ? S_ASSIGNED_EXPERT : S_ASSIGNED_TECH;
        head = expert ? H_ASSIGNED_EXPERT : H_ASSIGNED_TECH;
        c->v.new_ = pd_utf8_excerpt(p, ev->new_value ? ev->new_value : "?", 200, 0);
        c->v.old = pd_utf8_excerpt(p, ev->old_value, 200, 0);
        c->before = c->v.old ? W[H_BEFORE][lang] : NULL;
        break;
    case PD_EV_UNASSIGNED:
        what = expert ? S_UNASSIGNED_EXPERT : S_UNASSIGNED_TECH;
        c->v.old = pd_utf8_excerpt(p, ev->old_value, 200, 0);
        head = c->v.old ? (expert ? H_UNASSIGNED_EXPERT : H_UNASSIGNED_TECH)
                        : (expert ? H_UNASSIGNED_EXPERT_ANON : H_UNASSIGNED_TECH_ANON);
        break;
    case PD_EV_STATUS_CHANGED:
        what = S_STATUS;
        c->v.old = pd_utf8_excerpt(p, code_name(ev->old_value, lang), 40, 0);
        c->v.new_ = pd_utf8_excerpt(p, code_name(ev->new_value ? ev->new_value : "?", lang), 40, 0);
        c->status = c->v.new_;
        head = c->v.old ? H_STATUS : H_STATUS_TO;
        break;
    case PD_EV_PUBLIC_REPLY:
        what = S_REPLY, head = H_REPLY;
        c->excerpt = pd_utf8_excerpt(p, ev->body ? ev->body : "", PD_NOTIFY_EXCERPT_MAX, 1);
        break;
    case PD_EV_INTERNAL_NOTE:
        what = S_NOTE, head = H_NOTE;
        c->internal = B_NOTE;
        c->excerpt = pd_utf8_excerpt(p, ev->body ? ev->body : "", PD_NOTIFY_EXCERPT_MAX, 1);
        break;
    case PD_EV_ATTACHMENT_ADDED:
        c->internal = ev->visibility && strcmp(ev->visibility, "internal") == 0 ? B_FILE : 0;
        what = c->internal ? S_ATTACHMENT_INTERNAL : S_ATTACHMENT;
        head = H_ATTACHMENT;
        c->v.file = pd_utf8_excerpt(p, ev->body ? ev->body : "?", 255, 0);
        break;
    case PD_EV_AUTO_CLOSED:
        what = S_AUTO_CLOSED, head = H_AUTO_CLOSED;
        c->status = code_name("closed", lang);
        break;
    case PD_EV_SLA_AT_RISK:
    case PD_EV_SLA_BREACHED:
    case PD_EV_SLA_ESCALATED:
        what = S_SLA_AT_RISK + (int)(ev->kind - PD_EV_SLA_AT_RISK);
        head = H_SLA_AT_RISK + (int)(ev->kind - PD_EV_SLA_AT_RISK);
        c->internal = B_STAFF;
        c->v.target = W[ev->field && strcmp(ev->field, "first_response") == 0 ? T_FIRST_RESPONSE
                                                                              : T_RESOLUTION][lang];
        break;
    case PD_EV_ESCALATED:
    case PD_EV_DE_ESCALATED:
        what = ev->kind == PD_EV_ESCALATED ? S_ESCALATED : S_DE_ESCALATED;
        head = ev->kind == PD_EV_ESCALATED ? H_ESCALATED : H_DE_ESCALATED;
        c->internal = B_STAFF;
        c->excerpt = pd_utf8_excerpt(p, ev->body ? ev->body : "", PD_NOTIFY_EXCERPT_MAX, 1);
        break;
    default:
        return APR_EINVAL;
    }
    c->what = fill(p, W[what][lang], &c->v, 0);
    c->headline = W[head][lang];
    return APR_SUCCESS;
}

/* "[PD-2026-000042] Status: Solved: The printer prints nothing" */
static const char *subject(apr_pool_t *p, const content_t *c)
{
    const char *title = pd_utf8_excerpt(p, c->title, PD_NOTIFY_SUBJECT_TITLE_MAX, 0);
    return apr_pstrcat(p, "[", c->v.number, "] ", c->what, *title ? ": " : "", title, NULL);
}

/* The details beside the headline: label and value, in order. */
static int details(const content_t *c, const char *rows[4][2])
{
    int n = 0;
    rows[n][0] = W[L_TICKET][c->lang], rows[n++][1] = c->title;
    if (c->pharmacy && *c->pharmacy) {
        rows[n][0] = W[L_PHARMACY][c->lang], rows[n++][1] = c->pharmacy;
    }
    if (c->priority && *c->priority) {
        rows[n][0] = W[L_PRIORITY][c->lang], rows[n++][1] = c->priority;
    }
    if (c->status) {
        rows[n][0] = W[L_STATUS][c->lang], rows[n++][1] = c->status;
    }
    return n;
}

static const char *render_text(apr_pool_t *p, const content_t *c)
{
    const char *rows[4][2], *out, *line, *rest;
    int n = details(c, rows), i;
    apr_size_t width = 0;

    out = apr_pstrcat(p, c->v.name ? fill(p, W[L_HELLO][c->lang], &c->v, 0) : W[L_HELLO_ANON][c->lang],
                      "\n\n", NULL);
    if (c->internal) {
        out = apr_pstrcat(p, out, "*** ", W[c->internal][c->lang], " ***\n\n", NULL);
    }
    out = apr_pstrcat(p, out, fill(p, c->headline, &c->v, 0),
                      c->before ? " " : "", c->before ? fill(p, c->before, &c->v, 0) : "", "\n\n", NULL);
    if (c->excerpt && *c->excerpt) {
        for (rest = c->excerpt; rest; ) {
            const char *nl = strchr(rest, '\n');
            line = nl ? apr_pstrmemdup(p, rest, nl - rest) : rest;
            out = apr_pstrcat(p, out, *line ? "> " : ">", line, "\n", NULL);
            rest = nl ? nl + 1 : NULL;
        }
        out = apr_pstrcat(p, out, "\n", NULL);
    }
    for (i = 0; i < n; i++) {
        apr_size_t w = strlen(rows[i][0]);   /* the labels are ASCII */
        width = w > width ? w : width;
    }
    for (i = 0; i < n; i++) {
        out = apr_psprintf(p, "%s%s:%*s %s%s%s\n", out, rows[i][0],
                           (int)(width - strlen(rows[i][0])), "",
                           i == 0 ? c->v.number : "", i == 0 ? " - " : "", rows[i][1]);
    }
    out = apr_pstrcat(p, out, "\n", c->url ? W[L_OPEN][c->lang] : W[L_NO_LINK][c->lang],
                      c->url ? ": " : "", c->url ? c->url : "", "\n\n-- \n",
                      fill(p, W[L_WHY][c->lang], &c->v, 0), "\n", NULL);
    if (c->prefs_url) {
        out = apr_pstrcat(p, out, W[L_PREFS][c->lang], "\n", c->prefs_url, "\n", NULL);
    }
    return apr_pstrcat(p, out, W[L_AUTOMATIC][c->lang], "\n", NULL);
}

/* Inline styles only: mail clients drop style sheets and never load
 * anything from elsewhere unasked. */
#define CELL "padding:2px 16px 2px 0;vertical-align:top;"
#define MUTED "color:#52606d;"

static const char *render_html(apr_pool_t *p, const content_t *c, const char *subj)
{
    const char *rows[4][2], *out;
    int n = details(c, rows), i;

    out = apr_pstrcat(p,
        "<!DOCTYPE html>\n<html lang=\"", c->lang ? "en" : "id", "\">\n<head>\n"
        "<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width\">\n"
        "<title>", html_escape(p, subj), "</title>\n</head>\n"
        "<body style=\"margin:0;padding:0;background:#f4f5f7;\">\n"
        "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
        "style=\"background:#f4f5f7;\"><tr><td align=\"center\" style=\"padding:24px 12px;\">\n"
        "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
        "style=\"max-width:600px;background:#ffffff;border:1px solid #dfe3e8;"
        "font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2933;\">\n"
        "<tr><td style=\"padding:14px 24px;border-bottom:1px solid #dfe3e8;font-size:13px;" MUTED "\">"
        "Pharmadesk &middot; ", html_escape(p, c->v.number), "</td></tr>\n", NULL);
    if (c->internal) {
        out = apr_pstrcat(p, out, "<tr><td style=\"padding:10px 24px;background:#fff4e5;color:#8a4b00;"
                          "font-weight:bold;border-bottom:1px solid #f0c36d;\">",
                          html_escape(p, W[c->internal][c->lang]), "</td></tr>\n", NULL);
    }
    out = apr_pstrcat(p, out, "<tr><td style=\"padding:24px;\">\n<p style=\"margin:0 0 12px;\">",
                      c->v.name ? fill(p, W[L_HELLO][c->lang], &c->v, 1) : W[L_HELLO_ANON][c->lang],
                      "</p>\n<p style=\"margin:0 0 16px;\">", fill(p, c->headline, &c->v, 1),
                      c->before ? " " : "", c->before ? fill(p, c->before, &c->v, 1) : "", "</p>\n", NULL);
    if (c->excerpt && *c->excerpt) {
        const char *e = html_escape(p, c->excerpt), *nl;
        out = apr_pstrcat(p, out, "<blockquote style=\"margin:0 0 16px;padding:12px 16px;background:#f7f9fb;"
                          "border-left:4px solid ", c->internal ? "#f0a020" : "#3e7bfa", ";\">", NULL);
        while ((nl = strchr(e, '\n'))) {
            out = apr_pstrcat(p, out, apr_pstrmemdup(p, e, nl - e), "<br>\n", NULL);
            e = nl + 1;
        }
        out = apr_pstrcat(p, out, e, "</blockquote>\n", NULL);
    }
    out = apr_pstrcat(p, out, "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" "
                      "style=\"margin:0 0 20px;font-size:14px;\">\n", NULL);
    for (i = 0; i < n; i++) {
        out = apr_pstrcat(p, out, "<tr><td style=\"" CELL MUTED "\">", html_escape(p, rows[i][0]),
                          "</td><td style=\"" CELL "\">", i == 0 ? html_escape(p, c->v.number) : "",
                          i == 0 ? " &ndash; " : "", html_escape(p, rows[i][1]), "</td></tr>\n", NULL);
    }
    out = apr_pstrcat(p, out, "</table>\n", NULL);
    if (c->url) {
        out = apr_pstrcat(p, out, "<p style=\"margin:0;\"><a href=\"", html_escape(p, c->url),
                          "\" style=\"display:inline-block;padding:10px 18px;background:#1f5fbf;"
                          "color:#ffffff;text-decoration:none;font-weight:bold;\">",
                          html_escape(p, W[L_OPEN][c->lang]), "</a></p>\n", NULL);
    }
    else {
        out = apr_pstrcat(p, out, "<p style=\"margin:0;\">", html_escape(p, W[L_NO_LINK][c->lang]),
                          "</p>\n", NULL);
    }
    out = apr_pstrcat(p, out, "</td></tr>\n<tr><td style=\"padding:14px 24px;border-top:1px solid #dfe3e8;"
                      "font-size:12px;" MUTED "\">\n<p style=\"margin:0 0 6px;\">",
                      fill(p, W[L_WHY][c->lang], &c->v, 1), "</p>\n", NULL);
    if (c->prefs_url) {
        out = apr_pstrcat(p, out, "<p style=\"margin:0 0 6px;\">", html_escape(p, W[L_PREFS][c->lang]),
                          " <a href=\"", html_escape(p, c->prefs_url), "\" style=\"color:#1f5fbf;\">",
                          html_escape(p, c->prefs_url), "</a></p>\n", NULL);
    }
    return apr_pstrcat(p, out, "<p style=\"margin:0;\">", html_escape(p, W[L_AUTOMATIC][c->lang]),
                       "</p>\n</td></tr>\n</table>\n</td></tr></table>\n</body>\n</html>\n", NULL);
}

apr_status_t pd_notify_render(const pd_notify_event_t *ev, const char *lang, const char *ticket_url,
                              apr_pool_t *p, pd_notify_text_t *out)
{
    content_t c;
    apr_status_t rv = compose(p, ev, lang && strcmp(lang, "en") == 0 ? 1 : 0, ticket_url, &c);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    out->subject = subject(p, &c);
    out->text = render_text(p, &c);
    out->html = render_html(p, &c, out->subject);
    out->headline = apr_pstrcat(p, fill(p, c.headline, &c.v, 0), c.before ? " " : "",
                                c.before ? fill(p, c.before, &c.v, 0) : "", NULL);
    out->excerpt = c.excerpt && *c.excerpt ? c.excerpt : NULL;
    return APR_SUCCESS;
}
