/* pd_authz: the role x action policy, pharmacy scoping and ticket field
 * permissions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_pools.h>
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
};

static const struct { pd_role_e role; char letter; } role_letters[] = {
    { PD_ROLE_ADMIN, 'A' }, { PD_ROLE_EXPERT, 'E' }, { PD_ROLE_TECH, 'T' },
    { PD_ROLE_CUSTOMER, 'C' }, { PD_ROLE_MANAGER, 'M' },
};

static const pd_action_e writes[] = {
    PD_ACT_TICKET_CREATE, PD_ACT_TICKET_UPDATE, PD_ACT_TICKET_DELETE, PD_ACT_LOOKUP_WRITE,
    PD_ACT_PHARMACY_WRITE, PD_ACT_USER_WRITE,
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
#define EVERY_FIELD (TEXT | CONTACT | TRIAGE | PD_TF_STATUS | PD_TF_EXPERT | PD_TF_TECH \
                     | PD_TF_NOTE)

static void test_field_bits_distinct(void **state)
{
    static const unsigned bits[] = {
        PD_TF_TITLE, PD_TF_DESCRIPTION, PD_TF_PIC_NAME, PD_TF_CONTACT, PD_TF_APP_VERSION,
        PD_TF_MODULE, PD_TF_CATEGORY, PD_TF_PRIORITY, PD_TF_STATUS, PD_TF_EXPERT,
        PD_TF_TECH, PD_TF_NOTE,
    };
    unsigned seen = 0;
    apr_size_t i;

    for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
        assert_int_equal(bits[i] & (bits[i] - 1), 0);
        assert_int_equal(seen & bits[i], 0);
        seen |= bits[i];
    }
    assert_int_equal(seen, EVERY_FIELD);
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
        assert_int_equal(fields(PD_ROLE_TECH, st),
                         PD_TF_APP_VERSION | PD_TF_STATUS | PD_TF_NOTE);
        assert_int_equal(fields(PD_ROLE_MANAGER, st), 0);
        assert_int_equal(fields(PD_ROLE_NONE, st), 0);
    }
}

/* The reporter may correct their report until someone picks it up. */
static void test_ticket_fields_customer(void **state)
{
    int st;

    assert_int_equal(fields(PD_ROLE_CUSTOMER, PD_ST_OPEN),
                     TEXT | CONTACT | PD_TF_STATUS | PD_TF_NOTE);
    for (st = 0; st < PD_ST__COUNT; st++) {
        unsigned f = fields(PD_ROLE_CUSTOMER, st);
        if (st == PD_ST_OPEN) {
            continue;
        }
        assert_int_equal(f, PD_TF_STATUS | PD_TF_NOTE);
        assert_int_equal(f & (TEXT | CONTACT), 0);
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
        assert_int_equal(fields(PD_ROLE_ADMIN, finals[i]),
                         PD_TF_STATUS | PD_TF_TECH | PD_TF_NOTE);
        assert_int_equal(fields(PD_ROLE_EXPERT, finals[i]), PD_TF_STATUS | PD_TF_NOTE);
        assert_int_equal(fields(PD_ROLE_TECH, finals[i]), PD_TF_STATUS | PD_TF_NOTE);
        assert_int_equal(fields(PD_ROLE_CUSTOMER, finals[i]), PD_TF_STATUS | PD_TF_NOTE);
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

/* The audit log's names are the CHECK-constraint values of migration 0012. */
static void test_audit_names(void **state)
{
    static const char *const entities[PD_ENTITY__COUNT] = {
        "user", "role", "ticket_category", "ticket_module", "pharmacy", "ticket",
    };
    static const char *const actions[PD_AUDIT__ACTIONS] = {
        "create", "update", "deactivate", "delete",
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

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_action_names),
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
        T(test_role_codes),
        T(test_audit_names),
        T(test_source_for_role),
    };
#undef T
    return cmocka_run_group_tests_name("pd_authz", tests, group_setup, group_teardown);
}
