//! The in-memory index over `data/readings.txt`.

use std::collections::HashMap;
use std::mem::size_of;

use crate::pinyin::{self, NEUTRAL};
use crate::{Block, Candidate};

pub(crate) static DATA: &str = include_str!("../data/readings.txt");
pub(crate) static RADICALS: &str = include_str!("../data/radicals.txt");

/// A posting packs the entry number (low bits) with a bit per tone the
/// character has in that syllable, so a character read yī/yí/yì costs one
/// posting and a toneless search never has to de-duplicate.
const ENTRY_BITS: u32 = 24;
const ENTRY_MASK: u32 = (1 << ENTRY_BITS) - 1;

pub(crate) const fn tone_bit(tone: u8) -> u32 {
    1 << (ENTRY_BITS + tone as u32 - 1)
}

pub(crate) const ALL_TONES: u32 = 0b11111 << ENTRY_BITS;

/// Marks a posting for a character's non-customary readings whose character
/// is already listed for the syllable under a customary reading (a different
/// tone): a toned search needs it, a toneless one must skip it.
pub(crate) const SHADOWED: u32 = 1 << (ENTRY_BITS + 5);

struct Entry {
    ch: char,
    first_reading: u32,
    reading_count: u8,
    customary_count: u8,
    /// Number in the 通用规范汉字表, 0 when absent (the table starts at 1).
    tgh: u16,
    /// Total strokes (Unihan kTotalStrokes, mainland count), 1–64.
    strokes: u8,
    /// Kangxi radical numbers (kRSUnicode), 1–214; a second one or 0.
    radicals: [u8; 2],
}

struct SyllableSlot {
    key: Box<str>,
    start: u32,
    end: u32,
}

pub(crate) struct Index {
    /// In search-result order, which is the data file's line order.
    entries: Vec<Entry>,
    readings: Vec<&'static str>,
    /// Sorted by key; each owns `postings[start..end]`.
    syllables: Vec<SyllableSlot>,
    /// Per syllable: characters with a customary reading of it, then those
    /// with only another reading of it, each by entry number (result order).
    postings: Vec<u32>,
    /// Entry numbers sorted by character, for [`Index::lookup`].
    by_char: Vec<u32>,
    /// Every form of every radical (水, 氵, ⽔, ⺡ …) with its number, sorted by form.
    radical_forms: Vec<(char, u8)>,
    /// The forms of radical `n` are `radical_forms_by_number[n - 1]`, main form first.
    radical_forms_by_number: RadicalForms,
}

/// Size and memory figures of the loaded index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Characters with at least one reading.
    pub characters: usize,
    /// Characters of the 通用规范汉字表 among them.
    pub tgh_characters: usize,
    /// Distinct toneless syllables (lookup keys).
    pub syllables: usize,
    /// Readings over all characters (a character with three readings counts three).
    pub readings: usize,
    /// Heap bytes held by the index; the embedded text itself is in the binary.
    pub heap_bytes: usize,
    /// Bytes of the embedded data file.
    pub data_bytes: usize,
}

impl Index {
    /// Builds the index from the embedded file. The file is generated and
    /// checked by the tests, so a malformed line is a build defect: panic.
    pub(crate) fn build(data: &'static str) -> Index {
        let mut entries = Vec::with_capacity(42_000);
        let mut readings = Vec::with_capacity(54_000);
        // Built per key then flattened. A character's readings are adjacent
        // in the loop, so OR-ing into the last posting merges its tones.
        let mut lists: Vec<(String, [Vec<u32>; 2])> = Vec::with_capacity(512);
        // Only ~1,500 distinct reading strings exist: parse each once.
        let mut parsed: HashMap<&'static str, (usize, u32)> = HashMap::with_capacity(2048);
        let mut key_ids: HashMap<String, usize> = HashMap::with_capacity(512);
        for (lineno, line) in data.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad =
                |what: &str| -> ! { panic!("data/readings.txt:{}: {what}: {line:?}", lineno + 1) };
            let mut fields = line.split('\t');
            let (Some(cp), Some(strokes), Some(rs), Some(customary)) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                bad("expected CODEPOINT<TAB>STROKES<TAB>RADICALS<TAB>READINGS")
            };
            let other = fields.next().unwrap_or("");
            let ch = u32::from_str_radix(cp, 16)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or_else(|| bad("bad code point"));
            let strokes = strokes
                .parse::<u8>()
                .ok()
                .filter(|n| (1..=crate::MAX_STROKES).contains(n))
                .unwrap_or_else(|| bad("bad stroke count"));
            let mut radicals = [0u8; 2];
            let mut rs = rs.split(' ');
            for slot in &mut radicals {
                if let Some(n) = rs.next() {
                    *slot = n
                        .parse::<u8>()
                        .ok()
                        .filter(|n| (1..=214).contains(n))
                        .unwrap_or_else(|| bad("bad radical number"));
                }
            }
            if radicals[0] == 0 || rs.next().is_some() {
                bad("expected one or two radicals");
            }
            let tgh = match fields.next() {
                None => 0,
                Some(n) => n
                    .parse::<u16>()
                    .ok()
                    .filter(|&n| n > 0)
                    .unwrap_or_else(|| bad("bad TGH number")),
            };
            let id = entries.len() as u32;
            assert!(id <= ENTRY_MASK, "too many entries for the posting layout");
            let first_reading = readings.len();
            let mut customary_end = first_reading;
            for (tier, field) in [customary, other].into_iter().enumerate() {
                for r in field.split(' ').filter(|r| !r.is_empty()) {
                    let &mut (key_id, bit) = parsed.entry(r).or_insert_with(|| {
                        let syl = pinyin::parse(r).unwrap_or_else(|_| bad("unparsable reading"));
                        let next = lists.len();
                        let id = *key_ids.entry(syl.key.clone()).or_insert(next);
                        if id == next {
                            lists.push((syl.key, Default::default()));
                        }
                        (id, tone_bit(syl.tone.unwrap_or(NEUTRAL)))
                    });
                    let [first, second] = &mut lists[key_id].1;
                    let in_first = first.last().is_some_and(|p| p & ENTRY_MASK == id);
                    let list = if tier == 0 { first } else { second };
                    match list.last_mut() {
                        Some(last) if *last & ENTRY_MASK == id => *last |= bit,
                        _ if tier == 1 && in_first => list.push(id | bit | SHADOWED),
                        _ => list.push(id | bit),
                    }
                    readings.push(r);
                }
                if tier == 0 {
                    customary_end = readings.len();
                    if customary_end == first_reading {
                        bad("no customary reading");
                    }
                }
            }
            let count = |n: usize| u8::try_from(n).unwrap_or_else(|_| bad("too many readings"));
            entries.push(Entry {
                ch,
                first_reading: first_reading as u32,
                reading_count: count(readings.len() - first_reading),
                customary_count: count(customary_end - first_reading),
                tgh,
                strokes,
                radicals,
            });
        }

        let mut keys = lists;
        keys.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut postings =
            Vec::with_capacity(keys.iter().map(|(_, [a, b])| a.len() + b.len()).sum());
        let syllables = keys
            .into_iter()
            .map(|(key, [first, second])| {
                let start = postings.len() as u32;
                postings.extend_from_slice(&first);
                postings.extend_from_slice(&second);
                SyllableSlot {
                    key: key.into_boxed_str(),
                    start,
                    end: postings.len() as u32,
                }
            })
            .collect();

        let mut by_char: Vec<u32> = (0..entries.len() as u32).collect();
        by_char.sort_unstable_by_key(|&i| entries[i as usize].ch);
        assert!(
            by_char
                .windows(2)
                .all(|w| entries[w[0] as usize].ch != entries[w[1] as usize].ch),
            "data/readings.txt lists a character twice"
        );

        let (radical_forms, radical_forms_by_number) = parse_radicals(RADICALS);

        entries.shrink_to_fit();
        readings.shrink_to_fit();
        Index {
            entries,
            readings,
            syllables,
            postings,
            by_char,
            radical_forms,
            radical_forms_by_number,
        }
    }

    /// Number of entries; entry numbers are `0..len()`, in result order.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The radical number that `ch` is a form of.
    pub(crate) fn radical_of_form(&self, ch: char) -> Option<u8> {
        let i = self
            .radical_forms
            .binary_search_by_key(&ch, |&(c, _)| c)
            .ok()?;
        Some(self.radical_forms[i].1)
    }

    /// The forms of radical `n` (1–214), main form first.
    pub(crate) fn radical_forms(&self, n: u8) -> &[char] {
        &self.radical_forms_by_number[usize::from(n) - 1]
    }

    /// Whether entry `id` (an entry number, or a posting) has `strokes` within
    /// `range` and, if `radical` is not 0, that radical.
    pub(crate) fn entry_matches(
        &self,
        id: u32,
        strokes: &std::ops::RangeInclusive<u8>,
        radical: u8,
        extensions_only: bool,
    ) -> bool {
        let e = &self.entries[(id & ENTRY_MASK) as usize];
        strokes.contains(&e.strokes)
            && (radical == 0 || e.radicals.contains(&radical))
            && !(extensions_only && Block::of(e.ch) == Block::Basic)
    }

    pub(crate) fn postings(&self, key: &str) -> Option<&[u32]> {
        let i = self
            .syllables
            .binary_search_by(|s| (*s.key).cmp(key))
            .ok()?;
        let s = &self.syllables[i];
        Some(&self.postings[s.start as usize..s.end as usize])
    }

    // Candidates borrow readings for 'static, so only the global index (a
    // `static`) can hand them out.
    pub(crate) fn candidate(&'static self, posting: u32) -> Candidate {
        self.entry_candidate((posting & ENTRY_MASK) as usize)
    }

    fn entry_candidate(&'static self, id: usize) -> Candidate {
        let e = &self.entries[id];
        let start = e.first_reading as usize;
        Candidate {
            ch: e.ch,
            readings: &self.readings[start..start + e.reading_count as usize],
            customary: e.customary_count,
            block: Block::of(e.ch),
            common: (e.tgh != 0).then_some(e.tgh),
            strokes: e.strokes,
            radicals: e.radicals,
        }
    }

    pub(crate) fn lookup(&'static self, ch: char) -> Option<Candidate> {
        let i = self
            .by_char
            .binary_search_by_key(&ch, |&i| self.entries[i as usize].ch)
            .ok()?;
        Some(self.entry_candidate(self.by_char[i] as usize))
    }

    /// Candidate by entry number (not a posting).
    pub(crate) fn entry(&'static self, id: u32) -> Candidate {
        self.entry_candidate(id as usize)
    }

    pub(crate) fn syllables(&self) -> impl ExactSizeIterator<Item = &str> {
        self.syllables.iter().map(|s| &*s.key)
    }

    pub(crate) fn stats(&self) -> Stats {
        let keys: usize = self
            .syllables
            .iter()
            .map(|s| size_of::<SyllableSlot>() + s.key.len())
            .sum();
        Stats {
            characters: self.entries.len(),
            tgh_characters: self.entries.iter().filter(|e| e.tgh != 0).count(),
            syllables: self.syllables.len(),
            readings: self.readings.len(),
            heap_bytes: self.entries.capacity() * size_of::<Entry>()
                + self.readings.capacity() * size_of::<&str>()
                + self.postings.capacity() * size_of::<u32>()
                + self.by_char.capacity() * size_of::<u32>()
                + self.radical_forms.capacity() * size_of::<(char, u8)>()
                + self
                    .radical_forms_by_number
                    .iter()
                    .map(|f| size_of::<Box<[char]>>() + f.len() * size_of::<char>())
                    .sum::<usize>()
                + keys,
            data_bytes: DATA.len(),
        }
    }
}

/// The forms of each radical, indexed by number - 1.
type RadicalForms = Vec<Box<[char]>>;

/// Parses `data/radicals.txt`: `NUMBER<TAB>FORMS(hex)<TAB>GLYPHS`, numbers 1–214 in order.
fn parse_radicals(data: &str) -> (Vec<(char, u8)>, RadicalForms) {
    let mut forms = Vec::with_capacity(700);
    let mut by_number = Vec::with_capacity(214);
    for (lineno, line) in data.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad =
            |what: &str| -> ! { panic!("data/radicals.txt:{}: {what}: {line:?}", lineno + 1) };
        let mut fields = line.split('\t');
        let (Some(n), Some(hex)) = (fields.next(), fields.next()) else {
            bad("expected NUMBER<TAB>FORMS")
        };
        let n = n
            .parse::<u8>()
            .ok()
            .filter(|&n| usize::from(n) == by_number.len() + 1)
            .unwrap_or_else(|| bad("radical numbers must run 1..214 in order"));
        let chars: Box<[char]> = hex
            .split(' ')
            .map(|cp| {
                u32::from_str_radix(cp, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or_else(|| bad("bad code point"))
            })
            .collect();
        forms.extend(chars.iter().map(|&c| (c, n)));
        by_number.push(chars);
    }
    assert_eq!(
        by_number.len(),
        214,
        "data/radicals.txt must list 214 radicals"
    );
    forms.sort_unstable();
    assert!(
        forms.windows(2).all(|w| w[0].0 != w[1].0),
        "data/radicals.txt lists a form under two radicals"
    );
    (forms, by_number)
}
