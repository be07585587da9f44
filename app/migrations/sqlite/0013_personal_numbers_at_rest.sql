-- Personal numbers at rest (app/src/storage/data_keys.rs). A holder's `id_number` now holds
-- the keyed lookup hash of the ID type and number (HMAC-SHA256, hex), so the login lookup and
-- the uniqueness rule work on it unchanged; the number itself is sealed (AES-256-GCM) in
-- `id_number_enc`, and `mobile` holds the sealed mobile number. Rows written before this
-- migration are converted by the application when it opens the database (in batches,
-- idempotent): they are the rows whose `id_number_enc` is still empty, found by the partial
-- index below, which is empty once they are done.
ALTER TABLE holders ADD COLUMN id_number_enc TEXT;
CREATE INDEX holders_not_encrypted ON holders (id) WHERE id_number_enc IS NULL;

-- The ids of the keys this database's values depend on: the lookup key (one, forever) and
-- the data keys values are sealed with. A key file without them is refused at start-up.
CREATE TABLE data_keys (
    key_id TEXT NOT NULL PRIMARY KEY,
    kind   TEXT NOT NULL CHECK (kind IN ('lookup', 'data'))
);
