//! PDF operands and path operators written straight into a content stream: numbers,
//! colours, hex codes, matrices and paths.

use crate::geom::{push_num, Affine, Color, Path, Seg};

pub(super) fn push_nums(out: &mut String, nums: &[f32], decimals: u32) {
    for &n in nums {
        push_num(out, n, decimals);
        out.push(' ');
    }
}

pub(super) fn push_color(out: &mut String, c: Color, op: &str) {
    push_nums(out, &[c.0, c.1, c.2], 3);
    out.push_str(op);
    out.push('\n');
}

/// Writes path construction operators; quadratic segments (TrueType) are
/// raised to cubics because PDF has no quadratic operator.
pub(super) fn push_path(out: &mut String, path: &Path, decimals: u32) {
    let (mut cx, mut cy) = (0.0f32, 0.0f32);
    let (mut sx, mut sy) = (0.0f32, 0.0f32);
    for seg in &path.segs {
        match *seg {
            Seg::Move(x, y) => {
                push_nums(out, &[x, y], decimals);
                out.push_str("m\n");
                (cx, cy, sx, sy) = (x, y, x, y);
            }
            Seg::Line(x, y) => {
                push_nums(out, &[x, y], decimals);
                out.push_str("l\n");
                (cx, cy) = (x, y);
            }
            Seg::Quad(x1, y1, x, y) => {
                let c1 = (cx + 2.0 / 3.0 * (x1 - cx), cy + 2.0 / 3.0 * (y1 - cy));
                let c2 = (x + 2.0 / 3.0 * (x1 - x), y + 2.0 / 3.0 * (y1 - y));
                push_nums(out, &[c1.0, c1.1, c2.0, c2.1, x, y], decimals);
                out.push_str("c\n");
                (cx, cy) = (x, y);
            }
            Seg::Cubic(x1, y1, x2, y2, x, y) => {
                push_nums(out, &[x1, y1, x2, y2, x, y], decimals);
                out.push_str("c\n");
                (cx, cy) = (x, y);
            }
            Seg::Close => {
                out.push_str("h\n");
                (cx, cy) = (sx, sy);
            }
            Seg::Rect(x, y, w, h) => {
                push_nums(out, &[x, y, w, h], decimals);
                out.push_str("re\n");
            }
        }
    }
}

pub(super) fn push_hex(out: &mut String, v: u16, digits: u32) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for i in (0..digits).rev() {
        out.push(HEX[((v >> (i * 4)) & 15) as usize] as char);
    }
}

pub(super) fn push_matrix(out: &mut String, t: Affine) {
    let [a, b, c, d, e, f] = t.0;
    push_nums(out, &[a, b, c, d], 5);
    push_nums(out, &[e, f], 2);
}
