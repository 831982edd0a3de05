-- The front desk: visitors and letters (surat) that arrive at an office and
-- each open a case, a ticket with a type, routed to an org unit.
--
-- A case is a ticket like any other (the timeline, service levels, the
-- dashboard and the reports work for it unchanged), so it needs what every
-- ticket has: a client (the pharmacies table is the helpdesk's clients; the
-- office is one), a module and a category. Each office (a root unit) names
-- them once: its front desk settings.
CREATE TABLE front_desks (
    root_unit_id        bigint PRIMARY KEY REFERENCES org_units (id),
    pharmacy_id         bigint NOT NULL REFERENCES pharmacies (id),
    module_id           bigint NOT NULL REFERENCES ticket_modules (id),
    visitor_category_id bigint NOT NULL REFERENCES ticket_categories (id),
    surat_category_id   bigint NOT NULL REFERENCES ticket_categories (id),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- The case's kind (NULL: a helpdesk ticket), and when its operator
-- acknowledged it (an explicit action, on the timeline).
ALTER TABLE tickets
    ADD COLUMN case_type text CHECK (case_type IN ('visitor', 'surat')),
    ADD COLUMN acknowledged_at timestamptz;

-- How a case arrived: a walk-in, booked ahead (register), the QR self
-- check-in, a letter entered at the desk (surat_form); WhatsApp exists.
ALTER TABLE tickets DROP CONSTRAINT tickets_source_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_source_check
    CHECK (source IN ('customer', 'team_expert', 'internal', 'whatsapp', 'walkin', 'register', 'qr',
                      'surat_form')) NOT VALID;
ALTER TABLE tickets VALIDATE CONSTRAINT tickets_source_check;

CREATE TABLE visitors (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- never a visitor without their case; a case deleted takes its visitor
    ticket_id      bigint NOT NULL UNIQUE REFERENCES tickets (id) ON DELETE CASCADE,
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    id_number      text CHECK (id_number ~ '^[0-9A-Za-z./ -]{4,40}$'),   -- a NIK or another identity number
    institution    text CHECK (length(institution) BETWEEN 1 AND 200),
    phone          text CHECK (length(phone) BETWEEN 4 AND 40),
    purpose        text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 2000),
    org_unit_id    bigint NOT NULL REFERENCES org_units (id),
    source         text NOT NULL CHECK (source IN ('walkin', 'register', 'qr')),
    checked_in_at  timestamptz NOT NULL DEFAULT now(),
    checked_out_at timestamptz,
    created_by     bigint REFERENCES users (id),
    CONSTRAINT visitors_out_after_in CHECK (checked_out_at IS NULL OR checked_out_at >= checked_in_at)
);
CREATE INDEX visitors_in_idx ON visitors (checked_in_at, id);
-- who is still in the building
CREATE INDEX visitors_present_idx ON visitors (checked_in_at, id) WHERE checked_out_at IS NULL;

CREATE TABLE surat (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id          bigint NOT NULL UNIQUE REFERENCES tickets (id) ON DELETE CASCADE,
    number             text NOT NULL CHECK (length(number) BETWEEN 1 AND 100),
    letter_date        date NOT NULL,
    sender             text NOT NULL CHECK (length(sender) BETWEEN 1 AND 200),
    sender_institution text CHECK (length(sender_institution) BETWEEN 1 AND 200),
    subject            text NOT NULL CHECK (length(subject) BETWEEN 1 AND 500),   -- perihal
    summary            text CHECK (length(summary) BETWEEN 1 AND 5000),
    org_unit_id        bigint NOT NULL REFERENCES org_units (id),
    received_at        timestamptz NOT NULL DEFAULT now(),
    created_by         bigint REFERENCES users (id)
);
CREATE INDEX surat_received_idx ON surat (received_at, id);

-- Never a case pointing to nothing: a ticket of a type has its visitor or
-- letter by the end of the transaction that made it.
CREATE FUNCTION tickets_case_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.case_type = 'visitor' AND NOT EXISTS (SELECT 1 FROM visitors WHERE ticket_id = NEW.id)
       OR NEW.case_type = 'surat' AND NOT EXISTS (SELECT 1 FROM surat WHERE ticket_id = NEW.id) THEN
        RAISE EXCEPTION 'case % of type % has no % record', NEW.id, NEW.case_type, NEW.case_type
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER tickets_case_record AFTER INSERT OR UPDATE OF case_type ON tickets
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.case_type IS NOT NULL)
    EXECUTE FUNCTION tickets_case_record();

-- An office's front desk settings as the API shows them (NULL: none yet).
CREATE FUNCTION pd_front_desk_json(p_root bigint) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object('root_unit_id', f.root_unit_id, 'pharmacy_id', f.pharmacy_id,
               'module_id', f.module_id, 'visitor_category_id', f.visitor_category_id,
               'surat_category_id', f.surat_category_id, 'updated_at', f.updated_at)::text
      FROM front_desks f WHERE f.root_unit_id = p_root
$$;

-- A visitor and a letter as the API shows them, with their case.
CREATE FUNCTION pd_visitor_json(p_id bigint) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', v.id, 'ticket_id', v.ticket_id, 'ticket_number', t.number,
               'status', t.status, 'name', v.name, 'id_number', v.id_number,
               'institution', v.institution, 'phone', v.phone, 'purpose', v.purpose,
               'org_unit_id', v.org_unit_id, 'source', v.source, 'checked_in_at', v.checked_in_at,
               'checked_out_at', v.checked_out_at, 'created_by', v.created_by)::text
      FROM visitors v JOIN tickets t ON t.id = v.ticket_id WHERE v.id = p_id
$$;
CREATE FUNCTION pd_surat_json(p_id bigint) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', s.id, 'ticket_id', s.ticket_id, 'ticket_number', t.number,
               'status', t.status, 'number', s.number, 'letter_date', s.letter_date,
               'sender', s.sender, 'sender_institution', s.sender_institution,
               'subject', s.subject, 'summary', s.summary, 'org_unit_id', s.org_unit_id,
               'received_at', s.received_at, 'created_by', s.created_by)::text
      FROM surat s JOIN tickets t ON t.id = s.ticket_id WHERE s.id = p_id
$$;

-- A unit's lead and backup hear of its new cases (the notification
-- relation "unit"): a tech, who otherwise hears of no new ticket, does so
-- in the portal and on WhatsApp unless they turn it off. Techs who are no
-- unit's contact are not concerned by the event at all.
UPDATE notify_role_defaults SET enabled = true
 WHERE role_id = 3 AND event = 'ticket_created' AND channel IN ('portal', 'whatsapp');
