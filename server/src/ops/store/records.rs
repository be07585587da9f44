//! The operator's single-record writes, shared SQL for both backends: each reads what it
//! changes under the write lock and writes its audit line in the same transaction.

use super::audit::{certificate_audit, changed_fields, file_detail};
use super::pg_bulk::PgBulkWriter;
use super::sqlite_bulk::SqliteBulkWriter;
use super::{BulkWriter, ImportContext, NewFile, Operations, StatusChange};
use app::domain::{CertificateStatus, FileMeta, Millis};
use app::infra::new_public_id;
use app::storage::{
    status_columns, AuditLine, DbCertificate, DbFileMeta, Dialect, PgStorage, SqliteStorage,
    StorageResult, CERTIFICATE_COLUMNS,
};
use async_trait::async_trait;

/// A file with the number of its certificate.
#[derive(sqlx::FromRow)]
struct DbFileWithNumber {
    #[sqlx(flatten)]
    meta: DbFileMeta,
    cert_number: String,
}

macro_rules! impl_operations {
    ($store:ty, $writer:ty) => {
        #[async_trait]
        impl Operations for $store {
            #[tracing::instrument(skip_all)]
            async fn bulk_writer(&self, ctx: &ImportContext) -> StorageResult<Box<dyn BulkWriter>> {
                Ok(Box::new(<$writer>::open(self.pool(), self.keys(), ctx).await?))
            }

            #[tracing::instrument(skip_all, fields(number = %number))]
            async fn set_certificate_status(&self, number: &str, status: CertificateStatus, note: Option<&str>, now: Millis, actor: &str) -> StorageResult<Option<StatusChange>> {
                let mut tx = self.pool().begin_with(<Self as Dialect>::BEGIN_WRITE).await?;
                let sql = format!(
                    "SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE cert_number = $1{}",
                    <Self as Dialect>::FOR_UPDATE
                );
                let row: Option<DbCertificate> =
                    sqlx::query_as(&sql).bind(number).fetch_optional(&mut *tx).await?;
                let Some(row) = row else {
                    return Ok(None);
                };
                let before = row.into_certificate(self.keys())?;
                if before.record.status == status {
                    return Ok(Some(StatusChange { after: before.clone(), before }));
                }
                let mut after = before.clone();
                after.record.status = status;
                after.updated_at = now;
                let (code, revoked_on, reason) = status_columns(&after.record.status);
                sqlx::query(
                    "UPDATE certificates SET status = $1, revoked_on = $2, revoke_reason = $3, \
                     content_hash = $4, updated_at = $5 WHERE id = $6",
                )
                .bind(code)
                .bind(&revoked_on)
                .bind(&reason)
                .bind(after.record.content_hash(&self.keys().id_lookup(&after.record.holder_id)))
                .bind(now)
                .bind(before.id.0)
                .execute(&mut *tx)
                .await?;
                let action = match after.record.status {
                    CertificateStatus::Valid => "certificate.reinstate",
                    CertificateStatus::Revoked { .. } => "certificate.revoke",
                };
                let detail = serde_json::json!({
                    "changed": changed_fields(&before.record, &after.record),
                    "note": note,
                });
                tx.insert_audit(&certificate_audit(number, action, now, actor, detail))
                    .await?;
                tx.commit().await?;
                Ok(Some(StatusChange { before, after }))
            }

            #[tracing::instrument(skip_all, fields(number = %number, size = file.size))]
            async fn attach_file(&self, number: &str, file: NewFile<'_>, now: Millis, actor: &str) -> StorageResult<Option<String>> {
                let mut tx = self.pool().begin_with(<Self as Dialect>::BEGIN_WRITE).await?;
                let id: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM certificates WHERE cert_number = $1")
                        .bind(number)
                        .fetch_optional(&mut *tx)
                        .await?;
                let Some(id) = id else {
                    return Ok(None);
                };
                let meta = FileMeta {
                    public_id: new_public_id(),
                    file_name: file.file_name.to_string(),
                    content_type: file.content_type.to_string(),
                    size: file.size,
                    sha256: file.sha256.to_string(),
                    created_at: now,
                };
                sqlx::query(
                    "INSERT INTO certificate_files (public_id, certificate_id, file_name, \
                     content_type, size, sha256, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&meta.public_id)
                .bind(id)
                .bind(&meta.file_name)
                .bind(&meta.content_type)
                .bind(meta.size)
                .bind(&meta.sha256)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let detail = serde_json::Value::Object(file_detail(&meta));
                let entry = certificate_audit(number, "certificate.attach_file", now, actor, detail);
                tx.insert_audit(&entry).await?;
                tx.commit().await?;
                Ok(Some(meta.public_id))
            }

            #[tracing::instrument(skip_all, fields(file = %file_public_id))]
            async fn detach_file(&self, file_public_id: &str, now: Millis, actor: &str) -> StorageResult<Option<(FileMeta, String)>> {
                let mut tx = self.pool().begin_with(<Self as Dialect>::BEGIN_WRITE).await?;
                let sql = format!(
                    "SELECT f.public_id, f.file_name, f.content_type, f.size, f.sha256, \
                     f.created_at, c.cert_number FROM certificate_files f \
                     JOIN certificates c ON c.id = f.certificate_id WHERE f.public_id = $1{}",
                    <Self as Dialect>::FOR_UPDATE
                );
                let row: Option<DbFileWithNumber> =
                    sqlx::query_as(&sql).bind(file_public_id).fetch_optional(&mut *tx).await?;
                let Some(DbFileWithNumber { meta, cert_number }) = row else {
                    return Ok(None);
                };
                let meta = FileMeta::try_from(meta)?;
                sqlx::query("DELETE FROM certificate_files WHERE public_id = $1")
                    .bind(file_public_id)
                    .execute(&mut *tx)
                    .await?;
                // The bytes go too, unless another file (of any certificate) has the same ones.
                let blob_removed = sqlx::query(
                    "DELETE FROM file_blobs WHERE sha256 = $1 AND NOT EXISTS \
                     (SELECT 1 FROM certificate_files WHERE sha256 = $1)",
                )
                .bind(&meta.sha256)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    > 0;
                let mut detail = file_detail(&meta);
                detail.insert("bytes_removed".into(), blob_removed.into());
                let entry = certificate_audit(
                    &cert_number,
                    "certificate.detach_file",
                    now,
                    actor,
                    serde_json::Value::Object(detail),
                );
                tx.insert_audit(&entry).await?;
                tx.commit().await?;
                Ok(Some((meta, cert_number)))
            }
        }
    };
}

impl_operations!(SqliteStorage, SqliteBulkWriter);
impl_operations!(PgStorage, PgBulkWriter);
