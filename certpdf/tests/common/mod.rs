mod require;

pub use require::missing_prerequisite;

use std::sync::OnceLock;

use certpdf::{CertificateDocument, FontChain, IssuerKey};

pub fn fonts() -> &'static FontChain {
    static F: OnceLock<FontChain> = OnceLock::new();
    F.get_or_init(|| {
        FontChain::system_default().expect("CJK fonts installed (fonts-noto-cjk etc.)")
    })
}

pub fn key() -> &'static IssuerKey {
    static K: OnceLock<IssuerKey> = OnceLock::new();
    K.get_or_init(|| {
        IssuerKey::generate_self_signed(
            "测试发证机构电子签章",
            "人力资源和社会保障部人事考试中心",
            365,
        )
        .unwrap()
    })
}

/// The example annotated copy, for `holder`.
pub fn sample(holder: &str) -> CertificateDocument {
    let mut doc = CertificateDocument::example();
    doc.certificate.holder_name = holder.to_owned();
    doc
}
