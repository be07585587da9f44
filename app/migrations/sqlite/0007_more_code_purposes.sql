-- Two more things a one-time code can unlock: an appeal for an ID number someone else
-- registered (the appellant proves a mobile number), and the deletion of an account.
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt.
CREATE TABLE one_time_codes_new (
    ticket     TEXT    PRIMARY KEY,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('register', 'reset_password', 'change_mobile', 'correct_name', 'appeal', 'delete_account')),
    mobile     TEXT    NOT NULL,
    code_hash  TEXT    NOT NULL,
    payload    TEXT    NOT NULL,
    created_at INTEGER  NOT NULL,
    expires_at INTEGER  NOT NULL,
    tries      INTEGER NOT NULL DEFAULT 0,
    used_at    INTEGER
);
INSERT INTO one_time_codes_new SELECT ticket, purpose, mobile, code_hash, payload, created_at, expires_at, tries, used_at FROM one_time_codes;
DROP TABLE one_time_codes;
ALTER TABLE one_time_codes_new RENAME TO one_time_codes;
CREATE INDEX one_time_codes_by_expiry ON one_time_codes (expires_at);
