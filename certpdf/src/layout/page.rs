//! The page under construction ([`Builder`]) and the blocks placed on it: aligned text,
//! rules and boxes, two-column tables and section headings; and the plain document page.

use super::text::{width, wrap};
use super::{Item, Page, TextRun, A4_H, A4_W, CELL, CRIMSON, INK, LABEL, RULE};
use crate::fonts::{FontChain, Shaped};
use crate::geom::{Color, Path};

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Align {
    Left,
    Center,
    Right,
}

/// Items in drawing order, plus the fonts that shape their text.
pub(super) struct Builder<'a> {
    pub(super) fonts: &'a FontChain,
    pub(super) items: Vec<Item>,
}

impl<'a> Builder<'a> {
    pub(super) fn new(fonts: &'a FontChain) -> Self {
        Builder {
            fonts,
            items: Vec::with_capacity(96),
        }
    }

    pub(super) fn run(
        &self,
        glyphs: Vec<Shaped>,
        x: f32,
        y: f32,
        size: f32,
        color: Color,
    ) -> TextRun {
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

    /// Shapes `s` and places it with its baseline at `y`, aligned on `x`; returns its width.
    #[expect(
        clippy::too_many_arguments,
        reason = "a text run needs its string, position, size, colour, alignment, spacing and weight; a struct for this private helper would only rename them"
    )]
    pub(super) fn text(
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
        let w = width(&glyphs, size, spacing);
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

    pub(super) fn rect(
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

    pub(super) fn hline(&mut self, x0: f32, x1: f32, y: f32, color: Color, width: f32) {
        let mut p = Path::new();
        p.move_to(x0, y);
        p.line_to(x1, y);
        self.items.push(Item::Path {
            path: p,
            fill: None,
            stroke: Some((color, width)),
        });
    }

    pub(super) fn vline(&mut self, x: f32, y0: f32, y1: f32, color: Color, width: f32) {
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

/// One row of a two-column table: a label cell and a value that wraps.
pub(super) struct Row<'s> {
    pub(super) label: &'s str,
    pub(super) value: &'s str,
    pub(super) strong: bool,
}

/// Left and right edges of the tables, also the text column of the certificate page.
pub(super) const TABLE_X0: f32 = 62.0;
pub(super) const TABLE_X1: f32 = 533.28;
const LABEL_W: f32 = 104.0;

/// A two-column bordered table; returns the y below it.
pub(super) fn table(b: &mut Builder, top: f32, rows: &[Row], scale: f32) -> f32 {
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

/// A section heading: a crimson bar and the title beside it, baseline at `y`.
pub(super) fn section(b: &mut Builder, title: &str, y: f32) {
    b.rect(TABLE_X0, y - 12.0, 4.0, 14.0, Some(CRIMSON), None);
    b.text(title, TABLE_X0 + 11.0, y, 12.5, INK, Align::Left, 1.0, 0.3);
}

/// A plain page: a centred title and wrapped lines of text.
pub(crate) fn document(fonts: &FontChain, title: &str, lines: &[&str]) -> Page {
    let (w, h) = (A4_W, A4_H);
    let mut b = Builder::new(fonts);
    b.rect(30.0, 30.0, w - 60.0, h - 60.0, None, Some((RULE, 0.8)));
    let mut y = 96.0;
    for line in wrap(&fonts.shape(title), 20.0, w - 140.0) {
        let lw = width(&line, 20.0, 0.0);
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
