//! `cargo bench --bench render_sign` — render+sign, sign only, verify and
//! glyph SVG, each on one core with fonts and key loaded once.

use std::hint::black_box;
use std::time::Duration;

use certpdf::{
    glyph_svg, render_certificate_pdf, render_preview_svg, verify_signed_pdf, CertificateDocument,
    FontChain, IssuerKey,
};
use criterion::{criterion_group, criterion_main, Criterion};

fn benches(c: &mut Criterion) {
    let fonts = FontChain::system_default().expect("CJK fonts");
    fonts.warm_up();
    let key = IssuerKey::generate_self_signed("电子证书签章", "示例发证机构", 365).unwrap();
    let doc = CertificateDocument::example();
    let pdf = render_certificate_pdf(&fonts, &key, &doc).unwrap();
    eprintln!("PDF size: {} bytes", pdf.len());
    let trusted = [key.trusted_cert()];
    let prepared = certpdf::bench_support::prepare(&fonts, &key, &doc).unwrap();

    c.bench_function("render_sign", |b| {
        b.iter(|| render_certificate_pdf(&fonts, &key, black_box(&doc)).unwrap())
    });
    c.bench_function("sign_only", |b| {
        b.iter(|| certpdf::bench_support::sign_prepared(black_box(&prepared), &key).unwrap())
    });
    c.bench_function("verify", |b| {
        b.iter(|| verify_signed_pdf(black_box(&pdf), &trusted).unwrap())
    });
    c.bench_function("glyph_svg", |b| {
        b.iter(|| glyph_svg(&fonts, black_box('𪚥')).unwrap())
    });
    c.bench_function("preview_svg", |b| {
        b.iter(|| render_preview_svg(&fonts, black_box(&doc)).unwrap())
    });
}

criterion_group! {
    name = group;
    config = Criterion::default().sample_size(60).measurement_time(Duration::from_secs(6)).warm_up_time(Duration::from_secs(2));
    targets = benches
}
criterion_main!(group);
