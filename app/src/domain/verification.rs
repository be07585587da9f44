//! Verification verdicts and how a check was made: the words the log, the API and the pages
//! share.

use super::annotation::AnnotationId;
use super::certificate::CertificateId;
use super::time::Millis;
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

/// One verification, as logged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerificationRecord {
    pub at: Millis,
    pub method: Method,
    pub certificate: Option<CertificateId>,
    pub annotation: Option<AnnotationId>,
    pub verdict: Verdict,
    pub purpose: Option<String>,
}
