//! What a certificate page prints: the certificate's face, the annotation's face on an
//! annotated copy, and how the page is verified. All fields are display-ready strings.

/// One signed e-certificate page: the certificate alone, or an annotated copy (加注件) when
/// it has an annotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateDocument {
    /// 证书信息: the certificate's data.
    pub certificate: CertificateFace,
    /// 加注信息: the annotation of an annotated copy. `None` for an e-certificate that needs
    /// no annotation (issued before the cut-off): the page then has no annotation block and
    /// no watermark, and shows the issue date under the issuer instead of the production time.
    pub annotation: Option<AnnotationFace>,
    /// Encoded in the QR code and printed in the footer.
    pub verify_url: String,
    /// 核验码: printed under the QR code and stored in the signed document information
    /// (`/AnnotationCode`), from where [`crate::verify_signed_pdf`] returns it as
    /// [`crate::VerifiedPdf::annotation_code`]. 1–64 characters from `A-Z a-z 0-9 - _ . ~`.
    pub verification_code: String,
}

/// The certificate's data as printed (证书信息).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertificateFace {
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
    pub number: String,
    /// 签发日期
    pub issue_date: String,
    /// 发证机构 (also set along the seal's arc)
    pub issuer: String,
}

/// The annotation of an annotated copy as printed (加注信息).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnnotationFace {
    /// 加注编号
    pub number: String,
    /// 使用场景, e.g. `本人调用` (also in the watermark)
    pub scenario: String,
    /// 加注有效期 start
    pub valid_from: String,
    /// 加注有效期 end (also in the watermark)
    pub valid_until: String,
    /// 生成时间 (also under the issuer)
    pub produced_at: String,
}

impl CertificateDocument {
    /// A complete annotated copy (holder 张𪚥, a name outside the BMP), shared by the tests,
    /// the benchmarks and `examples/sample.rs` so they all render the same page. Set
    /// `annotation` to `None` for the e-certificate alone.
    pub fn example() -> Self {
        CertificateDocument {
            certificate: CertificateFace {
                holder_name: "张𪚥".into(),
                masked_id_number: "1101**********123X".into(),
                qualification: "计算机技术与软件专业技术资格".into(),
                level: "高级".into(),
                specialty: "信息系统项目管理师".into(),
                number: "2023-GJ-110100-004512".into(),
                issue_date: "2023-12-28".into(),
                issuer: "中华人民共和国人力资源和社会保障部".into(),
            },
            annotation: Some(AnnotationFace {
                number: "JZ20250224000123".into(),
                scenario: "本人调用".into(),
                valid_from: "2025-02-24".into(),
                valid_until: "2027-02-24".into(),
                produced_at: "2025-02-24 10:32:15".into(),
            }),
            verify_url: "https://zscx.example.gov.cn/v/JZ20250224000123?c=7KQ2-M9XD".into(),
            verification_code: "7KQ2-M9XD".into(),
        }
    }
}

/// Whether `code` may be a verification code (see [`CertificateDocument::verification_code`]).
pub(crate) fn valid_verification_code(code: &str) -> bool {
    (1..=64).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
}
