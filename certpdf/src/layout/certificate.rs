//! The certificate page, top to bottom: frame and heading, the certificate's table, the
//! annotation's table (annotated copies only), the explanatory note, the bottom block (QR
//! code on the left; issuer, date and seal on the right) and the verification address in the
//! footer. The watermark of an annotated copy lies under the bottom block.

use super::ornaments::{border, qr, seal, watermark, SEAL_LEGEND};
use super::page::{section, table, Align, Builder, Row, TABLE_X0, TABLE_X1};
use super::text::{width, wrap, wrap_shrinking};
use super::{Item, Page, A4_H, A4_W, CRIMSON, INK, MUTED};
use crate::document::{AnnotationFace, CertificateDocument, CertificateFace};
use crate::error::Error;
use crate::fonts::FontChain;

const TITLE: &str = "专业技术人员职业资格电子证书";
const SUBTITLE: &str = "（加注件）";

/// Side of the QR code, quiet zone included.
const QR_SIZE: f32 = 96.0;

fn watermark_text(annotation: &AnnotationFace) -> String {
    format!(
        "{} · 有效期至 {}",
        annotation.scenario, annotation.valid_until
    )
}

/// Lays out the certificate page: the annotated copy when `doc` has an annotation, else the
/// e-certificate alone (no annotation block, no watermark). Long values wrap inside their
/// table cells; if the result would run into the bottom block, the tables are laid out again
/// at a smaller scale.
pub(crate) fn certificate(fonts: &FontChain, doc: &CertificateDocument) -> Result<Page, Error> {
    let mut scale = 1.0;
    loop {
        let page = certificate_at(fonts, doc, scale)?;
        match page {
            Some(p) => return Ok(p),
            None if scale > 0.6 => scale -= 0.08,
            None => {
                return Err(Error::InvalidInput(
                    "certificate fields are too long to fit on one page".into(),
                ))
            }
        }
    }
}

/// The page with its tables at `scale`; `None` when it does not fit and a smaller scale
/// should be tried.
fn certificate_at(
    fonts: &FontChain,
    doc: &CertificateDocument,
    scale: f32,
) -> Result<Option<Page>, Error> {
    let (w, h) = (A4_W, A4_H);
    let annotation = doc.annotation.as_ref();
    let mut b = Builder::new(fonts);
    border(&mut b, w, h);
    heading(&mut b, w, annotation.is_some());
    let mut y = certificate_table(&mut b, &doc.certificate, scale);
    if let Some(annotation) = annotation {
        y = annotation_table(&mut b, annotation, y, scale);
    }
    y = note(&mut b, annotation.is_some(), y);

    let block_top = (y + 6.0).max(640.0);
    let footer_y = h - 44.0;
    if block_top + QR_SIZE + 40.0 > footer_y - 12.0 {
        return Ok(None);
    }
    if let Some(annotation) = annotation {
        if let Some(wm) = watermark(fonts, &watermark_text(annotation), w, h) {
            b.items.push(wm);
        }
    }
    qr_block(&mut b, &doc.verify_url, &doc.verification_code, block_top)?;
    let date = match annotation {
        Some(annotation) => &annotation.produced_at,
        None => &doc.certificate.issue_date,
    };
    if !issuer_block(&mut b, &doc.certificate.issuer, date, block_top) {
        return Ok(None);
    }
    footer(&mut b, &doc.verify_url, w, footer_y)?;

    Ok(Some(Page {
        width: w,
        height: h,
        title: if annotation.is_some() {
            format!("{TITLE}{SUBTITLE}")
        } else {
            TITLE.to_string()
        },
        items: b.items,
    }))
}

/// The title, the subtitle of an annotated copy, and the double rule under them.
fn heading(b: &mut Builder, w: f32, annotated: bool) {
    b.text(
        TITLE,
        w / 2.0,
        92.0,
        23.0,
        CRIMSON,
        Align::Center,
        2.0,
        0.45,
    );
    if annotated {
        b.text(SUBTITLE, w / 2.0, 121.0, 14.0, INK, Align::Center, 1.0, 0.0);
    }
    b.hline(TABLE_X0, TABLE_X1, 137.0, CRIMSON, 1.4);
    b.hline(TABLE_X0, TABLE_X1, 140.6, CRIMSON, 0.5);
}

/// The "证书信息" section; returns the y below its table.
fn certificate_table(b: &mut Builder, certificate: &CertificateFace, scale: f32) -> f32 {
    let y = 170.0;
    section(b, "证书信息", y);
    let rows = [
        Row {
            label: "持证人姓名",
            value: &certificate.holder_name,
            strong: true,
        },
        Row {
            label: "证件号码",
            value: &certificate.masked_id_number,
            strong: false,
        },
        Row {
            label: "资格名称",
            value: &certificate.qualification,
            strong: false,
        },
        Row {
            label: "级别",
            value: &certificate.level,
            strong: false,
        },
        Row {
            label: "专业",
            value: &certificate.specialty,
            strong: false,
        },
        Row {
            label: "管理号",
            value: &certificate.number,
            strong: false,
        },
        Row {
            label: "签发日期",
            value: &certificate.issue_date,
            strong: false,
        },
        Row {
            label: "发证机构",
            value: &certificate.issuer,
            strong: false,
        },
    ];
    table(b, y + 10.0, &rows, scale)
}

/// The "加注信息" section below `y`; returns the y below its table.
fn annotation_table(b: &mut Builder, annotation: &AnnotationFace, y: f32, scale: f32) -> f32 {
    let validity = format!("{} 至 {}", annotation.valid_from, annotation.valid_until);
    let rows = [
        Row {
            label: "使用场景",
            value: &annotation.scenario,
            strong: false,
        },
        Row {
            label: "加注有效期",
            value: &validity,
            strong: false,
        },
        Row {
            label: "加注编号",
            value: &annotation.number,
            strong: false,
        },
        Row {
            label: "生成时间",
            value: &annotation.produced_at,
            strong: false,
        },
    ];
    let y = y + 30.0 * scale;
    section(b, "加注信息", y);
    table(b, y + 10.0, &rows, scale)
}

/// The explanatory note below `y`; returns the baseline after its last line.
fn note(b: &mut Builder, annotated: bool, y: f32) -> f32 {
    let mut y = y + 22.0;
    let note = if annotated {
        "说明：本加注件依据上述电子证书生成，仅限于所注明的使用场景并在加注有效期内有效。\
         文件已由发证机构进行数字签名，任何改动都会使签名失效；请扫描二维码或访问验证地址核验真伪。"
    } else {
        "说明：本电子证书已由发证机构进行数字签名，任何改动都会使签名失效；\
         请扫描二维码或访问验证地址核验真伪。"
    };
    let note_size = 9.5;
    for line in wrap(&b.fonts.shape(note), note_size, TABLE_X1 - TABLE_X0) {
        let run = b.run(line, TABLE_X0, y, note_size, MUTED);
        b.items.push(Item::Text(run));
        y += 15.0;
    }
    y
}

/// The QR code of the verification address at the left of the bottom block, captioned with
/// "扫码验证" and the verification code.
fn qr_block(b: &mut Builder, verify_url: &str, code: &str, top: f32) -> Result<(), Error> {
    b.items.extend(qr(verify_url, TABLE_X0, top, QR_SIZE)?);
    let cap_y = top + QR_SIZE + 14.0;
    b.text(
        "扫码验证",
        TABLE_X0 + QR_SIZE / 2.0,
        cap_y,
        10.5,
        INK,
        Align::Center,
        2.0,
        0.0,
    );
    b.text(
        &format!("核验码 {code}"),
        TABLE_X0 + QR_SIZE / 2.0,
        cap_y + 14.0,
        8.0,
        MUTED,
        Align::Center,
        0.3,
        0.0,
    );
    Ok(())
}

/// The right of the bottom block: the issuer (at most two lines, shrinking if needed), the
/// date under it and the seal over them. `false` when the issuer does not fit in two lines.
fn issuer_block(b: &mut Builder, issuer: &str, date: &str, top: f32) -> bool {
    let right = TABLE_X1 - 6.0;
    let iy = top + 44.0;
    let issuer_glyphs = b.fonts.shape(issuer);
    let (isize, issuer_lines) = wrap_shrinking(&issuer_glyphs, 12.5, 230.0, 2);
    if issuer_lines.len() > 2 {
        return false;
    }
    let mut ly = iy;
    for line in issuer_lines {
        let lw = width(&line, isize, 0.0);
        let run = b.run(line, right - lw, ly, isize, INK);
        b.items.push(Item::Text(run));
        ly += isize * 1.5;
    }
    b.text(date, right, ly + 2.0, 11.0, INK, Align::Right, 0.0, 0.0);
    let seal_r = 56.0;
    b.items.push(seal(
        b.fonts,
        issuer,
        SEAL_LEGEND,
        right - 62.0,
        iy + 4.0,
        seal_r,
    ));
    true
}

/// The verification address in full, centred above `footer_y` (its last baseline), for
/// readers without a camera: up to three lines, shrinking to fit two.
fn footer(b: &mut Builder, verify_url: &str, w: f32, footer_y: f32) -> Result<(), Error> {
    let url_line = format!("验证地址：{verify_url}");
    let url_glyphs = b.fonts.shape(&url_line);
    let (fsize, lines) = wrap_shrinking(&url_glyphs, 8.0, TABLE_X1 - TABLE_X0, 2);
    if lines.len() > 3 {
        return Err(Error::InvalidInput(
            "verify_url is too long to print".into(),
        ));
    }
    let leading = fsize * 1.4;
    let mut fy = footer_y - (lines.len() as f32 - 1.0) * leading;
    for line in lines {
        let lw = width(&line, fsize, 0.0);
        let run = b.run(line, w / 2.0 - lw / 2.0, fy, fsize, MUTED);
        b.items.push(Item::Text(run));
        fy += leading;
    }
    Ok(())
}
