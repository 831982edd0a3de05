/* The texts of the service level statements (calendars, policies), part of
 * the catalogue in pd_sql.c, which includes this file: the ids, labels and
 * parameter counts are in pd_sql.h's one list like every other's. The
 * calendars' and policies' JSON and their writes are functions of
 * migration 0030. */
#ifndef PD_SQL_SLA_H
#define PD_SQL_SLA_H

/* 1 a zone name: whether PostgreSQL knows it */
#define SQL_SLA_ZONE_VALID \
    "SELECT pd_sla_zone_valid(%s::text)"
/* 1 include inactive: every calendar, by name */
#define SQL_SLA_CALENDARS_LIST \
    "SELECT coalesce(json_agg(pd_sla_calendar_json(c.id)::json ORDER BY c.name, c.id), '[]')::text" \
    " FROM sla_calendars c WHERE (%s::boolean OR c.active)"
/* 1 id */
#define SQL_SLA_CALENDARS_GET \
    "SELECT pd_sla_calendar_json(c.id) FROM sla_calendars c WHERE c.id = %s::bigint"
/* 1 id: the calendar as the API shows it, what a PATCH merges into, and
 * whether an active policy uses it, locked */
#define SQL_SLA_CALENDARS_LOCK \
    "SELECT pd_sla_calendar_json(c.id), c.name, c.time_zone, c.active," \
    " EXISTS (SELECT 1 FROM sla_policies p WHERE p.calendar_id = c.id AND p.active)" \
    " FROM sla_calendars c WHERE c.id = %s::bigint FOR UPDATE"
/* 1 name, 2 time zone, 3 active: its id; nothing when the name is taken */
#define SQL_SLA_CALENDARS_INSERT \
    "INSERT INTO sla_calendars (name, time_zone, active) VALUES (%s::text, %s::text, %s::boolean)" \
    " ON CONFLICT (name) DO NOTHING RETURNING id"
/* 1 name, 2 time zone, 3 active, 4 id, 5 name, 6 id: nothing when another
 * calendar has the name */
#define SQL_SLA_CALENDARS_UPDATE \
    "UPDATE sla_calendars SET name = %s::text, time_zone = %s::text, active = %s::boolean," \
    " updated_at = now() WHERE id = %s::bigint" \
    " AND NOT EXISTS (SELECT 1 FROM sla_calendars o WHERE o.name = %s::text AND o.id <> %s::bigint)" \
    " RETURNING id"
/* 1 id, 2 hours, 3 holidays (JSON as pd_sla.c writes them; NULL: kept):
 * replaces them and lays out the calendar's business clock again */
#define SQL_SLA_CALENDARS_SET \
    "SELECT pd_sla_calendar_set(%s::bigint, %s::json, %s::json)"
/* keeps the calendars' clocks three years ahead; how many were extended
 * (0 when another process holds the run) */
#define SQL_SLA_CALENDARS_EXTEND \
    "SELECT pd_sla_calendars_extend()"
/* 1 include inactive: the default policy first, then by name */
#define SQL_SLA_POLICIES_LIST \
    "SELECT coalesce(json_agg(pd_sla_policy_json(p)::json ORDER BY p.is_default DESC, p.name, p.id)," \
    " '[]')::text FROM sla_policies p WHERE (%s::boolean OR p.active)"
/* 1 id */
#define SQL_SLA_POLICIES_GET \
    "SELECT pd_sla_policy_json(p) FROM sla_policies p WHERE p.id = %s::bigint"
/* 1 id: what a PATCH merges into, then the policy as the API shows it,
 * locked */
#define SQL_SLA_POLICIES_LOCK \
    "SELECT p.name, p.description, p.calendar_id, p.pharmacy_id, p.pharmacy_tier, p.category_id," \
    " p.module_id, p.first_response::text, p.resolution::text, p.at_risk_percent, p.alert_at_risk," \
    " p.alert_breached, p.managers_after, p.is_default, p.active, pd_sla_policy_json(p)" \
    " FROM sla_policies p WHERE p.id = %s::bigint FOR UPDATE"
/* Whether the entries a policy names exist and are active (NULL: no such
 * row): 1 calendar, 2 pharmacy, 3 category, 4 module */
#define SQL_SLA_POLICIES_REFS \
    "SELECT (SELECT active FROM sla_calendars WHERE id = %s::bigint)," \
    " (SELECT active FROM pharmacies WHERE id = %s::bigint)," \
    " (SELECT active FROM ticket_categories WHERE id = %s::bigint)," \
    " (SELECT active FROM ticket_modules WHERE id = %s::bigint)"
/* 1 id (NULL: a new one), 2 name, 3 description, 4 calendar, 5 pharmacy,
 * 6 tier, 7 category, 8 module, 9-10 the targets per priority, 11 the
 * at-risk percentage, 12-14 the escalation levels (at risk, breached,
 * the managers' minutes or NULL), 15 active: its id and JSON; nothing when
 * the name or the conditions are another's */
#define SQL_SLA_POLICIES_SAVE \
    "SELECT id, json FROM pd_sla_policy_save(%s::bigint, %s::text, %s::text, %s::bigint," \
    " %s::bigint, %s::text, %s::bigint, %s::bigint, %s::integer[], %s::integer[], %s::smallint," \
    " %s::boolean, %s::boolean, %s::integer, %s::boolean)"
/* 1 policy: the open tickets it governs or now matches take the targets
 * of the policy that matches them now; how many changed */
#define SQL_SLA_POLICIES_RECOMPUTE \
    "SELECT pd_sla_recompute(%s::bigint)"
/* 1 batch: the tickets whose next escalation level has come, reported
 * (migration 0031); how many were taken and how many entries written */
#define SQL_SLA_SWEEP \
    "SELECT taken, entries FROM pd_sla_sweep(%s::integer)"
/* The outcomes' counts as GET /api/sla-compliance answers them (migration
 * 0032): 1 pharmacy scope, 2 pharmacy (NULL: all in scope), 3-4 the days
 * (NULL: the last 30), 5 the grouping */
#define SQL_SLA_COMPLIANCE \
    "SELECT pd_sla_compliance_json(%s::bigint, %s::bigint, %s::date, %s::date, %s::text)"
/* 1 batch: pending outcome changes moved into the counts; how many (0 when
 * another process holds the run) */
#define SQL_SLA_COMPLIANCE_COMPACT \
    "SELECT pd_sla_compliance_compact(%s::integer)"
/* 1 escalated or not, 2 ticket (locked): the flag set or cleared, a change
 * of the ticket */
#define SQL_TICKETS_ESCALATE \
    "UPDATE tickets SET escalated_at = CASE WHEN %s::boolean THEN now() END," \
    " version = version + 1, updated_at = now() WHERE id = %s::bigint"

#endif
