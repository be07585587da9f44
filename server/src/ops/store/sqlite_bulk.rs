//! The import's bulk writer on SQLite; see [`BulkWriter`] for what it promises.

use super::audit::audit_for_updates;
use super::connection::ImportConnection;
use super::{BatchOutcome, BulkWriter, ImportContext, ImportRow};
use app::storage::{
    AuditLine, CertificateContent, ContentTarget, ContentUpdate, DataKeys, DbCertificate,
    StorageResult, CERTIFICATE_COLUMNS,
};
use app::storage::{Dialect, SqliteStorage};
use async_trait::async_trait;
use sqlx::{Sqlite, SqlitePool};
use std::collections::HashMap;

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
    conn: ImportConnection<Sqlite>,
    ctx: ImportContext,
    /// To open the "before" of changed rows.
    keys: DataKeys,
}

impl SqliteBulkWriter {
    pub(super) async fn open(
        pool: &SqlitePool,
        keys: &DataKeys,
        ctx: &ImportContext,
    ) -> StorageResult<Self> {
        let mut conn = ImportConnection::acquire(pool, SqliteStorage::BEGIN_WRITE).await?;
        // A larger page cache for this connection only, so the indexes of a large table
        // stay in memory while a file is loaded. Bounded: 256 MiB whatever the file size.
        sqlx::query("PRAGMA cache_size = -262144")
            .execute(conn.idle())
            .await?;
        let ctx = ctx.clone();
        let keys = keys.clone();
        Ok(SqliteBulkWriter { conn, ctx, keys })
    }
}

#[async_trait]
impl BulkWriter for SqliteBulkWriter {
    #[tracing::instrument(skip_all, fields(rows = rows.len()))]
    async fn write_batch(&mut self, rows: &[ImportRow]) -> StorageResult<BatchOutcome> {
        let ctx = &self.ctx;
        let conn = self.conn.in_transaction().await?;
        let (mut outcome, changed) = {
            let mut handle = conn.lock_handle().await?;
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
            let changed: Vec<(i64, &ImportRow)> =
                changed.into_iter().map(|(id, i)| (id, &rows[i])).collect();
            let mut before = HashMap::new();
            for (id, row) in &changed {
                let sql = format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE id = $1");
                let old: DbCertificate =
                    sqlx::query_as(&sql).bind(id).fetch_one(&mut *conn).await?;
                before.insert(
                    row.record.number.clone(),
                    old.into_certificate(&self.keys)?.record,
                );
                conn.update_certificate_content(ContentUpdate {
                    target: ContentTarget::Id(*id),
                    record: &row.record,
                    holder: &row.holder,
                    hash: &row.hash,
                    now: ctx.now,
                })
                .await?;
            }
            for entry in audit_for_updates(ctx, changed.iter().map(|(_, r)| *r), &before) {
                conn.insert_audit(&entry).await?;
            }
            outcome.updated = changed.len() as u64;
        }
        Ok(outcome)
    }

    #[tracing::instrument(skip_all)]
    async fn commit(&mut self) -> StorageResult<()> {
        self.conn.commit().await
    }
}

/// The prepared-statement loop of the SQLite writer, on SQLite's C interface.
mod raw {
    use super::{BatchOutcome, ImportRow};
    use app::domain::CertificateStatus;
    use app::storage::StorageError;
    use libsqlite3_sys as ffi;
    use std::ffi::{c_char, c_int, CStr};
    use std::ptr::NonNull;

    const INSERT: &str = "INSERT INTO certificates (public_id, cert_number, holder_id_type, \
        holder_id_number, holder_name, qualification, level, specialty, issued_on, issuer, \
        electronic, status, revoked_on, revoke_reason, content_hash, created_at, updated_at, \
        holder_id_number_enc) \
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?17) \
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
            insert.text(4, &row.holder.lookup)?;
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
            insert.text(17, &row.holder.sealed)?;
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
