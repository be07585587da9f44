//! `cargo bench --bench render_sign` — render+sign, sign only, verify and
//! glyph SVG, each on one core with fonts and key loaded once.

use std::hint::black_box;
use std::time::Duration;

use certpdf::{
    glyph_svg, render_annotated_certificate, render_preview_svg, verify_signed_pdf,
    AnnotatedCertificate, FontChain, IssuerKey,
};
use criterion::{criterion_group, criterion_main, Criterion};

fn sample() -> AnnotatedCertificate {
    AnnotatedCertificate {
        holder_name: "张𪚥".into(),
        masked_id_number: "1101**********123X".into(),
        qualification: "计算机技术与软件专业技术资格".into(),
        level: "高级".into(),
        specialty: "信息系统项目管理师".into(),
        certificate_number: "2023-GJ-110100-004512".into(),
        issue_date: "2023-12-28".into(),
        issuer: "中华人民共和国人力资源和社会保障部".into(),
        annotation_number: "JZ20250224000123".into(),
        scenario: "本人调用".into(),
        valid_from: "2025-02-24".into(),
        valid_until: "2027-02-24".into(),
        produced_at: "2025-02-24 10:32:15".into(),
        verify_url: "https://zscx.example.gov.cn/v/JZ20250224000123?c=7KQ2-M9XD".into(),
        annotation_code: "7KQ2-M9XD".into(),
    }
}

fn benches(c: &mut Criterion) {
    let fonts = FontChain::system_default().expect("CJK fonts");
    fonts.warm_up();
    let key = IssuerKey::generate_self_signed("电子证书签章", "示例发证机构", 365).unwrap();
    let doc = sample();
    let pdf = render_annotated_certificate(&fonts, &key, &doc).unwrap();
    eprintln!("PDF size: {} bytes", pdf.len());
    let trusted = [key.trusted_cert()];
    let prepared = certpdf::bench_support::prepare(&fonts, &key, &doc).unwrap();

    c.bench_function("render_sign", |b| {
        b.iter(|| render_annotated_certificate(&fonts, &key, black_box(&doc)).unwrap())
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
