//! The certificate actions on the server. Every one starts from the signed-in holder and asks
//! storage only for what that holder owns, so another holder's certificate or file is simply
//! not found.

use super::views::*;
use crate::domain::time::china_minute;
use crate::domain::{Certificate, CertificateStatus, FileMeta};
use crate::error::AppError;
use crate::session::ActiveSession;
use crate::state::AppState;

fn status_view(status: &CertificateStatus) -> StatusView {
    match status {
        CertificateStatus::Valid => StatusView::Valid,
        CertificateStatus::Revoked { on, reason } => StatusView::Revoked {
            on: on.to_string(),
            reason: reason.clone(),
        },
    }
}

/// Whether and how the e-certificate is obtained (docs/domain.md: annotation needed iff an
/// e-certificate issued on or after the cut-off).
pub fn e_certificate(state: &AppState, certificate: &Certificate) -> ECertificate {
    let record = &certificate.record;
    if !record.electronic {
        ECertificate::None
    } else if crate::domain::annotation::needs_annotation(
        record.electronic,
        record.issued_on,
        state.settings.annotation_cutoff,
    ) {
        ECertificate::NeedsAnnotation
    } else {
        ECertificate::Direct
    }
}

pub fn certificate_view(state: &AppState, c: &Certificate, file_count: i64) -> CertificateView {
    CertificateView {
        public_id: c.public_id.clone(),
        number: c.record.number.clone(),
        qualification: c.record.qualification.clone(),
        level: c.record.level.clone(),
        specialty: c.record.specialty.clone(),
        issued_on: c.record.issued_on.to_string(),
        issuer: c.record.issuer.clone(),
        status: status_view(&c.record.status),
        e_certificate: e_certificate(state, c),
        file_count,
    }
}

fn file_view(f: &FileMeta) -> FileView {
    FileView {
        public_id: f.public_id.clone(),
        file_name: f.file_name.clone(),
        content_type: f.content_type.clone(),
        kind: FileKind::of(&f.content_type),
        size: f.size,
        sha256: f.sha256.clone(),
        added_at: china_minute(f.created_at),
    }
}

/// 持证人查询下载.
pub async fn list(state: &AppState, session: &ActiveSession) -> Result<CertificateList, AppError> {
    let rows = state.storage.certificates_of(&session.owner).await?;
    Ok(CertificateList {
        holder_name: session.owner.name.as_str().to_string(),
        certificates: rows
            .iter()
            .map(|(c, files)| certificate_view(state, c, *files))
            .collect(),
    })
}

/// 证书信息 and the download page.
pub async fn details(
    state: &AppState,
    session: &ActiveSession,
    public_id: &str,
) -> Result<CertificateDetails, AppError> {
    let certificate = state
        .storage
        .certificate_of(&session.owner, public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let files = if certificate.record.status == CertificateStatus::Valid {
        state.storage.files_of_certificate(certificate.id).await?
    } else {
        Vec::new()
    };
    Ok(CertificateDetails {
        certificate: certificate_view(state, &certificate, files.len() as i64),
        holder_name: certificate.record.holder_name.as_str().to_string(),
        id_type: certificate.record.holder_id.id_type(),
        masked_id_number: certificate.record.holder_id.masked(),
        files: files.iter().map(file_view).collect(),
    })
}

/// A file's metadata and bytes, for the holder who owns its certificate while the
/// certificate stands. The bytes are checked against their SHA-256 before they are served.
pub async fn file(
    state: &AppState,
    session: &ActiveSession,
    file_public_id: &str,
) -> Result<(FileMeta, Vec<u8>), AppError> {
    let (meta, certificate) = state
        .storage
        .file_of(&session.owner, file_public_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if certificate.record.status != CertificateStatus::Valid {
        return Err(AppError::NotFound);
    }
    let bytes = state.blobs.get_blob(&meta.sha256).await?.ok_or_else(|| {
        crate::error::ssr::internal(&std::io::Error::other(format!(
            "blob {} of file {} is missing",
            meta.sha256, meta.public_id
        )))
    })?;
    if crate::infra::sha256_hex(&bytes) != meta.sha256 {
        return Err(crate::error::ssr::internal(&std::io::Error::other(
            format!(
                "blob {} of file {} does not match its digest",
                meta.sha256, meta.public_id
            ),
        )));
    }
    Ok((meta, bytes))
}
