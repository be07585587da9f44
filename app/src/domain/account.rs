//! Holder accounts and their sessions: who may sign in, and which certificates are theirs.

use super::time::Millis;
use super::{HolderName, IdNumber, Mobile};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HolderId(pub i64);

/// A holder account to create. The password arrives already hashed.
#[derive(Clone, Debug)]
pub struct NewHolder {
    pub id_number: IdNumber,
    pub name: HolderName,
    pub mobile: Mobile,
    pub password_hash: String,
    pub created_at: Millis,
}

/// A holder account as stored.
#[derive(Clone, Debug)]
pub struct Holder {
    pub id: HolderId,
    pub id_number: IdNumber,
    pub name: HolderName,
    pub mobile: Mobile,
    pub password_hash: String,
    pub terms_version: Option<i64>,
    pub terms_accepted_at: Option<Millis>,
    pub created_at: Millis,
}

/// A session to create.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub token_hash: String,
    pub holder: HolderId,
    pub created_at: Millis,
    pub expires_at: Millis,
}

/// A stored session with the holder data the pages need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub holder: HolderId,
    pub owner: Owner,
    pub terms_version: Option<i64>,
    pub created_at: Millis,
    pub last_seen_at: Millis,
    pub expires_at: Millis,
}

/// How failed logins lock a key (an account or a client address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures counted within this window…
    pub window_ms: i64,
    /// …up to this many…
    pub max_failures: i64,
    /// …lock the key for this long.
    pub lock_ms: i64,
}

/// Whose certificates: a certificate belongs to the holder whose ID type, ID number and name
/// all match its record (after normalisation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub id_number: IdNumber,
    pub name: HolderName,
}
