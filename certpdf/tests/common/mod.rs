#![allow(dead_code)]

use std::sync::OnceLock;

use certpdf::{AnnotatedCertificate, FontChain, IssuerKey};

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

pub fn sample(holder: &str) -> AnnotatedCertificate {
    AnnotatedCertificate {
        holder_name: holder.to_owned(),
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
