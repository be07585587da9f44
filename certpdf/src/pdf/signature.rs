//! The signature's place in the file: an invisible signature field whose dictionary carries
//! placeholders for `/ByteRange` and `/Contents`, and where those placeholders ended up once
//! the file was serialised (for [`crate::sign`] to fill them).

use pdf_writer::types::{AnnotationFlags, FieldType};
use pdf_writer::{Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::error::Error;

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

const BYTE_RANGE_PLACEHOLDER: &[u8] = b"[0 2147483647 2147483647 2147483647]";

/// The signature field (merged with its zero-size widget on `page_id`), its empty
/// appearance, and the signature dictionary, written last so that the unsigned gap sits near
/// the end of the file.
pub(super) fn write_placeholder(
    pdf: &mut Pdf,
    spec: &SigSpec,
    page_id: Ref,
    field_id: Ref,
    sig_id: Ref,
    appearance_id: Ref,
) {
    {
        let mut f = pdf.form_field(field_id);
        f.field_type(FieldType::Signature)
            .partial_name(TextStr("Signature1"));
        f.pair(Name(b"V"), sig_id);
        let mut a = f.into_annotation();
        a.rect(Rect::new(0.0, 0.0, 0.0, 0.0))
            .flags(AnnotationFlags::PRINT | AnnotationFlags::LOCKED)
            .page(page_id);
        // An empty appearance: not required for a zero-size widget, but
        // some processors (Ghostscript, PDF/A checkers) expect one.
        a.appearance().normal().stream(appearance_id);
    }
    pdf.form_xobject(appearance_id, b"")
        .bbox(Rect::new(0.0, 0.0, 0.0, 0.0));
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

/// Finds the placeholders written by [`write_placeholder`] in the serialised file.
pub(super) fn locate_slots(bytes: &[u8]) -> Result<SigSlots, Error> {
    let br = rfind(bytes, BYTE_RANGE_PLACEHOLDER)
        .ok_or_else(|| Error::Pdf("ByteRange placeholder lost".into()))?;
    let ct = find_from(bytes, b"/Contents<", br)
        .map(|p| p + b"/Contents".len())
        .or_else(|| find_from(bytes, b"/Contents <", br).map(|p| p + b"/Contents ".len()))
        .ok_or_else(|| Error::Pdf("Contents placeholder lost".into()))?;
    let end = bytes[ct..]
        .iter()
        .position(|&b| b == b'>')
        .ok_or_else(|| Error::Pdf("unterminated Contents".into()))?;
    Ok(SigSlots {
        byte_range_at: br,
        byte_range_len: BYTE_RANGE_PLACEHOLDER.len(),
        contents_at: ct,
        contents_len: end + 1,
    })
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(hay, needle)
}

fn find_from(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    memchr::memmem::find(hay.get(from..)?, needle).map(|p| p + from)
}
