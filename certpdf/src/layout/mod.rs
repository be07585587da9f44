//! The page description shared by the PDF and SVG writers ([`Page`], [`Item`], [`TextRun`]),
//! and the layouts that fill it:
//!
//! * `certificate`: the certificate page (annotated or not), laid out top to bottom in named
//!   steps, at a smaller scale when long values do not fit;
//! * `page`: the page under construction (`Builder`), the blocks placed on it (aligned
//!   text, rules, two-column tables, section headings) and the plain document page;
//! * `text`: run widths, line breaking, and glyphs placed as outlines along a line or an arc;
//! * `ornaments`: the frame, the seal, the watermark and the QR code.

mod certificate;
mod ornaments;
mod page;
mod text;

use crate::fonts::{GlyphKey, Shaped};
use crate::geom::{Affine, Color, Path};

pub(crate) use certificate::certificate;
pub(crate) use page::document;

const A4_W: f32 = 595.28;
const A4_H: f32 = 841.89;

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
