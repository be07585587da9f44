-- Every verification of a certificate or an annotated copy: when, how, the verifier's stated
-- purpose and the verdict. Holders see the checks of their own certificates.
CREATE TABLE verification_log (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             BIGINT  NOT NULL,
    method         TEXT    NOT NULL CHECK (method IN ('code', 'manual', 'file', 'api_code', 'api_manual', 'api_file')),
    certificate_id BIGINT  REFERENCES certificates (id),
    annotation_id  BIGINT  REFERENCES annotations (id),
    verdict        TEXT    NOT NULL,
    purpose        TEXT
);
CREATE INDEX verification_log_by_certificate ON verification_log (certificate_id, at);
