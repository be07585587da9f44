//! What the operator commands ask of the database beyond [`Storage`]: bulk import of
//! certificate records, revoking and reinstating, attaching and detaching electronic files.
//! Every change is written with its audit line in the same transaction
//! ([`app::storage::AuditLine`]), so a failure leaves neither a change without its audit line
//! nor the reverse.
//!
//! The bulk import is backend-specific ([`sqlite_bulk`]: prepared single-row `INSERT`s on
//! SQLite's C interface; [`pg_bulk`]: `COPY` on PostgreSQL); the single-record writes are
//! shared SQL in [`records`]. Both reuse the certificate row type, column list and content
//! update of [`app::storage`].

mod audit;
mod connection;
mod pg_bulk;
mod records;
mod sqlite_bulk;

pub use audit::{changed_fields, record_fields};

use app::domain::{Certificate, CertificateRecord, CertificateStatus, FileMeta, Millis};
use app::storage::{Backend, PgStorage, SqliteStorage, Storage, StorageResult};
use async_trait::async_trait;
use std::sync::Arc;

/// One validated row of an import file.
#[derive(Clone, Debug)]
pub struct ImportRow {
    /// Line of the file where the row starts (1-based), for the audit log.
    pub line: u64,
    pub record: CertificateRecord,
    /// The holder's ID as the row stores it (lookup hash and sealed number), made where the
    /// row was validated (the reader thread, off the writer's path).
    pub holder: app::storage::SealedId,
    /// `record.content_hash(&holder.lookup)`, computed where the row was validated.
    pub hash: String,
    /// A fresh [`app::infra::new_public_id`], used if the row is inserted (made by the
    /// reader thread, off the writer's path).
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
///
/// Both writers keep one connection for the whole import ([`connection`]), so a transaction
/// can span several batches while the rows of a batch are freed once written.
#[async_trait]
pub trait BulkWriter: Send {
    /// Writes rows inside the open transaction (opening one if needed).
    async fn write_batch(&mut self, rows: &[ImportRow]) -> StorageResult<BatchOutcome>;

    /// Commits the open transaction, if any.
    async fn commit(&mut self) -> StorageResult<()>;
}

/// A revocation or reinstatement that took place: the certificate before and after.
#[derive(Clone, Debug)]
pub struct StatusChange {
    pub before: Certificate,
    pub after: Certificate,
}

/// A file to attach to a certificate; its bytes are already in the blob store.
#[derive(Clone, Copy, Debug)]
pub struct NewFile<'a> {
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub sha256: &'a str,
}

/// The operator's storage: everything of [`Storage`] plus the operator's writes.
#[async_trait]
pub trait Operations: Storage {
    /// A writer holding its own connection for the length of an import by `ctx`.
    async fn bulk_writer(&self, ctx: &ImportContext) -> StorageResult<Box<dyn BulkWriter>>;

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
    async fn attach_file(
        &self,
        number: &str,
        file: NewFile<'_>,
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
/// The result is also an [`app::storage::DynStorage`] (`let s: DynStorage = ops.clone();`).
pub async fn connect_operations(
    url: &str,
    keys: Arc<app::storage::DataKeys>,
) -> StorageResult<DynOperations> {
    Ok(match Backend::from_url(url)? {
        Backend::Postgres => Arc::new(PgStorage::connect(url, keys).await?),
        Backend::Sqlite => Arc::new(SqliteStorage::connect(url, keys).await?),
    })
}
