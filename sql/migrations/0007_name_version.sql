-- The name version: changes whenever a name the API shows beside an id
-- changes (a user's name, a pharmacy's code or name, a module's or category's
-- name or color). The module caches those names per process and reads this
-- version with every request's identity lookup, so a cache is never used
-- after a change: see src/pd_names.h. New rows need no bump (an unknown id is
-- simply looked up), and rows are never deleted through the API.
CREATE TABLE name_version (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    version bigint NOT NULL
);
INSERT INTO name_version (version) VALUES (1);

CREATE FUNCTION name_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE name_version SET version = version + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER users_name_version AFTER UPDATE ON users FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION name_version_bump();
CREATE TRIGGER pharmacies_name_version AFTER UPDATE ON pharmacies FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.code IS DISTINCT FROM NEW.code)
    EXECUTE FUNCTION name_version_bump();
CREATE TRIGGER ticket_modules_name_version AFTER UPDATE ON ticket_modules FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.color IS DISTINCT FROM NEW.color)
    EXECUTE FUNCTION name_version_bump();
CREATE TRIGGER ticket_categories_name_version AFTER UPDATE ON ticket_categories FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.color IS DISTINCT FROM NEW.color)
    EXECUTE FUNCTION name_version_bump();
-- any row removed by hand (never through the API) must not leave a stale name
CREATE TRIGGER users_name_version_delete AFTER DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION name_version_bump();
CREATE TRIGGER pharmacies_name_version_delete AFTER DELETE ON pharmacies
    FOR EACH STATEMENT EXECUTE FUNCTION name_version_bump();
CREATE TRIGGER ticket_modules_name_version_delete AFTER DELETE ON ticket_modules
    FOR EACH STATEMENT EXECUTE FUNCTION name_version_bump();
CREATE TRIGGER ticket_categories_name_version_delete AFTER DELETE ON ticket_categories
    FOR EACH STATEMENT EXECUTE FUNCTION name_version_bump();
