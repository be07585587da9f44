//! What a verification answers. Only what the certificate itself shows: the ID number masked.

use serde::{Deserialize, Serialize};

/// The one unmistakable result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Genuine, and the annotated copy may be used now.
    Valid,
    /// Genuine certificate (checked without an annotation, or an e-certificate that needs
    /// none), and it stands.
    CertificateValid,
    /// Genuine, but the annotated copy's validity has ended.
    Expired,
    /// The certificate was revoked.
    Revoked,
    /// Not genuine, or no such certificate / copy.
    NotGenuine,
}

impl Verdict {
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::CertificateValid => "certificate_valid",
            Verdict::Expired => "expired",
            Verdict::Revoked => "revoked",
            Verdict::NotGenuine => "not_genuine",
        }
    }

    pub fn from_code(code: &str) -> Option<Verdict> {
        [
            Verdict::Valid,
            Verdict::CertificateValid,
            Verdict::Expired,
            Verdict::Revoked,
            Verdict::NotGenuine,
        ]
        .into_iter()
        .find(|v| v.code() == code)
    }
}

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

/// How a check was made, for the holder's log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Code,
    Manual,
    File,
    ApiCode,
    ApiManual,
    ApiFile,
}

impl Method {
    pub fn code(self) -> &'static str {
        match self {
            Method::Code => "code",
            Method::Manual => "manual",
            Method::File => "file",
            Method::ApiCode => "api_code",
            Method::ApiManual => "api_manual",
            Method::ApiFile => "api_file",
        }
    }

    pub fn from_code(code: &str) -> Option<Method> {
        [
            Method::Code,
            Method::Manual,
            Method::File,
            Method::ApiCode,
            Method::ApiManual,
            Method::ApiFile,
        ]
        .into_iter()
        .find(|m| m.code() == code)
    }
}

/// One line of a certificate's verification log, as its holder sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationLogEntry {
    pub at: String,
    pub method: Method,
    pub verdict: Verdict,
    pub annotation_number: Option<String>,
    pub purpose: Option<String>,
}

/// The longest purpose a verifier may state, in characters.
pub const MAX_PURPOSE_CHARS: usize = 60;
