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

/// The longest verification code accepted.
pub const MAX_VERIFY_CODE_CHARS: usize = 64;

/// What an e-certificate's code starts with; the certificate's public id follows.
const E_CERTIFICATE_PREFIX: &str = "e-";

/// The opaque code of a verification link (`/verify/<code>`), printed on a copy and in its
/// signature: an annotation's random code, or `e-` and the public id of an e-certificate that
/// needs no annotation. 1 to 64 ASCII letters, digits, `-` or `_`. It deserialises through
/// [`VerifyCode::parse`] and serialises as the plain string.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VerifyCode(String);

/// What a [`VerifyCode`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeTarget<'a> {
    /// An annotated copy, by the annotation's code.
    Annotation(&'a str),
    /// A directly available e-certificate, by the certificate's public id.
    ECertificate(&'a str),
}

/// A string that cannot be a verification code; such a code names nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotAVerifyCode;

impl std::fmt::Display for NotAVerifyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a verification code")
    }
}

impl VerifyCode {
    pub fn parse(input: &str) -> Result<VerifyCode, NotAVerifyCode> {
        let well_formed = (1..=MAX_VERIFY_CODE_CHARS).contains(&input.len())
            && input
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if well_formed {
            Ok(VerifyCode(input.to_string()))
        } else {
            Err(NotAVerifyCode)
        }
    }

    /// The code of an e-certificate that needs no annotation.
    pub fn of_e_certificate(public_id: &str) -> VerifyCode {
        VerifyCode(format!("{E_CERTIFICATE_PREFIX}{public_id}"))
    }

    pub fn target(&self) -> CodeTarget<'_> {
        match self.0.strip_prefix(E_CERTIFICATE_PREFIX) {
            Some(public_id) => CodeTarget::ECertificate(public_id),
            None => CodeTarget::Annotation(&self.0),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for VerifyCode {
    type Error = NotAVerifyCode;

    fn try_from(value: String) -> Result<VerifyCode, NotAVerifyCode> {
        VerifyCode::parse(&value)
    }
}

impl From<VerifyCode> for String {
    fn from(code: VerifyCode) -> String {
        code.0
    }
}

impl std::fmt::Display for VerifyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One verification, as logged: only checks of a certificate or copy that exists are (a code
/// that names nothing concerns no holder).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerificationRecord {
    pub at: Millis,
    pub method: Method,
    pub certificate: CertificateId,
    pub annotation: Option<AnnotationId>,
    pub verdict: Verdict,
    pub purpose: Option<String>,
    /// Who checked, as an opaque digest (of the client's address or /64, or of the API key):
    /// repeats are counted per source, and the holder's view shows a few lines per source.
    pub source: String,
}

/// A check that repeats an earlier one (same source, certificate, copy, method, verdict and
/// purpose) within the same window of this length is counted on the earlier line instead of
/// adding one: a flood is counted, not listed.
pub const REPEAT_WINDOW_MS: i64 = 10 * 60 * 1000;

/// The holder's view of a certificate's log shows at most this many lines from one source
/// (the last one counts the rest), so one source cannot push the others out of view.
pub const LOG_LINES_PER_SOURCE: i64 = 10;

/// The holder's view shows at most this many lines.
pub const LOG_LINES: i64 = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_codes_name_an_annotation_or_an_e_certificate() {
        let code = VerifyCode::parse("abcdefghijklmnopqrstuvwxyz").unwrap();
        assert_eq!(
            code.target(),
            CodeTarget::Annotation("abcdefghijklmnopqrstuvwxyz")
        );
        let e = VerifyCode::parse("e-k3v2").unwrap();
        assert_eq!(e.target(), CodeTarget::ECertificate("k3v2"));
        assert_eq!(VerifyCode::of_e_certificate("k3v2"), e);
        for bad in [
            "",
            "a/b",
            "a b",
            "码",
            &"a".repeat(MAX_VERIFY_CODE_CHARS + 1),
        ] {
            assert_eq!(VerifyCode::parse(bad), Err(NotAVerifyCode), "{bad:?}");
        }
    }

    #[test]
    fn verify_codes_deserialise_through_parse() {
        let code: VerifyCode = serde_json::from_str("\"e-k3v2\"").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"e-k3v2\"");
        for bad in ["\"\"", "\"a/b\"", "7"] {
            assert!(serde_json::from_str::<VerifyCode>(bad).is_err(), "{bad}");
        }
    }
}
