//! Narrowing a search by stroke count, radical (部首) and block.
//!
//! The radical is the Kangxi radical a dictionary files the character under
//! (Unihan kRSUnicode), not any component: 𪚥 (four 龍) is found by 龍, 江 by
//! 氵 or 水, but 想 (radical 心) not by 木. Full component data (IDS) exists
//! only under licences this crate cannot take.

use std::fmt;
use std::ops::RangeInclusive;

use crate::index::Index;
use crate::picker::{Candidate, INDEX};
use crate::pinyin::QueryError;

/// The most strokes any character has (𪚥 and a few others: 64).
pub const MAX_STROKES: u8 = 64;

/// One of the 214 Kangxi radicals (部首).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Radical(u8);

impl Radical {
    /// The radical that `ch` is a form of: the radical itself (水, 龍), its
    /// simplified form (龙, 讠, 钅), its form as a component (氵, 亻, 扌), or its
    /// Kangxi Radicals / CJK Radicals Supplement character (⽔, ⺡).
    pub fn of_form(ch: char) -> Option<Radical> {
        INDEX.radical_of_form(ch).map(Radical)
    }

    /// A radical typed by a holder: exactly one character (surrounding
    /// whitespace trimmed) that is a form of a radical.
    pub fn parse(text: &str) -> Result<Radical, RadicalError> {
        let mut chars = text.trim().chars();
        match (chars.next(), chars.next()) {
            (None, _) => Err(RadicalError::Empty),
            (Some(ch), None) => Radical::of_form(ch).ok_or(RadicalError::NotARadical),
            (Some(_), Some(_)) => Err(RadicalError::NotOneCharacter),
        }
    }

    /// Radical number `n`, 1–214.
    pub fn from_number(n: u8) -> Option<Radical> {
        (1..=214).contains(&n).then_some(Radical(n))
    }

    /// The Kangxi number, 1–214 (水 is 85).
    pub fn number(self) -> u8 {
        self.0
    }

    /// Its main form as a unified ideograph: 水 for 氵, 龍 for 龙.
    pub fn main_form(self) -> char {
        self.forms()[0]
    }

    /// Every form that [`Radical::of_form`] accepts, main form first.
    pub fn forms(self) -> &'static [char] {
        let index: &'static Index = &INDEX;
        index.radical_forms(self.0)
    }
}

/// Why a typed radical was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RadicalError {
    /// Nothing but whitespace.
    Empty,
    /// More than one character.
    NotOneCharacter,
    /// A character that is not a form of any of the 214 radicals.
    NotARadical,
}

impl fmt::Display for RadicalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RadicalError::Empty => "enter a radical",
            RadicalError::NotOneCharacter => "enter one character as the radical",
            RadicalError::NotARadical => "not one of the 214 radicals",
        })
    }
}

impl std::error::Error for RadicalError {}

/// Why a typed stroke count was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StrokesError {
    /// Not a number, nor two numbers joined by `-`, `–`, `~` or `～`.
    NotANumber,
    /// Outside 1–[`MAX_STROKES`], or a range whose start is after its end.
    OutOfRange,
}

impl fmt::Display for StrokesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StrokesError::NotANumber => "enter a stroke count such as 12, or a range such as 10-12",
            StrokesError::OutOfRange => "stroke counts run from 1 to 64",
        })
    }
}

impl std::error::Error for StrokesError {}

/// A stroke count as a holder types it: `12`, or a range `10-12` (also with
/// `–`, `~`, `～`, and full-width digits from a Chinese input method).
/// Counting strokes is error-prone, so a range is the honest way to be unsure.
pub fn parse_strokes(text: &str) -> Result<RangeInclusive<u8>, StrokesError> {
    let text: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '–' | '—' | '~' | '～' | '－' => '-',
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    let number = |s: &str| -> Result<u8, StrokesError> {
        if s.is_empty() || s.len() > 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(StrokesError::NotANumber);
        }
        let n: u16 = s.parse().map_err(|_| StrokesError::NotANumber)?;
        u8::try_from(n)
            .ok()
            .filter(|n| (1..=MAX_STROKES).contains(n))
            .ok_or(StrokesError::OutOfRange)
    };
    let (lo, hi) = match text.split_once('-') {
        Some((lo, hi)) => (number(lo)?, number(hi)?),
        None => {
            let n = number(&text)?;
            (n, n)
        }
    };
    if lo > hi {
        return Err(StrokesError::OutOfRange);
    }
    Ok(lo..=hi)
}

/// What a [`search_filtered`] keeps. The default keeps everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Total strokes within this range (Unihan kTotalStrokes, mainland count).
    pub strokes: Option<RangeInclusive<u8>>,
    /// Filed under this radical (one of its kRSUnicode radicals).
    pub radical: Option<Radical>,
    /// Only characters outside the Basic block (Extension A–I and the
    /// compatibility ideographs): those input methods rarely offer.
    pub extensions_only: bool,
}

/// Characters read as `query` that pass `filter`, in the order of
/// [`search`](crate::search).
///
/// The pinyin may be left empty when a radical is given: then every
/// character filed under that radical (and within the strokes) is listed, in
/// the same order — for a holder who cannot read the character at all.
pub fn search_filtered(query: &str, filter: &Filter) -> Result<Filtered, QueryError> {
    let index: &'static Index = &INDEX;
    let strokes = filter.strokes.clone().unwrap_or(1..=MAX_STROKES);
    let radical = filter.radical.map_or(0, |r| r.0);
    let source = if query.trim().is_empty() && filter.radical.is_some() {
        Source::All(0..index.len() as u32)
    } else {
        Source::Pinyin(crate::search_iter(query)?)
    };
    Ok(Filtered {
        source,
        strokes,
        radical,
        extensions_only: filter.extensions_only,
    })
}

/// Iterator returned by [`search_filtered`].
#[derive(Clone, Debug)]
pub struct Filtered {
    source: Source,
    strokes: RangeInclusive<u8>,
    radical: u8,
    extensions_only: bool,
}

#[derive(Clone, Debug)]
enum Source {
    Pinyin(crate::Matches),
    All(std::ops::Range<u32>),
}

impl Iterator for Filtered {
    type Item = Candidate;

    fn next(&mut self) -> Option<Candidate> {
        let index: &'static Index = &INDEX;
        let keep =
            |id: u32| index.entry_matches(id, &self.strokes, self.radical, self.extensions_only);
        match &mut self.source {
            Source::Pinyin(matches) => matches.next_where(keep),
            Source::All(ids) => ids.find(|&id| keep(id)).map(|id| index.entry(id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{lookup, search, Block};

    fn chars(query: &str, filter: &Filter) -> Vec<char> {
        search_filtered(query, filter)
            .unwrap()
            .map(|c| c.ch)
            .collect()
    }

    fn radical(ch: char) -> Option<Radical> {
        Radical::of_form(ch)
    }

    #[test]
    fn long_radical_finds_zhe_first() {
        // 𪚥 is #92 of 128 for zhe2; filed under 龍 (212) it is the only one.
        let all = search("zhe2", usize::MAX).unwrap();
        assert!(all.iter().position(|c| c.ch == '𪚥').unwrap() > 80);
        for form in ['龍', '龙', '⿓'] {
            let filter = Filter {
                radical: radical(form),
                ..Filter::default()
            };
            assert_eq!(chars("zhe2", &filter), ['𪚥'], "{form}");
            assert_eq!(chars("zhe", &filter)[0], '𪚥', "{form}");
        }
        let c = lookup('𪚥').unwrap();
        assert_eq!(c.strokes, 64);
        assert_eq!(
            c.radicals().collect::<Vec<_>>(),
            [Radical::of_form('龍').unwrap()]
        );
    }

    #[test]
    fn strokes_filter_is_exact() {
        let filter = Filter {
            strokes: Some(7..=7),
            ..Filter::default()
        };
        let hits: Vec<Candidate> = search_filtered("zhe", &filter).unwrap().collect();
        assert!(hits.iter().any(|c| c.ch == '折'), "折 has 7 strokes");
        assert!(hits.iter().all(|c| c.strokes == 7));
        let count = |range: RangeInclusive<u8>| {
            search_filtered(
                "zhe",
                &Filter {
                    strokes: Some(range),
                    ..Filter::default()
                },
            )
            .unwrap()
            .count()
        };
        let total = search("zhe", usize::MAX).unwrap().len();
        assert_eq!(count(1..=MAX_STROKES), total);
        assert_eq!(
            (1..=MAX_STROKES).map(|n| count(n..=n)).sum::<usize>(),
            total
        );
        assert_eq!(
            chars(
                "zhe2",
                &Filter {
                    strokes: Some(64..=64),
                    ..Filter::default()
                }
            ),
            ['𪚥']
        );
    }

    #[test]
    fn filters_keep_the_search_order() {
        let all: Vec<char> = search("yan", usize::MAX)
            .unwrap()
            .iter()
            .map(|c| c.ch)
            .collect();
        let water = Filter {
            radical: radical('氵'),
            ..Filter::default()
        };
        let hits = chars("yan", &water);
        assert!(hits.contains(&'演') && hits.contains(&'沿'));
        let positions: Vec<usize> = hits
            .iter()
            .map(|h| all.iter().position(|c| c == h).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]));
        for c in search_filtered("yan", &water).unwrap() {
            assert!(c.radicals().any(|r| r.number() == 85), "{c:?}");
        }
    }

    #[test]
    fn extensions_only() {
        let filter = Filter {
            extensions_only: true,
            ..Filter::default()
        };
        let hits: Vec<Candidate> = search_filtered("zhe2", &filter).unwrap().collect();
        assert!(hits.iter().all(|c| c.block != Block::Basic));
        assert!(hits.iter().any(|c| c.ch == '𪚥'));
        // 73 of zhe2's 128: the common characters no longer come first.
        let all = search("zhe2", usize::MAX).unwrap();
        assert_eq!(
            hits.len(),
            all.iter().filter(|c| c.block != Block::Basic).count()
        );
        assert!(
            hits.len() < all.len() * 2 / 3,
            "{} of {}",
            hits.len(),
            all.len()
        );
    }

    #[test]
    fn radical_without_pinyin() {
        let filter = Filter {
            radical: radical('龍'),
            strokes: Some(64..=64),
            ..Filter::default()
        };
        assert_eq!(chars("", &filter), ['𪚥']);
        assert_eq!(chars("  ", &filter), ['𪚥']);
        // Without a radical, pinyin is still needed (strokes alone match thousands).
        let strokes_only = Filter {
            strokes: Some(5..=5),
            ..Filter::default()
        };
        assert_eq!(
            search_filtered("", &strokes_only).err(),
            Some(QueryError::Empty)
        );
        assert_eq!(
            search_filtered("", &Filter::default()).err(),
            Some(QueryError::Empty)
        );
        assert_eq!(
            search_filtered("xyz", &filter).err(),
            Some(QueryError::NotPinyin)
        );
    }

    #[test]
    fn radical_forms_as_holders_type_them() {
        for (form, main, n) in [
            ('氵', '水', 85),
            ('⺡', '水', 85),
            ('亻', '人', 9),
            ('扌', '手', 64),
            ('讠', '言', 149),
            ('訁', '言', 149),
            ('钅', '金', 167),
            ('艹', '艸', 140),
            ('辶', '辵', 162),
            ('王', '玉', 96),
            ('龙', '龍', 212),
            ('⿓', '龍', 212),
        ] {
            let r = Radical::parse(&form.to_string()).unwrap_or_else(|e| panic!("{form}: {e}"));
            assert_eq!((r.number(), r.main_form()), (n, main), "{form}");
            assert!(r.forms().contains(&form));
        }
        assert_eq!(Radical::parse(" 氵 ").unwrap().number(), 85);
        assert_eq!(Radical::parse(""), Err(RadicalError::Empty));
        assert_eq!(Radical::parse("氵亻"), Err(RadicalError::NotOneCharacter));
        assert_eq!(Radical::parse("折"), Err(RadicalError::NotARadical));
        assert_eq!(Radical::parse("a"), Err(RadicalError::NotARadical));
        assert_eq!(Radical::from_number(0), None);
        assert_eq!(Radical::from_number(215), None);
        for n in 1..=214 {
            let r = Radical::from_number(n).unwrap();
            for &f in r.forms() {
                assert_eq!(Radical::of_form(f), Some(r), "{f}");
            }
        }
    }

    #[test]
    fn strokes_as_holders_type_them() {
        assert_eq!(parse_strokes("12"), Ok(12..=12));
        assert_eq!(parse_strokes(" 10-12 "), Ok(10..=12));
        assert_eq!(parse_strokes("10 – 12"), Ok(10..=12));
        assert_eq!(parse_strokes("１０～１２"), Ok(10..=12));
        assert_eq!(parse_strokes("64"), Ok(64..=64));
        assert_eq!(parse_strokes("1"), Ok(1..=1));
        assert_eq!(parse_strokes("0"), Err(StrokesError::OutOfRange));
        assert_eq!(parse_strokes("65"), Err(StrokesError::OutOfRange));
        assert_eq!(parse_strokes("300"), Err(StrokesError::OutOfRange));
        assert_eq!(parse_strokes("12-10"), Err(StrokesError::OutOfRange));
        for bad in [
            "", "abc", "-3", "1.5", "十", "1-", "-", "99999", "1-2-3", "+5",
        ] {
            assert_eq!(parse_strokes(bad), Err(StrokesError::NotANumber), "{bad:?}");
        }
    }

    #[test]
    fn every_character_has_strokes_and_a_radical() {
        for line in crate::index::DATA.lines().filter(|l| !l.starts_with('#')) {
            let cp = line.split('\t').next().unwrap();
            let ch = char::from_u32(u32::from_str_radix(cp, 16).unwrap()).unwrap();
            let c = lookup(ch).unwrap();
            assert!((1..=MAX_STROKES).contains(&c.strokes), "{ch}");
            assert!(c.radicals().count() >= 1, "{ch}");
        }
        assert_eq!(lookup('江').unwrap().strokes, 6);
        assert_eq!(
            lookup('江').unwrap().radicals().next().unwrap().main_form(),
            '水'
        );
    }
}
