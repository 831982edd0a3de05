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

/* The label each entry must carry: its enum name in lower case. */
static const char *const labels[PD_SQL__COUNT] = {
    [PD_SQL_USERS_IDENTIFY] = "pd_users_identify",
    [PD_SQL_USERS_SYNC] = "pd_users_sync",
    [PD_SQL_USERS_ME] = "pd_users_me",
    [PD_SQL_TICKETS_GET] = "pd_tickets_get",
    [PD_SQL_TICKETS_LOCK] = "pd_tickets_lock",
    [PD_SQL_TICKETS_REFS] = "pd_tickets_refs",
    [PD_SQL_NAMES_FETCH] = "pd_names_fetch",
    [PD_SQL_TICKETS_INSERT] = "pd_tickets_insert",
    [PD_SQL_TICKETS_UPDATE] = "pd_tickets_update",
    [PD_SQL_TICKETS_DELETE] = "pd_tickets_delete",
    [PD_SQL_TICKET_ACTIVITIES_INSERT] = "pd_ticket_activities_insert",
    [PD_SQL_TICKETS_VISIBLE] = "pd_tickets_visible",
    [PD_SQL_TICKET_ACTIVITIES_LIST] = "pd_ticket_activities_list",
    [PD_SQL_TICKET_ACTIVITIES_LIST_PUBLIC] = "pd_ticket_activities_list_public",
    [PD_SQL_TICKETS_LOCK_BRIEF] = "pd_tickets_lock_brief",
    [PD_SQL_TICKET_ACTIVITIES_ADD] = "pd_ticket_activities_add",
    [PD_SQL_TICKETS_TOUCH] = "pd_tickets_touch",
    [PD_SQL_IDEMPOTENCY_CLAIM] = "pd_idempotency_claim",
    [PD_SQL_IDEMPOTENCY_GET] = "pd_idempotency_get",
    [PD_SQL_IDEMPOTENCY_STORE] = "pd_idempotency_store",
    [PD_SQL_TICKETS_WORKLOAD] = "pd_tickets_workload",
    [PD_SQL_TICKETS_AUTO_CLOSE] = "pd_tickets_auto_close",
    [PD_SQL_IDEMPOTENCY_FORGET] = "pd_idempotency_forget",
    [PD_SQL_TICKETS_LIST_CREATED_DESC] = "pd_tickets_list_created_desc",
    [PD_SQL_TICKETS_LIST_CREATED_ASC] = "pd_tickets_list_created_asc",
    [PD_SQL_TICKETS_LIST_UPDATED_DESC] = "pd_tickets_list_updated_desc",
    [PD_SQL_TICKETS_LIST_UPDATED_ASC] = "pd_tickets_list_updated_asc",
    [PD_SQL_TICKETS_LIST_PRIORITY_DESC] = "pd_tickets_list_priority_desc",
    [PD_SQL_TICKETS_LIST_PRIORITY_ASC] = "pd_tickets_list_priority_asc",
    [PD_SQL_TICKETS_LIST_ID_DESC] = "pd_tickets_list_id_desc",
    [PD_SQL_TICKETS_LIST_ID_ASC] = "pd_tickets_list_id_asc",
    [PD_SQL_TICKET_SEARCH_QUERY] = "pd_ticket_search_query",
    [PD_SQL_TICKETS_SEARCH_RELEVANCE_DESC] = "pd_tickets_search_relevance_desc",
    [PD_SQL_TICKETS_SEARCH_RELEVANCE_ASC] = "pd_tickets_search_relevance_asc",
    [PD_SQL_TICKETS_SEARCH_CREATED_DESC] = "pd_tickets_search_created_desc",
    [PD_SQL_TICKETS_SEARCH_CREATED_ASC] = "pd_tickets_search_created_asc",
    [PD_SQL_TICKETS_SEARCH_UPDATED_DESC] = "pd_tickets_search_updated_desc",
    [PD_SQL_TICKETS_SEARCH_UPDATED_ASC] = "pd_tickets_search_updated_asc",
    [PD_SQL_TICKETS_SEARCH_PRIORITY_DESC] = "pd_tickets_search_priority_desc",
    [PD_SQL_TICKETS_SEARCH_PRIORITY_ASC] = "pd_tickets_search_priority_asc",
    [PD_SQL_TICKETS_SEARCH_ID_DESC] = "pd_tickets_search_id_desc",
    [PD_SQL_TICKETS_SEARCH_ID_ASC] = "pd_tickets_search_id_asc",
    [PD_SQL_TICKET_CATEGORIES_LIST] = "pd_ticket_categories_list",
    [PD_SQL_TICKET_CATEGORIES_GET] = "pd_ticket_categories_get",
    [PD_SQL_TICKET_CATEGORIES_INSERT] = "pd_ticket_categories_insert",
    [PD_SQL_TICKET_CATEGORIES_UPDATE] = "pd_ticket_categories_update",
    [PD_SQL_TICKET_CATEGORIES_LOCK] = "pd_ticket_categories_lock",
    [PD_SQL_TICKET_MODULES_LIST] = "pd_ticket_modules_list",
    [PD_SQL_TICKET_MODULES_GET] = "pd_ticket_modules_get",
    [PD_SQL_TICKET_MODULES_INSERT] = "pd_ticket_modules_insert",
    [PD_SQL_TICKET_MODULES_UPDATE] = "pd_ticket_modules_update",
    [PD_SQL_TICKET_MODULES_LOCK] = "pd_ticket_modules_lock",
    [PD_SQL_PHARMACIES_LIST] = "pd_pharmacies_list",
    [PD_SQL_PHARMACIES_GET] = "pd_pharmacies_get",
    [PD_SQL_PHARMACIES_LOCK] = "pd_pharmacies_lock",
    [PD_SQL_PHARMACIES_ACTIVE] = "pd_pharmacies_active",
    [PD_SQL_PHARMACIES_INSERT] = "pd_pharmacies_insert",
    [PD_SQL_PHARMACIES_UPDATE] = "pd_pharmacies_update",
    [PD_SQL_USERS_LIST] = "pd_users_list",
    [PD_SQL_USERS_GET] = "pd_users_get",
    [PD_SQL_USERS_LOCK] = "pd_users_lock",
    [PD_SQL_USERS_INSERT] = "pd_users_insert",
    [PD_SQL_USERS_UPDATE] = "pd_users_update",
    [PD_SQL_ROLES_LIST] = "pd_roles_list",
    [PD_SQL_ROLES_GET] = "pd_roles_get",
    [PD_SQL_AUDIT_LOG_INSERT] = "pd_audit_log_insert",
    [PD_SQL_AUDIT_LOG_LIST] = "pd_audit_log_list",
    [PD_SQL_TICKETS_BRIEF] = "pd_tickets_brief",
    [PD_SQL_ATTACHMENT_BLOBS_INSERT] = "pd_attachment_blobs_insert",
    [PD_SQL_ATTACHMENT_BLOBS_GET] = "pd_attachment_blobs_get",
    [PD_SQL_ATTACHMENT_BLOBS_DELETE] = "pd_attachment_blobs_delete",
    [PD_SQL_ATTACHMENT_CHUNKS_INSERT] = "pd_attachment_chunks_insert",
    [PD_SQL_ATTACHMENT_CHUNKS_READ] = "pd_attachment_chunks_read",
    [PD_SQL_TICKET_ATTACHMENTS_TOTAL] = "pd_ticket_attachments_total",
    [PD_SQL_TICKET_ATTACHMENTS_INSERT] = "pd_ticket_attachments_insert",
    [PD_SQL_TICKET_ATTACHMENTS_RECORD] = "pd_ticket_attachments_record",
    [PD_SQL_TICKET_ATTACHMENTS_LIST] = "pd_ticket_attachments_list",
    [PD_SQL_TICKET_ATTACHMENTS_LIST_PUBLIC] = "pd_ticket_attachments_list_public",
    [PD_SQL_TICKET_ATTACHMENTS_GET] = "pd_ticket_attachments_get",
    [PD_SQL_DASHBOARD_READ] = "pd_dashboard_read",
    [PD_SQL_DASHBOARD_READ_PHARMACY] = "pd_dashboard_read_pharmacy",
    [PD_SQL_DASHBOARD_DELTAS_COMPACT] = "pd_dashboard_deltas_compact",
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

/* Each entry sits at its own index: a misplaced initializer would run the
 * wrong statement under the right name. */
static void test_labels_match_ids(void **state)
{
    int i;

    for (i = 0; i < PD_SQL__COUNT; i++) {
        assert_non_null(labels[i]);
        assert_string_equal(pd_sql_get((pd_sql_id_e)i)->label, labels[i]);
    }
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

/* The ticket lists share one parameter layout, so one argument builder; the
 * searches take the same after their own two (the search text and the staff
 * flag) and order by the same columns; a search by relevance takes four
 * more before the filters (scope, the cursor's rank and id, the best to
 * keep) and the row limit after them, instead of the cursor's three. */
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
        assert_non_null(strstr(search->text, strstr(st->text, " ORDER BY ")));
        assert_null(strstr(st->text, "ticket_search"));
    }
    for (i = PD_SQL_TICKETS_SEARCH_RELEVANCE_DESC; i <= PD_SQL_TICKETS_SEARCH_ID_ASC; i++) {
        const pd_sql_stmt_t *st = pd_sql_get((pd_sql_id_e)i);
        assert_int_equal(st->nargs, list_args + (i <= PD_SQL_TICKETS_SEARCH_RELEVANCE_ASC ? 3 : 2));
        assert_non_null(strstr(st->text,
                               " FROM (SELECT pd_search_query(%s::text) AS q, %s::boolean AS staff"));
        assert_non_null(strstr(st->text, " LIMIT %s::int"));
        assert_non_null(strstr(st->text, (i - PD_SQL_TICKETS_SEARCH_RELEVANCE_DESC) % 2 == 0
                                             ? " DESC" : " ASC"));
        assert_int_equal(st->custom_plan, 1);
    }
    assert_non_null(strstr(pd_sql_get(PD_SQL_TICKETS_SEARCH_RELEVANCE_DESC)->text,
                           " ORDER BY m.rank DESC, t.id DESC LIMIT %s::int"));
    assert_non_null(strstr(pd_sql_get(PD_SQL_TICKETS_SEARCH_RELEVANCE_ASC)->text,
                           " ORDER BY m.rank ASC, t.id ASC LIMIT %s::int"));
}

/* Optional filters ("%s::type IS NULL OR ...") only fold away when the
 * statement is planned with its values; every other statement keeps a
 * cached generic plan, so the flag is set exactly where such filters are. */
static void test_custom_plan(void **state)
{
    int i;

    for (i = 0; i < PD_SQL__COUNT; i++) {
        const pd_sql_stmt_t *st = pd_sql_get((pd_sql_id_e)i);
        int optional = strstr(st->text, " IS NULL OR ") != NULL;

        assert_in_range(st->custom_plan, 0, 1);
        if (st->custom_plan != optional) {
            fail_msg("%s: custom_plan is %d but the text %s optional filters", st->label,
                     st->custom_plan, optional ? "has" : "has no");
        }
    }
    for (i = PD_SQL_TICKETS_LIST_CREATED_DESC; i <= PD_SQL_TICKETS_LIST_ID_ASC; i++) {
        assert_int_equal(pd_sql_get((pd_sql_id_e)i)->custom_plan, 1);
    }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_placeholder_counter),
        T(test_get_bounds),
        T(test_labels),
        T(test_labels_match_ids),
        T(test_texts),
        T(test_nargs),
        T(test_placeholders_are_cast),
        T(test_ticket_lists_agree),
        T(test_custom_plan),
    };
#undef T
    return cmocka_run_group_tests_name("pd_sql", tests, group_setup, group_teardown);
}
