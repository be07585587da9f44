//! The page's content stream: every [`Item`] as PDF operators (text as CIDs of the subset
//! fonts or codes of the Type 3 fonts, outlines and paths as path operators, groups as form
//! XObjects drawn once per instance), collecting the resources it refers to.

use std::sync::Arc;

use super::embed::{Code, Fonts};
use super::ops::{push_color, push_hex, push_matrix, push_nums, push_path};
use super::{compress, compress_best};
use crate::fonts::FontChain;
use crate::geom::{push_num, push_uint};
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
