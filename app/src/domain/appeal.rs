//! 账号申诉: a person whose ID number someone else registered asks the operator for the account.
//! The rules that need no storage: the statement, the ID photo's type (by its bytes), the
//! appeal number, and the states an appeal goes through.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// The statement may have at most this many characters.
pub const MAX_STATEMENT_CHARS: usize = 1000;
/// The ID photo may have at most this many bytes.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// Characters of an appeal number: digits and capitals without I, L, O, U (Crockford), so
/// that it can be read out over the phone.
const NUMBER_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// An appeal number has this many characters: 50 random bits, never enumerated.
pub const NUMBER_LEN: usize = 10;

/// Where an appeal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AppealState {
    /// Submitted, the mobile number not proven yet (never shown; swept with its code).
    Draft,
    /// 待处理
    Pending,
    /// 已通过: the other account is locked; the appellant may register.
    Approved,
    /// 未通过, with the operator's reason.
    Rejected,
}

impl AppealState {
    pub fn code(self) -> &'static str {
        match self {
            AppealState::Draft => "draft",
            AppealState::Pending => "pending",
            AppealState::Approved => "approved",
            AppealState::Rejected => "rejected",
        }
    }

    pub fn from_code(code: &str) -> Option<AppealState> {
        [
            AppealState::Draft,
            AppealState::Pending,
            AppealState::Approved,
            AppealState::Rejected,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// The kinds of ID photo accepted, told by the file's first bytes (never by its name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoType {
    Pdf,
    Jpeg,
    Png,
}

impl PhotoType {
    /// The type of `bytes`, or the message for a file that is none of them.
    pub fn detect(bytes: &[u8]) -> Result<PhotoType, Msg> {
        if bytes.is_empty() {
            Err(Msg::AppealPhotoMissing)
        } else if bytes.starts_with(b"%PDF-") {
            Ok(PhotoType::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Ok(PhotoType::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Ok(PhotoType::Png)
        } else {
            Err(Msg::AppealPhotoType)
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            PhotoType::Pdf => "application/pdf",
            PhotoType::Jpeg => "image/jpeg",
            PhotoType::Png => "image/png",
        }
    }

    pub fn from_content_type(value: &str) -> Option<PhotoType> {
        [PhotoType::Pdf, PhotoType::Jpeg, PhotoType::Png]
            .into_iter()
            .find(|t| t.content_type() == value)
    }

    pub fn extension(self) -> &'static str {
        match self {
            PhotoType::Pdf => "pdf",
            PhotoType::Jpeg => "jpg",
            PhotoType::Png => "png",
        }
    }
}

/// The appellant's statement: required, at most [`MAX_STATEMENT_CHARS`], no control
/// characters other than line breaks and tabs.
pub fn parse_statement(input: &str) -> Result<String, Msg> {
    let text = input.trim();
    if text.is_empty() {
        return Err(Msg::AppealStatementMissing);
    }
    if text.chars().count() > MAX_STATEMENT_CHARS {
        return Err(Msg::AppealStatementTooLong);
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Msg::AppealStatementControlChars);
    }
    Ok(text.replace("\r\n", "\n"))
}

/// An appeal number from 50 random bits (`random` supplies them).
pub fn appeal_number_from(random: u64) -> String {
    (0..NUMBER_LEN)
        .map(|i| NUMBER_ALPHABET[((random >> (5 * i)) & 31) as usize] as char)
        .collect()
}

/// An appeal number as typed: spaces and hyphens ignored, lower case accepted, and the
/// letters people confuse with digits (O, I, L) read as the digits. `None`: it cannot be one.
pub fn parse_appeal_number(input: &str) -> Option<String> {
    let number: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    (number.len() == NUMBER_LEN && number.bytes().all(|b| NUMBER_ALPHABET.contains(&b)))
        .then_some(number)
}

/// An appeal as stored.
#[derive(Clone, Debug)]
pub struct Appeal {
    pub id: i64,
    /// 申诉编号, once filed.
    pub number: Option<String>,
    pub ticket: String,
    pub id_number: super::IdNumber,
    pub name: super::HolderName,
    pub mobile: super::Mobile,
    pub statement: String,
    pub photo_sha256: String,
    pub photo_type: PhotoType,
    pub photo_size: i64,
    pub state: AppealState,
    pub created_at: super::Millis,
    pub filed_at: Option<super::Millis>,
    pub decided_at: Option<super::Millis>,
    pub decided_by: Option<String>,
    /// The operator's reason (rejected) or note (approved).
    pub decision_note: Option<String>,
    /// The account an approval locked.
    pub locked_holder: Option<super::HolderId>,
}

/// An appeal as submitted, before the code: it waits as a draft with its photo.
#[derive(Clone, Debug)]
pub struct NewAppealDraft {
    pub ticket: String,
    pub id_number: super::IdNumber,
    pub name: super::HolderName,
    pub mobile: super::Mobile,
    pub statement: String,
    pub photo_type: PhotoType,
    pub created_at: super::Millis,
}

/// The operator's decision on a pending appeal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppealDecision {
    Approve { note: Option<String> },
    Reject { reason: String },
}

/// What an approval did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppealDecided {
    /// The account that held the ID number and is locked now (none if it was gone).
    pub locked_holder: Option<super::HolderId>,
    pub sessions_ended: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_told_by_their_bytes() {
        assert_eq!(PhotoType::detect(b"%PDF-1.7 ..."), Ok(PhotoType::Pdf));
        assert_eq!(
            PhotoType::detect(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Ok(PhotoType::Jpeg)
        );
        assert_eq!(
            PhotoType::detect(b"\x89PNG\r\n\x1a\n...."),
            Ok(PhotoType::Png)
        );
        assert_eq!(PhotoType::detect(b"GIF89a"), Err(Msg::AppealPhotoType));
        assert_eq!(PhotoType::detect(b""), Err(Msg::AppealPhotoMissing));
    }

    #[test]
    fn statements_are_required_and_bounded() {
        assert_eq!(parse_statement("  "), Err(Msg::AppealStatementMissing));
        assert_eq!(
            parse_statement(&"字".repeat(MAX_STATEMENT_CHARS + 1)),
            Err(Msg::AppealStatementTooLong)
        );
        assert!(parse_statement(&"字".repeat(MAX_STATEMENT_CHARS)).is_ok());
        assert_eq!(
            parse_statement("a\u{0007}b"),
            Err(Msg::AppealStatementControlChars)
        );
        assert_eq!(
            parse_statement("第一行\r\n第二行").unwrap(),
            "第一行\n第二行"
        );
    }

    #[test]
    fn appeal_numbers_round_trip_as_typed() {
        let number = appeal_number_from(0x3_FFFF_FFFF_FFFF);
        assert_eq!(number.len(), NUMBER_LEN);
        assert_eq!(
            parse_appeal_number(&number).as_deref(),
            Some(number.as_str())
        );
        let n = appeal_number_from(123_456_789_012);
        let typed = format!(" {}-{} ", &n[..5].to_lowercase(), &n[5..]);
        assert_eq!(parse_appeal_number(&typed).as_deref(), Some(n.as_str()));
        assert_eq!(
            parse_appeal_number("0O1IL00000").as_deref(),
            Some("0011100000")
        );
        assert_eq!(parse_appeal_number("ABC"), None);
        assert_eq!(parse_appeal_number("ABCDEFGHJU"), None);
    }
}
