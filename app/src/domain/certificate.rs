//! Certificates as the issuer records them, their electronic files, and whether an
//! e-certificate is obtained directly or only through an annotation.

use super::time::Millis;
use super::{HolderName, IdNumber};
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::Date;

/// The longest certificate number (管理号) accepted, in characters.
pub const MAX_CERT_NUMBER_CHARS: usize = 64;

/// A certificate number (管理号) as the issuer assigns it: 1 to 64 characters without spaces or
/// control characters. Import and the manual check parse with the same rule, so every
/// certificate that can be imported can also be checked (docs/domain.md, "Certificates").
/// It deserialises through [`CertificateNumber::parse`] and serialises as the plain string.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CertificateNumber(String);

impl CertificateNumber {
    /// Parses a number as typed or as found in an import file; surrounding spaces are ignored.
    pub fn parse(input: &str) -> Result<CertificateNumber, Msg> {
        let value = input.trim();
        if value.is_empty() {
            return Err(Msg::CertNumberMissing);
        }
        if value.chars().any(char::is_control) {
            return Err(Msg::CertNumberControlChars);
        }
        if value.chars().any(char::is_whitespace) {
            return Err(Msg::CertNumberHasSpaces);
        }
        if value.chars().count() > MAX_CERT_NUMBER_CHARS {
            return Err(Msg::CertNumberTooLong);
        }
        Ok(CertificateNumber(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CertificateNumber {
    type Error = Msg;

    fn try_from(value: String) -> Result<CertificateNumber, Msg> {
        CertificateNumber::parse(&value)
    }
}

impl From<CertificateNumber> for String {
    fn from(number: CertificateNumber) -> String {
        number.0
    }
}

impl fmt::Display for CertificateNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CertificateId(pub i64);

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

#[cfg(feature = "ssr")]
impl CertificateRecord {
    /// A digest of every field, so that re-importing an unchanged record is recognised as such
    /// without comparing column by column. The ID number enters as its keyed lookup hash
    /// (`DataKeys::id_lookup`, passed as `id_lookup`), never in clear: an unkeyed digest of the
    /// row's other fields and the number could be reversed by trying every birth date and
    /// sequence number, so the stored hash would give the number away.
    pub fn content_hash(&self, id_lookup: &str) -> String {
        use sha2::{Digest, Sha256};
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
            id_lookup,
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

/// How a certificate's electronic certificate (电子证书) is obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ECertificate {
    /// Not an e-certificate (paper only); electronic files may still exist.
    None,
    /// Issued before the cut-off: viewable and downloadable directly.
    Direct,
    /// Issued on or after the cut-off: only through a valid annotation (加注).
    NeedsAnnotation,
}

/// Whether an e-certificate issued on `issued_on` needs an annotation to be viewed.
pub fn needs_annotation(electronic: bool, issued_on: Date, cutoff: Date) -> bool {
    electronic && issued_on >= cutoff
}

impl Certificate {
    /// Whether and how its e-certificate is obtained: an annotation is needed iff it is an
    /// e-certificate issued on or after the cut-off (docs/domain.md).
    pub fn e_certificate(&self, annotation_cutoff: Date) -> ECertificate {
        let record = &self.record;
        if !record.electronic {
            ECertificate::None
        } else if needs_annotation(record.electronic, record.issued_on, annotation_cutoff) {
            ECertificate::NeedsAnnotation
        } else {
            ECertificate::Direct
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn only_e_certificates_from_the_cut_off_need_annotation() {
        let cutoff = date!(2021 - 12 - 17);
        assert!(needs_annotation(true, cutoff, cutoff));
        assert!(!needs_annotation(true, date!(2021 - 12 - 16), cutoff));
        assert!(!needs_annotation(false, date!(2023 - 01 - 01), cutoff));
    }

    #[test]
    fn certificate_numbers() {
        assert_eq!(
            CertificateNumber::parse(" 2023110100123456 ")
                .unwrap()
                .as_str(),
            "2023110100123456"
        );
        assert_eq!(CertificateNumber::parse("  "), Err(Msg::CertNumberMissing));
        assert_eq!(
            CertificateNumber::parse("2023 1101"),
            Err(Msg::CertNumberHasSpaces)
        );
        assert_eq!(
            CertificateNumber::parse("2023\u{0}1101"),
            Err(Msg::CertNumberControlChars)
        );
        let longest = "管".repeat(MAX_CERT_NUMBER_CHARS);
        assert!(
            CertificateNumber::parse(&longest).is_ok(),
            "counts characters"
        );
        assert_eq!(
            CertificateNumber::parse(&format!("{longest}1")),
            Err(Msg::CertNumberTooLong)
        );
    }

    #[test]
    fn certificate_numbers_deserialise_through_parse() {
        let number: CertificateNumber = serde_json::from_str("\" Z-0001 \"").unwrap();
        assert_eq!(number.as_str(), "Z-0001");
        assert_eq!(serde_json::to_string(&number).unwrap(), "\"Z-0001\"");
        for bad in ["\"\"", "\"A B\"", "1"] {
            assert!(
                serde_json::from_str::<CertificateNumber>(bad).is_err(),
                "{bad}"
            );
        }
    }
}
