//! Signed one-page PDF (and SVG preview) rendering of annotated
//! professional-qualification e-certificates ("加注件"), plus verification
//! of uploaded signed PDFs.
//!
//! Typical use: load a [`FontChain`] and an [`IssuerKey`] once at start-up,
//! then call [`render_certificate_pdf`] per request. Uploaded files
//! are checked with [`verify_signed_pdf`].
//!
//! See `README.md` for the signature format and how it was validated.
//!
//! Modules, each using only modules listed before it: `error`; `geom` (paths, transforms,
//! numbers); `qr` (QR symbols); `document` (what a certificate page prints); `fonts` (the
//! font chain, glyphs and outlines); `layout` (the page description and the layouts that
//! fill it); `svg` and `pdf` (the two writers of a page); `sign` (the CMS signature of a
//! written PDF); `verify` (checks signed PDFs). This file ties them into the public API.

mod document;
mod error;
mod fonts;
mod geom;
mod layout;
mod pdf;
mod qr;
mod sign;
mod svg;
mod verify;

/// Skipping, or failing under `CERTPDF_REQUIRE_TOOLS`, when a test's fonts are missing: the
/// integration tests' rule, shared.
#[cfg(test)]
#[path = "../tests/common/require.rs"]
mod require;

use std::time::SystemTime;

use document::valid_verification_code;

pub use document::{AnnotationFace, CertificateDocument, CertificateFace};
pub use error::Error;
pub use fonts::{FaceSelector, FontChain, FontSource, SYSTEM_FONTS};
pub use qr::qr_svg;
pub use sign::{IssuerKey, TrustedCert};
pub use svg::glyph_svg;
pub use verify::{verify_signed_pdf, VerifiedPdf, VerifyError, MAX_PDF_LEN};

fn pdf_date(t: SystemTime) -> pdf_writer::Date {
    let Ok(dt) = der::DateTime::from_system_time(t) else {
        return pdf_writer::Date::new(1970);
    };
    pdf_writer::Date::new(dt.year())
        .month(dt.month())
        .day(dt.day())
        .hour(dt.hour())
        .minute(dt.minutes())
        .second(dt.seconds())
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

fn file_id() -> [u8; 16] {
    let mut id = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut id);
    id
}

/// Renders the certificate page as a one-page A4 PDF with embedded subset fonts and signs it
/// (PAdES B-B, ECDSA P-256 / SHA-256). With an annotation it is the annotated copy (加注件:
/// annotation block, watermark); without, the e-certificate alone (certificate data, seal
/// and QR code).
pub fn render_certificate_pdf(
    fonts: &FontChain,
    key: &IssuerKey,
    doc: &CertificateDocument,
) -> Result<Vec<u8>, Error> {
    if !valid_verification_code(&doc.verification_code) {
        return Err(Error::InvalidInput(
            "verification_code must be 1-64 characters of A-Z a-z 0-9 - _ . ~".into(),
        ));
    }
    let page = layout::certificate(fonts, doc)?;
    let reason = if doc.annotation.is_some() {
        "电子证书加注件签章"
    } else {
        "电子证书签章"
    };
    let now = pdf_date(SystemTime::now());
    let signer = key
        .subject_common_name()
        .unwrap_or_else(|| doc.certificate.issuer.clone());
    let info = pdf::DocInfo {
        title: &page.title,
        annotation_code: Some(&doc.verification_code),
        date: now,
        file_id: file_id(),
    };
    let spec = pdf::SigSpec {
        reserve: key.cms_max_len() + 8,
        signer_name: &signer,
        reason,
        date: now,
    };
    let (mut bytes, slots) = pdf::write(fonts, &page, &info, Some(&spec))?;
    let slots = slots.ok_or_else(|| Error::Pdf("signature placeholder missing".into()))?;
    sign::apply_signature(&mut bytes, &slots, key)?;
    Ok(bytes)
}

/// The same page as [`render_certificate_pdf`] draws, as SVG with
/// every glyph an outline (no fonts needed to display it). Unsigned.
pub fn render_preview_svg(fonts: &FontChain, doc: &CertificateDocument) -> Result<String, Error> {
    let page = layout::certificate(fonts, doc)?;
    Ok(svg::write(fonts, &page))
}

/// A simple unsigned one-page A4 PDF with a title and text lines (wrapped;
/// lines that do not fit on the page are dropped).
pub fn render_document_pdf(
    fonts: &FontChain,
    title: &str,
    lines: &[&str],
) -> Result<Vec<u8>, Error> {
    let page = layout::document(fonts, title, lines);
    let info = pdf::DocInfo {
        title,
        annotation_code: None,
        date: pdf_date(SystemTime::now()),
        file_id: file_id(),
    };
    let (bytes, _) = pdf::write(fonts, &page, &info, None)?;
    Ok(bytes)
}

#[doc(hidden)]
/// Benchmark hook: signs an already rendered, unsigned-but-prepared page.
/// Not part of the stable API.
pub mod bench_support {
    use super::*;

    /// Everything up to signing, returned so that signing alone can be timed.
    pub struct Prepared {
        bytes: Vec<u8>,
        slots: pdf::SigSlots,
    }

    pub fn prepare(
        fonts: &FontChain,
        key: &IssuerKey,
        doc: &CertificateDocument,
    ) -> Result<Prepared, Error> {
        let page = layout::certificate(fonts, doc)?;
        let now = pdf_date(SystemTime::now());
        let info = pdf::DocInfo {
            title: &page.title,
            annotation_code: Some(&doc.verification_code),
            date: now,
            file_id: [0; 16],
        };
        let spec = pdf::SigSpec {
            reserve: key.cms_max_len() + 8,
            signer_name: "bench",
            reason: "bench",
            date: now,
        };
        let (bytes, slots) = pdf::write(fonts, &page, &info, Some(&spec))?;
        Ok(Prepared {
            bytes,
            slots: slots.ok_or_else(|| Error::Pdf("no slots".into()))?,
        })
    }

    /// Byte-range patching, hashing and CMS signing of a prepared file.
    pub fn sign_prepared(p: &Prepared, key: &IssuerKey) -> Result<Vec<u8>, Error> {
        let mut bytes = p.bytes.clone();
        sign::apply_signature(&mut bytes, &p.slots, key)?;
        Ok(bytes)
    }
}
