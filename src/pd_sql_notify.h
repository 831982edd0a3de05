/* The texts of the notification engine's statements (the outbox, the
 * fan-out, the channels, WhatsApp, webhooks and their admin API), part of
 * the catalogue in pd_sql.c, which includes this file: the ids, labels and
 * parameter counts are in pd_sql.h's one list like every other's. Tables
 * and functions are migrations 0021-0023's. */
#ifndef PD_SQL_NOTIFY_H
#define PD_SQL_NOTIFY_H

/* ---- notifications: the background work (migration 0021) ---- */

/* A fan-out's first statement: no ticket is deleted until its
 * transaction ends, nor while one being deleted is not yet gone
 * (migration 0021: deliveries have no foreign key). A statement of its
 * own, so that the take's snapshot comes after the wait. */
#define SQL_NOTIFY_DELIVERIES_LOCK \
    "SELECT pd_notify_fanout_lock(false)"
/* Takes up to 1 events of the outbox, oldest first, skipping those
 * another fan-out holds: deleted in the transaction that writes their
 * deliveries, so back in the outbox should it roll back. With what the
 * rules decide on: the event, its ticket (NULL when it is gone) and its
 * timeline entry: 0 id, 1 event, 2 ticket, 3 entry, 4 status, 5
 * pharmacy, 6 customer, 7 expert, 8 tech (0: none), 9 actor (0: the
 * system), 10 internal, 11 the person an assignment names (taken off:
 * the previous one), 12 the path of the ticket's org unit (NULL: none) */
#define SQL_NOTIFY_OUTBOX_TAKE \
    "WITH o AS (DELETE FROM notify_outbox WHERE id = ANY (ARRAY(SELECT id FROM notify_outbox" \
    "  ORDER BY id LIMIT %s::integer FOR UPDATE SKIP LOCKED)) RETURNING *)" \
    " SELECT o.id, o.event, o.ticket_id, o.activity_id, t.status, t.pharmacy_id," \
    " coalesce(t.customer_id, 0), coalesce(t.expert_id, 0), coalesce(t.tech_id, 0)," \
    " coalesce(a.user_id, 0), coalesce(a.visibility = 'internal', false)," \
    " CASE WHEN a.kind = 'assigned' THEN coalesce(a.new_value, a.old_value) END," \
    " (SELECT ou.path::text FROM org_units ou WHERE ou.id = t.org_unit_id)" \
    " FROM o LEFT JOIN tickets t ON t.id = o.ticket_id" \
    " LEFT JOIN ticket_activities a ON a.id = o.activity_id" \
    " ORDER BY o.id"
/* The active people a batch of events may concern, with the channels
 * each wants each event on (their own choice, else their role's
 * default), among those this server delivers, and can be reached by.
 * The events by their place in the batch: 1 places, 2 events, 3 every
 * team expert, 4 every admin, 5 every manager, 6 a pharmacy whose
 * customers all count (NULL: none), 7 the ticket, 8 its org unit's
 * leads and backups, arrays of the same length; 9-10 the
 * people each names, by place (two arrays of the same length); 11 the
 * team expert role, 12 the admin role, 13 the manager role, 14 the
 * customer role; 15 the channels this server delivers (an array).
 * Columns: place, id, role (0: none), pharmacy (0: none), active, the
 * channels comma-separated, org unit (0: none), whether they are a lead
 * or backup of the ticket's unit; by place, only people
 * who want the event on some channel. A batch concerns the same few
 * people over and over (the team, the admins), so each person's choice
 * is looked up once per event kind (w), not once per event. */
#define SQL_USERS_NOTIFY_CANDIDATES \
    "WITH g AS (SELECT * FROM unnest(%s::integer[], %s::text[], %s::boolean[], %s::boolean[]," \
    "  %s::boolean[], %s::bigint[], %s::bigint[], %s::boolean[])" \
    "  AS g (place, event, team, admins, managers, pharmacy, ticket, units))," \
    " uc AS (SELECT g.place, oc.user_id FROM g JOIN tickets t ON t.id = g.ticket" \
    "  JOIN org_unit_contacts oc ON oc.org_unit_id = t.org_unit_id AND oc.kind IN ('lead', 'backup')" \
    "  WHERE g.units AND oc.user_id IS NOT NULL)," \
    " c AS (SELECT n.place, n.user_id FROM unnest(%s::integer[], %s::bigint[]) AS n (place, user_id)" \
    "  UNION SELECT g.place, u.id FROM g JOIN users u ON g.team AND u.role_id = %s::smallint" \
    "  UNION SELECT g.place, u.id FROM g JOIN users u ON g.admins AND u.role_id = %s::smallint" \
    "  UNION SELECT g.place, u.id FROM g JOIN users u ON g.managers AND u.role_id = %s::smallint" \
    "  UNION SELECT g.place, u.id FROM g JOIN users u ON u.pharmacy_id = g.pharmacy" \
    "   AND u.role_id = %s::smallint" \
    "  UNION SELECT uc.place, uc.user_id FROM uc)," \
    " ce AS (SELECT c.place, c.user_id, g.event FROM c JOIN g ON g.place = c.place)," \
    " w AS MATERIALIZED (SELECT u.id, e.event, u.role_id, u.pharmacy_id, u.active, u.org_unit_id," \
    "  (SELECT string_agg(d.channel, ',' ORDER BY d.channel)" \
    "   FROM notify_role_defaults d LEFT JOIN notify_preferences p" \
    "    ON p.user_id = u.id AND p.event = d.event AND p.channel = d.channel" \
    "   WHERE d.role_id = u.role_id AND d.event = e.event AND d.channel = ANY (%s::text[])" \
    "   AND coalesce(p.enabled, d.enabled)" \
    "   AND (d.channel <> 'email' OR coalesce(u.email, '') <> '')" \
    "   AND (d.channel <> 'whatsapp' OR (u.whatsapp_number IS NOT NULL" \
    "    AND u.whatsapp_opt_in_at IS NOT NULL))) AS channels" \
    "  FROM (SELECT DISTINCT user_id, event FROM ce) e JOIN users u ON u.id = e.user_id AND u.active)" \
    " SELECT ce.place, w.id, coalesce(w.role_id, 0), coalesce(w.pharmacy_id, 0), w.active, w.channels," \
    " coalesce(w.org_unit_id, 0)," \
    " EXISTS (SELECT 1 FROM uc WHERE uc.place = ce.place AND uc.user_id = w.id)" \
    " FROM ce JOIN w ON w.id = ce.user_id AND w.event = ce.event WHERE w.channels IS NOT NULL" \
    " ORDER BY ce.place, w.id"
/* The deliveries of a batch of events, one per recipient and channel:
 * 1 events, 2 tickets, 3 timeline entries, 4 recipients, 5 channels
 * (arrays of the same length); 6 the channels that deliver within this
 * transaction (an array): theirs are sent once it commits. Their ids
 * and channels. */
#define SQL_NOTIFY_DELIVERIES_INSERT \
    "WITH t AS (SELECT %s::text[] AS now_channels)" \
    " INSERT INTO notify_deliveries (event, ticket_id, activity_id, user_id, channel, status," \
    " attempts, sent_at)" \
    " SELECT x.e, x.t, x.a, x.u, x.c," \
    " CASE WHEN x.c = ANY (t.now_channels) THEN 'sent' ELSE 'pending' END," \
    " CASE WHEN x.c = ANY (t.now_channels) THEN 1 ELSE 0 END," \
    " CASE WHEN x.c = ANY (t.now_channels) THEN now() END" \
    " FROM t, unnest(%s::text[], %s::bigint[], %s::bigint[], %s::bigint[], %s::text[])" \
    "  AS x (e, t, a, u, c)" \
    " RETURNING id, channel"
/* Claims up to 3 due deliveries of channel 2, oldest first, skipping
 * what others hold, for 1 seconds (the lease: status sending until
 * then, when another may claim it again), counting the attempt; with
 * what a message needs. Columns: 0 id, 1 event, 2 attempts, 3 ticket,
 * 4 recipient (0: none), 5 their name, 6 e-mail, 7 language, 8 role,
 * 9 pharmacy, 10 active; 11 ticket number, 12 title, 13 priority,
 * 14 status, 15 pharmacy, 16 customer, 17 expert, 18 tech; 19 the
 * pharmacy's name; the entry's 20 field, 21 old value, 22 new value,
 * 23 body, 24 visibility, 25 actor (0: the system), 26 the actor's
 * name; 27-28 the names of the people an assignment names (old, new);
 * 29 when it happened (Unix time, microseconds) */
#define SQL_NOTIFY_DELIVERIES_CLAIM \
    "WITH c AS (UPDATE notify_deliveries d SET status = 'sending', attempts = d.attempts + 1," \
    "  due_at = now() + make_interval(secs => %s::integer)" \
    "  FROM (SELECT id FROM notify_deliveries WHERE channel = %s::text" \
    "   AND status IN ('pending', 'sending', 'failed') AND due_at <= now()" \
    "   ORDER BY due_at, id LIMIT %s::integer FOR UPDATE SKIP LOCKED) n" \
    "  WHERE d.id = n.id RETURNING d.*)" \
    " SELECT c.id, c.event, c.attempts, c.ticket_id, coalesce(c.user_id, 0), u.name, u.email," \
    " u.language, coalesce(u.role_id, 0), coalesce(u.pharmacy_id, 0), coalesce(u.active, false)," \
    " t.number, t.title, t.priority, t.status, t.pharmacy_id, coalesce(t.customer_id, 0)," \
    " coalesce(t.expert_id, 0), coalesce(t.tech_id, 0), p.name," \
    " a.field, a.old_value, a.new_value, a.body, coalesce(a.visibility, 'public')," \
    " coalesce(a.user_id, 0), w.name," \
    " CASE WHEN a.kind = 'assigned' THEN (SELECT o.name FROM users o" \
    "  WHERE o.id = a.old_value::bigint) END," \
    " CASE WHEN a.kind = 'assigned' THEN (SELECT o.name FROM users o" \
    "  WHERE o.id = a.new_value::bigint) END," \
    " floor(extract(epoch FROM coalesce(a.created_at, c.created_at)) * 1000000)::bigint," \
    " coalesce(u.org_unit_id, 0), (SELECT ou.path::text FROM org_units ou WHERE ou.id = t.org_unit_id)" \
    " FROM c JOIN tickets t ON t.id = c.ticket_id JOIN pharmacies p ON p.id = t.pharmacy_id" \
    " LEFT JOIN users u ON u.id = c.user_id" \
    " LEFT JOIN ticket_activities a ON a.id = c.activity_id" \
    " LEFT JOIN users w ON w.id = a.user_id" \
    " ORDER BY c.id"
/* 1 delivery: delivered, by the sender that holds it */
#define SQL_NOTIFY_DELIVERIES_SENT \
    "UPDATE notify_deliveries SET status = 'sent', sent_at = now()" \
    " WHERE id = %s::bigint AND status = 'sending'"
/* Not delivered: 1 failed (a retry after 2 seconds), dead or cancelled,
 * 3 why, 4 delivery; by the sender that holds it */
#define SQL_NOTIFY_DELIVERIES_FAILED \
    "UPDATE notify_deliveries SET status = %s::text," \
    " due_at = now() + make_interval(secs => %s::integer), last_error = %s::text" \
    " WHERE id = %s::bigint AND status = 'sending'"
/* Claimed and not attempted (the process is stopping): due again at
 * once, the attempt not counted. 1 the deliveries (an array) */
#define SQL_NOTIFY_DELIVERIES_RELEASE \
    "UPDATE notify_deliveries SET status = CASE WHEN last_error IS NULL THEN 'pending'" \
    " ELSE 'failed' END, attempts = attempts - 1, due_at = now()" \
    " WHERE id = ANY (%s::bigint[]) AND status = 'sending'"
/* ---- notifications: the API ---- */

/* 1 language, 2 user, 3 the language again: nothing when unchanged */
#define SQL_USERS_SET_LANGUAGE \
    "UPDATE users SET language = %s::text, updated_at = now()" \
    " WHERE id = %s::bigint AND language <> %s::text"
/* A user's choices over their role's defaults: 1 user, 2 role. Rows
 * (event, channel, the default, the user's own or NULL). */
#define SQL_NOTIFY_PREFERENCES_GET \
    "SELECT d.event, d.channel, d.enabled, p.enabled FROM notify_role_defaults d" \
    " LEFT JOIN notify_preferences p ON p.user_id = %s::bigint AND p.event = d.event" \
    "  AND p.channel = d.channel" \
    " WHERE d.role_id = %s::smallint ORDER BY d.event, d.channel"
/* A user's choices: 1-3 events, channels and on/off (arrays of the same
 * length; NULL: back to the role's default), 4 user, 5 user */
#define SQL_NOTIFY_PREFERENCES_SET \
    "WITH x AS (SELECT * FROM unnest(%s::text[], %s::text[], %s::boolean[])" \
    "  AS x (event, channel, enabled))," \
    " reset AS (DELETE FROM notify_preferences p USING x WHERE p.user_id = %s::bigint" \
    "  AND p.event = x.event AND p.channel = x.channel AND x.enabled IS NULL)" \
    " INSERT INTO notify_preferences (user_id, event, channel, enabled)" \
    " SELECT %s::bigint, event, channel, enabled FROM x WHERE enabled IS NOT NULL" \
    " ON CONFLICT (user_id, event, channel) DO UPDATE SET enabled = EXCLUDED.enabled"
/* Every role's defaults: rows (role id, event, channel, on/off) */
#define SQL_NOTIFY_ROLE_DEFAULTS_LIST \
    "SELECT role_id, event, channel, enabled FROM notify_role_defaults" \
    " ORDER BY role_id, event, channel"
/* The same, locked for a change */
#define SQL_NOTIFY_ROLE_DEFAULTS_LOCK \
    "SELECT role_id, event, channel, enabled FROM notify_role_defaults" \
    " ORDER BY role_id, event, channel FOR UPDATE"
/* 1 roles, 2 events, 3 channels, 4 on/off (arrays of the same length) */
#define SQL_NOTIFY_ROLE_DEFAULTS_SET \
    "UPDATE notify_role_defaults d SET enabled = x.enabled" \
    " FROM unnest(%s::smallint[], %s::text[], %s::text[], %s::boolean[])" \
    "  AS x (role_id, event, channel, enabled)" \
    " WHERE d.role_id = x.role_id AND d.event = x.event AND d.channel = x.channel"
/* A user's notifications, newest first: 1 staff (the entries' numbers),
 * 2 user, 3 unread only, 4 pharmacy scope, 5 staff (internal entries),
 * 6-7 before this id (NULL: from the newest), 8 limit. Columns (id,
 * key, json) as the name-sorted pages have them. */
#define SQL_NOTIFICATIONS_LIST \
    "SELECT n.id, n.id::text, " NOTIFICATION_JSON NOTIFICATION_FROM \
    " LEFT JOIN users w ON w.id = a.user_id" \
    " WHERE" NOTIFICATION_MINE " AND (NOT %s::boolean OR n.read_at IS NULL) AND" \
    NOTIFICATION_VISIBLE \
    " AND (%s::bigint IS NULL OR n.id < %s::bigint)" \
    " ORDER BY n.id DESC LIMIT %s::integer"
/* What the bell shows: how many unread (at most 100) and the newest
 * unread's id. 1 user, 2 scope, 3 staff, and the same again. Both walk
 * the unread index from the newest and stop as soon as they have
 * their answer: a max() would read all of a user's unread ones (10 s
 * for 480,000 of them, against 20 ms). */
#define SQL_NOTIFICATIONS_UNREAD \
    "SELECT (SELECT count(*) FROM (SELECT 1" NOTIFICATION_FROM \
    "  WHERE" NOTIFICATION_MINE " AND n.read_at IS NULL AND" NOTIFICATION_VISIBLE \
    "  ORDER BY n.id DESC LIMIT 100) c)," \
    " (SELECT n.id" NOTIFICATION_FROM \
    "  WHERE" NOTIFICATION_MINE " AND n.read_at IS NULL AND" NOTIFICATION_VISIBLE \
    "  ORDER BY n.id DESC LIMIT 1)"
/* 1 notification, 2 its user, 3 scope, 4 staff: read (once; reading
 * again keeps the first time); nothing when it is not theirs to read */
#define SQL_NOTIFICATIONS_READ \
    "UPDATE notify_deliveries n SET read_at = coalesce(n.read_at, now())" \
    " FROM tickets t WHERE n.id = %s::bigint AND" NOTIFICATION_MINE " AND t.id = n.ticket_id" \
    " AND pd_ticket_in_scope(%s::bigint, t.pharmacy_id, t.org_unit_id)" \
    " AND (%s::boolean OR (n.event <> 'internal_note'" \
    " AND NOT EXISTS (SELECT 1 FROM ticket_activities a WHERE a.id = n.activity_id" \
    "  AND a.visibility = 'internal')))" \
    " RETURNING n.id"
/* 1 user: every unread one read, 2-3 up to this id (NULL: all), 4-5
 * about this ticket (NULL: any). Planned with its values: which of the
 * unread index and the key reaches the rows depends on how many the
 * user has and where up_to falls (with a plan for any values, a user
 * without unread ones had every key read) */
#define SQL_NOTIFICATIONS_READ_ALL \
    "UPDATE notify_deliveries n SET read_at = now() WHERE" NOTIFICATION_MINE \
    " AND n.read_at IS NULL AND (%s::bigint IS NULL OR n.id <= %s::bigint)" \
    " AND (%s::bigint IS NULL OR n.ticket_id = %s::bigint)"
/* Every delivery, newest first: 1-2 status, 3-4 channel, 5-6 ticket,
 * 7-8 recipient, 9-10 before this id, 11 limit. Columns (id, key,
 * json). */
#define SQL_NOTIFY_DELIVERIES_LIST \
    "SELECT d.id, d.id::text, " DELIVERY_JSON DELIVERY_FROM("notify_deliveries") \
    " WHERE (%s::text IS NULL OR d.status = %s::text)" \
    " AND (%s::text IS NULL OR d.channel = %s::text)" \
    " AND (%s::bigint IS NULL OR d.ticket_id = %s::bigint)" \
    " AND (%s::bigint IS NULL OR d.user_id = %s::bigint)" \
    " AND (%s::bigint IS NULL OR d.id < %s::bigint)" \
    " ORDER BY d.id DESC LIMIT %s::integer"
/* A ticket's deliveries, oldest first as its timeline: 1 ticket, 2
 * after this id (NULL: from the first), 3 limit. Columns (id, key,
 * json). */
#define SQL_NOTIFY_DELIVERIES_TICKET \
    "SELECT d.id, d.id::text, " DELIVERY_JSON DELIVERY_FROM("notify_deliveries") \
    " WHERE d.ticket_id = %s::bigint AND d.id > coalesce(%s::bigint, 0)" \
    " ORDER BY d.id LIMIT %s::integer"
/* 1 delivery, failed or dead: due again at once, with all its attempts
 * ahead of it; the delivery as it is then */
#define SQL_NOTIFY_DELIVERIES_RETRY \
    "WITH r AS (UPDATE notify_deliveries SET status = 'pending', attempts = 0, due_at = now()" \
    "  WHERE id = %s::bigint AND status IN ('failed', 'dead') RETURNING *)" \
    " SELECT " DELIVERY_JSON DELIVERY_FROM("r")
/* 1 delivery: a row when there is one */
#define SQL_NOTIFY_DELIVERIES_EXISTS \
    "SELECT 1 FROM notify_deliveries WHERE id = %s::bigint"

/* ---- WhatsApp: the channel, the webhook, the numbers (migration 0023) ---- */

/* 1 user: where a message to them goes, and whether they opted in */
#define SQL_USERS_WHATSAPP_RECIPIENT \
    "SELECT whatsapp_number, whatsapp_opt_in_at IS NOT NULL FROM users WHERE id = %s::bigint"
/* 1 the message's id at the provider, 2 delivery: recorded as the API
 * took it */
#define SQL_NOTIFY_DELIVERIES_EXTERNAL \
    "UPDATE notify_deliveries SET external_id = %s::text WHERE id = %s::bigint"
/* What Meta says of a message sent: 1 its wamid, 2 the delivery its
 * callback data names (NULL: none; found by it while the wamid is not
 * recorded yet), 3 sent, delivered, read or failed, 4 a failure's
 * error. A receipt only goes forward (read stays read); a failure of a
 * message the API had taken makes its delivery dead, with the error.
 * The deliveries updated. */
#define SQL_NOTIFY_DELIVERIES_RECEIPT \
    "WITH s AS (SELECT %s::text AS wamid, %s::bigint AS delivery, %s::text AS status," \
    "  %s::text AS error)," \
    " t AS (SELECT d.id, s.wamid, s.error," \
    "  CASE WHEN s.status = 'read' THEN 'read' WHEN s.status = 'delivered'" \
    "   THEN coalesce(d.receipt, 'delivered') ELSE d.receipt END AS receipt," \
    "  s.status = 'failed' AND d.status = 'sent' AS failed" \
    "  FROM s JOIN notify_deliveries d ON d.channel = 'whatsapp'" \
    "   AND (d.external_id = s.wamid OR (d.external_id IS NULL AND d.id = s.delivery))" \
    "  FOR UPDATE OF d)" \
    " UPDATE notify_deliveries d SET external_id = coalesce(d.external_id, t.wamid)," \
    " receipt = t.receipt," \
    " receipt_at = CASE WHEN t.receipt IS DISTINCT FROM d.receipt THEN now() ELSE d.receipt_at END," \
    " status = CASE WHEN t.failed THEN 'dead' ELSE d.status END," \
    " last_error = CASE WHEN t.failed THEN t.error ELSE d.last_error END" \
    " FROM t WHERE d.id = t.id RETURNING d.id"
/* One more request to the webhook from 1 a client address: its count
 * in the current minute, and the seconds until the next */
#define SQL_WHATSAPP_HOOK_HITS_COUNT \
    "WITH w AS (SELECT date_bin('1 minute', now(), timestamptz '2000-01-01 00:00+00') AS start)" \
    " INSERT INTO whatsapp_hook_hits AS h (address, window_start, hits)" \
    " SELECT %s::text, w.start, 1 FROM w" \
    " ON CONFLICT (address) DO UPDATE SET" \
    " hits = CASE WHEN h.window_start = EXCLUDED.window_start THEN h.hits + 1 ELSE 1 END," \
    " window_start = EXCLUDED.window_start" \
    " RETURNING hits," \
    " greatest(1, ceil(extract(epoch FROM window_start + interval '1 minute' - now())))::integer"
/* 1 a message's wamid: a row when it is new (a repeat waits for the
 * first one's transaction, then gets none) */
#define SQL_WHATSAPP_INBOUND_CLAIM \
    "INSERT INTO whatsapp_inbound (wamid, outcome) VALUES (%s::text, 'ignored')" \
    " ON CONFLICT (wamid) DO NOTHING RETURNING 1"
/* What became of it: 1 reply or ticket, 2 the ticket, 3 wamid */
#define SQL_WHATSAPP_INBOUND_RECORD \
    "UPDATE whatsapp_inbound SET outcome = %s::text, ticket_id = %s::bigint WHERE wamid = %s::text"
/* 1 a number (E.164): the user who opted in to it. Columns: id, role
 * (0: none), pharmacy (0: none), active, name */
#define SQL_USERS_WHATSAPP_SENDER \
    "SELECT id, coalesce(role_id, 0), coalesce(pharmacy_id, 0), active, name FROM users" \
    " WHERE whatsapp_number = %s::text AND whatsapp_opt_in_at IS NOT NULL"
/* Every timeline entry of this transaction came by WhatsApp (the
 * default of ticket_activities.channel reads the setting) */
#define SQL_WHATSAPP_CHANNEL_SET \
    "SELECT set_config('pharmadesk.channel', 'whatsapp', true)"
/* 1 customer, 2 their pharmacy: the newest of their tickets that is
 * not solved yet */
#define SQL_TICKETS_WHATSAPP_OPEN \
    "SELECT id FROM tickets WHERE customer_id = %s::bigint AND pharmacy_id = %s::bigint" \
    " AND status IN (" UNSOLVED ") ORDER BY created_at DESC, id DESC LIMIT 1"
/* A customer's ticket from a message, as pd_tickets_insert makes one:
 * 1 the category and 2 the module by name (none, or none active: the
 * first active one), 3 the pharmacy (active), 4 time zone, 5 prefix,
 * 6 pic, 7 contact, 8 title, 9 description, 10 customer, 11 creator.
 * Its id and number; nothing when the pharmacy is no longer active or
 * no category or module is. */
#define SQL_TICKETS_WHATSAPP_INSERT \
    "WITH ref AS (SELECT" \
    "  coalesce((SELECT id FROM ticket_categories WHERE name = %s::text AND active)," \
    "   (SELECT id FROM ticket_categories WHERE active ORDER BY id LIMIT 1)) AS category_id," \
    "  coalesce((SELECT id FROM ticket_modules WHERE name = %s::text AND active)," \
    "   (SELECT id FROM ticket_modules WHERE active ORDER BY id LIMIT 1)) AS module_id," \
    "  (SELECT id FROM pharmacies WHERE id = %s::bigint AND active) AS pharmacy_id)," \
    " y AS (SELECT extract(year FROM now() AT TIME ZONE %s::text)::int AS year)," \
    " ins AS (INSERT INTO tickets (number, pharmacy_id, pic_name, contact, app_version," \
    " module_id, category_id, title, description, priority, source, customer_id, created_by)" \
    " SELECT pd_ticket_number(%s::text, y.year, pd_next_ticket_seq(y.year)), ref.pharmacy_id," \
    " %s::text, %s::text, '', ref.module_id, ref.category_id, %s::text, %s::text," \
    " 'medium', 'whatsapp', %s::bigint, %s::bigint FROM ref, y" \
    " WHERE ref.pharmacy_id IS NOT NULL AND ref.category_id IS NOT NULL" \
    " AND ref.module_id IS NOT NULL RETURNING *)," \
    " act AS (INSERT INTO ticket_activities (ticket_id, user_id, kind, new_value)" \
    " SELECT id, created_by, 'created', 'open' FROM ins)" \
    " SELECT id, number FROM ins"
/* The webhook's counts of minutes past, and the ids of messages taken
 * in more than 30 days ago (Meta stops repeating one after 7), 10,000
 * at a time */
#define SQL_WHATSAPP_FORGET \
    "WITH h AS (DELETE FROM whatsapp_hook_hits WHERE window_start < now() - interval '2 minutes')," \
    " i AS (DELETE FROM whatsapp_inbound WHERE wamid IN (SELECT wamid FROM whatsapp_inbound" \
    "  WHERE received_at < now() - interval '30 days' ORDER BY received_at LIMIT 10000))" \
    " SELECT 1"
/* 1 user: their WhatsApp number and opt-in, locked for a change */
#define SQL_USERS_WHATSAPP_LOCK \
    "SELECT " USER_WHATSAPP_JSON "::text FROM users u WHERE u.id = %s::bigint FOR UPDATE"
/* A change of 1 the user's number and opt-in: 2 whether the number is
 * given, 3 the number (NULL: none), 4 the opt-in: 'set', 'clear' or
 * 'keep'. A new number is not opted in unless the change says so;
 * opting in again keeps the first time; no number, no opt-in. Nothing
 * when another account has opted in to the number. The number and
 * opt-in as they are then. */
#define SQL_USERS_WHATSAPP_SET \
    "WITH x AS (SELECT %s::bigint AS id, %s::boolean AS given, %s::text AS number," \
    "  %s::text AS opt_in)," \
    " n AS (SELECT u.id, u.whatsapp_number AS old, u.whatsapp_opt_in_at AS old_at, x.opt_in," \
    "  CASE WHEN x.given THEN x.number ELSE u.whatsapp_number END AS number" \
    "  FROM users u JOIN x ON x.id = u.id)," \
    " m AS (SELECT n.id, n.number," \
    "  CASE WHEN n.opt_in = 'clear' OR n.number IS NULL THEN NULL" \
    "   WHEN n.number IS DISTINCT FROM n.old THEN CASE WHEN n.opt_in = 'set' THEN now() END" \
    "   WHEN n.opt_in = 'set' THEN coalesce(n.old_at, now())" \
    "   ELSE n.old_at END AS at FROM n)" \
    " UPDATE users u SET whatsapp_number = m.number, whatsapp_opt_in_at = m.at," \
    " updated_at = CASE WHEN (u.whatsapp_number, u.whatsapp_opt_in_at)" \
    "  IS DISTINCT FROM (m.number, m.at) THEN now() ELSE u.updated_at END" \
    " FROM m WHERE u.id = m.id AND NOT (m.at IS NOT NULL AND EXISTS (SELECT 1 FROM users o" \
    "  WHERE o.whatsapp_number = m.number AND o.whatsapp_opt_in_at IS NOT NULL AND o.id <> m.id))" \
    " RETURNING " USER_WHATSAPP_JSON "::text"

/* ---- webhooks: the channel (migration 0022) ---- */

/* One event's webhook deliveries, in the fan-out's transaction: one per
 * active endpoint that takes the event and the ticket's pharmacy, and
 * internal entries (1 the customer role, for the entry's actor), with
 * the payload as things are now. 2 event, 3 ticket, 4 timeline entry
 * (NULL: none), 5 internal, 6 the portal's URL (NULL: unknown). */
#define SQL_WEBHOOK_DELIVERIES_FAN_OUT \
    "INSERT INTO notify_deliveries (event, ticket_id, activity_id, channel, endpoint_id, payload)" \
    " SELECT x.event, t.id, a.id, 'webhook', e.id, json_build_object(" \
    "  'ticket', json_build_object('id', t.id, 'number', t.number, 'title', t.title," \
    "   'description', t.description, 'status', t.status, 'priority', t.priority," \
    "   'source', t.source, 'pharmacy', json_build_object('id', p.id, 'code', p.code, 'name', p.name)," \
    "   'module', (SELECT json_build_object('id', m.id, 'name', m.name) FROM ticket_modules m" \
    "    WHERE m.id = t.module_id)," \
    "   'category', (SELECT json_build_object('id', c.id, 'name', c.name) FROM ticket_categories c" \
    "    WHERE c.id = t.category_id)," \
    "   'customer', " WEBHOOK_PERSON("t.customer_id") ", 'expert', " WEBHOOK_PERSON("t.expert_id") "," \
    "   'tech', " WEBHOOK_PERSON("t.tech_id") ", 'created_at', t.created_at," \
    "   'updated_at', t.updated_at, 'url', x.portal || '#/t/' || t.id)," \
    "  'entry', CASE WHEN a.id IS NULL THEN NULL ELSE (" ACTIVITY_JSON("a.seq") ")::json END," \
    "  'actor', CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id, 'name', u.name," \
    "   'role', r.code) END)" \
    " FROM (SELECT %s::text AS event, %s::bigint AS ticket_id, %s::bigint AS activity_id," \
    "  %s::boolean AS internal, %s::text AS portal) x" \
    " JOIN tickets t ON t.id = x.ticket_id JOIN pharmacies p ON p.id = t.pharmacy_id" \
    " LEFT JOIN ticket_activities a ON a.id = x.activity_id" \
    " LEFT JOIN users u ON u.id = a.user_id LEFT JOIN roles r ON r.id = u.role_id" \
    " JOIN webhook_endpoints e ON e.active" \
    "  AND (cardinality(e.events) = 0 OR x.event = ANY (e.events))" \
    "  AND (cardinality(e.pharmacy_ids) = 0 OR t.pharmacy_id = ANY (e.pharmacy_ids))" \
    "  AND (e.include_internal OR NOT x.internal)" \
    " ORDER BY e.id"
/* What a delivery sends, 1 the delivery: its endpoint (id, URL,
 * secret, active), the event, the body, and whether the endpoint still
 * takes it (an internal entry, after include_internal was turned off) */
#define SQL_WEBHOOK_DELIVERIES_MESSAGE \
    "SELECT e.id, e.url, e.secret, e.active, d.event, " WEBHOOK_BODY "::text," \
    " e.include_internal OR NOT (d.event = 'internal_note' OR coalesce(a.visibility = 'internal', false))" \
    " FROM notify_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id" \
    " LEFT JOIN ticket_activities a ON a.id = d.activity_id" \
    " WHERE d.id = %s::bigint"
/* An attempt of 1 delivery: 2 milliseconds, 3 address, 4 the
 * receiver's status, 5 the start of its answer, 6 why it failed */
#define SQL_WEBHOOK_ATTEMPTS_INSERT \
    "INSERT INTO webhook_attempts (delivery_id, duration_ms, address, response_status," \
    " response_excerpt, error)" \
    " VALUES (%s::bigint, %s::integer, %s::text, %s::smallint, %s::text, %s::text)"
/* A receiver answered 410 Gone: 1 endpoint deactivated, with 2 the
 * reason. The endpoint before and after (for the audit log), when it
 * was active */
#define SQL_WEBHOOK_ENDPOINTS_DISABLE \
    "WITH b AS (SELECT e.id, " WEBHOOK_ENDPOINT_JSON " AS before FROM webhook_endpoints e" \
    "  WHERE e.id = %s::bigint AND e.active FOR UPDATE)" \
    " UPDATE webhook_endpoints e SET active = false, disabled_reason = %s::text, updated_at = now()" \
    " FROM b WHERE e.id = b.id RETURNING b.before, " WEBHOOK_ENDPOINT_JSON

/* ---- webhooks: the admin API ---- */

/* Every endpoint, oldest first: 1 after this id (NULL: from the
 * first), 2 limit. Columns (id, key, json). */
#define SQL_WEBHOOK_ENDPOINTS_LIST \
    "SELECT e.id, e.id::text, " WEBHOOK_ENDPOINT_JSON " FROM webhook_endpoints e" \
    " WHERE e.id > coalesce(%s::bigint, 0) ORDER BY e.id LIMIT %s::integer"
/* 1 endpoint: json, URL, secret */
#define SQL_WEBHOOK_ENDPOINTS_GET \
    "SELECT " WEBHOOK_ENDPOINT_JSON ", e.url, e.secret FROM webhook_endpoints e" \
    " WHERE e.id = %s::bigint"
/* 1 endpoint, locked for a change: URL, description, events and
 * pharmacies (array literals), include_internal, active, json */
#define SQL_WEBHOOK_ENDPOINTS_LOCK \
    "SELECT e.url, e.description, e.events::text, e.pharmacy_ids::text, e.include_internal," \
    " e.active, " WEBHOOK_ENDPOINT_JSON " FROM webhook_endpoints e WHERE e.id = %s::bigint" \
    " FOR UPDATE"
/* 1 URL, 2 description, 3 secret, 4 events, 5 pharmacies (arrays), 6
 * include_internal, 7 active, 8 creator. Its id and json. */
#define SQL_WEBHOOK_ENDPOINTS_INSERT \
    "INSERT INTO webhook_endpoints AS e (url, description, secret, events, pharmacy_ids," \
    " include_internal, active, created_by)" \
    " VALUES (%s::text, %s::text, %s::text, %s::text[], %s::bigint[], %s::boolean, %s::boolean," \
    " %s::bigint) RETURNING e.id, " WEBHOOK_ENDPOINT_JSON
/* 1 URL, 2 description, 3 events, 4 pharmacies, 5 include_internal, 6
 * active (reactivated: the reason it was deactivated goes), 7 the same,
 * 8 endpoint. Its json. */
#define SQL_WEBHOOK_ENDPOINTS_UPDATE \
    "UPDATE webhook_endpoints e SET url = %s::text, description = %s::text, events = %s::text[]," \
    " pharmacy_ids = %s::bigint[], include_internal = %s::boolean, active = %s::boolean," \
    " disabled_reason = CASE WHEN %s::boolean THEN NULL ELSE e.disabled_reason END," \
    " updated_at = now() WHERE e.id = %s::bigint RETURNING " WEBHOOK_ENDPOINT_JSON
/* 1 the new secret, 2 endpoint. Its json. */
#define SQL_WEBHOOK_ENDPOINTS_ROTATE \
    "UPDATE webhook_endpoints e SET secret = %s::text, secret_rotated_at = now()," \
    " updated_at = now() WHERE e.id = %s::bigint RETURNING " WEBHOOK_ENDPOINT_JSON
/* 1 endpoint, with its deliveries and their attempts */
#define SQL_WEBHOOK_ENDPOINTS_DELETE \
    "DELETE FROM webhook_endpoints WHERE id = %s::bigint"
/* How many of 1 (an array of ids) are pharmacies */
#define SQL_PHARMACIES_COUNT \
    "SELECT count(*) FROM pharmacies WHERE id = ANY (%s::bigint[])"
/* 1 endpoint's deliveries, newest first: 2-3 status, 4-5 before this
 * id, 6 limit. Columns (id, key, json). */
#define SQL_WEBHOOK_DELIVERIES_LIST \
    "SELECT d.id, d.id::text, " WEBHOOK_DELIVERY_JSON \
    " FROM notify_deliveries d JOIN tickets t ON t.id = d.ticket_id" \
    " WHERE d.endpoint_id = %s::bigint AND (%s::text IS NULL OR d.status = %s::text)" \
    " AND (%s::bigint IS NULL OR d.id < %s::bigint) ORDER BY d.id DESC LIMIT %s::integer"
/* 1 delivery with its endpoint, the body it sends and its last 50
 * attempts, newest first */
#define SQL_WEBHOOK_DELIVERIES_GET \
    "SELECT json_build_object(" WEBHOOK_DELIVERY_MEMBERS "," \
    " 'endpoint', json_build_object('id', e.id, 'url', e.url), 'body', " WEBHOOK_BODY "::text," \
    " 'attempt_log', (SELECT coalesce(json_agg(json_build_object('at', w.attempted_at," \
    "  'duration_ms', w.duration_ms, 'address', w.address, 'response_status', w.response_status," \
    "  'response_excerpt', w.response_excerpt, 'error', w.error) ORDER BY w.id DESC), '[]')" \
    "  FROM (SELECT * FROM webhook_attempts w WHERE w.delivery_id = d.id" \
    "   ORDER BY w.id DESC LIMIT 50) w))::text" \
    " FROM notify_deliveries d JOIN tickets t ON t.id = d.ticket_id" \
    " JOIN webhook_endpoints e ON e.id = d.endpoint_id" \
    " LEFT JOIN ticket_activities a ON a.id = d.activity_id" \
    " WHERE d.id = %s::bigint"
/* 1 delivery, sent or not, due again at once under its own id with all
 * its attempts ahead of it: not while it is queued or being sent, nor
 * for a deactivated endpoint. The delivery as it is then. */
#define SQL_WEBHOOK_DELIVERIES_REPLAY \
    "WITH r AS (UPDATE notify_deliveries d SET status = 'pending', attempts = 0, due_at = now()" \
    "  FROM webhook_endpoints e WHERE d.id = %s::bigint AND e.id = d.endpoint_id AND e.active" \
    "  AND d.status IN ('sent', 'failed', 'dead', 'cancelled') RETURNING d.*)" \
    " SELECT " WEBHOOK_DELIVERY_JSON " FROM r d JOIN tickets t ON t.id = d.ticket_id"
/* Why 1 delivery cannot be replayed: its status and whether its
 * endpoint is active; no row when it is no webhook delivery */
#define SQL_WEBHOOK_DELIVERIES_STATE \
    "SELECT d.status, e.active FROM notify_deliveries d" \
    " JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = %s::bigint"

#endif
