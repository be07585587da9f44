-- 账号申诉: a person whose ID number someone else registered appeals to the operator. An
-- approved appeal locks the account that held the ID number (kept for the audit trail) and
-- lets the ID number be registered again: the uniqueness of (id_type, id_number) now covers
-- only accounts that are not locked.
ALTER TABLE holders ADD COLUMN locked_at BIGINT;
ALTER TABLE holders DROP CONSTRAINT holders_id_type_id_number_key;
CREATE UNIQUE INDEX holders_login ON holders (id_type, id_number) WHERE locked_at IS NULL;
CREATE INDEX holders_by_id_number ON holders (id_type, id_number);

-- An appeal: a draft until the appellant's code proves the mobile number (then `pending`
-- with an appeal number), then the operator's decision. Drafts whose code expired are
-- deleted with their photo by the sweeper. At most one pending appeal per ID number.
CREATE TABLE appeals (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    appeal_number  TEXT    UNIQUE,
    ticket         TEXT    NOT NULL UNIQUE,
    id_type        TEXT    NOT NULL,
    id_number      TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    mobile         TEXT    NOT NULL,
    statement      TEXT    NOT NULL,
    photo_sha256   TEXT    NOT NULL,
    photo_type     TEXT    NOT NULL,
    photo_size     BIGINT  NOT NULL,
    state          TEXT    NOT NULL CHECK (state IN ('draft', 'pending', 'approved', 'rejected')),
    created_at     BIGINT  NOT NULL,
    filed_at       BIGINT,
    decided_at     BIGINT,
    decided_by     TEXT,
    decision_note  TEXT,
    locked_holder  BIGINT  REFERENCES holders (id)
);
CREATE UNIQUE INDEX appeals_one_pending ON appeals (id_type, id_number) WHERE state = 'pending';
CREATE INDEX appeals_by_state ON appeals (state, id);
