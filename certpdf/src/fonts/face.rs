//! One loaded font face: which file and face to load ([`FontSource`], [`FaceSelector`]), the
//! mapped or owned bytes, the parsed face with the metrics PDF font descriptors need, and the
//! desubroutinised working set that makes subsetting large CFF fonts fast.

use std::path::PathBuf;
use std::sync::OnceLock;

use ttf_parser::{Face, GlyphId};

use crate::error::Error;

/// Which face of a font file (or collection) to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaceSelector {
    /// Face 0 (the only face of a plain `.ttf`/`.otf`).
    First,
    /// An explicit face index inside a `.ttc`/`.otc` collection.
    Index(u32),
    /// The face whose family name (name ID 1 or 16) equals this string,
    /// e.g. `"Noto Sans CJK SC"`. Face order in collections differs between
    /// distributions, so this is safer than an index.
    Family(String),
}

/// A font file to load into a [`FontChain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontSource {
    pub path: PathBuf,
    pub face: FaceSelector,
}

impl FontSource {
    pub fn new(path: impl Into<PathBuf>) -> FontSource {
        FontSource {
            path: path.into(),
            face: FaceSelector::First,
        }
    }

    pub fn with_index(path: impl Into<PathBuf>, index: u32) -> FontSource {
        FontSource {
            path: path.into(),
            face: FaceSelector::Index(index),
        }
    }

    pub fn with_family(path: impl Into<PathBuf>, family: &str) -> FontSource {
        FontSource {
            path: path.into(),
            face: FaceSelector::Family(family.to_owned()),
        }
    }
}

enum FontBytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl FontBytes {
    fn as_slice(&self) -> &[u8] {
        match self {
            FontBytes::Mapped(m) => m,
            FontBytes::Owned(v) => v,
        }
    }
}

/// One parsed face. The `Face` borrows from `bytes`; both live and die
/// together, and the face is declared first so it is dropped first.
pub(crate) struct LoadedFont {
    pub(super) face: Face<'static>,
    bytes: FontBytes,
    pub index: u32,
    pub ps_name: String,
    pub family: String,
    pub upem: f32,
    pub is_cff: bool,
    /// Metrics in 1/1000 em, as PDF font descriptors want them.
    pub ascent: f32,
    pub descent: f32,
    pub cap_height: f32,
    pub bbox: [f32; 4],
    /// Top of the ideographic em box in 1/1000 em (baseline at 0).
    pub em_top: f32,
    /// For large CFF fonts: a pre-subset, desubroutinised copy, built on
    /// first use (see [`FontChain::warm_up`]).
    working: OnceLock<Option<WorkingSet>>,
}

/// Subsetting a CID-keyed CFF font re-reads all of its global and local
/// subroutines on every call (~0.3 ms for Noto Sans CJK, ~45 % of a
/// certificate's subsetting time). A one-off subset covering the common
/// ranges has no subroutines left, and subsetting it again yields
/// byte-identical output for those glyphs, so documents are subset from it
/// whenever all their glyphs are in it.
pub(crate) struct WorkingSet {
    pub data: Vec<u8>,
    /// Original glyph id → glyph id in `data` (0 = not included).
    pub map: Vec<u16>,
}

/// Code point ranges of the working set: Latin, general punctuation,
/// letterlike symbols, enclosed numbers, CJK symbols and kana, CJK unified
/// ideographs (basic block), full-width forms.
const WORKING_RANGES: [(u32, u32); 7] = [
    (0x20, 0x24F),
    (0x2000, 0x206F),
    (0x2100, 0x21FF),
    (0x2460, 0x24FF),
    (0x3000, 0x30FF),
    (0x4E00, 0x9FFF),
    (0xFF00, 0xFFEF),
];

fn build_working_set(face: &Face, data: &[u8], index: u32) -> Option<WorkingSet> {
    let mut remapper = subsetter::GlyphRemapper::new();
    let mut map = vec![0u16; face.number_of_glyphs() as usize];
    for (a, b) in WORKING_RANGES {
        for c in (a..=b).filter_map(char::from_u32) {
            if let Some(g) = face.glyph_index(c) {
                if let Some(slot) = map.get_mut(g.0 as usize) {
                    *slot = remapper.remap(g.0);
                }
            }
        }
    }
    let data = subsetter::subset(data, index, &remapper).ok()?;
    Some(WorkingSet { data, map })
}

impl LoadedFont {
    fn new(bytes: FontBytes, selector: &FaceSelector, label: &str) -> Result<LoadedFont, Error> {
        // SAFETY: the slice points into `bytes`' heap buffer or mapping,
        // whose address does not change when `bytes` is moved into the
        // struct below; `face` never outlives it (field drop order) and is
        // only handed out with a lifetime tied to `&self`.
        let data: &'static [u8] = unsafe {
            let s = bytes.as_slice();
            std::slice::from_raw_parts(s.as_ptr(), s.len())
        };
        let index = match selector {
            FaceSelector::First => 0,
            FaceSelector::Index(i) => *i,
            FaceSelector::Family(fam) => find_family(data, fam)
                .ok_or_else(|| Error::Font(format!("{label}: no face with family {fam:?}")))?,
        };
        let face = Face::parse(data, index)
            .map_err(|e| Error::Font(format!("{label}: cannot parse face {index}: {e}")))?;
        let upem = face.units_per_em() as f32;
        let k = 1000.0 / upem;
        let names = face.names();
        let name_of = |id: u16| {
            names
                .into_iter()
                .filter(|n| n.name_id == id)
                .find_map(|n| n.to_string())
        };
        let family = name_of(16).or_else(|| name_of(1)).unwrap_or_default();
        let ps_name = name_of(6)
            .map(|s| {
                s.chars()
                    .filter(|c| c.is_ascii_graphic() && !"[](){}<>/%#".contains(*c))
                    .collect()
            })
            .filter(|s: &String| !s.is_empty())
            .unwrap_or_else(|| "Font".to_owned());
        let bb = face.global_bounding_box();
        let is_cff = face.tables().cff.is_some();
        let (ta, td) = (face.typographic_ascender(), face.typographic_descender());
        let em_top = match (ta, td) {
            (Some(a), Some(d)) if (a as i32 - d as i32) == face.units_per_em() as i32 => {
                a as f32 * k
            }
            _ => 880.0,
        };
        Ok(LoadedFont {
            working: OnceLock::new(),
            index,
            ps_name,
            family,
            upem,
            is_cff,
            ascent: face.ascender() as f32 * k,
            descent: face.descender() as f32 * k,
            cap_height: face.capital_height().map(|c| c as f32 * k).unwrap_or(700.0),
            bbox: [
                bb.x_min as f32 * k,
                bb.y_min as f32 * k,
                bb.x_max as f32 * k,
                bb.y_max as f32 * k,
            ],
            em_top,
            face,
            bytes,
        })
    }

    /// A face of a font file already in memory.
    pub(super) fn from_vec(
        bytes: Vec<u8>,
        selector: &FaceSelector,
        label: &str,
    ) -> Result<LoadedFont, Error> {
        LoadedFont::new(FontBytes::Owned(bytes), selector, label)
    }

    pub(crate) fn data(&self) -> &[u8] {
        self.bytes.as_slice()
    }

    pub(crate) fn working_set(&self) -> Option<&WorkingSet> {
        self.working
            .get_or_init(|| {
                (self.is_cff && self.face.number_of_glyphs() > 10_000)
                    .then(|| build_working_set(&self.face, self.data(), self.index))
                    .flatten()
            })
            .as_ref()
    }

    pub(super) fn glyph(&self, c: char) -> Option<u16> {
        self.face.glyph_index(c).map(|g| g.0).filter(|&g| g != 0)
    }

    /// Advance width in 1/1000 em.
    pub(crate) fn advance(&self, gid: u16) -> f32 {
        self.face.glyph_hor_advance(GlyphId(gid)).unwrap_or(0) as f32 * 1000.0 / self.upem
    }
}

fn find_family(data: &[u8], family: &str) -> Option<u32> {
    let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    (0..count).find(|&i| {
        Face::parse(data, i).is_ok_and(|f| {
            f.names()
                .into_iter()
                .filter(|n| n.name_id == 1 || n.name_id == 16)
                .filter_map(|n| n.to_string())
                .any(|n| n == family)
        })
    })
}

pub(super) fn load_source(src: &FontSource) -> Result<LoadedFont, Error> {
    let label = src.path.display().to_string();
    let file = std::fs::File::open(&src.path).map_err(|e| Error::Io(label.clone(), e))?;
    // SAFETY: fonts are read-only system files; mapping avoids keeping
    // ~100 MB of CJK fonts resident when only a few hundred glyphs are used.
    // A file truncated while mapped would fault, the same trade-off fontdb
    // and every desktop font stack makes.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::Io(label.clone(), e))?;
    LoadedFont::new(FontBytes::Mapped(map), &src.face, &label)
}

#[cfg(test)]
mod tests {
    use crate::error::Error;
    use crate::fonts::FontChain;
    use crate::require::missing_prerequisite;

    /// The working-set shortcut must produce exactly what subsetting the
    /// original font produces.
    #[test]
    fn working_set_subsets_are_identical() {
        let missing = "Noto Sans CJK not installed (apt-get install fonts-noto-cjk)";
        let chain = match FontChain::system_default() {
            Ok(chain) => chain,
            Err(Error::NoCjkFont) => return missing_prerequisite(missing),
            Err(e) => panic!("{e}"),
        };
        if chain.families().first().map(String::as_str) != Some("Noto Sans CJK SC") {
            return missing_prerequisite(missing);
        }
        let f = chain.font(0);
        let Some(ws) = f.working_set() else {
            panic!("Noto Sans CJK should get a working set")
        };
        let mut direct = subsetter::GlyphRemapper::new();
        let mut via = subsetter::GlyphRemapper::new();
        for c in "专业技术人员职业资格电子证书（加注件）·阿依古丽买买提 2027-02-24 ABCxyz".chars()
        {
            let g = f.glyph(c).unwrap();
            direct.remap(g);
            via.remap(ws.map[g as usize]);
        }
        let a = subsetter::subset(f.data(), f.index, &direct).unwrap();
        let b = subsetter::subset(&ws.data, 0, &via).unwrap();
        assert_eq!(a, b);
    }
}
