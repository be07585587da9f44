-- Instants are BIGINT milliseconds since the Unix epoch (UTC); calendar dates are TEXT
-- 'YYYY-MM-DD'. The SQLite schema mirrors this one column for column.

CREATE TABLE holders (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id_type           TEXT    NOT NULL,
    id_number         TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    mobile            TEXT    NOT NULL,
    password_hash     TEXT    NOT NULL,
    terms_version     BIGINT,
    terms_accepted_at BIGINT,
    created_at        BIGINT  NOT NULL,
    UNIQUE (id_type, id_number)
);

CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY,
    holder_id    BIGINT  NOT NULL REFERENCES holders (id) ON DELETE CASCADE,
    created_at   BIGINT  NOT NULL,
    last_seen_at BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL
);
CREATE INDEX sessions_by_holder ON sessions (holder_id);

CREATE TABLE login_throttle (
    throttle_key TEXT    PRIMARY KEY,
    failures     BIGINT  NOT NULL,
    window_start BIGINT  NOT NULL,
    locked_until BIGINT
);

CREATE TABLE certificates (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL
);
CREATE INDEX certificates_by_owner ON certificates (holder_id_type, holder_id_number, holder_name);

CREATE TABLE certificate_files (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    public_id      TEXT    NOT NULL UNIQUE,
    certificate_id BIGINT  NOT NULL REFERENCES certificates (id) ON DELETE CASCADE,
    file_name      TEXT    NOT NULL,
    content_type   TEXT    NOT NULL,
    size           BIGINT  NOT NULL,
    sha256         TEXT    NOT NULL,
    content        BYTEA    NOT NULL,
    created_at     BIGINT  NOT NULL
);
CREATE INDEX certificate_files_by_certificate ON certificate_files (certificate_id);

CREATE TABLE annotations (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code              TEXT    NOT NULL UNIQUE,
    annotation_number TEXT    NOT NULL UNIQUE,
    certificate_id    BIGINT  NOT NULL REFERENCES certificates (id),
    holder_id         BIGINT  NOT NULL REFERENCES holders (id),
    scenario          TEXT    NOT NULL,
    validity_days     BIGINT  NOT NULL CHECK (validity_days BETWEEN 1 AND 90),
    applied_at        BIGINT  NOT NULL,
    applied_on        TEXT    NOT NULL,
    state             TEXT    NOT NULL CHECK (state IN ('queued', 'ready', 'failed')),
    attempts          BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at   BIGINT  NOT NULL,
    lease_owner       TEXT,
    lease_until       BIGINT,
    last_error        TEXT,
    produced_at       BIGINT,
    valid_from        BIGINT,
    valid_until       BIGINT,
    pdf               BYTEA,
    pdf_sha256        TEXT,
    key_fingerprint   TEXT
);
CREATE INDEX annotations_by_certificate ON annotations (certificate_id, applied_on);
CREATE INDEX annotations_queue ON annotations (state, next_attempt_at);

CREATE TABLE audit_log (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      BIGINT  NOT NULL,
    actor   TEXT    NOT NULL,
    action  TEXT    NOT NULL,
    subject TEXT    NOT NULL,
    detail  TEXT    NOT NULL
);
CREATE INDEX audit_log_by_subject ON audit_log (subject, at);
