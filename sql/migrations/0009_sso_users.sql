-- Single sign-on. People arrive from an identity provider: Apache hands the
-- module REMOTE_USER (the provider's stable subject, `sub`) and the claims.
--
-- subject: the key Apache authenticates, unique; NULL for a user an admin
--   created who has not been linked to a provider account.
-- access_source: who decides the role and pharmacy. 'claims': the identity
--   provider's claims, re-applied at every login; 'admin': an administrator
--   set them by hand, and later logins leave them alone (name and email
--   still follow the provider). See the README, "Who wins".
ALTER TABLE users
    ADD COLUMN subject text UNIQUE
        CHECK (subject IS NULL OR length(subject) BETWEEN 1 AND 255),
    ADD COLUMN access_source text NOT NULL DEFAULT 'admin'
        CHECK (access_source IN ('admin', 'claims'));

-- The identity row as the module reads it, by subject: the same columns for
-- the plain lookup (pd_users_identify) and after a sync (pd_user_sync). A
-- plain SQL function, so the planner inlines it into the lookup.
CREATE FUNCTION pd_user_identity(p_subject text)
RETURNS TABLE (id bigint, name text, role_id integer, pharmacy_id bigint, active boolean,
               version bigint, email text, from_claims boolean, pharmacy_code text,
               last_login bigint)
LANGUAGE sql STABLE AS $$
    SELECT u.id, u.name, coalesce(u.role_id, 0)::integer, coalesce(u.pharmacy_id, 0), u.active,
           (SELECT v.version FROM name_version v), coalesce(u.email, ''),
           u.access_source = 'claims', coalesce(p.code, ''),
           coalesce(floor(extract(epoch FROM u.last_login_at))::bigint, 0)
    FROM users u LEFT JOIN pharmacies p ON p.id = u.pharmacy_id
    WHERE u.subject = p_subject
$$;

-- A login: creates the user from the claims on first sight, and otherwise
-- takes the provider's name and email (when it sends them), records the
-- login, and re-applies the claimed role and pharmacy unless an
-- administrator has set them by hand. p_issued is the token's iat (NULL when
-- it has none). p_role is NULL when the claims grant
-- no role; p_pharmacy (a code) counts only with the customer role, and only
-- for an active pharmacy. The module has cleaned the values to the columns'
-- limits. One statement, so nothing is half-written; two first requests of
-- one person at once both end on the same row.
CREATE FUNCTION pd_user_sync(p_subject text, p_login text, p_name text, p_email text,
                             p_role smallint, p_pharmacy text, p_issued bigint)
RETURNS TABLE (id bigint, name text, role_id integer, pharmacy_id bigint, active boolean,
               version bigint, email text, from_claims boolean, pharmacy_code text,
               last_login bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_pharmacy bigint;
    v_id bigint;
    -- a service's token names nobody: its subject stands in
    v_login text := left(coalesce(p_login, p_subject), 190);
    v_username text;
    v_try integer := 0;
    -- The login's time is the token's issue time when the provider's clock
    -- runs ahead of ours (within ten minutes), so that the same token does
    -- not count as a new login on every request until our clock catches up.
    v_login_at timestamptz := greatest(now(), least(to_timestamp(p_issued), now() + interval '10 minutes'));
BEGIN
    IF p_role = 4 AND p_pharmacy IS NOT NULL THEN
        SELECT ph.id INTO v_pharmacy FROM pharmacies ph WHERE ph.code = p_pharmacy AND ph.active;
    END IF;
    LOOP
        UPDATE users u SET
            name = coalesce(p_name, u.name),
            email = coalesce(p_email, u.email),
            role_id = CASE WHEN u.access_source = 'claims' THEN p_role ELSE u.role_id END,
            pharmacy_id = CASE WHEN u.access_source = 'claims' THEN v_pharmacy ELSE u.pharmacy_id END,
            last_login_at = v_login_at,
            updated_at = CASE WHEN u.name <> coalesce(p_name, u.name)
                                   OR u.email IS DISTINCT FROM coalesce(p_email, u.email)
                              OR (u.access_source = 'claims'
                                  AND (u.role_id IS DISTINCT FROM p_role
                                       OR u.pharmacy_id IS DISTINCT FROM v_pharmacy))
                         THEN now() ELSE u.updated_at END
        WHERE u.subject = p_subject
        RETURNING u.id INTO v_id;
        EXIT WHEN v_id IS NOT NULL;

        -- The username is a readable handle: the provider's login name, or,
        -- when another person holds it, that name with a suffix.
        v_username := CASE WHEN v_try = 0 THEN v_login
                           ELSE v_login || '-' || substr(md5(p_subject || v_try::text), 1, 6) END;
        BEGIN
            INSERT INTO users (subject, username, name, email, role_id, pharmacy_id,
                               access_source, last_login_at)
            VALUES (p_subject, v_username, left(coalesce(p_name, v_login), 200), p_email, p_role,
                    CASE WHEN p_role = 4 THEN v_pharmacy END, 'claims', v_login_at)
            RETURNING users.id INTO v_id;
            EXIT;
        EXCEPTION WHEN unique_violation THEN
            -- the subject (a concurrent first login: the UPDATE now finds
            -- it) or the username (try the next suffix)
            v_try := v_try + 1;
            IF v_try > 8 THEN
                RAISE;
            END IF;
        END;
    END LOOP;
    RETURN QUERY SELECT * FROM pd_user_identity(p_subject);
END
$$;
