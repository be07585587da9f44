-- File bytes move to a content-addressed blob table (keyed by their SHA-256), behind the
-- BlobStore interface, so that an object store can take them over later without touching
-- the certificate_files metadata.
CREATE TABLE file_blobs (
    sha256  TEXT    PRIMARY KEY,
    size    INTEGER NOT NULL,
    content BLOB    NOT NULL
);
INSERT OR IGNORE INTO file_blobs (sha256, size, content)
    SELECT sha256, size, content FROM certificate_files;
ALTER TABLE certificate_files DROP COLUMN content;
