//! What the certificate pages show, serialisable between server and browser.

pub use crate::domain::certificate::ECertificate;
use crate::domain::IdType;
use serde::{Deserialize, Serialize};

/// The certificate's own validity (not an annotation's): it stands, or was revoked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusView {
    Valid,
    Revoked { on: String, reason: String },
}

impl StatusView {
    pub fn is_valid(&self) -> bool {
        matches!(self, StatusView::Valid)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateView {
    /// Unguessable id used in URLs.
    pub public_id: String,
    /// 管理号
    pub number: String,
    pub qualification: String,
    pub level: String,
    pub specialty: String,
    /// 签发日期, `YYYY-MM-DD`.
    pub issued_on: String,
    pub issuer: String,
    pub status: StatusView,
    pub e_certificate: ECertificate,
    pub file_count: i64,
}

/// 持证人查询下载: the signed-in holder's certificates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateList {
    pub holder_name: String,
    pub certificates: Vec<CertificateView>,
}

/// The kind of an electronic file, which decides how it is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileKind {
    Pdf,
    Image,
    /// OFD (China's standard layout format for e-documents and e-licences): no browser shows
    /// it, so [查看文件] explains how to open it and offers the download.
    Ofd,
    /// Anything else browsers cannot show: download only.
    DownloadOnly,
}

impl FileKind {
    pub fn of(content_type: &str) -> FileKind {
        match content_type {
            "application/pdf" => FileKind::Pdf,
            "image/png" | "image/jpeg" => FileKind::Image,
            "application/ofd" => FileKind::Ofd,
            _ => FileKind::DownloadOnly,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileView {
    pub public_id: String,
    pub file_name: String,
    pub content_type: String,
    pub kind: FileKind,
    pub size: i64,
    pub sha256: String,
    /// `YYYY-MM-DD HH:MM`, China time.
    pub added_at: String,
}

/// 证书信息 and the download page: the certificate with its holder and files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateDetails {
    pub certificate: CertificateView,
    pub holder_name: String,
    pub id_type: IdType,
    pub masked_id_number: String,
    /// Files are listed only while the certificate stands.
    pub files: Vec<FileView>,
}

/// `1.2 MB`-style size for people.
pub fn human_size(bytes: i64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else {
        format!("{:.1} MB", b / KB / KB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_kinds() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(2048), "2.0 KB");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MB");
        assert_eq!(FileKind::of("application/pdf"), FileKind::Pdf);
        assert_eq!(FileKind::of("image/jpeg"), FileKind::Image);
        assert_eq!(FileKind::of("application/ofd"), FileKind::Ofd);
    }
}
