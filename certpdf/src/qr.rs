//! QR encoding via the `qrcode` crate, with our own mask scoring: the
//! crate's penalty evaluation of the eight masks took longer than all the
//! other page layout together. The rules are those of ISO/IEC 18004 §7.8.3.

use qrcode::bits::encode_auto;
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::ec::construct_codewords;
use qrcode::{Color, EcLevel};

use crate::error::Error;

const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// Returns `(width, modules)` with `modules[y * width + x] == true` for dark.
pub(crate) fn encode(data: &[u8], ec: EcLevel) -> Result<(usize, Vec<bool>), Error> {
    let err =
        |e: qrcode::types::QrError| Error::InvalidInput(format!("cannot encode QR code: {e}"));
    let bits = encode_auto(data, ec).map_err(err)?;
    let version = bits.version();
    let (data_cw, ec_cw) = construct_codewords(&bits.into_bytes(), version, ec).map_err(err)?;
    let mut canvas = Canvas::new(version, ec);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data_cw, &ec_cw);
    let width = version.width() as usize;
    let mut best: Option<(u32, Vec<bool>)> = None;
    for mask in MASKS {
        let mut c = canvas.clone();
        c.apply_mask(mask);
        let modules: Vec<bool> = c
            .into_colors()
            .into_iter()
            .map(|m| m == Color::Dark)
            .collect();
        let score = penalty(&modules, width);
        if best.as_ref().is_none_or(|(s, _)| score < *s) {
            best = Some((score, modules));
        }
    }
    best.map(|(_, m)| (width, m))
        .ok_or_else(|| Error::InvalidInput("QR encoding failed".into()))
}

/// `data` as a QR code (level M, as on the copies) in SVG, one unit per module, with the
/// four-module quiet zone the standard asks for. Each row's dark runs are one path segment,
/// so a typical link is a few kilobytes.
pub fn qr_svg(data: &str) -> Result<String, Error> {
    use std::fmt::Write;
    const QUIET: usize = 4;
    let (width, modules) = encode(data.as_bytes(), EcLevel::M)?;
    let size = width + 2 * QUIET;
    let mut path = String::new();
    for y in 0..width {
        let row = &modules[y * width..(y + 1) * width];
        let mut x = 0;
        while x < width {
            if row[x] {
                let start = x;
                while x < width && row[x] {
                    x += 1;
                }
                let _ = write!(
                    path,
                    "M{} {}h{}v1h-{}z",
                    start + QUIET,
                    y + QUIET,
                    x - start,
                    x - start
                );
            } else {
                x += 1;
            }
        }
    }
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
    ))
}

fn penalty(m: &[bool], w: usize) -> u32 {
    let mut score = 0u32;
    let mut column = vec![false; w];
    for transpose in [false, true] {
        for a in 0..w {
            let line: &[bool] = if transpose {
                for (b, slot) in column.iter_mut().enumerate() {
                    *slot = m[b * w + a];
                }
                &column
            } else {
                &m[a * w..(a + 1) * w]
            };
            score += line_penalty(line);
        }
    }
    // N2: 2×2 blocks of one colour.
    for y in 0..w - 1 {
        let (r0, r1) = (&m[y * w..(y + 1) * w], &m[(y + 1) * w..(y + 2) * w]);
        for x in 0..w - 1 {
            let c = r0[x];
            if r0[x + 1] == c && r1[x] == c && r1[x + 1] == c {
                score += 3;
            }
        }
    }
    // N4: balance of dark modules.
    let dark = m.iter().filter(|&&d| d).count();
    let pct = dark * 100 / m.len().max(1);
    score + 10 * (pct.abs_diff(50) / 5) as u32
}

/// N1 (runs of five or more) and N3 (1:1:3:1:1 finder-like patterns with
/// four light modules on one side; outside the symbol counts as light),
/// using an 11-module sliding window.
fn line_penalty(line: &[bool]) -> u32 {
    const FINDER_AFTER: u32 = 0b101_1101_0000;
    const FINDER_BEFORE: u32 = 0b000_0101_1101;
    let mut score = 0;
    let mut run = 1;
    for b in 1..line.len() {
        if line[b] == line[b - 1] {
            run += 1;
        } else {
            if run >= 5 {
                score += 3 + (run - 5);
            }
            run = 1;
        }
    }
    if run >= 5 {
        score += 3 + (run - 5);
    }
    let mut window = 0u32;
    for b in 0..line.len() + 4 {
        let bit = line.get(b).copied().unwrap_or(false) as u32;
        window = ((window << 1) | bit) & 0x7ff;
        if window == FINDER_AFTER || window == FINDER_BEFORE {
            score += 40;
        }
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_symbol_size_as_qrcode_crate() {
        let url = b"https://zscx.example.gov.cn/v/JZ20250224000123?c=7KQ2-M9XD";
        let (w, m) = encode(url, EcLevel::M).unwrap();
        let reference = qrcode::QrCode::with_error_correction_level(url, EcLevel::M).unwrap();
        assert_eq!(w, reference.width());
        assert_eq!(m.len(), w * w);
        // Finder pattern corners are dark regardless of mask.
        assert!(m[0] && m[w - 1] && m[(w - 1) * w]);
    }

    #[test]
    fn finder_like_patterns_are_penalised() {
        let light = [false; 11];
        let mut finder = [false; 11];
        for i in [0, 2, 3, 4, 6] {
            finder[i] = true;
        }
        assert_eq!(line_penalty(&light), 3 + 6);
        // 1011101 then four light modules; the pattern also has light
        // "outside" before it, so both orientations match.
        assert_eq!(line_penalty(&finder), 80);
    }

    #[test]
    fn the_svg_draws_every_dark_module_inside_a_quiet_zone() {
        let url = "https://portal.example.cn/verify/7KQ2M9XD";
        let (w, m) = encode(url.as_bytes(), EcLevel::M).unwrap();
        let svg = qr_svg(url).unwrap();
        assert!(svg.contains(&format!(r#"viewBox="0 0 {0} {0}""#, w + 8)));
        // Every run is "M<x> <y>h<n>v1h-<n>z": their lengths add up to the dark modules.
        let d = svg
            .split(r#"d=""#)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let mut dark = 0;
        for run in d.split('M').filter(|r| !r.is_empty()) {
            let (at, rest) = run.split_once('h').unwrap();
            let (x, y) = at.split_once(' ').unwrap();
            let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
            let n: usize = rest.split_once('v').unwrap().0.parse().unwrap();
            assert!(
                x >= 4 && y >= 4 && x + n <= w + 4 && y < w + 4,
                "inside the quiet zone"
            );
            assert!(
                (x - 4..x - 4 + n).all(|i| m[(y - 4) * w + i]),
                "only dark modules"
            );
            dark += n;
        }
        assert_eq!(dark, m.iter().filter(|&&b| b).count());
    }

    #[test]
    fn too_long_is_an_error() {
        assert!(encode(&[b'x'; 5000], EcLevel::M).is_err());
    }
}
