-- Instants are INTEGER milliseconds since the Unix epoch (UTC); calendar dates are TEXT
-- 'YYYY-MM-DD'. The PostgreSQL schema mirrors this one column for column.

CREATE TABLE holders (
    id                INTEGER PRIMARY KEY,
    id_type           TEXT    NOT NULL,
    id_number         TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    mobile            TEXT    NOT NULL,
    password_hash     TEXT    NOT NULL,
    terms_version     INTEGER,
    terms_accepted_at INTEGER,
    created_at        INTEGER NOT NULL,
    UNIQUE (id_type, id_number)
);

CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY,
    holder_id    INTEGER NOT NULL REFERENCES holders (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_by_holder ON sessions (holder_id);

CREATE TABLE login_throttle (
    throttle_key TEXT    PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    locked_until INTEGER
);

CREATE TABLE certificates (
    id               INTEGER PRIMARY KEY,
    public_id        TEXT    NOT NULL UNIQUE,
    cert_number      TEXT    NOT NULL UNIQUE,
    holder_id_type   TEXT    NOT NULL,
    holder_id_number TEXT    NOT NULL,
    holder_name      TEXT    NOT NULL,
    qualification    TEXT    NOT NULL,
    level            TEXT    NOT NULL,
    specialty        TEXT    NOT NULL,
    issued_on        TEXT    NOT NULL,
    issuer           TEXT    NOT NULL,
    electronic       BOOLEAN NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('valid', 'revoked')),
    revoked_on       TEXT,
    revoke_reason    TEXT,
    content_hash     TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX certificates_by_owner ON certificates (holder_id_type, holder_id_number, holder_name);

CREATE TABLE certificate_files (
    id             INTEGER PRIMARY KEY,
    public_id      TEXT    NOT NULL UNIQUE,
    certificate_id INTEGER NOT NULL REFERENCES certificates (id) ON DELETE CASCADE,
    file_name      TEXT    NOT NULL,
    content_type   TEXT    NOT NULL,
    size           INTEGER NOT NULL,
    sha256         TEXT    NOT NULL,
    content        BLOB    NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX certificate_files_by_certificate ON certificate_files (certificate_id);

CREATE TABLE annotations (
    id                INTEGER PRIMARY KEY,
    code              TEXT    NOT NULL UNIQUE,
    annotation_number TEXT    NOT NULL UNIQUE,
    certificate_id    INTEGER NOT NULL REFERENCES certificates (id),
    holder_id         INTEGER NOT NULL REFERENCES holders (id),
    scenario          TEXT    NOT NULL,
    validity_days     INTEGER NOT NULL CHECK (validity_days BETWEEN 1 AND 90),
    applied_at        INTEGER NOT NULL,
    applied_on        TEXT    NOT NULL,
    state             TEXT    NOT NULL CHECK (state IN ('queued', 'ready', 'failed')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   INTEGER NOT NULL,
    lease_owner       TEXT,
    lease_until       INTEGER,
    last_error        TEXT,
    produced_at       INTEGER,
    valid_from        INTEGER,
    valid_until       INTEGER,
    pdf               BLOB,
    pdf_sha256        TEXT,
    key_fingerprint   TEXT
);
CREATE INDEX annotations_by_certificate ON annotations (certificate_id, applied_on);
CREATE INDEX annotations_queue ON annotations (state, next_attempt_at);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    actor   TEXT    NOT NULL,
    action  TEXT    NOT NULL,
    subject TEXT    NOT NULL,
    detail  TEXT    NOT NULL
);
CREATE INDEX audit_log_by_subject ON audit_log (subject, at);
