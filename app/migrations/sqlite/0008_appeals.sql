-- 账号申诉: a person whose ID number someone else registered appeals to the operator. An
-- approved appeal locks the account that held the ID number (kept for the audit trail) and
-- lets the ID number be registered again: the uniqueness of (id_type, id_number) now covers
-- only accounts that are not locked. SQLite cannot drop the table's inline UNIQUE
-- constraint, so `holders` is rebuilt with every column and index (SQLite's documented table
-- rebuild: migrations run on a connection with foreign keys off, see `SqliteStorage::connect`,
-- so sessions and annotations, which refer to the table by name, keep their rows).
CREATE TABLE holders_new (
    id                INTEGER PRIMARY KEY,
    id_type           TEXT    NOT NULL,
    id_number         TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    mobile            TEXT    NOT NULL,
    password_hash     TEXT    NOT NULL,
    terms_version     INTEGER,
    terms_accepted_at INTEGER,
    created_at        INTEGER NOT NULL,
    locked_at         INTEGER
);
INSERT INTO holders_new (id, id_type, id_number, name, mobile, password_hash, terms_version,
    terms_accepted_at, created_at)
    SELECT id, id_type, id_number, name, mobile, password_hash, terms_version,
        terms_accepted_at, created_at FROM holders;
DROP TABLE holders;
ALTER TABLE holders_new RENAME TO holders;
CREATE UNIQUE INDEX holders_login ON holders (id_type, id_number) WHERE locked_at IS NULL;
CREATE INDEX holders_by_id_number ON holders (id_type, id_number);

-- An appeal: a draft until the appellant's code proves the mobile number (then `pending`
-- with an appeal number), then the operator's decision. Drafts whose code expired are
-- deleted with their photo by the sweeper. At most one pending appeal per ID number.
CREATE TABLE appeals (
    id             INTEGER PRIMARY KEY,
    appeal_number  TEXT    UNIQUE,
    ticket         TEXT    NOT NULL UNIQUE,
    id_type        TEXT    NOT NULL,
    id_number      TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    mobile         TEXT    NOT NULL,
    statement      TEXT    NOT NULL,
    photo_sha256   TEXT    NOT NULL,
    photo_type     TEXT    NOT NULL,
    photo_size     INTEGER NOT NULL,
    state          TEXT    NOT NULL CHECK (state IN ('draft', 'pending', 'approved', 'rejected')),
    created_at     INTEGER NOT NULL,
    filed_at       INTEGER,
    decided_at     INTEGER,
    decided_by     TEXT,
    decision_note  TEXT,
    locked_holder  INTEGER REFERENCES holders (id)
);
CREATE UNIQUE INDEX appeals_one_pending ON appeals (id_type, id_number) WHERE state = 'pending';
CREATE INDEX appeals_by_state ON appeals (state, id);
