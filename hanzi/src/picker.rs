//! Pinyin search of the readings data, behind the default `readings` feature.

use std::sync::LazyLock;

pub use crate::index::Stats;
pub use crate::pinyin::{QueryError, MAX_QUERY_CHARS};

use crate::index::{self, tone_bit, Index, ALL_TONES, SHADOWED};
use crate::pinyin;
use crate::{code_point_label, Block};

pub(crate) static INDEX: LazyLock<Index> = LazyLock::new(|| Index::build(index::DATA));

/// One character offered to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Candidate {
    pub ch: char,
    /// All readings with tone marks, e.g. `["lǜ", "lù"]`: the primary one
    /// (Unihan kMandarin's first value) first, then the other
    /// [customary](Candidate::customary_readings) ones, then the
    /// [historical](Candidate::other_readings) ones.
    pub readings: &'static [&'static str],
    pub block: Block,
    /// Number in the 通用规范汉字表 (1–8105), for characters in it.
    pub common: Option<u16>,
    /// Total strokes (Unihan kTotalStrokes; where the mainland and Taiwan
    /// forms differ, the mainland count), 1–[`MAX_STROKES`](crate::MAX_STROKES).
    pub strokes: u8,
    pub(crate) customary: u8,
    pub(crate) radicals: [u8; 2],
}

impl Candidate {
    /// Readings of the modern standard dictionaries (Unihan kMandarin,
    /// kTGHZ2013 for the 通用规范汉字表, kXHC1983 for the 现代汉语词典).
    pub fn customary_readings(&self) -> &'static [&'static str] {
        &self.readings[..self.customary as usize]
    }

    /// Readings found only in the 汉语大字典 (Unihan kHanyuPinyin), often
    /// classical or variant-form readings such as 厂 yán.
    pub fn other_readings(&self) -> &'static [&'static str] {
        &self.readings[self.customary as usize..]
    }

    /// The radicals (部首) it is filed under: one, rarely two (Unihan kRSUnicode).
    pub fn radicals(&self) -> impl Iterator<Item = crate::Radical> + '_ {
        self.radicals
            .iter()
            .filter_map(|&n| crate::Radical::from_number(n))
    }

    /// "U+2A6A5".
    pub fn code_point_label(&self) -> String {
        code_point_label(self.ch)
    }

    /// Level in the 通用规范汉字表: 1 (numbers 1–3500, everyday), 2
    /// (3501–6500) or 3 (6501–8105, names, places, specialist terms).
    pub fn common_level(&self) -> Option<u8> {
        self.common.map(|n| match n {
            0..=3500 => 1,
            3501..=6500 => 2,
            _ => 3,
        })
    }
}

/// Up to `limit` characters read as the syllable `query`, in result order.
///
/// A toneless query (`yan`) matches every tone; a toned one (`yan3`, `yǎn`,
/// `le5`/`le0` for the neutral tone) only that tone.
///
/// Characters with a customary reading that matches come first, in the
/// crate's order (通用规范汉字表, other Basic, Extension A…H); characters
/// that match only by a historical reading (厂 for "yan") follow, in the same
/// order. Each character appears once.
pub fn search(query: &str, limit: usize) -> Result<Vec<Candidate>, QueryError> {
    Ok(search_iter(query)?.take(limit).collect())
}

/// Like [`search`] but lazy, for paging (`skip`/`take`), counting, or
/// filtering by block without a limit.
pub fn search_iter(query: &str) -> Result<Matches, QueryError> {
    let syl = pinyin::parse(query)?;
    let index: &'static Index = &INDEX;
    let postings = index.postings(&syl.key).ok_or(QueryError::NotPinyin)?;
    Ok(Matches {
        index,
        postings: postings.iter(),
        tones: syl.tone.map_or(ALL_TONES, tone_bit),
        // Toneless, a shadowed posting repeats a character already listed.
        skip: if syl.tone.is_none() { SHADOWED } else { 0 },
    })
}

/// Iterator returned by [`search_iter`].
#[derive(Clone)]
pub struct Matches {
    index: &'static Index,
    postings: std::slice::Iter<'static, u32>,
    tones: u32,
    skip: u32,
}

impl Matches {
    /// The next match whose posting `keep` accepts (`Index::entry_matches`).
    pub(crate) fn next_where(&mut self, keep: impl Fn(u32) -> bool) -> Option<Candidate> {
        let (tones, skip) = (self.tones, self.skip);
        let p = *self
            .postings
            .find(|&&p| p & tones != 0 && p & skip == 0 && keep(p))?;
        Some(self.index.candidate(p))
    }
}

impl Iterator for Matches {
    type Item = Candidate;

    fn next(&mut self) -> Option<Candidate> {
        self.next_where(|_| true)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.postings.len()))
    }
}

impl std::fmt::Debug for Matches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matches")
            .field("remaining_postings", &self.postings.len())
            .finish()
    }
}

/// Readings of `ch` with tone marks, customary reading first; `None` for a
/// character without a Mandarin reading in Unihan.
pub fn readings(ch: char) -> Option<&'static [&'static str]> {
    lookup(ch).map(|c| c.readings)
}

/// Everything known about `ch`, as a search would return it.
pub fn lookup(ch: char) -> Option<Candidate> {
    INDEX.lookup(ch)
}

/// The lookup keys, sorted: toneless, `v` for ü (`lv`, `nve`), plus the
/// interjections `ê`, `hm`, `hng`, `m`, `n`, `ng`. Useful for autocompletion.
pub fn syllables() -> impl ExactSizeIterator<Item = &'static str> {
    let index: &'static Index = &INDEX;
    index.syllables()
}

/// Builds the index now rather than on the first search, e.g. at server
/// start-up so that the first user does not wait for it.
pub fn init() {
    LazyLock::force(&INDEX);
}

/// Counts and memory of the index (builds it if needed).
pub fn stats() -> Stats {
    INDEX.stats()
}

/// Builds a fresh index and drops it; only for the init-time benchmark.
#[doc(hidden)]
pub fn __bench_build_index() -> usize {
    Index::build(index::DATA).stats().characters
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pinyin;

    fn chars(q: &str) -> Vec<char> {
        search(q, usize::MAX)
            .unwrap()
            .iter()
            .map(|c| c.ch)
            .collect()
    }

    fn pos(list: &[char], ch: char) -> usize {
        list.iter()
            .position(|&c| c == ch)
            .unwrap_or_else(|| panic!("{ch} missing"))
    }

    #[test]
    fn yan_common_characters_first() {
        let hits = search("yan", usize::MAX).unwrap();
        let list: Vec<char> = hits.iter().map(|c| c.ch).collect();
        let first_ext = hits.iter().position(|c| c.block != Block::Basic).unwrap();
        // The 通用规范汉字表 orders each level by strokes, so 演 (14) is 30th.
        for ch in ['眼', '严', '言', '演'] {
            let p = pos(&list, ch);
            assert!(p < 40, "{ch} at {p}");
            assert!(p < first_ext);
            assert_eq!(hits[p].common_level(), Some(1));
        }
        // Historical-only readings (厂 yán in the 汉语大字典) come after all
        // customary matches, extensions included.
        let chang = pos(&list, '厂');
        assert!(chang > first_ext, "{chang}");
        assert_eq!(hits[chang].customary_readings(), ["chǎng", "ān"]);
        assert!(hits[chang].other_readings().contains(&"yán"));
        let mut seen = std::collections::HashSet::new();
        assert!(list.iter().all(|c| seen.insert(*c)), "duplicates");
        assert!(hits.len() > 300, "{}", hits.len());
    }

    #[test]
    fn historical_reading_of_another_tone() {
        // 言: customary yán, historical (汉语大字典 only) yàn.
        let yan = chars("yan");
        assert_eq!(yan.iter().filter(|&&c| c == '言').count(), 1);
        assert!(pos(&yan, '言') < 40);
        let yan4 = search("yan4", usize::MAX).unwrap();
        let at = yan4.iter().position(|c| c.ch == '言').unwrap();
        // After the customary yàn of every block, Extension B included.
        let first_ext_b = yan4.iter().position(|c| c.block == Block::ExtB).unwrap();
        assert!(at > first_ext_b, "{at} {first_ext_b}");
        assert!(yan4[first_ext_b].customary_readings().contains(&"yàn"));
        assert_eq!(yan4[at].other_readings(), ["yàn", "yín"]);
    }

    #[test]
    fn yan3_is_tone_specific() {
        let yan3 = chars("yan3");
        assert!(yan3.contains(&'眼'));
        assert!(!yan3.contains(&'言'));
        assert!(yan3.len() < chars("yan").len());
        assert_eq!(chars("yǎn"), yan3);
        assert_eq!(chars(" YAN3 "), yan3);
        assert!(chars("yan2").contains(&'言'));
        for c in search("yan3", usize::MAX).unwrap() {
            assert!(c.readings.contains(&"yǎn"), "{c:?}");
        }
    }

    #[test]
    fn ext_b_zhe() {
        for q in ["zhe", "zhe2", "zhé", "ZHE2"] {
            let hits = search(q, usize::MAX).unwrap();
            let c = hits.iter().find(|c| c.ch == '𪚥').expect(q);
            assert_eq!(c.block, Block::ExtB);
            assert_eq!(c.readings, ["zhé"]);
            assert_eq!(c.code_point_label(), "U+2A6A5");
            assert_eq!(c.common, None);
        }
        assert!(!chars("zhe4").contains(&'𪚥'));
    }

    #[test]
    fn lu_umlaut() {
        for q in ["lv", "lü", "lu:", "LÜ", "lǜ", "lv4"] {
            let list = chars(q);
            assert!(list.contains(&'绿') && list.contains(&'律'), "{q}");
            assert!(pos(&list, '律').max(pos(&list, '绿')) < 20, "{q}");
        }
        assert!(!chars("lu").contains(&'律'));
        assert!(chars("lu").contains(&'绿')); // 绿林 lù
        assert!(chars("nü").contains(&'女'));
        assert!(chars("nv3").contains(&'女'));
        assert!(chars("lüe").contains(&'略'));
        assert_eq!(chars("lue"), chars("lve"));
    }

    #[test]
    fn extension_characters() {
        // Extension A: 㐀 qiū.
        let c = search("qiu1", usize::MAX)
            .unwrap()
            .into_iter()
            .find(|c| c.ch == '㐀')
            .unwrap();
        assert_eq!(c.block, Block::ExtA);
        // Extension G: 𰻝 biáng, of biángbiáng noodles.
        let hits = search("biang", 10).unwrap();
        assert!(hits.iter().any(|c| c.ch == '𰻝' && c.block == Block::ExtG));
        // Extension E (𬌗 hé, 𬌗 in the 通用规范汉字表) and F (𭀖 lí).
        assert_eq!(lookup('\u{2D016}').unwrap().block, Block::ExtF);
        assert!(chars("li2").contains(&'\u{2D016}'));
        let he = lookup('𬌗').unwrap();
        assert_eq!((he.block, he.common.is_some()), (Block::ExtE, true));
        // A common Extension E character ranks among the common ones.
        let hits = search("he2", usize::MAX).unwrap();
        let he = hits.iter().position(|c| c.ch == '𬌗').unwrap();
        assert!(hits[..he].iter().all(|c| c.common.is_some()));
    }

    #[test]
    fn order_is_common_then_basic_then_extensions() {
        for q in ["yi", "yi4", "zhe", "lv", "a"] {
            let syl = pinyin::parse(q).unwrap();
            let matches = |r: &&str| {
                let r = pinyin::parse(r).unwrap();
                r.key == syl.key && syl.tone.is_none_or(|t| r.tone.unwrap_or(5) == t)
            };
            let hits = search(q, usize::MAX).unwrap();
            // Within a table level and among Basic characters outside the
            // table, order is by kFrequency, which the index does not keep, so
            // those compare equal here.
            let rank = |c: &Candidate| {
                let tier = !c.customary_readings().iter().any(matches);
                match c.common_level() {
                    Some(level) => (tier, u32::from(level), 0),
                    None if c.block == Block::Basic => (tier, 4, 0),
                    None => (tier, 5 + c.block as u32, c.ch as u32),
                }
            };
            assert!(hits.iter().all(|c| c.readings.iter().any(matches)), "{q}");
            assert!(
                hits.windows(2).all(|w| rank(&w[0]) < rank(&w[1])
                    || rank(&w[0]) == rank(&w[1]) && rank(&w[0]).1 <= 4),
                "{q}"
            );
        }
        assert_eq!(search("yi", 1).unwrap()[0].ch, '一');
    }

    #[test]
    fn readings_primary_first() {
        assert_eq!(readings('绿').unwrap(), ["lǜ", "lù"]);
        assert_eq!(readings('眼').unwrap()[0], "yǎn");
        assert_eq!(readings('了').unwrap()[0], "le");
        assert_eq!(readings('𪚥').unwrap(), ["zhé"]);
        assert_eq!(readings('a'), None);
        assert_eq!(readings('\u{3402}'), None); // in Unihan, but no Mandarin reading
        let c = lookup('一').unwrap();
        assert_eq!((c.common, c.common_level()), (Some(1), Some(1)));
    }

    #[test]
    fn invalid_queries() {
        assert_eq!(search("", 10), Err(QueryError::Empty));
        assert_eq!(search("   ", 10), Err(QueryError::Empty));
        assert_eq!(search("xyz", 10), Err(QueryError::NotPinyin));
        assert_eq!(search("yan7", 10), Err(QueryError::NotPinyin));
        assert_eq!(search("眼", 10), Err(QueryError::NotPinyin));
        assert_eq!(search("yanjingzhe", 10), Err(QueryError::NotPinyin));
        assert_eq!(search("yanjingzhen", 10), Err(QueryError::TooLong));
        assert_eq!(search(&"yan".repeat(1000), 10), Err(QueryError::TooLong));
        assert_eq!(search("yan", 0), Ok(vec![]));
        assert_eq!(search("yan", 3).unwrap().len(), 3);
    }

    #[test]
    fn coverage() {
        let s = stats();
        assert!(s.characters > 40_000, "{s:?}");
        assert_eq!(s.tgh_characters, 8105);
        assert!(s.syllables > 400, "{s:?}");
        // Every standard syllable a user might type resolves.
        for q in [
            "a", "zhuang", "chuang", "shuang", "nüe", "yo", "ng", "hm", "ê",
        ] {
            assert!(search(q, 1).is_ok(), "{q}");
        }
        assert_eq!(syllables().len(), s.syllables);
        assert!(syllables().any(|k| k == "lv"));
    }

    #[test]
    fn data_file_invariants() {
        // Every character appears under each of its readings, and the file
        // order (common by table number, then by block) holds throughout.
        let mut last: Option<(u8, u32, Block, u32)> = None;
        let mut tgh_seen = 0u16;
        for line in index::DATA.lines().filter(|l| !l.starts_with('#')) {
            let mut f = line.split('\t');
            let ch = char::from_u32(u32::from_str_radix(f.next().unwrap(), 16).unwrap()).unwrap();
            let c = lookup(ch).unwrap();
            for r in c.readings {
                assert!(search(r, usize::MAX).unwrap().contains(&c), "{ch} {r}");
            }
            let key = match c.common {
                Some(_) => {
                    tgh_seen += 1;
                    (0, u32::from(c.common_level().unwrap()), Block::Basic, 0)
                }
                None if c.block == Block::Basic => (1, 0, Block::Basic, 0),
                None => (2, 0, c.block, ch as u32),
            };
            if let Some(prev) = last {
                assert!(prev <= key, "{ch} out of order");
            }
            last = Some(key);
        }
        assert_eq!(tgh_seen, 8105);
    }
}
