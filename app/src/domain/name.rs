//! Holder names. A name is stored exactly as the holder (or the issuer's record) wrote it, after
//! Unicode NFC normalisation, and compared exactly. Rare characters outside the Basic
//! Multilingual Plane are ordinary characters here: nothing is truncated or replaced.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};
use std::fmt;
use unicode_normalization::UnicodeNormalization;

/// The longest name accepted, in characters (not bytes).
pub const MAX_NAME_CHARS: usize = 60;

/// The middle dot used in minority and transliterated foreign names (阿依古丽·买买提).
pub const MIDDLE_DOT: char = '\u{00B7}';

/// Dots that input methods produce where the middle dot is meant. They are read as the middle
/// dot so that the same name typed on different devices is the same name.
const MIDDLE_DOT_LOOKALIKES: &[char] = &[
    '\u{30FB}', // ・ katakana middle dot
    '\u{FF65}', // ･ halfwidth katakana middle dot
    '\u{2022}', // • bullet
    '\u{2027}', // ‧ hyphenation point
    '\u{22C5}', // ⋅ dot operator
    '\u{2219}', // ∙ bullet operator
    '\u{16EB}', // ᛫ runic single punctuation (seen from some IMEs)
];

/// Which Unicode block a Han character comes from: the workspace's one table, in `hanzi`.
pub use hanzi::Block as HanBlock;

/// The Han block of a character that names may hold, or `None` for any other character.
/// 〇 (U+3007, in CJK Symbols and Punctuation) counts as Basic: names like 李〇 use it.
pub fn han_block(c: char) -> Option<HanBlock> {
    if c == '\u{3007}' {
        return Some(HanBlock::Basic);
    }
    match HanBlock::of(c) {
        HanBlock::Other => None,
        block => Some(block),
    }
}

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c as u32, 0x00C0..=0x00D6 | 0x00D8..=0x00F6 | 0x00F8..=0x024F)
}

/// A validated holder name in NFC. It deserialises through [`HolderName::parse`] and
/// serialises as the plain string.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HolderName(String);

impl HolderName {
    /// Normalises and validates a name as typed. Leading or trailing spaces are refused rather
    /// than trimmed, so the holder sees exactly what will be stored.
    pub fn parse(input: &str) -> Result<HolderName, Msg> {
        if input.is_empty() {
            return Err(Msg::NameMissing);
        }
        if input.chars().any(char::is_control) {
            return Err(Msg::NameControlChars);
        }
        if input.starts_with(char::is_whitespace) || input.ends_with(char::is_whitespace) {
            return Err(Msg::NameOuterSpaces);
        }
        let normalised: String = input
            .nfc()
            .map(|c| {
                if MIDDLE_DOT_LOOKALIKES.contains(&c) {
                    MIDDLE_DOT
                } else {
                    c
                }
            })
            .collect();
        let count = normalised.chars().count();
        if count > MAX_NAME_CHARS {
            return Err(Msg::NameTooLong);
        }
        let mut has_han = false;
        let mut has_latin = false;
        let mut previous: Option<char> = None;
        for c in normalised.chars() {
            if han_block(c).is_some() {
                has_han = true;
            } else if is_latin_letter(c) {
                has_latin = true;
            } else if c == MIDDLE_DOT {
                if previous.is_none() || previous == Some(MIDDLE_DOT) {
                    return Err(Msg::NameDotPlacement);
                }
            } else if c == ' ' {
                if previous == Some(' ') {
                    return Err(Msg::NameDoubleSpace);
                }
            } else if matches!(c, '-' | '\'' | '.' | ',') {
                // Allowed inside Latin names (Jean-Luc, O'Neil, Jr.).
            } else if c.is_whitespace() {
                return Err(Msg::NameOddSpace);
            } else {
                return Err(Msg::NameBadChar);
            }
            previous = Some(c);
        }
        if previous == Some(MIDDLE_DOT) {
            return Err(Msg::NameDotPlacement);
        }
        if !has_han && !has_latin {
            return Err(Msg::NameNoLetters);
        }
        Ok(HolderName(normalised))
    }

    /// Rebuilds a name read back from storage, where it was validated on the way in.
    pub fn from_trusted(value: String) -> HolderName {
        HolderName(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Characters of the name from the extension blocks (A onwards), which many fonts and
    /// input methods lack; the UI points them out so the holder can check them.
    pub fn rare_characters(&self) -> Vec<char> {
        self.0
            .chars()
            .filter(|c| {
                matches!(
                    han_block(*c),
                    Some(
                        HanBlock::ExtA
                            | HanBlock::ExtB
                            | HanBlock::ExtC
                            | HanBlock::ExtD
                            | HanBlock::ExtE
                            | HanBlock::ExtF
                            | HanBlock::ExtG
                            | HanBlock::ExtH
                            | HanBlock::ExtI
                    )
                )
            })
            .collect()
    }
}

impl TryFrom<String> for HolderName {
    type Error = Msg;

    fn try_from(value: String) -> Result<HolderName, Msg> {
        HolderName::parse(&value)
    }
}

impl From<HolderName> for String {
    fn from(name: HolderName) -> String {
        name.0
    }
}

impl fmt::Display for HolderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ordinary_and_rare_names_pass_unchanged() {
        for name in [
            "张三",
            "张𪚥",
            "王𠀀明",
            "李〇",
            "阿依古丽·买买提",
            "JOHN SMITH",
            "Jean-Luc O'Neil",
            "Zoë Müller",
            "\u{30000}\u{31350}",
        ] {
            assert_eq!(HolderName::parse(name).unwrap().as_str(), name);
        }
    }

    #[test]
    fn decomposed_input_is_stored_composed() {
        let decomposed = "Zoe\u{0308}";
        assert_eq!(HolderName::parse(decomposed).unwrap().as_str(), "Zoë");
    }

    #[test]
    fn lookalike_dots_become_the_middle_dot() {
        assert_eq!(
            HolderName::parse("阿依古丽・买买提").unwrap().as_str(),
            "阿依古丽·买买提"
        );
    }

    #[test]
    fn each_mistake_has_its_own_message() {
        assert_eq!(HolderName::parse(""), Err(Msg::NameMissing));
        assert_eq!(HolderName::parse(" 张三"), Err(Msg::NameOuterSpaces));
        assert_eq!(HolderName::parse("张三 "), Err(Msg::NameOuterSpaces));
        assert_eq!(
            HolderName::parse("张\u{0007}三"),
            Err(Msg::NameControlChars)
        );
        assert_eq!(HolderName::parse("张三3"), Err(Msg::NameBadChar));
        assert_eq!(HolderName::parse("·买买提"), Err(Msg::NameDotPlacement));
        assert_eq!(HolderName::parse("买买提·"), Err(Msg::NameDotPlacement));
        assert_eq!(HolderName::parse("阿··买"), Err(Msg::NameDotPlacement));
        assert_eq!(HolderName::parse("JOHN  SMITH"), Err(Msg::NameDoubleSpace));
        assert_eq!(HolderName::parse("张\u{3000}三"), Err(Msg::NameOddSpace));
        // One Han character is a name too: such names exist in the issuers' records, and a
        // holder whose record has one must be able to register with it.
        assert_eq!(HolderName::parse("玥").unwrap().as_str(), "玥");
        assert_eq!(HolderName::parse("--"), Err(Msg::NameNoLetters));
        assert_eq!(HolderName::parse(&"张".repeat(61)), Err(Msg::NameTooLong));
        assert!(
            HolderName::parse(&"𪚥".repeat(60)).is_ok(),
            "limit counts characters, not bytes"
        );
    }

    #[test]
    fn deserialising_parses() {
        let name: HolderName = serde_json::from_str("\"张𪚥\"").unwrap();
        assert_eq!(name.as_str(), "张𪚥");
        assert_eq!(serde_json::to_string(&name).unwrap(), "\"张𪚥\"");
        let decomposed: HolderName = serde_json::from_str("\"Zoe\\u0308\"").unwrap();
        assert_eq!(decomposed.as_str(), "Zoë", "normalised like parse");
        for bad in ["\"\"", "\" 张三\"", "\"张三3\"", "\"张·\"", "42"] {
            assert!(serde_json::from_str::<HolderName>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rare_characters_are_reported() {
        let name = HolderName::parse("张𪚥").unwrap();
        assert_eq!(name.rare_characters(), vec!['𪚥']);
        let ext_i = HolderName::parse("张\u{2EBF0}").unwrap();
        assert_eq!(ext_i.rare_characters(), vec!['\u{2EBF0}']);
        assert!(HolderName::parse("李〇")
            .unwrap()
            .rare_characters()
            .is_empty());
    }

    #[test]
    fn han_blocks_come_from_the_one_table() {
        assert_eq!(han_block('张'), Some(HanBlock::Basic));
        assert_eq!(han_block('〇'), Some(HanBlock::Basic));
        assert_eq!(han_block('\u{2EBF0}'), Some(HanBlock::ExtI));
        assert_eq!(han_block('\u{FA18}'), Some(HanBlock::Compatibility));
        assert_eq!(han_block('a'), None);
        assert_eq!(han_block('·'), None);
    }

    proptest! {
        #[test]
        fn parse_is_idempotent(s in "[\\u{4e00}-\\u{4e50}\\u{20000}-\\u{20050}·a-zA-Z ]{1,20}") {
            if let Ok(name) = HolderName::parse(&s) {
                prop_assert_eq!(HolderName::parse(name.as_str()), Ok(name.clone()));
            }
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,80}") {
            let _ = HolderName::parse(&s);
        }
    }
}
