/* pd_authz: the role x action policy, pharmacy scoping, what a caller may
 * do to one ticket, and the portal's menus. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include "pd_authz.h"
#include "pd_workflow.h"
#include "pd_unit.h"


/* The policy as the product describes it, one string per action with a
 * letter per role allowed: Admin, Expert, Tech, Customer, Manager. */
static const char *const expected_policy[PD_ACT__COUNT] = {
    [PD_ACT_ME]             = "AETCM",
    [PD_ACT_TICKET_LIST]    = "AETCM",
    [PD_ACT_TICKET_READ]    = "AETCM",
    [PD_ACT_TICKET_CREATE]  = "AETC",
    [PD_ACT_TICKET_UPDATE]  = "AETC",
    [PD_ACT_TICKET_DELETE]  = "A",
    [PD_ACT_LOOKUP_READ]    = "AETCM",
    [PD_ACT_LOOKUP_WRITE]   = "A",
    [PD_ACT_PHARMACY_READ]  = "AETCM",
    [PD_ACT_PHARMACY_WRITE] = "A",
    [PD_ACT_USER_READ]      = "AETM",
    [PD_ACT_USER_WRITE]     = "A",
    [PD_ACT_ROLE_READ]      = "AETM",
    [PD_ACT_AUDIT_READ]     = "A",
    [PD_ACT_DASHBOARD_READ] = "AETCM",
    [PD_ACT_SLA_READ]       = "AETM",
    [PD_ACT_SLA_WRITE]      = "A",
    [PD_ACT_ME_UPDATE]      = "AETCM",
    [PD_ACT_NOTIFICATION_INBOX] = "AETCM",
    [PD_ACT_NOTIFICATION_DEFAULTS] = "A",
    [PD_ACT_NOTIFICATION_DELIVERIES] = "A",
    [PD_ACT_TICKET_NOTIFICATIONS] = "AETM",
    [PD_ACT_TICKET_ESCALATE] = "AETM",
    [PD_ACT_TICKET_DE_ESCALATE] = "AEM",
    [PD_ACT_WEBHOOKS] = "A",
    [PD_ACT_REPORT_READ] = "AETCM",
    [PD_ACT_REPORT_STAFF] = "AETM",
    [PD_ACT_IMPORT] = "A",
    [PD_ACT_TICKET_BULK] = "AET",
    [PD_ACT_VIEWS] = "AETCM",
    [PD_ACT_ORG_UNIT_READ] = "AETM",
    [PD_ACT_ORG_UNIT_WRITE] = "A",
    [PD_ACT_DIRECTORY_READ] = "AETM",
    [PD_ACT_TICKET_ROUTE] = "AE",
    [PD_ACT_FRONT_DESK_INTAKE] = "AE",
    [PD_ACT_FRONT_DESK_READ] = "AETM",
    /* the QR self check-in: desk tokens the admins'; the check-in public */
    [PD_ACT_DESK_TOKENS] = "A",
    [PD_ACT_CHECKIN] = "AETCM",
};

static const struct { pd_role_e role; char letter; } role_letters[] = {
    { PD_ROLE_ADMIN, 'A' }, { PD_ROLE_EXPERT, 'E' }, { PD_ROLE_TECH, 'T' },
    { PD_ROLE_CUSTOMER, 'C' }, { PD_ROLE_MANAGER, 'M' },
};

static const pd_action_e writes[] = {
    PD_ACT_TICKET_CREATE, PD_ACT_TICKET_UPDATE, PD_ACT_TICKET_DELETE, PD_ACT_LOOKUP_WRITE,
    PD_ACT_PHARMACY_WRITE, PD_ACT_USER_WRITE, PD_ACT_SLA_WRITE,
};

static pd_identity_t who(pd_role_e role, apr_int64_t pharmacy_id)
{
    pd_identity_t id;

    memset(&id, 0, sizeof(id));
    id.user_id = 10;
    id.username = "u";
    id.name = "U";
    id.role = role;
    id.pharmacy_id = pharmacy_id;
    return id;
}

static void test_action_names(void **state)
{
    int act, other;

    assert_string_equal(pd_action_name(PD_ACT_ME), "me");
    assert_string_equal(pd_action_name(PD_ACT_TICKET_LIST), "ticket.list");
    assert_string_equal(pd_action_name(PD_ACT_TICKET_DELETE), "ticket.delete");
    assert_string_equal(pd_action_name(PD_ACT_PHARMACY_WRITE), "pharmacy.write");
    assert_string_equal(pd_action_name(PD_ACT_ROLE_READ), "role.read");
    assert_string_equal(pd_action_name(PD_ACT_DASHBOARD_READ), "dashboard.read");
    assert_string_equal(pd_action_name(PD_ACT__COUNT), "unknown");
    assert_string_equal(pd_action_name((pd_action_e)-1), "unknown");
    for (act = 0; act < PD_ACT__COUNT; act++) {
        const char *name = pd_action_name((pd_action_e)act);
        assert_non_null(name);
        assert_string_not_equal(name, "unknown");
        for (other = act + 1; other < PD_ACT__COUNT; other++) {
            assert_string_not_equal(name, pd_action_name((pd_action_e)other));
        }
    }
}

static void test_policy_matrix(void **state)
{
    int act;
    apr_size_t r;

    for (act = 0; act < PD_ACT__COUNT; act++) {
        assert_non_null(expected_policy[act]);
        for (r = 0; r < sizeof(role_letters) / sizeof(role_letters[0]); r++) {
            int want = strchr(expected_policy[act], role_letters[r].letter) != NULL;
            if (pd_authz_allows(role_letters[r].role, (pd_action_e)act) != want) {
                fail_msg("pd_authz_allows(%c, %s) != %d", role_letters[r].letter,
                         pd_action_name((pd_action_e)act), want);
            }
        }
    }
}

static void test_manager_reads_only(void **state)
{
    apr_size_t i;

    assert_true(pd_authz_allows(PD_ROLE_MANAGER, PD_ACT_ME));
    assert_true(pd_authz_allows(PD_ROLE_MANAGER, PD_ACT_TICKET_LIST));
    assert_true(pd_authz_allows(PD_ROLE_MANAGER, PD_ACT_TICKET_READ));
    assert_true(pd_authz_allows(PD_ROLE_MANAGER, PD_ACT_LOOKUP_READ));
    assert_true(pd_authz_allows(PD_ROLE_MANAGER, PD_ACT_PHARMACY_READ));
    assert_true(pd_authz_allows(PD_ROLE_MANAGER, PD_ACT_USER_READ));
    assert_true(pd_authz_allows(PD_ROLE_MANAGER, PD_ACT_ROLE_READ));
    assert_true(pd_authz_allows(PD_ROLE_MANAGER, PD_ACT_DASHBOARD_READ));
    for (i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
        assert_false(pd_authz_allows(PD_ROLE_MANAGER, writes[i]));
    }
}

static void test_customer_limits(void **state)
{
    assert_true(pd_authz_allows(PD_ROLE_CUSTOMER, PD_ACT_TICKET_CREATE));
    assert_true(pd_authz_allows(PD_ROLE_CUSTOMER, PD_ACT_TICKET_UPDATE));
    assert_true(pd_authz_allows(PD_ROLE_CUSTOMER, PD_ACT_LOOKUP_READ));
    assert_true(pd_authz_allows(PD_ROLE_CUSTOMER, PD_ACT_PHARMACY_READ));
    /* the dashboard over their own pharmacy (scope) */
    assert_true(pd_authz_allows(PD_ROLE_CUSTOMER, PD_ACT_DASHBOARD_READ));
    assert_false(pd_authz_allows(PD_ROLE_CUSTOMER, PD_ACT_USER_READ));
    assert_false(pd_authz_allows(PD_ROLE_CUSTOMER, PD_ACT_USER_WRITE));
    assert_false(pd_authz_allows(PD_ROLE_CUSTOMER, PD_ACT_ROLE_READ));
    assert_false(pd_authz_allows(PD_ROLE_CUSTOMER, PD_ACT_TICKET_DELETE));
    assert_false(pd_authz_allows(PD_ROLE_CUSTOMER, PD_ACT_LOOKUP_WRITE));
    assert_false(pd_authz_allows(PD_ROLE_CUSTOMER, PD_ACT_PHARMACY_WRITE));
}

/* Master data (lookups, pharmacies, users) and deletions are the admin's. */
static void test_only_admin_writes_master_data(void **state)
{
    static const pd_action_e admin_only[] = {
        PD_ACT_TICKET_DELETE, PD_ACT_LOOKUP_WRITE, PD_ACT_PHARMACY_WRITE, PD_ACT_USER_WRITE,
    };
    apr_size_t i;
    int role;

    for (i = 0; i < sizeof(admin_only) / sizeof(admin_only[0]); i++) {
        for (role = 0; role < PD_ROLE__COUNT; role++) {
            assert_int_equal(pd_authz_allows((pd_role_e)role, admin_only[i]),
                             role == PD_ROLE_ADMIN);
        }
    }
}

static void test_admin_has_everything(void **state)
{
    int act;

    for (act = 0; act < PD_ACT__COUNT; act++) {
        assert_true(pd_authz_allows(PD_ROLE_ADMIN, (pd_action_e)act));
    }
}

static void test_no_role_has_nothing(void **state)
{
    static const int bad_roles[] = { PD_ROLE_NONE, PD_ROLE__COUNT, PD_ROLE__COUNT + 1, 31,
                                     32, 64, -1 };
    apr_size_t i;
    int act;

    for (i = 0; i < sizeof(bad_roles) / sizeof(bad_roles[0]); i++) {
        for (act = 0; act < PD_ACT__COUNT; act++) {
            assert_false(pd_authz_allows((pd_role_e)bad_roles[i], (pd_action_e)act));
        }
    }
}

static void test_unknown_action(void **state)
{
    int role;

    for (role = 0; role <= PD_ROLE__COUNT; role++) {
        assert_false(pd_authz_allows((pd_role_e)role, PD_ACT__COUNT));
        assert_false(pd_authz_allows((pd_role_e)role, (pd_action_e)-1));
        assert_false(pd_authz_allows((pd_role_e)role, (pd_action_e)1000));
    }
}

static void test_pharmacy_scope(void **state)
{
    pd_identity_t id;
    int role;

    id = who(PD_ROLE_CUSTOMER, 7);
    assert_int_equal(pd_authz_pharmacy_scope(&id), 7);
    /* a customer without a pharmacy is confined to one that matches no row */
    id = who(PD_ROLE_CUSTOMER, 0);
    assert_int_equal(pd_authz_pharmacy_scope(&id), -1);
    id = who(PD_ROLE_CUSTOMER, -5);
    assert_int_equal(pd_authz_pharmacy_scope(&id), -1);

    for (role = PD_ROLE_ADMIN; role < PD_ROLE__COUNT; role++) {
        if (role == PD_ROLE_CUSTOMER) {
            continue;
        }
        id = who((pd_role_e)role, 0);
        assert_int_equal(pd_authz_pharmacy_scope(&id), 0);
        /* staff see everything even when a pharmacy is on their record */
        id = who((pd_role_e)role, 7);
        assert_int_equal(pd_authz_pharmacy_scope(&id), 0);
    }
}

/* Internal notes: staff only; a customer, with or without a pharmacy, and
 * anyone without a role never. */
static void test_sees_internal(void **state)
{
    pd_identity_t id;
    int role;

    for (role = PD_ROLE_ADMIN; role < PD_ROLE__COUNT; role++) {
        id = who((pd_role_e)role, role == PD_ROLE_CUSTOMER ? 7 : 0);
        assert_int_equal(pd_authz_sees_internal(&id), role != PD_ROLE_CUSTOMER);
    }
    id = who(PD_ROLE_CUSTOMER, 0);
    assert_false(pd_authz_sees_internal(&id));
    id = who(PD_ROLE_NONE, 0);
    assert_false(pd_authz_sees_internal(&id));
    id = who((pd_role_e)PD_ROLE__COUNT, 0);
    assert_false(pd_authz_sees_internal(&id));
}

#define TEXT (PD_TF_TITLE | PD_TF_DESCRIPTION)
#define CONTACT (PD_TF_PIC_NAME | PD_TF_CONTACT | PD_TF_APP_VERSION)
#define TRIAGE (PD_TF_MODULE | PD_TF_CATEGORY | PD_TF_PRIORITY)
#define EVERY_FIELD (TEXT | CONTACT | TRIAGE | PD_TF_STATUS | PD_TF_EXPERT | PD_TF_TECH)

static void test_field_bits_distinct(void **state)
{
    static const unsigned bits[] = {
        PD_TF_TITLE, PD_TF_DESCRIPTION, PD_TF_PIC_NAME, PD_TF_CONTACT, PD_TF_APP_VERSION,
        PD_TF_MODULE, PD_TF_CATEGORY, PD_TF_PRIORITY, PD_TF_STATUS, PD_TF_EXPERT,
        PD_TF_TECH, PD_TF_NOTE,
    };
    static const char *const names[] = {
        "title", "description", "pic_name", "contact", "app_version", "module_id",
        "category_id", "priority", "status", "expert_id", "tech_id", "note",
    };
    unsigned seen = 0;
    apr_size_t i;

    for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
        assert_int_equal(bits[i] & (bits[i] - 1), 0);
        assert_int_equal(seen & bits[i], 0);
        seen |= bits[i];
        assert_string_equal(pd_authz_field_name(bits[i]), names[i]);
    }
    assert_int_equal(seen, EVERY_FIELD | PD_TF_NOTE);
    assert_int_equal(seen, PD_TF__ALL);
    assert_null(pd_authz_field_name(0));
    assert_null(pd_authz_field_name(PD_TF_TITLE | PD_TF_NOTE));
    assert_null(pd_authz_field_name(PD_TF__ALL + 1));
}

static unsigned fields(pd_role_e role, int status)
{
    return pd_authz_ticket_fields(role, (pd_status_e)status);
}

static void test_ticket_fields_staff(void **state)
{
    int st;

    for (st = 0; st < PD_ST__COUNT; st++) {
        if (pd_status_is_final((pd_status_e)st)) {
            continue;
        }
        assert_int_equal(fields(PD_ROLE_ADMIN, st), EVERY_FIELD);
        assert_int_equal(fields(PD_ROLE_EXPERT, st), EVERY_FIELD);
        assert_int_equal(fields(PD_ROLE_TECH, st), PD_TF_APP_VERSION | PD_TF_STATUS);
        assert_int_equal(fields(PD_ROLE_MANAGER, st), 0);
        assert_int_equal(fields(PD_ROLE_NONE, st), 0);
    }
}

/* The reporter may correct their report until someone picks it up. */
static void test_ticket_fields_customer(void **state)
{
    int st;

    assert_int_equal(fields(PD_ROLE_CUSTOMER, PD_ST_OPEN), TEXT | CONTACT | PD_TF_STATUS);
    for (st = 0; st < PD_ST__COUNT; st++) {
        unsigned f = fields(PD_ROLE_CUSTOMER, st);
        if (st == PD_ST_OPEN) {
            continue;
        }
        assert_int_equal(f, PD_TF_STATUS);
    }
    /* triage and assignment are never the customer's */
    for (st = 0; st < PD_ST__COUNT; st++) {
        assert_int_equal(fields(PD_ROLE_CUSTOMER, st)
                         & (TRIAGE | PD_TF_EXPERT | PD_TF_TECH), 0);
    }
}

/* A finished ticket only moves (reopening); its record stays as it was. */
static void test_ticket_fields_final(void **state)
{
    static const int finals[] = { PD_ST_CLOSED, PD_ST_CANCELLED };
    apr_size_t i;

    for (i = 0; i < sizeof(finals) / sizeof(finals[0]); i++) {
        assert_int_equal(fields(PD_ROLE_ADMIN, finals[i]), PD_TF_STATUS | PD_TF_TECH);
        assert_int_equal(fields(PD_ROLE_EXPERT, finals[i]), PD_TF_STATUS);
        assert_int_equal(fields(PD_ROLE_TECH, finals[i]), PD_TF_STATUS);
        assert_int_equal(fields(PD_ROLE_CUSTOMER, finals[i]), PD_TF_STATUS);
        assert_int_equal(fields(PD_ROLE_MANAGER, finals[i]), 0);
        assert_int_equal(fields(PD_ROLE_NONE, finals[i]), 0);
    }
    /* solved is not final: the tech may still fix the version */
    assert_true(fields(PD_ROLE_TECH, PD_ST_SOLVED) & PD_TF_APP_VERSION);
}

static void test_ticket_fields_bad_role(void **state)
{
    int st;

    for (st = 0; st < PD_ST__COUNT; st++) {
        assert_int_equal(fields((pd_role_e)PD_ROLE__COUNT, st), 0);
        assert_int_equal(fields((pd_role_e)-1, st), 0);
        assert_int_equal(fields((pd_role_e)99, st), 0);
        /* a note is a timeline entry, never a field */
        assert_int_equal(fields(PD_ROLE_ADMIN, st) & PD_TF_NOTE, 0);
    }
}

/* Whoever may change a ticket at all may change something, and whoever may
 * not, nothing. */
static void test_ticket_fields_follow_policy(void **state)
{
    int role, st;

    for (role = 0; role < PD_ROLE__COUNT; role++) {
        for (st = 0; st < PD_ST__COUNT; st++) {
            unsigned f = fields((pd_role_e)role, st);
            if (pd_authz_allows((pd_role_e)role, PD_ACT_TICKET_UPDATE)) {
                assert_true(f & PD_TF_STATUS);
            }
            else {
                assert_int_equal(f, 0);
            }
        }
    }
}

/* ---- one ticket ---- */

#define ME 10                  /* who() gives every caller this user id */
#define OTHER 11
#define PHARMACY 7

static pd_ticket_facts_t ticket(int status, apr_int64_t tech, apr_int64_t expert)
{
    pd_ticket_facts_t t = { (pd_status_e)status, PHARMACY, tech, expert, 0, NULL, 0 };
    return t;
}

static void test_refuse(void **state)
{
    static const struct { pd_az_e why; int status; const char *code, *field; } answers[] = {
        { PD_AZ_FORBIDDEN, 403, "forbidden", NULL },
        { PD_AZ_NOT_ASSIGNED, 403, "not_assigned", NULL },
        { PD_AZ_PUBLIC_ONLY, 403, "field_forbidden", "visibility" },
        { PD_AZ_FIELD_FORBIDDEN, 403, "field_forbidden", "title" },
        { PD_AZ_TICKET_CLOSED, 409, "ticket_closed", NULL },
        { PD_AZ_INVALID_TRANSITION, 409, "invalid_transition", "status" },
        { PD_AZ_NEEDS_TECH, 422, "validation_failed", "tech_id" },
        { PD_AZ_REQUIRED, 422, "validation_failed", "title" },
        { PD_AZ_UNKNOWN_REFERENCE, 422, "unknown_reference", "title" },
        { PD_AZ_ESCALATION_STATE, 409, "conflict", NULL },
    };
    pd_error_t err;
    apr_size_t i;

    pd_error_init(&err, *state);
    assert_int_equal(pd_authz_refuse(&err, PD_AZ_OK, "title"), APR_SUCCESS);
    assert_int_equal(err.status, 0);
    for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
        pd_error_init(&err, *state);
        assert_int_not_equal(pd_authz_refuse(&err, answers[i].why, "title"), APR_SUCCESS);
        assert_int_equal(err.status, answers[i].status);
        assert_string_equal(err.code, answers[i].code);
        assert_true(err.message && *err.message);
        if (answers[i].field) {
            assert_string_equal(err.field, answers[i].field);
        }
        else {
            assert_null(err.field);
        }
    }
    /* a field's name is in the message that names it */
    pd_error_init(&err, *state);
    pd_authz_refuse(&err, PD_AZ_UNKNOWN_REFERENCE, "pharmacy_id");
    assert_non_null(strstr(err.message, "pharmacy_id"));
}

/* Change a ticket at all: the roles that update tickets, a tech only on
 * the tickets assigned to them. */
static void test_ticket_write(void **state)
{
    pd_ticket_facts_t mine = ticket(PD_ST_IN_PROGRESS, ME, 0);
    pd_ticket_facts_t theirs = ticket(PD_ST_IN_PROGRESS, OTHER, 0);
    pd_ticket_facts_t nobody = ticket(PD_ST_OPEN, 0, 0);
    pd_identity_t id;
    int role, st;

    for (role = 0; role <= PD_ROLE__COUNT; role++) {
        id = who((pd_role_e)role, role == PD_ROLE_CUSTOMER ? PHARMACY : 0);
        for (st = 0; st < PD_ST__COUNT; st++) {
            mine.status = theirs.status = nobody.status = (pd_status_e)st;
            if (!pd_authz_allows((pd_role_e)role, PD_ACT_TICKET_UPDATE)) {
                assert_int_equal(pd_authz_ticket_write(&id, &mine), PD_AZ_FORBIDDEN);
                assert_int_equal(pd_authz_ticket_write(&id, &nobody), PD_AZ_FORBIDDEN);
                continue;
            }
            assert_int_equal(pd_authz_ticket_write(&id, &mine), PD_AZ_OK);
            assert_int_equal(pd_authz_ticket_write(&id, &theirs),
                             role == PD_ROLE_TECH ? PD_AZ_NOT_ASSIGNED : PD_AZ_OK);
            assert_int_equal(pd_authz_ticket_write(&id, &nobody),
                             role == PD_ROLE_TECH ? PD_AZ_NOT_ASSIGNED : PD_AZ_OK);
        }
    }
}

/* Comments, notes and files: one rule for every path. Internal entries are
 * staff's; a finished ticket takes internal ones only. */
static void test_ticket_entry(void **state)
{
    pd_identity_t cust = who(PD_ROLE_CUSTOMER, PHARMACY), tech = who(PD_ROLE_TECH, 0);
    pd_identity_t expert = who(PD_ROLE_EXPERT, 0), admin = who(PD_ROLE_ADMIN, 0);
    pd_identity_t manager = who(PD_ROLE_MANAGER, 0);
    pd_ticket_facts_t t;
    int st;

    for (st = 0; st < PD_ST__COUNT; st++) {
        int final = pd_status_is_final((pd_status_e)st);
        t = ticket(st, ME, 0);
        assert_int_equal(pd_authz_ticket_entry(&cust, &t, 0), final ? PD_AZ_TICKET_CLOSED : PD_AZ_OK);
        assert_int_equal(pd_authz_ticket_entry(&cust, &t, 1), PD_AZ_PUBLIC_ONLY);
        assert_int_equal(pd_authz_ticket_entry(&expert, &t, 0), final ? PD_AZ_TICKET_CLOSED : PD_AZ_OK);
        assert_int_equal(pd_authz_ticket_entry(&expert, &t, 1), PD_AZ_OK);
        assert_int_equal(pd_authz_ticket_entry(&admin, &t, 1), PD_AZ_OK);
        assert_int_equal(pd_authz_ticket_entry(&tech, &t, 1), PD_AZ_OK);
        assert_int_equal(pd_authz_ticket_entry(&tech, &t, 0), final ? PD_AZ_TICKET_CLOSED : PD_AZ_OK);
        assert_int_equal(pd_authz_ticket_entry(&manager, &t, 0), PD_AZ_FORBIDDEN);
        assert_int_equal(pd_authz_ticket_entry(&manager, &t, 1), PD_AZ_FORBIDDEN);
        t.tech_id = OTHER;
        assert_int_equal(pd_authz_ticket_entry(&tech, &t, 1), PD_AZ_NOT_ASSIGNED);
        assert_int_equal(pd_authz_ticket_entry(&tech, &t, 0), PD_AZ_NOT_ASSIGNED);
    }
    /* only the tech's comments are internal by default */
    assert_true(pd_authz_entry_internal_by_default(&tech));
    assert_false(pd_authz_entry_internal_by_default(&expert));
    assert_false(pd_authz_entry_internal_by_default(&cust));
}

static void test_ticket_edit(void **state)
{
    pd_identity_t cust = who(PD_ROLE_CUSTOMER, PHARMACY), tech = who(PD_ROLE_TECH, 0);
    pd_ticket_facts_t open = ticket(PD_ST_OPEN, 0, 0), progress = ticket(PD_ST_IN_PROGRESS, ME, 0);
    const char *field = "x";

    assert_int_equal(pd_authz_ticket_edit(&cust, &open, PD_TF_TITLE | PD_TF_NOTE, &field), PD_AZ_OK);
    assert_null(field);
    assert_int_equal(pd_authz_ticket_edit(&cust, &open, PD_TF_TITLE | PD_TF_PRIORITY | PD_TF_TECH,
                                          &field), PD_AZ_FIELD_FORBIDDEN);
    assert_string_equal(field, "priority");
    assert_int_equal(pd_authz_ticket_edit(&cust, &progress, PD_TF_TITLE, &field),
                     PD_AZ_FIELD_FORBIDDEN);
    assert_string_equal(field, "title");
    assert_int_equal(pd_authz_ticket_edit(&tech, &progress, PD_TF_APP_VERSION | PD_TF_STATUS, &field),
                     PD_AZ_OK);
    progress.tech_id = OTHER;
    assert_int_equal(pd_authz_ticket_edit(&tech, &progress, PD_TF_APP_VERSION, &field),
                     PD_AZ_NOT_ASSIGNED);
}

static void test_ticket_move(void **state)
{
    pd_identity_t expert = who(PD_ROLE_EXPERT, 0), cust = who(PD_ROLE_CUSTOMER, PHARMACY);
    pd_identity_t stranger = who(PD_ROLE_CUSTOMER, PHARMACY + 1);
    pd_ticket_facts_t t = ticket(PD_ST_OPEN, 0, 0);

    assert_int_equal(pd_authz_ticket_move(&expert, &t, PD_ST_IN_PROGRESS, 0), PD_AZ_NEEDS_TECH);
    assert_int_equal(pd_authz_ticket_move(&expert, &t, PD_ST_IN_PROGRESS, 1), PD_AZ_OK);
    assert_int_equal(pd_authz_ticket_move(&expert, &t, PD_ST_SOLVED, 1), PD_AZ_INVALID_TRANSITION);
    assert_int_equal(pd_authz_ticket_move(&cust, &t, PD_ST_CANCELLED, 0), PD_AZ_OK);
    /* the customer's own pharmacy's ticket only */
    assert_int_equal(pd_authz_ticket_move(&stranger, &t, PD_ST_CANCELLED, 0),
                     PD_AZ_INVALID_TRANSITION);
    assert_int_equal(pd_authz_ticket_targets(&cust, &t), 1u << PD_ST_CANCELLED);
    assert_int_equal(pd_authz_ticket_targets(&stranger, &t), 0);
    assert_int_equal(pd_authz_ticket_targets(&expert, &t),
                     (1u << PD_ST_IN_REVIEW) | (1u << PD_ST_IN_PROGRESS));
}

/* What "allowed" tells the portal is what the writes answer: for every
 * role, status, tech and expert, each member against the decision it
 * stands for. */
static void test_ticket_allowed_matches_decisions(void **state)
{
    static const apr_int64_t people[] = { 0, ME, OTHER };
    int role, st, to;
    apr_size_t ti, ei;

    for (role = 0; role <= PD_ROLE__COUNT; role++) {
        pd_identity_t id = who((pd_role_e)role, role == PD_ROLE_CUSTOMER ? PHARMACY : 0);
        for (st = 0; st < PD_ST__COUNT; st++) {
            for (ti = 0; ti < 3; ti++) {
                for (ei = 0; ei < 3; ei++) {
                    pd_ticket_facts_t t = ticket(st, people[ti], people[ei]);
                    pd_ticket_allowed_t a;
                    int may_write = pd_authz_ticket_write(&id, &t) == PD_AZ_OK;
                    unsigned want_fields = may_write ? pd_authz_ticket_fields(id.role, t.status)
                                                    & ~(unsigned)PD_TF_STATUS : 0;

                    pd_authz_ticket_allowed(&id, &t, &a);
                    for (to = 0; to < PD_ST__COUNT; to++) {
                        pd_az_e now = pd_authz_ticket_move(&id, &t, (pd_status_e)to, t.tech_id > 0);
                        pd_az_e with_tech = pd_authz_ticket_move(&id, &t, (pd_status_e)to, 1);
                        assert_int_equal((a.moves >> to) & 1, may_write && with_tech == PD_AZ_OK);
                        assert_int_equal((a.moves_need_tech >> to) & 1,
                                         may_write && now == PD_AZ_NEEDS_TECH);
                    }
                    assert_int_equal(a.fields, want_fields);
                    assert_int_equal((a.comment & PD_AE_PUBLIC) != 0,
                                     pd_authz_ticket_entry(&id, &t, 0) == PD_AZ_OK);
                    assert_int_equal((a.comment & PD_AE_INTERNAL) != 0,
                                     pd_authz_ticket_entry(&id, &t, 1) == PD_AZ_OK);
                    assert_int_equal(a.upload, a.comment);
                    assert_int_equal(a.remove, pd_authz_allows(id.role, PD_ACT_TICKET_DELETE));
                    assert_int_equal(a.escalate, pd_authz_ticket_escalate(&id, &t, 1) == PD_AZ_OK);
                    assert_int_equal(a.de_escalate, pd_authz_ticket_escalate(&id, &t, 0) == PD_AZ_OK);
                    assert_int_equal(a.take, (want_fields & PD_TF_EXPERT) && role == PD_ROLE_EXPERT
                                             && people[ei] != ME);
                    if (a.internal_first) {
                        assert_true(a.comment & PD_AE_INTERNAL);
                    }
                }
            }
        }
    }
}

/* Escalation by hand: staff raise it (a tech on their own ticket), the
 * escalated queue's people lower it; once, before a solution, and only
 * what is escalated is de-escalated. */
static void test_ticket_escalate(void **state)
{
    pd_ticket_facts_t t = ticket(PD_ST_IN_PROGRESS, ME, 0);
    pd_identity_t id;
    int role, st;

    for (role = 0; role <= PD_ROLE__COUNT; role++) {
        id = who((pd_role_e)role, role == PD_ROLE_CUSTOMER ? PHARMACY : 0);
        t = ticket(PD_ST_IN_PROGRESS, ME, 0);
        assert_int_equal(pd_authz_ticket_escalate(&id, &t, 1) == PD_AZ_OK,
                         role == PD_ROLE_ADMIN || role == PD_ROLE_EXPERT || role == PD_ROLE_TECH
                         || role == PD_ROLE_MANAGER);
        t.escalated = 1;
        assert_int_equal(pd_authz_ticket_escalate(&id, &t, 0) == PD_AZ_OK,
                         role == PD_ROLE_ADMIN || role == PD_ROLE_EXPERT || role == PD_ROLE_MANAGER);
    }
    id = who(PD_ROLE_CUSTOMER, PHARMACY);
    assert_int_equal(pd_authz_ticket_escalate(&id, &t, 1), PD_AZ_FORBIDDEN);
    /* a tech: the tickets assigned to them */
    id = who(PD_ROLE_TECH, 0);
    t = ticket(PD_ST_IN_PROGRESS, OTHER, 0);
    assert_int_equal(pd_authz_ticket_escalate(&id, &t, 1), PD_AZ_NOT_ASSIGNED);
    assert_int_equal(pd_authz_ticket_escalate(&id, &t, 0), PD_AZ_FORBIDDEN);
    /* the state: before a solution, once; de-escalated only when escalated */
    id = who(PD_ROLE_EXPERT, 0);
    for (st = 0; st < PD_ST__COUNT; st++) {
        t = ticket(st, 0, 0);
        assert_int_equal(pd_authz_ticket_escalate(&id, &t, 1),
                         st <= PD_ST_WAITING_CUSTOMER ? PD_AZ_OK : PD_AZ_ESCALATION_STATE);
        assert_int_equal(pd_authz_ticket_escalate(&id, &t, 0), PD_AZ_ESCALATION_STATE);
        t.escalated = 1;
        assert_int_equal(pd_authz_ticket_escalate(&id, &t, 1), PD_AZ_ESCALATION_STATE);
        assert_int_equal(pd_authz_ticket_escalate(&id, &t, 0), PD_AZ_OK);
    }
}

/* A customer's finished ticket: nothing to say publicly, nothing to move. */
static void test_ticket_allowed_finished(void **state)
{
    pd_identity_t cust = who(PD_ROLE_CUSTOMER, PHARMACY), admin = who(PD_ROLE_ADMIN, 0);
    pd_ticket_facts_t t = ticket(PD_ST_CLOSED, OTHER, 0);
    pd_ticket_allowed_t a;

    pd_authz_ticket_allowed(&cust, &t, &a);
    assert_int_equal(a.moves, 0);
    assert_int_equal(a.fields, 0);
    assert_int_equal(a.comment, 0);
    assert_int_equal(a.upload, 0);
    assert_false(a.remove);
    pd_authz_ticket_allowed(&admin, &t, &a);
    assert_int_equal(a.moves, 1u << PD_ST_IN_PROGRESS);
    assert_int_equal(a.moves_need_tech, 0);
    assert_int_equal(a.fields, PD_TF_TECH);
    assert_int_equal(a.comment, PD_AE_INTERNAL);
    assert_true(a.remove);
    t.tech_id = 0;
    pd_authz_ticket_allowed(&admin, &t, &a);
    assert_int_equal(a.moves_need_tech, 1u << PD_ST_IN_PROGRESS);
}

static void test_ticket_create(void **state)
{
    pd_identity_t cust = who(PD_ROLE_CUSTOMER, PHARMACY), expert = who(PD_ROLE_EXPERT, 0);
    pd_identity_t manager = who(PD_ROLE_MANAGER, 0);
    apr_int64_t pharmacy, customer;
    const char *field;

    pharmacy = customer = 0;
    assert_int_equal(pd_authz_ticket_create(&cust, &pharmacy, &customer, &field), PD_AZ_OK);
    assert_int_equal(pharmacy, PHARMACY);
    assert_int_equal(customer, ME);
    pharmacy = PHARMACY;
    customer = ME;
    assert_int_equal(pd_authz_ticket_create(&cust, &pharmacy, &customer, &field), PD_AZ_OK);
    pharmacy = PHARMACY + 1;
    assert_int_equal(pd_authz_ticket_create(&cust, &pharmacy, &customer, &field),
                     PD_AZ_UNKNOWN_REFERENCE);
    assert_string_equal(field, "pharmacy_id");
    pharmacy = 0;
    customer = OTHER;
    assert_int_equal(pd_authz_ticket_create(&cust, &pharmacy, &customer, &field),
                     PD_AZ_UNKNOWN_REFERENCE);
    assert_string_equal(field, "customer_id");
    assert_false(pd_authz_ticket_pharmacy_chosen(&cust));

    pharmacy = customer = 0;
    assert_int_equal(pd_authz_ticket_create(&expert, &pharmacy, &customer, &field), PD_AZ_REQUIRED);
    assert_string_equal(field, "pharmacy_id");
    pharmacy = PHARMACY + 1;
    customer = OTHER;
    assert_int_equal(pd_authz_ticket_create(&expert, &pharmacy, &customer, &field), PD_AZ_OK);
    assert_int_equal(pharmacy, PHARMACY + 1);
    assert_int_equal(customer, OTHER);
    assert_true(pd_authz_ticket_pharmacy_chosen(&expert));
    assert_int_equal(pd_authz_ticket_create(&manager, &pharmacy, &customer, &field), PD_AZ_FORBIDDEN);
}

/* ---- the rest of the caller's rules ---- */

static void test_access_and_lookups(void **state)
{
    pd_identity_t id;
    int role;

    for (role = PD_ROLE_ADMIN; role < PD_ROLE__COUNT; role++) {
        int customer = role == PD_ROLE_CUSTOMER;
        id = who((pd_role_e)role, customer ? PHARMACY : 0);
        assert_true(pd_authz_has_access(&id));
        assert_int_equal(pd_authz_sees_inactive_lookups(&id), !customer);
        assert_int_equal(pd_authz_role_has_pharmacy((pd_role_e)role), customer);
        assert_int_equal(pd_authz_lists_inactive_pharmacies(&id, 0), customer);
        assert_true(pd_authz_lists_inactive_pharmacies(&id, 1));
    }
    id = who(PD_ROLE_CUSTOMER, 0);
    assert_false(pd_authz_has_access(&id));
    id = who(PD_ROLE_NONE, 0);
    assert_false(pd_authz_has_access(&id));
    assert_false(pd_authz_sees_inactive_lookups(&id));
    assert_false(pd_authz_lists_inactive_pharmacies(&id, 1));
    id = who((pd_role_e)PD_ROLE__COUNT, 0);
    assert_false(pd_authz_has_access(&id));
}

static void test_assignable_and_mine(void **state)
{
    pd_identity_t id;
    int role;

    for (role = 0; role < PD_ROLE__COUNT; role++) {
        assert_int_equal(pd_authz_assignable((pd_role_e)role, PD_TF_EXPERT), role == PD_ROLE_EXPERT);
        assert_int_equal(pd_authz_assignable((pd_role_e)role, PD_TF_TECH), role == PD_ROLE_TECH);
        assert_false(pd_authz_assignable((pd_role_e)role, PD_TF_TITLE));
    }
    /* the roles bound into pd_tickets_refs */
    assert_int_equal(pd_authz_assignee_role(PD_TF_EXPERT), PD_ROLE_EXPERT);
    assert_int_equal(pd_authz_assignee_role(PD_TF_TECH), PD_ROLE_TECH);
    assert_int_equal(pd_authz_assignee_role(PD_TF_TITLE), PD_ROLE_NONE);
    id = who(PD_ROLE_TECH, 0);
    assert_int_equal(pd_authz_mine(&id), PD_MINE_AS_TECH);
    id = who(PD_ROLE_EXPERT, 0);
    assert_int_equal(pd_authz_mine(&id), PD_MINE_AS_EXPERT);
    id = who(PD_ROLE_ADMIN, 0);
    assert_int_equal(pd_authz_mine(&id), PD_MINE_AS_EXPERT);
    id = who(PD_ROLE_MANAGER, 0);
    assert_int_equal(pd_authz_mine(&id), PD_MINE_AS_EXPERT);
    id = who(PD_ROLE_CUSTOMER, PHARMACY);
    assert_int_equal(pd_authz_mine(&id), PD_MINE_ALL);
}

/* Reports: managers and admins read everything; team experts the team's
 * and their own; techs their own; customers their pharmacy's service. */
static void test_reports(void **state)
{
    pd_identity_t me = { 0 };
    pd_report_view_t view;
    apr_int64_t expert, tech;
    const char *field;
    int r;

    (void)state;
    for (r = 0; r < PD_REPORT__COUNT; r++) {
        me.user_id = 7;
        me.role = PD_ROLE_MANAGER;
        expert = 3, tech = 4;
        assert_int_equal(pd_authz_report(&me, r, 1, &expert, &tech, &view, &field), PD_AZ_OK);
        assert_int_equal(expert, 3);
        assert_int_equal(tech, 4);
        assert_int_equal(view.scope, 0);
        assert_int_equal(view.only_user, 0);
        me.role = PD_ROLE_ADMIN;
        assert_int_equal(pd_authz_report(&me, r, 0, &expert, &tech, &view, &field), PD_AZ_OK);

        /* a team expert: the team's, their own, no other person's */
        me.role = PD_ROLE_EXPERT;
        expert = 0, tech = 0;
        assert_int_equal(pd_authz_report(&me, r, 0, &expert, &tech, &view, &field), PD_AZ_OK);
        assert_int_equal(view.only_user, r == PD_REPORT_STAFF ? 7 : 0);
        expert = 7;
        assert_int_equal(pd_authz_report(&me, r, 0, &expert, &tech, &view, &field), PD_AZ_OK);
        expert = 3;
        assert_int_equal(pd_authz_report(&me, r, 0, &expert, &tech, &view, &field), PD_AZ_FORBIDDEN);
        assert_string_equal(field, "expert_id");
        expert = 0, tech = 4;
        assert_int_equal(pd_authz_report(&me, r, 0, &expert, &tech, &view, &field), PD_AZ_FORBIDDEN);
        assert_string_equal(field, "tech_id");
        tech = 0;
        assert_int_equal(pd_authz_report(&me, r, 1, &expert, &tech, &view, &field),
                         r == PD_REPORT_STAFF ? PD_AZ_FORBIDDEN : PD_AZ_OK);

        /* a tech: their own */
        me.role = PD_ROLE_TECH;
        expert = 0, tech = 0;
        assert_int_equal(pd_authz_report(&me, r, 1, &expert, &tech, &view, &field), PD_AZ_OK);
        assert_int_equal(tech, 7);
        assert_int_equal(view.only_user, r == PD_REPORT_STAFF ? 7 : 0);
        tech = 4;
        assert_int_equal(pd_authz_report(&me, r, 1, &expert, &tech, &view, &field), PD_AZ_FORBIDDEN);
        assert_string_equal(field, "tech_id");
        tech = 0;
        assert_int_equal(pd_authz_report(&me, r, 0, &expert, &tech, &view, &field),
                         r == PD_REPORT_STAFF ? PD_AZ_FORBIDDEN : PD_AZ_OK);

        /* a customer: their own pharmacy's service, nobody's figures */
        me.role = PD_ROLE_CUSTOMER;
        me.pharmacy_id = 12;
        expert = 0, tech = 0;
        assert_int_equal(pd_authz_report(&me, r, 0, &expert, &tech, &view, &field),
                         r == PD_REPORT_STAFF ? PD_AZ_FORBIDDEN : PD_AZ_OK);
        assert_int_equal(view.scope, 12);
        expert = 3;
        assert_int_equal(pd_authz_report(&me, r, 0, &expert, &tech, &view, &field), PD_AZ_FORBIDDEN);
        expert = 0, tech = 4;
        assert_int_equal(pd_authz_report(&me, r, 0, &expert, &tech, &view, &field), PD_AZ_FORBIDDEN);
        me.pharmacy_id = 0;
        tech = 0;
        assert_int_equal(pd_authz_report(&me, r, 0, &expert, &tech, &view, &field), PD_AZ_FORBIDDEN);

        me.role = PD_ROLE_NONE;
        assert_int_equal(pd_authz_report(&me, r, 0, &expert, &tech, &view, &field), PD_AZ_FORBIDDEN);
    }
    me.role = PD_ROLE_MANAGER;
    assert_int_equal(pd_authz_report(&me, PD_REPORT__COUNT, 0, &expert, &tech, &view, &field),
                     PD_AZ_FORBIDDEN);
    /* the staff report's default grouping: a tech's own is as tech */
    assert_false(pd_authz_report_by_tech(&me));
    me.role = PD_ROLE_TECH;
    assert_true(pd_authz_report_by_tech(&me));
}

/* The portal's menus, as the product describes them; every page on one is
 * one the policy lets the role use. */
static void test_pages(void **state)
{
    static const char *const expected[PD_ROLE__COUNT] = {
        [PD_ROLE_NONE] = "",
        [PD_ROLE_ADMIN] = "dashboard reports tickets review escalated new intake users categories modules pharmacies"
                          " sla_policies sla_calendars webhooks notification_defaults dead_letters import"
                          " org_units desk_tokens directory notifications preferences",
        [PD_ROLE_EXPERT] = "review mine escalated tickets new intake directory notifications preferences",
        [PD_ROLE_TECH] = "assigned tickets new directory notifications preferences",
        [PD_ROLE_CUSTOMER] = "tickets new dashboard statement notifications preferences",
        [PD_ROLE_MANAGER] = "dashboard reports escalated tickets directory notifications preferences",
    };
    const char *pages[PD_AUTHZ_MAX_PAGES];
    apr_pool_t *p = *state;
    int role;

    for (role = 0; role < PD_ROLE__COUNT; role++) {
        apr_size_t n = pd_authz_pages((pd_role_e)role, pages, PD_AUTHZ_MAX_PAGES), i;
        const char *joined = "";
        for (i = 0; i < n; i++) {
            joined = i ? apr_pstrcat(p, joined, " ", pages[i], NULL) : pages[i];
        }
        assert_string_equal(joined, expected[role]);
    }
    assert_int_equal(pd_authz_pages((pd_role_e)PD_ROLE__COUNT, pages, PD_AUTHZ_MAX_PAGES), 0);
    assert_int_equal(pd_authz_pages((pd_role_e)-1, pages, PD_AUTHZ_MAX_PAGES), 0);
    /* room for fewer: the first ones */
    assert_int_equal(pd_authz_pages(PD_ROLE_ADMIN, pages, 2), 2);
    assert_string_equal(pages[1], "reports");
}

/* Role codes are the roles table's; "none" names no role anyone can get. */
static void test_role_codes(void **state)
{
    static const char *const codes[PD_ROLE__COUNT] = {
        "none", "admin", "team_expert", "tech", "customer", "manager",
    };
    int role;

    for (role = 0; role < PD_ROLE__COUNT; role++) {
        assert_string_equal(pd_role_code((pd_role_e)role), codes[role]);
        assert_int_equal(pd_role_parse(codes[role]), role == PD_ROLE_NONE ? -1 : role);
    }
    assert_string_equal(pd_role_code(PD_ROLE__COUNT), "none");
    assert_string_equal(pd_role_code((pd_role_e)-1), "none");
    assert_int_equal(pd_role_parse("expert"), -1);
    assert_int_equal(pd_role_parse("Admin"), -1);
    assert_int_equal(pd_role_parse(""), -1);
    assert_int_equal(pd_role_parse(NULL), -1);
}

/* A ticket's source follows from its creator's role: customer, team_expert,
 * or internal for everyone else. */
static void test_source_for_role(void **state)
{
    assert_int_equal(pd_source_for_role(PD_ROLE_CUSTOMER), PD_SRC_CUSTOMER);
    assert_int_equal(pd_source_for_role(PD_ROLE_EXPERT), PD_SRC_TEAM_EXPERT);
    assert_int_equal(pd_source_for_role(PD_ROLE_ADMIN), PD_SRC_INTERNAL);
    assert_int_equal(pd_source_for_role(PD_ROLE_TECH), PD_SRC_INTERNAL);
    assert_int_equal(pd_source_for_role(PD_ROLE_MANAGER), PD_SRC_INTERNAL);
    assert_string_equal(pd_source_name(PD_SRC_CUSTOMER), "customer");
    assert_string_equal(pd_source_name(PD_SRC_TEAM_EXPERT), "team_expert");
    assert_string_equal(pd_source_name(PD_SRC_INTERNAL), "internal");
    assert_null(pd_source_name(PD_SRC__COUNT));
    assert_int_equal(pd_source_parse("internal"), PD_SRC_INTERNAL);
    assert_int_equal(pd_source_parse("system"), -1);
}

/* The check-in is the one public action: no other answers without a
 * sign-in. */
static void test_public(void **state)
{
    int act;

    for (act = 0; act < PD_ACT__COUNT; act++) {
        assert_int_equal(pd_authz_public((pd_action_e)act), act == PD_ACT_CHECKIN);
    }
    assert_false(pd_authz_public(PD_ACT__COUNT));
}

/* The audit log's names are the CHECK-constraint values of migration 0012. */
static void test_audit_names(void **state)
{
    static const char *const entities[PD_ENTITY__COUNT] = {
        "user", "role", "ticket_category", "ticket_module", "pharmacy", "ticket", "sla_calendar",
        "sla_policy", "webhook_endpoint", "org_unit", "org_unit_contact", "desk_token",
    };
    static const char *const actions[PD_AUDIT__ACTIONS] = {
        "create", "update", "deactivate", "delete", "recompute",
    };
    int i;

    for (i = 0; i < PD_ENTITY__COUNT; i++) {
        assert_string_equal(pd_entity_name((pd_entity_e)i), entities[i]);
        assert_int_equal(pd_entity_parse(entities[i]), i);
    }
    for (i = 0; i < PD_AUDIT__ACTIONS; i++) {
        assert_string_equal(pd_audit_action_name((pd_audit_action_e)i), actions[i]);
    }
    assert_null(pd_entity_name(PD_ENTITY__COUNT));
    assert_null(pd_entity_name((pd_entity_e)-1));
    assert_null(pd_audit_action_name(PD_AUDIT__ACTIONS));
    assert_int_equal(pd_entity_parse("category"), -1);
    assert_int_equal(pd_entity_parse("User"), -1);
    assert_int_equal(pd_entity_parse(""), -1);
    assert_int_equal(pd_entity_parse(NULL), -1);
}

/* Who may be told of an event on a ticket: the rules of reading it. */
static void test_may_notify(void **state)
{
    pd_ticket_facts_t t = { PD_ST_OPEN, 7, 0, 0, 0, NULL, 0 };
    pd_identity_t own = who(PD_ROLE_CUSTOMER, 7), other = who(PD_ROLE_CUSTOMER, 8);
    pd_identity_t homeless = who(PD_ROLE_CUSTOMER, 0), none = who(PD_ROLE_NONE, 0);
    int role;

    assert_true(pd_authz_may_notify(&own, 1, &t, 0));
    /* never an internal entry, never another pharmacy's ticket */
    assert_false(pd_authz_may_notify(&own, 1, &t, 1));
    assert_false(pd_authz_may_notify(&other, 1, &t, 0));
    assert_false(pd_authz_may_notify(&other, 1, &t, 1));
    assert_false(pd_authz_may_notify(&homeless, 1, &t, 0));
    /* deactivated: nothing, whatever the role */
    assert_false(pd_authz_may_notify(&own, 0, &t, 0));
    assert_false(pd_authz_may_notify(&none, 1, &t, 0));
    for (role = PD_ROLE_ADMIN; role < PD_ROLE__COUNT; role++) {
        pd_identity_t w = who((pd_role_e)role, role == PD_ROLE_CUSTOMER ? 7 : 0);
        /* whoever reads the ticket may hear of its public entries, and of
         * the internal ones exactly when they read those */
        assert_true(pd_authz_may_notify(&w, 1, &t, 0));
        assert_int_equal(pd_authz_may_notify(&w, 1, &t, 1), pd_authz_sees_internal(&w));
        assert_false(pd_authz_may_notify(&w, 0, &t, 0));
        assert_false(pd_authz_may_notify(&w, 0, &t, 1));
    }
}

/* An operator is a tech with an org unit: their ticket scope is that
 * unit's subtree (-1 - unit), which no pharmacy id equals; they read
 * nothing that counts across units and do no intake. Anyone else's unit
 * changes nothing. */
static void test_unit_scope(void **state)
{
    static const pd_action_e refused[] = {
        PD_ACT_TICKET_CREATE, PD_ACT_PHARMACY_READ, PD_ACT_DASHBOARD_READ, PD_ACT_REPORT_READ, PD_ACT_REPORT_STAFF,
        PD_ACT_SLA_READ, PD_ACT_USER_READ,
    };
    const char *pages[PD_AUTHZ_MAX_PAGES], *joined = "";
    pd_identity_t op = who(PD_ROLE_TECH, 0), w;
    apr_pool_t *p = *state;
    apr_size_t i, n;
    int act, role;

    op.org_unit_id = 7;
    assert_int_equal(pd_authz_unit_scope(&op), 7);
    assert_int_equal(pd_authz_pharmacy_scope(&op), -8);
    for (act = 0; act < PD_ACT__COUNT; act++) {
        int refuse = 0;
        for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
            refuse |= refused[i] == (pd_action_e)act;
        }
        assert_int_equal(pd_authz_permits(&op, (pd_action_e)act),
                         !refuse && pd_authz_allows(PD_ROLE_TECH, (pd_action_e)act));
    }
    n = pd_authz_pages_for(&op, pages, PD_AUTHZ_MAX_PAGES);
    for (i = 0; i < n; i++) {
        joined = i ? apr_pstrcat(p, joined, " ", pages[i], NULL) : pages[i];
    }
    assert_string_equal(joined, "assigned tickets directory notifications preferences");
    /* told of a ticket within their unit's subtree alone */
    {
        pd_ticket_facts_t t = { PD_ST_OPEN, 3, 0, 0, 0, "{1,7,12}", 0 };
        assert_true(pd_authz_may_notify(&op, 1, &t, 0));
        assert_true(pd_authz_may_notify(&op, 1, &t, 1));
        t.org_units = "{1,17}";
        assert_false(pd_authz_may_notify(&op, 1, &t, 0));
        t.org_units = "{71}";
        assert_false(pd_authz_may_notify(&op, 1, &t, 0));
        t.org_units = NULL;
        assert_false(pd_authz_may_notify(&op, 1, &t, 0));
    }
    /* a tech without a unit, and every other role with one, as before */
    op.org_unit_id = 0;
    assert_int_equal(pd_authz_unit_scope(&op), 0);
    assert_int_equal(pd_authz_pharmacy_scope(&op), 0);
    for (role = PD_ROLE_ADMIN; role < PD_ROLE__COUNT; role++) {
        w = who((pd_role_e)role, role == PD_ROLE_CUSTOMER ? 3 : 0);
        w.org_unit_id = role == PD_ROLE_TECH ? 0 : 7;
        assert_int_equal(pd_authz_unit_scope(&w), 0);
        assert_int_equal(pd_authz_pharmacy_scope(&w), role == PD_ROLE_CUSTOMER ? 3 : 0);
        for (act = 0; act < PD_ACT__COUNT; act++) {
            assert_int_equal(pd_authz_permits(&w, (pd_action_e)act),
                             pd_authz_allows((pd_role_e)role, (pd_action_e)act));
        }
    }
}

/* A visitor's identity number in full: the receptionists (team experts)
 * and admins; masked for an operator, a helpdesk tech, a manager, and a
 * customer (who reads no visitor at all). */
static void test_visitor_id_number(void **state)
{
    pd_identity_t op = who(PD_ROLE_TECH, 0);
    int role;

    (void)state;
    for (role = PD_ROLE_NONE; role < PD_ROLE__COUNT; role++) {
        pd_identity_t w = who((pd_role_e)role, role == PD_ROLE_CUSTOMER ? 3 : 0);
        assert_int_equal(pd_authz_visitor_id_number(&w), role == PD_ROLE_ADMIN || role == PD_ROLE_EXPERT);
    }
    op.org_unit_id = 7;
    assert_false(pd_authz_visitor_id_number(&op));
    /* who reads no visitor has no case to see it by */
    assert_false(pd_authz_allows(PD_ROLE_CUSTOMER, PD_ACT_FRONT_DESK_READ));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_action_names),
        T(test_visitor_id_number),
        T(test_policy_matrix),
        T(test_manager_reads_only),
        T(test_customer_limits),
        T(test_only_admin_writes_master_data),
        T(test_admin_has_everything),
        T(test_no_role_has_nothing),
        T(test_unknown_action),
        T(test_pharmacy_scope),
        T(test_sees_internal),
        T(test_field_bits_distinct),
        T(test_ticket_fields_staff),
        T(test_ticket_fields_customer),
        T(test_ticket_fields_final),
        T(test_ticket_fields_bad_role),
        T(test_ticket_fields_follow_policy),
        T(test_refuse),
        T(test_ticket_write),
        T(test_ticket_entry),
        T(test_ticket_edit),
        T(test_ticket_move),
        T(test_ticket_allowed_matches_decisions),
        T(test_ticket_allowed_finished),
        T(test_ticket_escalate),
        T(test_ticket_create),
        T(test_access_and_lookups),
        T(test_assignable_and_mine),
        T(test_pages),
        T(test_reports),
        T(test_role_codes),
        T(test_public),
        T(test_audit_names),
        T(test_source_for_role),
        T(test_may_notify),
        T(test_unit_scope),
    };
#undef T
    return cmocka_run_group_tests_name("pd_authz", tests, group_setup, group_teardown);
}
