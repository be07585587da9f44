-- Verifiable credentials (issue 16). The Ed25519 keys that sign them: the private key is a
-- file in the data directory's key store, only the public key (Multikey) is here, one of them
-- active. A retired key leaves the issuer's DID document: what it signed stops verifying.
CREATE TABLE credential_keys (
    public_key TEXT    PRIMARY KEY,
    added_at   INTEGER NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT FALSE,
    retired_at INTEGER
);

-- Each annotated copy issued as a credential has one entry in a revocation status list
-- (Bitstring Status List, 131,072 entries a list), at a random index so that the list does
-- not tell when a copy was issued. Keyed by the copy's code, not the annotation row: a copy
-- withdrawn with its holder's account keeps its entry (and its bit set); no person is named.
CREATE TABLE credential_status (
    list            INTEGER NOT NULL,
    idx             INTEGER NOT NULL,
    annotation_code TEXT    NOT NULL UNIQUE,
    allocated_at    INTEGER NOT NULL,
    PRIMARY KEY (list, idx)
);
