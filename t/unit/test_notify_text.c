/* pd_notify_text: every event kind in both languages, the portal's words
 * for statuses, internal notes said to be internal, hostile values escaped
 * or flattened, and excerpts cut at whole characters. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <apr_strings.h>

#include "pd_unit.h"
#include "pd_notify_text.h"
#include "pd_utf8.h"

#define URL "https://helpdesk.example.org/#/t/42"

static pd_notify_event_t sample(pd_event_e kind)
{
    pd_notify_event_t ev;
    memset(&ev, 0, sizeof(ev));
    ev.kind = kind;
    ev.ticket_id = 42;
    ev.ticket_number = "PD-2026-000042";
    ev.ticket_title = "Printer kasir mati";
    ev.pharmacy_name = "Apotek Sehat Sentosa";
    ev.priority = "urgent";
    ev.field = "tech_id";
    ev.actor_name = "Dewi Lestari";
    ev.visibility = "public";
    ev.recipient_name = "Rina";
    switch (kind) {
    case PD_EV_ASSIGNED:
        ev.new_value = "Budi Prasetyo";
        break;
    case PD_EV_UNASSIGNED:
        ev.old_value = "Budi Prasetyo";
        break;
    case PD_EV_STATUS_CHANGED:
        ev.old_value = "in_review";
        ev.new_value = "waiting_customer";
        break;
    case PD_EV_INTERNAL_NOTE:
        ev.visibility = "internal";
        /* fall through */
    case PD_EV_PUBLIC_REPLY:
    case PD_EV_TICKET_CREATED:
        ev.body = "Sudah dicek.\nDriver diperbarui.";
        break;
    case PD_EV_ATTACHMENT_ADDED:
        ev.body = "struk.pdf";
        break;
    case PD_EV_SLA_AT_RISK:
    case PD_EV_SLA_ESCALATED:
        ev.field = "resolution";
        ev.actor_name = NULL;
        break;
    case PD_EV_SLA_BREACHED:
        ev.field = "first_response";
        ev.actor_name = NULL;
        break;
    case PD_EV_ESCALATED:
    case PD_EV_DE_ESCALATED:
        ev.field = "escalated";
        ev.visibility = "internal";
        ev.body = "Apotek tidak bisa menjual.";
        break;
    default:
        break;
    }
    return ev;
}

static int valid_utf8(const char *s)
{
    while (*s) {
        apr_size_t n = pd_utf8_char(s);
        if (!n) {
            return 0;
        }
        s += n;
    }
    return 1;
}

static pd_notify_text_t render(apr_pool_t *p, const pd_notify_event_t *ev, const char *lang)
{
    pd_notify_text_t out;
    assert_int_equal(pd_notify_render(ev, lang, URL, p, &out), APR_SUCCESS);
    assert_non_null(out.subject);
    assert_null(strpbrk(out.subject, "\r\n"));
    assert_true(valid_utf8(out.subject) && valid_utf8(out.text) && valid_utf8(out.html));
    return out;
}

static void test_event_names(void **state)
{
    static const char *const names[PD_EV__COUNT] = {
        "ticket_created", "assigned", "unassigned", "status_changed",
        "public_reply", "internal_note", "attachment_added", "auto_closed",
        "sla_at_risk", "sla_breached", "sla_escalated", "escalated", "de_escalated",
    };
    pd_event_e ev;
    int i;
    (void)state;
    for (i = 0; i < PD_EV__COUNT; i++) {
        assert_string_equal(pd_event_name((pd_event_e)i), names[i]);
        assert_int_equal(pd_event_parse(names[i], &ev), APR_SUCCESS);
        assert_int_equal(ev, i);
    }
    assert_null(pd_event_name(PD_EV__COUNT));
    assert_null(pd_event_name((pd_event_e)-1));
    assert_int_equal(pd_event_parse("Assigned", &ev), APR_EINVAL);
    assert_int_equal(pd_event_parse("", &ev), APR_EINVAL);
    assert_int_equal(pd_event_parse(NULL, &ev), APR_EINVAL);
}

/* Each kind: its subject's words, a word of its headline, in each language. */
static const struct {
    pd_event_e kind;
    const char *subject[2], *says[2];
} kinds[] = {
    { PD_EV_TICKET_CREATED, { "Tiket baru", "New ticket" }, { "membuat tiket baru", "created a new ticket" } },
    { PD_EV_ASSIGNED, { "Teknisi ditugaskan", "Tech assigned" },
      { "menugaskan Budi Prasetyo sebagai teknisi", "assigned Budi Prasetyo as the tech" } },
    { PD_EV_UNASSIGNED, { "Teknisi dilepas", "Tech removed" },
      { "melepas Budi Prasetyo sebagai teknisi", "removed Budi Prasetyo as the tech" } },
    { PD_EV_STATUS_CHANGED, { "Status: Menunggu pelanggan", "Status: Waiting for customer" },
      { "dari Ditinjau menjadi Menunggu pelanggan", "from In review to Waiting for customer" } },
    { PD_EV_PUBLIC_REPLY, { "Balasan baru", "New reply" }, { "membalas tiket", "replied on ticket" } },
    { PD_EV_INTERNAL_NOTE, { "Catatan internal", "Internal note" },
      { "menulis catatan internal", "wrote an internal note" } },
    { PD_EV_ATTACHMENT_ADDED, { "Lampiran baru", "New attachment" },
      { "melampirkan file struk.pdf", "attached the file struk.pdf" } },
    { PD_EV_AUTO_CLOSED, { "Ditutup otomatis", "Closed automatically" },
      { "ditutup otomatis oleh sistem", "was closed automatically" } },
    { PD_EV_SLA_AT_RISK, { "SLA hampir terlewat: penyelesaian", "SLA at risk: resolution" },
      { "Target penyelesaian tiket PD-2026-000042 hampir terlewat",
        "The resolution target of ticket PD-2026-000042 is at risk" } },
    { PD_EV_SLA_BREACHED, { "SLA terlewat: respons pertama", "SLA breached: first response" },
      { "Target respons pertama tiket PD-2026-000042 terlewat. Tiket ini kini dieskalasi.",
        "breached its first response target. The ticket is escalated." } },
    { PD_EV_SLA_ESCALATED, { "Eskalasi ke manajer: penyelesaian", "Escalated to the managers: resolution" },
      { "para manajer diberi tahu", "long overdue on its resolution target; the managers are told" } },
    { PD_EV_ESCALATED, { "Tiket dieskalasi", "Ticket escalated" },
      { "Dewi Lestari mengeskalasi tiket PD-2026-000042:\n\n> Apotek tidak bisa menjual.",
        "Dewi Lestari escalated ticket PD-2026-000042:\n\n> Apotek tidak bisa menjual." } },
    { PD_EV_DE_ESCALATED, { "Eskalasi dicabut", "Escalation withdrawn" },
      { "Dewi Lestari mencabut eskalasi tiket", "Dewi Lestari withdrew the escalation of ticket" } },
};

static void test_every_kind_both_languages(void **state)
{
    apr_pool_t *p = *state;
    static const char *const langs[2] = { "id", "en" };
    static const char *const hello[2] = { "Halo Rina,", "Hello Rina," };
    static const char *const priority[2] = { "Mendesak", "Urgent" };
    static const char *const why[2] = { "Anda menerima e-mail ini karena", "You receive this e-mail because" };
    size_t i;
    int l;

    assert_int_equal(sizeof(kinds) / sizeof(kinds[0]), PD_EV__COUNT);
    for (i = 0; i < PD_EV__COUNT; i++) {
        for (l = 0; l < 2; l++) {
            pd_notify_event_t ev = sample(kinds[i].kind);
            pd_notify_text_t t = render(p, &ev, langs[l]);
            const char *subject = apr_pstrcat(p, "[PD-2026-000042] ", kinds[i].subject[l],
                                              ": Printer kasir mati", NULL);
            assert_string_equal(t.subject, subject);
            assert_non_null(strstr(t.text, hello[l]));
            assert_non_null(strstr(t.text, kinds[i].says[l]));
            assert_non_null(strstr(t.text, "PD-2026-000042 - Printer kasir mati"));
            assert_non_null(strstr(t.text, priority[l]));
            assert_non_null(strstr(t.text, URL));
            assert_non_null(strstr(t.text, why[l]));
            assert_non_null(strstr(t.text, "https://helpdesk.example.org/#/preferences"));
            assert_non_null(strstr(t.html, apr_pstrcat(p, "<html lang=\"", langs[l], "\">", NULL)));
            assert_non_null(strstr(t.html, "href=\"" URL "\""));
            assert_non_null(strstr(t.html, "href=\"https://helpdesk.example.org/#/preferences\""));
            assert_non_null(strstr(t.html, "Printer kasir mati"));
            assert_non_null(strstr(t.html, why[l]));
            /* no resource from elsewhere: no image, style sheet or script */
            assert_null(strstr(t.html, "<img"));
            assert_null(strstr(t.html, "<link"));
            assert_null(strstr(t.html, "<script"));
            assert_null(strstr(t.html, "src="));
        }
    }
}

static void test_excerpts_of_replies(void **state)
{
    apr_pool_t *p = *state;
    pd_notify_event_t ev = sample(PD_EV_PUBLIC_REPLY);
    pd_notify_text_t t = render(p, &ev, "en");
    assert_non_null(strstr(t.text, "> Sudah dicek.\n> Driver diperbarui.\n"));
    assert_non_null(strstr(t.html, "Sudah dicek.<br>\nDriver diperbarui."));
}

static void test_internal_is_said(void **state)
{
    apr_pool_t *p = *state;
    pd_notify_event_t ev = sample(PD_EV_INTERNAL_NOTE);
    pd_notify_text_t t = render(p, &ev, "id");
    assert_non_null(strstr(t.text, "CATATAN INTERNAL: hanya untuk staf"));
    assert_non_null(strstr(t.html, "CATATAN INTERNAL: hanya untuk staf"));
    t = render(p, &ev, "en");
    assert_non_null(strstr(t.text, "*** INTERNAL NOTE: for staff only, never shown to the customer ***"));
    assert_non_null(strstr(t.html, "INTERNAL NOTE: for staff only"));

    ev = sample(PD_EV_ATTACHMENT_ADDED);
    t = render(p, &ev, "en");
    assert_null(strstr(t.text, "INTERNAL"));
    assert_string_equal(t.subject, "[PD-2026-000042] New attachment: Printer kasir mati");
    ev.visibility = "internal";
    t = render(p, &ev, "en");
    assert_non_null(strstr(t.text, "INTERNAL FILE: for staff only"));
    assert_string_equal(t.subject, "[PD-2026-000042] Internal attachment: Printer kasir mati");
    t = render(p, &ev, "id");
    assert_non_null(strstr(t.html, "FILE INTERNAL: hanya untuk staf"));

    /* the service levels' alarms and escalations are the team's */
    {
        static const pd_event_e alarms[] = { PD_EV_SLA_AT_RISK, PD_EV_SLA_BREACHED,
                                             PD_EV_SLA_ESCALATED, PD_EV_ESCALATED,
                                             PD_EV_DE_ESCALATED };
        size_t i;
        for (i = 0; i < sizeof(alarms) / sizeof(alarms[0]); i++) {
            ev = sample(alarms[i]);
            t = render(p, &ev, "en");
            assert_non_null(strstr(t.text, "*** INTERNAL: for staff only, never shown to the customer ***"));
            t = render(p, &ev, "id");
            assert_non_null(strstr(t.html, "INTERNAL: hanya untuk staf, tidak terlihat oleh pelanggan"));
        }
    }
    /* the system raises the service levels' alarms */
    ev = sample(PD_EV_SLA_AT_RISK);
    ev.reason = PD_NOTIFY_REASON_MANAGER;
    t = render(p, &ev, "en");
    assert_non_null(strstr(t.text, "because you are a manager who oversees escalations"));
    t = render(p, &ev, "id");
    assert_non_null(strstr(t.text, "karena Anda manajer yang mengawasi eskalasi"));
}

static void test_variants(void **state)
{
    apr_pool_t *p = *state;
    pd_notify_event_t ev = sample(PD_EV_ASSIGNED);
    pd_notify_text_t t;

    ev.field = "expert_id";
    ev.old_value = "Agus Santoso";
    t = render(p, &ev, "en");
    assert_string_equal(t.subject, "[PD-2026-000042] Team expert assigned: Printer kasir mati");
    assert_non_null(strstr(t.text, "Dewi Lestari made Budi Prasetyo the team expert of ticket "
                                   "PD-2026-000042. Before: Agus Santoso."));

    ev = sample(PD_EV_UNASSIGNED);
    ev.field = "expert_id";
    ev.old_value = NULL;
    t = render(p, &ev, "id");
    assert_non_null(strstr(t.text, "Dewi Lestari melepas Team Expert tiket PD-2026-000042."));

    /* the system acts; a status change without a known former status */
    ev = sample(PD_EV_STATUS_CHANGED);
    ev.actor_name = NULL;
    ev.old_value = NULL;
    ev.new_value = "closed";
    t = render(p, &ev, "id");
    assert_non_null(strstr(t.text, "Sistem mengubah status tiket PD-2026-000042 menjadi Ditutup."));
    t = render(p, &ev, "en");
    assert_non_null(strstr(t.text, "The system changed the status of ticket PD-2026-000042 to Closed."));
    assert_non_null(strstr(t.text, "Status:   Closed\n"));

    /* an unknown code is shown as it is; no greeting name; no pharmacy */
    ev = sample(PD_EV_STATUS_CHANGED);
    ev.new_value = "escalated";
    ev.recipient_name = NULL;
    ev.pharmacy_name = NULL;
    t = render(p, &ev, "en");
    assert_non_null(strstr(t.text, "to escalated."));
    assert_true(strncmp(t.text, "Hello,\n\n", 8) == 0);
    assert_null(strstr(t.text, "Pharmacy:"));

    /* an unknown language is Bahasa Indonesia */
    t = render(p, &ev, "fr");
    assert_non_null(strstr(t.text, "Halo,"));
    t = render(p, &ev, NULL);
    assert_non_null(strstr(t.text, "Halo,"));

    /* each reason its own sentence */
    ev.reason = PD_NOTIFY_REASON_TECH;
    t = render(p, &ev, "en");
    assert_non_null(strstr(t.text, "because you are the tech assigned to this ticket."));
    ev.reason = PD_NOTIFY_REASON_TEAM;
    t = render(p, &ev, "id");
    assert_non_null(strstr(t.text, "karena Anda anggota tim yang menerima tiket baru."));

    ev.kind = PD_EV__COUNT;
    assert_int_equal(pd_notify_render(&ev, "en", URL, p, &t), APR_EINVAL);
}

static void test_hostile_values(void **state)
{
    apr_pool_t *p = *state;
    pd_notify_event_t ev = sample(PD_EV_PUBLIC_REPLY);
    pd_notify_text_t t;

    ev.ticket_title = "<script>alert(1)</script> & \"x\"\r\nBcc: victim@example.org";
    ev.actor_name = "<img src=x onerror=alert(2)>";
    ev.body = "</blockquote><a href='javascript:alert(3)'>click</a>";
    ev.recipient_name = "Rina\nX-Evil: 1";
    t = render(p, &ev, "en");
    assert_null(strpbrk(t.subject, "\r\n"));
    assert_non_null(strstr(t.subject, "</script> & \"x\" Bcc: victim@example.org"));
    assert_null(strstr(t.html, "<script>"));
    assert_null(strstr(t.html, "<img"));
    assert_null(strstr(t.html, "</blockquote><a"));
    assert_null(strstr(t.html, "href='javascript"));
    assert_non_null(strstr(t.html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
    assert_non_null(strstr(t.html, "<strong>&lt;img src=x onerror=alert(2)&gt;</strong>"));
    assert_non_null(strstr(t.html, "&lt;/blockquote&gt;&lt;a href=&#39;javascript:alert(3)&#39;&gt;"));
    assert_non_null(strstr(t.text, "Hello Rina X-Evil: 1,"));

    /* a link that is not http(s), or that could leave its attribute: none */
    assert_int_equal(pd_notify_render(&ev, "en", "javascript:alert(1)", p, &t), APR_SUCCESS);
    assert_null(strstr(t.html, "javascript:alert(1)\""));
    assert_non_null(strstr(t.text, "Open the ticket in the Pharmadesk portal."));
    assert_int_equal(pd_notify_render(&ev, "en", "https://x.example/\" onclick=\"a", p, &t), APR_SUCCESS);
    assert_null(strstr(t.html, "onclick"));
    assert_int_equal(pd_notify_render(&ev, "en", NULL, p, &t), APR_SUCCESS);
    assert_null(strstr(t.html, "href=\""));

    /* ill-formed UTF-8 and control characters */
    ev.ticket_title = "caf\xC3 \xFF\xFE bar\x1B[31m\x7F\xC2\x85!";
    t = render(p, &ev, "en");
    assert_non_null(strstr(t.subject, "caf\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD bar [31m  !"));
}

/* chars characters of s, counted */
static apr_size_t chars_of(const char *s)
{
    apr_size_t n = 0;
    while (*s) {
        s += pd_utf8_char(s);
        n++;
    }
    return n;
}

static void test_excerpt_cut(void **state)
{
    apr_pool_t *p = *state;
    static const char *const units[] = { "e", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x92\x8A" };
    size_t u;
    const char *e;

    for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
        const char *s = "";
        int i;
        for (i = 0; i < 1000; i++) {
            s = apr_pstrcat(p, s, units[u], NULL);
        }
        e = pd_utf8_excerpt(p, s, 600, 1);
        assert_true(valid_utf8(e));
        assert_int_equal(chars_of(e), 601);
        assert_string_equal(e + strlen(e) - 3, "\xE2\x80\xA6");
        assert_int_equal(strlen(e), 600 * strlen(units[u]) + 3);
    }
    /* at a space near the end, its white space dropped */
    e = pd_utf8_excerpt(p, "aaaa bbbb cccc dddd", 10, 0);
    assert_string_equal(e, "aaaa bbbb\xE2\x80\xA6");
    e = pd_utf8_excerpt(p, "aaaaaaaaaaaaaaaaaaaa", 12, 0);
    assert_string_equal(e, "aaaaaaaaaaaa\xE2\x80\xA6");
    assert_string_equal(pd_utf8_excerpt(p, "short", 12, 0), "short");
    assert_string_equal(pd_utf8_excerpt(p, "a\r\nb\rc", 12, 1), "a\nb\nc");
    assert_string_equal(pd_utf8_excerpt(p, "a\r\nb\tc", 12, 0), "a b c");
    assert_null(pd_utf8_excerpt(p, NULL, 12, 0));
    /* a byte limit: what fits, back to the start of a cut character */
    assert_int_equal(pd_utf8_fit("abc", 3, 3), 3);
    assert_int_equal(pd_utf8_fit("abc", 3, 5), 3);
    assert_int_equal(pd_utf8_fit("abcd", 4, 3), 3);
    assert_int_equal(pd_utf8_fit("ab\xE2\x82\xAC", 5, 3), 2);
    assert_int_equal(pd_utf8_fit("ab\xE2\x82\xAC", 5, 4), 2);
    assert_int_equal(pd_utf8_fit("ab\xE2\x82\xAC!", 6, 5), 5);
    assert_int_equal(pd_utf8_fit("\xF0\x9F\x92\x8A", 4, 3), 0);

    /* a long reply in a message: cut, valid, with its ellipsis */
    {
        pd_notify_event_t ev = sample(PD_EV_PUBLIC_REPLY);
        pd_notify_text_t t;
        const char *body = "";
        int i;
        for (i = 0; i < 700; i++) {
            body = apr_pstrcat(p, body, "\xE2\x82\xAC", NULL);
        }
        ev.body = body;
        t = render(p, &ev, "en");
        assert_non_null(strstr(t.text, "\xE2\x82\xAC\xE2\x80\xA6\n"));
        assert_null(strstr(t.text, apr_pstrcat(p, body, NULL)));
    }
    /* a title in a subject is cut too */
    {
        pd_notify_event_t ev = sample(PD_EV_PUBLIC_REPLY);
        pd_notify_text_t t;
        ev.ticket_title = apr_pstrcat(p, "\xC3\xA9\xC3\xA9\xC3\xA9", apr_psprintf(p, "%0200d", 7), NULL);
        t = render(p, &ev, "en");
        assert_int_equal(chars_of(t.subject), strlen("[PD-2026-000042] New reply: ") + 101);
    }
}

static void test_urls(void **state)
{
    apr_pool_t *p = *state;
    assert_string_equal(pd_notify_ticket_url(p, "https://h.example/", 42), "https://h.example/#/t/42");
    assert_string_equal(pd_notify_preferences_url(p, "https://h.example/desk/"),
                        "https://h.example/desk/#/preferences");
    assert_null(pd_notify_ticket_url(p, NULL, 42));
    assert_null(pd_notify_preferences_url(p, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_names),
        cmocka_unit_test_setup_teardown(test_every_kind_both_languages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_excerpts_of_replies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_internal_is_said, setup, teardown),
        cmocka_unit_test_setup_teardown(test_variants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_excerpt_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(test_urls, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
