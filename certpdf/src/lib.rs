//! Signed one-page PDF (and SVG preview) rendering of annotated
//! professional-qualification e-certificates ("加注件"), plus verification
//! of uploaded signed PDFs.
//!
//! Typical use: load a [`FontChain`] and an [`IssuerKey`] once at start-up,
//! then call [`render_annotated_certificate`] per request. Uploaded files
//! are checked with [`verify_signed_pdf`].
//!
//! See `README.md` for the signature format and how it was validated.

mod fonts;
mod geom;
mod layout;
mod pdf;
mod qr;
mod sign;
mod svg;
mod verify;

use std::time::SystemTime;

pub use fonts::{glyph_svg, FaceSelector, FontChain, FontSource, SYSTEM_FONTS};
pub use sign::{IssuerKey, TrustedCert};
pub use verify::{verify_signed_pdf, VerifiedPdf, VerifyError, MAX_PDF_LEN};

/// Errors from loading fonts and keys and from rendering.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {0}: {1}")]
    Io(String, #[source] std::io::Error),
    #[error("font error: {0}")]
    Font(String),
    #[error("no CJK font available (install fonts-noto-cjk or pass a CJK font)")]
    NoCjkFont,
    #[error("key or certificate error: {0}")]
    Key(String),
    #[error("PDF error: {0}")]
    Pdf(String),
    #[error("invalid input: {0}")]
    InvalidInput(String),
}

/// Everything printed on an annotated certificate. All fields are
/// display-ready strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnnotatedCertificate {
    /// 持证人姓名
    pub holder_name: String,
    /// 证件号码, already masked, e.g. `1101**********123X`.
    pub masked_id_number: String,
    /// 资格名称
    pub qualification: String,
    /// 级别
    pub level: String,
    /// 专业
    pub specialty: String,
    /// 管理号
    pub certificate_number: String,
    /// 签发日期
    pub issue_date: String,
    /// 发证机构 (also set along the seal's arc)
    pub issuer: String,
    /// 加注编号
    pub annotation_number: String,
    /// 使用场景, e.g. `本人调用`
    pub scenario: String,
    /// 加注有效期 start
    pub valid_from: String,
    /// 加注有效期 end (also in the watermark)
    pub valid_until: String,
    /// 生成时间
    pub produced_at: String,
    /// Encoded in the QR code and printed in the footer.
    pub verify_url: String,
    /// Short opaque code stored in the signed document information
    /// (`/AnnotationCode`) and returned by [`verify_signed_pdf`].
    /// 1–64 characters from `A-Z a-z 0-9 - _ . ~`.
    pub annotation_code: String,
}

impl AnnotatedCertificate {
    /// A complete example document (holder 张𪚥, a name outside the BMP), shared by the
    /// tests, the benchmarks and `examples/sample.rs` so they all render the same page.
    pub fn example() -> Self {
        AnnotatedCertificate {
            holder_name: "张𪚥".into(),
            masked_id_number: "1101**********123X".into(),
            qualification: "计算机技术与软件专业技术资格".into(),
            level: "高级".into(),
            specialty: "信息系统项目管理师".into(),
            certificate_number: "2023-GJ-110100-004512".into(),
            issue_date: "2023-12-28".into(),
            issuer: "中华人民共和国人力资源和社会保障部".into(),
            annotation_number: "JZ20250224000123".into(),
            scenario: "本人调用".into(),
            valid_from: "2025-02-24".into(),
            valid_until: "2027-02-24".into(),
            produced_at: "2025-02-24 10:32:15".into(),
            verify_url: "https://zscx.example.gov.cn/v/JZ20250224000123?c=7KQ2-M9XD".into(),
            annotation_code: "7KQ2-M9XD".into(),
        }
    }
}

pub(crate) fn valid_annotation_code(code: &str) -> bool {
    (1..=64).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
}

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

/// Renders the annotated certificate as a one-page A4 PDF with embedded
/// subset fonts and signs it (PAdES B-B, ECDSA P-256 / SHA-256).
pub fn render_annotated_certificate(
    fonts: &FontChain,
    key: &IssuerKey,
    doc: &AnnotatedCertificate,
) -> Result<Vec<u8>, Error> {
    if !valid_annotation_code(&doc.annotation_code) {
        return Err(Error::InvalidInput(
            "annotation_code must be 1-64 characters of A-Z a-z 0-9 - _ . ~".into(),
        ));
    }
    let page = layout::certificate(fonts, doc)?;
    sign_page(fonts, key, doc, &page, "电子证书加注件签章")
}

/// Renders and signs an e-certificate that needs no annotation (issued before the cut-off):
/// the certificate data, seal and QR code of [`render_annotated_certificate`], without the
/// annotation block or watermark. The annotation fields of `doc` are not printed;
/// `annotation_code` still names the document for [`verify_signed_pdf`].
pub fn render_e_certificate(
    fonts: &FontChain,
    key: &IssuerKey,
    doc: &AnnotatedCertificate,
) -> Result<Vec<u8>, Error> {
    if !valid_annotation_code(&doc.annotation_code) {
        return Err(Error::InvalidInput(
            "annotation_code must be 1-64 characters of A-Z a-z 0-9 - _ . ~".into(),
        ));
    }
    let page = layout::e_certificate(fonts, doc)?;
    sign_page(fonts, key, doc, &page, "电子证书签章")
}

fn sign_page(
    fonts: &FontChain,
    key: &IssuerKey,
    doc: &AnnotatedCertificate,
    page: &layout::Page,
    reason: &str,
) -> Result<Vec<u8>, Error> {
    let now = pdf_date(SystemTime::now());
    let signer = key
        .subject_common_name()
        .unwrap_or_else(|| doc.issuer.clone());
    let info = pdf::DocInfo {
        title: &page.title,
        annotation_code: Some(&doc.annotation_code),
        date: now,
        file_id: file_id(),
    };
    let spec = pdf::SigSpec {
        reserve: key.cms_max_len() + 8,
        signer_name: &signer,
        reason,
        date: now,
    };
    let (mut bytes, slots) = pdf::write(fonts, page, &info, Some(&spec))?;
    let slots = slots.ok_or_else(|| Error::Pdf("signature placeholder missing".into()))?;
    sign::apply_signature(&mut bytes, &slots, key)?;
    Ok(bytes)
}

/// The same page as [`render_annotated_certificate`] draws, as SVG with
/// every glyph an outline (no fonts needed to display it). Unsigned.
pub fn render_preview_svg(fonts: &FontChain, doc: &AnnotatedCertificate) -> Result<String, Error> {
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
        doc: &AnnotatedCertificate,
    ) -> Result<Prepared, Error> {
        let page = layout::certificate(fonts, doc)?;
        let now = pdf_date(SystemTime::now());
        let info = pdf::DocInfo {
            title: &page.title,
            annotation_code: Some(&doc.annotation_code),
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
