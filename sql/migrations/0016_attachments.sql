-- Attachment storage in PostgreSQL itself (the default store; see
-- docs/design.md, "Attachments storage"): one backup and one replica carry
-- tickets and files alike.
--
-- An object is an attachment_blobs row; its bytes are attachment_chunks rows
-- of chunk_size bytes (the last one shorter). Chunked bytea rather than large
-- objects: rows go with the transaction, the cascade and logical dumps like
-- everything else, need no lo_unlink bookkeeping or vacuumlo, and a Range
-- reads only the chunks it covers.
CREATE TABLE attachment_blobs (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chunk_size integer NOT NULL CHECK (chunk_size BETWEEN 4096 AND 1048576),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE attachment_chunks (
    blob_id bigint NOT NULL REFERENCES attachment_blobs (id) ON DELETE CASCADE,
    seq     integer NOT NULL CHECK (seq >= 0),
    data    bytea NOT NULL CHECK (length(data) BETWEEN 1 AND 1048576),
    PRIMARY KEY (blob_id, seq)
);
-- Out of line and uncompressed: images, PDFs and archives do not compress,
-- and substring() of an uncompressed value fetches only the pages it needs.
ALTER TABLE attachment_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- Where each attachment's bytes are: the store's name and its key there
-- (for PostgreSQL the blob's id). No attachment could be written before this
-- migration, so the columns need no default for old rows.
ALTER TABLE ticket_attachments
    ADD COLUMN storage text NOT NULL CHECK (storage IN ('postgresql')),
    ADD COLUMN storage_key text NOT NULL CHECK (length(storage_key) BETWEEN 1 AND 255),
    ADD CONSTRAINT ticket_attachments_storage_key UNIQUE (storage, storage_key);

-- Removing an attachment (or its ticket, by the cascade) removes its bytes.
CREATE FUNCTION ticket_attachments_forget_blob() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.storage = 'postgresql' THEN
        DELETE FROM attachment_blobs WHERE id = OLD.storage_key::bigint;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER ticket_attachments_forget_blob AFTER DELETE ON ticket_attachments
    FOR EACH ROW EXECUTE FUNCTION ticket_attachments_forget_blob();

-- The timeline entry of an upload names the attachment (no foreign key: the
-- timeline is append-only, and a key would have to be updated on a delete).
ALTER TABLE ticket_activities ADD COLUMN attachment_id bigint;
