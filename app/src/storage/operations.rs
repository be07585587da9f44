//! What the operator commands ask of the database beyond [`Storage`]: bulk import of
//! certificate records, revoking and reinstating, attaching and detaching electronic files.
//! Every change is written with its audit line in the same transaction, so a failure leaves
//! neither a change without its audit line nor the reverse.
//!
//! The bulk import is backend-specific (multi-row `INSERT` on SQLite, `COPY` into a staging
//! table on PostgreSQL); the rest is shared SQL, written once in `impl_operations!`.

use super::sql::{DbCertificate, CERTIFICATE_COLUMNS};
use super::{PgStorage, SqliteStorage, Storage, StorageError, StorageResult};
use crate::domain::{
    AuditEntry, Certificate, CertificateRecord, CertificateStatus, FileMeta, Millis,
};
use crate::infra::new_public_id;
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Arc;

/// One validated row of an import file.
#[derive(Clone, Debug)]
pub struct ImportRow {
    /// Line of the file where the row starts (1-based), for the audit log.
    pub line: u64,
    pub record: CertificateRecord,
    /// `record.content_hash()`, computed where the row was validated.
    pub hash: String,
    /// A fresh [`new_public_id`], used if the row is inserted (made by the reader thread,
    /// off the writer's path).
    pub public_id: String,
}

/// Who imports what, for the rows' timestamps and the audit lines.
#[derive(Clone, Debug)]
pub struct ImportContext {
    pub now: Millis,
    /// `operator:<name>`.
    pub actor: String,
    /// The file name, recorded in each audit line.
    pub source: String,
}

/// What writing one batch did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// Writes validated rows in transactions that the caller ends with [`BulkWriter::commit`]:
/// what was written before a commit is in the database entirely, what was written after the
/// last one is rolled back if the writer is dropped (error, Ctrl-C). Rows are matched by
/// certificate number; a row whose content hash equals the stored one is left untouched (its
/// `updated_at` too), a row that differs updates the record and writes its before/after to
/// the audit log. The rows of one call must have distinct numbers.
#[async_trait]
pub trait BulkWriter: Send {
    /// Writes rows inside the open transaction (opening one if needed).
    async fn write_batch(
        &mut self,
        rows: &[ImportRow],
        ctx: &ImportContext,
    ) -> StorageResult<BatchOutcome>;

    /// Commits the open transaction, if any.
    async fn commit(&mut self) -> StorageResult<()>;
}

/// A revocation or reinstatement that took place: the certificate before and after.
#[derive(Clone, Debug)]
pub struct StatusChange {
    pub before: Certificate,
    pub after: Certificate,
}

/// The operator's storage: everything of [`Storage`] plus the operator's writes.
#[async_trait]
pub trait Operations: Storage {
    /// A writer holding its own connection for the length of an import.
    async fn bulk_writer(&self) -> StorageResult<Box<dyn BulkWriter>>;

    /// Sets a certificate's status (revoked with date and reason, or valid again), with an
    /// audit line. `Ok(None)` when no certificate has that number; an unchanged status is
    /// still a change of nothing (`before == after`), and writes no audit line.
    async fn set_certificate_status(
        &self,
        number: &str,
        status: CertificateStatus,
        note: Option<&str>,
        now: Millis,
        actor: &str,
    ) -> StorageResult<Option<StatusChange>>;

    /// Attaches a file whose bytes are already in the blob store to the certificate with
    /// this number, with an audit line; `Ok(None)` when there is no such certificate.
    #[allow(clippy::too_many_arguments)]
    async fn attach_file(
        &self,
        number: &str,
        file_name: &str,
        content_type: &str,
        size: i64,
        sha256: &str,
        now: Millis,
        actor: &str,
    ) -> StorageResult<Option<String>>;

    /// Removes a file from its certificate (and its bytes, unless another file has the same
    /// bytes), with an audit line. Returns the file and its certificate's number.
    async fn detach_file(
        &self,
        file_public_id: &str,
        now: Millis,
        actor: &str,
    ) -> StorageResult<Option<(FileMeta, String)>>;
}

pub type DynOperations = Arc<dyn Operations>;

/// Opens the database named by `url` for the operator commands, applying its migrations.
/// The result is also a [`super::DynStorage`] (`let s: DynStorage = ops.clone();`).
pub async fn connect_operations(url: &str) -> StorageResult<DynOperations> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStorage::connect(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStorage::connect(url).await?))
    } else {
        Err(StorageError::BadUrl(
            url.split(':').next().unwrap_or_default().to_string(),
        ))
    }
}

/// The fields of a record by column name, as the import files and the audit log name them.
pub fn record_fields(record: &CertificateRecord) -> [(&'static str, String); 13] {
    let (status, revoked_on, reason) = match &record.status {
        CertificateStatus::Valid => ("valid", String::new(), String::new()),
        CertificateStatus::Revoked { on, reason } => ("revoked", on.to_string(), reason.clone()),
    };
    [
        ("cert_number", record.number.clone()),
        ("id_type", record.holder_id.id_type().code().to_string()),
        ("id_number", record.holder_id.as_str().to_string()),
        ("holder_name", record.holder_name.as_str().to_string()),
        ("qualification", record.qualification.clone()),
        ("level", record.level.clone()),
        ("specialty", record.specialty.clone()),
        ("issued_on", record.issued_on.to_string()),
        ("issuer", record.issuer.clone()),
        (
            "electronic",
            if record.electronic { "yes" } else { "no" }.to_string(),
        ),
        ("status", status.to_string()),
        ("revoked_on", revoked_on),
        ("revoke_reason", reason),
    ]
}

/// `{"field": {"before": …, "after": …}}` for each field that differs.
pub fn changed_fields(before: &CertificateRecord, after: &CertificateRecord) -> serde_json::Value {
    let mut changed = serde_json::Map::new();
    for ((name, old), (_, new)) in record_fields(before).into_iter().zip(record_fields(after)) {
        if old != new {
            changed.insert(
                name.to_string(),
                serde_json::json!({ "before": old, "after": new }),
            );
        }
    }
    serde_json::Value::Object(changed)
}

/// The audit line of a record that an import changed.
pub(super) fn import_update_audit(
    ctx: &ImportContext,
    row: &ImportRow,
    before: Option<&CertificateRecord>,
) -> AuditEntry {
    let detail = serde_json::json!({
        "source": ctx.source,
        "line": row.line,
        "changed": match before {
            Some(before) => changed_fields(before, &row.record),
            // Changed by someone else between our read and our write (PostgreSQL only; the
            // SQLite writer holds the database lock): the new values are what we know.
            None => serde_json::Value::Object(
                record_fields(&row.record)
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), serde_json::json!({ "after": v })))
                    .collect(),
            ),
        },
    });
    AuditEntry {
        at: ctx.now,
        actor: ctx.actor.clone(),
        action: "certificate.import_update".to_string(),
        subject: format!("certificate:{}", row.record.number),
        detail: detail.to_string(),
    }
}

/// Writes one audit line inside a transaction.
macro_rules! insert_audit {
    ($tx:expr, $entry:expr) => {{
        let entry: &AuditEntry = $entry;
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, subject, detail) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(entry.at)
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(&entry.subject)
        .bind(&entry.detail)
        .execute(&mut *$tx)
        .await?;
    }};
}

/// Implements [`Operations`] for a backend struct with `pool()` and an inherent
/// `open_bulk_writer()`; the single-record writes are shared SQL.
macro_rules! impl_operations {
    ($store:ty) => {
        #[async_trait]
        impl Operations for $store {
        async fn bulk_writer(&self) -> StorageResult<Box<dyn BulkWriter>> {
            self.open_bulk_writer().await
        }

        async fn set_certificate_status(
            &self,
            number: &str,
            status: CertificateStatus,
            note: Option<&str>,
            now: Millis,
            actor: &str,
        ) -> StorageResult<Option<StatusChange>> {
            let mut tx = self
                .pool()
                .begin_with(<Self as $crate::storage::Dialect>::BEGIN_WRITE)
                .await?;
            let sql = format!(
                "SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE cert_number = $1{}",
                <Self as $crate::storage::Dialect>::FOR_UPDATE
            );
            let row: Option<DbCertificate> = sqlx::query_as(&sql)
                .bind(number)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(row) = row else {
                return Ok(None);
            };
            let before = Certificate::try_from(row)?;
            if before.record.status == status {
                return Ok(Some(StatusChange {
                    after: before.clone(),
                    before,
                }));
            }
            let mut after = before.clone();
            after.record.status = status;
            after.updated_at = now;
            let (code, revoked_on, reason) =
                $crate::storage::sql::status_columns(&after.record.status);
            sqlx::query(
                "UPDATE certificates SET status = $1, revoked_on = $2, revoke_reason = $3, \
                 content_hash = $4, updated_at = $5 WHERE id = $6",
            )
            .bind(code)
            .bind(&revoked_on)
            .bind(&reason)
            .bind(after.record.content_hash())
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
            insert_audit!(
                tx,
                &AuditEntry {
                    at: now,
                    actor: actor.to_string(),
                    action: action.to_string(),
                    subject: format!("certificate:{number}"),
                    detail: detail.to_string(),
                }
            );
            tx.commit().await?;
            Ok(Some(StatusChange { before, after }))
        }

        async fn attach_file(
            &self,
            number: &str,
            file_name: &str,
            content_type: &str,
            size: i64,
            sha256: &str,
            now: Millis,
            actor: &str,
        ) -> StorageResult<Option<String>> {
            let mut tx = self
                .pool()
                .begin_with(<Self as $crate::storage::Dialect>::BEGIN_WRITE)
                .await?;
            let id: Option<i64> =
                sqlx::query_scalar("SELECT id FROM certificates WHERE cert_number = $1")
                    .bind(number)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some(id) = id else {
                return Ok(None);
            };
            let public_id = new_public_id();
            sqlx::query(
                "INSERT INTO certificate_files (public_id, certificate_id, file_name, \
                 content_type, size, sha256, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&public_id)
            .bind(id)
            .bind(file_name)
            .bind(content_type)
            .bind(size)
            .bind(sha256)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let detail = serde_json::json!({
                "file": public_id,
                "file_name": file_name,
                "content_type": content_type,
                "size": size,
                "sha256": sha256,
            });
            insert_audit!(
                tx,
                &AuditEntry {
                    at: now,
                    actor: actor.to_string(),
                    action: "certificate.attach_file".to_string(),
                    subject: format!("certificate:{number}"),
                    detail: detail.to_string(),
                }
            );
            tx.commit().await?;
            Ok(Some(public_id))
        }

        async fn detach_file(
            &self,
            file_public_id: &str,
            now: Millis,
            actor: &str,
        ) -> StorageResult<Option<(FileMeta, String)>> {
            let mut tx = self
                .pool()
                .begin_with(<Self as $crate::storage::Dialect>::BEGIN_WRITE)
                .await?;
            let sql = format!(
                "SELECT f.public_id, f.file_name, f.content_type, f.size, f.sha256, \
                 f.created_at, c.cert_number FROM certificate_files f \
                 JOIN certificates c ON c.id = f.certificate_id WHERE f.public_id = $1{}",
                <Self as $crate::storage::Dialect>::FOR_UPDATE
            );
            #[derive(sqlx::FromRow)]
            struct Row {
                #[sqlx(flatten)]
                meta: $crate::storage::sql::DbFileMeta,
                cert_number: String,
            }
            let row: Option<Row> = sqlx::query_as(&sql)
                .bind(file_public_id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(Row { meta, cert_number }) = row else {
                return Ok(None);
            };
            let meta = FileMeta::from(meta);
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
            let detail = serde_json::json!({
                "file": meta.public_id,
                "file_name": meta.file_name,
                "content_type": meta.content_type,
                "size": meta.size,
                "sha256": meta.sha256,
                "bytes_removed": blob_removed,
            });
            insert_audit!(
                tx,
                &AuditEntry {
                    at: now,
                    actor: actor.to_string(),
                    action: "certificate.detach_file".to_string(),
                    subject: format!("certificate:{cert_number}"),
                    detail: detail.to_string(),
                }
            );
            tx.commit().await?;
            Ok(Some((meta, cert_number)))
        }
        }
    };
}

impl_operations!(SqliteStorage);
impl_operations!(PgStorage);

/// The audit lines of the rows of a batch that changed existing records.
pub(super) fn audit_for_updates<'a>(
    ctx: &ImportContext,
    updated: impl Iterator<Item = &'a ImportRow>,
    before: &HashMap<String, CertificateRecord>,
) -> Vec<AuditEntry> {
    updated
        .map(|row| import_update_audit(ctx, row, before.get(&row.record.number)))
        .collect()
}

pub(super) use insert_audit;
