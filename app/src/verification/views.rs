//! What a verification answers. Only what the certificate itself shows: the ID number masked.

pub use crate::domain::verification::{Method, Verdict};
use serde::{Deserialize, Serialize};

/// Why an uploaded file is not genuine, when the signature check says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileProblem {
    NotPdf,
    TooLarge,
    NoSignature,
    /// Changed, or something appended, after signing.
    Modified,
    /// Signed, but not by the issuer.
    UnknownSigner,
    /// Signed by the issuer, but no such copy was issued.
    UnknownDocument,
    /// Signed with a key the issuer has retired (`server keys retire`): no longer trusted.
    RetiredKey,
    /// Signed at a time outside the validity of the signing certificate.
    OutsideKeyValidity,
    /// Validly signed with a trusted key and naming an issued certificate or copy, but not a
    /// file the system produced (its hash is not among those it handed out).
    NotProduced,
}

/// The certificate as a verifier may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicCertificate {
    pub holder_name: String,
    pub masked_id_number: String,
    pub qualification: String,
    pub level: String,
    pub specialty: String,
    pub number: String,
    pub issued_on: String,
    pub issuer: String,
    /// `YYYY-MM-DD` when revoked.
    pub revoked_on: Option<String>,
}

/// The annotated copy as a verifier may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicAnnotation {
    pub number: String,
    /// 本人调用 / Self use, as a code (`self_use`).
    pub scenario: String,
    /// `YYYY-MM-DD HH:MM` China time.
    pub valid_from: String,
    pub valid_until: String,
}

/// The answer to one verification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationResult {
    pub verdict: Verdict,
    /// Empty unless the certificate is genuine.
    pub certificate: Option<PublicCertificate>,
    pub annotation: Option<PublicAnnotation>,
    /// For uploads that are not genuine: what is wrong with the file.
    pub file_problem: Option<FileProblem>,
    /// `YYYY-MM-DD HH:MM` China time.
    pub checked_at: String,
}

/// One line of a certificate's verification log, as its holder sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationLogEntry {
    pub at: String,
    pub method: Method,
    pub verdict: Verdict,
    pub annotation_number: Option<String>,
    pub purpose: Option<String>,
    /// Further checks from the same source that this line stands for (repeats within the
    /// window, and lines of a busy source that are not shown).
    pub more: i64,
}

/// The longest purpose a verifier may state, in characters.
pub const MAX_PURPOSE_CHARS: usize = 60;
