use crate::certificates::views::CertificateView;
use crate::domain::annotation::Scenario;
use serde::{Deserialize, Serialize};

/// An annotation as the holder sees it. Expiry is worked out against the server clock when
/// the page is made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnnotationStatus {
    /// 证书生成中…
    Generating,
    /// 有效: the copy can be viewed and downloaded until `valid_until`.
    Ready {
        valid_from: String,
        valid_until: String,
    },
    /// 加注件已过期
    Expired { valid_until: String },
    /// 失败: production failed; apply again.
    Failed,
    /// 已作废: its holder cancelled the copy early; it verifies as cancelled.
    Cancelled { at: String },
    /// The certificate was revoked: no copy of it may be viewed or downloaded, whatever its
    /// validity.
    CertificateRevoked,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnotationView {
    pub code: String,
    /// 加注编号
    pub number: String,
    pub scenario: Scenario,
    pub validity_days: i64,
    /// `YYYY-MM-DD HH:MM`, China time.
    pub applied_at: String,
    pub status: AnnotationStatus,
}

/// How many more annotations the certificate may have now, or from when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaView {
    pub remaining: usize,
    /// `YYYY-MM-DD`: the first day a new application is possible, when none is now.
    pub next_possible: Option<String>,
}

/// The e-certificate section of the download page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnotationOverview {
    pub certificate: CertificateView,
    pub annotations: Vec<AnnotationView>,
    pub quota: QuotaView,
}

impl AnnotationOverview {
    /// Whether a copy is still being produced (the page then refreshes itself).
    pub fn generating(&self) -> bool {
        self.annotations
            .iter()
            .any(|a| a.status == AnnotationStatus::Generating)
    }
}

/// One annotation with its certificate, for the annotated-copy page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnotationDetails {
    pub certificate: CertificateView,
    pub annotation: AnnotationView,
    /// The public verification link of the copy (what its QR code holds), to share.
    pub verify_url: String,
    /// A short-lived link for a digital wallet to take the copy as a credential; only while
    /// the copy may be used.
    pub wallet: Option<WalletOffer>,
}

/// A wallet link made for the copy's page (`app::credentials::WalletLink`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletOffer {
    /// The link the wallet fetches the credential from.
    pub url: String,
    /// The link's QR code (an image on this site).
    pub qr: String,
    /// Minutes the link works for.
    pub minutes: i64,
}

/// `<certificate number>_<annotation number>.pdf`
pub fn copy_file_name(certificate_number: &str, annotation_number: &str) -> String {
    format!("{certificate_number}_{annotation_number}.pdf")
}
