-- The SHA-256 of every e-certificate file the system signed (a pre-cut-off e-certificate is
-- signed afresh at each download), so that a file check accepts only files the system
-- produced: a file signed with a trusted key and carrying an `e-` code, but never handed
-- out, is refused. Annotated copies keep their hash in annotations.pdf_sha256 and files
-- attached by operators in certificate_files.sha256, both stored when they were made.
-- Files downloaded before this table existed were never recorded, so there is nothing to
-- backfill: such a file no longer verifies, and its holder downloads it again.
CREATE TABLE produced_files (
    sha256         TEXT    PRIMARY KEY,
    certificate_id INTEGER NOT NULL REFERENCES certificates (id) ON DELETE CASCADE,
    produced_at    INTEGER NOT NULL
);
