-- Which worker produced an annotation (several server processes may share one database),
-- and the registry of issuer signing certificates: copies signed with an older key keep
-- verifying after the key is rotated.
ALTER TABLE annotations ADD COLUMN produced_by TEXT;

CREATE TABLE signing_keys (
    fingerprint TEXT    PRIMARY KEY,
    subject     TEXT    NOT NULL,
    cert_pem    TEXT    NOT NULL,
    not_before  BIGINT  NOT NULL,
    not_after   BIGINT  NOT NULL,
    added_at    BIGINT  NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT FALSE
);
