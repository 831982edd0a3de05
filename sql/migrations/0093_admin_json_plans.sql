-- The JSON of org units, their contacts, the directory, the front desk's
-- tree, desk tokens, calendars and policies, with the plans of their
-- statements kept for the session.
--
-- Like the front desk's records (migration 0091), they were SQL functions
-- with a FROM clause, which PostgreSQL does not inline where a value is
-- expected: every call from a new statement parsed and planned the body
-- again. The directory, which staff search as they type, spent half its
-- time there: 1.15-1.49 ms a call before, 0.71-0.78 ms as PL/pgSQL, the
-- answers byte for byte the same. The bodies are the same queries.

CREATE OR REPLACE FUNCTION pd_org_unit_json(p_id bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT json_build_object('id', u.id, 'code', u.code, 'name', u.name, 'type', u.type,
                   'parent_id', u.parent_id, 'path', u.path, 'active', u.active,
                   'created_at', u.created_at, 'updated_at', u.updated_at)::text
          FROM org_units u WHERE u.id = p_id
    );
END
$$;

CREATE OR REPLACE FUNCTION pd_org_unit_contact_json(p_id bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT json_build_object('id', c.id, 'org_unit_id', c.org_unit_id, 'kind', c.kind,
                   'user_id', c.user_id, 'name', coalesce(c.name, us.name),
                   'whatsapp_number', coalesce(c.whatsapp_number, us.whatsapp_number),
                   'user_name', us.name, 'user_active', us.active,
                   'created_at', c.created_at, 'updated_at', c.updated_at)::text
          FROM org_unit_contacts c LEFT JOIN users us ON us.id = c.user_id
         WHERE c.id = p_id
    );
END
$$;

CREATE OR REPLACE FUNCTION pd_org_directory_json(p_scope bigint, p_q text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        WITH q AS (SELECT lower(p_q) AS q),
        units AS (
            SELECT u.* FROM org_units u, q
             WHERE u.active AND (p_scope = 0 OR u.path @> ARRAY[p_scope])
               AND (q.q IS NULL
                    OR strpos(lower(u.name), q.q) > 0 OR strpos(lower(u.code), q.q) > 0
                    OR EXISTS (SELECT 1 FROM org_unit_contacts c LEFT JOIN users us ON us.id = c.user_id
                                WHERE c.org_unit_id = u.id
                                  AND strpos(lower(coalesce(c.name, us.name)), q.q) > 0)
                    OR EXISTS (SELECT 1 FROM users us WHERE us.org_unit_id = u.id AND us.active
                                  AND strpos(lower(us.name), q.q) > 0))
             ORDER BY u.path LIMIT 500)
        SELECT coalesce(json_agg(json_build_object(
                   'id', u.id, 'code', u.code, 'name', u.name, 'type', u.type,
                   'parent_id', u.parent_id, 'depth', cardinality(u.path) - 1,
                   'contacts', (SELECT coalesce(json_agg(pd_org_unit_contact_json(c.id)::json
                                                         ORDER BY c.kind, c.id), '[]')
                                  FROM org_unit_contacts c WHERE c.org_unit_id = u.id),
                   'people', (SELECT coalesce(json_agg(json_build_object(
                                         'id', us.id, 'name', us.name, 'role', r.code,
                                         'institution', us.institution,
                                         'whatsapp_number', us.whatsapp_number, 'email', us.email)
                                     ORDER BY us.name, us.id), '[]')
                                FROM (SELECT * FROM users us WHERE us.org_unit_id = u.id AND us.active
                                      ORDER BY us.name, us.id LIMIT 200) us
                                LEFT JOIN roles r ON r.id = us.role_id))
               ORDER BY u.path), '[]')::text
          FROM units u
    );
END
$$;

CREATE OR REPLACE FUNCTION pd_front_desk_json(p_root bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT json_build_object('root_unit_id', f.root_unit_id, 'pharmacy_id', f.pharmacy_id,
                   'module_id', f.module_id, 'visitor_category_id', f.visitor_category_id,
                   'surat_category_id', f.surat_category_id, 'updated_at', f.updated_at)::text
          FROM front_desks f WHERE f.root_unit_id = p_root
    );
END
$$;

CREATE OR REPLACE FUNCTION pd_desk_token_json(p_id bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT json_build_object('id', d.id, 'public_id', d.public_id, 'name', d.name,
                   'org_unit_id', d.org_unit_id,
                   'org_unit_name', (SELECT u.name FROM org_units u WHERE u.id = d.org_unit_id),
                   'unit_choices', coalesce((SELECT json_agg(json_build_object('id', u.id, 'name', u.name)
                                                     ORDER BY array_position(d.unit_choices, u.id))
                                              FROM org_units u WHERE u.id = ANY (d.unit_choices)), '[]'),
                   'expires_at', d.expires_at, 'created_at', d.created_at, 'created_by', d.created_by,
                   'revoked_at', d.revoked_at, 'revoked_by', d.revoked_by,
                   'active', d.revoked_at IS NULL AND (d.expires_at IS NULL OR d.expires_at > now()))::text
          FROM desk_tokens d WHERE d.id = p_id
    );
END
$$;

CREATE OR REPLACE FUNCTION pd_sla_calendar_json(p_cal bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT json_build_object('id', c.id, 'name', c.name, 'time_zone', c.time_zone,
            'hours', (SELECT json_object_agg(d.name, coalesce(
                          (SELECT json_agg(json_build_object('from', to_char(h.starts, 'HH24:MI'),
                                                             'to', CASE WHEN h.ends = '24:00' THEN '24:00'
                                                                        ELSE to_char(h.ends, 'HH24:MI') END)
                                           ORDER BY h.starts)
                           FROM sla_calendar_hours h WHERE h.calendar_id = c.id AND h.weekday = d.n), '[]')
                          ORDER BY d.n)
                      FROM (VALUES (1, 'mon'), (2, 'tue'), (3, 'wed'), (4, 'thu'), (5, 'fri'), (6, 'sat'),
                                   (7, 'sun')) AS d (n, name)),
            'holidays', coalesce((SELECT json_agg(json_build_object('date', x.day, 'name', x.name) ORDER BY x.day)
                                  FROM sla_holidays x WHERE x.calendar_id = c.id), '[]'),
            'active', c.active, 'created_at', c.created_at, 'updated_at', c.updated_at)::text
        FROM sla_calendars c WHERE c.id = p_cal
    );
END
$$;

CREATE OR REPLACE FUNCTION pd_sla_policy_json(p sla_policies) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
        SELECT json_build_object('id', p.id, 'name', p.name, 'description', p.description,
            'calendar', json_build_object('id', c.id, 'name', c.name),
            'pharmacy_id', p.pharmacy_id, 'pharmacy_tier', p.pharmacy_tier,
            'category_id', p.category_id, 'module_id', p.module_id,
            'targets', json_build_object(
                'low', json_build_object('first_response', p.first_response[1], 'resolution', p.resolution[1]),
                'medium', json_build_object('first_response', p.first_response[2], 'resolution', p.resolution[2]),
                'high', json_build_object('first_response', p.first_response[3], 'resolution', p.resolution[3]),
                'urgent', json_build_object('first_response', p.first_response[4], 'resolution', p.resolution[4])),
            'at_risk_percent', p.at_risk_percent,
            'escalation', json_build_object('at_risk', p.alert_at_risk, 'breached', p.alert_breached,
                                            'managers_after_minutes', p.managers_after),
            'specificity', p.specificity, 'is_default', p.is_default,
            'active', p.active, 'created_at', p.created_at, 'updated_at', p.updated_at)::text
        FROM sla_calendars c WHERE c.id = p.calendar_id
    );
END
$$;
