//! The bulk writers of the import, one per backend; see [`BulkWriter`] for what they promise.
//!
//! Both keep one connection for the whole import and open transactions themselves (`BEGIN`
//! … `COMMIT`), so a transaction can span several batches while the rows of a batch are
//! freed once written. If a writer is dropped with a transaction open, its connection is
//! closed instead of going back to the pool, and the database rolls the transaction back.

use super::operations::{
    audit_for_updates, insert_audit, BatchOutcome, BulkWriter, ImportContext, ImportRow,
};
use super::sql::{DbCertificate, CERTIFICATE_COLUMNS};
use super::{PgStorage, SqliteStorage, StorageResult};
use crate::domain::{AuditEntry, Certificate, CertificateRecord, CertificateStatus};
use async_trait::async_trait;
use sqlx::pool::PoolConnection;
use sqlx::{Postgres, Sqlite};
use std::collections::HashMap;

impl SqliteStorage {
    pub(super) async fn open_bulk_writer(&self) -> StorageResult<Box<dyn BulkWriter>> {
        let mut conn = self.pool().acquire().await?;
        conn.close_on_drop();
        // A larger page cache for this connection only, so the indexes of a large table
        // stay in memory while a file is loaded. Bounded: 256 MiB whatever the file size.
        sqlx::query("PRAGMA cache_size = -262144")
            .execute(&mut *conn)
            .await?;
        Ok(Box::new(SqliteBulkWriter { conn, open: false }))
    }
}

impl PgStorage {
    pub(super) async fn open_bulk_writer(&self) -> StorageResult<Box<dyn BulkWriter>> {
        let mut conn = self.pool().acquire().await?;
        conn.close_on_drop();
        Ok(Box::new(PgBulkWriter { conn, open: false }))
    }
}

/// SQLite: `BEGIN IMMEDIATE` takes the write lock, so nothing changes between what a batch
/// reads and what it writes. Rows go in through one prepared single-row
/// `INSERT … ON CONFLICT (cert_number) DO NOTHING`, stepped through SQLite's C interface on
/// the connection sqlx lends ([`sqlx::SqliteConnection::lock_handle`]), as the `sqlite3`
/// shell's `.import` does: no per-row round trip to sqlx's worker thread, and no statement
/// journal (a single-row statement cannot fail half-way). A row that inserts nothing exists:
/// its stored hash is read; equal means unchanged, different means changed, and changed
/// records are updated one by one with their audit lines (with the stored version as
/// "before").
pub struct SqliteBulkWriter {
    conn: PoolConnection<Sqlite>,
    open: bool,
}

#[async_trait]
impl BulkWriter for SqliteBulkWriter {
    async fn write_batch(
        &mut self,
        rows: &[ImportRow],
        ctx: &ImportContext,
    ) -> StorageResult<BatchOutcome> {
        if !self.open {
            sqlx::query("BEGIN IMMEDIATE")
                .execute(&mut *self.conn)
                .await?;
            self.open = true;
        }
        let (mut outcome, changed) = {
            let mut handle = self.conn.lock_handle().await?;
            let db = handle.as_raw_handle();
            // Seconds of CPU work on this thread: let the runtime move other tasks away.
            let work = || raw::insert_rows(db, rows, ctx.now);
            match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
                Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
                _ => work(),
            }
            .map_err(raw::error)?
        };

        if !changed.is_empty() {
            let conn = &mut *self.conn;
            let changed: Vec<(i64, &ImportRow)> =
                changed.into_iter().map(|(id, i)| (id, &rows[i])).collect();
            let mut before = HashMap::new();
            for (id, row) in &changed {
                let sql = format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE id = $1");
                let old: DbCertificate =
                    sqlx::query_as(&sql).bind(id).fetch_one(&mut *conn).await?;
                before.insert(
                    row.record.number.clone(),
                    Certificate::try_from(old)?.record,
                );
                super::sql::update_certificate_content!(
                    "id = $15",
                    &row.record,
                    &row.hash,
                    ctx.now
                )
                .bind(id)
                .execute(&mut *conn)
                .await?;
            }
            for entry in audit_for_updates(ctx, changed.iter().map(|(_, r)| *r), &before) {
                insert_audit!(conn, &entry);
            }
            outcome.updated = changed.len() as u64;
        }
        Ok(outcome)
    }

    async fn commit(&mut self) -> StorageResult<()> {
        if self.open {
            sqlx::query("COMMIT").execute(&mut *self.conn).await?;
            self.open = false;
        }
        Ok(())
    }
}

/// The prepared-statement loop of the SQLite writer, on SQLite's C interface.
mod raw {
    use super::super::StorageError;
    use super::{BatchOutcome, CertificateStatus, ImportRow};
    use libsqlite3_sys as ffi;
    use std::ffi::{c_char, c_int, CStr};
    use std::ptr::NonNull;

    const INSERT: &str = "INSERT INTO certificates (public_id, cert_number, holder_id_type, \
        holder_id_number, holder_name, qualification, level, specialty, issued_on, issuer, \
        electronic, status, revoked_on, revoke_reason, content_hash, created_at, updated_at) \
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16) \
        ON CONFLICT (cert_number) DO NOTHING";
    const LOOKUP: &str = "SELECT id, content_hash FROM certificates WHERE cert_number = ?1";

    /// A prepared statement, finalized when dropped. Values are bound as
    /// `SQLITE_TRANSIENT` (SQLite copies them), so nothing borrowed must outlive a call.
    struct Statement {
        db: *mut ffi::sqlite3,
        stmt: *mut ffi::sqlite3_stmt,
    }

    fn message(db: *mut ffi::sqlite3) -> String {
        // SAFETY: `db` is an open connection; the message is copied before any other call.
        unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db)) }
            .to_string_lossy()
            .into_owned()
    }

    impl Statement {
        /// SAFETY: `db` must be an open connection used by no other thread while the
        /// statement lives.
        unsafe fn prepare(db: *mut ffi::sqlite3, sql: &str) -> Result<Statement, String> {
            let mut stmt = std::ptr::null_mut();
            let rc = ffi::sqlite3_prepare_v2(
                db,
                sql.as_ptr() as *const c_char,
                sql.len() as c_int,
                &mut stmt,
                std::ptr::null_mut(),
            );
            if rc != ffi::SQLITE_OK || stmt.is_null() {
                return Err(message(db));
            }
            Ok(Statement { db, stmt })
        }

        fn check(&self, rc: c_int) -> Result<(), String> {
            if rc == ffi::SQLITE_OK {
                Ok(())
            } else {
                Err(message(self.db))
            }
        }

        fn text(&mut self, index: c_int, value: &str) -> Result<(), String> {
            // SAFETY: the statement is live; SQLITE_TRANSIENT makes SQLite copy the bytes.
            let rc = unsafe {
                ffi::sqlite3_bind_text(
                    self.stmt,
                    index,
                    value.as_ptr() as *const c_char,
                    value.len() as c_int,
                    ffi::SQLITE_TRANSIENT(),
                )
            };
            self.check(rc)
        }

        fn int(&mut self, index: c_int, value: i64) -> Result<(), String> {
            // SAFETY: the statement is live.
            self.check(unsafe { ffi::sqlite3_bind_int64(self.stmt, index, value) })
        }

        fn null(&mut self, index: c_int) -> Result<(), String> {
            // SAFETY: the statement is live.
            self.check(unsafe { ffi::sqlite3_bind_null(self.stmt, index) })
        }

        /// Steps once: `Ok(true)` for a row, `Ok(false)` when done. Resets the statement
        /// when done or failed, so it can run again.
        fn step(&mut self) -> Result<bool, String> {
            // SAFETY: the statement is live.
            match unsafe { ffi::sqlite3_step(self.stmt) } {
                ffi::SQLITE_ROW => Ok(true),
                ffi::SQLITE_DONE => {
                    self.reset();
                    Ok(false)
                }
                _ => {
                    let err = message(self.db);
                    self.reset();
                    Err(err)
                }
            }
        }

        fn reset(&mut self) {
            // SAFETY: the statement is live.
            unsafe { ffi::sqlite3_reset(self.stmt) };
        }

        fn column_i64(&self, index: c_int) -> i64 {
            // SAFETY: the statement is live and on a row.
            unsafe { ffi::sqlite3_column_int64(self.stmt, index) }
        }

        fn column_text_eq(&self, index: c_int, expected: &str) -> bool {
            // SAFETY: the statement is live and on a row; the pointer is valid until the next
            // step or reset, and is read before either.
            unsafe {
                let ptr = ffi::sqlite3_column_text(self.stmt, index);
                if ptr.is_null() {
                    return false;
                }
                let len = ffi::sqlite3_column_bytes(self.stmt, index) as usize;
                std::slice::from_raw_parts(ptr, len) == expected.as_bytes()
            }
        }

        fn changes(&self) -> c_int {
            // SAFETY: the connection is open.
            unsafe { ffi::sqlite3_changes(self.db) }
        }
    }

    impl Drop for Statement {
        fn drop(&mut self) {
            // SAFETY: finalized once, on the thread that holds the connection.
            unsafe { ffi::sqlite3_finalize(self.stmt) };
        }
    }

    /// Inserts the new rows and sorts the others into unchanged and changed; returns the
    /// counts and the changed rows as (stored id, index in `rows`).
    pub fn insert_rows(
        db: NonNull<ffi::sqlite3>,
        rows: &[ImportRow],
        now: i64,
    ) -> Result<(BatchOutcome, Vec<(i64, usize)>), String> {
        let db = db.as_ptr();
        // SAFETY: the caller holds sqlx's lock on this connection for the whole call.
        let mut insert = unsafe { Statement::prepare(db, INSERT)? };
        let mut lookup = unsafe { Statement::prepare(db, LOOKUP)? };
        let mut outcome = BatchOutcome::default();
        let mut changed = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let r = &row.record;
            insert.text(1, &row.public_id)?;
            insert.text(2, &r.number)?;
            insert.text(3, r.holder_id.id_type().code())?;
            insert.text(4, r.holder_id.as_str())?;
            insert.text(5, r.holder_name.as_str())?;
            insert.text(6, &r.qualification)?;
            insert.text(7, &r.level)?;
            insert.text(8, &r.specialty)?;
            insert.text(9, &r.issued_on.to_string())?;
            insert.text(10, &r.issuer)?;
            insert.int(11, i64::from(r.electronic))?;
            match &r.status {
                CertificateStatus::Valid => {
                    insert.text(12, "valid")?;
                    insert.null(13)?;
                    insert.null(14)?;
                }
                CertificateStatus::Revoked { on, reason } => {
                    insert.text(12, "revoked")?;
                    insert.text(13, &on.to_string())?;
                    insert.text(14, reason)?;
                }
            }
            insert.text(15, &row.hash)?;
            insert.int(16, now)?;
            insert.step()?;
            if insert.changes() == 1 {
                outcome.inserted += 1;
                continue;
            }
            lookup.text(1, &r.number)?;
            if !lookup.step()? {
                return Err(format!(
                    "certificate {} neither inserted nor found",
                    r.number
                ));
            }
            let id = lookup.column_i64(0);
            let same = lookup.column_text_eq(1, &row.hash);
            lookup.reset();
            if same {
                outcome.unchanged += 1;
            } else {
                changed.push((id, i));
            }
        }
        Ok((outcome, changed))
    }

    pub fn error(message: String) -> StorageError {
        StorageError::Database(sqlx::Error::Protocol(format!("sqlite: {message}")))
    }
}

/// PostgreSQL: per batch, the numbers are looked up in one query (`= ANY($1)`, an index
/// probe each); new rows are `COPY`ed straight into the table (the bulk-insert path psql's
/// `\copy` takes), changed rows are locked, read (the audit log's "before"), updated one by one
/// and audited. The `COPY` runs under a savepoint: if another process inserted one of the
/// numbers meanwhile, the unique index refuses it, the savepoint is rolled back and the batch
/// is classified again.
pub struct PgBulkWriter {
    conn: PoolConnection<Postgres>,
    open: bool,
}

const PG_COPY: &str = "COPY certificates (public_id, cert_number, holder_id_type, \
    holder_id_number, holder_name, qualification, level, specialty, issued_on, issuer, \
    electronic, status, revoked_on, revoke_reason, content_hash, created_at, updated_at) \
    FROM STDIN";

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
            r.holder_id.as_str(),
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
    /// One attempt at a batch inside the open transaction: `Ok(None)` when a concurrent
    /// insert of one of its numbers made the `COPY` fail (rolled back to the savepoint).
    async fn attempt(
        &mut self,
        rows: &[ImportRow],
        ctx: &ImportContext,
    ) -> StorageResult<Option<BatchOutcome>> {
        let conn = &mut *self.conn;
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
                .map(|row| Certificate::try_from(row).map(|c| (c.record.number.clone(), c.record)))
                .collect::<StorageResult<_>>()?;
            let mut updated = Vec::new();
            for row in changed {
                let done = super::sql::update_certificate_content!(
                    "cert_number = $15 AND content_hash <> $13",
                    &row.record,
                    &row.hash,
                    ctx.now
                )
                .bind(&row.record.number)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                if done == 1 {
                    updated.push(row);
                } else {
                    // Someone made the same change meanwhile.
                    outcome.unchanged += 1;
                }
            }
            for entry in audit_for_updates(ctx, updated.iter().copied(), &before) {
                insert_audit!(conn, &entry);
            }
            outcome.updated = updated.len() as u64;
        }
        Ok(Some(outcome))
    }
}

#[async_trait]
impl BulkWriter for PgBulkWriter {
    async fn write_batch(
        &mut self,
        rows: &[ImportRow],
        ctx: &ImportContext,
    ) -> StorageResult<BatchOutcome> {
        if !self.open {
            sqlx::query("BEGIN").execute(&mut *self.conn).await?;
            self.open = true;
        }
        for _ in 0..PG_ATTEMPTS {
            if let Some(outcome) = self.attempt(rows, ctx).await? {
                return Ok(outcome);
            }
        }
        Err(super::StorageError::Conflict)
    }

    async fn commit(&mut self) -> StorageResult<()> {
        if self.open {
            sqlx::query("COMMIT").execute(&mut *self.conn).await?;
            self.open = false;
        }
        Ok(())
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
