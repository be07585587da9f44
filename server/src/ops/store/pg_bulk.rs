//! The import's bulk writer on PostgreSQL; see [`BulkWriter`] for what it promises.

use super::audit::audit_for_updates;
use super::connection::ImportConnection;
use super::{BatchOutcome, BulkWriter, ImportContext, ImportRow};
use app::domain::{Certificate, CertificateRecord, CertificateStatus};
use app::storage::{
    AuditLine, CertificateContent, ContentTarget, ContentUpdate, DataKeys, DbCertificate,
    StorageError, StorageResult, CERTIFICATE_COLUMNS,
};
use app::storage::{Dialect, PgStorage};
use async_trait::async_trait;
use sqlx::{PgConnection, PgPool, Postgres};
use std::collections::HashMap;

/// PostgreSQL: per batch, the numbers are looked up in one query (`= ANY($1)`, an index
/// probe each); new rows are `COPY`ed straight into the table (the bulk-insert path psql's
/// `\copy` takes), changed rows are locked, read (the audit log's "before"), updated one by one
/// and audited. The `COPY` runs under a savepoint: if another process inserted one of the
/// numbers meanwhile, the unique index refuses it, the savepoint is rolled back and the batch
/// is classified again.
pub struct PgBulkWriter {
    conn: ImportConnection<Postgres>,
    ctx: ImportContext,
    /// To open the "before" of changed rows.
    keys: DataKeys,
}

const PG_COPY: &str = "COPY certificates (public_id, cert_number, holder_id_type, \
    holder_id_number, holder_name, qualification, level, specialty, issued_on, issuer, \
    electronic, status, revoked_on, revoke_reason, holder_id_number_enc, content_hash, \
    created_at, updated_at) FROM STDIN";

/// Attempts at a batch whose numbers other writers insert at the same time.
const PG_ATTEMPTS: usize = 5;

/// Appends `value` in COPY text format (backslash escapes).
fn copy_field(out: &mut Vec<u8>, value: &str) {
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

fn copy_data(rows: &[&ImportRow], now: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows.len() * 320);
    let now = now.to_string();
    for row in rows {
        let r = &row.record;
        for value in [
            row.public_id.as_str(),
            &r.number,
            r.holder_id.id_type().code(),
            &row.holder.lookup,
            r.holder_name.as_str(),
            &r.qualification,
            &r.level,
            &r.specialty,
            &r.issued_on.to_string(),
            &r.issuer,
            if r.electronic { "t" } else { "f" },
        ] {
            copy_field(&mut out, value);
            out.push(b'\t');
        }
        match &r.status {
            CertificateStatus::Valid => out.extend_from_slice(b"valid\t\\N\t\\N\t"),
            CertificateStatus::Revoked { on, reason } => {
                out.extend_from_slice(b"revoked\t");
                copy_field(&mut out, &on.to_string());
                out.push(b'\t');
                copy_field(&mut out, reason);
                out.push(b'\t');
            }
        }
        copy_field(&mut out, &row.holder.sealed);
        out.push(b'\t');
        copy_field(&mut out, &row.hash);
        out.push(b'\t');
        out.extend_from_slice(now.as_bytes());
        out.push(b'\t');
        out.extend_from_slice(now.as_bytes());
        out.push(b'\n');
    }
    out
}

impl PgBulkWriter {
    pub(super) async fn open(
        pool: &PgPool,
        keys: &DataKeys,
        ctx: &ImportContext,
    ) -> StorageResult<Self> {
        let conn = ImportConnection::acquire(pool, PgStorage::BEGIN_WRITE).await?;
        let ctx = ctx.clone();
        let keys = keys.clone();
        Ok(PgBulkWriter { conn, ctx, keys })
    }
}

/// One attempt at a batch inside the open transaction: `Ok(None)` when a concurrent
/// insert of one of its numbers made the `COPY` fail (rolled back to the savepoint).
async fn attempt(
    conn: &mut PgConnection,
    rows: &[ImportRow],
    ctx: &ImportContext,
    keys: &DataKeys,
) -> StorageResult<Option<BatchOutcome>> {
    let numbers: Vec<&str> = rows.iter().map(|r| r.record.number.as_str()).collect();
    let stored: Vec<(String, String)> = sqlx::query_as(
        "SELECT cert_number, content_hash FROM certificates WHERE cert_number = ANY($1)",
    )
    .bind(&numbers)
    .fetch_all(&mut *conn)
    .await?;
    let stored: HashMap<String, String> = stored.into_iter().collect();
    let mut outcome = BatchOutcome::default();
    let mut new_rows = Vec::new();
    let mut changed = Vec::new();
    for row in rows {
        match stored.get(&row.record.number) {
            None => new_rows.push(row),
            Some(hash) if *hash == row.hash => outcome.unchanged += 1,
            Some(_) => changed.push(row),
        }
    }

    if !new_rows.is_empty() {
        sqlx::query("SAVEPOINT import_batch")
            .execute(&mut *conn)
            .await?;
        let copied = async {
            let mut copy = conn.copy_in_raw(PG_COPY).await?;
            copy.send(copy_data(&new_rows, ctx.now)).await?;
            copy.finish().await
        }
        .await;
        match copied {
            Ok(_) => {
                sqlx::query("RELEASE SAVEPOINT import_batch")
                    .execute(&mut *conn)
                    .await?;
                outcome.inserted = new_rows.len() as u64;
            }
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                sqlx::query("ROLLBACK TO SAVEPOINT import_batch")
                    .execute(&mut *conn)
                    .await?;
                return Ok(None);
            }
            Err(e) => return Err(e.into()),
        }
    }

    if !changed.is_empty() {
        let numbers: Vec<&str> = changed.iter().map(|r| r.record.number.as_str()).collect();
        let sql = format!(
            "SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE cert_number = ANY($1) \
                 FOR UPDATE"
        );
        let before: Vec<DbCertificate> = sqlx::query_as(&sql)
            .bind(&numbers)
            .fetch_all(&mut *conn)
            .await?;
        let before: HashMap<String, CertificateRecord> = before
            .into_iter()
            .map(|row| {
                row.into_certificate(keys)
                    .map(|c: Certificate| (c.record.number.clone(), c.record))
            })
            .collect::<StorageResult<_>>()?;
        let mut updated = Vec::new();
        for row in changed {
            let done = conn
                .update_certificate_content(ContentUpdate {
                    target: ContentTarget::NumberIfChanged(&row.record.number),
                    record: &row.record,
                    holder: &row.holder,
                    hash: &row.hash,
                    now: ctx.now,
                })
                .await?;
            if done == 1 {
                updated.push(row);
            } else {
                // Someone made the same change meanwhile.
                outcome.unchanged += 1;
            }
        }
        for entry in audit_for_updates(ctx, updated.iter().copied(), &before) {
            conn.insert_audit(&entry).await?;
        }
        outcome.updated = updated.len() as u64;
    }
    Ok(Some(outcome))
}

#[async_trait]
impl BulkWriter for PgBulkWriter {
    #[tracing::instrument(skip_all, fields(rows = rows.len()))]
    async fn write_batch(&mut self, rows: &[ImportRow]) -> StorageResult<BatchOutcome> {
        let conn = self.conn.in_transaction().await?;
        for _ in 0..PG_ATTEMPTS {
            if let Some(outcome) = attempt(conn, rows, &self.ctx, &self.keys).await? {
                return Ok(outcome);
            }
        }
        Err(StorageError::Conflict)
    }

    #[tracing::instrument(skip_all)]
    async fn commit(&mut self) -> StorageResult<()> {
        self.conn.commit().await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn copy_text_escapes_what_copy_would_misread() {
        let mut out = Vec::new();
        super::copy_field(&mut out, "a\tb\\c\nd\re");
        assert_eq!(out, b"a\\tb\\\\c\\nd\\re");
    }
}
