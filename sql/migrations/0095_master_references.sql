-- The master data that the busiest writes name (users, pharmacies, org
-- units, modules and categories) is checked without a row lock.
--
-- A foreign key checks each new row by locking the row it names (KEY
-- SHARE) until the writer commits. Every create names the same few rows:
-- the desk's user, its unit, its pharmacy, module and category. Concurrent
-- writers locking one row make PostgreSQL write the lock into the row and
-- keep a multixact for each new set of lockers (written to the WAL, copied
-- in full for every locker that joins), so that creates and intakes queue
-- on a handful of hot rows. At a million tickets, runs alternating on two
-- cores, intake gained about 5% with the lookups below and creates were
-- unchanged; no multixact is made any more (docs/benchmarks.md).
--
-- What the keys guaranteed still holds, split between the two sides:
--
-- * A write names only rows that exist: a trigger on each table below
--   looks the rows up when a row is inserted or one of these columns
--   changes, with the statement's fresh snapshot and no lock (the API's
--   statements check more, in the same transaction: that the rows are
--   active and in the caller's scope). It refuses with the foreign key's
--   error code.
-- * A row that something names is never deleted: master data is
--   deactivated, not deleted, and a deletion by hand (or a change of id)
--   is refused by a trigger on the master table while anything names the
--   row. That trigger first takes a SHARE lock on the naming tables, which
--   waits for every writer in flight to commit and holds new ones back
--   until the deletion commits, so that no write can name the row between
--   the check and the deletion. Deleting master data is an operator's rare
--   act; the writes it holds back for that moment are what the locks used
--   to cost every create.
--
-- The tables whose writes are rare (audit, preferences, desks, contacts,
-- imports, views) keep their foreign keys. The service level policies and
-- calendars were done the same way before (migration 0090); their guard
-- is now this one, with the same lock.

ALTER TABLE tickets DROP CONSTRAINT tickets_pharmacy_id_fkey,
                    DROP CONSTRAINT tickets_module_id_fkey,
                    DROP CONSTRAINT tickets_category_id_fkey,
                    DROP CONSTRAINT tickets_org_unit_id_fkey,
                    DROP CONSTRAINT tickets_created_by_fkey,
                    DROP CONSTRAINT tickets_customer_id_fkey,
                    DROP CONSTRAINT tickets_expert_id_fkey,
                    DROP CONSTRAINT tickets_tech_id_fkey;
ALTER TABLE ticket_activities DROP CONSTRAINT ticket_activities_user_id_fkey;
ALTER TABLE ticket_attachments DROP CONSTRAINT ticket_attachments_user_id_fkey;
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_user_id_fkey;
ALTER TABLE visitors DROP CONSTRAINT visitors_created_by_fkey,
                     DROP CONSTRAINT visitors_org_unit_id_fkey;
ALTER TABLE surat DROP CONSTRAINT surat_created_by_fkey,
                  DROP CONSTRAINT surat_org_unit_id_fkey;

-- The refusal of a write that names a missing row: the column, the value
-- and the foreign key's error code, as the key's own error gave them.
CREATE FUNCTION pd_reference_refuse(p_table text, p_column text, p_value bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%.% = % names a row that does not exist', p_table, p_column, p_value
        USING ERRCODE = 'foreign_key_violation';
END
$$;

-- Each table's check is one statement (its plan kept per connection), a
-- probe of the master table's primary key per column that names a row.
CREATE FUNCTION tickets_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing text;
BEGIN
    SELECT CASE
        WHEN NOT EXISTS (SELECT 1 FROM pharmacies x WHERE x.id = NEW.pharmacy_id) THEN 'pharmacy_id'
        WHEN NOT EXISTS (SELECT 1 FROM ticket_modules x WHERE x.id = NEW.module_id) THEN 'module_id'
        WHEN NOT EXISTS (SELECT 1 FROM ticket_categories x WHERE x.id = NEW.category_id) THEN 'category_id'
        WHEN NEW.org_unit_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM org_units x WHERE x.id = NEW.org_unit_id) THEN 'org_unit_id'
        WHEN NEW.created_by IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM users x WHERE x.id = NEW.created_by) THEN 'created_by'
        WHEN NEW.customer_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM users x WHERE x.id = NEW.customer_id) THEN 'customer_id'
        WHEN NEW.expert_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM users x WHERE x.id = NEW.expert_id) THEN 'expert_id'
        WHEN NEW.tech_id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM users x WHERE x.id = NEW.tech_id) THEN 'tech_id'
    END INTO missing;
    IF missing IS NOT NULL THEN
        PERFORM pd_reference_refuse(TG_TABLE_NAME, missing, (to_jsonb(NEW) ->> missing)::bigint);
    END IF;
    RETURN NEW;
END
$$;
-- An update is checked only when it changes what it names (the API's
-- updates write every column of a ticket they may change).
CREATE TRIGGER tickets_references BEFORE INSERT ON tickets FOR EACH ROW
    EXECUTE FUNCTION tickets_references();
CREATE TRIGGER tickets_references_update BEFORE UPDATE OF
        pharmacy_id, module_id, category_id, org_unit_id, created_by, customer_id, expert_id, tech_id
    ON tickets FOR EACH ROW
    WHEN ((OLD.pharmacy_id, OLD.module_id, OLD.category_id, OLD.org_unit_id, OLD.created_by,
           OLD.customer_id, OLD.expert_id, OLD.tech_id)
          IS DISTINCT FROM
          (NEW.pharmacy_id, NEW.module_id, NEW.category_id, NEW.org_unit_id, NEW.created_by,
           NEW.customer_id, NEW.expert_id, NEW.tech_id))
    EXECUTE FUNCTION tickets_references();

-- The timeline, uploads and idempotency keys name one user: the writer.
CREATE FUNCTION pd_user_reference() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM users x WHERE x.id = NEW.user_id) THEN
        PERFORM pd_reference_refuse(TG_TABLE_NAME, 'user_id', NEW.user_id);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER ticket_activities_references BEFORE INSERT OR UPDATE OF user_id
    ON ticket_activities FOR EACH ROW WHEN (NEW.user_id IS NOT NULL)
    EXECUTE FUNCTION pd_user_reference();
CREATE TRIGGER ticket_attachments_references BEFORE INSERT OR UPDATE OF user_id
    ON ticket_attachments FOR EACH ROW
    EXECUTE FUNCTION pd_user_reference();
CREATE TRIGGER idempotency_keys_references BEFORE INSERT OR UPDATE OF user_id
    ON idempotency_keys FOR EACH ROW
    EXECUTE FUNCTION pd_user_reference();

-- A visitor and a letter name their unit and the receptionist (none for a
-- visitor who checked in by themselves).
CREATE FUNCTION pd_intake_references() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM org_units x WHERE x.id = NEW.org_unit_id) THEN
        PERFORM pd_reference_refuse(TG_TABLE_NAME, 'org_unit_id', NEW.org_unit_id);
    ELSIF NEW.created_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users x WHERE x.id = NEW.created_by) THEN
        PERFORM pd_reference_refuse(TG_TABLE_NAME, 'created_by', NEW.created_by);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER visitors_references BEFORE INSERT OR UPDATE OF org_unit_id, created_by
    ON visitors FOR EACH ROW
    EXECUTE FUNCTION pd_intake_references();
CREATE TRIGGER surat_references BEFORE INSERT OR UPDATE OF org_unit_id, created_by
    ON surat FOR EACH ROW
    EXECUTE FUNCTION pd_intake_references();

-- The other side: a master row is not deleted (nor its id changed) while a
-- row of the tables above names it. The SHARE locks come first, so that
-- the check sees every write that could name it (see the top).
CREATE FUNCTION master_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    named text;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
        RETURN NEW;
    END IF;
    CASE TG_TABLE_NAME
    WHEN 'users' THEN
        -- A user who wrote or holds tickets is refused at once through the
        -- indexes, holding no write back; the rest is read under the locks
        -- (a ticket's creator is not indexed: the tickets are read whole).
        SELECT CASE
            WHEN EXISTS (SELECT 1 FROM ticket_activities a WHERE a.user_id = OLD.id) THEN 'ticket_activities'
            WHEN EXISTS (SELECT 1 FROM tickets t
                         WHERE t.customer_id = OLD.id OR t.expert_id = OLD.id OR t.tech_id = OLD.id) THEN 'tickets'
        END INTO named;
        IF named IS NULL THEN
            LOCK TABLE tickets, ticket_activities, ticket_attachments, idempotency_keys, visitors, surat
                IN SHARE MODE;
            SELECT CASE
                WHEN EXISTS (SELECT 1 FROM tickets t
                             WHERE OLD.id IN (t.created_by, t.customer_id, t.expert_id, t.tech_id)) THEN 'tickets'
                WHEN EXISTS (SELECT 1 FROM ticket_activities a WHERE a.user_id = OLD.id) THEN 'ticket_activities'
                WHEN EXISTS (SELECT 1 FROM ticket_attachments a WHERE a.user_id = OLD.id) THEN 'ticket_attachments'
                WHEN EXISTS (SELECT 1 FROM visitors v WHERE v.created_by = OLD.id) THEN 'visitors'
                WHEN EXISTS (SELECT 1 FROM surat s WHERE s.created_by = OLD.id) THEN 'surat'
            END INTO named;
            -- a user's idempotency keys go with the user, as their foreign
            -- key's ON DELETE CASCADE did
            IF named IS NULL AND TG_OP = 'DELETE' THEN
                DELETE FROM idempotency_keys k WHERE k.user_id = OLD.id;
            ELSIF named IS NULL AND EXISTS (SELECT 1 FROM idempotency_keys k WHERE k.user_id = OLD.id) THEN
                named := 'idempotency_keys';
            END IF;
        END IF;
    WHEN 'org_units' THEN
        LOCK TABLE tickets, visitors, surat IN SHARE MODE;
        SELECT CASE
            WHEN EXISTS (SELECT 1 FROM tickets t WHERE t.org_unit_id = OLD.id) THEN 'tickets'
            WHEN EXISTS (SELECT 1 FROM visitors v WHERE v.org_unit_id = OLD.id) THEN 'visitors'
            WHEN EXISTS (SELECT 1 FROM surat s WHERE s.org_unit_id = OLD.id) THEN 'surat'
        END INTO named;
    ELSE
        -- the others only tickets name (no index orders them by policy or
        -- calendar: for those the tickets are read whole)
        LOCK TABLE tickets IN SHARE MODE;
        IF (TG_TABLE_NAME = 'pharmacies' AND EXISTS (SELECT 1 FROM tickets t WHERE t.pharmacy_id = OLD.id))
           OR (TG_TABLE_NAME = 'ticket_modules' AND EXISTS (SELECT 1 FROM tickets t WHERE t.module_id = OLD.id))
           OR (TG_TABLE_NAME = 'ticket_categories'
               AND EXISTS (SELECT 1 FROM tickets t WHERE t.category_id = OLD.id))
           OR (TG_TABLE_NAME = 'sla_policies' AND EXISTS (SELECT 1 FROM tickets t WHERE t.sla_policy_id = OLD.id))
           OR (TG_TABLE_NAME = 'sla_calendars'
               AND EXISTS (SELECT 1 FROM tickets t WHERE t.sla_calendar_id = OLD.id)) THEN
            named := 'tickets';
        END IF;
    END CASE;
    IF named IS NOT NULL THEN
        RAISE EXCEPTION '% % is still named by %; deactivate it instead', TG_TABLE_NAME, OLD.id, named
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER users_referenced BEFORE DELETE OR UPDATE OF id ON users FOR EACH ROW
    EXECUTE FUNCTION master_referenced();
CREATE TRIGGER org_units_referenced BEFORE DELETE OR UPDATE OF id ON org_units FOR EACH ROW
    EXECUTE FUNCTION master_referenced();
CREATE TRIGGER pharmacies_referenced BEFORE DELETE OR UPDATE OF id ON pharmacies FOR EACH ROW
    EXECUTE FUNCTION master_referenced();
CREATE TRIGGER ticket_modules_referenced BEFORE DELETE OR UPDATE OF id ON ticket_modules FOR EACH ROW
    EXECUTE FUNCTION master_referenced();
CREATE TRIGGER ticket_categories_referenced BEFORE DELETE OR UPDATE OF id ON ticket_categories FOR EACH ROW
    EXECUTE FUNCTION master_referenced();

-- The policies' and calendars' guard (migration 0090) is this one now, so
-- that it takes the same lock before it looks.
DROP TRIGGER sla_policies_referenced ON sla_policies;
DROP TRIGGER sla_calendars_referenced ON sla_calendars;
DROP FUNCTION sla_referenced_delete();
CREATE TRIGGER sla_policies_referenced BEFORE DELETE OR UPDATE OF id ON sla_policies FOR EACH ROW
    EXECUTE FUNCTION master_referenced();
CREATE TRIGGER sla_calendars_referenced BEFORE DELETE OR UPDATE OF id ON sla_calendars FOR EACH ROW
    EXECUTE FUNCTION master_referenced();
