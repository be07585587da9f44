//! What the operator commands ask of the database beyond [`Storage`]: bulk import of
//! certificate records, revoking and reinstating, attaching and detaching electronic files.
//! Every change is written with its audit line in the same transaction, so a failure leaves
//! neither a change without its audit line nor the reverse.
//!
//! The bulk import is backend-specific (multi-row `INSERT` on SQLite, `COPY` into a staging
//! table on PostgreSQL); the rest is shared SQL, written once in `impl_operations!`.

use super::models::*;
use super::sql::{DbCertificate, CERTIFICATE_COLUMNS};
use super::{PgStorage, SqliteStorage, Storage, StorageError, StorageResult};
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

/// Writes batches of validated rows, each batch in one transaction: a batch is in the
/// database entirely or not at all. Rows are matched by certificate number; a row whose
/// content hash equals the stored one is left untouched (its `updated_at` too), a row that
/// differs updates the record and writes its before/after to the audit log. The rows of one
/// batch must have distinct numbers.
#[async_trait]
pub trait BulkWriter: Send {
    async fn write_batch(
        &mut self,
        rows: &[ImportRow],
        ctx: &ImportContext,
    ) -> StorageResult<BatchOutcome>;
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
fn import_update_audit(
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

impl SqliteStorage {
    async fn open_bulk_writer(&self) -> StorageResult<Box<dyn BulkWriter>> {
        let mut conn = self.pool().acquire().await?;
        // A larger page cache for this connection only: the indexes of a large table stay in
        // memory while a file is loaded (bounded: 64 MiB whatever the file size).
        sqlx::query("PRAGMA cache_size = -65536")
            .execute(&mut *conn)
            .await?;
        Ok(Box::new(sqlite_bulk::SqliteBulkWriter { conn }))
    }
}

impl PgStorage {
    async fn open_bulk_writer(&self) -> StorageResult<Box<dyn BulkWriter>> {
        let mut conn = self.pool().acquire().await?;
        sqlx::query(pg_bulk::CREATE_STAGING)
            .execute(&mut *conn)
            .await?;
        Ok(Box::new(pg_bulk::PgBulkWriter { conn }))
    }
}

impl_operations!(SqliteStorage);
impl_operations!(PgStorage);

/// The records to update and the audit lines to write for the rows of a batch that exist
/// with other content.
fn audit_for_updates<'a>(
    ctx: &ImportContext,
    updated: impl Iterator<Item = &'a ImportRow>,
    before: &HashMap<String, CertificateRecord>,
) -> Vec<AuditEntry> {
    updated
        .map(|row| import_update_audit(ctx, row, before.get(&row.record.number)))
        .collect()
}

mod sqlite_bulk {
    //! SQLite: one `BEGIN IMMEDIATE` transaction per batch (the write lock is held, so what
    //! is read is what is overwritten); existing rows are looked up by number in chunks,
    //! new rows are inserted with multi-row `INSERT` statements (prepared once per shape and
    //! cached), changed rows are updated one by one with their audit lines.

    use super::*;
    use sqlx::pool::PoolConnection;
    use sqlx::{QueryBuilder, Sqlite};

    /// Numbers looked up per `IN (…)` query.
    const LOOKUP_CHUNK: usize = 500;
    /// Rows per multi-row `INSERT` (17 parameters each; SQLite allows 32,766).
    const INSERT_CHUNK: usize = 400;

    pub struct SqliteBulkWriter {
        pub conn: PoolConnection<Sqlite>,
    }

    #[async_trait]
    impl BulkWriter for SqliteBulkWriter {
        async fn write_batch(
            &mut self,
            rows: &[ImportRow],
            ctx: &ImportContext,
        ) -> StorageResult<BatchOutcome> {
            let mut tx = sqlx::Connection::begin_with(&mut *self.conn, "BEGIN IMMEDIATE").await?;
            let mut existing: HashMap<String, (i64, String)> = HashMap::new();
            for chunk in rows.chunks(LOOKUP_CHUNK) {
                let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(
                    "SELECT cert_number, id, content_hash FROM certificates WHERE cert_number IN (",
                );
                let mut list = query.separated(", ");
                for row in chunk {
                    list.push_bind(row.record.number.as_str());
                }
                query.push(")");
                let found: Vec<(String, i64, String)> =
                    query.build_query_as().fetch_all(&mut *tx).await?;
                existing.extend(found.into_iter().map(|(n, id, h)| (n, (id, h))));
            }

            let mut outcome = BatchOutcome::default();
            let mut new_rows = Vec::new();
            let mut changed = Vec::new();
            for row in rows {
                match existing.get(&row.record.number) {
                    None => new_rows.push(row),
                    Some((_, hash)) if *hash == row.hash => outcome.unchanged += 1,
                    Some((id, _)) => changed.push((*id, row)),
                }
            }

            for chunk in new_rows.chunks(INSERT_CHUNK) {
                let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(
                    "INSERT INTO certificates (public_id, cert_number, holder_id_type, \
                     holder_id_number, holder_name, qualification, level, specialty, issued_on, \
                     issuer, electronic, status, revoked_on, revoke_reason, content_hash, \
                     created_at, updated_at) ",
                );
                query.push_values(chunk, |mut b, row| {
                    let r = &row.record;
                    let (status, revoked_on, reason) = match &r.status {
                        CertificateStatus::Valid => ("valid", None, None),
                        CertificateStatus::Revoked { on, reason } => {
                            ("revoked", Some(on.to_string()), Some(reason.as_str()))
                        }
                    };
                    b.push_bind(new_public_id())
                        .push_bind(r.number.as_str())
                        .push_bind(r.holder_id.id_type().code())
                        .push_bind(r.holder_id.as_str())
                        .push_bind(r.holder_name.as_str())
                        .push_bind(r.qualification.as_str())
                        .push_bind(r.level.as_str())
                        .push_bind(r.specialty.as_str())
                        .push_bind(r.issued_on.to_string())
                        .push_bind(r.issuer.as_str())
                        .push_bind(r.electronic)
                        .push_bind(status)
                        .push_bind(revoked_on)
                        .push_bind(reason)
                        .push_bind(row.hash.as_str())
                        .push_bind(ctx.now)
                        .push_bind(ctx.now);
                });
                query.build().execute(&mut *tx).await?;
                outcome.inserted += chunk.len() as u64;
            }

            if !changed.is_empty() {
                let mut before = HashMap::new();
                for (id, row) in &changed {
                    let sql =
                        format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE id = $1");
                    let old: DbCertificate =
                        sqlx::query_as(&sql).bind(id).fetch_one(&mut *tx).await?;
                    before.insert(
                        row.record.number.clone(),
                        Certificate::try_from(old)?.record,
                    );
                    let r = &row.record;
                    let (status, revoked_on, reason) =
                        crate::storage::sql::status_columns(&r.status);
                    sqlx::query(
                        "UPDATE certificates SET holder_id_type = $1, holder_id_number = $2, \
                         holder_name = $3, qualification = $4, level = $5, specialty = $6, \
                         issued_on = $7, issuer = $8, electronic = $9, status = $10, \
                         revoked_on = $11, revoke_reason = $12, content_hash = $13, \
                         updated_at = $14 WHERE id = $15",
                    )
                    .bind(r.holder_id.id_type().code())
                    .bind(r.holder_id.as_str())
                    .bind(r.holder_name.as_str())
                    .bind(&r.qualification)
                    .bind(&r.level)
                    .bind(&r.specialty)
                    .bind(r.issued_on.to_string())
                    .bind(&r.issuer)
                    .bind(r.electronic)
                    .bind(status)
                    .bind(revoked_on)
                    .bind(reason)
                    .bind(&row.hash)
                    .bind(ctx.now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                for entry in audit_for_updates(ctx, changed.iter().map(|(_, r)| *r), &before) {
                    insert_audit!(tx, &entry);
                }
                outcome.updated = changed.len() as u64;
            }
            tx.commit().await?;
            Ok(outcome)
        }
    }
}

mod pg_bulk {
    //! PostgreSQL: per batch, one transaction that `COPY`s the rows into a temporary staging
    //! table (not WAL-logged, emptied at commit), reads the stored versions of the rows that
    //! will change (for the audit log), then upserts everything with one
    //! `INSERT … SELECT … ON CONFLICT (cert_number) DO UPDATE … WHERE the hash differs`, which
    //! returns which rows were inserted and which updated (`xmax = 0` marks an insert).

    use super::*;
    use sqlx::pool::PoolConnection;
    use sqlx::Postgres;

    pub const CREATE_STAGING: &str = "CREATE TEMPORARY TABLE IF NOT EXISTS import_staging (\
        public_id TEXT NOT NULL, cert_number TEXT NOT NULL, holder_id_type TEXT NOT NULL, \
        holder_id_number TEXT NOT NULL, holder_name TEXT NOT NULL, qualification TEXT NOT NULL, \
        level TEXT NOT NULL, specialty TEXT NOT NULL, issued_on TEXT NOT NULL, \
        issuer TEXT NOT NULL, electronic BOOLEAN NOT NULL, status TEXT NOT NULL, \
        revoked_on TEXT, revoke_reason TEXT, content_hash TEXT NOT NULL) \
        ON COMMIT DELETE ROWS";

    const COPY: &str = "COPY import_staging (public_id, cert_number, holder_id_type, \
        holder_id_number, holder_name, qualification, level, specialty, issued_on, issuer, \
        electronic, status, revoked_on, revoke_reason, content_hash) FROM STDIN";

    const UPSERT: &str = "WITH up AS (\
        INSERT INTO certificates (public_id, cert_number, holder_id_type, holder_id_number, \
        holder_name, qualification, level, specialty, issued_on, issuer, electronic, status, \
        revoked_on, revoke_reason, content_hash, created_at, updated_at) \
        SELECT public_id, cert_number, holder_id_type, holder_id_number, holder_name, \
        qualification, level, specialty, issued_on, issuer, electronic, status, revoked_on, \
        revoke_reason, content_hash, $1, $1 FROM import_staging \
        ON CONFLICT (cert_number) DO UPDATE SET holder_id_type = excluded.holder_id_type, \
        holder_id_number = excluded.holder_id_number, holder_name = excluded.holder_name, \
        qualification = excluded.qualification, level = excluded.level, \
        specialty = excluded.specialty, issued_on = excluded.issued_on, \
        issuer = excluded.issuer, electronic = excluded.electronic, status = excluded.status, \
        revoked_on = excluded.revoked_on, revoke_reason = excluded.revoke_reason, \
        content_hash = excluded.content_hash, updated_at = excluded.updated_at \
        WHERE certificates.content_hash <> excluded.content_hash \
        RETURNING cert_number, (xmax = 0) AS inserted) \
        SELECT count(*) FILTER (WHERE inserted), \
        coalesce(array_agg(cert_number) FILTER (WHERE NOT inserted), '{}') FROM up";

    pub struct PgBulkWriter {
        pub conn: PoolConnection<Postgres>,
    }

    /// Appends `value` in COPY text format (backslash escapes).
    fn field(out: &mut Vec<u8>, value: &str) {
        for b in value.bytes() {
            match b {
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\t' => out.extend_from_slice(b"\\t"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                _ => out.push(b),
            }
        }
    }

    fn copy_data(rows: &[ImportRow]) -> Vec<u8> {
        let mut out = Vec::with_capacity(rows.len() * 256);
        for row in rows {
            let r = &row.record;
            for value in [
                new_public_id().as_str(),
                &r.number,
                r.holder_id.id_type().code(),
                r.holder_id.as_str(),
                r.holder_name.as_str(),
                &r.qualification,
                &r.level,
                &r.specialty,
                &r.issued_on.to_string(),
                &r.issuer,
                if r.electronic { "t" } else { "f" },
            ] {
                field(&mut out, value);
                out.push(b'\t');
            }
            match &r.status {
                CertificateStatus::Valid => out.extend_from_slice(b"valid\t\\N\t\\N\t"),
                CertificateStatus::Revoked { on, reason } => {
                    out.extend_from_slice(b"revoked\t");
                    field(&mut out, &on.to_string());
                    out.push(b'\t');
                    field(&mut out, reason);
                    out.push(b'\t');
                }
            }
            field(&mut out, &row.hash);
            out.push(b'\n');
        }
        out
    }

    #[async_trait]
    impl BulkWriter for PgBulkWriter {
        async fn write_batch(
            &mut self,
            rows: &[ImportRow],
            ctx: &ImportContext,
        ) -> StorageResult<BatchOutcome> {
            let data = copy_data(rows);
            let mut tx = sqlx::Connection::begin(&mut *self.conn).await?;
            let mut copy = tx.copy_in_raw(COPY).await?;
            copy.send(data).await?;
            copy.finish().await?;

            // The stored versions of the rows about to change, for the audit log. A nested
            // loop over the number index is the right plan whatever the table size; without
            // statistics on the staging table the planner may pick a full scan instead.
            sqlx::query("SET LOCAL enable_hashjoin = off")
                .execute(&mut *tx)
                .await?;
            sqlx::query("SET LOCAL enable_mergejoin = off")
                .execute(&mut *tx)
                .await?;
            let sql = format!(
                "SELECT {} FROM import_staging s JOIN certificates c \
                 ON c.cert_number = s.cert_number WHERE c.content_hash <> s.content_hash",
                CERTIFICATE_COLUMNS
                    .split(", ")
                    .map(|c| format!("c.{}", c.trim()))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let before: Vec<DbCertificate> = sqlx::query_as(&sql).fetch_all(&mut *tx).await?;
            let before: HashMap<String, CertificateRecord> = before
                .into_iter()
                .map(|row| Certificate::try_from(row).map(|c| (c.record.number.clone(), c.record)))
                .collect::<StorageResult<_>>()?;

            let (inserted, updated): (i64, Vec<String>) = sqlx::query_as(UPSERT)
                .bind(ctx.now)
                .fetch_one(&mut *tx)
                .await?;
            if !updated.is_empty() {
                let by_number: HashMap<&str, &ImportRow> =
                    rows.iter().map(|r| (r.record.number.as_str(), r)).collect();
                let updated_rows = updated
                    .iter()
                    .filter_map(|n| by_number.get(n.as_str()).copied());
                for entry in audit_for_updates(ctx, updated_rows, &before) {
                    insert_audit!(tx, &entry);
                }
            }
            tx.commit().await?;
            let inserted = inserted as u64;
            let updated = updated.len() as u64;
            Ok(BatchOutcome {
                inserted,
                updated,
                unchanged: rows.len() as u64 - inserted - updated,
            })
        }
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn copy_text_escapes_what_copy_would_misread() {
            let mut out = Vec::new();
            super::field(&mut out, "a\tb\\c\nd\re");
            assert_eq!(out, b"a\\tb\\\\c\\nd\\re");
        }
    }
}
