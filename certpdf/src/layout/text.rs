//! Text on the page: run widths, greedy line breaking (also shrinking the size until a text
//! fits a number of lines), and glyphs placed as outlines along a line or an arc.

use crate::fonts::{GlyphKey, Shaped};
use crate::geom::Affine;

/// Width of `glyphs` set at `size` with `spacing` after every glyph but the last.
pub(super) fn width(glyphs: &[Shaped], size: f32, spacing: f32) -> f32 {
    glyphs
        .iter()
        .map(|g| g.advance * size / 1000.0 + spacing)
        .sum::<f32>()
        - if glyphs.is_empty() { 0.0 } else { spacing }
}

/// Greedy line breaking: after any CJK character, at spaces, or inside
/// an over-long word; closing punctuation never starts a line.
pub(super) fn wrap(glyphs: &[Shaped], size: f32, max_w: f32) -> Vec<Vec<Shaped>> {
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

/// Wraps `glyphs` at `size`, shrinking the size in half-point steps (down to 6 pt) while
/// that takes more than `max_lines` lines. Returns the size used and the lines, which may
/// still be more than `max_lines`: the caller decides what is too many.
pub(super) fn wrap_shrinking(
    glyphs: &[Shaped],
    mut size: f32,
    max_w: f32,
    max_lines: usize,
) -> (f32, Vec<Vec<Shaped>>) {
    let mut lines = wrap(glyphs, size, max_w);
    while lines.len() > max_lines && size > 6.0 {
        size -= 0.5;
        lines = wrap(glyphs, size, max_w);
    }
    (size, lines)
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
pub(super) fn arc_text(
    glyphs: &[Shaped],
    size: f32,
    spacing: f32,
    cx: f32,
    cy: f32,
    radius: f32,
) -> Vec<(GlyphKey, Affine)> {
    let total = width(glyphs, size, spacing);
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

/// Places `glyphs` as outlines on a horizontal baseline starting at `(x, y)`.
pub(super) fn outlined_line(
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
