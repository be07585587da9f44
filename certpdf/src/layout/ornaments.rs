//! Drawings around and over the text: the double frame, the red seal (ring, star, lettering),
//! the watermark tiling and the QR code.

use super::page::Builder;
use super::text::{arc_text, outlined_line, width};
use super::{Item, CRIMSON, SEAL_RED, WHITE};
use crate::error::Error;
use crate::fonts::FontChain;
use crate::geom::{Affine, Color, Path};

/// The legend across the seal, under the star.
pub(super) const SEAL_LEGEND: &str = "电子证书专用章";

/// The double crimson frame, with small diamonds at the corners between the two lines.
pub(super) fn border(b: &mut Builder, w: f32, h: f32) {
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
pub(super) fn seal(
    fonts: &FontChain,
    issuer: &str,
    legend: &str,
    at_x: f32,
    at_y: f32,
    r: f32,
) -> Item {
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
    let lw = width(&legend_glyphs, lsize, lsize * 0.08);
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
pub(super) fn qr(data: &str, x: f32, y: f32, size: f32) -> Result<Vec<Item>, Error> {
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
pub(super) fn watermark(fonts: &FontChain, text: &str, w: f32, h: f32) -> Option<Item> {
    let size = 16.0;
    let spacing = 1.0;
    let glyphs = fonts.shape(text);
    if glyphs.is_empty() {
        return None;
    }
    let tw = width(&glyphs, size, spacing);
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
