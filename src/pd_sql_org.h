/* The texts of the organisation's statements (org units, their contacts,
 * the directory), part of the catalogue in pd_sql.c, which includes this
 * file: the ids, labels and parameter counts are in pd_sql.h's one list
 * like every other's. JSON, checks and the directory are functions of
 * migration 0060. A unit scope is 0 (every unit) or a unit whose subtree
 * alone is seen (pd_authz_unit_scope). */
#ifndef PD_SQL_ORG_H
#define PD_SQL_ORG_H

#define ORG_IN_SCOPE "(%s::bigint = 0 OR u.path @> ARRAY[%s::bigint])"

/* 1-2 unit scope, 3 include inactive: the units, root first, each before
 * the units below it */
#define SQL_ORG_UNITS_LIST \
    "SELECT json_build_object('items', coalesce(json_agg(pd_org_unit_json(u.id)::json" \
    "  ORDER BY u.path), '[]'))::text" \
    " FROM (SELECT u.id, u.path FROM org_units u WHERE " ORG_IN_SCOPE \
    "  AND (%s::boolean OR u.active) ORDER BY u.path LIMIT 5000) u"
/* 1 id, 2-3 unit scope */
#define SQL_ORG_UNITS_GET \
    "SELECT pd_org_unit_json(u.id) FROM org_units u WHERE u.id = %s::bigint AND " ORG_IN_SCOPE
/* 1 id (NULL: a new unit), 2 type, 3 parent, 4 active: why not, NULL if so */
#define SQL_ORG_UNITS_CHECK \
    "SELECT pd_org_unit_check(%s::bigint, %s::text, %s::bigint, %s::boolean)"
/* 1 code, 2 name, 3 type, 4 parent, 5 active: its id and JSON; nothing
 * when the code is taken */
#define SQL_ORG_UNITS_INSERT \
    "WITH i AS (INSERT INTO org_units (code, name, type, parent_id, active)" \
    "  VALUES (%s::text, %s::text, %s::text, %s::bigint, %s::boolean)" \
    "  ON CONFLICT (code) DO NOTHING RETURNING *)" \
    " SELECT i.id, json_build_object('id', i.id, 'code', i.code, 'name', i.name, 'type', i.type," \
    "  'parent_id', i.parent_id, 'path', i.path, 'active', i.active," \
    "  'created_at', i.created_at, 'updated_at', i.updated_at)::text FROM i"
/* 1 id: what a PATCH merges into, and the unit as it was, locked */
#define SQL_ORG_UNITS_LOCK \
    "SELECT code, name, type, parent_id, active, pd_org_unit_json(id) FROM org_units" \
    " WHERE id = %s::bigint FOR UPDATE"
/* 1 code, 2 name, 3 type, 4 parent, 5 active, 6 id, 7 code, 8 id: nothing
 * when another unit has the code */
#define SQL_ORG_UNITS_UPDATE \
    "UPDATE org_units SET code = %s::text, name = %s::text, type = %s::text," \
    " parent_id = %s::bigint, active = %s::boolean, updated_at = now()" \
    " WHERE id = %s::bigint" \
    " AND NOT EXISTS (SELECT 1 FROM org_units o WHERE o.code = %s::text AND o.id <> %s::bigint)" \
    " RETURNING id"
/* 1 id */
#define SQL_ORG_UNITS_JSON \
    "SELECT pd_org_unit_json(%s::bigint)"

/* 1-2 unit scope, 3-4 unit, 5-6 kind: every contact, by unit and kind */
#define SQL_ORG_UNIT_CONTACTS_LIST \
    "SELECT json_build_object('items', coalesce(json_agg(pd_org_unit_contact_json(c.id)::json" \
    "  ORDER BY c.org_unit_id, c.kind, c.id), '[]'))::text" \
    " FROM (SELECT c.* FROM org_unit_contacts c JOIN org_units u ON u.id = c.org_unit_id" \
    "  WHERE " ORG_IN_SCOPE \
    "  AND (%s::bigint IS NULL OR c.org_unit_id = %s::bigint)" \
    "  AND (%s::text IS NULL OR c.kind = %s::text)" \
    "  ORDER BY c.org_unit_id, c.kind, c.id LIMIT 5000) c"
/* 1 unit, 2 user: whether each is active, NULL when there is no such row */
#define SQL_ORG_UNIT_CONTACTS_REFS \
    "SELECT (SELECT active FROM org_units WHERE id = %s::bigint)," \
    " (SELECT active FROM users WHERE id = %s::bigint)"
/* 1 unit, 2 kind, 3 user, 4 name, 5 WhatsApp number: its id and JSON;
 * nothing when the unit has a contact of that kind already (lead, kadis) */
#define SQL_ORG_UNIT_CONTACTS_INSERT \
    "WITH i AS (INSERT INTO org_unit_contacts (org_unit_id, kind, user_id, name, whatsapp_number)" \
    "  VALUES (%s::bigint, %s::text, %s::bigint, %s::text, %s::text)" \
    "  ON CONFLICT DO NOTHING RETURNING *)" \
    " SELECT i.id, json_build_object('id', i.id, 'org_unit_id', i.org_unit_id, 'kind', i.kind," \
    "  'user_id', i.user_id, 'name', coalesce(i.name, us.name)," \
    "  'whatsapp_number', coalesce(i.whatsapp_number, us.whatsapp_number)," \
    "  'user_name', us.name, 'user_active', us.active," \
    "  'created_at', i.created_at, 'updated_at', i.updated_at)::text" \
    " FROM i LEFT JOIN users us ON us.id = i.user_id"
/* 1 id: what a PATCH merges into, and the contact as it was, locked */
#define SQL_ORG_UNIT_CONTACTS_LOCK \
    "SELECT org_unit_id, kind, user_id, name, whatsapp_number, pd_org_unit_contact_json(id)" \
    " FROM org_unit_contacts WHERE id = %s::bigint FOR UPDATE"
/* 1 unit, 2 kind, 3 user, 4 name, 5 number, 6 id, 7 kind, 8 unit, 9 id:
 * nothing when the unit has another contact of that one-only kind */
#define SQL_ORG_UNIT_CONTACTS_UPDATE \
    "UPDATE org_unit_contacts SET org_unit_id = %s::bigint, kind = %s::text, user_id = %s::bigint," \
    " name = %s::text, whatsapp_number = %s::text, updated_at = now() WHERE id = %s::bigint" \
    " AND NOT EXISTS (SELECT 1 FROM org_unit_contacts o WHERE o.kind = %s::text" \
    "  AND o.kind IN ('lead', 'kadis') AND o.org_unit_id = %s::bigint AND o.id <> %s::bigint)" \
    " RETURNING id"
/* 1 id */
#define SQL_ORG_UNIT_CONTACTS_DELETE \
    "DELETE FROM org_unit_contacts WHERE id = %s::bigint RETURNING id"
/* 1 id */
#define SQL_ORG_UNIT_CONTACTS_JSON \
    "SELECT pd_org_unit_contact_json(%s::bigint)"

/* 1 the unit (NULL: none), 2 a ticket, locked already: moved there when
 * the unit is active (or none is named); its unit before, and whether the
 * named one is active (no row: the ticket is gone) */
#define SQL_TICKETS_ROUTE \
    "WITH u AS (SELECT %s::bigint AS id)," \
    " o AS (SELECT t.id, t.org_unit_id AS was FROM tickets t WHERE t.id = %s::bigint)," \
    " ok AS (SELECT o.*, (SELECT active FROM org_units WHERE id = u.id) AS active FROM o, u)," \
    " m AS (UPDATE tickets t SET org_unit_id = u.id, version = version + 1, updated_at = now()" \
    "  FROM ok, u WHERE t.id = ok.id AND coalesce(ok.active, u.id IS NULL) RETURNING t.id)" \
    " SELECT ok.was, ok.active FROM ok"

/* A user's place: 1-2 whether to set the org unit, and to what, 3-4 the
 * NIP/NIK, 5-6 the institution, 7 the user; 8 the new NIP/NIK again, 9 the
 * user: nothing when another user has that NIP/NIK */
#define SQL_USERS_ORG_SET \
    "UPDATE users SET org_unit_id = CASE WHEN %s::boolean THEN %s::bigint ELSE org_unit_id END," \
    " nip_nik = CASE WHEN %s::boolean THEN %s::text ELSE nip_nik END," \
    " institution = CASE WHEN %s::boolean THEN %s::text ELSE institution END" \
    " WHERE id = %s::bigint" \
    " AND NOT EXISTS (SELECT 1 FROM users o WHERE o.nip_nik = %s::text AND o.id <> %s::bigint)" \
    " RETURNING id"

/* 1 unit scope, 2 search text (NULL: all) */
#define SQL_ORG_DIRECTORY \
    "SELECT json_build_object('items', pd_org_directory_json(%s::bigint, %s::text)::json)::text"

/* ---- the front desk: visitors and letters that open cases (migration 0061) ---- */

/* 1 a unit: a row when it is a root, with its settings' JSON (NULL: none) */
#define SQL_FRONT_DESKS_GET \
    "SELECT pd_front_desk_json(u.id) FROM org_units u WHERE u.id = %s::bigint AND u.parent_id IS NULL"
/* 1 root, 2 client (a pharmacy), 3 module, 4 visitor category, 5 letter
 * category: set when each is active and the client has no customer
 * accounts (they would see the office's cases); its root's id */
#define SQL_FRONT_DESKS_PUT \
    "INSERT INTO front_desks (root_unit_id, pharmacy_id, module_id, visitor_category_id," \
    " surat_category_id)" \
    " SELECT u.id, p.id, m.id, v.id, s.id FROM org_units u, pharmacies p, ticket_modules m," \
    "  ticket_categories v, ticket_categories s" \
    " WHERE u.id = %s::bigint AND u.parent_id IS NULL AND p.id = %s::bigint AND p.active" \
    " AND m.id = %s::bigint AND m.active AND v.id = %s::bigint AND v.active" \
    " AND s.id = %s::bigint AND s.active" \
    " AND NOT EXISTS (SELECT 1 FROM users c WHERE c.pharmacy_id = p.id)" \
    " ON CONFLICT (root_unit_id) DO UPDATE SET pharmacy_id = EXCLUDED.pharmacy_id," \
    " module_id = EXCLUDED.module_id, visitor_category_id = EXCLUDED.visitor_category_id," \
    " surat_category_id = EXCLUDED.surat_category_id, updated_at = now()" \
    " RETURNING root_unit_id"
/* 1 a unit: whether it is active, and what a case for it is filed under
 * (its office's front desk: client, module, the visitor's and the letter's
 * category; NULL when the office has none) */
#define SQL_FRONT_DESK_DEFAULTS \
    "SELECT u.active, f.pharmacy_id, f.module_id, f.visitor_category_id, f.surat_category_id" \
    " FROM org_units u LEFT JOIN front_desks f ON f.root_unit_id = u.path[1] WHERE u.id = %s::bigint"
/* 1 ticket, 2 name, 3 identity number, 4 institution, 5 phone, 6 purpose,
 * 7 unit, 8 source, 9 the receptionist: the visitor written, as v (its
 * answer is built from v: a statement does not see its own writes) */
#define VISITOR_INSERT \
    "WITH v AS (INSERT INTO visitors (ticket_id, name, id_number, institution, phone, purpose," \
    " org_unit_id, source, created_by) VALUES (%s::bigint, %s::text, %s::text, %s::text, %s::text," \
    " %s::text, %s::bigint, %s::text, %s::bigint) RETURNING *)"
/* VISITOR_INSERT's 1-9, 10 whether the identity number shows in full,
 * 11 whether the writer may check the visitor out: the visitor's id and
 * JSON as the staff read it (pd_visitor_json) */
#define SQL_VISITORS_INSERT \
    VISITOR_INSERT " SELECT v.id, pd_visitor_row_json(v::visitors, %s::boolean, %s::boolean) FROM v"
/* 1 whether the identity numbers show in full, 2 whether the caller may
 * check visitors out (pd_visitor_json), 3 ticket scope, 4 only those still
 * in, 5-6 a case (NULL: any): the last 100 visitors, newest first, whose
 * cases are in scope */
#define SQL_VISITORS_LIST \
    "SELECT json_build_object('items', coalesce(json_agg(pd_visitor_json(v.id, %s::boolean," \
    "  %s::boolean)::json ORDER BY v.checked_in_at DESC, v.id DESC), '[]'))::text" \
    " FROM (SELECT v.id, v.checked_in_at FROM visitors v JOIN tickets t ON t.id = v.ticket_id" \
    "  WHERE pd_ticket_in_scope(%s::bigint, t.pharmacy_id, t.org_unit_id)" \
    "  AND (NOT %s::boolean OR v.checked_out_at IS NULL)" \
    "  AND (%s::bigint IS NULL OR v.ticket_id = %s::bigint)" \
    "  ORDER BY v.checked_in_at DESC, v.id DESC LIMIT 100) v"
/* 1 visitor, 2 ticket scope: checked out now, once; nothing when out of
 * scope or out already */
#define SQL_VISITORS_CHECK_OUT \
    "UPDATE visitors v SET checked_out_at = now() FROM tickets t" \
    " WHERE v.id = %s::bigint AND t.id = v.ticket_id" \
    " AND pd_ticket_in_scope(%s::bigint, t.pharmacy_id, t.org_unit_id) AND v.checked_out_at IS NULL" \
    " RETURNING v.id"
/* 1 ticket, 2 number, 3 date, 4 sender, 5 sender's institution, 6 subject,
 * 7 summary, 8 unit, 9 the receptionist: the letter's id and JSON
 * (pd_surat_json), built from the row written */
#define SQL_SURAT_INSERT \
    "WITH s AS (INSERT INTO surat (ticket_id, number, letter_date, sender, sender_institution," \
    " subject, summary, org_unit_id, created_by) VALUES (%s::bigint, %s::text, %s::date, %s::text," \
    " %s::text, %s::text, %s::text, %s::bigint, %s::bigint) RETURNING *)" \
    " SELECT s.id, pd_surat_row_json(s::surat) FROM s"
/* 1 letter, 2 ticket scope */
#define SQL_SURAT_GET \
    "SELECT pd_surat_json(s.id) FROM surat s JOIN tickets t ON t.id = s.ticket_id" \
    " WHERE s.id = %s::bigint AND pd_ticket_in_scope(%s::bigint, t.pharmacy_id, t.org_unit_id)"
/* 1 ticket, locked already: acknowledged now, once; nothing when it was */
#define SQL_TICKETS_ACKNOWLEDGE \
    "UPDATE tickets SET acknowledged_at = now(), version = version + 1, updated_at = now()" \
    " WHERE id = %s::bigint AND acknowledged_at IS NULL RETURNING acknowledged_at"

#endif
