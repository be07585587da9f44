-- One-time codes sent to a mobile number (registration, password reset, a new mobile number,
-- a corrected name). Only a salted hash
-- of the code is kept; `payload` is what the code unlocks (a pending registration, the
-- account whose password may be reset). Rows are deleted once used or expired.
CREATE TABLE one_time_codes (
    ticket     TEXT    PRIMARY KEY,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('register', 'reset_password', 'change_mobile', 'correct_name')),
    mobile     TEXT    NOT NULL,
    code_hash  TEXT    NOT NULL,
    payload    TEXT    NOT NULL,
    created_at INTEGER  NOT NULL,
    expires_at INTEGER  NOT NULL,
    tries      INTEGER NOT NULL DEFAULT 0,
    used_at    INTEGER
);
CREATE INDEX one_time_codes_by_expiry ON one_time_codes (expires_at);

-- How many codes went to one mobile number (or for one ID number) today, and when the last
-- one did: keyed by a hash, never the number itself.
CREATE TABLE code_send_limits (
    limit_key    TEXT    PRIMARY KEY,
    day          INTEGER  NOT NULL,
    sent         INTEGER NOT NULL,
    last_sent_at INTEGER  NOT NULL
);

-- The development message gateway: what would have been sent, for the operator to read
-- (`server outbox`). Never used when a real gateway is configured.
CREATE TABLE message_outbox (
    id         INTEGER PRIMARY KEY,
    mobile     TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER  NOT NULL
);
CREATE INDEX message_outbox_by_mobile ON message_outbox (mobile, id);

-- Login throttles are keyed by hashes from now on; the old rows named clear ID numbers.
DELETE FROM login_throttle;
