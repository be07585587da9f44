-- Copies withdrawn when their holder deleted the account (注销账号). The annotation row, its
-- PDF and its link to the account are gone; what remains is what the issuer needs to answer
-- a verifier who still holds the copy: its code and number, the certificate it was made of,
-- and when it was withdrawn. Nothing here names the person.
CREATE TABLE withdrawn_copies (
    code              TEXT    PRIMARY KEY,
    annotation_number TEXT    NOT NULL,
    certificate_id    INTEGER NOT NULL REFERENCES certificates (id),
    applied_on        TEXT    NOT NULL,
    withdrawn_at      INTEGER NOT NULL
);
CREATE INDEX withdrawn_copies_by_certificate ON withdrawn_copies (certificate_id, annotation_number);
