//! Writes a sample signed certificate, its SVG preview and the signing
//! certificate, for checking with external tools:
//!
//! ```text
//! cargo run --release --example sample -- /tmp/certpdf-sample
//! pdfsig /tmp/certpdf-sample/certificate.pdf
//! ```

use certpdf::{
    render_annotated_certificate, render_preview_svg, verify_signed_pdf, AnnotatedCertificate,
    FontChain, IssuerKey,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "certpdf-sample".into()),
    );
    std::fs::create_dir_all(&dir)?;
    let fonts = FontChain::system_default()?;
    let key = IssuerKey::generate_self_signed("示例发证机构电子签章", "示例人事考试中心", 365)?;
    let doc = AnnotatedCertificate {
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
    };
    let pdf = render_annotated_certificate(&fonts, &key, &doc)?;
    let verified = verify_signed_pdf(&pdf, &[key.trusted_cert()])?;
    std::fs::write(dir.join("certificate.pdf"), &pdf)?;
    std::fs::write(dir.join("preview.svg"), render_preview_svg(&fonts, &doc)?)?;
    std::fs::write(dir.join("issuer-cert.pem"), key.to_pem().1)?;
    println!(
        "wrote {} ({} bytes), annotation code {}",
        dir.join("certificate.pdf").display(),
        pdf.len(),
        verified.annotation_code
    );
    Ok(())
}
