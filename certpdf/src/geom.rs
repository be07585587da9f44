//! Minimal vector geometry shared by the PDF and SVG writers.
//!
//! All page coordinates are in PDF points with the origin at the top-left
//! corner and y growing downwards (the SVG convention). The PDF writer flips
//! the page once with a `cm` operator so both writers can use identical
//! numbers.

/// An RGB colour with components in `0.0..=1.0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Color(pub f32, pub f32, pub f32);

impl Color {
    pub(crate) const BLACK: Color = Color(0.0, 0.0, 0.0);

    pub(crate) fn hex(self) -> String {
        let c = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        format!("#{:02x}{:02x}{:02x}", c(self.0), c(self.1), c(self.2))
    }
}

/// A 2-D affine transform `[a b c d e f]`, mapping `(x, y)` to
/// `(a*x + c*y + e, b*x + d*y + f)` as in PDF and SVG.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Affine(pub [f32; 6]);

impl Affine {
    pub(crate) fn translate(x: f32, y: f32) -> Affine {
        Affine([1.0, 0.0, 0.0, 1.0, x, y])
    }

    /// Rotation by `angle` radians, clockwise on screen (y grows downwards).
    pub(crate) fn rotate(angle: f32) -> Affine {
        let (s, c) = angle.sin_cos();
        Affine([c, s, -s, c, 0.0, 0.0])
    }

    /// `self` applied after `inner` (i.e. `self * inner`).
    pub(crate) fn then_after(self, inner: Affine) -> Affine {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = inner.0;
        Affine([
            a * a2 + c * b2,
            b * a2 + d * b2,
            a * c2 + c * d2,
            b * c2 + d * d2,
            a * e2 + c * f2 + e,
            b * e2 + d * f2 + f,
        ])
    }

    pub(crate) fn apply(self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }
}

/// One path segment. `Rect` exists because QR codes are hundreds of
/// rectangles and both PDF (`re`) and SVG have a compact form for them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Seg {
    Move(f32, f32),
    Line(f32, f32),
    Quad(f32, f32, f32, f32),
    Cubic(f32, f32, f32, f32, f32, f32),
    Close,
    Rect(f32, f32, f32, f32),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Path {
    pub segs: Vec<Seg>,
}

impl Path {
    pub(crate) fn new() -> Path {
        Path { segs: Vec::new() }
    }

    pub(crate) fn move_to(&mut self, x: f32, y: f32) {
        self.segs.push(Seg::Move(x, y));
    }

    pub(crate) fn line_to(&mut self, x: f32, y: f32) {
        self.segs.push(Seg::Line(x, y));
    }

    pub(crate) fn cubic_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.segs.push(Seg::Cubic(x1, y1, x2, y2, x, y));
    }

    pub(crate) fn close(&mut self) {
        self.segs.push(Seg::Close);
    }

    pub(crate) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.segs.push(Seg::Rect(x, y, w, h));
    }

    /// A circle approximated by four cubic Béziers (error < 0.03 %).
    pub(crate) fn circle(cx: f32, cy: f32, r: f32) -> Path {
        const K: f32 = 0.552_284_8;
        let k = K * r;
        let mut p = Path::new();
        p.move_to(cx + r, cy);
        p.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
        p.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
        p.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
        p.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
        p.close();
        p
    }

    pub(crate) fn transformed(&self, t: Affine) -> Path {
        let segs = self
            .segs
            .iter()
            .map(|s| match *s {
                Seg::Move(x, y) => {
                    let (x, y) = t.apply(x, y);
                    Seg::Move(x, y)
                }
                Seg::Line(x, y) => {
                    let (x, y) = t.apply(x, y);
                    Seg::Line(x, y)
                }
                Seg::Quad(x1, y1, x, y) => {
                    let (x1, y1) = t.apply(x1, y1);
                    let (x, y) = t.apply(x, y);
                    Seg::Quad(x1, y1, x, y)
                }
                Seg::Cubic(x1, y1, x2, y2, x, y) => {
                    let (x1, y1) = t.apply(x1, y1);
                    let (x2, y2) = t.apply(x2, y2);
                    let (x, y) = t.apply(x, y);
                    Seg::Cubic(x1, y1, x2, y2, x, y)
                }
                Seg::Close => Seg::Close,
                Seg::Rect(x, y, w, h) => {
                    // Only axis-aligned scale/translate keeps a rectangle a rectangle;
                    // callers never rotate rectangles.
                    let (x0, y0) = t.apply(x, y);
                    let (x1, y1) = t.apply(x + w, y + h);
                    Seg::Rect(x0.min(x1), y0.min(y1), (x1 - x0).abs(), (y1 - y0).abs())
                }
            })
            .collect();
        Path { segs }
    }
}

impl ttf_parser::OutlineBuilder for Path {
    fn move_to(&mut self, x: f32, y: f32) {
        self.segs.push(Seg::Move(x, y));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.segs.push(Seg::Line(x, y));
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.segs.push(Seg::Quad(x1, y1, x, y));
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.segs.push(Seg::Cubic(x1, y1, x2, y2, x, y));
    }
    fn close(&mut self) {
        self.segs.push(Seg::Close);
    }
}

/// Appends a number rounded to at most `decimals` (≤ 6) decimals,
/// without trailing zeros. Hand-rolled because `format!` float formatting
/// dominated content-stream generation.
pub(crate) fn push_num(out: &mut String, v: f32, decimals: u32) {
    const POW10: [u64; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];
    let d = decimals.min(6) as usize;
    let scale = POW10[d];
    let scaled = if v.is_finite() {
        (v as f64 * scale as f64).round()
    } else {
        0.0
    };
    if scaled.abs() >= 9.0e15 {
        out.push('0');
        return;
    }
    let scaled = scaled as i64;
    if scaled == 0 {
        out.push('0');
        return;
    }
    if scaled < 0 {
        out.push('-');
    }
    let a = scaled.unsigned_abs();
    let (int, mut frac) = (a / scale, a % scale);
    push_uint(out, int);
    if frac != 0 {
        out.push('.');
        let mut digits = d;
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        let mut buf = [b'0'; 6];
        for slot in buf[..digits].iter_mut().rev() {
            *slot = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        out.extend(buf[..digits].iter().map(|&b| b as char));
    }
}

pub(crate) fn push_uint(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&b| b as char));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        let f = |v: f32, d| {
            let mut s = String::new();
            push_num(&mut s, v, d);
            s
        };
        assert_eq!(f(0.0, 2), "0");
        assert_eq!(f(-0.001, 2), "0");
        assert_eq!(f(12.5, 2), "12.5");
        assert_eq!(f(-12.345, 2), "-12.35");
        assert_eq!(f(595.28, 2), "595.28");
        assert_eq!(f(0.05, 2), "0.05");
        assert_eq!(f(1000.0, 0), "1000");
        assert_eq!(f(-3.4, 0), "-3");
        assert_eq!(f(0.123456, 5), "0.12346");
        assert_eq!(f(f32::NAN, 2), "0");
    }
}
