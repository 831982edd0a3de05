/* The statement catalogue's texts (pd_sql.h lists the ids, labels,
 * parameter counts and plans): the tickets, timeline, people and master
 * data here; the lists for triage and their counts, service levels,
 * notifications, the organisation, the front desk and the QR check-in in
 * the pd_sql_*.h parts; the fragments they share in pd_sql_fragments.h. */
#include <stddef.h>
#include "pd_sql.h"
#include "pd_sql_sla.h"
#include "pd_sql_org.h"
#include "pd_sql_qr.h"
#include "pd_sql_cases.h"
#include "pd_sql_lists.h"
#include "pd_sql_notify.h"
#include "pd_dashboard.h"
#include "pd_sql_fragments.h"

/* Each entry's label, count and plan from the list in pd_sql.h, then its
 * text below, keyed by the same id. */
static const pd_sql_stmt_t catalogue[PD_SQL__COUNT] = {
#define PD_SQL_ENTRY_(id, name, n, how) [id].label = name, [id].nargs = n, [id].plan = how,
    PD_SQL_CATALOGUE(PD_SQL_ENTRY_)
#undef PD_SQL_ENTRY_

    /* The identity row (columns: PD_IDENTITY_* in pd_claims.h) by subject. */
    [PD_SQL_USERS_IDENTIFY].text =
        "SELECT i.*, (SELECT u.org_unit_id FROM users u WHERE u.id = i.id)"
        " FROM pd_user_identity(%s::text) i",
    /* 1 subject, 2 login, 3 name, 4 email, 5 role (NULL: none), 6 pharmacy
     * code, 7 the token's iat; the same columns as pd_users_identify */
    [PD_SQL_USERS_SYNC].text =
        "SELECT i.*, (SELECT u.org_unit_id FROM users u WHERE u.id = i.id)"
        " FROM pd_user_sync(%s::text, %s::text, %s::text, %s::text, %s::smallint,"
        " %s::text, %s::bigint) i",
    [PD_SQL_USERS_ME].text =
        "SELECT " USER_JSON USER_JOINS " WHERE u.id = %s::bigint",

    /* 1 id, 2 pharmacy scope (0 = all) */
    [PD_SQL_TICKETS_GET].text =
        "SELECT " TICKET_COLUMNS ", t.description FROM tickets t"
        " WHERE t.id = %s::bigint AND pd_ticket_in_scope(%s::bigint, t.pharmacy_id, t.org_unit_id)",
    /* Names the cache lacks, by kind (pd_name_kind_e) and id. 1 user ids,
     * 2 pharmacy ids, 3 module ids, 4 category ids, each an array */
    [PD_SQL_NAMES_FETCH].text =
        "SELECT 0, id, name, NULL FROM users WHERE id = ANY (%s::bigint[])"
        " UNION ALL SELECT 1, id, name, code FROM pharmacies WHERE id = ANY (%s::bigint[])"
        " UNION ALL SELECT 2, id, name, color FROM ticket_modules WHERE id = ANY (%s::bigint[])"
        " UNION ALL SELECT 3, id, name, color FROM ticket_categories"
        " WHERE id = ANY (%s::bigint[])",
    [PD_SQL_TICKETS_LOCK].text =
        "SELECT status, pharmacy_id, title, description, pic_name, contact, app_version,"
        " module_id, category_id, priority, expert_id, tech_id, customer_id, version"
        " FROM tickets WHERE id = %s::bigint AND pd_ticket_in_scope(%s::bigint, pharmacy_id, org_unit_id)"
        " FOR UPDATE",
    /* Which referenced rows exist and may be used: NULL = no such row.
     * 1 pharmacy, 2 module, 3 category, 4 the team expert role, 5 expert,
     * 6 the tech role, 7 tech, 8 the customer role, 9 customer's pharmacy,
     * 10 customer */
    [PD_SQL_TICKETS_REFS].text =
        "SELECT (SELECT active FROM pharmacies WHERE id = %s::bigint),"
        " (SELECT active FROM ticket_modules WHERE id = %s::bigint),"
        " (SELECT active FROM ticket_categories WHERE id = %s::bigint),"
        " (SELECT active AND role_id = %s::smallint FROM users WHERE id = %s::bigint),"
        " (SELECT active AND role_id = %s::smallint FROM users WHERE id = %s::bigint),"
        " (SELECT active AND role_id = %s::smallint AND pharmacy_id = %s::bigint FROM users"
        "  WHERE id = %s::bigint)",
    /* One statement, committed on its own. The references must be active (else
     * no row, and the module asks pd_tickets_refs which one failed); only
     * then is a number drawn from the year's sequence, so a refused create
     * takes none. The service level targets are the matching policy's, laid
     * out on its calendar from now (s), with the summary columns
     * pd_sla_sum_up computes; when no policy matches or an instant lies
     * outside the calendar's window, s is empty and the insert trigger
     * computes them (migration 0090). The
     * ticket comes with its first timeline row, numbered 1, and comes back as
     * a single-ticket read does. 1 pharmacy, 2 module, 3 category, 4 time
     * zone, 5 prefix, 6 pic, 7 contact, 8 app version, 9 title,
     * 10 description, 11 priority, 12 source, 13 customer, 14 creator,
     * 15 the front desk's case type and 16 its org unit (NULL for a
     * pharmacy's ticket): a case is typed and routed as it is written, not
     * by a second write of the row */
    [PD_SQL_TICKETS_INSERT].text =
        TICKET_INSERT("SELECT p.id AS pharmacy_id, m.id AS module_id, c.id AS category_id"
                      " FROM pharmacies p, ticket_modules m, ticket_categories c"
                      " WHERE p.id = %s::bigint AND p.active AND m.id = %s::bigint AND m.active"
                      " AND c.id = %s::bigint AND c.active"),
    /* A front desk case, filed under what its unit's office files cases
     * under (its front desk: client, module, the visitor's or the letter's
     * category), read by the insert itself: no row when the unit is
     * inactive, its office has no front desk or that names an inactive
     * entry (the module then asks pd_front_desk_defaults which). 1 the case
     * type, 2 the unit, then PD_SQL_TICKETS_INSERT's 4-16 */
    [PD_SQL_TICKETS_INSERT_CASE].text =
        TICKET_INSERT("SELECT p.id AS pharmacy_id, m.id AS module_id, c.id AS category_id"
                      " FROM org_units u JOIN front_desks f ON f.root_unit_id = u.path[1]"
                      " JOIN pharmacies p ON p.id = f.pharmacy_id AND p.active"
                      " JOIN ticket_modules m ON m.id = f.module_id AND m.active"
                      " JOIN ticket_categories c ON c.active AND c.id = CASE %s::text"
                      "  WHEN 'visitor' THEN f.visitor_category_id ELSE f.surat_category_id END"
                      " WHERE u.id = %s::bigint AND u.active"),
    /* The row is locked (pd_tickets_lock) and the new values computed by the
     * module. 1 title, 2 description, 3 pic, 4 contact, 5 app version,
     * 6 module, 7 category, 8 priority, 9 status, 10 expert, 11 tech,
     * 12 first staff response (bool), 13 solved_at action, 14 closed_at
     * action ('set', 'clear', 'keep'), 15 id */
    [PD_SQL_TICKETS_UPDATE].text =
        "UPDATE tickets SET title = %s::text, description = %s::text, pic_name = %s::text,"
        " contact = %s::text, app_version = %s::text, module_id = %s::bigint,"
        " category_id = %s::bigint, priority = %s::text, status = %s::text,"
        " expert_id = %s::bigint, tech_id = %s::bigint, version = version + 1,"
        " updated_at = now(),"
        " first_response_at = CASE WHEN %s::boolean THEN coalesce(first_response_at, now())"
        "  ELSE first_response_at END,"
        " solved_at = CASE %s::text WHEN 'set' THEN now() WHEN 'clear' THEN NULL ELSE solved_at END,"
        " closed_at = CASE %s::text WHEN 'set' THEN now() WHEN 'clear' THEN NULL ELSE closed_at END"
        " WHERE id = %s::bigint",
    /* What the audit log keeps of a deleted ticket: its number, title and
     * pharmacy (the timeline goes with it). */
    [PD_SQL_TICKETS_DELETE].text =
        "DELETE FROM tickets t USING pharmacies p WHERE t.id = %s::bigint AND p.id = t.pharmacy_id"
        " RETURNING json_build_object('number', t.number, 'title', t.title,"
        " 'pharmacy', json_build_object('id', p.id, 'code', p.code, 'name', p.name))::text",
    /* 1 ticket, 2 user, 3 kind, 4 field, 5 old, 6 new, 7 body, 8 visibility */
    [PD_SQL_TICKET_ACTIVITIES_INSERT].text =
        "INSERT INTO ticket_activities (ticket_id, user_id, kind, field, old_value, new_value,"
        " body, visibility) VALUES (%s::bigint, %s::bigint, %s::text, %s::text, %s::text,"
        " %s::text, %s::text, %s::text)",
    /* 1 id, 2 pharmacy scope (0 = all): a row when the caller may see it */
    [PD_SQL_TICKETS_VISIBLE].text =
        "SELECT 1 FROM tickets WHERE id = %s::bigint"
        " AND pd_ticket_in_scope(%s::bigint, pharmacy_id, org_unit_id)",
    /* The timeline, oldest first, every entry (staff): 1 the customer role,
     * 2 ticket, 3 after this number (NULL: from the start), 4 limit.
     * Columns (id, key, json) as the name-sorted pages have them, the key
     * being the number. */
    [PD_SQL_TICKET_ACTIVITIES_LIST].text = TIMELINE("a.seq"),
    /* The same over the public entries only (customers), numbered among
     * themselves */
    [PD_SQL_TICKET_ACTIVITIES_LIST_PUBLIC].text = TIMELINE("a.public_seq"),
    /* 1 id, 2 pharmacy scope (0 = all): what a comment needs, locked; the
     * columns pd_authz decides on (pd_ticket_facts_t) */
    [PD_SQL_TICKETS_LOCK_BRIEF].text =
        "SELECT " TICKET_FACTS " FROM tickets"
        " WHERE id = %s::bigint AND pd_ticket_in_scope(%s::bigint, pharmacy_id, org_unit_id)"
        " FOR UPDATE",
    /* 1 ticket, 2 user, 3 kind, 4 field, 5 old, 6 new, 7 body, 8 visibility;
     * the new entry as the timeline shows it to the writer: 9 whether they
     * see internal entries, which decides how it is numbered, 10 the
     * customer role */
    [PD_SQL_TICKET_ACTIVITIES_ADD].text =
        "WITH a AS (INSERT INTO ticket_activities (ticket_id, user_id, kind, field, old_value,"
        " new_value, body, visibility) VALUES (%s::bigint, %s::bigint, %s::text, %s::text,"
        " %s::text, %s::text, %s::text, %s::text) RETURNING *)"
        " SELECT " ACTIVITY_JSON("CASE WHEN %s::boolean THEN a.seq ELSE a.public_seq END")
        " FROM a LEFT JOIN users u ON u.id = a.user_id",
    /* A public entry changed the ticket: 1 a staff response (bool), 2 the
     * new status (NULL: unchanged), 3 id */
    [PD_SQL_TICKETS_TOUCH].text =
        "UPDATE tickets SET updated_at = now(), version = version + 1,"
        " first_response_at = CASE WHEN %s::boolean THEN coalesce(first_response_at, now())"
        "  ELSE first_response_at END, status = coalesce(%s::text, status)"
        " WHERE id = %s::bigint",
    /* 1 user, 2 key, 3 fingerprint: a row when this request claimed the
     * key (new, or remembered longer than a day); waits while another
     * request holds it */
    [PD_SQL_IDEMPOTENCY_CLAIM].text =
        "INSERT INTO idempotency_keys AS k (user_id, key, fingerprint)"
        " VALUES (%s::bigint, %s::text, %s::text)"
        " ON CONFLICT (user_id, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,"
        " status = NULL, response = NULL, location = NULL, etag = NULL, created_at = now()"
        " WHERE k.created_at < now() - interval '24 hours' RETURNING 1",
    /* 1 user, 2 key */
    [PD_SQL_IDEMPOTENCY_GET].text =
        "SELECT fingerprint, coalesce(status, 0), response, location, etag"
        " FROM idempotency_keys WHERE user_id = %s::bigint AND key = %s::text",
    /* Active tickets per active tech (as tech_id) and team expert (as
     * expert_id), by status; 1 role code or NULL for both. The least loaded
     * first, so that a picker can offer them in order. */
    [PD_SQL_TICKETS_WORKLOAD].text =
        "WITH load AS ("
        " SELECT 'tech'::text AS kind, tech_id AS user_id, status, count(*) AS n FROM tickets"
        "  WHERE tech_id IS NOT NULL AND status NOT IN ('closed', 'cancelled') GROUP BY 2, 3"
        " UNION ALL"
        " SELECT 'team_expert', expert_id, status, count(*) FROM tickets"
        "  WHERE expert_id IS NOT NULL AND status NOT IN ('closed', 'cancelled') GROUP BY 2, 3),"
        " per_user AS (SELECT u.id, u.name, r.code AS role, coalesce(sum(l.n), 0)::bigint AS total,"
        "  coalesce(json_object_agg(l.status, l.n) FILTER (WHERE l.status IS NOT NULL), '{}')"
        "   AS by_status"
        "  FROM users u JOIN roles r ON r.id = u.role_id"
        "  LEFT JOIN load l ON l.user_id = u.id AND l.kind = r.code"
        "  WHERE u.active AND r.code IN ('tech', 'team_expert')"
        "  AND (%s::text IS NULL OR r.code = %s::text)"
        "  GROUP BY u.id, u.name, r.code)"
        " SELECT coalesce(json_agg(json_build_object('user', json_build_object('id', id,"
        "  'name', name), 'role', role, 'total', total, 'by_status', by_status)"
        "  ORDER BY role DESC, total, name, id), '[]')::text FROM per_user",
    /* Closes solved tickets unanswered for 1 days (migration 0014); the
     * number closed, 0 when another process holds the run */
    [PD_SQL_TICKETS_AUTO_CLOSE].text =
        "SELECT pd_close_stale_solved(%s::integer)",
    /* Forgets idempotency keys older than a day (migration 0015); how many */
    [PD_SQL_IDEMPOTENCY_FORGET].text =
        "SELECT pd_forget_idempotency_keys()",
    /* 1 status, 2 response, 3 location, 4 etag, 5 user, 6 key */
    [PD_SQL_IDEMPOTENCY_STORE].text =
        "UPDATE idempotency_keys SET status = %s::smallint, response = %s::text,"
        " location = %s::text, etag = %s::text WHERE user_id = %s::bigint AND key = %s::text",

    [PD_SQL_TICKETS_LIST_CREATED_DESC].text = TS_LIST("t.created_at", "<", "DESC"),
    [PD_SQL_TICKETS_LIST_CREATED_ASC].text = TS_LIST("t.created_at", ">", "ASC"),
    [PD_SQL_TICKETS_LIST_UPDATED_DESC].text = TS_LIST("t.updated_at", "<", "DESC"),
    [PD_SQL_TICKETS_LIST_UPDATED_ASC].text = TS_LIST("t.updated_at", ">", "ASC"),
    [PD_SQL_TICKETS_LIST_PRIORITY_DESC].text = INT_LIST("t.priority_rank", "<", "DESC"),
    [PD_SQL_TICKETS_LIST_PRIORITY_ASC].text = INT_LIST("t.priority_rank", ">", "ASC"),
    [PD_SQL_TICKETS_LIST_ID_DESC].text = INT_LIST("t.id", "<", "DESC"),
    [PD_SQL_TICKETS_LIST_ID_ASC].text = INT_LIST("t.id", ">", "ASC"),
    /* the service level lists: the filters, then 41-43 sla (three times),
     * 44-45 the cursor's due time, 46 its id, 47 the limit */
    [PD_SQL_TICKETS_LIST_SLA_DESC].text = SLA_LIST("<", "DESC"),
    [PD_SQL_TICKETS_LIST_SLA_ASC].text = SLA_LIST(">", "ASC"),

    /* 1 search text: the tsquery of its words, NULL when it has none */
    [PD_SQL_TICKET_SEARCH_QUERY].text =
        "SELECT pd_search_query(%s::text)::text",
    [PD_SQL_TICKETS_SEARCH_RELEVANCE_DESC].text = RANK_SEARCH("<", "DESC"),
    [PD_SQL_TICKETS_SEARCH_RELEVANCE_ASC].text = RANK_SEARCH(">", "ASC"),
    /* 1 the search's tsquery, 2 staff, then the list's 44 */
    [PD_SQL_TICKETS_SEARCH_CREATED_DESC].text = TS_SEARCH("t.created_at", "<", "DESC"),
    [PD_SQL_TICKETS_SEARCH_CREATED_ASC].text = TS_SEARCH("t.created_at", ">", "ASC"),
    [PD_SQL_TICKETS_SEARCH_UPDATED_DESC].text = TS_SEARCH("t.updated_at", "<", "DESC"),
    [PD_SQL_TICKETS_SEARCH_UPDATED_ASC].text = TS_SEARCH("t.updated_at", ">", "ASC"),
    [PD_SQL_TICKETS_SEARCH_PRIORITY_DESC].text = INT_SEARCH("t.priority_rank", "<", "DESC"),
    [PD_SQL_TICKETS_SEARCH_PRIORITY_ASC].text = INT_SEARCH("t.priority_rank", ">", "ASC"),
    [PD_SQL_TICKETS_SEARCH_ID_DESC].text = INT_SEARCH("t.id", "<", "DESC"),
    [PD_SQL_TICKETS_SEARCH_ID_ASC].text = INT_SEARCH("t.id", ">", "ASC"),

    /* lookups: LIST 1 include inactive; GET 1 id; INSERT 1 name, 2 description,
     * 3 color; UPDATE 1 name, 2 description, 3 color, 4 active, 5 id, 6 name, 7 id */
    [PD_SQL_TICKET_CATEGORIES_LIST].text = LOOKUP_LIST("ticket_categories"),
    [PD_SQL_TICKET_CATEGORIES_GET].text = LOOKUP_GET("ticket_categories"),
    [PD_SQL_TICKET_CATEGORIES_INSERT].text = LOOKUP_INSERT("ticket_categories"),
    [PD_SQL_TICKET_CATEGORIES_UPDATE].text = LOOKUP_UPDATE("ticket_categories"),
    [PD_SQL_TICKET_CATEGORIES_LOCK].text = LOOKUP_LOCK("ticket_categories"),
    [PD_SQL_TICKET_MODULES_LIST].text = LOOKUP_LIST("ticket_modules"),
    [PD_SQL_TICKET_MODULES_GET].text = LOOKUP_GET("ticket_modules"),
    [PD_SQL_TICKET_MODULES_INSERT].text = LOOKUP_INSERT("ticket_modules"),
    [PD_SQL_TICKET_MODULES_UPDATE].text = LOOKUP_UPDATE("ticket_modules"),
    [PD_SQL_TICKET_MODULES_LOCK].text = LOOKUP_LOCK("ticket_modules"),

    /* 1 scope, 2 include inactive, 3-5 q (prefix of name or code),
     * 6 cursor name, 7 cursor name, 8 cursor id, 9 limit */
    [PD_SQL_PHARMACIES_LIST].text =
        "SELECT id, name, " PHARMACY_JSON " FROM pharmacies"
        " WHERE %s::bigint IN (0, id) AND (%s::boolean OR active)"
        " AND (%s::text IS NULL OR starts_with(lower(name), lower(%s::text))"
        "  OR starts_with(lower(code), lower(%s::text)))"
        " AND (%s::text IS NULL OR (name, id) > (%s::text, %s::bigint))"
        " ORDER BY name, id LIMIT %s::int",
    [PD_SQL_PHARMACIES_GET].text =
        "SELECT " PHARMACY_JSON " FROM pharmacies"
        " WHERE id = %s::bigint AND %s::bigint IN (0, id)",
    [PD_SQL_PHARMACIES_LOCK].text =
        "SELECT code, name, address, city, phone, active, tier, " PHARMACY_JSON " FROM pharmacies"
        " WHERE id = %s::bigint FOR UPDATE",
    [PD_SQL_PHARMACIES_ACTIVE].text =
        "SELECT active FROM pharmacies WHERE id = %s::bigint",
    /* 1 code, 2 name, 3 address, 4 city, 5 phone, 6 active, 7 tier */
    [PD_SQL_PHARMACIES_INSERT].text =
        "INSERT INTO pharmacies (code, name, address, city, phone, active, tier)"
        " VALUES (%s::text, %s::text, %s::text, %s::text, %s::text, %s::boolean, %s::text)"
        " ON CONFLICT (code) DO NOTHING RETURNING id, " PHARMACY_JSON,
    /* 1 code, 2 name, 3 address, 4 city, 5 phone, 6 active, 7 tier (NULL:
     * none), 8 id, 9 code, 10 id */
    [PD_SQL_PHARMACIES_UPDATE].text =
        "UPDATE pharmacies SET code = %s::text, name = %s::text, address = %s::text,"
        " city = %s::text, phone = %s::text, active = %s::boolean, tier = %s::text, updated_at = now()"
        " WHERE id = %s::bigint AND NOT EXISTS (SELECT 1 FROM pharmacies o"
        " WHERE o.code = %s::text AND o.id <> %s::bigint) RETURNING " PHARMACY_JSON,

    /* 1 role id (NULL = any), 2 role id, 3 pharmacy, 4 pharmacy, 5 include
     * inactive, 6-8 q (prefix of name or username), 9 cursor name, 10 cursor
     * name, 11 cursor id, 12 limit */
    [PD_SQL_USERS_LIST].text =
        "SELECT u.id, u.name, " USER_JSON USER_JOINS
        " WHERE (%s::smallint IS NULL OR u.role_id = %s::smallint)"
        " AND (%s::bigint IS NULL OR u.pharmacy_id = %s::bigint)"
        " AND (%s::boolean OR u.active)"
        " AND (%s::text IS NULL OR starts_with(lower(u.name), lower(%s::text))"
        "  OR starts_with(lower(u.username), lower(%s::text)))"
        " AND (%s::text IS NULL OR (u.name, u.id) > (%s::text, %s::bigint))"
        " ORDER BY u.name, u.id LIMIT %s::int",
    [PD_SQL_USERS_GET].text =
        "SELECT " USER_JSON USER_JOINS " WHERE u.id = %s::bigint",
    /* the columns the module merges into, then the user as the API shows it */
    [PD_SQL_USERS_LOCK].text =
        "SELECT u.username, u.name, u.email, coalesce(u.role_id, 0), coalesce(u.pharmacy_id, 0),"
        " u.active, u.access_source, " USER_JSON USER_JOINS
        " WHERE u.id = %s::bigint FOR UPDATE OF u",
    /* 1 username, 2 name, 3 email, 4 role, 5 pharmacy, 6 active, 7 subject,
     * 8 access source, 9 org unit, 10 NIP/NIK, 11 institution; nothing when
     * the username, subject or NIP/NIK is taken */
    [PD_SQL_USERS_INSERT].text =
        "WITH ins AS (INSERT INTO users (username, name, email, role_id, pharmacy_id, active,"
        " subject, access_source, org_unit_id, nip_nik, institution)"
        " VALUES (%s::text, %s::text, %s::text, %s::smallint, %s::bigint, %s::boolean,"
        " %s::text, %s::text, %s::bigint, %s::text, %s::text) ON CONFLICT DO NOTHING RETURNING *)"
        " SELECT u.id, " USER_JSON USER_JOINS_FROM("ins"),
    /* 1 name, 2 email, 3 role, 4 pharmacy, 5 active, 6 access source, 7 id;
     * the user as the API shows it afterwards */
    [PD_SQL_USERS_UPDATE].text =
        "WITH upd AS (UPDATE users SET name = %s::text, email = %s::text, role_id = %s::smallint,"
        " pharmacy_id = %s::bigint, active = %s::boolean, access_source = %s::text,"
        " updated_at = now() WHERE id = %s::bigint RETURNING *)"
        " SELECT " USER_JSON USER_JOINS_FROM("upd"),

    [PD_SQL_ROLES_LIST].text =
        "SELECT coalesce(json_agg(" ROLE_JSON " ORDER BY id), '[]')::text FROM roles",
    [PD_SQL_ROLES_GET].text =
        "SELECT " ROLE_JSON "::text FROM roles WHERE id = %s::bigint",

    /* One audit entry, inside the change's transaction: 1 actor, 2 action,
     * 3 entity, 4 entity id, 5 the object before, 6 after (JSON as the API
     * shows it; NULL for a create or a delete). Nothing when nothing
     * changed. */
    [PD_SQL_AUDIT_LOG_INSERT].text =
        "INSERT INTO audit_log (actor_id, action, entity, entity_id, changes)"
        " SELECT %s::bigint, %s::text, %s::text, %s::bigint, c"
        " FROM pd_audit_changes(%s::jsonb, %s::jsonb) AS c WHERE c <> '{}'::jsonb",
    /* Newest first. 1-2 actor, 3-4 entity, 5-6 entity id, 7-9 from (and the
     * time zone of a date), 10-12 to, 13-15 the cursor's time (twice) and
     * id, 16 limit. Columns (id, key, json) as the name-sorted pages have
     * them, the key being the time. */
    [PD_SQL_AUDIT_LOG_LIST].text =
        "SELECT a.id, a.at, json_build_object('id', a.id, 'at', a.at,"
        " 'actor', CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id,"
        " 'name', u.name) END, 'action', a.action, 'entity', a.entity,"
        " 'entity_id', a.entity_id, 'changes', a.changes)::text"
        " FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id"
        " WHERE (%s::bigint IS NULL OR a.actor_id = %s::bigint)"
        " AND (%s::text IS NULL OR a.entity = %s::text)"
        " AND (%s::bigint IS NULL OR a.entity_id = %s::bigint)"
        " AND (%s::text IS NULL OR a.at >= pd_time_bound(%s::text, %s::text, false))"
        " AND (%s::text IS NULL OR a.at < pd_time_bound(%s::text, %s::text, true))"
        " AND (%s::timestamptz IS NULL OR (a.at, a.id) < (%s::timestamptz, %s::bigint))"
        " ORDER BY a.at DESC, a.id DESC LIMIT %s::int",
    /* 1 id, 2 pharmacy scope (0 = all): what an upload checks before it
     * reads the body, without a lock (pd_tickets_lock_brief takes it at
     * the end) */
    [PD_SQL_TICKETS_BRIEF].text =
        "SELECT " TICKET_FACTS " FROM tickets"
        " WHERE id = %s::bigint AND pd_ticket_in_scope(%s::bigint, pharmacy_id, org_unit_id)",
    /* The PostgreSQL attachment store (pd_store_pg.c): 1 chunk size */
    [PD_SQL_ATTACHMENT_BLOBS_INSERT].text =
        "INSERT INTO attachment_blobs (chunk_size) VALUES (%s::integer) RETURNING id",
    [PD_SQL_ATTACHMENT_BLOBS_GET].text =
        "SELECT chunk_size FROM attachment_blobs WHERE id = %s::bigint",
    /* the chunks go with it (ON DELETE CASCADE) */
    [PD_SQL_ATTACHMENT_BLOBS_DELETE].text =
        "DELETE FROM attachment_blobs WHERE id = %s::bigint",
    /* 1 blob, 2 sequence number, 3 the bytes (binary, not escaped) */
    [PD_SQL_ATTACHMENT_CHUNKS_INSERT].text =
        "INSERT INTO attachment_chunks (blob_id, seq, data)"
        " VALUES (%s::bigint, %s::integer, %pDb)",
    /* 1 first byte (1-based), 2 length, 3 blob, 4 sequence number: hex,
     * whatever bytea_output says */
    [PD_SQL_ATTACHMENT_CHUNKS_READ].text =
        "SELECT encode(substring(data FROM %s::integer FOR %s::integer), 'hex')"
        " FROM attachment_chunks WHERE blob_id = %s::bigint AND seq = %s::integer",
    /* 1 ticket: the bytes its attachments hold */
    [PD_SQL_TICKET_ATTACHMENTS_TOTAL].text =
        "SELECT coalesce(sum(size_bytes), 0) FROM ticket_attachments WHERE ticket_id = %s::bigint",
    /* An attachment: 1 ticket, 2 uploader, 3 name, 4 sniffed type, 5 size,
     * 6 SHA-256, 7 description, 8 visibility, 9 store, 10 key in the store,
     * 11 the customer role, 12-13 API base. Its row id, for its timeline
     * entry, and the attachment as the API shows it. */
    [PD_SQL_TICKET_ATTACHMENTS_INSERT].text =
        "WITH f AS (INSERT INTO ticket_attachments (ticket_id, user_id, file_name, content_type,"
        "  size_bytes, sha256, description, visibility, storage, storage_key)"
        "  VALUES (%s::bigint, %s::bigint, %s::text, %s::text, %s::bigint, %s::text,"
        "  %s::text, %s::text, %s::text, %s::text) RETURNING *)"
        " SELECT f.id, " ATTACHMENT_JSON " FROM f JOIN users u ON u.id = f.user_id",
    /* The timeline entries of an upload's files (1 ticket, 2 their row ids),
     * in the order they came, once the ticket is locked: numbering an entry
     * waits for the ticket's lock (migration 0020), which an upload takes
     * only after its body */
    [PD_SQL_TICKET_ATTACHMENTS_RECORD].text =
        "INSERT INTO ticket_activities (ticket_id, user_id, kind, new_value, body, visibility,"
        " attachment_id) SELECT ticket_id, user_id, 'attachment', file_name,"
        " nullif(description, ''), visibility, id FROM ticket_attachments"
        " WHERE ticket_id = %s::bigint AND id = ANY (%s::bigint[]) ORDER BY id",
    /* A ticket's attachments in timeline order, every one (staff): 1 the
     * customer role, 2-3 API base, 4 ticket, 5 after this number (NULL:
     * from the start), 6 limit. Columns (id, key, json) as the name-sorted
     * pages have them. */
    [PD_SQL_TICKET_ATTACHMENTS_LIST].text = ATTACHMENT_LIST("a.seq"),
    /* The same over the public ones only (customers), numbered as their
     * timeline numbers them */
    [PD_SQL_TICKET_ATTACHMENTS_LIST_PUBLIC].text = ATTACHMENT_LIST("a.public_seq"),
    /* One attachment for a download: 1 public id, 2 pharmacy scope (0 =
     * all), 3 internal ones too. Nothing when the caller may not see it. */
    [PD_SQL_TICKET_ATTACHMENTS_GET].text =
        "SELECT f.file_name, f.content_type, f.size_bytes, f.sha256, f.storage, f.storage_key"
        " FROM ticket_attachments f JOIN tickets t ON t.id = f.ticket_id"
        " WHERE f.public_id = %s::bigint AND pd_ticket_in_scope(%s::bigint, t.pharmacy_id, t.org_unit_id)"
        " AND (%s::boolean OR f.visibility = 'public')",

    [PD_SQL_DASHBOARD_READ].text = DASHBOARD("", DASH_OVERDUE_ALL),
    [PD_SQL_DASHBOARD_READ_PHARMACY].text =
        DASHBOARD(" AND t.pharmacy_id = (SELECT pd_dashboard_pharmacy(scope, pharmacy) FROM b)",
                  DASH_OVERDUE_PHARMACY),
    /* Moves up to 1 pending dashboard deltas into the counts; how many (0
     * when another process holds the run), and the time zone of the
     * counts' days */
    [PD_SQL_DASHBOARD_DELTAS_COMPACT].text =
        "SELECT pd_dashboard_compact(%s::integer), (SELECT time_zone FROM dashboard_zone)",

    [PD_SQL_SLA_ZONE_VALID].text = SQL_SLA_ZONE_VALID,
    [PD_SQL_SLA_CALENDARS_LIST].text = SQL_SLA_CALENDARS_LIST,
    [PD_SQL_SLA_CALENDARS_GET].text = SQL_SLA_CALENDARS_GET,
    [PD_SQL_SLA_CALENDARS_LOCK].text = SQL_SLA_CALENDARS_LOCK,
    [PD_SQL_SLA_CALENDARS_INSERT].text = SQL_SLA_CALENDARS_INSERT,
    [PD_SQL_SLA_CALENDARS_UPDATE].text = SQL_SLA_CALENDARS_UPDATE,
    [PD_SQL_SLA_CALENDARS_SET].text = SQL_SLA_CALENDARS_SET,
    [PD_SQL_SLA_CALENDARS_EXTEND].text = SQL_SLA_CALENDARS_EXTEND,
    [PD_SQL_SLA_POLICIES_LIST].text = SQL_SLA_POLICIES_LIST,
    [PD_SQL_SLA_POLICIES_GET].text = SQL_SLA_POLICIES_GET,
    [PD_SQL_SLA_POLICIES_LOCK].text = SQL_SLA_POLICIES_LOCK,
    [PD_SQL_SLA_POLICIES_REFS].text = SQL_SLA_POLICIES_REFS,
    [PD_SQL_SLA_POLICIES_SAVE].text = SQL_SLA_POLICIES_SAVE,
    [PD_SQL_SLA_POLICIES_RECOMPUTE].text = SQL_SLA_POLICIES_RECOMPUTE,
    [PD_SQL_SLA_SWEEP].text = SQL_SLA_SWEEP,
    [PD_SQL_TICKETS_ESCALATE].text = SQL_TICKETS_ESCALATE,
    [PD_SQL_SLA_COMPLIANCE].text = SQL_SLA_COMPLIANCE,
    [PD_SQL_SLA_COMPLIANCE_COMPACT].text = SQL_SLA_COMPLIANCE_COMPACT,
    /* 1 pharmacy scope, 2-7 pharmacy, category, module, priority, expert,
     * tech (NULL: any), 8-9 the days, 10 the buckets (staff: expert or
     * tech, 11 the one person shown, NULL: everyone): the report's JSON */
    [PD_SQL_REPORT_VOLUME].text = REPORT_JSON("volume", ""),
    [PD_SQL_REPORT_TIMES].text = REPORT_JSON("times", ""),
    [PD_SQL_REPORT_SLA].text = REPORT_JSON("sla", ""),
    [PD_SQL_REPORT_STAFF].text = REPORT_JSON("staff", ", %s::bigint"),
    [PD_SQL_REPORT_CSAT].text = REPORT_JSON("csat", ""),
    /* 1 batch: pending report deltas folded into the counts */
    [PD_SQL_REPORT_COMPACT].text = "SELECT pd_report_compact(%s::integer)",
    /* notifications, WhatsApp and webhooks (pd_sql_notify.h) */
    [PD_SQL_NOTIFY_DELIVERIES_LOCK].text = SQL_NOTIFY_DELIVERIES_LOCK,
    [PD_SQL_NOTIFY_OUTBOX_TAKE].text = SQL_NOTIFY_OUTBOX_TAKE,
    [PD_SQL_USERS_NOTIFY_CANDIDATES].text = SQL_USERS_NOTIFY_CANDIDATES,
    [PD_SQL_NOTIFY_DELIVERIES_INSERT].text = SQL_NOTIFY_DELIVERIES_INSERT,
    [PD_SQL_NOTIFY_DELIVERIES_CLAIM].text = SQL_NOTIFY_DELIVERIES_CLAIM,
    [PD_SQL_NOTIFY_DELIVERIES_SENT].text = SQL_NOTIFY_DELIVERIES_SENT,
    [PD_SQL_NOTIFY_DELIVERIES_FAILED].text = SQL_NOTIFY_DELIVERIES_FAILED,
    [PD_SQL_NOTIFY_DELIVERIES_RELEASE].text = SQL_NOTIFY_DELIVERIES_RELEASE,
    [PD_SQL_USERS_SET_LANGUAGE].text = SQL_USERS_SET_LANGUAGE,
    [PD_SQL_NOTIFY_PREFERENCES_GET].text = SQL_NOTIFY_PREFERENCES_GET,
    [PD_SQL_NOTIFY_PREFERENCES_SET].text = SQL_NOTIFY_PREFERENCES_SET,
    [PD_SQL_NOTIFY_ROLE_DEFAULTS_LIST].text = SQL_NOTIFY_ROLE_DEFAULTS_LIST,
    [PD_SQL_NOTIFY_ROLE_DEFAULTS_LOCK].text = SQL_NOTIFY_ROLE_DEFAULTS_LOCK,
    [PD_SQL_NOTIFY_ROLE_DEFAULTS_SET].text = SQL_NOTIFY_ROLE_DEFAULTS_SET,
    [PD_SQL_NOTIFICATIONS_LIST].text = SQL_NOTIFICATIONS_LIST,
    [PD_SQL_NOTIFICATIONS_UNREAD].text = SQL_NOTIFICATIONS_UNREAD,
    [PD_SQL_NOTIFICATIONS_READ].text = SQL_NOTIFICATIONS_READ,
    [PD_SQL_NOTIFICATIONS_READ_ALL].text = SQL_NOTIFICATIONS_READ_ALL,
    [PD_SQL_NOTIFY_DELIVERIES_LIST].text = SQL_NOTIFY_DELIVERIES_LIST,
    [PD_SQL_NOTIFY_DELIVERIES_TICKET].text = SQL_NOTIFY_DELIVERIES_TICKET,
    [PD_SQL_NOTIFY_DELIVERIES_RETRY].text = SQL_NOTIFY_DELIVERIES_RETRY,
    [PD_SQL_NOTIFY_DELIVERIES_EXISTS].text = SQL_NOTIFY_DELIVERIES_EXISTS,
    [PD_SQL_USERS_WHATSAPP_RECIPIENT].text = SQL_USERS_WHATSAPP_RECIPIENT,
    [PD_SQL_NOTIFY_DELIVERIES_EXTERNAL].text = SQL_NOTIFY_DELIVERIES_EXTERNAL,
    [PD_SQL_NOTIFY_DELIVERIES_RECEIPT].text = SQL_NOTIFY_DELIVERIES_RECEIPT,
    [PD_SQL_WHATSAPP_HOOK_HITS_COUNT].text = SQL_WHATSAPP_HOOK_HITS_COUNT,
    [PD_SQL_WHATSAPP_INBOUND_CLAIM].text = SQL_WHATSAPP_INBOUND_CLAIM,
    [PD_SQL_WHATSAPP_INBOUND_RECORD].text = SQL_WHATSAPP_INBOUND_RECORD,
    [PD_SQL_USERS_WHATSAPP_SENDER].text = SQL_USERS_WHATSAPP_SENDER,
    [PD_SQL_WHATSAPP_CHANNEL_SET].text = SQL_WHATSAPP_CHANNEL_SET,
    [PD_SQL_TICKETS_WHATSAPP_OPEN].text = SQL_TICKETS_WHATSAPP_OPEN,
    [PD_SQL_TICKETS_WHATSAPP_INSERT].text = SQL_TICKETS_WHATSAPP_INSERT,
    [PD_SQL_WHATSAPP_FORGET].text = SQL_WHATSAPP_FORGET,
    [PD_SQL_USERS_WHATSAPP_LOCK].text = SQL_USERS_WHATSAPP_LOCK,
    [PD_SQL_USERS_WHATSAPP_SET].text = SQL_USERS_WHATSAPP_SET,
    [PD_SQL_WEBHOOK_DELIVERIES_FAN_OUT].text = SQL_WEBHOOK_DELIVERIES_FAN_OUT,
    [PD_SQL_WEBHOOK_DELIVERIES_MESSAGE].text = SQL_WEBHOOK_DELIVERIES_MESSAGE,
    [PD_SQL_WEBHOOK_ATTEMPTS_INSERT].text = SQL_WEBHOOK_ATTEMPTS_INSERT,
    [PD_SQL_WEBHOOK_ENDPOINTS_DISABLE].text = SQL_WEBHOOK_ENDPOINTS_DISABLE,
    [PD_SQL_WEBHOOK_ENDPOINTS_LIST].text = SQL_WEBHOOK_ENDPOINTS_LIST,
    [PD_SQL_WEBHOOK_ENDPOINTS_GET].text = SQL_WEBHOOK_ENDPOINTS_GET,
    [PD_SQL_WEBHOOK_ENDPOINTS_LOCK].text = SQL_WEBHOOK_ENDPOINTS_LOCK,
    [PD_SQL_WEBHOOK_ENDPOINTS_INSERT].text = SQL_WEBHOOK_ENDPOINTS_INSERT,
    [PD_SQL_WEBHOOK_ENDPOINTS_UPDATE].text = SQL_WEBHOOK_ENDPOINTS_UPDATE,
    [PD_SQL_WEBHOOK_ENDPOINTS_ROTATE].text = SQL_WEBHOOK_ENDPOINTS_ROTATE,
    [PD_SQL_WEBHOOK_ENDPOINTS_DELETE].text = SQL_WEBHOOK_ENDPOINTS_DELETE,
    [PD_SQL_PHARMACIES_COUNT].text = SQL_PHARMACIES_COUNT,
    [PD_SQL_WEBHOOK_DELIVERIES_LIST].text = SQL_WEBHOOK_DELIVERIES_LIST,
    [PD_SQL_WEBHOOK_DELIVERIES_GET].text = SQL_WEBHOOK_DELIVERIES_GET,
    [PD_SQL_WEBHOOK_DELIVERIES_REPLAY].text = SQL_WEBHOOK_DELIVERIES_REPLAY,
    [PD_SQL_WEBHOOK_DELIVERIES_STATE].text = SQL_WEBHOOK_DELIVERIES_STATE,

    /* ---- imports -------------------------------------------------------------- */
    /* One batch of checked ticket rows (migration 0080): 1 source, 2 rows
     * (a JSON array), 3 dry run, 4 ticket number prefix, 5 time zone, 6 the
     * importing user, 7-9 the tech, expert and customer roles. The report,
     * as JSON. */
    [PD_SQL_IMPORTS_TICKETS].text =
        "SELECT pd_import_tickets(%s::text, %s::jsonb, %s::boolean, %s::text, %s::text,"
        " %s::bigint, %s::smallint, %s::smallint, %s::smallint)::text",

    /* ---- lists for triage, counts, saved views (pd_sql_lists.h) ---- */
    [PD_SQL_TICKETS_LIST_ACTION_ASC].text = SQL_TICKETS_LIST_ACTION_ASC,
    [PD_SQL_TICKETS_LIST_ACTION_DESC].text = SQL_TICKETS_LIST_ACTION_DESC,
    [PD_SQL_TICKETS_LIST_WAITING_ASC].text = SQL_TICKETS_LIST_WAITING_ASC,
    [PD_SQL_TICKETS_LIST_WAITING_DESC].text = SQL_TICKETS_LIST_WAITING_DESC,
    [PD_SQL_TICKETS_COUNT].text = SQL_TICKETS_COUNT,
    [PD_SQL_TICKETS_COUNT_SLA].text = SQL_TICKETS_COUNT_SLA,
    [PD_SQL_TICKETS_COUNT_SEARCH].text = SQL_TICKETS_COUNT_SEARCH,
    [PD_SQL_SAVED_VIEWS_LIST].text = SQL_SAVED_VIEWS_LIST,
    [PD_SQL_SAVED_VIEWS_GET].text = SQL_SAVED_VIEWS_GET,
    [PD_SQL_SAVED_VIEWS_INSERT].text = SQL_SAVED_VIEWS_INSERT,
    [PD_SQL_SAVED_VIEWS_UPDATE].text = SQL_SAVED_VIEWS_UPDATE,
    [PD_SQL_SAVED_VIEWS_DELETE].text = SQL_SAVED_VIEWS_DELETE,
    [PD_SQL_SAVED_VIEWS_COUNT].text = SQL_SAVED_VIEWS_COUNT,

    /* ---- the cluster: health and metrics ---- */
    /* whether the connection is to a primary, which takes writes */
    [PD_SQL_HEALTH_CHECK].text = "SELECT NOT pg_is_in_recovery()",
    /* 1 row: the outbox's events and the age of the oldest (ms), the
     * deliveries waiting and the oldest's age (ms), the dead ones, the
     * running tickets past their service level's due time; each an index
     * range (notify_deliveries_status_idx, tickets_sla_open_idx) */
    [PD_SQL_METRICS_READ].text =
        "SELECT (SELECT count(*) FROM notify_outbox),"
        " (SELECT coalesce((extract(epoch FROM now() - min(created_at)) * 1000)::bigint, 0)"
        "  FROM notify_outbox),"
        " (SELECT count(*) FROM notify_deliveries WHERE status IN ('pending', 'sending', 'failed')),"
        " (SELECT coalesce((extract(epoch FROM now() - min(created_at)) * 1000)::bigint, 0)"
        "  FROM notify_deliveries WHERE status IN ('pending', 'sending', 'failed')),"
        " (SELECT count(*) FROM notify_deliveries WHERE status = 'dead'),"
        " (SELECT count(*) FROM tickets WHERE status IN ('open', 'in_review', 'in_progress',"
        "  'waiting_customer') AND sla_due_at < now())",

    /* organisation: org units, their contacts, the directory (pd_sql_org.h) */
    [PD_SQL_ORG_UNITS_LIST].text = SQL_ORG_UNITS_LIST,
    [PD_SQL_ORG_UNITS_GET].text = SQL_ORG_UNITS_GET,
    [PD_SQL_ORG_UNITS_CHECK].text = SQL_ORG_UNITS_CHECK,
    [PD_SQL_ORG_UNITS_INSERT].text = SQL_ORG_UNITS_INSERT,
    [PD_SQL_ORG_UNITS_LOCK].text = SQL_ORG_UNITS_LOCK,
    [PD_SQL_ORG_UNITS_UPDATE].text = SQL_ORG_UNITS_UPDATE,
    [PD_SQL_ORG_UNITS_JSON].text = SQL_ORG_UNITS_JSON,
    [PD_SQL_ORG_UNIT_CONTACTS_LIST].text = SQL_ORG_UNIT_CONTACTS_LIST,
    [PD_SQL_ORG_UNIT_CONTACTS_REFS].text = SQL_ORG_UNIT_CONTACTS_REFS,
    [PD_SQL_ORG_UNIT_CONTACTS_INSERT].text = SQL_ORG_UNIT_CONTACTS_INSERT,
    [PD_SQL_ORG_UNIT_CONTACTS_LOCK].text = SQL_ORG_UNIT_CONTACTS_LOCK,
    [PD_SQL_ORG_UNIT_CONTACTS_UPDATE].text = SQL_ORG_UNIT_CONTACTS_UPDATE,
    [PD_SQL_ORG_UNIT_CONTACTS_DELETE].text = SQL_ORG_UNIT_CONTACTS_DELETE,
    [PD_SQL_ORG_UNIT_CONTACTS_JSON].text = SQL_ORG_UNIT_CONTACTS_JSON,
    [PD_SQL_ORG_DIRECTORY].text = SQL_ORG_DIRECTORY,
    [PD_SQL_TICKETS_ROUTE].text = SQL_TICKETS_ROUTE,
    [PD_SQL_USERS_ORG_SET].text = SQL_USERS_ORG_SET,

    /* the front desk (pd_sql_org.h) */
    [PD_SQL_FRONT_DESKS_GET].text = SQL_FRONT_DESKS_GET,
    [PD_SQL_FRONT_DESKS_PUT].text = SQL_FRONT_DESKS_PUT,
    [PD_SQL_FRONT_DESK_DEFAULTS].text = SQL_FRONT_DESK_DEFAULTS,
    [PD_SQL_VISITORS_INSERT].text = SQL_VISITORS_INSERT,
    [PD_SQL_VISITORS_CHECK_OUT].text = SQL_VISITORS_CHECK_OUT,
    [PD_SQL_SURAT_INSERT].text = SQL_SURAT_INSERT,
    [PD_SQL_SURAT_GET].text = SQL_SURAT_GET,
    [PD_SQL_TICKETS_ACKNOWLEDGE].text = SQL_TICKETS_ACKNOWLEDGE,
    [PD_SQL_VISITORS_LIST].text = SQL_VISITORS_LIST,

    /* the QR self check-in: desk tokens, rate limits (pd_sql_qr.h) */
    [PD_SQL_DESK_TOKENS_LIST].text = SQL_DESK_TOKENS_LIST,
    [PD_SQL_DESK_TOKENS_GET].text = SQL_DESK_TOKENS_GET,
    [PD_SQL_DESK_TOKENS_LOCK].text = SQL_DESK_TOKENS_LOCK,
    [PD_SQL_DESK_TOKENS_UNITS_OK].text = SQL_DESK_TOKENS_UNITS_OK,
    [PD_SQL_DESK_TOKENS_INSERT].text = SQL_DESK_TOKENS_INSERT,
    [PD_SQL_DESK_TOKENS_REVOKE].text = SQL_DESK_TOKENS_REVOKE,
    [PD_SQL_DESK_TOKENS_FIND].text = SQL_DESK_TOKENS_FIND,
    [PD_SQL_CHECKIN_HITS_COUNT].text = SQL_CHECKIN_HITS_COUNT,
    [PD_SQL_CHECKIN_HITS_FORGET].text = SQL_CHECKIN_HITS_FORGET,
    [PD_SQL_VISITORS_INSERT_SELF].text = SQL_VISITORS_INSERT_SELF,

    /* the visitor's and the letter's pages, WhatsApp to contacts (pd_sql_cases.h) */
    [PD_SQL_VISITORS_READ].text = SQL_VISITORS_READ,
    [PD_SQL_SURAT_LIST].text = SQL_SURAT_LIST,
    [PD_SQL_NOTIFY_CONTACTS_FAN_OUT].text = SQL_NOTIFY_CONTACTS_FAN_OUT,
    [PD_SQL_NOTIFY_CONTACT_RECIPIENT].text = SQL_NOTIFY_CONTACT_RECIPIENT,
    [PD_SQL_IMPORTS_GUESTBOOK].text = SQL_IMPORTS_GUESTBOOK,
    [PD_SQL_TICKETS_LIST_SUBTREE_DESC].text = SUBTREE_LIST("<", "DESC"),
    [PD_SQL_TICKETS_LIST_SUBTREE_ASC].text = SUBTREE_LIST(">", "ASC"),
};

const pd_sql_stmt_t *pd_sql_get(pd_sql_id_e id)
{
    if ((int)id < 0 || id >= PD_SQL__COUNT) {
        return NULL;
    }
    return &catalogue[id];
}
