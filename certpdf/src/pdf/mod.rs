//! PDF serialisation of a [`Page`]: subset CID fonts with ToUnicode maps,
//! a Type 3 font for characters no font covers, hand-written compact
//! content streams, and an optional signature placeholder.
//!
//! * `content`: the page's content stream and the resources it refers to;
//! * `embed`: the fonts the page uses, subset and embedded;
//! * `ops`: operands and path operators in content streams;
//! * `signature`: the signature field and dictionary with their placeholders, and where the
//!   placeholders ended up in the file;
//! * here: the order of the objects in the file, graphics states, form XObjects, the page,
//!   catalogue and document information.

mod content;
mod embed;
mod ops;
mod signature;

use pdf_writer::types::{BlendMode, SigFlags};
use pdf_writer::{Filter, Name, Pdf, Rect, Ref, Settings, Str, TextStr};

use crate::error::Error;
use crate::fonts::FontChain;
use crate::layout::Page;

pub(crate) use signature::{SigSlots, SigSpec};

/// miniz level 1: measured ~2–3× faster than the default level 6 on our
/// content streams for ~20 % larger streams (a few hundred bytes here).
const DEFLATE_LEVEL: u8 = 1;

pub(crate) struct DocInfo<'a> {
    pub title: &'a str,
    pub annotation_code: Option<&'a str>,
    pub date: pdf_writer::Date,
    pub file_id: [u8; 16],
}

fn compress(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, DEFLATE_LEVEL)
}

/// For content compressed once and cached across documents.
fn compress_best(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 9)
}

/// Object numbers, handed out in the order the objects are written.
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

/// The named resources shared by the page and its form XObjects.
struct Resources {
    /// `F0…` (subset fonts) then `T0…` (Type 3 fonts).
    fonts: Vec<(String, Ref)>,
    /// `G0…`
    gstates: Vec<Ref>,
    /// `X0…`
    xobjects: Vec<Ref>,
}

impl Resources {
    fn write(&self, res: &mut pdf_writer::writers::Resources) {
        if !self.fonts.is_empty() {
            let mut fd = res.fonts();
            for (name, r) in &self.fonts {
                fd.pair(Name(name.as_bytes()), *r);
            }
        }
        if !self.gstates.is_empty() {
            let mut gd = res.ext_g_states();
            for (i, r) in self.gstates.iter().enumerate() {
                gd.pair(Name(format!("G{i}").as_bytes()), *r);
            }
        }
        if !self.xobjects.is_empty() {
            let mut xd = res.x_objects();
            for (i, r) in self.xobjects.iter().enumerate() {
                xd.pair(Name(format!("X{i}").as_bytes()), *r);
            }
        }
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
    let (content, w) = content::page_content(chain, page);

    let mut pdf = Pdf::with_settings(Settings { pretty: false });
    pdf.set_version(1, 7);
    pdf.set_file_id((info.file_id.to_vec(), info.file_id.to_vec()));
    let mut refs = Refs { next: 1 };
    let catalog_id = refs.next();
    let pages_id = refs.next();
    let page_id = refs.next();
    let content_id = refs.next();
    let info_id = refs.next();

    let mut fonts = embed::write_cid_fonts(&mut pdf, &mut refs, chain, &w.fonts)?;
    fonts.extend(embed::write_type3_fonts(
        &mut pdf, &mut refs, chain, &w.fonts,
    ));
    let resources = write_graphics(&mut pdf, &mut refs, &w, fonts);

    let z = compress(content.as_bytes());
    pdf.stream(content_id, &z).filter(Filter::FlateDecode);

    let sig_ids = sig.map(|_| (refs.next(), refs.next(), refs.next()));
    {
        let mut p = pdf.page(page_id);
        p.parent(pages_id)
            .media_box(Rect::new(0.0, 0.0, page.width, page.height))
            .contents(content_id);
        p.group().transparency().color_space().srgb();
        resources.write(&mut p.resources());
        if let Some((field, _, _)) = sig_ids {
            p.annotations([field]);
        }
    }
    pdf.pages(pages_id).kids([page_id]).count(1);

    {
        let mut c = pdf.catalog(catalog_id);
        c.pages(pages_id);
        c.lang(TextStr("zh-CN"));
        c.viewer_preferences().display_doc_title(true);
        if let Some((field, _, _)) = sig_ids {
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

    if let (Some(spec), Some((field_id, sig_id, appearance_id))) = (sig, sig_ids) {
        signature::write_placeholder(&mut pdf, spec, page_id, field_id, sig_id, appearance_id);
    }

    let bytes = pdf.finish();
    let slots = match sig {
        Some(_) => Some(signature::locate_slots(&bytes)?),
        None => None,
    };
    Ok((bytes, slots))
}

/// Writes the graphics states and form XObjects the content stream uses, and returns the
/// resources of the page (fonts included) that they share.
fn write_graphics(
    pdf: &mut Pdf,
    refs: &mut Refs,
    w: &content::Writer,
    fonts: Vec<(String, Ref)>,
) -> Resources {
    let gs_refs: Vec<Ref> = w.gstates.iter().map(|_| refs.next()).collect();
    for ((opacity, multiply), r) in w.gstates.iter().zip(&gs_refs) {
        let mut g = pdf.ext_graphics(*r);
        g.non_stroking_alpha(*opacity).stroking_alpha(*opacity);
        if *multiply {
            g.blend_mode(BlendMode::Multiply);
        }
    }
    let xo_refs: Vec<Ref> = w.xobjects.iter().map(|_| refs.next()).collect();
    let resources = Resources {
        fonts,
        gstates: gs_refs,
        xobjects: xo_refs,
    };
    for ((z, bbox), r) in w.xobjects.iter().zip(&resources.xobjects) {
        let mut x = pdf.form_xobject(*r, z);
        x.filter(Filter::FlateDecode);
        x.bbox(Rect::new(bbox[0], bbox[1], bbox[2], bbox[3]));
        resources.write(&mut x.resources());
    }
    resources
}
