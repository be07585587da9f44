//! SVG serialisation of a [`Page`]. Every glyph is an outline path defined
//! once in `<defs>` and placed with `<use>`, so the preview looks the same
//! on devices without CJK or Extension B fonts.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::fonts::{FontChain, GlyphKey};
use crate::geom::{push_num, Affine, Color, Path, Seg};
use crate::layout::{Item, Page};

/// Compact path data: relative commands, coordinates rounded to
/// `decimals`, deltas taken between rounded points so rounding never
/// accumulates.
fn path_data(path: &Path, decimals: u32) -> String {
    let mut out = String::with_capacity(path.segs.len() * 12);
    let scale = 10f32.powi(decimals as i32);
    let q = |v: f32| (v * scale).round() / scale;
    let (mut cx, mut cy) = (0.0f32, 0.0f32);
    let (mut sx, mut sy) = (0.0f32, 0.0f32);
    let mut last_cmd = ' ';
    let num = |out: &mut String, v: f32| {
        let starts_with_sep = v < 0.0;
        let prev = out.as_bytes().last().map(|&b| b as char);
        if !starts_with_sep && prev.is_some_and(|c| c.is_ascii_digit() || c == '.') {
            out.push(' ');
        }
        push_num(out, v, decimals);
    };
    let cmd = |out: &mut String, last: &mut char, c: char| {
        // Repeated commands may be omitted (except after move, where an
        // implicit repeat means lineto).
        if *last != c || c == 'm' || c == 'z' {
            out.push(c);
            *last = c;
        }
    };
    for seg in &path.segs {
        match *seg {
            Seg::Move(x, y) => {
                let (x, y) = (q(x), q(y));
                if out.is_empty() {
                    out.push('M');
                    num(&mut out, x);
                    num(&mut out, y);
                    last_cmd = 'M';
                } else {
                    cmd(&mut out, &mut last_cmd, 'm');
                    num(&mut out, x - cx);
                    num(&mut out, y - cy);
                }
                (cx, cy, sx, sy) = (x, y, x, y);
            }
            Seg::Line(x, y) => {
                let (x, y) = (q(x), q(y));
                cmd(&mut out, &mut last_cmd, 'l');
                num(&mut out, x - cx);
                num(&mut out, y - cy);
                (cx, cy) = (x, y);
            }
            Seg::Quad(x1, y1, x, y) => {
                let (x1, y1, x, y) = (q(x1), q(y1), q(x), q(y));
                cmd(&mut out, &mut last_cmd, 'q');
                for v in [x1 - cx, y1 - cy, x - cx, y - cy] {
                    num(&mut out, v);
                }
                (cx, cy) = (x, y);
            }
            Seg::Cubic(x1, y1, x2, y2, x, y) => {
                let (x1, y1, x2, y2, x, y) = (q(x1), q(y1), q(x2), q(y2), q(x), q(y));
                cmd(&mut out, &mut last_cmd, 'c');
                for v in [x1 - cx, y1 - cy, x2 - cx, y2 - cy, x - cx, y - cy] {
                    num(&mut out, v);
                }
                (cx, cy) = (x, y);
            }
            Seg::Close => {
                cmd(&mut out, &mut last_cmd, 'z');
                (cx, cy) = (sx, sy);
            }
            Seg::Rect(x, y, w, h) => {
                let (x, y, w, h) = (q(x), q(y), q(w), q(h));
                if out.is_empty() {
                    out.push('M');
                    num(&mut out, x);
                    num(&mut out, y);
                } else {
                    out.push('m');
                    num(&mut out, x - cx);
                    num(&mut out, y - cy);
                }
                out.push('h');
                num(&mut out, w);
                out.push('v');
                num(&mut out, h);
                out.push('h');
                num(&mut out, -w);
                out.push('z');
                last_cmd = 'z';
                (cx, cy, sx, sy) = (x, y, x, y);
            }
        }
    }
    out
}

fn push_matrix(out: &mut String, t: Affine) {
    out.push_str("matrix(");
    let [a, b, c, d, e, f] = t.0;
    for (i, v) in [a, b, c, d].into_iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_num(out, v, 5);
    }
    for v in [e, f] {
        out.push(' ');
        push_num(out, v, 2);
    }
    out.push(')');
}

fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            c => o.push(c),
        }
    }
    o
}

struct SvgWriter<'a> {
    fonts: &'a FontChain,
    ids: HashMap<GlyphKey, String>,
    defs: String,
    groups: usize,
}

impl SvgWriter<'_> {
    fn glyph_id(&mut self, key: GlyphKey) -> String {
        if let Some(id) = self.ids.get(&key) {
            return id.clone();
        }
        let id = short_id(self.ids.len());
        let outline = self.fonts.outline(key);
        let _ = writeln!(
            self.defs,
            "<path id=\"{id}\" d=\"{}\"/>",
            path_data(&outline, 0)
        );
        self.ids.insert(key, id.clone());
        id
    }

    fn items(&mut self, out: &mut String, items: &[Item]) {
        for item in items {
            self.item(out, item);
        }
    }

    fn item(&mut self, out: &mut String, item: &Item) {
        match item {
            Item::Text(run) => {
                let k = run.size / 1000.0;
                let _ = write!(out, "<g fill=\"{}\"", run.color.hex());
                if run.bold > 0.0 {
                    let _ = write!(
                        out,
                        " stroke=\"{}\" stroke-linejoin=\"round\" stroke-width=\"",
                        run.color.hex()
                    );
                    push_num(out, run.bold / k, 1);
                    out.push('"');
                }
                out.push_str(" transform=\"");
                push_matrix(out, Affine([k, 0.0, 0.0, -k, run.x, run.y]));
                out.push_str("\">");
                for (g, off) in run.glyphs.iter().zip(run.offsets()) {
                    let id = self.glyph_id(g.key);
                    let _ = write!(out, "<use xlink:href=\"#{id}\"");
                    let x = off / k;
                    if x.abs() >= 0.5 {
                        out.push_str(" x=\"");
                        push_num(out, x, 0);
                        out.push('"');
                    }
                    out.push_str("/>");
                }
                out.push_str("</g>\n");
            }
            Item::Outlines { glyphs, fill } => {
                let _ = write!(out, "<g fill=\"{}\">", fill.hex());
                for (key, t) in glyphs {
                    let id = self.glyph_id(*key);
                    let _ = write!(out, "<use xlink:href=\"#{id}\" transform=\"");
                    push_matrix(out, *t);
                    out.push_str("\"/>");
                }
                out.push_str("</g>\n");
            }
            Item::Path { path, fill, stroke } => {
                let _ = write!(out, "<path d=\"{}\"", path_data(path, 2));
                match fill {
                    Some(c) if *c != Color::BLACK => {
                        let _ = write!(out, " fill=\"{}\"", c.hex());
                    }
                    Some(_) => {}
                    None => out.push_str(" fill=\"none\""),
                }
                if let Some((c, w)) = stroke {
                    let _ = write!(out, " stroke=\"{}\" stroke-width=\"", c.hex());
                    push_num(out, *w, 2);
                    out.push('"');
                }
                out.push_str("/>\n");
            }
            Item::Group {
                items,
                instances,
                opacity,
                multiply,
                ..
            } => {
                out.push_str("<g opacity=\"");
                push_num(out, *opacity, 3);
                out.push('"');
                if *multiply {
                    out.push_str(" style=\"mix-blend-mode:multiply\"");
                }
                out.push_str(">\n");
                if instances.len() == 1 {
                    out.push_str("<g transform=\"");
                    push_matrix(out, instances[0]);
                    out.push_str("\">\n");
                    self.items(out, items);
                    out.push_str("</g>\n");
                } else {
                    let id = format!("grp{}", self.groups);
                    self.groups += 1;
                    let mut inner = String::new();
                    self.items(&mut inner, items);
                    let _ = write!(self.defs, "<g id=\"{id}\">\n{inner}</g>\n");
                    for t in instances {
                        let _ = write!(out, "<use xlink:href=\"#{id}\" transform=\"");
                        push_matrix(out, *t);
                        out.push_str("\"/>\n");
                    }
                }
                out.push_str("</g>\n");
            }
        }
    }
}

/// Short identifiers: a, b, …, z, aa, ab, …
fn short_id(mut n: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'a' + (n % 26) as u8);
        n /= 26;
        if n == 0 {
            break;
        }
        n -= 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

pub(crate) fn write(fonts: &FontChain, page: &Page) -> String {
    let mut w = SvgWriter {
        fonts,
        ids: HashMap::new(),
        defs: String::new(),
        groups: 0,
    };
    let mut body = String::with_capacity(64 * 1024);
    w.items(&mut body, &page.items);
    let mut out = String::with_capacity(body.len() + w.defs.len() + 512);
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 ");
    push_num(&mut out, page.width, 2);
    out.push(' ');
    push_num(&mut out, page.height, 2);
    let _ = write!(
        out,
        "\" width=\"210mm\" height=\"297mm\" role=\"img\" aria-label=\"{t}\">\n<title>{t}</title>\n<defs>\n{}</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n{body}</svg>\n",
        w.defs,
        t = escape(&page.title),
    );
    out
}

/// A standalone SVG of one character on its em square (`viewBox="0 0 1000
/// 1000"`, narrower glyphs centred), filled with `currentColor`, from the
/// first font of the chain that has it. `None` if no font covers `ch`.
pub fn glyph_svg(fonts: &FontChain, ch: char) -> Option<String> {
    let d = path_data(&fonts.em_square_outline(ch)?, 0);
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1000 1000\" width=\"1em\" height=\"1em\"><path fill=\"currentColor\" d=\"{d}\"/></svg>"
    ))
}
