//! The issuer's signing certificates: which keys sign copies, and which still verify.

use super::time::Millis;

/// An issuer signing certificate in the registry (the private key never is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningKeyRecord {
    /// Hex SHA-256 of the certificate (DER).
    pub fingerprint: String,
    pub subject: String,
    pub cert_pem: String,
    pub not_before: Millis,
    pub not_after: Millis,
    pub added_at: Millis,
    pub active: bool,
    /// When it was retired (`server keys retire`): no longer trusted, so what it signed no
    /// longer verifies as valid.
    pub retired_at: Option<Millis>,
}

impl SigningKeyRecord {
    pub fn retired(&self) -> bool {
        self.retired_at.is_some()
    }
}
