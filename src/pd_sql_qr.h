/* The texts of the QR self check-in's statements (desk tokens, the public
 * check-in, its rate limits), part of the catalogue in pd_sql.c, which
 * includes this file after pd_sql_org.h (whose visitor insert the check-in
 * shares); ids, labels and parameter counts are in pd_sql.h's one list.
 * Tables and JSON are migration 0062's. */
#ifndef PD_SQL_QR_H
#define PD_SQL_QR_H

/* Every desk token, newest first (the module adds each one's token) */
#define SQL_DESK_TOKENS_LIST \
    "SELECT pd_desk_token_json(d.id) FROM desk_tokens d" \
    " ORDER BY d.created_at DESC, d.id DESC LIMIT 500"
/* 1 id: the token */
#define SQL_DESK_TOKENS_GET \
    "SELECT pd_desk_token_json(d.id) FROM desk_tokens d WHERE d.id = %s::bigint"
/* 1 id: the token, locked for a change */
#define SQL_DESK_TOKENS_LOCK \
    "SELECT pd_desk_token_json(d.id) FROM desk_tokens d WHERE d.id = %s::bigint FOR UPDATE"
/* 1 a unit (NULL: none), 2-3 a list of units (NULL: none): whether each
 * named is an active unit */
#define SQL_DESK_TOKENS_UNITS_OK \
    "SELECT (%s::bigint IS NULL OR EXISTS (SELECT 1 FROM org_units u" \
    "  WHERE u.id = %s::bigint AND u.active))" \
    " AND (%s::bigint[] IS NULL OR (SELECT count(*) FROM org_units u" \
    "  WHERE u.id = ANY (%s::bigint[]) AND u.active) = cardinality(%s::bigint[]))"
/* 1 public id, 2 name, 3 unit, 4 units to pick from, 5 days until it
 * expires (NULL: never), 6 the
 * admin: its id */
#define SQL_DESK_TOKENS_INSERT \
    "INSERT INTO desk_tokens (public_id, name, org_unit_id, unit_choices, expires_at, created_by)" \
    " VALUES (%s::text, %s::text, %s::bigint, %s::bigint[], now() + make_interval(days => %s::int)," \
    " %s::bigint)" \
    " RETURNING id"
/* 1 the admin, 2 id: revoked now, once; nothing when revoked already */
#define SQL_DESK_TOKENS_REVOKE \
    "UPDATE desk_tokens SET revoked_at = now(), revoked_by = %s::bigint" \
    " WHERE id = %s::bigint AND revoked_at IS NULL RETURNING id"
/* 1 public id: a token in force (not revoked, not expired): its id, the
 * unit it sends cases to (NULL: the visitor picks), the desk as the public
 * form sees it (its name and the active units), and the account its cases
 * are opened under */
#define SQL_DESK_TOKENS_FIND \
    "SELECT d.id, d.org_unit_id, json_build_object('desk', d.name," \
    "  'unit', (SELECT json_build_object('id', u.id, 'name', u.name) FROM org_units u" \
    "   WHERE u.id = d.org_unit_id AND u.active)," \
    "  'units', coalesce((SELECT json_agg(json_build_object('id', u.id, 'name', u.name)" \
    "   ORDER BY array_position(d.unit_choices, u.id)) FROM org_units u" \
    "   WHERE u.id = ANY (d.unit_choices) AND u.active), '[]'))::text," \
    " (SELECT id FROM users WHERE username = 'qr-checkin')," \
    " coalesce(array_to_string(d.unit_choices, ','), '')" \
    " FROM desk_tokens d WHERE d.public_id = %s::text AND d.revoked_at IS NULL" \
    " AND coalesce(d.expires_at > now(), true)"
/* One more request: 1 window in seconds, 2 kind (client, token), 3 its
 * subject, 4 the window again: the count in the current window and the
 * seconds until the next one */
#define SQL_CHECKIN_HITS_COUNT \
    "WITH w AS (SELECT date_bin(make_interval(secs => %s::int), now()," \
    "  timestamptz '2000-01-01 00:00+00') AS start)" \
    " INSERT INTO checkin_hits AS h (kind, subject, window_start, hits)" \
    " SELECT %s::text, %s::text, w.start, 1 FROM w" \
    " ON CONFLICT (kind, subject) DO UPDATE SET" \
    " hits = CASE WHEN h.window_start = EXCLUDED.window_start THEN h.hits + 1 ELSE 1 END," \
    " window_start = EXCLUDED.window_start" \
    " RETURNING hits, greatest(1, ceil(extract(epoch FROM window_start" \
    "  + make_interval(secs => %s::int) - now())))::integer"
/* Windows past (the longest window is a day) */
#define SQL_CHECKIN_HITS_FORGET \
    "DELETE FROM checkin_hits WHERE window_start < now() - interval '1 day'"
/* VISITOR_INSERT's 1-9 (pd_sql_org.h): the visitor's id and what they are
 * told, their case number and the unit it went to */
#define SQL_VISITORS_INSERT_SELF \
    VISITOR_INSERT " SELECT v.id, json_build_object('case_number', t.number," \
    "  'org_unit_name', u.name, 'checked_in_at', v.checked_in_at)::text" \
    " FROM v JOIN tickets t ON t.id = v.ticket_id JOIN org_units u ON u.id = v.org_unit_id"

#endif
