//! What a certificate page prints.

/// Everything printed on an annotated certificate. All fields are
/// display-ready strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnnotatedCertificate {
    /// 持证人姓名
    pub holder_name: String,
    /// 证件号码, already masked, e.g. `1101**********123X`.
    pub masked_id_number: String,
    /// 资格名称
    pub qualification: String,
    /// 级别
    pub level: String,
    /// 专业
    pub specialty: String,
    /// 管理号
    pub certificate_number: String,
    /// 签发日期
    pub issue_date: String,
    /// 发证机构 (also set along the seal's arc)
    pub issuer: String,
    /// 加注编号
    pub annotation_number: String,
    /// 使用场景, e.g. `本人调用`
    pub scenario: String,
    /// 加注有效期 start
    pub valid_from: String,
    /// 加注有效期 end (also in the watermark)
    pub valid_until: String,
    /// 生成时间
    pub produced_at: String,
    /// Encoded in the QR code and printed in the footer.
    pub verify_url: String,
    /// Short opaque code stored in the signed document information
    /// (`/AnnotationCode`) and returned by [`verify_signed_pdf`].
    /// 1–64 characters from `A-Z a-z 0-9 - _ . ~`.
    pub annotation_code: String,
}

impl AnnotatedCertificate {
    /// A complete example document (holder 张𪚥, a name outside the BMP), shared by the
    /// tests, the benchmarks and `examples/sample.rs` so they all render the same page.
    pub fn example() -> Self {
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
}

pub(crate) fn valid_annotation_code(code: &str) -> bool {
    (1..=64).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
}
