//! What storage stores and returns. Rows (`Db*`, private to the backends) become these domain
//! records in one place, so the rest of the code never sees an unchecked string.

use crate::domain::annotation::{Scenario, ValidityDays};
use crate::domain::{HolderName, IdNumber, Mobile};
use sha2::{Digest, Sha256};
use time::Date;

/// Milliseconds since the Unix epoch, UTC. Both backends store instants as this integer, which
/// keeps the SQL identical and the ordering exact.
pub type Millis = i64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HolderId(pub i64);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CertificateId(pub i64);

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

/// Whether a certificate stands (有效) or was withdrawn (已撤销). This is the certificate's own
/// validity, not an annotation's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertificateStatus {
    Valid,
    Revoked { on: Date, reason: String },
}

impl CertificateStatus {
    pub fn code(&self) -> &'static str {
        match self {
            CertificateStatus::Valid => "valid",
            CertificateStatus::Revoked { .. } => "revoked",
        }
    }
}

/// A certificate as the issuer records it: the input of imports and of the demo data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRecord {
    /// 管理号, unique across all certificates.
    pub number: String,
    pub holder_id: IdNumber,
    pub holder_name: HolderName,
    pub qualification: String,
    pub level: String,
    pub specialty: String,
    pub issued_on: Date,
    pub issuer: String,
    /// Whether an electronic certificate (电子证书) exists for it.
    pub electronic: bool,
    pub status: CertificateStatus,
}

impl CertificateRecord {
    /// A digest of every field, so that re-importing an unchanged record is recognised as such
    /// without comparing column by column.
    pub fn content_hash(&self) -> String {
        let mut hasher = Sha256::new();
        let (status, revoked_on, reason) = match &self.status {
            CertificateStatus::Valid => ("valid", String::new(), ""),
            CertificateStatus::Revoked { on, reason } => {
                ("revoked", on.to_string(), reason.as_str())
            }
        };
        for field in [
            self.number.as_str(),
            self.holder_id.id_type().code(),
            self.holder_id.as_str(),
            self.holder_name.as_str(),
            self.qualification.as_str(),
            self.level.as_str(),
            self.specialty.as_str(),
            &self.issued_on.to_string(),
            self.issuer.as_str(),
            if self.electronic { "1" } else { "0" },
            status,
            &revoked_on,
            reason,
        ] {
            hasher.update((field.len() as u64).to_le_bytes());
            hasher.update(field.as_bytes());
        }
        hex::encode(&hasher.finalize()[..16])
    }
}

/// A certificate as stored, with its unguessable public id for URLs.
#[derive(Clone, Debug)]
pub struct Certificate {
    pub id: CertificateId,
    pub public_id: String,
    pub record: CertificateRecord,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// What an upsert did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpsertOutcome {
    Inserted,
    Updated,
    Unchanged,
}

/// Whose certificates: a certificate belongs to the holder whose ID type, ID number and name
/// all match its record (after normalisation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub id_number: IdNumber,
    pub name: HolderName,
}

/// An electronic file to attach to a certificate; its bytes are in the blob store under
/// `sha256`.
#[derive(Clone, Debug)]
pub struct NewCertificateFile {
    pub certificate_id: CertificateId,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: Millis,
}

/// A certificate file's metadata, without its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileMeta {
    pub public_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: Millis,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AnnotationId(pub i64);

/// Where an annotation is in its life. Expiry is not a state: it follows from the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnnotationState {
    /// Applied for, waiting for (or in) production: 证书生成中.
    Queued,
    /// Produced and signed; valid from `valid_from` until `valid_until`.
    Ready,
    /// Production failed repeatedly; the holder may apply again.
    Failed,
}

impl AnnotationState {
    pub fn code(self) -> &'static str {
        match self {
            AnnotationState::Queued => "queued",
            AnnotationState::Ready => "ready",
            AnnotationState::Failed => "failed",
        }
    }
}

/// An application for an annotation.
#[derive(Clone, Debug)]
pub struct NewAnnotation {
    /// Opaque code for the verification URL and the signed PDF.
    pub code: String,
    /// 加注编号, printed on the copy.
    pub number: String,
    pub certificate: CertificateId,
    pub holder: HolderId,
    pub scenario: Scenario,
    pub validity: ValidityDays,
    pub applied_at: Millis,
    /// The application day in China, which the 3-in-90-days rule counts.
    pub applied_on: Date,
}

/// An annotation as stored (without its PDF bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    pub id: AnnotationId,
    pub code: String,
    pub number: String,
    pub certificate: CertificateId,
    pub holder: HolderId,
    pub scenario: Scenario,
    pub validity: ValidityDays,
    pub applied_at: Millis,
    pub applied_on: Date,
    pub state: AnnotationState,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub produced_at: Option<Millis>,
    pub valid_from: Option<Millis>,
    pub valid_until: Option<Millis>,
    pub pdf_sha256: Option<String>,
    pub key_fingerprint: Option<String>,
    pub produced_by: Option<String>,
}

/// What applying did: the annotation is queued, or the 3-in-90-days limit refused it.
#[derive(Clone, Debug)]
pub enum ApplyOutcome {
    Applied(Box<Annotation>),
    QuotaReached { next_possible: Date },
}

/// A produced, signed copy to store.
#[derive(Clone, Debug)]
pub struct ProducedAnnotation {
    pub pdf: Vec<u8>,
    pub pdf_sha256: String,
    pub key_fingerprint: String,
    pub produced_at: Millis,
    pub valid_from: Millis,
    pub valid_until: Millis,
}

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
}

/// One verification, as logged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerificationRecord {
    pub at: Millis,
    pub method: crate::verification::views::Method,
    pub certificate: Option<CertificateId>,
    pub annotation: Option<AnnotationId>,
    pub verdict: crate::verification::views::Verdict,
    pub purpose: Option<String>,
}

/// One line of the audit log: who did what to which thing, and the details.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: Millis,
    /// `holder:<id>`, `operator:<name>`, `system`.
    pub actor: String,
    pub action: String,
    /// What was acted on, e.g. `certificate:<number>`.
    pub subject: String,
    /// JSON with the details (before/after for changes).
    pub detail: String,
}

/// A random identifier for URLs: 128 bits, base32 (no padding, lower case), so it cannot be
/// guessed or enumerated.
pub fn new_public_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    base32_lower(&bytes)
}

fn base32_lower(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Hex SHA-256 of a file's bytes, stored beside them and checked when they are served.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_ids_are_long_and_distinct() {
        let a = new_public_id();
        let b = new_public_id();
        assert_eq!(a.len(), 26);
        assert_ne!(a, b);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_lowercase() || ('2'..='7').contains(&c)));
    }
}
