/* pd_sql: the statement catalogue is complete and consistent with what
 * apr_dbd will make of it. No database is needed: a wrong parameter count
 * would otherwise only show when a statement is first prepared. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_pools.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include "pd_sql.h"
#include "pd_db.h"
#include "pd_types.h"
#include "pd_unit.h"


/* Counted as apr_dbd_prepare counts them: '%' and a letter is a parameter,
 * "%%" a literal percent sign. */
static int placeholders(const char *s)
{
    int n = 0;

    for (; *s; s++) {
        if (s[0] != '%') {
            continue;
        }
        if (apr_isalpha(s[1])) {
            n++;
        }
        else if (s[1] == '%') {
            s++;
        }
    }
    return n;
}

/* PostgreSQL keeps 63 bytes of a prepared statement's name: longer labels
 * could silently collide. */
#define PG_NAME_MAX 63

/* The list of pd_sql.h once more, as data: each id's name, its label and
 * its count, to hold the catalogue and the constants to. */
typedef struct listed_t {
    pd_sql_id_e id;
    const char *id_name;
    const char *label;
    int nargs;
    int nargs_constant;        /* the id's _NARGS constant */
    pd_sql_plan_e plan;
} listed_t;

static const listed_t listed[] = {
#define LISTED_(id, label, nargs, plan) { id, #id, label, nargs, id##_NARGS, plan },
    PD_SQL_CATALOGUE(LISTED_)
#undef LISTED_
};

static void test_placeholder_counter(void **state)
{
    assert_int_equal(placeholders(""), 0);
    assert_int_equal(placeholders("SELECT 1"), 0);
    assert_int_equal(placeholders("%s"), 1);
    assert_int_equal(placeholders("a = %s::text AND b = %s::bigint"), 2);
    assert_int_equal(placeholders("%d %pDt"), 2);
    assert_int_equal(placeholders("LIKE '100%%'"), 0);
    assert_int_equal(placeholders("'%%s'"), 0);
    assert_int_equal(placeholders("%%%s"), 1);
    assert_int_equal(placeholders("%%%%"), 0);
    assert_int_equal(placeholders("% s"), 0);
    assert_int_equal(placeholders("%1"), 0);
    assert_int_equal(placeholders("50%"), 0);
}

static void test_get_bounds(void **state)
{
    int i, j;

    assert_null(pd_sql_get(PD_SQL__COUNT));
    assert_null(pd_sql_get((pd_sql_id_e)(PD_SQL__COUNT + 1)));
    assert_null(pd_sql_get((pd_sql_id_e)-1));
    for (i = 0; i < PD_SQL__COUNT; i++) {
        assert_non_null(pd_sql_get((pd_sql_id_e)i));
        for (j = 0; j < i; j++) {
            assert_ptr_not_equal(pd_sql_get((pd_sql_id_e)i), pd_sql_get((pd_sql_id_e)j));
        }
    }
}

static void test_labels(void **state)
{
    int i, j;

    for (i = 0; i < PD_SQL__COUNT; i++) {
        const pd_sql_stmt_t *st = pd_sql_get((pd_sql_id_e)i);
        const char *c;

        if (!st->label) {
            fail_msg("catalogue entry %d has no label", i);
        }
        assert_true(strncmp(st->label, "pd_", 3) == 0);
        assert_true(strlen(st->label) > 3);
        assert_true(strlen(st->label) <= PG_NAME_MAX);
        for (c = st->label; *c; c++) {
            assert_true(apr_islower(*c) || apr_isdigit(*c) || *c == '_');
        }
        for (j = 0; j < i; j++) {
            if (strcmp(st->label, pd_sql_get((pd_sql_id_e)j)->label) == 0) {
                fail_msg("label %s is used by entries %d and %d", st->label, j, i);
            }
        }
    }
}

/* Each entry sits at its own index, with what the list says of it, and its
 * label is its id's name in lower case (PD_SQL_TICKETS_GET: pd_tickets_get):
 * a misplaced initializer would run the wrong statement under the right
 * name. */
static void test_entries_match_list(void **state)
{
    apr_pool_t *p = *state;
    size_t i;

    assert_int_equal(sizeof(listed) / sizeof(listed[0]), PD_SQL__COUNT);
    for (i = 0; i < sizeof(listed) / sizeof(listed[0]); i++) {
        const listed_t *l = &listed[i];
        const pd_sql_stmt_t *st = pd_sql_get(l->id);
        char *expect = apr_pstrcat(p, "pd_", l->id_name + strlen("PD_SQL_"), NULL);
        char *c;

        assert_int_equal(l->id, (pd_sql_id_e)i);
        for (c = expect; *c; c++) {
            *c = (char)apr_tolower(*c);
        }
        assert_non_null(st);
        assert_string_equal(st->label, l->label);
        assert_string_equal(st->label, expect);
        assert_int_equal(st->nargs, l->nargs);
        assert_int_equal(st->nargs, l->nargs_constant);
        assert_int_equal(st->plan, l->plan);
    }
}

/* A call whose count is not the statement's runs nothing and says so: no
 * database is needed, because the check comes before the driver. */
static void test_miscount_refused(void **state)
{
    apr_pool_t *p = *state;
    const char *args[] = { "1", "0", "extra" };
    pd_db_result_t res;
    pd_db_t db;

    pd_db_init(&db, NULL, NULL, NULL, p, p);
    assert_int_equal(pd_db_select(&db, PD_SQL_TICKETS_GET, args, 3, &res), APR_EINVAL);
    assert_true(db.misuse);
    assert_true(db.failed);
    assert_non_null(strstr(db.error, "pd_tickets_get takes 2 parameters"));
    assert_int_equal(pd_db_next(&res), APR_EOF);

    pd_db_init(&db, NULL, NULL, NULL, p, p);
    assert_int_equal(pd_db_exec(&db, PD_SQL_TICKETS_TOUCH, args, 2, NULL), APR_EINVAL);
    assert_true(db.misuse);
    pd_db_init(&db, NULL, NULL, NULL, p, p);
    /* the blob is the statement's third parameter: two text ones, not three */
    assert_int_equal(pd_db_exec_blob(&db, PD_SQL_ATTACHMENT_CHUNKS_INSERT, args, 3, "x", 1),
                     APR_EINVAL);
    assert_true(db.misuse);
    pd_db_init(&db, NULL, NULL, NULL, p, p);
    assert_int_equal(pd_db_exec(&db, PD_SQL__COUNT, args, 0, NULL), APR_EINVAL);
    assert_true(db.misuse);
}

static void test_texts(void **state)
{
    int i;

    for (i = 0; i < PD_SQL__COUNT; i++) {
        const pd_sql_stmt_t *st = pd_sql_get((pd_sql_id_e)i);

        if (!st->text || strlen(st->text) < 10) {
            fail_msg("%s has no statement", st->label ? st->label : "?");
        }
        /* one statement each: apr_dbd prepares exactly one */
        assert_null(strchr(st->text, ';'));
        assert_true(strncmp(st->text, "SELECT ", 7) == 0 || strncmp(st->text, "INSERT ", 7) == 0
                    || strncmp(st->text, "UPDATE ", 7) == 0
                    || strncmp(st->text, "DELETE ", 7) == 0
                    || strncmp(st->text, "WITH ", 5) == 0);
    }
}

static void test_nargs(void **state)
{
    int i;

    for (i = 0; i < PD_SQL__COUNT; i++) {
        const pd_sql_stmt_t *st = pd_sql_get((pd_sql_id_e)i);
        int n = placeholders(st->text);

        if (n != st->nargs) {
            fail_msg("%s: nargs is %d but the text has %d placeholders", st->label,
                     st->nargs, n);
        }
        assert_in_range(st->nargs, 0, PD_DB_MAX_ARGS);
    }
}

/* Parameters are written %s and always cast: apr_dbd sends text. The one
 * exception is binary, %pDb (bytea), and only as a statement's last
 * parameter, which is where pd_db_exec_blob puts it. */
static void test_placeholders_are_cast(void **state)
{
    int i;

    for (i = 0; i < PD_SQL__COUNT; i++) {
        const pd_sql_stmt_t *st = pd_sql_get((pd_sql_id_e)i);
        const char *s;

        for (s = st->text; *s; s++) {
            if (s[0] == '%' && s[1] == '%') {
                s++;
                continue;
            }
            if (s[0] != '%') {
                continue;
            }
            if (strncmp(s, "%pDb", 4) == 0 && !strchr(s + 4, '%')) {
                continue;
            }
            if (s[1] != 's' || s[2] != ':' || s[3] != ':' || !apr_isalpha(s[4])) {
                fail_msg("%s: parameter at offset %d is not %%s::type", st->label,
                         (int)(s - st->text));
            }
        }
    }
}

/* The statement's own ORDER BY, its last: a ticket's columns hold
 * subqueries with one of their own. */
static const char *last_order_by(const char *text)
{
    const char *at, *last = NULL;

    for (at = strstr(text, " ORDER BY "); at; at = strstr(at + 1, " ORDER BY ")) {
        last = at;
    }
    return last;
}

/* The ticket lists share one parameter layout, so one argument builder; the
 * searches take the same after their own two (the search's tsquery and the
 * staff flag) and order by the same columns; a search by relevance takes
 * four more before the filters (scope, the cursor's rank and id, the best
 * to keep) and the row limit after them, instead of the cursor's three. */
static void test_ticket_lists_agree(void **state)
{
    const int list_args = pd_sql_get(PD_SQL_TICKETS_LIST_CREATED_DESC)->nargs;
    int i;

    for (i = PD_SQL_TICKETS_LIST_CREATED_DESC; i <= PD_SQL_TICKETS_LIST_ID_ASC; i++) {
        const pd_sql_stmt_t *st = pd_sql_get((pd_sql_id_e)i);
        const pd_sql_stmt_t *search = pd_sql_get((pd_sql_id_e)(i - PD_SQL_TICKETS_LIST_CREATED_DESC
                                                               + PD_SQL_TICKETS_SEARCH_CREATED_DESC));
        assert_int_equal(st->nargs, list_args);
        assert_non_null(strstr(st->text, " LIMIT %s::int"));
        assert_non_null(strstr(st->text, (i - PD_SQL_TICKETS_LIST_CREATED_DESC) % 2 == 0
                                             ? " DESC" : " ASC"));
        assert_non_null(last_order_by(st->text));
        assert_non_null(strstr(search->text, last_order_by(st->text)));
        assert_null(strstr(st->text, "ticket_search"));
    }
    for (i = PD_SQL_TICKETS_SEARCH_RELEVANCE_DESC; i <= PD_SQL_TICKETS_SEARCH_ID_ASC; i++) {
        const pd_sql_stmt_t *st = pd_sql_get((pd_sql_id_e)i);
        assert_int_equal(st->nargs, list_args + (i <= PD_SQL_TICKETS_SEARCH_RELEVANCE_ASC ? 3 : 2));
        assert_non_null(strstr(st->text,
                               " FROM (SELECT %s::tsquery AS q, %s::boolean AS staff"));
        assert_non_null(strstr(st->text, " LIMIT %s::int"));
        assert_non_null(strstr(st->text, (i - PD_SQL_TICKETS_SEARCH_RELEVANCE_DESC) % 2 == 0
                                             ? " DESC" : " ASC"));
        assert_int_equal(st->plan, PD_PLAN_CUSTOM);
    }
    assert_non_null(strstr(pd_sql_get(PD_SQL_TICKETS_SEARCH_RELEVANCE_DESC)->text,
                           " ORDER BY m.rank DESC, t.id DESC LIMIT %s::int"));
    assert_non_null(strstr(pd_sql_get(PD_SQL_TICKETS_SEARCH_RELEVANCE_ASC)->text,
                           " ORDER BY m.rank ASC, t.id ASC LIMIT %s::int"));
}

/* Optional filters ("%s::type IS NULL OR ...") only fold away when the
 * statement is planned with its values; every other statement keeps a
 * cached generic plan, so a custom plan is asked for exactly where such
 * filters are. */
static void test_plans(void **state)
{
    int i;

    for (i = 0; i < PD_SQL__COUNT; i++) {
        const pd_sql_stmt_t *st = pd_sql_get((pd_sql_id_e)i);
        int optional = strstr(st->text, " IS NULL OR ") != NULL;

        if ((st->plan == PD_PLAN_CUSTOM) != optional) {
            fail_msg("%s: the plan is %s but the text %s optional filters", st->label,
                     st->plan == PD_PLAN_CUSTOM ? "custom" : "generic",
                     optional ? "has" : "has no");
        }
    }
    for (i = PD_SQL_TICKETS_LIST_CREATED_DESC; i <= PD_SQL_TICKETS_LIST_ID_ASC; i++) {
        assert_int_equal(pd_sql_get((pd_sql_id_e)i)->plan, PD_PLAN_CUSTOM);
    }
}

/* Role ids reach SQL only as parameters, from pd_role_param: each role's
 * is its enum value (the roles table's key), and no statement compares
 * role_id with a number of its own. */
static void test_role_params(void **state)
{
    apr_pool_t *p = *state;
    int r, i;

    assert_null(pd_role_param(PD_ROLE_NONE));
    assert_null(pd_role_param(PD_ROLE__COUNT));
    for (r = PD_ROLE_NONE + 1; r < PD_ROLE__COUNT; r++) {
        assert_string_equal(pd_role_param((pd_role_e)r), apr_itoa(p, r));
    }
    for (i = 0; i < PD_SQL__COUNT; i++) {
        const pd_sql_stmt_t *st = pd_sql_get((pd_sql_id_e)i);
        const char *at = st->text;

        /* what follows role_id, up to a parameter or the end of the term */
        while ((at = strstr(at, "role_id"))) {
            const char *c;
            for (c = at + 7; *c && c < at + 32 && !strchr("%,)", *c); c++) {
                if (apr_isdigit(*c)) {
                    fail_msg("%s compares role_id with a literal: %.32s", st->label, at);
                }
            }
            at += 7;
        }
    }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_placeholder_counter),
        T(test_get_bounds),
        T(test_labels),
        T(test_entries_match_list),
        T(test_miscount_refused),
        T(test_texts),
        T(test_nargs),
        T(test_placeholders_are_cast),
        T(test_ticket_lists_agree),
        T(test_plans),
        T(test_role_params),
    };
#undef T
    return cmocka_run_group_tests_name("pd_sql", tests, group_setup, group_teardown);
}
