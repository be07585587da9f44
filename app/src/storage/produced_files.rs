//! The files the system produced: the SHA-256 of every e-certificate it signed, so that a
//! file check accepts only files the system handed out (an annotated copy's hash is kept
//! with the annotation; an attached file's with the file).

use super::{PgStorage, SqliteStorage, StorageResult};
use crate::domain::{CertificateId, Millis};
use async_trait::async_trait;

#[async_trait]
pub trait ProducedFileStore: Send + Sync {
    /// Records that the system produced a file with this SHA-256 (hex) for the certificate
    /// (no-op if already recorded).
    async fn record_produced_file(
        &self,
        sha256: &str,
        certificate: CertificateId,
        now: Millis,
    ) -> StorageResult<()>;

    /// Whether the system produced, or an operator attached, a file with this SHA-256 (hex)
    /// for the certificate.
    async fn is_produced_file(
        &self,
        sha256: &str,
        certificate: CertificateId,
    ) -> StorageResult<bool>;
}

macro_rules! impl_produced_file_store {
    ($store:ty) => {
        #[async_trait]
        impl ProducedFileStore for $store {
            #[tracing::instrument(skip_all, fields(certificate = certificate.0))]
            async fn record_produced_file(
                &self,
                sha256: &str,
                certificate: CertificateId,
                now: Millis,
            ) -> StorageResult<()> {
                sqlx::query(
                    "INSERT INTO produced_files (sha256, certificate_id, produced_at) \
                     VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING",
                )
                .bind(sha256)
                .bind(certificate.0)
                .bind(now)
                .execute(self.pool())
                .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(certificate = certificate.0))]
            async fn is_produced_file(
                &self,
                sha256: &str,
                certificate: CertificateId,
            ) -> StorageResult<bool> {
                let found: Option<bool> = sqlx::query_scalar(
                    "SELECT TRUE FROM produced_files WHERE sha256 = $1 AND certificate_id = $2 \
                     UNION ALL \
                     SELECT TRUE FROM certificate_files WHERE certificate_id = $2 AND sha256 = $1 \
                     LIMIT 1",
                )
                .bind(sha256)
                .bind(certificate.0)
                .fetch_optional(self.pool())
                .await?;
                Ok(found.is_some())
            }
        }
    };
}

impl_produced_file_store!(SqliteStorage);
impl_produced_file_store!(PgStorage);
