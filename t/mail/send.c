/* Renders one notification, builds its message and sends it through
 * pd_smtp_deliver: the e-mail channel's path without Apache, for
 * t/38-mail.t to drive against its SMTP sink.
 *
 *   send --url smtp://127.0.0.1:2525 --from a@x.test --to b@y.test [options]
 *
 * Options: --starttls off|try|required, --user U, --password P, --timeout S,
 * --ca FILE, --event NAME (ticket_created ...), --lang id|en, --title T,
 * --body B, --actor A, --recipient NAME, --message-id ID, --thread-id ID,
 * --ticket-url URL, --print (write the message to stdout, send nothing),
 * --stop-after S (the process says it is stopping S seconds in, as Apache's
 * child does at its exit).
 * Exit status: 0 sent (prints "sent"), 2 a temporary failure, 3 a permanent
 * one (each prints "temporary: REASON" or "permanent: REASON"), 64 usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_general.h>
#include <apr_strings.h>
#include "pd_notify_text.h"
#include "pd_mail.h"
#include "pd_smtp.h"
#include "pd_curl.h"

static apr_time_t stop_at;

static int stopping(void)
{
    return apr_time_now() >= stop_at;
}

static const char *opt(int argc, const char *const *argv, const char *name, const char *def)
{
    int i;
    for (i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], name) == 0) {
            return argv[i + 1];
        }
    }
    return def;
}

static int flag(int argc, const char *const *argv, const char *name)
{
    int i;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

int main(int argc, const char *const *argv)
{
    apr_pool_t *p;
    pd_notify_event_t ev;
    pd_notify_text_t text;
    pd_mail_t mail;
    pd_smtp_t smtp;
    const char *message, *error = NULL, *event = opt(argc, argv, "--event", "public_reply");
    apr_status_t rv;
    int tls;

    if (apr_app_initialize(&argc, &argv, NULL) != APR_SUCCESS || apr_pool_create(&p, NULL) != APR_SUCCESS) {
        return 70;
    }
    memset(&ev, 0, sizeof(ev));
    if (pd_event_parse(event, &ev.kind) != APR_SUCCESS) {
        fprintf(stderr, "send: unknown event %s\n", event);
        return 64;
    }
    ev.ticket_id = 42;
    ev.ticket_number = "PD-2026-000042";
    ev.ticket_title = opt(argc, argv, "--title", "Struk tidak tercetak di kasir \xE2\x80\x94 Apotek Sehat");
    ev.pharmacy_name = "Apotek Sehat Sentosa";
    ev.priority = "high";
    ev.field = "tech_id";
    ev.old_value = ev.kind == PD_EV_STATUS_CHANGED ? "in_review" : NULL;
    ev.new_value = ev.kind == PD_EV_STATUS_CHANGED ? "solved" : "Budi Prasetyo";
    ev.actor_name = opt(argc, argv, "--actor", "Dewi Lestari");
    ev.body = opt(argc, argv, "--body", "Sudah kami periksa: driver printer diperbarui.\nMohon dicoba lagi.");
    ev.visibility = ev.kind == PD_EV_INTERNAL_NOTE ? "internal" : "public";
    ev.recipient_name = opt(argc, argv, "--recipient", "Rina Marlina");
    ev.reason = PD_NOTIFY_REASON_PHARMACY;
    rv = pd_notify_render(&ev, opt(argc, argv, "--lang", "id"),
                          opt(argc, argv, "--ticket-url", "http://127.0.0.1:8080/#/t/42"), p, &text);
    if (rv != APR_SUCCESS) {
        fprintf(stderr, "send: pd_notify_render failed\n");
        return 70;
    }

    memset(&mail, 0, sizeof(mail));
    mail.from = opt(argc, argv, "--from", NULL);
    mail.from_name = "Pharmadesk \xC2\xB7 Layanan";
    mail.to = opt(argc, argv, "--to", NULL);
    mail.to_name = ev.recipient_name;
    mail.subject = text.subject;
    mail.text = text.text;
    mail.html = text.html;
    mail.message_id = opt(argc, argv, "--message-id", pd_mail_message_id(p, mail.from, "d1"));
    mail.thread_id = opt(argc, argv, "--thread-id", pd_mail_thread_id(p, mail.from, ev.ticket_id));
    if (pd_mail_build(p, &mail, &message) != APR_SUCCESS) {
        fprintf(stderr, "send: pd_mail_build refused the message\n");
        return 64;
    }
    if (flag(argc, argv, "--print")) {
        fputs(message, stdout);
        return 0;
    }

    memset(&smtp, 0, sizeof(smtp));
    smtp.url = opt(argc, argv, "--url", NULL);
    tls = pd_smtp_tls_parse(opt(argc, argv, "--starttls", "off"));
    smtp.starttls = tls < 0 ? PD_SMTP_TLS_OFF : (pd_smtp_tls_e)tls;
    smtp.user = opt(argc, argv, "--user", NULL);
    smtp.password = opt(argc, argv, "--password", NULL);
    smtp.timeout = atoi(opt(argc, argv, "--timeout", "10"));
    smtp.ca_file = opt(argc, argv, "--ca", NULL);
    if (!smtp.url || tls < 0) {
        fprintf(stderr, "send: --url and a --starttls of off, try or required\n");
        return 64;
    }
    if (pd_smtp_global_init(p) != APR_SUCCESS) {
        return 70;
    }
    if (opt(argc, argv, "--stop-after", NULL)) {
        stop_at = apr_time_now() + apr_time_from_sec(atoi(opt(argc, argv, "--stop-after", NULL)));
        pd_curl_set_stopping(stopping);
    }
    rv = pd_smtp_deliver(&smtp, mail.from, mail.to, message, p, &error);
    if (rv == APR_SUCCESS) {
        puts("sent");
        return 0;
    }
    printf("%s: %s\n", pd_smtp_permanent(rv) ? "permanent" : "temporary", error);
    return pd_smtp_permanent(rv) ? 3 : 2;
}
