//! Font loading, per-character font fallback and glyph outlines.

use std::collections::HashMap;
use std::path::{Path as FsPath, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use ttf_parser::{Face, GlyphId};

use crate::geom::{Affine, Path};
use crate::Error;

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
    face: Face<'static>,
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

    fn glyph(&self, c: char) -> Option<u16> {
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

/// A glyph in the chain: a real glyph of one font, or the drawn
/// replacement box for a character that no font covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum GlyphKey {
    Font { font: u16, gid: u16 },
    Missing(char),
}

/// One shaped cluster: a base character plus an optional variation selector.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Shaped {
    pub key: GlyphKey,
    /// Advance in 1/1000 em.
    pub advance: f32,
    pub ch: char,
    pub vs: Option<char>,
}

impl Shaped {
    pub(crate) fn text(&self) -> String {
        let mut s = String::with_capacity(8);
        s.push(self.ch);
        if let Some(v) = self.vs {
            s.push(v);
        }
        s
    }
}

const OUTLINE_CACHE_MAX: usize = 8192;
const FORM_CACHE_MAX: usize = 64;

/// An ordered list of fonts; each character is drawn with the first font
/// that has a glyph for it. Load once and share (it is `Send + Sync`).
pub struct FontChain {
    fonts: Vec<LoadedFont>,
    /// Outlines normalised to a 1000-unit em; bounded so a stream of
    /// unusual names cannot grow it without limit.
    outlines: Mutex<HashMap<GlyphKey, Arc<Path>>>,
    /// Compressed PDF form content for drawings that repeat across
    /// documents (the seal), keyed by the layout's cache key.
    forms: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

impl std::fmt::Debug for FontChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.fonts.iter().map(|x| (&x.family, x.index)))
            .finish()
    }
}

/// Debian paths used by [`FontChain::system_default`], in fallback order.
pub const SYSTEM_FONTS: &[(&str, Option<&str>)] = &[
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        Some("Noto Sans CJK SC"),
    ),
    ("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf", None),
    ("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf", None),
    (
        "/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf",
        None,
    ),
];

impl FontChain {
    /// Loads (memory-maps) and parses the given fonts, in fallback order.
    pub fn load(sources: &[FontSource]) -> Result<FontChain, Error> {
        let mut fonts = Vec::with_capacity(sources.len());
        for src in sources {
            fonts.push(load_source(src)?);
        }
        FontChain::from_fonts(fonts)
    }

    /// Builds a chain from font files already in memory:
    /// `(bytes, face selector)` pairs in fallback order.
    pub fn from_bytes(fonts: Vec<(Vec<u8>, FaceSelector)>) -> Result<FontChain, Error> {
        let fonts = fonts
            .into_iter()
            .enumerate()
            .map(|(i, (b, sel))| LoadedFont::new(FontBytes::Owned(b), &sel, &format!("font #{i}")))
            .collect::<Result<Vec<_>, _>>()?;
        FontChain::from_fonts(fonts)
    }

    /// Noto Sans CJK SC → HanaMinA → HanaMinB → BabelStone Han from the
    /// Debian font packages; missing files are skipped, but at least one
    /// font must cover common CJK ideographs.
    pub fn system_default() -> Result<FontChain, Error> {
        let mut fonts = Vec::new();
        for (path, family) in SYSTEM_FONTS {
            if !FsPath::new(path).exists() {
                continue;
            }
            let src = match family {
                Some(f) => FontSource::with_family(*path, f),
                None => FontSource::new(*path),
            };
            fonts.push(load_source(&src)?);
        }
        FontChain::from_fonts(fonts)
    }

    fn from_fonts(fonts: Vec<LoadedFont>) -> Result<FontChain, Error> {
        if fonts.len() > u16::MAX as usize {
            return Err(Error::Font("too many fonts".into()));
        }
        if !fonts
            .iter()
            .any(|f| f.glyph('中').is_some() && f.glyph('证').is_some())
        {
            return Err(Error::NoCjkFont);
        }
        Ok(FontChain {
            fonts,
            outlines: Mutex::new(HashMap::new()),
            forms: Mutex::new(HashMap::new()),
        })
    }

    /// Does the one-off preparation that the first PDF would otherwise pay
    /// for (~0.2 s for Noto Sans CJK: a desubroutinised working copy of
    /// large CFF fonts that makes per-document subsetting about twice as
    /// fast). Call it at start-up to keep it off the first request.
    pub fn warm_up(&self) {
        for f in &self.fonts {
            f.working_set();
        }
    }

    /// Family names of the loaded faces, in fallback order.
    pub fn families(&self) -> Vec<String> {
        self.fonts.iter().map(|f| f.family.clone()).collect()
    }

    /// Whether some font in the chain has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.fonts.iter().any(|f| f.glyph(c).is_some())
    }

    pub(crate) fn font(&self, i: u16) -> &LoadedFont {
        &self.fonts[i as usize]
    }

    fn lookup(&self, c: char) -> Option<(u16, u16)> {
        self.fonts
            .iter()
            .enumerate()
            .find_map(|(i, f)| f.glyph(c).map(|g| (i as u16, g)))
    }

    pub(crate) fn cached_form(&self, key: &str) -> Option<Arc<Vec<u8>>> {
        self.forms.lock().ok()?.get(key).cloned()
    }

    pub(crate) fn store_form(&self, key: &str, content: Arc<Vec<u8>>) {
        if let Ok(mut forms) = self.forms.lock() {
            if forms.len() >= FORM_CACHE_MAX {
                forms.clear();
            }
            forms.insert(key.to_owned(), content);
        }
    }

    /// Maps text to glyphs without shaping (CJK and Latin certificate text
    /// needs none); variation selectors pick a variant glyph when the font
    /// has one and are kept in the text either way.
    pub(crate) fn shape(&self, text: &str) -> Vec<Shaped> {
        let mut out: Vec<Shaped> = Vec::with_capacity(text.len());
        for c in text.chars() {
            let c = if c == '\t' { ' ' } else { c };
            if is_variation_selector(c) {
                if let Some(last) = out.last_mut() {
                    if last.vs.is_none() {
                        last.vs = Some(c);
                        let base = last.ch;
                        let var = self.fonts.iter().enumerate().find_map(|(i, f)| {
                            f.face
                                .glyph_variation_index(base, c)
                                .filter(|g| g.0 != 0)
                                .map(|g| (i as u16, g.0))
                        });
                        if let Some((font, gid)) = var {
                            last.key = GlyphKey::Font { font, gid };
                            last.advance = self.fonts[font as usize].advance(gid);
                        }
                    }
                }
                continue;
            }
            if is_ignorable(c) {
                continue;
            }
            let (key, advance) = match self.lookup(c) {
                Some((font, gid)) => (
                    GlyphKey::Font { font, gid },
                    self.fonts[font as usize].advance(gid),
                ),
                None => (GlyphKey::Missing(c), 1000.0),
            };
            out.push(Shaped {
                key,
                advance,
                ch: c,
                vs: None,
            });
        }
        out
    }

    /// The glyph outline in a 1000-unit em, y up, origin on the baseline.
    pub(crate) fn outline(&self, key: GlyphKey) -> Arc<Path> {
        if let Ok(cache) = self.outlines.lock() {
            if let Some(p) = cache.get(&key) {
                return p.clone();
            }
        }
        let path = Arc::new(match key {
            GlyphKey::Font { font, gid } => {
                let f = &self.fonts[font as usize];
                let mut p = Path::new();
                f.face.outline_glyph(GlyphId(gid), &mut p);
                if f.upem == 1000.0 {
                    p
                } else {
                    let k = 1000.0 / f.upem;
                    p.transformed(Affine([k, 0.0, 0.0, k, 0.0, 0.0]))
                }
            }
            GlyphKey::Missing(c) => self.missing_box(c),
        });
        if let Ok(mut cache) = self.outlines.lock() {
            if cache.len() >= OUTLINE_CACHE_MAX {
                cache.clear();
            }
            cache.insert(key, path.clone());
        }
        path
    }

    /// A "tofu" box showing the code point in hex, so a missing character is
    /// visibly missing and identifiable rather than silently blank.
    fn missing_box(&self, c: char) -> Path {
        let mut p = Path::new();
        // Outer ring, then the inner edge in the opposite direction so a
        // nonzero fill leaves the inside empty.
        let (x0, y0, x1, y1, t) = (80.0, -90.0, 920.0, 810.0, 36.0);
        p.move_to(x0, y0);
        p.line_to(x1, y0);
        p.line_to(x1, y1);
        p.line_to(x0, y1);
        p.close();
        p.move_to(x0 + t, y0 + t);
        p.line_to(x0 + t, y1 - t);
        p.line_to(x1 - t, y1 - t);
        p.line_to(x1 - t, y0 + t);
        p.close();

        let code = c as u32;
        let hex = if code <= 0xFFFF {
            format!("{code:04X}")
        } else {
            format!("{code:06X}")
        };
        let cols = hex.len() / 2;
        let digits: Vec<char> = hex.chars().collect();
        let inner_w = x1 - x0 - 2.0 * t - 60.0;
        let inner_h = y1 - y0 - 2.0 * t - 60.0;
        let cell_w = inner_w / cols as f32;
        let cell_h = inner_h / 2.0;
        for (i, d) in digits.iter().enumerate() {
            let Some((font, gid)) = self.lookup(*d) else {
                continue;
            };
            let f = &self.fonts[font as usize];
            let mut g = Path::new();
            let Some(bb) = f.face.outline_glyph(GlyphId(gid), &mut g) else {
                continue;
            };
            let (gw, gh) = ((bb.x_max - bb.x_min) as f32, (bb.y_max - bb.y_min) as f32);
            if gw <= 0.0 || gh <= 0.0 {
                continue;
            }
            let s = (cell_w * 0.8 / gw).min(cell_h * 0.8 / gh);
            let (row, col) = (i / cols, i % cols);
            let cx = x0 + t + 30.0 + cell_w * (col as f32 + 0.5);
            let cy = y1 - t - 30.0 - cell_h * (row as f32 + 0.5);
            let ox = cx - (bb.x_min as f32 + gw / 2.0) * s;
            let oy = cy - (bb.y_min as f32 + gh / 2.0) * s;
            p.segs
                .extend(g.transformed(Affine([s, 0.0, 0.0, s, ox, oy])).segs);
        }
        p
    }
}

fn load_source(src: &FontSource) -> Result<LoadedFont, Error> {
    let label = src.path.display().to_string();
    let file = std::fs::File::open(&src.path).map_err(|e| Error::Io(label.clone(), e))?;
    // SAFETY: fonts are read-only system files; mapping avoids keeping
    // ~100 MB of CJK fonts resident when only a few hundred glyphs are used.
    // A file truncated while mapped would fault, the same trade-off fontdb
    // and every desktop font stack makes.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::Io(label.clone(), e))?;
    LoadedFont::new(FontBytes::Mapped(map), &src.face, &label)
}

fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Characters that have no visible form and would otherwise become
/// replacement boxes.
fn is_ignorable(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}')
}

/// A standalone SVG of one character on its em square (`viewBox="0 0 1000
/// 1000"`, narrower glyphs centred), filled with `currentColor`, from the
/// first font of the chain that has it. `None` if no font covers `ch`.
pub fn glyph_svg(fonts: &FontChain, ch: char) -> Option<String> {
    let (font, gid) = fonts.lookup(ch)?;
    let f = fonts.font(font);
    let key = GlyphKey::Font { font, gid };
    let outline = fonts.outline(key);
    let adv = f.advance(gid);
    let dx = ((1000.0 - adv) / 2.0).max(0.0);
    let d = crate::svg::path_data(
        &outline.transformed(Affine([1.0, 0.0, 0.0, -1.0, dx, f.em_top])),
        0,
    );
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1000 1000\" width=\"1em\" height=\"1em\"><path fill=\"currentColor\" d=\"{d}\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The working-set shortcut must produce exactly what subsetting the
    /// original font produces.
    #[test]
    fn working_set_subsets_are_identical() {
        let Ok(chain) = FontChain::system_default() else {
            eprintln!("SKIPPED: system CJK fonts not installed");
            return;
        };
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
