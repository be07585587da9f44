//! Writes a sample signed certificate, its SVG preview and the signing
//! certificate, for checking with external tools:
//!
//! ```text
//! cargo run --release --example sample -- /tmp/certpdf-sample
//! pdfsig /tmp/certpdf-sample/certificate.pdf
//! ```

use certpdf::{
    render_certificate_pdf, render_preview_svg, verify_signed_pdf, CertificateDocument, FontChain,
    IssuerKey,
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
    let doc = CertificateDocument::example();

    let pdf = render_certificate_pdf(&fonts, &key, &doc)?;
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
