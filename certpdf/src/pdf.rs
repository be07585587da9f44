//! PDF serialisation of a [`Page`]: subset CID fonts with ToUnicode maps,
//! a Type 3 font for characters no font covers, hand-written compact
//! content streams, and an optional signature placeholder.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use pdf_writer::types::{
    BlendMode, CidFontType, FieldType, FontFlags, SigFlags, SystemInfo, UnicodeCmap,
};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Settings, Str, TextStr};
use subsetter::GlyphRemapper;

use crate::fonts::{FontChain, GlyphKey, Shaped};
use crate::geom::{push_num, push_uint, Affine, Color, Path, Seg};
use crate::layout::{Item, Page, TextRun};
use crate::Error;

/// miniz level 1: measured ~2–3× faster than the default level 6 on our
/// content streams for ~20 % larger streams (a few hundred bytes here).
const DEFLATE_LEVEL: u8 = 1;

pub(crate) struct DocInfo<'a> {
    pub title: &'a str,
    pub annotation_code: Option<&'a str>,
    pub date: pdf_writer::Date,
    pub file_id: [u8; 16],
}

pub(crate) struct SigSpec<'a> {
    /// Bytes reserved for the DER-encoded CMS object.
    pub reserve: usize,
    pub signer_name: &'a str,
    pub reason: &'a str,
    pub date: pdf_writer::Date,
}

/// Where the signature placeholders ended up in the serialised file.
pub(crate) struct SigSlots {
    pub byte_range_at: usize,
    pub byte_range_len: usize,
    /// Offset of the `<` opening the /Contents hex string.
    pub contents_at: usize,
    /// Length of the hex string including both angle brackets.
    pub contents_len: usize,
}

pub(crate) const BYTE_RANGE_PLACEHOLDER: &[u8] = b"[0 2147483647 2147483647 2147483647]";

fn compress(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, DEFLATE_LEVEL)
}

/// For content compressed once and cached across documents.
fn compress_best(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 9)
}

/// Per-font subset state collected while walking the page.
struct FontUse {
    font: u16,
    remapper: GlyphRemapper,
    /// New CID → text it stands for (first use wins; later conflicting uses
    /// get /ActualText).
    to_unicode: BTreeMap<u16, String>,
}

struct Fonts<'a> {
    chain: &'a FontChain,
    uses: Vec<FontUse>,
    by_font: HashMap<u16, usize>,
    /// Characters without any glyph, in first-use order; drawn via Type 3.
    missing: Vec<char>,
    missing_idx: HashMap<char, usize>,
    missing_text: Vec<String>,
}

enum Code {
    Cid { font_use: usize, cid: u16 },
    Type3 { font: usize, code: u8 },
}

impl<'a> Fonts<'a> {
    fn new(chain: &'a FontChain) -> Self {
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
    fn code(&mut self, g: &Shaped) -> (Code, bool) {
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

struct Writer<'a> {
    fonts: Fonts<'a>,
    /// (opacity, multiply) → ExtGState index.
    gstates: Vec<(f32, bool)>,
    /// Form XObjects: (compressed content, bbox).
    xobjects: Vec<(Arc<Vec<u8>>, [f32; 4])>,
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
pub(crate) fn push_path(out: &mut String, path: &Path, decimals: u32) {
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

struct Refs {
    next: i32,
}

impl Refs {
    fn next(&mut self) -> Ref {
        let r = Ref::new(self.next);
        self.next += 1;
        r
    }
}

/// Serialises `page`. With `sig`, the file gets an AcroForm, an invisible
/// signature widget and a signature dictionary (written last) whose
/// /ByteRange and /Contents are placeholders for [`crate::sign`] to fill.
pub(crate) fn write(
    chain: &FontChain,
    page: &Page,
    info: &DocInfo,
    sig: Option<&SigSpec>,
) -> Result<(Vec<u8>, Option<SigSlots>), Error> {
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

    let mut pdf = Pdf::with_settings(Settings { pretty: false });
    pdf.set_version(1, 7);
    pdf.set_file_id((info.file_id.to_vec(), info.file_id.to_vec()));
    let mut refs = Refs { next: 1 };
    let catalog_id = refs.next();
    let pages_id = refs.next();
    let page_id = refs.next();
    let content_id = refs.next();
    let info_id = refs.next();

    // Fonts.
    let mut font_refs: Vec<(String, Ref)> = Vec::new();
    for (i, u) in w.fonts.uses.iter().enumerate() {
        let f = chain.font(u.font);
        let in_working_set = |ws: &crate::fonts::WorkingSet| {
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

    // Type 3 fonts for characters that no font covers.
    for (fi, chunk) in w.fonts.missing.chunks(255).enumerate() {
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
            let text = &w.fonts.missing_text[fi * 255 + i];
            cmap.pair_with_multiple((i + 1) as u8, text.chars());
        }
        let z = compress(cmap.finish().as_slice());
        pdf.cmap(cmap_id, &z).filter(Filter::FlateDecode);
        font_refs.push((format!("T{fi}"), font_id));
    }

    // Graphics states and form XObjects.
    let gs_refs: Vec<Ref> = w.gstates.iter().map(|_| refs.next()).collect();
    for ((opacity, multiply), r) in w.gstates.iter().zip(&gs_refs) {
        let mut g = pdf.ext_graphics(*r);
        g.non_stroking_alpha(*opacity).stroking_alpha(*opacity);
        if *multiply {
            g.blend_mode(BlendMode::Multiply);
        }
    }
    let xo_refs: Vec<Ref> = w.xobjects.iter().map(|_| refs.next()).collect();
    let write_resources = |res: &mut pdf_writer::writers::Resources| {
        if !font_refs.is_empty() {
            let mut fd = res.fonts();
            for (name, r) in &font_refs {
                fd.pair(Name(name.as_bytes()), *r);
            }
        }
        if !gs_refs.is_empty() {
            let mut gd = res.ext_g_states();
            for (i, r) in gs_refs.iter().enumerate() {
                gd.pair(Name(format!("G{i}").as_bytes()), *r);
            }
        }
        if !xo_refs.is_empty() {
            let mut xd = res.x_objects();
            for (i, r) in xo_refs.iter().enumerate() {
                xd.pair(Name(format!("X{i}").as_bytes()), *r);
            }
        }
    };
    for ((z, bbox), r) in w.xobjects.iter().zip(&xo_refs) {
        let mut x = pdf.form_xobject(*r, z);
        x.filter(Filter::FlateDecode);
        x.bbox(Rect::new(bbox[0], bbox[1], bbox[2], bbox[3]));
        write_resources(&mut x.resources());
    }

    let z = compress(content.as_bytes());
    pdf.stream(content_id, &z).filter(Filter::FlateDecode);

    let sig_ids = sig.map(|_| (refs.next(), refs.next()));
    let sig_ap = sig.map(|_| refs.next());

    {
        let mut p = pdf.page(page_id);
        p.parent(pages_id)
            .media_box(Rect::new(0.0, 0.0, page.width, page.height))
            .contents(content_id);
        p.group().transparency().color_space().srgb();
        write_resources(&mut p.resources());
        if let Some((field, _)) = sig_ids {
            p.annotations([field]);
        }
    }
    pdf.pages(pages_id).kids([page_id]).count(1);

    {
        let mut c = pdf.catalog(catalog_id);
        c.pages(pages_id);
        c.lang(TextStr("zh-CN"));
        c.viewer_preferences().display_doc_title(true);
        if let Some((field, _)) = sig_ids {
            c.form()
                .fields([field])
                .sig_flags(SigFlags::SIGNATURES_EXIST | SigFlags::APPEND_ONLY);
        }
    }

    {
        let mut di = pdf.document_info(info_id);
        di.title(TextStr(info.title))
            .producer(TextStr("certpdf"))
            .creation_date(info.date);
        if let Some(code) = info.annotation_code {
            di.pair(Name(b"AnnotationCode"), Str(code.as_bytes()));
        }
    }

    let mut slots = None;
    if let (Some(spec), Some((field_id, sig_id))) = (sig, sig_ids) {
        {
            let mut f = pdf.form_field(field_id);
            f.field_type(FieldType::Signature)
                .partial_name(TextStr("Signature1"));
            f.pair(Name(b"V"), sig_id);
            let mut a = f.into_annotation();
            a.rect(Rect::new(0.0, 0.0, 0.0, 0.0))
                .flags(
                    pdf_writer::types::AnnotationFlags::PRINT
                        | pdf_writer::types::AnnotationFlags::LOCKED,
                )
                .page(page_id);
            // An empty appearance: not required for a zero-size widget, but
            // some processors (Ghostscript, PDF/A checkers) expect one.
            if let Some(ap) = sig_ap {
                a.appearance().normal().stream(ap);
            }
        }
        if let Some(ap) = sig_ap {
            pdf.form_xobject(ap, b"")
                .bbox(Rect::new(0.0, 0.0, 0.0, 0.0));
        }
        // Written last so that the unsigned gap sits near the end of the file.
        let placeholder = vec![0x80u8; spec.reserve];
        let mut d = pdf.indirect(sig_id).dict();
        d.pair(Name(b"Type"), Name(b"Sig"))
            .pair(Name(b"Filter"), Name(b"Adobe.PPKLite"))
            .pair(Name(b"SubFilter"), Name(b"ETSI.CAdES.detached"))
            .insert(Name(b"ByteRange"))
            .array()
            .items([0i32, i32::MAX, i32::MAX, i32::MAX]);
        d.pair(Name(b"Contents"), Str(&placeholder))
            .pair(Name(b"M"), spec.date)
            .pair(Name(b"Name"), TextStr(spec.signer_name))
            .pair(Name(b"Reason"), TextStr(spec.reason));
        d.finish();
    }

    let bytes = pdf.finish();
    if sig.is_some() {
        let br = rfind(&bytes, BYTE_RANGE_PLACEHOLDER)
            .ok_or_else(|| Error::Pdf("ByteRange placeholder lost".into()))?;
        let ct = find_from(&bytes, b"/Contents<", br)
            .map(|p| p + b"/Contents".len())
            .or_else(|| find_from(&bytes, b"/Contents <", br).map(|p| p + b"/Contents ".len()))
            .ok_or_else(|| Error::Pdf("Contents placeholder lost".into()))?;
        let end = bytes[ct..]
            .iter()
            .position(|&b| b == b'>')
            .ok_or_else(|| Error::Pdf("unterminated Contents".into()))?;
        slots = Some(SigSlots {
            byte_range_at: br,
            byte_range_len: BYTE_RANGE_PLACEHOLDER.len(),
            contents_at: ct,
            contents_len: end + 1,
        });
    }
    Ok((bytes, slots))
}

pub(crate) fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(hay, needle)
}

pub(crate) fn find_from(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    memchr::memmem::find(hay.get(from..)?, needle).map(|p| p + from)
}
