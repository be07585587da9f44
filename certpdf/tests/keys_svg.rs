#[expect(
    dead_code,
    reason = "this test needs no signing key; the shared helpers serve every test file"
)]
mod common;

use std::time::{Duration, SystemTime};

use certpdf::{
    glyph_svg, render_certificate_pdf, render_preview_svg, verify_signed_pdf, FontChain,
    FontSource, IssuerKey, TrustedCert,
};
use common::{fonts, missing_prerequisite, sample};

#[test]
fn pem_round_trip_keeps_key_and_certificate() {
    let k = IssuerKey::generate_self_signed("人事考试中心电子签章", "人力资源和社会保障部", 730)
        .unwrap();
    let (key_pem, cert_pem) = k.to_pem();
    assert!(
        key_pem.starts_with("-----BEGIN PRIVATE KEY-----"),
        "{key_pem}"
    );
    assert!(cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let k2 = IssuerKey::from_pem(&key_pem, &cert_pem).unwrap();
    assert_eq!(k2.cert_der(), k.cert_der());
    assert_eq!(k2.fingerprint_sha256(), k.fingerprint_sha256());
    assert_eq!(
        k2.subject_common_name().as_deref(),
        Some("人事考试中心电子签章")
    );

    // The reloaded key signs documents that verify against the original cert.
    let pdf = render_certificate_pdf(fonts(), &k2, &sample("张𪚥")).unwrap();
    let trusted = TrustedCert::from_pem(&cert_pem).unwrap();
    assert_eq!(trusted.fingerprint_sha256(), k.fingerprint_sha256());
    assert!(verify_signed_pdf(&pdf, &[trusted]).is_ok());
}

#[test]
fn certificate_validity_and_usage() {
    let k = IssuerKey::generate_self_signed("签章", "机构", 365).unwrap();
    let now = SystemTime::now();
    assert!(k.not_before() <= now);
    let span = k.not_after().duration_since(k.not_before()).unwrap();
    assert!(span >= Duration::from_secs(365 * 86_400) && span <= Duration::from_secs(366 * 86_400));

    // keyUsage (2.5.29.15) critical with digitalSignature + nonRepudiation:
    // BIT STRING 03 02 06 C0.
    let der = k.cert_der();
    let ku_oid = [0x06, 0x03, 0x55, 0x1d, 0x0f];
    let at = der
        .windows(5)
        .position(|w| w == ku_oid)
        .expect("keyUsage present");
    let tail = &der[at + 5..at + 16];
    assert_eq!(&tail[..3], &[0x01, 0x01, 0xff], "critical");
    assert!(
        tail.windows(4).any(|w| w == [0x03, 0x02, 0x06, 0xc0]),
        "{tail:02x?}"
    );
}

#[test]
fn mismatched_key_and_certificate_are_refused() {
    let a = IssuerKey::generate_self_signed("A", "", 10).unwrap();
    let b = IssuerKey::generate_self_signed("B", "", 10).unwrap();
    let (key_a, _) = a.to_pem();
    let (_, cert_b) = b.to_pem();
    let err = IssuerKey::from_pem(&key_a, &cert_b).unwrap_err();
    assert!(err.to_string().contains("does not match"), "{err}");
    assert!(IssuerKey::from_pem("garbage", &cert_b).is_err());
    assert!(IssuerKey::from_pem(&key_a, "garbage").is_err());
}

#[test]
fn glyph_svg_for_rare_and_common_characters() {
    for ch in ['𪚥', '中', '𠀀', '\u{30000}', '\u{31350}'] {
        let svg = glyph_svg(fonts(), ch).unwrap_or_else(|| panic!("no glyph for {ch}"));
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1000 1000\""),
            "{svg}"
        );
        assert!(svg.contains("fill=\"currentColor\""));
        let d = svg.split(" d=\"").nth(1).unwrap();
        assert!(d.len() > 40, "{ch}: outline too small: {svg}");
        assert!(svg.len() < 8000, "{ch}: {} bytes", svg.len());
    }
    assert!(glyph_svg(fonts(), '\u{3FFFD}').is_none());
    assert_ne!(glyph_svg(fonts(), '中'), glyph_svg(fonts(), '𪚥'));
}

#[test]
fn preview_svg_draws_glyphs_as_shared_paths() {
    let doc = sample("张𪚥");
    let svg = render_preview_svg(fonts(), &doc).unwrap();
    assert!(svg.starts_with("<svg "));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(!svg.contains("<text"), "no font-dependent text");
    let defs = svg.matches("<path id=").count();
    let uses = svg.matches("<use ").count();
    assert!(defs > 50 && uses > defs, "defs {defs} uses {uses}");
    // Each glyph is defined once.
    let mut ids: Vec<&str> = svg
        .split("<path id=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
    assert!(svg.len() < 160 * 1024, "{} bytes", svg.len());
    // Well-formed enough for an XML parser: balanced groups.
    assert_eq!(svg.matches("<g").count(), svg.matches("</g>").count());
}

#[test]
fn explicit_font_list_and_missing_cjk_font() {
    let noto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
    let hanamin_b = "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf";
    if ![noto, hanamin_b]
        .iter()
        .all(|f| std::path::Path::new(f).exists())
    {
        missing_prerequisite(
            "Debian CJK fonts not installed (apt-get install fonts-noto-cjk fonts-hanazono)",
        );
        return;
    }
    let chain = FontChain::load(&[
        FontSource::with_family(noto, "Noto Sans CJK SC"),
        FontSource::new(hanamin_b),
    ])
    .unwrap();
    assert_eq!(chain.families(), ["Noto Sans CJK SC", "HanaMinB"]);
    assert!(chain.covers('𪚥'));
    assert!(!chain.covers('\u{31350}'));

    let dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    if std::path::Path::new(dejavu).exists() {
        let err = FontChain::load(&[FontSource::new(dejavu)]).unwrap_err();
        assert!(matches!(err, certpdf::Error::NoCjkFont), "{err}");
    }
    assert!(FontChain::load(&[FontSource::new("/nonexistent/font.ttf")]).is_err());
    assert!(FontChain::load(&[FontSource::with_family(noto, "No Such Family")]).is_err());
}
