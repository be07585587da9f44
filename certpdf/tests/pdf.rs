//! End-to-end checks of the signed PDF with poppler's tools and the
//! crate's own verifier.

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use certpdf::{render_certificate_pdf, verify_signed_pdf, IssuerKey, VerifyError};
use common::{fonts, key, missing_prerequisite, sample};

fn tmp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("certpdf-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
    p
}

/// Runs a poppler (or zbar) tool; `None` when it is not installed and not required.
fn run(tool: &str, args: &[&str]) -> Option<String> {
    match Command::new(tool).args(args).output() {
        Ok(out) => Some(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let package = if tool == "zbarimg" {
                "zbar-tools"
            } else {
                "poppler-utils"
            };
            missing_prerequisite(&format!(
                "`{tool}` is not installed (apt-get install {package})"
            ));
            None
        }
        Err(e) => panic!("running {tool}: {e}"),
    }
}

const NAMES: [&str; 3] = ["张𪚥", "阿依古丽·买买提", "李𠀀\u{30000}\u{31350}"];

#[test]
fn pdfsig_reports_valid_signature_over_whole_file() {
    for name in NAMES {
        let pdf = render_certificate_pdf(fonts(), key(), &sample(name)).unwrap();
        let path = tmp_file("sig.pdf", &pdf);
        let Some(out) = run("pdfsig", &[path.to_str().unwrap()]) else {
            return;
        };
        assert!(out.contains("Signature is Valid."), "{name}: {out}");
        assert!(out.contains("Total document signed"), "{name}: {out}");
        assert!(out.contains("ETSI.CAdES.detached"), "{out}");
        assert!(out.contains("SHA-256"), "{out}");
    }
}

#[test]
fn pdfsig_sees_appended_update_as_partial() {
    let pdf = render_certificate_pdf(fonts(), key(), &sample("张𪚥")).unwrap();
    let tampered = append_update(&pdf);
    let path = tmp_file("appended.pdf", &tampered);
    let Some(out) = run("pdfsig", &[path.to_str().unwrap()]) else {
        return;
    };
    assert!(!out.contains("Total document signed"), "{out}");
}

#[test]
fn pdftotext_extracts_every_field() {
    for name in NAMES {
        let doc = sample(name);
        let pdf = render_certificate_pdf(fonts(), key(), &doc).unwrap();
        let path = tmp_file("text.pdf", &pdf);
        let Some(text) = run("pdftotext", &[path.to_str().unwrap(), "-"]) else {
            return;
        };
        let (c, a) = (&doc.certificate, doc.annotation.as_ref().unwrap());
        for field in [
            &c.holder_name,
            &c.masked_id_number,
            &c.qualification,
            &c.level,
            &c.specialty,
            &c.number,
            &c.issue_date,
            &c.issuer,
            &a.number,
            &a.scenario,
            &a.valid_from,
            &a.valid_until,
            &a.produced_at,
            &doc.verify_url,
        ] {
            assert!(
                text.contains(field.as_str()),
                "{field:?} missing from:\n{text}"
            );
        }
        for label in [
            "持证人姓名",
            "证件号码",
            "资格名称",
            "级别",
            "专业",
            "管理号",
            "签发日期",
            "发证机构",
        ] {
            assert!(text.contains(label), "label {label} missing");
        }
        for label in [
            "使用场景",
            "加注有效期",
            "加注编号",
            "生成时间",
            "扫码验证",
            "专业技术人员职业资格电子证书",
        ] {
            assert!(text.contains(label), "label {label} missing");
        }
    }
}

#[test]
fn uncovered_character_is_boxed_but_extractable() {
    // U+3FFFD is a noncharacter-adjacent unassigned code point: no font has it.
    let name = "王\u{3FFFD}明";
    assert!(!fonts().covers('\u{3FFFD}'));
    let pdf = render_certificate_pdf(fonts(), key(), &sample(name)).unwrap();
    let path = tmp_file("missing.pdf", &pdf);
    let Some(text) = run("pdftotext", &[path.to_str().unwrap(), "-"]) else {
        return;
    };
    assert!(text.contains(name), "{text}");
    let Some(out) = run("pdfsig", &[path.to_str().unwrap()]) else {
        return;
    };
    assert!(out.contains("Signature is Valid."));
}

#[test]
fn typical_certificate_is_small() {
    for name in NAMES {
        let pdf = render_certificate_pdf(fonts(), key(), &sample(name)).unwrap();
        assert!(pdf.len() < 60 * 1024, "{name}: {} bytes", pdf.len());
    }
}

#[test]
fn fonts_are_embedded_subsets_with_tounicode() {
    let pdf = render_certificate_pdf(fonts(), key(), &sample("张𪚥")).unwrap();
    let s = String::from_utf8_lossy(&pdf);
    assert!(s.contains("/CIDFontType0C"), "Noto CFF subset expected");
    assert!(s.contains("+NotoSansCJKsc-Regular"));
    assert!(
        s.contains("+HanaMinA"),
        "Extension B glyph should come from HanaMinA"
    );
    assert!(s.contains("/ToUnicode"));
    assert!(s.contains("/Identity-H"));
    if let Some(out) = run("pdffonts", &[tmp_file("fonts.pdf", &pdf).to_str().unwrap()]) {
        // Every font line says: embedded yes, subset yes, unicode yes.
        let lines: Vec<&str> = out.lines().filter(|l| l.contains('+')).collect();
        assert!(lines.len() >= 2, "{out}");
        for l in lines {
            assert!(l.contains("yes yes yes"), "{l}");
        }
    }
}

#[test]
fn verify_accepts_genuine_file() {
    let doc = sample("阿依古丽·买买提");
    let pdf = render_certificate_pdf(fonts(), key(), &doc).unwrap();
    let v = verify_signed_pdf(&pdf, &[key().trusted_cert()]).unwrap();
    assert_eq!(v.annotation_code, doc.verification_code);
    assert_eq!(v.signer_fingerprint, key().fingerprint_sha256());
    let at = v.signed_at.expect("signing time from /M");
    assert_eq!(at.len(), 20, "{at}");
    assert!(at.ends_with('Z'));

    // Several trusted certificates: the right one is found.
    let other = IssuerKey::generate_self_signed("另一机构", "", 30).unwrap();
    let v2 = verify_signed_pdf(&pdf, &[other.trusted_cert(), key().trusted_cert()]).unwrap();
    assert_eq!(v2.signer_fingerprint, key().fingerprint_sha256());
}

fn signed_range(pdf: &[u8]) -> (usize, usize) {
    let s = String::from_utf8_lossy(pdf);
    let i = s.find("/ByteRange").unwrap();
    let rest = &s[i + 10..];
    let open = rest.find('[').unwrap();
    let close = rest.find(']').unwrap();
    let nums: Vec<usize> = rest[open + 1..close]
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    (nums[1], nums[2])
}

#[test]
fn verify_rejects_changed_byte_in_signed_range() {
    let pdf = render_certificate_pdf(fonts(), key(), &sample("张𪚥")).unwrap();
    let trusted = [key().trusted_cert()];
    let (a, b) = signed_range(&pdf);
    // Inside a compressed stream before the gap, and in the trailer after it.
    for pos in [a / 2, a - 200, b + (pdf.len() - b) / 2] {
        let mut t = pdf.clone();
        t[pos] ^= 0x01;
        let err = verify_signed_pdf(&t, &trusted).unwrap_err();
        assert!(
            matches!(err, VerifyError::BadDigest | VerifyError::Malformed(_)),
            "pos {pos}: {err}"
        );
    }
    // A byte in a stream is a clean digest failure.
    let mut t = pdf.clone();
    t[a / 2] ^= 0x20;
    assert_eq!(
        verify_signed_pdf(&t, &trusted).unwrap_err(),
        VerifyError::BadDigest
    );
}

/// An incremental update that adds a second page after the signature.
fn append_update(pdf: &[u8]) -> Vec<u8> {
    let s = String::from_utf8_lossy(pdf);
    let startxref: usize = s
        .rsplit("startxref")
        .next()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let size = 200;
    let mut out = pdf.to_vec();
    let obj_at = out.len();
    out.extend_from_slice(
        b"\n200 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>\nendobj\n",
    );
    let xref_at = out.len();
    out.extend_from_slice(
        format!(
            "xref\n200 1\n{obj_at:010} 00000 n \ntrailer\n<</Size {}/Root 1 0 R/Prev {startxref}>>\nstartxref\n{xref_at}\n%%EOF\n",
            size + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn verify_rejects_appended_incremental_update() {
    let pdf = render_certificate_pdf(fonts(), key(), &sample("张𪚥")).unwrap();
    let t = append_update(&pdf);
    assert_eq!(
        verify_signed_pdf(&t, &[key().trusted_cert()]).unwrap_err(),
        VerifyError::Modified
    );
    // Even a single appended newline counts.
    let mut t = pdf.clone();
    t.push(b'\n');
    assert_eq!(
        verify_signed_pdf(&t, &[key().trusted_cert()]).unwrap_err(),
        VerifyError::Modified
    );
}

#[test]
fn verify_rejects_second_signature_appended() {
    let pdf = render_certificate_pdf(fonts(), key(), &sample("张𪚥")).unwrap();
    let mut t = pdf.clone();
    t.extend_from_slice(b"\n300 0 obj\n<</Type/Sig/ByteRange[0 1 2 3]/Contents<00>>>\nendobj\n");
    assert_eq!(
        verify_signed_pdf(&t, &[key().trusted_cert()]).unwrap_err(),
        VerifyError::MultipleSignatures
    );
}

#[test]
fn verify_rejects_stripped_signature() {
    let pdf = render_certificate_pdf(fonts(), key(), &sample("张𪚥")).unwrap();
    let trusted = [key().trusted_cert()];
    let (a, b) = signed_range(&pdf);

    let mut zeroed = pdf.clone();
    zeroed[a + 1..b - 1].fill(b'0');
    assert_eq!(
        verify_signed_pdf(&zeroed, &trusted).unwrap_err(),
        VerifyError::NoSignature
    );

    // Signature dictionary keys renamed away.
    let s = pdf.clone();
    let i = memchr::memmem::find(&s, b"/ByteRange").unwrap();
    let mut removed = s.clone();
    removed[i..i + 10].copy_from_slice(b"/Xxxxxxxxx");
    assert_eq!(
        verify_signed_pdf(&removed, &trusted).unwrap_err(),
        VerifyError::NoSignature
    );
}

#[test]
fn verify_rejects_other_signer() {
    let other = IssuerKey::generate_self_signed(
        "测试发证机构电子签章",
        "人力资源和社会保障部人事考试中心",
        365,
    )
    .unwrap();
    let pdf = render_certificate_pdf(fonts(), &other, &sample("张𪚥")).unwrap();
    // The forgery itself is a perfectly valid signature...
    let path = tmp_file("other.pdf", &pdf);
    if let Some(out) = run("pdfsig", &[path.to_str().unwrap()]) {
        assert!(out.contains("Signature is Valid."));
    }
    assert!(verify_signed_pdf(&pdf, &[other.trusted_cert()]).is_ok());
    // ...but not by a trusted issuer.
    assert_eq!(
        verify_signed_pdf(&pdf, &[key().trusted_cert()]).unwrap_err(),
        VerifyError::UnknownSigner
    );
    assert_eq!(
        verify_signed_pdf(&pdf, &[]).unwrap_err(),
        VerifyError::UnknownSigner
    );
}

#[test]
fn verify_refuses_a_signature_outside_the_certificate_validity() {
    use std::time::{Duration, SystemTime};
    let now = SystemTime::now();
    let day = Duration::from_secs(86_400);
    // Expired yesterday: whatever it signs today is outside its validity.
    let expired = IssuerKey::generate_self_signed_between(
        "过期的签名证书",
        "测试发证机构",
        now - 400 * day,
        now - day,
    )
    .unwrap();
    let pdf = render_certificate_pdf(fonts(), &expired, &sample("张𪚥")).unwrap();
    assert_eq!(
        verify_signed_pdf(&pdf, &[expired.trusted_cert()]).unwrap_err(),
        VerifyError::OutsideValidity
    );
    // Not valid before tomorrow: a signature made now is refused too.
    let early = IssuerKey::generate_self_signed_between(
        "尚未生效的签名证书",
        "测试发证机构",
        now + day,
        now + 400 * day,
    )
    .unwrap();
    let pdf = render_certificate_pdf(fonts(), &early, &sample("张𪚥")).unwrap();
    assert_eq!(
        verify_signed_pdf(&pdf, &[early.trusted_cert()]).unwrap_err(),
        VerifyError::OutsideValidity
    );
    // Inside its validity the same kind of key verifies.
    let current = IssuerKey::generate_self_signed_between(
        "有效的签名证书",
        "测试发证机构",
        now - day,
        now + day,
    )
    .unwrap();
    let pdf = render_certificate_pdf(fonts(), &current, &sample("张𪚥")).unwrap();
    assert!(verify_signed_pdf(&pdf, &[current.trusted_cert()]).is_ok());
    assert!(IssuerKey::generate_self_signed_between("x", "", now, now - day).is_err());
}

#[test]
fn verify_rejects_garbage_truncated_and_non_pdf() {
    let trusted = [key().trusted_cert()];
    assert_eq!(
        verify_signed_pdf(b"", &trusted).unwrap_err(),
        VerifyError::NotPdf
    );
    assert_eq!(
        verify_signed_pdf(b"hello world", &trusted).unwrap_err(),
        VerifyError::NotPdf
    );
    assert_eq!(
        verify_signed_pdf(b"\x89PNG\r\n\x1a\n....", &trusted).unwrap_err(),
        VerifyError::NotPdf
    );
    assert_eq!(
        verify_signed_pdf(b"%PDF-1.7\n%%EOF\n", &trusted).unwrap_err(),
        VerifyError::NoSignature
    );

    let unsigned = certpdf::render_document_pdf(fonts(), "证书电子文件", &["第一行"]).unwrap();
    assert_eq!(
        verify_signed_pdf(&unsigned, &trusted).unwrap_err(),
        VerifyError::NoSignature
    );

    let pdf = render_certificate_pdf(fonts(), key(), &sample("张𪚥")).unwrap();
    for cut in [10, 1000, pdf.len() / 2, pdf.len() - 300, pdf.len() - 1] {
        assert!(
            verify_signed_pdf(&pdf[..cut], &trusted).is_err(),
            "truncated at {cut}"
        );
    }
}

#[test]
fn verify_never_panics_on_mutations() {
    let pdf = render_certificate_pdf(fonts(), key(), &sample("张𪚥")).unwrap();
    let trusted = [key().trusted_cert()];
    let (a, b) = signed_range(&pdf);
    // Deterministic xorshift so failures are reproducible.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut rnd = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let hex = b"0123456789ABCDEF";
    for i in 0..3000 {
        let mut t = pdf.clone();
        match i % 4 {
            // Random hex inside the CMS: exercises the DER decoder.
            0 | 1 => {
                for _ in 0..(1 + rnd() % 8) {
                    let p = a + 1 + (rnd() as usize) % (b - a - 2);
                    t[p] = hex[(rnd() % 16) as usize];
                }
            }
            2 => {
                let p = (rnd() as usize) % t.len();
                let v = rnd() as u8;
                // Hex digits are case-insensitive: that change is no change.
                if (a..b).contains(&p) && v.eq_ignore_ascii_case(&t[p]) {
                    continue;
                }
                t[p] = v;
            }
            _ => {
                let cut = (rnd() as usize) % t.len();
                t.truncate(cut);
            }
        }
        if t != pdf && verify_signed_pdf(&t, &trusted).is_ok() {
            let diff: Vec<(usize, u8, u8)> = (0..t.len().min(pdf.len()))
                .filter(|&j| t[j] != pdf[j])
                .map(|j| (j, pdf[j], t[j]))
                .collect();
            panic!("mutation {i} accepted: {diff:?} (gap {a}..{b})");
        }
    }
}

#[test]
fn cms_has_pades_signed_attributes() {
    use cms::content_info::ContentInfo;
    use cms::signed_data::SignedData;
    use der::{Decode, Encode};

    let pdf = render_certificate_pdf(fonts(), key(), &sample("张𪚥")).unwrap();
    let (a, b) = signed_range(&pdf);
    let hex = std::str::from_utf8(&pdf[a + 1..b - 1])
        .unwrap()
        .trim_end_matches('0');
    let hex = if hex.len() % 2 == 1 {
        format!("{hex}0")
    } else {
        hex.to_owned()
    };
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let ci = ContentInfo::from_der(&bytes).unwrap();
    assert_eq!(ci.content_type.to_string(), "1.2.840.113549.1.7.2");
    let sd: SignedData = ci.content.decode_as().unwrap();
    assert!(sd.encap_content_info.econtent.is_none(), "detached");
    let certs = sd.certificates.unwrap();
    assert_eq!(certs.0.len(), 1);
    let si = sd.signer_infos.0.iter().next().unwrap();
    assert_eq!(si.digest_alg.oid.to_string(), "2.16.840.1.101.3.4.2.1");
    assert_eq!(
        si.signature_algorithm.oid.to_string(),
        "1.2.840.10045.4.3.2"
    );
    let mut oids: Vec<String> = si
        .signed_attrs
        .as_ref()
        .unwrap()
        .iter()
        .map(|a| a.oid.to_string())
        .collect();
    oids.sort();
    assert_eq!(
        oids,
        [
            "1.2.840.113549.1.9.16.2.47",
            "1.2.840.113549.1.9.3",
            "1.2.840.113549.1.9.4"
        ]
    );
    let cert_der = match certs.0.iter().next().unwrap() {
        cms::cert::CertificateChoices::Certificate(c) => c.to_der().unwrap(),
        _ => panic!("certificate expected"),
    };
    assert_eq!(cert_der, key().cert_der());

    let s = String::from_utf8_lossy(&pdf);
    for needle in [
        "/Type/Sig",
        "/Filter/Adobe.PPKLite",
        "/SubFilter/ETSI.CAdES.detached",
        "/SigFlags 3",
        "/FT/Sig",
        "/Rect[0 0 0 0]",
        "/AnnotationCode(7KQ2-M9XD)",
    ] {
        assert!(s.contains(needle), "{needle} missing");
    }
}

#[test]
fn rejects_bad_annotation_code_and_unencodable_url() {
    let mut doc = sample("张三");
    doc.verification_code = "bad code)".into();
    assert!(render_certificate_pdf(fonts(), key(), &doc).is_err());
    let mut doc = sample("张三");
    doc.verify_url = "x".repeat(5000);
    assert!(render_certificate_pdf(fonts(), key(), &doc).is_err());
}

#[test]
fn long_values_wrap_and_still_fit() {
    let mut doc = sample("欧阳·阿卜杜热合曼·买买提明·司马相如");
    doc.certificate.qualification =
        "经济专业技术资格（人力资源管理、金融、财政税收、工商管理、知识产权）".repeat(2);
    doc.certificate.issuer =
        "某某省人力资源和社会保障厅专业技术人员管理处职称评审委员会办公室".into();
    let pdf = render_certificate_pdf(fonts(), key(), &doc).unwrap();
    assert!(verify_signed_pdf(&pdf, &[key().trusted_cert()]).is_ok());
    let path = tmp_file("long.pdf", &pdf);
    if let Some(text) = run("pdftotext", &[path.to_str().unwrap(), "-"]) {
        let flat: String = text.split_whitespace().collect();
        assert!(flat.contains(&doc.certificate.holder_name), "{text}");
    }
}

#[test]
fn document_pdf_has_extractable_text() {
    let pdf = certpdf::render_document_pdf(
        fonts(),
        "职业资格证书电子文件",
        &["持证人：张𪚥", "管理号：2023-GJ-001", ""],
    )
    .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let path = tmp_file("doc.pdf", &pdf);
    if let Some(text) = run("pdftotext", &[path.to_str().unwrap(), "-"]) {
        assert!(text.contains("职业资格证书电子文件"));
        assert!(text.contains("持证人：张𪚥"));
        assert!(text.contains("管理号：2023-GJ-001"));
    }
}

#[test]
fn qr_code_decodes_to_verify_url() {
    let doc = sample("张𪚥");
    let pdf = render_certificate_pdf(fonts(), key(), &doc).unwrap();
    let path = tmp_file("qr.pdf", &pdf);
    let prefix = path.with_extension("");
    let Some(_) = run(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-singlefile",
            path.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    ) else {
        return;
    };
    let png = prefix.with_extension("png");
    let Some(out) = run("zbarimg", &["-q", "--raw", png.to_str().unwrap()]) else {
        return;
    };
    assert!(out.lines().any(|l| l.trim() == doc.verify_url), "{out}");
}

/// Second, independent validator. Runs when pyHanko is importable by
/// `$CERTPDF_PYHANKO_PYTHON` (default `python3`); skipped otherwise.
#[test]
fn pyhanko_judges_signature_intact_and_untouched() {
    let python = std::env::var("CERTPDF_PYHANKO_PYTHON").unwrap_or_else(|_| "python3".into());
    let has_pyhanko = Command::new(&python)
        .args(["-c", "import pyhanko, pyhanko_certvalidator"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_pyhanko {
        missing_prerequisite(&format!(
            "pyHanko not importable by {python} (pip install pyhanko)"
        ));
        return;
    }
    let pdf = render_certificate_pdf(fonts(), key(), &sample("阿依古丽·买买提")).unwrap();
    let pdf_path = tmp_file("hanko.pdf", &pdf);
    let cert_path = tmp_file("hanko.pem", key().to_pem().1.as_bytes());
    let script = r#"
import sys
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.keys import load_cert_from_pemder
from pyhanko_certvalidator import ValidationContext
vc = ValidationContext(trust_roots=[load_cert_from_pemder(sys.argv[2])], allow_fetching=False)
with open(sys.argv[1], "rb") as f:
    sig = PdfFileReader(f).embedded_signatures[0]
    st = validate_pdf_signature(sig, vc)
    print(st.summary(), st.coverage.name, st.bottom_line)
"#;
    let out = Command::new(&python)
        .args([
            "-c",
            script,
            pdf_path.to_str().unwrap(),
            cert_path.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("INTACT:TRUSTED,UNTOUCHED"), "{stdout}");
    assert!(stdout.contains("ENTIRE_FILE True"), "{stdout}");
}

/// Noto maps U+00B7/U+30FB, and U+F900/U+8C48, to one glyph each; the second
/// spelling in a document must still extract as itself (via /ActualText).
#[test]
fn characters_sharing_a_glyph_extract_exactly() {
    let name = "李・明·华\u{F900}\u{8C48}";
    let pdf = render_certificate_pdf(fonts(), key(), &sample(name)).unwrap();
    let path = tmp_file("shared.pdf", &pdf);
    let Some(text) = run("pdftotext", &[path.to_str().unwrap(), "-"]) else {
        return;
    };
    assert!(text.contains(name), "{text}");
}

#[test]
fn empty_and_extreme_fields_never_panic() {
    let empty = certpdf::CertificateDocument {
        certificate: Default::default(),
        annotation: Some(Default::default()),
        verify_url: String::new(),
        verification_code: "X".into(),
    };
    let pdf = render_certificate_pdf(fonts(), key(), &empty).unwrap();
    assert!(verify_signed_pdf(&pdf, &[key().trusted_cert()]).is_ok());
    assert!(certpdf::render_preview_svg(fonts(), &empty).is_ok());

    // Too much text for one page is an error, not a truncated certificate.
    let mut huge = sample("张三");
    huge.certificate.qualification = "计算机技术与软件专业技术资格".repeat(200);
    assert!(matches!(
        render_certificate_pdf(fonts(), key(), &huge),
        Err(certpdf::Error::InvalidInput(_))
    ));

    let mut odd = sample("\u{0}\t\n\u{200B}张\u{FE00}三\u{E0100}");
    odd.certificate.issuer = "某".repeat(60);
    let pdf = render_certificate_pdf(fonts(), key(), &odd).unwrap();
    assert!(verify_signed_pdf(&pdf, &[key().trusted_cert()]).is_ok());
}

#[test]
fn e_certificates_without_annotation_are_signed_and_carry_no_annotation_block() {
    let mut doc = sample("张𪚥");
    doc.annotation = None;
    let pdf = render_certificate_pdf(fonts(), key(), &doc).unwrap();
    let verified = verify_signed_pdf(&pdf, &[key().trusted_cert()]).unwrap();
    assert_eq!(verified.annotation_code, doc.verification_code);
    let path = tmp_file("ecert.pdf", &pdf);
    if let Some(out) = run("pdfsig", &[path.to_str().unwrap()]) {
        assert!(out.contains("Signature is Valid."), "{out}");
        assert!(out.contains("Total document signed"), "{out}");
    }
    if let Some(text) = run("pdftotext", &[path.to_str().unwrap(), "-"]) {
        assert!(text.contains("张𪚥"), "{text}");
        assert!(text.contains(&doc.certificate.number), "{text}");
        assert!(!text.contains("加注信息"), "{text}");
        assert!(!text.contains("加注件"), "{text}");
    }
}
