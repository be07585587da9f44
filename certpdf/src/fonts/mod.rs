//! Fonts: an ordered chain of faces with per-character fallback ([`FontChain`]), text mapped
//! to glyphs ([`Shaped`]), glyph outlines (with drawn boxes for characters no font has) and
//! the caches shared across documents. Loading one face is in `face`.

mod face;

use std::collections::HashMap;
use std::path::Path as FsPath;
use std::sync::{Arc, Mutex};

use ttf_parser::GlyphId;

use crate::error::Error;
use crate::geom::{Affine, Path};

use face::load_source;
pub use face::{FaceSelector, FontSource};
pub(crate) use face::{LoadedFont, WorkingSet};

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
            .map(|(i, (b, sel))| LoadedFont::from_vec(b, &sel, &format!("font #{i}")))
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

    /// The outline of `ch` from the first font that has it, placed on its em square for
    /// display: 1000 units, y down, the top of the ideographic em box at 0, narrower glyphs
    /// centred. `None` if no font covers `ch`.
    pub(crate) fn em_square_outline(&self, ch: char) -> Option<Path> {
        let (font, gid) = self.lookup(ch)?;
        let f = self.font(font);
        let outline = self.outline(GlyphKey::Font { font, gid });
        let adv = f.advance(gid);
        let dx = ((1000.0 - adv) / 2.0).max(0.0);
        Some(outline.transformed(Affine([1.0, 0.0, 0.0, -1.0, dx, f.em_top])))
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

fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Characters that have no visible form and would otherwise become
/// replacement boxes.
fn is_ignorable(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}')
}
