/* pd_workflow: the ticket lifecycle, checked against a copy of
 * the flow written out here, so that a change to the table has to be made
 * twice on purpose. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_pools.h>
#include "pd_workflow.h"
#include "pd_unit.h"


#define OPEN PD_ST_OPEN
#define REVIEW PD_ST_IN_REVIEW
#define PROGRESS PD_ST_IN_PROGRESS
#define WAITING PD_ST_WAITING_CUSTOMER
#define SOLVED PD_ST_SOLVED
#define CLOSED PD_ST_CLOSED
#define CANCELLED PD_ST_CANCELLED
#define ADMIN PD_ROLE_ADMIN
#define EXPERT PD_ROLE_EXPERT
#define TECH PD_ROLE_TECH
#define CUSTOMER PD_ROLE_CUSTOMER
#define MANAGER PD_ROLE_MANAGER
#define OWN PD_WF_OWN
#define ASSIGNED PD_WF_ASSIGNED
#define HAS_TECH PD_WF_HAS_TECH
#define ALL_FACTS (OWN | ASSIGNED | HAS_TECH)
#define BIT(st) (1u << (st))

/* The expected flow per role, reopening included. */
static const pd_wf_rule_t seed[] = {
    { OPEN,      REVIEW,    EXPERT,   0 },
    { OPEN,      REVIEW,    ADMIN,    0 },
    { OPEN,      PROGRESS,  EXPERT,   HAS_TECH },
    { OPEN,      PROGRESS,  ADMIN,    HAS_TECH },
    { REVIEW,    PROGRESS,  EXPERT,   HAS_TECH },
    { REVIEW,    PROGRESS,  ADMIN,    HAS_TECH },
    { REVIEW,    WAITING,   EXPERT,   0 },
    { REVIEW,    WAITING,   ADMIN,    0 },
    { PROGRESS,  WAITING,   EXPERT,   0 },
    { PROGRESS,  WAITING,   TECH,     ASSIGNED },
    { PROGRESS,  WAITING,   ADMIN,    0 },
    { WAITING,   PROGRESS,  EXPERT,   HAS_TECH },
    { WAITING,   PROGRESS,  TECH,     ASSIGNED },
    { WAITING,   PROGRESS,  ADMIN,    HAS_TECH },
    { PROGRESS,  SOLVED,    TECH,     ASSIGNED },
    { PROGRESS,  SOLVED,    ADMIN,    0 },
    { SOLVED,    CLOSED,    CUSTOMER, OWN },
    { SOLVED,    CLOSED,    TECH,     ASSIGNED },
    { SOLVED,    CLOSED,    ADMIN,    0 },
    { SOLVED,    PROGRESS,  CUSTOMER, OWN },
    { SOLVED,    PROGRESS,  ADMIN,    HAS_TECH },
    { OPEN,      CANCELLED, CUSTOMER, OWN },
    { OPEN,      CANCELLED, ADMIN,    0 },
    { REVIEW,    CANCELLED, ADMIN,    0 },
    { CLOSED,    PROGRESS,  ADMIN,    HAS_TECH },
    { CANCELLED, OPEN,      ADMIN,    0 },
};
#define SEED_COUNT (sizeof(seed) / sizeof(seed[0]))

/* The roles a caller can have, and two it cannot. */
static const int roles[] = { PD_ROLE_NONE, ADMIN, EXPERT, TECH, CUSTOMER, MANAGER,
                             PD_ROLE__COUNT, -1 };
#define ROLE_COUNT (sizeof(roles) / sizeof(roles[0]))

static const pd_wf_rule_t *seed_rule(int role, int from, int to)
{
    apr_size_t i;
    for (i = 0; i < SEED_COUNT; i++) {
        if ((int)seed[i].role == role && (int)seed[i].from == from && (int)seed[i].to == to) {
            return &seed[i];
        }
    }
    return NULL;
}

static int satisfied(unsigned conditions, unsigned facts)
{
    return (conditions & facts) == conditions;
}

static int allows(int role, int from, int to, unsigned facts)
{
    return pd_workflow_allows((pd_role_e)role, (pd_status_e)from, (pd_status_e)to, facts);
}

static unsigned targets(int role, int from, unsigned facts)
{
    return pd_workflow_targets((pd_role_e)role, (pd_status_e)from, facts);
}

static void test_rules_match_seed(void **state)
{
    apr_size_t count = 0, i, j;
    const pd_wf_rule_t *rules = pd_workflow_rules(&count);

    assert_non_null(rules);
    assert_int_equal(count, SEED_COUNT);
    for (i = 0; i < count; i++) {
        const pd_wf_rule_t *want = seed_rule(rules[i].role, rules[i].from, rules[i].to);
        assert_non_null(want);
        assert_int_equal(rules[i].conditions, want->conditions);
        /* one rule per (role, from, to): a second one would be dead or a loophole */
        for (j = i + 1; j < count; j++) {
            assert_false(rules[i].role == rules[j].role && rules[i].from == rules[j].from
                         && rules[i].to == rules[j].to);
        }
    }
}

static void test_rules_are_well_formed(void **state)
{
    apr_size_t count = 0, i;
    const pd_wf_rule_t *rules = pd_workflow_rules(&count);

    for (i = 0; i < count; i++) {
        assert_in_range(rules[i].from, 0, PD_ST__COUNT - 1);
        assert_in_range(rules[i].to, 0, PD_ST__COUNT - 1);
        assert_int_not_equal(rules[i].from, rules[i].to);
        assert_in_range(rules[i].role, ADMIN, PD_ROLE__COUNT - 1);
        assert_int_equal(rules[i].conditions & ~(unsigned)ALL_FACTS, 0);
    }
}

/* Every rule, through the public calls. */
static void test_each_rule(void **state)
{
    apr_size_t i;

    for (i = 0; i < SEED_COUNT; i++) {
        const pd_wf_rule_t *r = &seed[i];
        unsigned c = r->conditions;

        assert_true(allows(r->role, r->from, r->to, c));
        assert_true(allows(r->role, r->from, r->to, ALL_FACTS));
        assert_true(pd_workflow_rule_exists(r->role, r->from, r->to));
        if (c) {
            assert_false(allows(r->role, r->from, r->to, 0));
            /* each condition is needed on its own */
            if (c & OWN) {
                assert_false(allows(r->role, r->from, r->to, ALL_FACTS & ~(unsigned)OWN));
            }
            if (c & ASSIGNED) {
                assert_false(allows(r->role, r->from, r->to, ALL_FACTS & ~(unsigned)ASSIGNED));
            }
            if (c & HAS_TECH) {
                assert_false(allows(r->role, r->from, r->to, ALL_FACTS & ~(unsigned)HAS_TECH));
            }
        }
        else {
            assert_true(allows(r->role, r->from, r->to, 0));
        }
    }
}

/* Role x from x to x facts, against the expected table above. */
static void test_matrix(void **state)
{
    apr_size_t r;
    int from, to;
    unsigned facts;

    for (r = 0; r < ROLE_COUNT; r++) {
        for (from = 0; from < PD_ST__COUNT; from++) {
            for (facts = 0; facts <= ALL_FACTS; facts++) {
                unsigned want_targets = 0;
                for (to = 0; to < PD_ST__COUNT; to++) {
                    const pd_wf_rule_t *rule = seed_rule(roles[r], from, to);
                    int want = rule && satisfied(rule->conditions, facts);
                    if (allows(roles[r], from, to, facts) != want) {
                        fail_msg("allows(role %d, %d -> %d, facts %u) != %d", roles[r],
                                 from, to, facts, want);
                    }
                    if (rule && satisfied(rule->conditions & ~(unsigned)HAS_TECH, facts)) {
                        want_targets |= BIT(to);
                    }
                    if (facts == 0) {
                        assert_int_equal(pd_workflow_rule_exists((pd_role_e)roles[r],
                                                                 (pd_status_e)from,
                                                                 (pd_status_e)to),
                                         rule != NULL);
                    }
                }
                if (targets(roles[r], from, facts) != want_targets) {
                    fail_msg("targets(role %d, from %d, facts %u) = %#x, want %#x", roles[r],
                             from, facts, targets(roles[r], from, facts), want_targets);
                }
            }
        }
    }
}

/* Statuses outside the enum move nowhere. */
static void test_out_of_range_statuses(void **state)
{
    int st;

    for (st = 0; st < PD_ST__COUNT; st++) {
        assert_false(allows(ADMIN, st, PD_ST__COUNT, ALL_FACTS));
        assert_false(allows(ADMIN, PD_ST__COUNT, st, ALL_FACTS));
        assert_false(allows(ADMIN, -1, st, ALL_FACTS));
        assert_false(pd_workflow_rule_exists(ADMIN, st, (pd_status_e)-1));
    }
    assert_int_equal(targets(ADMIN, PD_ST__COUNT, ALL_FACTS), 0);
    assert_int_equal(targets(ADMIN, -1, ALL_FACTS), 0);
}

static void test_customer(void **state)
{
    int st;

    /* cancels their own open ticket, and only that */
    assert_true(allows(CUSTOMER, OPEN, CANCELLED, OWN));
    assert_false(allows(CUSTOMER, OPEN, CANCELLED, 0));
    assert_false(allows(CUSTOMER, OPEN, CANCELLED, ASSIGNED | HAS_TECH));
    assert_false(allows(CUSTOMER, REVIEW, CANCELLED, ALL_FACTS));
    assert_false(allows(CUSTOMER, PROGRESS, CANCELLED, ALL_FACTS));
    assert_false(allows(CUSTOMER, WAITING, CANCELLED, ALL_FACTS));
    /* the review is the team's */
    assert_false(allows(CUSTOMER, OPEN, REVIEW, ALL_FACTS));
    assert_false(pd_workflow_rule_exists(CUSTOMER, OPEN, REVIEW));
    assert_false(allows(CUSTOMER, OPEN, PROGRESS, ALL_FACTS));
    /* confirms or rejects a solution to their own ticket */
    assert_true(allows(CUSTOMER, SOLVED, CLOSED, OWN));
    assert_true(allows(CUSTOMER, SOLVED, PROGRESS, OWN));
    assert_false(allows(CUSTOMER, SOLVED, CLOSED, ASSIGNED | HAS_TECH));
    assert_false(allows(CUSTOMER, SOLVED, PROGRESS, HAS_TECH));
    assert_int_equal(targets(CUSTOMER, OPEN, OWN), BIT(CANCELLED));
    assert_int_equal(targets(CUSTOMER, OPEN, 0), 0);
    assert_int_equal(targets(CUSTOMER, SOLVED, OWN), BIT(CLOSED) | BIT(PROGRESS));
    assert_int_equal(targets(CUSTOMER, SOLVED, ASSIGNED | HAS_TECH), 0);
    for (st = 0; st < PD_ST__COUNT; st++) {
        if (st != OPEN && st != SOLVED) {
            assert_int_equal(targets(CUSTOMER, st, ALL_FACTS), 0);
        }
    }
}

static void test_expert(void **state)
{
    assert_true(allows(EXPERT, OPEN, REVIEW, 0));
    /* forwarding to in_progress needs a tech on the ticket */
    assert_false(allows(EXPERT, OPEN, PROGRESS, 0));
    assert_false(allows(EXPERT, OPEN, PROGRESS, OWN | ASSIGNED));
    assert_true(allows(EXPERT, OPEN, PROGRESS, HAS_TECH));
    assert_false(allows(EXPERT, REVIEW, PROGRESS, 0));
    assert_true(allows(EXPERT, REVIEW, PROGRESS, HAS_TECH));
    assert_false(allows(EXPERT, WAITING, PROGRESS, 0));
    assert_true(allows(EXPERT, WAITING, PROGRESS, HAS_TECH));
    assert_true(pd_workflow_rule_exists(EXPERT, OPEN, PROGRESS));
    assert_true(allows(EXPERT, REVIEW, WAITING, 0));
    assert_true(allows(EXPERT, PROGRESS, WAITING, 0));
    /* solving is the tech's, cancelling the admin's */
    assert_false(allows(EXPERT, PROGRESS, SOLVED, ALL_FACTS));
    assert_false(allows(EXPERT, OPEN, CANCELLED, ALL_FACTS));
    assert_false(allows(EXPERT, SOLVED, CLOSED, ALL_FACTS));
    /* a tech can be assigned in the same change, so in_progress is offered */
    assert_int_equal(targets(EXPERT, OPEN, 0), BIT(REVIEW) | BIT(PROGRESS));
    assert_int_equal(targets(EXPERT, REVIEW, 0), BIT(PROGRESS) | BIT(WAITING));
    assert_int_equal(targets(EXPERT, PROGRESS, 0), BIT(WAITING));
    assert_int_equal(targets(EXPERT, WAITING, 0), BIT(PROGRESS));
    assert_int_equal(targets(EXPERT, SOLVED, ALL_FACTS), 0);
}

static void test_tech(void **state)
{
    assert_false(allows(TECH, PROGRESS, SOLVED, 0));
    assert_false(allows(TECH, PROGRESS, SOLVED, OWN | HAS_TECH));
    assert_true(allows(TECH, PROGRESS, SOLVED, ASSIGNED));
    assert_true(allows(TECH, PROGRESS, WAITING, ASSIGNED));
    assert_false(allows(TECH, PROGRESS, WAITING, HAS_TECH));
    assert_true(allows(TECH, WAITING, PROGRESS, ASSIGNED));
    assert_false(allows(TECH, WAITING, PROGRESS, HAS_TECH));
    assert_true(allows(TECH, SOLVED, CLOSED, ASSIGNED));
    assert_false(allows(TECH, SOLVED, CLOSED, 0));
    assert_false(allows(TECH, OPEN, REVIEW, ALL_FACTS));
    assert_false(allows(TECH, SOLVED, PROGRESS, ALL_FACTS));
    assert_int_equal(targets(TECH, PROGRESS, 0), 0);
    assert_int_equal(targets(TECH, PROGRESS, ASSIGNED), BIT(WAITING) | BIT(SOLVED));
    assert_int_equal(targets(TECH, WAITING, ASSIGNED), BIT(PROGRESS));
    assert_int_equal(targets(TECH, SOLVED, ASSIGNED), BIT(CLOSED));
    assert_int_equal(targets(TECH, OPEN, ALL_FACTS), 0);
}

/* Managers watch; they move nothing. So does a user without a role. */
static void test_manager_and_none(void **state)
{
    static const int idle[] = { MANAGER, PD_ROLE_NONE };
    apr_size_t i;
    int from, to;

    for (i = 0; i < sizeof(idle) / sizeof(idle[0]); i++) {
        for (from = 0; from < PD_ST__COUNT; from++) {
            assert_int_equal(targets(idle[i], from, ALL_FACTS), 0);
            for (to = 0; to < PD_ST__COUNT; to++) {
                assert_false(allows(idle[i], from, to, ALL_FACTS));
                assert_false(pd_workflow_rule_exists((pd_role_e)idle[i], (pd_status_e)from,
                                                     (pd_status_e)to));
            }
        }
    }
}

static void test_admin(void **state)
{
    apr_size_t i;

    assert_true(allows(ADMIN, OPEN, REVIEW, 0));
    assert_true(allows(ADMIN, REVIEW, CANCELLED, 0));
    assert_true(allows(ADMIN, PROGRESS, SOLVED, 0));
    assert_true(allows(ADMIN, SOLVED, CLOSED, 0));
    /* reopening */
    assert_true(allows(ADMIN, CLOSED, PROGRESS, HAS_TECH));
    assert_false(allows(ADMIN, CLOSED, PROGRESS, OWN | ASSIGNED));
    assert_true(allows(ADMIN, CANCELLED, OPEN, 0));
    assert_int_equal(targets(ADMIN, OPEN, 0), BIT(REVIEW) | BIT(PROGRESS) | BIT(CANCELLED));
    assert_int_equal(targets(ADMIN, CLOSED, 0), BIT(PROGRESS));
    assert_int_equal(targets(ADMIN, CANCELLED, 0), BIT(OPEN));

    /* "admins may do every move": whatever another role may do, so may they */
    for (i = 0; i < SEED_COUNT; i++) {
        assert_true(pd_workflow_rule_exists(ADMIN, seed[i].from, seed[i].to));
        assert_true(allows(ADMIN, seed[i].from, seed[i].to, ALL_FACTS));
        assert_true(allows(ADMIN, seed[i].from, seed[i].to, HAS_TECH));
    }
}

/* Finished tickets stay finished, except for an admin reopening them. */
static void test_final_statuses(void **state)
{
    apr_size_t r;
    int to;

    for (r = 0; r < ROLE_COUNT; r++) {
        unsigned from_cancelled = targets(roles[r], CANCELLED, ALL_FACTS);
        unsigned from_closed = targets(roles[r], CLOSED, ALL_FACTS);
        if (roles[r] == ADMIN) {
            assert_int_equal(from_cancelled, BIT(OPEN));
            assert_int_equal(from_closed, BIT(PROGRESS));
            continue;
        }
        assert_int_equal(from_cancelled, 0);
        assert_int_equal(from_closed, 0);
        for (to = 0; to < PD_ST__COUNT; to++) {
            assert_false(allows(roles[r], CANCELLED, to, ALL_FACTS));
            assert_false(allows(roles[r], CLOSED, to, ALL_FACTS));
        }
    }
}

static void test_no_self_moves(void **state)
{
    apr_size_t r;
    int st;

    for (r = 0; r < ROLE_COUNT; r++) {
        for (st = 0; st < PD_ST__COUNT; st++) {
            assert_false(allows(roles[r], st, st, ALL_FACTS));
            assert_false(targets(roles[r], st, ALL_FACTS) & BIT(st));
        }
    }
}

/* rule_exists ignores conditions: it tells 422 (condition unmet) from 409. */
static void test_rule_exists(void **state)
{
    assert_true(pd_workflow_rule_exists(CUSTOMER, OPEN, CANCELLED));
    assert_false(allows(CUSTOMER, OPEN, CANCELLED, 0));
    assert_true(pd_workflow_rule_exists(TECH, PROGRESS, SOLVED));
    assert_false(allows(TECH, PROGRESS, SOLVED, 0));
    assert_false(pd_workflow_rule_exists(TECH, OPEN, SOLVED));
    assert_false(pd_workflow_rule_exists(CUSTOMER, REVIEW, CANCELLED));
    assert_false(pd_workflow_rule_exists(EXPERT, CANCELLED, OPEN));
    assert_false(pd_workflow_rule_exists(MANAGER, OPEN, REVIEW));
}

static void test_status_is_final(void **state)
{
    assert_false(pd_status_is_final(OPEN));
    assert_false(pd_status_is_final(REVIEW));
    assert_false(pd_status_is_final(PROGRESS));
    assert_false(pd_status_is_final(WAITING));
    assert_false(pd_status_is_final(SOLVED));
    assert_true(pd_status_is_final(CLOSED));
    assert_true(pd_status_is_final(CANCELLED));
    assert_false(pd_status_is_final(PD_ST__COUNT));
}

/* What each move carries besides the status: a handover's technical
 * note, a solve's resolution, a customer's reason to reject and rating to
 * confirm; nothing else is asked for, and only a customer's confirmation
 * takes a rating. */
static void test_texts(void **state)
{
    apr_size_t r;
    int from, to;

    for (r = 0; r < ROLE_COUNT; r++) {
        for (from = 0; from < PD_ST__COUNT; from++) {
            for (to = 0; to < PD_ST__COUNT; to++) {
                unsigned want = 0;
                const char *purpose = "message";
                if (from == to) {
                    want = 0;
                }
                else if (to == PROGRESS && (from == OPEN || from == REVIEW)) {
                    want = PD_WF_NEEDS_NOTE;
                }
                else if (to == SOLVED) {
                    want = PD_WF_NEEDS_MESSAGE;
                    purpose = "resolution";
                }
                else if (roles[r] == CUSTOMER && from == SOLVED && to == PROGRESS) {
                    want = PD_WF_NEEDS_REASON;
                    purpose = "reason";
                }
                else if (roles[r] == CUSTOMER && from == SOLVED && to == CLOSED) {
                    want = PD_WF_TAKES_RATING;
                    purpose = "rating_comment";
                }
                assert_int_equal(pd_workflow_texts((pd_role_e)roles[r], (pd_status_e)from,
                                                   (pd_status_e)to), want);
                assert_string_equal(pd_workflow_purpose((pd_role_e)roles[r], (pd_status_e)from,
                                                        (pd_status_e)to), purpose);
            }
        }
    }
    /* a tech closing a solved ticket confirms nothing: no rating */
    assert_int_equal(pd_workflow_texts(TECH, SOLVED, CLOSED), 0);
    assert_int_equal(pd_workflow_texts(ADMIN, SOLVED, PROGRESS), 0);
}

/* The names are the database's CHECK-constraint values. */
static void test_status_names(void **state)
{
    static const char *const names[PD_ST__COUNT] = {
        "open", "in_review", "in_progress", "waiting_customer", "solved", "closed",
        "cancelled",
    };
    int st;

    for (st = 0; st < PD_ST__COUNT; st++) {
        assert_string_equal(pd_status_name((pd_status_e)st), names[st]);
        assert_int_equal(pd_status_parse(names[st]), st);
    }
    assert_null(pd_status_name(PD_ST__COUNT));
    assert_null(pd_status_name((pd_status_e)-1));
    assert_int_equal(pd_status_parse("Open"), -1);
    assert_int_equal(pd_status_parse("reopened"), -1);
    assert_int_equal(pd_status_parse(""), -1);
    assert_int_equal(pd_status_parse(NULL), -1);
}

static unsigned reachable(unsigned start)
{
    unsigned reached = start, before;
    apr_size_t i;

    do {
        before = reached;
        for (i = 0; i < SEED_COUNT; i++) {
            if (reached & BIT(seed[i].from)) {
                reached |= BIT(seed[i].to);
            }
        }
    } while (reached != before);
    return reached;
}

/* No status is a dead end: every one is reachable from open, and from every
 * one a ticket can still be closed or cancelled. */
static void test_flow_is_connected(void **state)
{
    int st;

    assert_int_equal(reachable(BIT(OPEN)), BIT(PD_ST__COUNT) - 1);
    for (st = 0; st < PD_ST__COUNT; st++) {
        assert_true(reachable(BIT(st)) & (BIT(CLOSED) | BIT(CANCELLED)));
    }
}

/* A customer's reply hands a waiting ticket back; nothing else moves. */
static void test_after_reply(void **state)
{
    int role, st;
    (void)state;
    assert_int_equal(pd_workflow_after_reply(PD_ROLE_CUSTOMER, PD_ST_WAITING_CUSTOMER, 1),
                     PD_ST_IN_PROGRESS);
    assert_int_equal(pd_workflow_after_reply(PD_ROLE_CUSTOMER, PD_ST_WAITING_CUSTOMER, 0),
                     PD_ST_IN_REVIEW);
    for (role = PD_ROLE_NONE; role < PD_ROLE__COUNT; role++) {
        for (st = 0; st < PD_ST__COUNT; st++) {
            if (role == PD_ROLE_CUSTOMER && st == PD_ST_WAITING_CUSTOMER) {
                continue;
            }
            assert_int_equal(pd_workflow_after_reply((pd_role_e)role, (pd_status_e)st, 1), st);
            assert_int_equal(pd_workflow_after_reply((pd_role_e)role, (pd_status_e)st, 0), st);
        }
    }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_rules_match_seed),
        T(test_rules_are_well_formed),
        T(test_each_rule),
        T(test_matrix),
        T(test_out_of_range_statuses),
        T(test_customer),
        T(test_expert),
        T(test_tech),
        T(test_manager_and_none),
        T(test_admin),
        T(test_final_statuses),
        T(test_no_self_moves),
        T(test_rule_exists),
        T(test_status_is_final),
        T(test_texts),
        T(test_status_names),
        T(test_flow_is_connected),
        T(test_after_reply),
    };
#undef T
    return cmocka_run_group_tests_name("pd_workflow", tests, group_setup, group_teardown);
}
