-- The verification log keeps only checks of what the system issued, counts repeats instead of
-- listing them, and is kept for a configured time (--verification-log-retention-days).
--
-- source:        a SHA-256 digest of who checked (the client's address or IPv6 /64, or the API
--                key), never the address itself; the holder's view shows a few lines per source.
-- repeat_key:    a digest of source, certificate, copy, method, verdict and purpose;
-- repeat_window: the fixed ten-minute window of the first check. A repeat within the window
--                adds to `repeats` (and moves `last_at`) instead of adding a line: one
--                statement, INSERT … ON CONFLICT (repeat_key, repeat_window), shared by every
--                server process.
DELETE FROM verification_log WHERE certificate_id IS NULL;
ALTER TABLE verification_log ADD COLUMN source TEXT;
ALTER TABLE verification_log ADD COLUMN repeat_key TEXT;
ALTER TABLE verification_log ADD COLUMN repeat_window INTEGER;
ALTER TABLE verification_log ADD COLUMN repeats INTEGER NOT NULL DEFAULT 0;
ALTER TABLE verification_log ADD COLUMN last_at INTEGER;
-- Lines from before: each its own source, so none of them is folded into another.
UPDATE verification_log SET source = 'before-0010:' || id, last_at = at;
CREATE UNIQUE INDEX verification_log_repeats ON verification_log (repeat_key, repeat_window);
CREATE INDEX verification_log_by_time ON verification_log (at);

-- Keys of bulk verifiers (HR systems) for the public API, managed by `server api-keys`.
-- Only a SHA-256 digest of the key is stored; `prefix` (its first characters) names it in
-- lists and when revoking. A request with a key counts against the key's daily quota instead
-- of the per-address limits.
CREATE TABLE api_keys (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    prefix      TEXT    NOT NULL UNIQUE,
    key_hash    TEXT    NOT NULL UNIQUE,
    daily_quota INTEGER  NOT NULL CHECK (daily_quota > 0),
    created_at  INTEGER  NOT NULL,
    revoked_at  INTEGER
);

-- Requests per key and China calendar day (days since 1970-01-01 in UTC+8), counted by one
-- statement that refuses to count past the quota, so concurrent requests from any process
-- are admitted exactly up to it.
CREATE TABLE api_key_usage (
    key_id INTEGER NOT NULL REFERENCES api_keys (id),
    day    INTEGER NOT NULL,
    count  INTEGER NOT NULL,
    PRIMARY KEY (key_id, day)
);
