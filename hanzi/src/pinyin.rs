//! Normalisation of one pinyin syllable, shared by queries and the embedded
//! readings so that both sides of a lookup agree on the key.

use std::fmt;

/// Longest accepted query, in characters after trimming. "zhuāng" written
/// with a combining macron is 7; the margin allows "lu:e3"-style spellings.
pub const MAX_QUERY_CHARS: usize = 10;

/// Why a query was rejected. A UI can map each variant to its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryError {
    /// Nothing but whitespace.
    Empty,
    /// Not a single Mandarin syllable in pinyin (letters, tone marks or one
    /// trailing tone digit 0–5).
    NotPinyin,
    /// Longer than [`MAX_QUERY_CHARS`]; no syllable is that long.
    TooLong,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QueryError::Empty => "enter the pinyin of the character",
            QueryError::NotPinyin => "not a pinyin syllable",
            QueryError::TooLong => "enter a single pinyin syllable",
        })
    }
}

impl std::error::Error for QueryError {}

/// Tone 5 is the neutral tone; queries may also write it as 0.
pub(crate) const NEUTRAL: u8 = 5;

/// A syllable reduced to its lookup key: lowercase ASCII with `v` for ü, or
/// `ê`. `tone` is `None` when the text carried neither a mark nor a digit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Syllable {
    pub key: String,
    pub tone: Option<u8>,
}

fn toned_letter(c: char) -> Option<(char, u8)> {
    Some(match c {
        'ā' => ('a', 1),
        'á' => ('a', 2),
        'ǎ' => ('a', 3),
        'à' => ('a', 4),
        'ē' => ('e', 1),
        'é' => ('e', 2),
        'ě' => ('e', 3),
        'è' => ('e', 4),
        'ī' => ('i', 1),
        'í' => ('i', 2),
        'ǐ' => ('i', 3),
        'ì' => ('i', 4),
        'ō' => ('o', 1),
        'ó' => ('o', 2),
        'ǒ' => ('o', 3),
        'ò' => ('o', 4),
        'ū' => ('u', 1),
        'ú' => ('u', 2),
        'ǔ' => ('u', 3),
        'ù' => ('u', 4),
        'ǖ' => ('v', 1),
        'ǘ' => ('v', 2),
        'ǚ' => ('v', 3),
        'ǜ' => ('v', 4),
        // Interjections: 呣 ḿ, 嗯 ń/ň/ǹ, 欸 ế/ề (the other tones of m and ê
        // only exist with combining marks, handled by the caller).
        'ḿ' => ('m', 2),
        'ń' => ('n', 2),
        'ň' => ('n', 3),
        'ǹ' => ('n', 4),
        'ế' => ('ê', 2),
        'ề' => ('ê', 4),
        _ => return None,
    })
}

fn combining_tone(c: char) -> Option<u8> {
    match c {
        '\u{304}' => Some(1),
        '\u{301}' => Some(2),
        '\u{30C}' => Some(3),
        '\u{300}' => Some(4),
        _ => None,
    }
}

/// Parses one syllable: `yan`, `YAN`, `yan3`, `yǎn` (precomposed or with
/// combining marks), `lü`, `lv`, `lu:`, `nü3`.
pub(crate) fn parse(input: &str) -> Result<Syllable, QueryError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(QueryError::Empty);
    }
    // Byte check first so a huge paste is refused without walking it.
    if s.len() > MAX_QUERY_CHARS * 4 || s.chars().count() > MAX_QUERY_CHARS {
        return Err(QueryError::TooLong);
    }
    let mut key = String::with_capacity(8);
    let mut mark: Option<u8> = None;
    let mut digit: Option<u8> = None;
    for c in s.chars() {
        if digit.is_some() {
            // The tone digit must be last.
            return Err(QueryError::NotPinyin);
        }
        let mut lower = c.to_lowercase();
        let c = match (lower.next(), lower.next()) {
            (Some(c), None) => c,
            _ => return Err(QueryError::NotPinyin),
        };
        let mut set_mark = |t: u8| match mark.replace(t) {
            None => Ok(()),
            Some(_) => Err(QueryError::NotPinyin),
        };
        match c {
            'a'..='z' => key.push(c),
            'ü' => key.push('v'),
            'ê' => key.push('ê'),
            '0'..='5' => digit = Some(if c == '0' { NEUTRAL } else { c as u8 - b'0' }),
            ':' | '\u{308}' if key.ends_with('u') => {
                key.pop();
                key.push('v');
            }
            '\u{302}' if key.ends_with('e') => {
                key.pop();
                key.push('ê');
            }
            _ => {
                if let Some(t) = combining_tone(c) {
                    if key.is_empty() {
                        return Err(QueryError::NotPinyin);
                    }
                    set_mark(t)?;
                } else if let Some((base, t)) = toned_letter(c) {
                    key.push(base);
                    set_mark(t)?;
                } else {
                    return Err(QueryError::NotPinyin);
                }
            }
        }
    }
    if key.is_empty() {
        return Err(QueryError::NotPinyin);
    }
    let tone = match (mark, digit) {
        (Some(m), Some(d)) if m != d => return Err(QueryError::NotPinyin),
        (m, d) => m.or(d),
    };
    Ok(Syllable {
        key: canonical_key(key),
        tone,
    })
}

/// Folds the spellings people type for the same syllable into one key.
fn canonical_key(mut key: String) -> String {
    // After j, q, x, y the u is always ü, so "jv"/"jü"/"ju" are one syllable.
    if key.len() >= 2
        && matches!(key.as_bytes()[0], b'j' | b'q' | b'x' | b'y')
        && key.as_bytes()[1] == b'v'
    {
        key.replace_range(1..2, "u");
    }
    // "lue"/"nue" are not syllables, so IMEs accept them for lüe/nüe.
    if key == "lue" || key == "nue" {
        key.replace_range(1..2, "v");
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<(String, Option<u8>), QueryError> {
        parse(s).map(|s| (s.key, s.tone))
    }

    fn ok(key: &str, tone: Option<u8>) -> Result<(String, Option<u8>), QueryError> {
        Ok((key.to_string(), tone))
    }

    #[test]
    fn plain_and_toned() {
        assert_eq!(p("yan"), ok("yan", None));
        assert_eq!(p("  YAN \t"), ok("yan", None));
        assert_eq!(p("yan3"), ok("yan", Some(3)));
        assert_eq!(p("yǎn"), ok("yan", Some(3)));
        assert_eq!(p("YǍN"), ok("yan", Some(3)));
        assert_eq!(p("ya\u{30C}n"), ok("yan", Some(3)));
        assert_eq!(p("yǎn3"), ok("yan", Some(3)));
        assert_eq!(p("le5"), ok("le", Some(NEUTRAL)));
        assert_eq!(p("le0"), ok("le", Some(NEUTRAL)));
        assert_eq!(p("\u{3000}zhe2\u{3000}"), ok("zhe", Some(2)));
    }

    #[test]
    fn u_umlaut_spellings() {
        for q in ["lü", "lv", "lu:", "LÜ", "lu\u{308}", "LU:"] {
            assert_eq!(p(q), ok("lv", None), "{q}");
        }
        assert_eq!(p("lǜ"), ok("lv", Some(4)));
        assert_eq!(p("lv4"), ok("lv", Some(4)));
        assert_eq!(p("lu:4"), ok("lv", Some(4)));
        assert_eq!(p("nü3"), ok("nv", Some(3)));
        assert_eq!(p("nv"), ok("nv", None));
        assert_eq!(p("lüe"), ok("lve", None));
        assert_eq!(p("lue4"), ok("lve", Some(4)));
        assert_eq!(p("jv"), ok("ju", None));
        assert_eq!(p("xüe2"), ok("xue", Some(2)));
        assert_eq!(p("lu"), ok("lu", None));
    }

    #[test]
    fn interjections() {
        assert_eq!(p("ê\u{304}"), ok("ê", Some(1)));
        assert_eq!(p("ế"), ok("ê", Some(2)));
        assert_eq!(p("e\u{302}\u{30C}"), ok("ê", Some(3)));
        assert_eq!(p("ňg"), ok("ng", Some(3)));
        assert_eq!(p("m\u{300}"), ok("m", Some(4)));
        assert_eq!(p("hm"), ok("hm", None));
    }

    #[test]
    fn rejects() {
        assert_eq!(p(""), Err(QueryError::Empty));
        assert_eq!(p(" \t\n"), Err(QueryError::Empty));
        assert_eq!(p("zhuangzhuang"), Err(QueryError::TooLong));
        assert_eq!(p(&"a".repeat(100_000)), Err(QueryError::TooLong));
        for q in [
            "yan6", "ya3n", "3", "yan33", "眼", "yan jing", "yǎn4", "yǎǎ", "\u{30C}a", "ya-n",
            "yan!", "ı", "İ", "Ü:", "o:",
        ] {
            assert_eq!(p(q), Err(QueryError::NotPinyin), "{q:?}");
        }
    }
}
