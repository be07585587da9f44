//! The page description shared by the PDF and SVG writers, and the layouts
//! of the annotated certificate and the plain document.

use crate::fonts::{FontChain, GlyphKey, Shaped};
use crate::geom::{Affine, Color, Path};
use crate::{AnnotatedCertificate, Error};

pub(crate) const A4_W: f32 = 595.28;
pub(crate) const A4_H: f32 = 841.89;

const INK: Color = Color(0.11, 0.11, 0.12);
const LABEL: Color = Color(0.30, 0.28, 0.27);
const MUTED: Color = Color(0.42, 0.42, 0.44);
const RULE: Color = Color(0.62, 0.60, 0.58);
const CELL: Color = Color(0.965, 0.953, 0.937);
const CRIMSON: Color = Color(0.60, 0.09, 0.08);
const SEAL_RED: Color = Color(0.86, 0.09, 0.09);
const WHITE: Color = Color(1.0, 1.0, 1.0);

pub(crate) struct Page {
    pub width: f32,
    pub height: f32,
    pub title: String,
    pub items: Vec<Item>,
}

/// A horizontal line of real text: extractable in the PDF.
pub(crate) struct TextRun {
    pub x: f32,
    /// Baseline.
    pub y: f32,
    pub size: f32,
    pub color: Color,
    /// Extra space after every glyph, in points.
    pub spacing: f32,
    /// Stroke width (pt) for synthetic bold; 0 for none.
    pub bold: f32,
    pub glyphs: Vec<Shaped>,
}

impl TextRun {
    /// Pen positions (x offsets from `self.x`) of every glyph.
    pub(crate) fn offsets(&self) -> impl Iterator<Item = f32> + '_ {
        let mut pen = 0.0;
        self.glyphs.iter().map(move |g| {
            let at = pen;
            pen += g.advance * self.size / 1000.0 + self.spacing;
            at
        })
    }
}

pub(crate) enum Item {
    Text(TextRun),
    /// Glyphs drawn as filled outlines: graphics (seal lettering,
    /// watermark) that should not pollute the text layer. Each transform
    /// maps the 1000-unit, y-up glyph space onto the page.
    Outlines {
        glyphs: Vec<(GlyphKey, Affine)>,
        fill: Color,
    },
    Path {
        path: Path,
        fill: Option<Color>,
        stroke: Option<(Color, f32)>,
    },
    /// Items drawn once per instance transform, with a constant opacity.
    /// Writers define the content once (Form XObject / `<defs>`).
    Group {
        items: Vec<Item>,
        instances: Vec<Affine>,
        opacity: f32,
        multiply: bool,
        bbox: [f32; 4],
        /// Identifies content that is identical across documents (the
        /// seal), so writers may cache its serialised form.
        cache_key: Option<String>,
    },
}

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Center,
    Right,
}

struct Builder<'a> {
    fonts: &'a FontChain,
    items: Vec<Item>,
}

impl<'a> Builder<'a> {
    fn new(fonts: &'a FontChain) -> Self {
        Builder {
            fonts,
            items: Vec::with_capacity(96),
        }
    }

    fn run(&self, glyphs: Vec<Shaped>, x: f32, y: f32, size: f32, color: Color) -> TextRun {
        TextRun {
            x,
            y,
            size,
            color,
            spacing: 0.0,
            bold: 0.0,
            glyphs,
        }
    }

    fn width(glyphs: &[Shaped], size: f32, spacing: f32) -> f32 {
        glyphs
            .iter()
            .map(|g| g.advance * size / 1000.0 + spacing)
            .sum::<f32>()
            - if glyphs.is_empty() { 0.0 } else { spacing }
    }

    #[allow(clippy::too_many_arguments)]
    fn text(
        &mut self,
        s: &str,
        x: f32,
        y: f32,
        size: f32,
        color: Color,
        align: Align,
        spacing: f32,
        bold: f32,
    ) -> f32 {
        let glyphs = self.fonts.shape(s);
        let w = Self::width(&glyphs, size, spacing);
        let x = match align {
            Align::Left => x,
            Align::Center => x - w / 2.0,
            Align::Right => x - w,
        };
        let mut run = self.run(glyphs, x, y, size, color);
        run.spacing = spacing;
        run.bold = bold;
        if !run.glyphs.is_empty() {
            self.items.push(Item::Text(run));
        }
        w
    }

    fn rect(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Color>,
        stroke: Option<(Color, f32)>,
    ) {
        let mut p = Path::new();
        p.rect(x, y, w, h);
        self.items.push(Item::Path {
            path: p,
            fill,
            stroke,
        });
    }

    fn hline(&mut self, x0: f32, x1: f32, y: f32, color: Color, width: f32) {
        let mut p = Path::new();
        p.move_to(x0, y);
        p.line_to(x1, y);
        self.items.push(Item::Path {
            path: p,
            fill: None,
            stroke: Some((color, width)),
        });
    }

    fn vline(&mut self, x: f32, y0: f32, y1: f32, color: Color, width: f32) {
        let mut p = Path::new();
        p.move_to(x, y0);
        p.line_to(x, y1);
        self.items.push(Item::Path {
            path: p,
            fill: None,
            stroke: Some((color, width)),
        });
    }
}

/// Greedy line breaking: after any CJK character, at spaces, or inside
/// an over-long word; closing punctuation never starts a line.
pub(crate) fn wrap(glyphs: &[Shaped], size: f32, max_w: f32) -> Vec<Vec<Shaped>> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < glyphs.len() {
        let mut w = 0.0;
        let mut end = start;
        let mut last_break = None;
        while end < glyphs.len() {
            let adv = glyphs[end].advance * size / 1000.0;
            if w + adv > max_w && end > start {
                break;
            }
            w += adv;
            end += 1;
            if end < glyphs.len() && can_break_between(glyphs[end - 1].ch, glyphs[end].ch) {
                last_break = Some(end);
            }
        }
        if end < glyphs.len() {
            if let Some(b) = last_break.filter(|&b| b > start) {
                end = b;
            }
        }
        let mut line: Vec<Shaped> = glyphs[start..end].to_vec();
        while line.last().is_some_and(|g| g.ch == ' ') {
            line.pop();
        }
        lines.push(line);
        start = end;
        while start < glyphs.len() && glyphs[start].ch == ' ' {
            start += 1;
        }
    }
    lines
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

fn can_break_between(a: char, b: char) -> bool {
    const NO_START: &str = "，。、；：！？）》」』】〕,.;:!?)]}·%";
    if NO_START.contains(b) {
        return false;
    }
    a == ' ' || a == '/' || a == '-' || is_cjk(a) || is_cjk(b)
}

/// Places `glyphs` (laid out horizontally at `size`) so that the run's
/// baseline follows a circle, centred on the top of the circle; used for
/// the seal lettering.
fn arc_text(
    glyphs: &[Shaped],
    size: f32,
    spacing: f32,
    cx: f32,
    cy: f32,
    radius: f32,
) -> Vec<(GlyphKey, Affine)> {
    let total = Builder::width(glyphs, size, spacing);
    let mut out = Vec::with_capacity(glyphs.len());
    let mut pen = 0.0;
    for g in glyphs {
        let adv = g.advance * size / 1000.0;
        let mid = pen + adv / 2.0 - total / 2.0;
        let phi = mid / radius;
        let (s, c) = phi.sin_cos();
        let (px, py) = (cx + radius * s, cy - radius * c);
        let t = Affine::translate(px, py)
            .then_after(Affine::rotate(phi))
            .then_after(Affine([
                size / 1000.0,
                0.0,
                0.0,
                -size / 1000.0,
                -adv / 2.0,
                0.0,
            ]));
        out.push((g.key, t));
        pen += adv + spacing;
    }
    out
}

fn outlined_line(
    glyphs: &[Shaped],
    x: f32,
    y: f32,
    size: f32,
    spacing: f32,
) -> Vec<(GlyphKey, Affine)> {
    let mut pen = x;
    glyphs
        .iter()
        .map(|g| {
            let t = Affine([size / 1000.0, 0.0, 0.0, -size / 1000.0, pen, y]);
            pen += g.advance * size / 1000.0 + spacing;
            (g.key, t)
        })
        .collect()
}

fn star(cx: f32, cy: f32, r: f32) -> Path {
    let mut p = Path::new();
    let inner = r * 0.381_966;
    for i in 0..10 {
        let rr = if i % 2 == 0 { r } else { inner };
        let a = -std::f32::consts::FRAC_PI_2 + i as f32 * std::f32::consts::PI / 5.0;
        let (x, y) = (cx + rr * a.cos(), cy + rr * a.sin());
        if i == 0 {
            p.move_to(x, y);
        } else {
            p.line_to(x, y);
        }
    }
    p.close();
    p
}

/// The red electronic seal: ring, star, issuer name along the upper arc and
/// a horizontal legend. Drawn as outlines so it is a picture, not text.
fn seal(fonts: &FontChain, issuer: &str, legend: &str, at_x: f32, at_y: f32, r: f32) -> Item {
    // Drawn around the origin and placed by the instance transform, so the
    // PDF writer can reuse the same seal drawing for every document.
    let (cx, cy) = (0.0, 0.0);
    let mut items = Vec::new();
    let ring = r - 1.7;
    items.push(Item::Path {
        path: Path::circle(cx, cy, ring),
        fill: None,
        stroke: Some((SEAL_RED, 3.4)),
    });
    items.push(Item::Path {
        path: star(cx, cy - r * 0.02, r * 0.30),
        fill: Some(SEAL_RED),
        stroke: None,
    });

    let name = fonts.shape(issuer);
    let n = name.len().max(1) as f32;
    // Size the lettering so the name spans at most ~250° of the ring.
    let max_arc = 250f32.to_radians();
    let mut size = (r * 0.29).min(15.0);
    let text_top = ring - 3.4 / 2.0 - 2.8;
    let mut radius = text_top - size * 0.86;
    let ems: f32 = name.iter().map(|g| g.advance).sum::<f32>() / 1000.0;
    let spacing_ratio = 0.12;
    if ems > 0.0 {
        let fit = max_arc * radius / (ems + spacing_ratio * n);
        if fit < size {
            size = fit.max(3.0);
            radius = text_top - size * 0.86;
        }
    }
    let spacing = size * spacing_ratio;
    let arc = arc_text(&name, size, spacing, cx, cy, radius);
    let legend_glyphs = fonts.shape(legend);
    let lsize = r * 0.175;
    let lw = Builder::width(&legend_glyphs, lsize, lsize * 0.08);
    let mut glyphs = arc;
    glyphs.extend(outlined_line(
        &legend_glyphs,
        cx - lw / 2.0,
        cy + r * 0.60,
        lsize,
        lsize * 0.08,
    ));
    items.push(Item::Outlines {
        glyphs,
        fill: SEAL_RED,
    });
    Item::Group {
        items,
        instances: vec![Affine::translate(at_x, at_y)],
        opacity: 0.9,
        multiply: true,
        bbox: [-r - 3.0, -r - 3.0, r + 3.0, r + 3.0],
        cache_key: Some(format!("seal|{r}|{legend}|{issuer}")),
    }
}

/// Vector QR code (rectangles for runs of dark modules) on a white quiet
/// zone that also masks the watermark underneath.
fn qr(data: &str, x: f32, y: f32, size: f32) -> Result<Vec<Item>, Error> {
    let (w, modules) = crate::qr::encode(data.as_bytes(), qrcode::EcLevel::M)?;
    let quiet = 2usize;
    let m = size / (w + 2 * quiet) as f32;
    let mut p = Path::new();
    for row in 0..w {
        let line = &modules[row * w..(row + 1) * w];
        let mut col = 0;
        while col < w {
            if line[col] {
                let start = col;
                while col < w && line[col] {
                    col += 1;
                }
                p.rect(
                    x + (start + quiet) as f32 * m,
                    y + (row + quiet) as f32 * m,
                    (col - start) as f32 * m,
                    m,
                );
            } else {
                col += 1;
            }
        }
    }
    let mut bg = Path::new();
    bg.rect(x, y, size, size);
    Ok(vec![
        Item::Path {
            path: bg,
            fill: Some(WHITE),
            stroke: None,
        },
        Item::Path {
            path: p,
            fill: Some(Color::BLACK),
            stroke: None,
        },
    ])
}

/// A diagonal tiling of `text` over the whole page.
fn watermark(fonts: &FontChain, text: &str, w: f32, h: f32) -> Option<Item> {
    let size = 16.0;
    let spacing = 1.0;
    let glyphs = fonts.shape(text);
    if glyphs.is_empty() {
        return None;
    }
    let tw = Builder::width(&glyphs, size, spacing);
    let outlines = outlined_line(&glyphs, 0.0, 0.0, size, spacing);
    let angle = -30f32.to_radians();
    let (dx, dy) = (tw + 64.0, 96.0);
    let diag = (w * w + h * h).sqrt();
    let rot = Affine::rotate(angle);
    let mut instances = Vec::new();
    let nj = (diag / dy).ceil() as i32;
    let ni = (diag / dx).ceil() as i32 + 1;
    for j in -nj..=nj {
        for i in -ni..=ni {
            let lx = i as f32 * dx + if j.rem_euclid(2) == 1 { dx / 2.0 } else { 0.0 } - tw / 2.0;
            let ly = j as f32 * dy;
            let (px, py) = rot.apply(lx, ly);
            let (px, py) = (px + w / 2.0, py + h / 2.0);
            // Keep only copies that can touch the page.
            let reach = tw + size;
            if px < -reach || px > w + reach || py < -reach || py > h + reach {
                continue;
            }
            instances.push(Affine::translate(px, py).then_after(rot));
        }
    }
    Some(Item::Group {
        items: vec![Item::Outlines {
            glyphs: outlines,
            fill: CRIMSON,
        }],
        instances,
        opacity: 0.085,
        multiply: false,
        bbox: [-2.0, -size, tw + 2.0, size * 0.4],
        cache_key: None,
    })
}

fn border(b: &mut Builder, w: f32, h: f32) {
    b.rect(20.0, 20.0, w - 40.0, h - 40.0, None, Some((CRIMSON, 2.2)));
    b.rect(26.0, 26.0, w - 52.0, h - 52.0, None, Some((CRIMSON, 0.6)));
    // Small corner diamonds between the two frames.
    for (x, y) in [
        (23.0, 23.0),
        (w - 23.0, 23.0),
        (23.0, h - 23.0),
        (w - 23.0, h - 23.0),
    ] {
        let mut p = Path::new();
        let d = 5.5;
        p.move_to(x, y - d);
        p.line_to(x + d, y);
        p.line_to(x, y + d);
        p.line_to(x - d, y);
        p.close();
        b.items.push(Item::Path {
            path: p,
            fill: Some(CRIMSON),
            stroke: None,
        });
    }
}

struct Row<'s> {
    label: &'s str,
    value: &'s str,
    strong: bool,
}

const TABLE_X0: f32 = 62.0;
const TABLE_X1: f32 = 533.28;
const LABEL_W: f32 = 104.0;

/// A two-column bordered table; returns the y below it.
fn table(b: &mut Builder, top: f32, rows: &[Row], scale: f32) -> f32 {
    let value_x = TABLE_X0 + LABEL_W + 10.0;
    let value_w = TABLE_X1 - value_x - 8.0;
    let line_h = 17.0 * scale;
    let min_h = 28.0 * scale;
    let mut y = top;
    let mut row_tops = Vec::with_capacity(rows.len() + 1);
    let mut texts = Vec::new();
    for row in rows {
        let vsize = if row.strong { 13.5 } else { 12.0 } * scale;
        // Never truncated: a row that grows too tall makes the caller retry
        // at a smaller scale, or fail.
        let mut lines = wrap(&b.fonts.shape(row.value), vsize, value_w);
        if lines.is_empty() {
            lines.push(Vec::new());
        }
        let h = (lines.len() as f32 * line_h + 11.0 * scale).max(min_h);
        row_tops.push(y);
        texts.push((row, lines, vsize, y, h));
        y += h;
    }
    row_tops.push(y);
    for &(_, _, _, ry, h) in &texts {
        b.rect(TABLE_X0, ry, LABEL_W, h, Some(CELL), None);
    }
    for (row, lines, vsize, ry, h) in texts {
        let lsize = 11.0 * scale;
        let label_base = ry + h / 2.0 + lsize * 0.36;
        b.text(
            row.label,
            TABLE_X0 + LABEL_W / 2.0,
            label_base,
            lsize,
            LABEL,
            Align::Center,
            lsize * 0.12,
            0.0,
        );
        let block = lines.len() as f32 * line_h;
        let first = ry + (h - block) / 2.0 + line_h / 2.0 + vsize * 0.36;
        for (i, line) in lines.into_iter().enumerate() {
            if line.is_empty() {
                continue;
            }
            let mut run = b.run(line, value_x, first + i as f32 * line_h, vsize, INK);
            if row.strong {
                run.bold = 0.35;
            }
            b.items.push(Item::Text(run));
        }
    }
    for &ry in &row_tops {
        b.hline(TABLE_X0, TABLE_X1, ry, RULE, 0.5);
    }
    b.vline(TABLE_X0, top, y, RULE, 0.5);
    b.vline(TABLE_X0 + LABEL_W, top, y, RULE, 0.5);
    b.vline(TABLE_X1, top, y, RULE, 0.5);
    y
}

fn section(b: &mut Builder, title: &str, y: f32) {
    b.rect(TABLE_X0, y - 12.0, 4.0, 14.0, Some(CRIMSON), None);
    b.text(title, TABLE_X0 + 11.0, y, 12.5, INK, Align::Left, 1.0, 0.3);
}

pub(crate) const TITLE: &str = "专业技术人员职业资格电子证书";
pub(crate) const SUBTITLE: &str = "（加注件）";
pub(crate) const SEAL_LEGEND: &str = "电子证书专用章";

pub(crate) fn watermark_text(doc: &AnnotatedCertificate) -> String {
    format!("{} · 有效期至 {}", doc.scenario, doc.valid_until)
}

/// Lays out the annotated certificate. Long values wrap inside their
/// table cells; if the result would run into the bottom block, the tables
/// are laid out again at a smaller scale.
pub(crate) fn certificate(fonts: &FontChain, doc: &AnnotatedCertificate) -> Result<Page, Error> {
    laid_out(fonts, doc, true)
}

/// Lays out an e-certificate without annotation (issued before annotation was required): the
/// certificate data, the seal, the QR code; no annotation block and no watermark.
pub(crate) fn e_certificate(fonts: &FontChain, doc: &AnnotatedCertificate) -> Result<Page, Error> {
    laid_out(fonts, doc, false)
}

fn laid_out(fonts: &FontChain, doc: &AnnotatedCertificate, annotated: bool) -> Result<Page, Error> {
    let mut scale = 1.0;
    loop {
        let page = certificate_at(fonts, doc, scale, annotated)?;
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

fn certificate_at(
    fonts: &FontChain,
    doc: &AnnotatedCertificate,
    scale: f32,
    annotated: bool,
) -> Result<Option<Page>, Error> {
    let (w, h) = (A4_W, A4_H);
    let mut b = Builder::new(fonts);
    border(&mut b, w, h);

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

    let mut y = 170.0;
    section(&mut b, "证书信息", y);
    y += 10.0;
    let cert_rows = [
        Row {
            label: "持证人姓名",
            value: &doc.holder_name,
            strong: true,
        },
        Row {
            label: "证件号码",
            value: &doc.masked_id_number,
            strong: false,
        },
        Row {
            label: "资格名称",
            value: &doc.qualification,
            strong: false,
        },
        Row {
            label: "级别",
            value: &doc.level,
            strong: false,
        },
        Row {
            label: "专业",
            value: &doc.specialty,
            strong: false,
        },
        Row {
            label: "管理号",
            value: &doc.certificate_number,
            strong: false,
        },
        Row {
            label: "签发日期",
            value: &doc.issue_date,
            strong: false,
        },
        Row {
            label: "发证机构",
            value: &doc.issuer,
            strong: false,
        },
    ];
    y = table(&mut b, y, &cert_rows, scale);

    let validity = format!("{} 至 {}", doc.valid_from, doc.valid_until);
    let ann_rows = [
        Row {
            label: "使用场景",
            value: &doc.scenario,
            strong: false,
        },
        Row {
            label: "加注有效期",
            value: &validity,
            strong: false,
        },
        Row {
            label: "加注编号",
            value: &doc.annotation_number,
            strong: false,
        },
        Row {
            label: "生成时间",
            value: &doc.produced_at,
            strong: false,
        },
    ];
    if annotated {
        y += 30.0 * scale;
        section(&mut b, "加注信息", y);
        y += 10.0;
        y = table(&mut b, y, &ann_rows, scale);
    }

    // Explanatory note.
    y += 22.0;
    let note = if annotated {
        "说明：本加注件依据上述电子证书生成，仅限于所注明的使用场景并在加注有效期内有效。\
         文件已由发证机构进行数字签名，任何改动都会使签名失效；请扫描二维码或访问验证地址核验真伪。"
    } else {
        "说明：本电子证书已由发证机构进行数字签名，任何改动都会使签名失效；\
         请扫描二维码或访问验证地址核验真伪。"
    };
    let note_size = 9.5;
    for line in wrap(&fonts.shape(note), note_size, TABLE_X1 - TABLE_X0) {
        let run = b.run(line, TABLE_X0, y, note_size, MUTED);
        b.items.push(Item::Text(run));
        y += 15.0;
    }

    // Bottom block: QR on the left, issuer + seal on the right.
    let qr_size = 96.0;
    let block_top = (y + 6.0).max(640.0);
    let footer_y = h - 44.0;
    if block_top + qr_size + 40.0 > footer_y - 12.0 {
        return Ok(None);
    }

    if annotated {
        if let Some(wm) = watermark(fonts, &watermark_text(doc), w, h) {
            b.items.push(wm);
        }
    }

    b.items
        .extend(qr(&doc.verify_url, TABLE_X0, block_top, qr_size)?);
    let cap_y = block_top + qr_size + 14.0;
    b.text(
        "扫码验证",
        TABLE_X0 + qr_size / 2.0,
        cap_y,
        10.5,
        INK,
        Align::Center,
        2.0,
        0.0,
    );
    b.text(
        &format!("核验码 {}", doc.annotation_code),
        TABLE_X0 + qr_size / 2.0,
        cap_y + 14.0,
        8.0,
        MUTED,
        Align::Center,
        0.3,
        0.0,
    );

    let right = TABLE_X1 - 6.0;
    let iy = block_top + 44.0;
    // The issuer above the seal: at most two lines, shrinking if needed.
    let issuer_glyphs = fonts.shape(&doc.issuer);
    let mut isize = 12.5;
    let mut issuer_lines = wrap(&issuer_glyphs, isize, 230.0);
    while issuer_lines.len() > 2 && isize > 6.0 {
        isize -= 0.5;
        issuer_lines = wrap(&issuer_glyphs, isize, 230.0);
    }
    if issuer_lines.len() > 2 {
        return Ok(None);
    }
    let mut ly = iy;
    for line in issuer_lines {
        let lw = Builder::width(&line, isize, 0.0);
        let run = b.run(line, right - lw, ly, isize, INK);
        b.items.push(Item::Text(run));
        ly += isize * 1.5;
    }
    b.text(
        if annotated {
            &doc.produced_at
        } else {
            &doc.issue_date
        },
        right,
        ly + 2.0,
        11.0,
        INK,
        Align::Right,
        0.0,
        0.0,
    );
    let seal_r = 56.0;
    b.items.push(seal(
        fonts,
        &doc.issuer,
        SEAL_LEGEND,
        right - 62.0,
        iy + 4.0,
        seal_r,
    ));

    // Footer: verification address in full, for readers without a camera.
    let url_line = format!("验证地址：{}", doc.verify_url);
    let url_glyphs = fonts.shape(&url_line);
    let mut fsize = 8.0;
    let mut lines = wrap(&url_glyphs, fsize, TABLE_X1 - TABLE_X0);
    while lines.len() > 2 && fsize > 6.0 {
        fsize -= 0.5;
        lines = wrap(&url_glyphs, fsize, TABLE_X1 - TABLE_X0);
    }
    if lines.len() > 3 {
        return Err(Error::InvalidInput(
            "verify_url is too long to print".into(),
        ));
    }
    let leading = fsize * 1.4;
    let mut fy = footer_y - (lines.len() as f32 - 1.0) * leading;
    for line in lines {
        let lw = Builder::width(&line, fsize, 0.0);
        let run = b.run(line, w / 2.0 - lw / 2.0, fy, fsize, MUTED);
        b.items.push(Item::Text(run));
        fy += leading;
    }

    Ok(Some(Page {
        width: w,
        height: h,
        title: if annotated {
            format!("{TITLE}{SUBTITLE}")
        } else {
            TITLE.to_string()
        },
        items: b.items,
    }))
}

/// A plain page: a centred title and wrapped lines of text.
pub(crate) fn document(fonts: &FontChain, title: &str, lines: &[&str]) -> Page {
    let (w, h) = (A4_W, A4_H);
    let mut b = Builder::new(fonts);
    b.rect(30.0, 30.0, w - 60.0, h - 60.0, None, Some((RULE, 0.8)));
    let mut y = 96.0;
    for line in wrap(&fonts.shape(title), 20.0, w - 140.0) {
        let lw = Builder::width(&line, 20.0, 0.0);
        let mut run = b.run(line, w / 2.0 - lw / 2.0, y, 20.0, INK);
        run.bold = 0.4;
        b.items.push(Item::Text(run));
        y += 28.0;
    }
    b.hline(70.0, w - 70.0, y - 8.0, RULE, 0.8);
    y += 20.0;
    let size = 12.0;
    'outer: for text in lines {
        let glyphs = fonts.shape(text);
        let wrapped = if glyphs.is_empty() {
            vec![Vec::new()]
        } else {
            wrap(&glyphs, size, w - 140.0)
        };
        for line in wrapped {
            if y > h - 60.0 {
                break 'outer;
            }
            if !line.is_empty() {
                let run = b.run(line, 70.0, y, size, INK);
                b.items.push(Item::Text(run));
            }
            y += 20.0;
        }
    }
    Page {
        width: w,
        height: h,
        title: title.to_owned(),
        items: b.items,
    }
}
