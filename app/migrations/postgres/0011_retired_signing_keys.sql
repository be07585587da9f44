-- A signing key can be retired (`server keys retire`): it is no longer trusted, so copies
-- signed with it stop verifying as valid. NULL: trusted.
ALTER TABLE signing_keys ADD COLUMN retired_at BIGINT;
