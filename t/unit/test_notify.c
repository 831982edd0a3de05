/* pd_notify: whom an event concerns and who may be told of it, the
 * events each role can choose, backoff with jitter, preference matrices. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include "pd_notify.h"
#include "pd_unit.h"

/* A ticket of pharmacy 7 reported by customer 40, expert 20, tech 30. */
enum { PHARMACY = 7, OTHER_PHARMACY = 8, REPORTER = 40, NEIGHBOUR = 41, STRANGER = 42,
       EXPERT = 20, OTHER_EXPERT = 21, TECH = 30, OTHER_TECH = 31, ADMIN = 1, MANAGER = 50 };

static pd_notify_facts_t facts(pd_event_e ev, apr_int64_t actor)
{
    pd_notify_facts_t f;

    memset(&f, 0, sizeof(f));
    f.event = ev;
    f.ticket.status = PD_ST_IN_PROGRESS;
    f.ticket.pharmacy_id = PHARMACY;
    f.ticket.expert_id = EXPERT;
    f.ticket.tech_id = TECH;
    f.customer_id = REPORTER;
    f.actor_id = actor;
    return f;
}

static pd_recipient_t person(apr_int64_t id, pd_role_e role, apr_int64_t pharmacy, int active)
{
    pd_recipient_t r;

    memset(&r, 0, sizeof(r));
    r.who.user_id = id;
    r.who.role = role;
    r.who.pharmacy_id = pharmacy;
    r.active = active;
    return r;
}

/* The people of the fixture, each with what they are. */
#define PEOPLE 9
static pd_recipient_t everyone(int i)
{
    switch (i) {
    case 0: return person(REPORTER, PD_ROLE_CUSTOMER, PHARMACY, 1);
    case 1: return person(NEIGHBOUR, PD_ROLE_CUSTOMER, PHARMACY, 1);
    case 2: return person(STRANGER, PD_ROLE_CUSTOMER, OTHER_PHARMACY, 1);
    case 3: return person(EXPERT, PD_ROLE_EXPERT, 0, 1);
    case 4: return person(OTHER_EXPERT, PD_ROLE_EXPERT, 0, 1);
    case 5: return person(TECH, PD_ROLE_TECH, 0, 1);
    case 6: return person(OTHER_TECH, PD_ROLE_TECH, 0, 1);
    case 7: return person(ADMIN, PD_ROLE_ADMIN, 0, 1);
    default: return person(MANAGER, PD_ROLE_MANAGER, 0, 1);
    }
}

/* The ids among everyone() who would be told, as a sorted text. */
static const char *told(apr_pool_t *p, const pd_notify_facts_t *f)
{
    const char *out = "";
    int i;

    for (i = 0; i < PEOPLE; i++) {
        pd_recipient_t r = everyone(i);
        if (pd_notify_recipient(f, &r)) {
            out = apr_psprintf(p, "%s%s%" APR_INT64_T_FMT, out, *out ? " " : "", r.who.user_id);
        }
    }
    return out;
}

static void test_channel_names(void **state)
{
    pd_channel_e ch;
    int i;

    for (i = 0; i < PD_CH__COUNT; i++) {
        assert_int_equal(pd_channel_parse(pd_channel_name((pd_channel_e)i), &ch), APR_SUCCESS);
        assert_int_equal(ch, i);
    }
    assert_string_equal(pd_channel_name(PD_CH_PORTAL), "portal");
    assert_string_equal(pd_channel_name(PD_CH_EMAIL), "email");
    assert_null(pd_channel_name(PD_CH__COUNT));
    assert_int_equal(pd_channel_parse("Email", &ch), APR_EINVAL);
    assert_int_equal(pd_channel_parse(NULL, &ch), APR_EINVAL);
    assert_false(pd_channel_per_user(PD_CH_WEBHOOK));
    assert_true(pd_channel_per_user(PD_CH_EMAIL));
    /* what is offered is per user */
    for (i = 0; i < PD_CH__COUNT; i++) {
        if (pd_channels_offered() & (1u << i)) {
            assert_true(pd_channel_per_user((pd_channel_e)i));
        }
    }
}

/* Who hears of each event, the actor being someone outside the fixture. */
static void test_recipients_per_event(void **state)
{
    apr_pool_t *p = *state;
    pd_notify_facts_t f;

    f = facts(PD_EV_TICKET_CREATED, 999);
    assert_string_equal(told(p, &f), "40 20 21 1");
    f = facts(PD_EV_PUBLIC_REPLY, 999);
    assert_string_equal(told(p, &f), "40 20 30");
    f = facts(PD_EV_STATUS_CHANGED, 999);
    assert_string_equal(told(p, &f), "40 20 30");
    f = facts(PD_EV_INTERNAL_NOTE, 999);
    assert_string_equal(told(p, &f), "20 30");
    f = facts(PD_EV_AUTO_CLOSED, 0);
    assert_string_equal(told(p, &f), "40 20");
    f = facts(PD_EV_ATTACHMENT_ADDED, 999);
    assert_string_equal(told(p, &f), "40 20 30");
    /* an internal file: the staff on the ticket only */
    f.internal = 1;
    assert_string_equal(told(p, &f), "20 30");
    /* a tech assigned: the tech, the customer, the expert who owns it */
    f = facts(PD_EV_ASSIGNED, 999);
    f.subject_id = OTHER_TECH;
    f.ticket.tech_id = OTHER_TECH;
    assert_string_equal(told(p, &f), "40 20 31");
    /* taken off: the one taken off hears of it */
    f = facts(PD_EV_UNASSIGNED, 999);
    f.subject_id = OTHER_TECH;
    assert_string_equal(told(p, &f), "40 20 31");
}

/* The actor is never told of their own change. */
static void test_actor_not_told(void **state)
{
    apr_pool_t *p = *state;
    pd_notify_facts_t f;

    f = facts(PD_EV_PUBLIC_REPLY, REPORTER);
    assert_string_equal(told(p, &f), "20 30");
    f = facts(PD_EV_PUBLIC_REPLY, TECH);
    assert_string_equal(told(p, &f), "40 20");
    f = facts(PD_EV_TICKET_CREATED, OTHER_EXPERT);
    assert_string_equal(told(p, &f), "40 20 1");
    f = facts(PD_EV_ASSIGNED, EXPERT);
    f.subject_id = EXPERT;
    assert_string_equal(told(p, &f), "40");
}

/* A ticket without a reporting customer: its pharmacy's customers. */
static void test_pharmacy_customers(void **state)
{
    apr_pool_t *p = *state;
    pd_notify_facts_t f = facts(PD_EV_STATUS_CHANGED, 999);
    pd_notify_candidates_t c;

    f.customer_id = 0;
    assert_string_equal(told(p, &f), "40 41 20 30");
    pd_notify_candidates(&f, &c);
    assert_int_equal(c.pharmacy_id, PHARMACY);
    f.customer_id = REPORTER;
    pd_notify_candidates(&f, &c);
    assert_int_equal(c.pharmacy_id, 0);
    assert_int_equal(c.ids[0], REPORTER);
}

/* The hard rules: nothing internal and nothing of another pharmacy to a
 * customer, nothing to a deactivated user, whatever the relation. */
static void test_never(void **state)
{
    int ev, i, internal;

    for (ev = 0; ev < PD_EV__COUNT; ev++) {
        for (internal = 0; internal < 2; internal++) {
            pd_notify_facts_t f = facts((pd_event_e)ev, 999);
            f.internal = internal;
            /* make everyone a relation of some kind */
            f.customer_id = STRANGER;
            f.subject_id = STRANGER;
            for (i = 0; i < PEOPLE; i++) {
                pd_recipient_t r = everyone(i);
                if (r.who.user_id == STRANGER) {
                    assert_false(pd_notify_recipient(&f, &r));
                }
                if (r.who.role == PD_ROLE_CUSTOMER
                    && (internal || ev == PD_EV_INTERNAL_NOTE)) {
                    assert_false(pd_notify_recipient(&f, &r));
                }
                r.active = 0;
                assert_false(pd_notify_recipient(&f, &r));
            }
            /* managers hear of escalations only */
            {
                pd_recipient_t m = everyone(8);
                if (ev != PD_EV_SLA_ESCALATED && ev != PD_EV_ESCALATED && ev != PD_EV_DE_ESCALATED) {
                    assert_false(pd_notify_recipient(&f, &m));
                }
            }
            /* customers never hear of the service levels' alarms */
            if (ev >= PD_EV_SLA_AT_RISK) {
                for (i = 0; i < 3; i++) {
                    pd_recipient_t r = everyone(i);
                    assert_false(pd_notify_recipient(&f, &r));
                }
            }
        }
    }
}

static void test_candidates(void **state)
{
    pd_notify_facts_t f = facts(PD_EV_INTERNAL_NOTE, 999);
    pd_notify_candidates_t c;

    pd_notify_candidates(&f, &c);
    assert_int_equal(c.ids[0], 0);
    assert_int_equal(c.ids[1], EXPERT);
    assert_int_equal(c.ids[2], TECH);
    assert_false(c.team);
    assert_false(c.admins);
    f = facts(PD_EV_TICKET_CREATED, 999);
    pd_notify_candidates(&f, &c);
    assert_true(c.team);
    assert_true(c.admins);
    assert_int_equal(c.ids[0], REPORTER);
    /* everyone pd_notify_recipient accepts is among the candidates */
    {
        int ev, i, k;
        for (ev = 0; ev < PD_EV__COUNT; ev++) {
            f = facts((pd_event_e)ev, 999);
            f.subject_id = OTHER_TECH;
            pd_notify_candidates(&f, &c);
            for (i = 0; i < PEOPLE; i++) {
                pd_recipient_t r = everyone(i);
                int named = 0;
                if (!pd_notify_recipient(&f, &r)) {
                    continue;
                }
                for (k = 0; k < 4; k++) {
                    named |= c.ids[k] == r.who.user_id;
                }
                assert_true(named || (c.team && r.who.role == PD_ROLE_EXPERT)
                            || (c.admins && r.who.role == PD_ROLE_ADMIN)
                            || (c.managers && r.who.role == PD_ROLE_MANAGER)
                            || (c.pharmacy_id && r.who.pharmacy_id == c.pharmacy_id));
            }
        }
    }
}

static void test_reason(void **state)
{
    pd_notify_facts_t f = facts(PD_EV_PUBLIC_REPLY, 999);
    pd_recipient_t r;

    r = everyone(0);
    assert_string_equal(pd_notify_reason(&f, &r.who), PD_NOTIFY_REASON_PHARMACY);
    r = everyone(3);
    assert_string_equal(pd_notify_reason(&f, &r.who), PD_NOTIFY_REASON_EXPERT);
    r = everyone(5);
    assert_string_equal(pd_notify_reason(&f, &r.who), PD_NOTIFY_REASON_TECH);
    f = facts(PD_EV_TICKET_CREATED, 999);
    r = everyone(4);
    assert_string_equal(pd_notify_reason(&f, &r.who), PD_NOTIFY_REASON_TEAM);
    f = facts(PD_EV_ASSIGNED, 999);
    f.subject_id = OTHER_TECH;
    r = everyone(6);
    assert_null(pd_notify_reason(&f, &r.who));
}

/* The service levels' alarms go to the people working on the ticket, the
 * team when it has nobody, the managers for what is long overdue and for
 * escalations; never to a customer. */
static void test_sla_audiences(void **state)
{
    apr_pool_t *p = *state;
    pd_notify_facts_t f;
    pd_notify_candidates_t c;

    f = facts(PD_EV_SLA_AT_RISK, 0);
    assert_string_equal(told(p, &f), "30");
    f.ticket.tech_id = 0;
    assert_string_equal(told(p, &f), "20");
    f.ticket.expert_id = 0;
    assert_string_equal(told(p, &f), "20 21");
    pd_notify_candidates(&f, &c);
    assert_true(c.team);
    assert_false(c.managers);

    f = facts(PD_EV_SLA_BREACHED, 0);
    assert_string_equal(told(p, &f), "20");
    f.ticket.expert_id = 0;
    assert_string_equal(told(p, &f), "20 21");

    f = facts(PD_EV_SLA_ESCALATED, 0);
    assert_string_equal(told(p, &f), "50");
    pd_notify_candidates(&f, &c);
    assert_true(c.managers);
    assert_false(c.team);

    f = facts(PD_EV_ESCALATED, OTHER_EXPERT);
    f.internal = 1;
    assert_string_equal(told(p, &f), "20 30 50");
    f = facts(PD_EV_ESCALATED, EXPERT);
    assert_string_equal(told(p, &f), "30 50");
    f = facts(PD_EV_ESCALATED, TECH);
    f.ticket.expert_id = 0;
    assert_string_equal(told(p, &f), "20 21 50");
    f = facts(PD_EV_DE_ESCALATED, MANAGER);
    assert_string_equal(told(p, &f), "20 30");
}

static void test_role_events(void **state)
{
    unsigned all = (1u << PD_EV__COUNT) - 1;
    unsigned sla = 1u << PD_EV_SLA_AT_RISK | 1u << PD_EV_SLA_BREACHED | 1u << PD_EV_SLA_ESCALATED
                   | 1u << PD_EV_ESCALATED | 1u << PD_EV_DE_ESCALATED;

    assert_int_equal(pd_notify_role_events(PD_ROLE_CUSTOMER), all & ~sla & ~(1u << PD_EV_INTERNAL_NOTE));
    assert_int_equal(pd_notify_role_events(PD_ROLE_EXPERT), all & ~(1u << PD_EV_SLA_ESCALATED));
    assert_int_equal(pd_notify_role_events(PD_ROLE_TECH), all & ~(1u << PD_EV_TICKET_CREATED)
                                                              & ~(1u << PD_EV_AUTO_CLOSED)
                                                              & ~(1u << PD_EV_SLA_BREACHED)
                                                              & ~(1u << PD_EV_SLA_ESCALATED));
    assert_int_equal(pd_notify_role_events(PD_ROLE_ADMIN), 1u << PD_EV_TICKET_CREATED);
    assert_int_equal(pd_notify_role_events(PD_ROLE_MANAGER), 1u << PD_EV_SLA_ESCALATED
                                                              | 1u << PD_EV_ESCALATED
                                                              | 1u << PD_EV_DE_ESCALATED);
    assert_int_equal(pd_notify_role_events(PD_ROLE_NONE), 0);
    /* what a role is offered is what it can be told of */
    {
        int role, ev, i;
        for (role = PD_ROLE_ADMIN; role < PD_ROLE__COUNT; role++) {
            for (ev = 0; ev < PD_EV__COUNT; ev++) {
                int reachable = 0;
                pd_notify_facts_t f = facts((pd_event_e)ev, 999);
                f.subject_id = OTHER_TECH;
                for (i = 0; i < PEOPLE; i++) {
                    pd_recipient_t r = everyone(i);
                    if ((int)r.who.role == role && pd_notify_recipient(&f, &r)) {
                        reachable = 1;
                    }
                }
                /* the fixture's tech is not assigned when the expert is */
                if (reachable) {
                    assert_true(pd_notify_role_events((pd_role_e)role) & (1u << ev));
                }
            }
        }
    }
}

static void test_backoff(void **state)
{
    int i, prev = 0;

    /* without jitter's upper part: half of base doubled */
    assert_int_equal(pd_notify_backoff(1, 60, 3600, 0.0), 30);
    assert_int_equal(pd_notify_backoff(2, 60, 3600, 0.0), 60);
    assert_int_equal(pd_notify_backoff(3, 60, 3600, 0.0), 120);
    assert_int_equal(pd_notify_backoff(1, 60, 3600, 0.999), 59);
    /* capped, however many attempts */
    assert_int_equal(pd_notify_backoff(30, 60, 3600, 0.0), 1800);
    assert_int_equal(pd_notify_backoff(1000, 60, 3600, 0.999), 3598);
    /* never below a second, nonsense draws ignored */
    assert_int_equal(pd_notify_backoff(1, 1, 1, 0.0), 1);
    assert_int_equal(pd_notify_backoff(1, 0, 0, 5.0), 1);
    assert_int_equal(pd_notify_backoff(0, 60, 3600, -1), 30);
    for (i = 1; i < 20; i++) {
        int lo = pd_notify_backoff(i, 10, 600, 0.0), hi = pd_notify_backoff(i, 10, 600, 0.999);
        assert_true(lo <= hi);
        assert_true(hi <= 600);
        assert_true(lo >= prev);
        prev = lo;
    }
}

static void test_error_text(void **state)
{
    apr_pool_t *p = *state;
    char *long_text = apr_palloc(p, 1201);
    const char *t;

    assert_string_equal(pd_notify_error_text(p, "550 no\r\nsuch\tuser"), "550 no  such user");
    assert_string_equal(pd_notify_error_text(p, NULL), "unknown error");
    memset(long_text, 'x', 998);
    /* a two-byte character across the limit is left out whole */
    memcpy(long_text + 998, "\xc3\xa9\xc3\xa9", 4);
    memset(long_text + 1002, 'y', 198);
    long_text[1200] = '\0';
    t = pd_notify_error_text(p, long_text);
    assert_int_equal(strlen(t), 1000);
    assert_memory_equal(t + 998, "\xc3\xa9", 2);
    memset(long_text, 'x', 1200);
    memcpy(long_text + 999, "\xc3\xa9", 2);
    t = pd_notify_error_text(p, long_text);
    assert_int_equal(strlen(t), 999);
}

static void test_matrix_parse(void **state)
{
    apr_pool_t *p = *state;
    apr_array_header_t *out = apr_array_make(p, 4, sizeof(pd_notify_choice_t));
    unsigned events = 1u << PD_EV_PUBLIC_REPLY | 1u << PD_EV_STATUS_CHANGED;
    unsigned channels = 1u << PD_CH_PORTAL | 1u << PD_CH_EMAIL;
    pd_error_t err;
    json_t *m;
    const char *why;

    pd_error_init(&err, p);
    pd_json_parse_object(&m, p, "{\"public_reply\":{\"email\":false,\"portal\":null}}", 46, &why);
    assert_int_equal(pd_notify_matrix_parse(m, "preferences", events, channels, 1, out, &err),
                     APR_SUCCESS);
    assert_int_equal(out->nelts, 2);
    assert_int_equal(APR_ARRAY_IDX(out, 0, pd_notify_choice_t).event, PD_EV_PUBLIC_REPLY);
    assert_int_equal(APR_ARRAY_IDX(out, 0, pd_notify_choice_t).channel, PD_CH_EMAIL);
    assert_int_equal(APR_ARRAY_IDX(out, 0, pd_notify_choice_t).value, 0);
    assert_int_equal(APR_ARRAY_IDX(out, 1, pd_notify_choice_t).value, -1);
    /* null is a default only where defaults exist */
    assert_int_equal(pd_notify_matrix_parse(m, "roles.tech", events, channels, 0, out, &err),
                     APR_EGENERAL);
    assert_string_equal(err.field, "roles.tech.public_reply.portal");
    assert_int_equal(err.status, 422);

    {
        static const struct { const char *json, *field; } bad[] = {
            /* an event this role cannot choose, an unknown one, a channel
             * not offered, not an object, not a boolean */
            { "{\"internal_note\":{\"email\":true}}", "preferences.internal_note" },
            { "{\"nope\":{\"email\":true}}", "preferences.nope" },
            { "{\"public_reply\":{\"webhook\":true}}", "preferences.public_reply.webhook" },
            { "{\"public_reply\":{\"sms\":true}}", "preferences.public_reply.sms" },
            { "{\"public_reply\":true}", "preferences.public_reply" },
            { "{\"public_reply\":{\"email\":\"yes\"}}", "preferences.public_reply.email" },
            { "{\"public_reply\":{\"email\":1}}", "preferences.public_reply.email" },
        };
        apr_size_t i;
        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            assert_int_equal(pd_json_parse_object(&m, p, bad[i].json, strlen(bad[i].json), &why),
                             APR_SUCCESS);
            assert_int_equal(pd_notify_matrix_parse(m, "preferences", events, channels, 1, out,
                                                    &err), APR_EGENERAL);
            assert_string_equal(err.field, bad[i].field);
            assert_string_equal(err.code, "validation_failed");
        }
    }
    /* a name too long to echo: the field stops at what holds it */
    {
        char json[200];
        snprintf(json, sizeof(json), "{\"%0120d\":{\"email\":true}}", 0);
        assert_int_equal(pd_json_parse_object(&m, p, json, strlen(json), &why), APR_SUCCESS);
        assert_int_equal(pd_notify_matrix_parse(m, "preferences", events, channels, 1, out, &err),
                         APR_EGENERAL);
        assert_string_equal(err.field, "preferences");
    }
    /* not an object at all */
    {
        json_t *list = json_array();
        apr_status_t rv = pd_notify_matrix_parse(list, "preferences", events, channels, 1, out, &err);

        json_decref(list);
        assert_int_equal(rv, APR_EGENERAL);
        assert_string_equal(err.field, "preferences");
    }
}

/* A unit's lead or backup hears of a new case of their unit, and of
 * nothing else for being one; an operator (a tech with a unit) only when
 * the case is within their subtree; the candidates name the unit's
 * contacts for a new ticket alone. */
static void test_unit_contacts(void **state)
{
    pd_notify_facts_t f = facts(PD_EV_TICKET_CREATED, 999);
    pd_recipient_t lead = person(OTHER_TECH, PD_ROLE_TECH, 0, 1);
    pd_notify_candidates_t c;

    f.ticket.tech_id = 0;
    f.ticket.org_units = "{1,3}";
    assert_false(pd_notify_recipient(&f, &lead));
    lead.unit_contact = 1;
    assert_true(pd_notify_recipient(&f, &lead));
    lead.who.org_unit_id = 3;
    assert_true(pd_notify_recipient(&f, &lead));
    lead.who.org_unit_id = 5;
    assert_false(pd_notify_recipient(&f, &lead));
    pd_notify_candidates(&f, &c);
    assert_true(c.unit_contacts);
    lead.who.org_unit_id = 0;
    f = facts(PD_EV_PUBLIC_REPLY, 999);
    f.ticket.tech_id = 0;
    assert_false(pd_notify_recipient(&f, &lead));
    pd_notify_candidates(&f, &c);
    assert_false(c.unit_contacts);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_channel_names),
        T(test_recipients_per_event),
        T(test_actor_not_told),
        T(test_pharmacy_customers),
        T(test_never),
        T(test_candidates),
        T(test_reason),
        T(test_sla_audiences),
        T(test_role_events),
        T(test_backoff),
        T(test_error_text),
        T(test_unit_contacts),
        T(test_matrix_parse),
    };
#undef T
    return cmocka_run_group_tests_name("pd_notify", tests, group_setup, group_teardown);
}
