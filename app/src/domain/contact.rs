//! Contact details and passwords, parsed at the edge.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// A mobile number: a mainland number (11 digits starting 13–19) or an international number
/// written with its `+` country code.
/// It deserialises through [`Mobile::parse`] and serialises as the plain string.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Mobile(String);

impl TryFrom<String> for Mobile {
    type Error = Msg;

    fn try_from(value: String) -> Result<Mobile, Msg> {
        Mobile::parse(&value)
    }
}

impl From<Mobile> for String {
    fn from(mobile: Mobile) -> String {
        mobile.0
    }
}

impl Mobile {
    pub fn parse(input: &str) -> Result<Mobile, Msg> {
        if input.is_empty() {
            return Err(Msg::MobileMissing);
        }
        if input.chars().any(char::is_whitespace) {
            return Err(Msg::MobileHasSpaces);
        }
        let bytes = input.as_bytes();
        let mainland = bytes.len() == 11
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1])
            && bytes.iter().all(u8::is_ascii_digit);
        let international = input.strip_prefix('+').is_some_and(|rest| {
            (6..=15).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_digit())
        });
        if mainland || international {
            Ok(Mobile(input.to_string()))
        } else {
            Err(Msg::MobileShape)
        }
    }

    pub fn from_trusted(value: String) -> Mobile {
        Mobile(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `13812345678` → `138****5678`.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        let n = chars.len();
        chars
            .iter()
            .enumerate()
            .map(|(i, c)| if i < 3 || i + 4 >= n { *c } else { '*' })
            .collect()
    }
}

/// The shortest and longest passwords accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A new password that meets the policy. Deliberately neither `Serialize` nor `Debug`-printing
/// its value, so it cannot end up in a log or a response by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    /// Checks the policy: length, letters and digits, and not containing the ID number.
    pub fn parse(input: &str, id_number: Option<&str>) -> Result<NewPassword, Msg> {
        let count = input.chars().count();
        if count == 0 {
            return Err(Msg::PasswordMissing);
        }
        if count < MIN_PASSWORD_CHARS {
            return Err(Msg::PasswordTooShort);
        }
        if count > MAX_PASSWORD_CHARS {
            return Err(Msg::PasswordTooLong);
        }
        if input.chars().any(char::is_control) {
            return Err(Msg::PasswordControlChars);
        }
        let has_letter = input.chars().any(char::is_alphabetic);
        let has_digit = input.chars().any(|c| c.is_ascii_digit());
        if !has_letter || !has_digit {
            return Err(Msg::PasswordNeedsLettersAndDigits);
        }
        if let Some(id) = id_number.filter(|id| id.len() >= 4) {
            if input
                .to_ascii_uppercase()
                .contains(&id.to_ascii_uppercase())
            {
                return Err(Msg::PasswordContainsId);
            }
        }
        Ok(NewPassword(input.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mobile_deserialises_through_parse() {
        let mobile: Mobile = serde_json::from_str("\"13812345678\"").unwrap();
        assert_eq!(mobile.as_str(), "13812345678");
        assert_eq!(serde_json::to_string(&mobile).unwrap(), "\"13812345678\"");
        for bad in ["\"\"", "\"1381234567\"", "\"138 1234 5678\""] {
            assert!(serde_json::from_str::<Mobile>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn mobiles() {
        assert!(Mobile::parse("13812345678").is_ok());
        assert!(Mobile::parse("+85291234567").is_ok());
        assert_eq!(Mobile::parse(""), Err(Msg::MobileMissing));
        assert_eq!(Mobile::parse("12812345678"), Err(Msg::MobileShape));
        assert_eq!(Mobile::parse("1381234567"), Err(Msg::MobileShape));
        assert_eq!(Mobile::parse("138 1234 5678"), Err(Msg::MobileHasSpaces));
        assert_eq!(
            Mobile::parse("13812345678").unwrap().masked(),
            "138****5678"
        );
    }

    #[test]
    fn passwords() {
        let id = Some("11010519491231002X");
        assert!(NewPassword::parse("abc12345", id).is_ok());
        assert_eq!(NewPassword::parse("", id), Err(Msg::PasswordMissing));
        assert_eq!(
            NewPassword::parse("abc1234", id),
            Err(Msg::PasswordTooShort)
        );
        assert_eq!(
            NewPassword::parse("abcdefgh", id),
            Err(Msg::PasswordNeedsLettersAndDigits)
        );
        assert_eq!(
            NewPassword::parse("12345678", id),
            Err(Msg::PasswordNeedsLettersAndDigits)
        );
        assert_eq!(
            NewPassword::parse("a11010519491231002x", id),
            Err(Msg::PasswordContainsId)
        );
        assert_eq!(
            NewPassword::parse(&"a1".repeat(65), id),
            Err(Msg::PasswordTooLong)
        );
        assert_eq!(
            format!("{:?}", NewPassword::parse("abc12345", id).unwrap()),
            "NewPassword(***)"
        );
    }
}
