//! The fonts as PDF resources: which glyphs the page uses (one subset per font of the chain,
//! Type 3 boxes for characters no font has) and their embedding, each with a `/ToUnicode`
//! map so text extraction returns the real characters.

use std::collections::{BTreeMap, HashMap};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;

use super::ops::push_path;
use super::{compress, Refs};
use crate::error::Error;
use crate::fonts::{FontChain, GlyphKey, Shaped, WorkingSet};

/// Per-font subset state collected while walking the page.
struct FontUse {
    font: u16,
    remapper: GlyphRemapper,
    /// New CID → text it stands for (first use wins; later conflicting uses
    /// get /ActualText).
    to_unicode: BTreeMap<u16, String>,
}

pub(super) struct Fonts<'a> {
    pub(super) chain: &'a FontChain,
    uses: Vec<FontUse>,
    by_font: HashMap<u16, usize>,
    /// Characters without any glyph, in first-use order; drawn via Type 3.
    missing: Vec<char>,
    missing_idx: HashMap<char, usize>,
    missing_text: Vec<String>,
}

pub(super) enum Code {
    Cid { font_use: usize, cid: u16 },
    Type3 { font: usize, code: u8 },
}

impl<'a> Fonts<'a> {
    pub(super) fn new(chain: &'a FontChain) -> Self {
        Fonts {
            chain,
            uses: Vec::new(),
            by_font: HashMap::new(),
            missing: Vec::new(),
            missing_idx: HashMap::new(),
            missing_text: Vec::new(),
        }
    }

    /// Registers a glyph and returns its code plus whether the code's
    /// ToUnicode entry already stands for different text.
    pub(super) fn code(&mut self, g: &Shaped) -> (Code, bool) {
        match g.key {
            GlyphKey::Font { font, gid } => {
                let idx = *self.by_font.entry(font).or_insert_with(|| {
                    self.uses.push(FontUse {
                        font,
                        remapper: GlyphRemapper::new(),
                        to_unicode: BTreeMap::new(),
                    });
                    self.uses.len() - 1
                });
                let u = &mut self.uses[idx];
                let cid = u.remapper.remap(gid);
                let text = g.text();
                let conflict = match u.to_unicode.get(&cid) {
                    Some(t) => *t != text,
                    None => {
                        u.to_unicode.insert(cid, text);
                        false
                    }
                };
                (Code::Cid { font_use: idx, cid }, conflict)
            }
            GlyphKey::Missing(c) => {
                let i = *self.missing_idx.entry(c).or_insert_with(|| {
                    self.missing.push(c);
                    self.missing_text.push(g.text());
                    self.missing.len() - 1
                });
                (
                    Code::Type3 {
                        font: i / 255,
                        code: (i % 255 + 1) as u8,
                    },
                    false,
                )
            }
        }
    }
}

/// Embeds a subset of every font the page uses (from the font's working set when all its
/// glyphs are in it), as Type 0 fonts with CID widths and a `/ToUnicode` map. Returns the
/// resource names (`F0`, `F1`, …) and objects.
pub(super) fn write_cid_fonts(
    pdf: &mut Pdf,
    refs: &mut Refs,
    chain: &FontChain,
    fonts: &Fonts,
) -> Result<Vec<(String, Ref)>, Error> {
    let mut font_refs: Vec<(String, Ref)> = Vec::new();
    for (i, u) in fonts.uses.iter().enumerate() {
        let f = chain.font(u.font);
        let in_working_set = |ws: &WorkingSet| {
            u.remapper
                .remapped_gids()
                .all(|g| g == 0 || ws.map.get(g as usize).is_some_and(|&m| m != 0))
        };
        let data = match f.working_set() {
            Some(ws) if in_working_set(ws) => {
                // Same insertion order, so CIDs keep the values already
                // written into the content stream.
                let mut r = GlyphRemapper::new();
                for g in u.remapper.remapped_gids() {
                    r.remap(ws.map[g as usize]);
                }
                subsetter::subset(&ws.data, 0, &r)
            }
            _ => subsetter::subset(f.data(), f.index, &u.remapper),
        }
        .map_err(|e| Error::Font(format!("subsetting {} failed: {e}", f.ps_name)))?;
        let type0 = refs.next();
        let cid = refs.next();
        let desc = refs.next();
        let file = refs.next();
        let cmap_id = refs.next();
        let base = format!("{}+{}", subset_tag(u), f.ps_name);
        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };

        pdf.type0_font(type0)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap_id);

        let mut cid_font = pdf.cid_font(cid);
        cid_font
            .subtype(if f.is_cff {
                CidFontType::Type0
            } else {
                CidFontType::Type2
            })
            .base_font(Name(base.as_bytes()))
            .system_info(system_info)
            .font_descriptor(desc)
            .default_width(1000.0);
        if !f.is_cff {
            cid_font.cid_to_gid_map_predefined(Name(b"Identity"));
        }
        let old_gids: Vec<u16> = u.remapper.remapped_gids().collect();
        let widths: Vec<f32> = old_gids
            .iter()
            .map(|&g| (f.advance(g) * 100.0).round() / 100.0)
            .collect();
        cid_font.widths().consecutive(0, widths);
        cid_font.finish();

        let mut d = pdf.font_descriptor(desc);
        d.name(Name(base.as_bytes()))
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(f.bbox[0], f.bbox[1], f.bbox[2], f.bbox[3]))
            .italic_angle(0.0)
            .ascent(f.ascent)
            .descent(f.descent)
            .cap_height(f.cap_height)
            .stem_v(80.0);
        if f.is_cff {
            d.font_file3(file);
        } else {
            d.font_file2(file);
        }
        d.finish();

        if f.is_cff {
            // Embed the bare CFF table: smaller than the OpenType wrapper.
            // Left uncompressed: CFF charstrings are already dense (deflate
            // saves ~9 %) and compressing them was the largest single cost
            // of rendering.
            let cff = ttf_parser::RawFace::parse(&data, 0)
                .ok()
                .and_then(|r| r.table(ttf_parser::Tag::from_bytes(b"CFF ")))
                .ok_or_else(|| Error::Font("subset lost its CFF table".into()))?;
            pdf.stream(file, cff)
                .pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
        } else {
            let z = compress(&data);
            pdf.stream(file, &z)
                .filter(Filter::FlateDecode)
                .pair(Name(b"Length1"), data.len() as i32);
        }

        let mut cmap = UnicodeCmap::new(Name(b"Custom"), system_info);
        for (cid, text) in &u.to_unicode {
            cmap.pair_with_multiple(*cid, text.chars());
        }
        let z = compress(cmap.finish().as_slice());
        pdf.cmap(cmap_id, &z).filter(Filter::FlateDecode);
        font_refs.push((format!("F{i}"), type0));
    }
    Ok(font_refs)
}

/// Type 3 fonts (255 codes each) drawing the replacement box of every character no font
/// covers. Returns the resource names (`T0`, `T1`, …) and objects.
pub(super) fn write_type3_fonts(
    pdf: &mut Pdf,
    refs: &mut Refs,
    chain: &FontChain,
    fonts: &Fonts,
) -> Vec<(String, Ref)> {
    let mut font_refs: Vec<(String, Ref)> = Vec::new();
    for (fi, chunk) in fonts.missing.chunks(255).enumerate() {
        let font_id = refs.next();
        let cmap_id = refs.next();
        let desc_id = refs.next();
        let procs: Vec<Ref> = chunk.iter().map(|_| refs.next()).collect();
        let m_proc = refs.next();
        for (c, proc_id) in chunk.iter().zip(&procs) {
            let mut s = String::from("1000 0 80 -90 920 810 d1\n");
            push_path(&mut s, &chain.outline(GlyphKey::Missing(*c)), 0);
            s.push_str("f\n");
            let z = compress(s.as_bytes());
            pdf.stream(*proc_id, &z).filter(Filter::FlateDecode);
        }
        pdf.stream(m_proc, b"600 0 0 0 0 0 d1\n");
        let names: Vec<String> = (0..chunk.len()).map(|i| format!("g{}", i + 1)).collect();
        let mut t3 = pdf.type3_font(font_id);
        // Code 0 is an unused, empty glyph named "m" and 0.6 em wide:
        // poppler's text extraction guesses a Type 3 font's scale from the
        // width of "m" (assuming 0.6 em), else from any glyph (assuming
        // 0.5 em), which would double our boxes' size and split them off
        // their line.
        t3.bbox(Rect::new(0.0, -120.0, 1000.0, 880.0))
            .matrix([0.001, 0.0, 0.0, 0.001, 0.0, 0.0])
            .first_char(0)
            .last_char(chunk.len() as u8)
            .widths(std::iter::once(600.0).chain(chunk.iter().map(|_| 1000.0)))
            .to_unicode(cmap_id)
            .font_descriptor(desc_id);
        {
            let mut cp = t3.char_procs();
            cp.pair(Name(b"m"), m_proc);
            for (n, r) in names.iter().zip(&procs) {
                cp.pair(Name(n.as_bytes()), *r);
            }
        }
        t3.encoding_custom().differences().consecutive(
            0,
            std::iter::once(Name(b"m")).chain(names.iter().map(|n| Name(n.as_bytes()))),
        );
        t3.resources();
        t3.finish();
        pdf.font_descriptor(desc_id)
            .name(Name(b"CertpdfMissingGlyph"))
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(0.0, -120.0, 1000.0, 880.0))
            .italic_angle(0.0)
            .ascent(880.0)
            .descent(-120.0)
            .cap_height(700.0)
            .stem_v(80.0);
        let mut cmap = UnicodeCmap::<u8>::new(
            Name(b"Custom"),
            SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"UCS"),
                supplement: 0,
            },
        );
        for (i, _) in chunk.iter().enumerate() {
            let text = &fonts.missing_text[fi * 255 + i];
            cmap.pair_with_multiple((i + 1) as u8, text.chars());
        }
        let z = compress(cmap.finish().as_slice());
        pdf.cmap(cmap_id, &z).filter(Filter::FlateDecode);
        font_refs.push((format!("T{fi}"), font_id));
    }
    font_refs
}

fn subset_tag(font: &FontUse) -> String {
    // Deterministic tag derived from the glyph set (FNV-1a).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for cid in font.to_unicode.keys() {
        h ^= *cid as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^= font.font as u64;
    h = h.wrapping_mul(0x0100_0000_01b3);
    (0..6)
        .map(|i| (b'A' + ((h >> (i * 5)) % 26) as u8) as char)
        .collect()
}
