//! The page's content stream: every [`Item`] as PDF operators (text as CIDs of the subset
//! fonts or codes of the Type 3 fonts, outlines and paths as path operators, groups as form
//! XObjects drawn once per instance), collecting the resources it refers to.

use std::sync::Arc;

use super::embed::{Code, Fonts};
use super::{compress, compress_best};
use crate::fonts::FontChain;
use crate::geom::{push_num, push_uint, Affine, Color, Path, Seg};
use crate::layout::{Item, Page, TextRun};

/// The content stream's writer and the resources it used, for the caller to write out.
pub(super) struct Writer<'a> {
    pub(super) fonts: Fonts<'a>,
    /// (opacity, multiply) → ExtGState index.
    pub(super) gstates: Vec<(f32, bool)>,
    /// Form XObjects: (compressed content, bbox).
    pub(super) xobjects: Vec<(Arc<Vec<u8>>, [f32; 4])>,
}

/// The content stream of `page` (uncompressed) and the writer holding the fonts, graphics
/// states and form XObjects it refers to.
pub(super) fn page_content<'a>(chain: &'a FontChain, page: &Page) -> (String, Writer<'a>) {
    let mut w = Writer {
        fonts: Fonts::new(chain),
        gstates: Vec::new(),
        xobjects: Vec::new(),
    };
    let mut content = String::with_capacity(32 * 1024);
    // Flip once so that every item uses top-left, y-down page coordinates.
    content.push_str("1 0 0 -1 0 ");
    push_num(&mut content, page.height, 2);
    content.push_str(" cm\n");
    w.items(&mut content, &page.items);
    (content, w)
}

fn push_nums(out: &mut String, nums: &[f32], decimals: u32) {
    for &n in nums {
        push_num(out, n, decimals);
        out.push(' ');
    }
}

fn push_color(out: &mut String, c: Color, op: &str) {
    push_nums(out, &[c.0, c.1, c.2], 3);
    out.push_str(op);
    out.push('\n');
}

/// Writes path construction operators; quadratic segments (TrueType) are
/// raised to cubics because PDF has no quadratic operator.
pub(super) fn push_path(out: &mut String, path: &Path, decimals: u32) {
    let (mut cx, mut cy) = (0.0f32, 0.0f32);
    let (mut sx, mut sy) = (0.0f32, 0.0f32);
    for seg in &path.segs {
        match *seg {
            Seg::Move(x, y) => {
                push_nums(out, &[x, y], decimals);
                out.push_str("m\n");
                (cx, cy, sx, sy) = (x, y, x, y);
            }
            Seg::Line(x, y) => {
                push_nums(out, &[x, y], decimals);
                out.push_str("l\n");
                (cx, cy) = (x, y);
            }
            Seg::Quad(x1, y1, x, y) => {
                let c1 = (cx + 2.0 / 3.0 * (x1 - cx), cy + 2.0 / 3.0 * (y1 - cy));
                let c2 = (x + 2.0 / 3.0 * (x1 - x), y + 2.0 / 3.0 * (y1 - y));
                push_nums(out, &[c1.0, c1.1, c2.0, c2.1, x, y], decimals);
                out.push_str("c\n");
                (cx, cy) = (x, y);
            }
            Seg::Cubic(x1, y1, x2, y2, x, y) => {
                push_nums(out, &[x1, y1, x2, y2, x, y], decimals);
                out.push_str("c\n");
                (cx, cy) = (x, y);
            }
            Seg::Close => {
                out.push_str("h\n");
                (cx, cy) = (sx, sy);
            }
            Seg::Rect(x, y, w, h) => {
                push_nums(out, &[x, y, w, h], decimals);
                out.push_str("re\n");
            }
        }
    }
}

fn push_hex(out: &mut String, v: u16, digits: u32) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for i in (0..digits).rev() {
        out.push(HEX[((v >> (i * 4)) & 15) as usize] as char);
    }
}

fn push_matrix(out: &mut String, t: Affine) {
    let [a, b, c, d, e, f] = t.0;
    push_nums(out, &[a, b, c, d], 5);
    push_nums(out, &[e, f], 2);
}

impl<'a> Writer<'a> {
    fn gstate(&mut self, opacity: f32, multiply: bool) -> usize {
        if let Some(i) = self
            .gstates
            .iter()
            .position(|&(o, m)| o == opacity && m == multiply)
        {
            return i;
        }
        self.gstates.push((opacity, multiply));
        self.gstates.len() - 1
    }

    fn items(&mut self, out: &mut String, items: &[Item]) {
        for item in items {
            self.item(out, item);
        }
    }

    fn item(&mut self, out: &mut String, item: &Item) {
        match item {
            Item::Text(run) => self.text(out, run),
            Item::Outlines { glyphs, fill } => {
                push_color(out, *fill, "rg");
                for (key, t) in glyphs {
                    let outline = self.fonts.chain.outline(*key);
                    if outline.segs.is_empty() {
                        continue;
                    }
                    out.push_str("q ");
                    push_matrix(out, *t);
                    out.push_str("cm\n");
                    push_path(out, &outline, 0);
                    out.push_str("f Q\n");
                }
            }
            Item::Path { path, fill, stroke } => {
                if let Some(c) = fill {
                    push_color(out, *c, "rg");
                }
                if let Some((c, w)) = stroke {
                    push_color(out, *c, "RG");
                    push_num(out, *w, 2);
                    out.push_str(" w\n");
                }
                push_path(out, path, 2);
                out.push_str(match (fill.is_some(), stroke.is_some()) {
                    (true, true) => "B\n",
                    (true, false) => "f\n",
                    (false, true) => "S\n",
                    (false, false) => "n\n",
                });
            }
            Item::Group {
                items,
                instances,
                opacity,
                multiply,
                bbox,
                cache_key,
            } => {
                let gs = self.gstate(*opacity, *multiply);
                // Text in a cached form would refer to this document's font
                // resources, so only text-free groups are cached.
                let cacheable = cache_key.as_deref().filter(|_| !contains_text(items));
                let x = if let Some(key) = cacheable {
                    let z = match self.fonts.chain.cached_form(key) {
                        Some(z) => z,
                        None => {
                            let mut inner = String::new();
                            self.items(&mut inner, items);
                            let z = Arc::new(compress_best(inner.as_bytes()));
                            self.fonts.chain.store_form(key, z.clone());
                            z
                        }
                    };
                    self.xobjects.push((z, *bbox));
                    Some(self.xobjects.len() - 1)
                } else if instances.len() > 1 {
                    let mut inner = String::new();
                    self.items(&mut inner, items);
                    self.xobjects
                        .push((Arc::new(compress(inner.as_bytes())), *bbox));
                    Some(self.xobjects.len() - 1)
                } else {
                    None
                };
                out.push_str("q /G");
                push_uint(out, gs as u64);
                out.push_str(" gs\n");
                for t in instances {
                    out.push_str("q ");
                    push_matrix(out, *t);
                    out.push_str("cm\n");
                    match x {
                        Some(x) => {
                            out.push_str("/X");
                            push_uint(out, x as u64);
                            out.push_str(" Do\n");
                        }
                        None => self.items(out, items),
                    }
                    out.push_str("Q\n");
                }
                out.push_str("Q\n");
            }
        }
    }

    fn text(&mut self, out: &mut String, run: &TextRun) {
        out.push_str("BT\n");
        if run.bold > 0.0 {
            push_color(out, run.color, "RG");
            push_num(out, run.bold, 2);
            out.push_str(" w 2 Tr\n");
        }
        push_color(out, run.color, "rg");
        if run.spacing != 0.0 {
            push_num(out, run.spacing, 3);
            out.push_str(" Tc\n");
        }
        out.push_str("1 0 0 -1 ");
        push_nums(out, &[run.x, run.y], 2);
        out.push_str("Tm\n");
        let mut current: Option<(bool, usize)> = None;
        let mut open_hex = false;
        for g in &run.glyphs {
            let (code, conflict) = self.fonts.code(g);
            let (font, value, width) = match code {
                Code::Cid { font_use, cid } => ((false, font_use), cid, 4),
                Code::Type3 { font, code } => ((true, font), code as u16, 2),
            };
            if current != Some(font) || conflict {
                if open_hex {
                    out.push_str(">Tj\n");
                    open_hex = false;
                }
                if current != Some(font) {
                    out.push_str(if font.0 { "/T" } else { "/F" });
                    push_uint(out, font.1 as u64);
                    out.push(' ');
                    push_num(out, run.size, 2);
                    out.push_str(" Tf\n");
                    current = Some(font);
                }
            }
            if conflict {
                // The CID already maps to other text in ToUnicode; say what this
                // occurrence really is so extraction stays exact.
                out.push_str("/Span<</ActualText<FEFF");
                for u in g.text().encode_utf16() {
                    push_hex(out, u, 4);
                }
                out.push_str(">>>BDC <");
                push_hex(out, value, width);
                out.push_str(">Tj EMC\n");
                continue;
            }
            if !open_hex {
                out.push('<');
                open_hex = true;
            }
            push_hex(out, value, width);
        }
        if open_hex {
            out.push_str(">Tj\n");
        }
        if run.spacing != 0.0 {
            out.push_str("0 Tc\n");
        }
        if run.bold > 0.0 {
            out.push_str("0 Tr\n");
        }
        out.push_str("ET\n");
    }
}

fn contains_text(items: &[Item]) -> bool {
    items.iter().any(|i| match i {
        Item::Text(_) => true,
        Item::Group { items, .. } => contains_text(items),
        _ => false,
    })
}
