-- Personal numbers at rest, the rest of them (app/src/storage/data_keys.rs). As holders' in
-- 0013: a certificate's `holder_id_number` now holds the keyed lookup hash of the holder's ID
-- type and number (the same HMAC as the holder's `id_number`, so owner matching stays an
-- indexed equality on `certificates_by_owner`), the number itself sealed (AES-256-GCM) in
-- `holder_id_number_enc`; `content_hash` is computed over the lookup hash instead of the
-- number. An appeal's `id_number` holds the lookup hash too (the one-pending-appeal index
-- compares it), the number is sealed in `id_number_enc`, and `mobile` holds the sealed mobile
-- number. Rows written before this migration are converted by the application when it opens
-- the database (in batches, idempotent): the rows whose sealed column is still empty, found by
-- the partial indexes below, which are empty once they are done.
ALTER TABLE certificates ADD COLUMN holder_id_number_enc TEXT;
CREATE INDEX certificates_not_encrypted ON certificates (id) WHERE holder_id_number_enc IS NULL;
ALTER TABLE appeals ADD COLUMN id_number_enc TEXT;
CREATE INDEX appeals_not_encrypted ON appeals (id) WHERE id_number_enc IS NULL;

-- The verification log's `source` is now a keyed hash (HMAC with the lookup key) of who
-- checked; before, it was an unkeyed SHA-256 of the address, which trying all 2^32 IPv4
-- addresses reverses. The old digests, and the repeat keys computed from them, cannot be
-- keyed in SQL: each line written before becomes its own source, as in 0010, so the holder's
-- view no longer groups them, and nothing in the log leads back to an address.
UPDATE verification_log SET source = 'before-0016:' || id, repeat_key = 'before-0016:' || id;
