//! The electronic files attached to certificates (their bytes are in the [`super::BlobStore`]).

use super::certificates::{owner_params, DbCertificate, CERTIFICATE_COLUMNS, OWNED_BY};
use super::rows::{fetch_as, fetch_opened, IntoDomain, IntoDomainWith};
use super::{PgStorage, SqliteStorage, StorageError, StorageResult};
use crate::domain::{Certificate, CertificateId, FileMeta, NewCertificateFile, Owner};
use crate::infra::new_public_id;
use async_trait::async_trait;

#[async_trait]
pub trait FileStore: Send + Sync {
    /// Attaches an electronic file (whose bytes are already in the blob store) to a
    /// certificate; returns its public id.
    async fn insert_certificate_file(&self, file: &NewCertificateFile) -> StorageResult<String>;

    async fn files_of_certificate(&self, id: CertificateId) -> StorageResult<Vec<FileMeta>>;

    /// One file and its certificate, only if the certificate belongs to `owner`.
    async fn file_of(
        &self,
        owner: &Owner,
        file_public_id: &str,
    ) -> StorageResult<Option<(FileMeta, Certificate)>>;
}

/// The columns [`DbFileMeta`] reads, in its order.
pub const FILE_COLUMNS: &str = "public_id, file_name, content_type, size, sha256, created_at";

#[derive(sqlx::FromRow)]
pub struct DbFileMeta {
    pub public_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: i64,
}

impl TryFrom<DbFileMeta> for FileMeta {
    type Error = StorageError;

    fn try_from(row: DbFileMeta) -> StorageResult<FileMeta> {
        Ok(FileMeta {
            public_id: row.public_id,
            file_name: row.file_name,
            content_type: row.content_type,
            size: row.size,
            sha256: row.sha256,
            created_at: row.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct DbFileOfCertificate {
    #[sqlx(flatten)]
    meta: DbFileMeta,
    certificate_id: i64,
}

macro_rules! impl_file_store {
    ($store:ty) => {
        #[async_trait]
        impl FileStore for $store {
            #[tracing::instrument(skip_all, fields(certificate = file.certificate_id.0))]
            async fn insert_certificate_file(
                &self,
                file: &NewCertificateFile,
            ) -> StorageResult<String> {
                let public_id = new_public_id();
                sqlx::query(
                    "INSERT INTO certificate_files (public_id, certificate_id, file_name, \
                     content_type, size, sha256, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&public_id)
                .bind(file.certificate_id.0)
                .bind(&file.file_name)
                .bind(&file.content_type)
                .bind(file.size)
                .bind(&file.sha256)
                .bind(file.created_at)
                .execute(self.pool())
                .await?;
                Ok(public_id)
            }

            #[tracing::instrument(skip_all, fields(certificate = id.0))]
            async fn files_of_certificate(
                &self,
                id: CertificateId,
            ) -> StorageResult<Vec<FileMeta>> {
                let sql = format!(
                    "SELECT {FILE_COLUMNS} FROM certificate_files WHERE certificate_id = $1 \
                     ORDER BY created_at, id"
                );
                fetch_as!(self.pool(), DbFileMeta, &sql, fetch_all, id.0)
            }

            #[tracing::instrument(skip_all, fields(file = %file_public_id))]
            async fn file_of(
                &self,
                owner: &Owner,
                file_public_id: &str,
            ) -> StorageResult<Option<(FileMeta, Certificate)>> {
                let sql = format!(
                    "SELECT {FILE_COLUMNS}, certificate_id FROM certificate_files \
                     WHERE public_id = $1"
                );
                let file: Option<DbFileOfCertificate> = sqlx::query_as(&sql)
                    .bind(file_public_id)
                    .fetch_optional(self.pool())
                    .await?;
                let Some(DbFileOfCertificate {
                    meta,
                    certificate_id,
                }) = file
                else {
                    return Ok(None);
                };
                let sql = format!(
                    "SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE {OWNED_BY} AND id = $4"
                );
                let (id_type, id_number, name) = owner_params(self.keys(), owner);
                let certificate: Option<Certificate> = fetch_opened!(
                    self.keys(), self.pool(), DbCertificate, &sql, fetch_optional, id_type, id_number, name, certificate_id
                )?;
                certificate
                    .map(|c| Ok((FileMeta::try_from(meta)?, c)))
                    .transpose()
            }
        }
    };
}

impl_file_store!(SqliteStorage);
impl_file_store!(PgStorage);
