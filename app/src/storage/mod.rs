//! Storage: one interface, one implementation per backend (SQLite, the embedded default, and
//! PostgreSQL), chosen from the `DATABASE_URL` scheme. The SQL is written once in
//! [`sql`] and instantiated for each backend, so the two cannot drift apart; where the
//! dialects differ, each backend supplies its own statement through [`Dialect`].

mod bulk;
pub mod operations;
mod postgres;
mod sql;
mod sqlite;

pub use postgres::PgStorage;
pub use sqlite::SqliteStorage;

use crate::domain::{
    Annotation, AnnotationId, ApplyOutcome, AuditEntry, Certificate, CertificateId,
    CertificateRecord, FileMeta, Holder, HolderId, Millis, NewAnnotation, NewCertificateFile,
    NewHolder, NewSession, Owner, ProducedAnnotation, SessionRecord, SigningKeyRecord,
    ThrottlePolicy, UpsertOutcome, VerificationRecord,
};
use async_trait::async_trait;
use std::sync::Arc;

/// Which database a [`Storage`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Why a storage call failed. `Display` texts are for the log, never for the user.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("no such row")]
    NotFound,
    /// A uniqueness rule refused the write; nothing was changed.
    #[error("conflicting row already exists")]
    Conflict,
    /// The database could not be reached or timed out; retrying later may work.
    #[error("database unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A row read back does not satisfy the domain rules (should never happen).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("database error")]
    Database(#[source] sqlx::Error),
    #[error("unsupported database URL (expected sqlite: or postgres:), scheme {0:?}")]
    BadUrl(String),
    #[error("migration failed")]
    Migration(#[source] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StorageError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => StorageError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StorageError::Unavailable(Box::new(err))
            }
            sqlx::Error::Database(ref db) if db.is_unique_violation() => StorageError::Conflict,
            other => StorageError::Database(other),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StorageError {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        StorageError::Migration(err)
    }
}

pub type StorageResult<T> = Result<T, StorageError>;

/// The statements that differ between SQL dialects.
pub trait Dialect {
    const BACKEND: Backend;
    /// Starts a transaction that will write, taking the write lock up front so that a
    /// read-then-write sequence cannot be overtaken by another writer.
    const BEGIN_WRITE: &'static str;
    /// Appended to a SELECT inside a write transaction to lock the rows it reads.
    const FOR_UPDATE: &'static str;
    /// Appended to the SELECT that picks a queued job, so concurrent workers skip each
    /// other's rows instead of waiting.
    const SKIP_LOCKED: &'static str;
}

/// Where file bytes live, keyed by their SHA-256. The databases implement it; an object store
/// can take over by implementing it too.
#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Stores `bytes` and returns their SHA-256 (hex); storing the same bytes again is a no-op.
    async fn put_blob(&self, bytes: &[u8]) -> StorageResult<String>;

    async fn get_blob(&self, sha256: &str) -> StorageResult<Option<Vec<u8>>>;
}

pub type DynBlobStore = Arc<dyn BlobStore>;

/// Everything the rest of the application may ask of the database.
#[async_trait]
pub trait Storage: BlobStore {
    fn backend(&self) -> Backend;

    /// A cheap round trip, for `/healthz`.
    async fn ping(&self) -> StorageResult<()>;

    /// Closes the pool, waiting for in-flight queries (graceful shutdown).
    async fn close(&self);

    // ---- holders ----

    /// Inserts a new holder; `Conflict` if an account with that ID type and number exists.
    async fn insert_holder(&self, holder: &NewHolder) -> StorageResult<HolderId>;

    async fn holder_by_login(&self, id: &crate::domain::IdNumber) -> StorageResult<Option<Holder>>;

    async fn holder(&self, id: HolderId) -> StorageResult<Holder>;

    async fn count_holders(&self) -> StorageResult<i64>;

    /// Records that the holder accepted version `version` of the service terms.
    async fn accept_terms(&self, id: HolderId, version: i64, now: Millis) -> StorageResult<()>;

    async fn update_password(&self, id: HolderId, password_hash: &str) -> StorageResult<()>;

    // ---- sessions (only a SHA-256 of the token is stored) ----

    async fn create_session(&self, session: &NewSession) -> StorageResult<()>;

    /// The session with this token hash, joined with what the pages need of its holder.
    async fn session(&self, token_hash: &str) -> StorageResult<Option<SessionRecord>>;

    async fn touch_session(&self, token_hash: &str, now: Millis) -> StorageResult<()>;

    async fn delete_session(&self, token_hash: &str) -> StorageResult<()>;

    /// Ends every session of the holder except `keep` (after a password change).
    async fn delete_other_sessions(&self, holder: HolderId, keep: &str) -> StorageResult<u64>;

    /// Removes sessions idle since before `idle_before` or past their absolute expiry.
    async fn delete_stale_sessions(&self, now: Millis, idle_before: Millis) -> StorageResult<u64>;

    // ---- login throttling ----

    /// The latest lock among `keys` that is still in force at `now`.
    async fn throttle_locked_until(
        &self,
        keys: &[String],
        now: Millis,
    ) -> StorageResult<Option<Millis>>;

    /// Counts a failed login against `key`; returns the lock end if this failure locks it.
    async fn record_login_failure(
        &self,
        key: &str,
        now: Millis,
        policy: ThrottlePolicy,
    ) -> StorageResult<Option<Millis>>;

    async fn clear_throttle(&self, key: &str) -> StorageResult<()>;

    // ---- certificates ----

    /// Inserts or updates a certificate record, matched by its number.
    async fn upsert_certificate(
        &self,
        record: &CertificateRecord,
        now: Millis,
    ) -> StorageResult<(CertificateId, UpsertOutcome)>;

    async fn certificate_by_number(&self, number: &str) -> StorageResult<Option<Certificate>>;

    async fn certificate_by_id(&self, id: CertificateId) -> StorageResult<Certificate>;

    /// The certificates whose record names this holder (ID type, number and name), newest
    /// first, with how many electronic files each has.
    async fn certificates_of(&self, owner: &Owner) -> StorageResult<Vec<(Certificate, i64)>>;

    /// One certificate by public id, only if it belongs to `owner`.
    async fn certificate_of(
        &self,
        owner: &Owner,
        public_id: &str,
    ) -> StorageResult<Option<Certificate>>;

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

    // ---- annotations ----

    /// Applies for an annotation inside one transaction that holds the certificate, so that
    /// concurrent applications cannot exceed three within 90 days.
    async fn apply_annotation(&self, new: &NewAnnotation) -> StorageResult<ApplyOutcome>;

    /// The certificate's annotations, newest first, without PDF bytes.
    async fn annotations_of_certificate(&self, id: CertificateId)
        -> StorageResult<Vec<Annotation>>;

    /// An annotation by its code, with its certificate.
    async fn annotation_by_code(
        &self,
        code: &str,
    ) -> StorageResult<Option<(Annotation, Certificate)>>;

    async fn annotation_pdf(&self, id: AnnotationId) -> StorageResult<Option<Vec<u8>>>;

    /// Takes the next queued annotation that is due and not leased (or whose lease ran
    /// out), leasing it to `worker` until `now + lease_ms`. Safe with many workers in many
    /// processes.
    async fn claim_annotation(
        &self,
        worker: &str,
        now: Millis,
        lease_ms: i64,
    ) -> StorageResult<Option<(Annotation, Certificate)>>;

    /// Stores the produced copy and marks the annotation ready, only if `worker` still holds
    /// its lease; returns whether it did. Writes the audit line in the same transaction.
    async fn complete_annotation(
        &self,
        id: AnnotationId,
        worker: &str,
        produced: &ProducedAnnotation,
    ) -> StorageResult<bool>;

    /// Records a failed attempt: retried at `retry_at`, or failed for good when `None`.
    async fn fail_annotation_attempt(
        &self,
        id: AnnotationId,
        worker: &str,
        error: &str,
        retry_at: Option<Millis>,
        now: Millis,
    ) -> StorageResult<()>;

    /// Annotations whose production failed for good, newest first (for the operator).
    async fn failed_annotations(&self) -> StorageResult<Vec<Annotation>>;

    /// Adds a signing certificate to the registry (no-op if present); `active` makes it the
    /// one new copies are signed with.
    async fn register_signing_key(&self, key: &SigningKeyRecord) -> StorageResult<()>;

    async fn signing_keys(&self) -> StorageResult<Vec<SigningKeyRecord>>;

    // ---- verification ----

    /// An annotation and its certificate by the annotation's code, in one query (the hot
    /// path of verification by QR code).
    async fn annotation_with_certificate(
        &self,
        code: &str,
    ) -> StorageResult<Option<(Annotation, Certificate)>>;

    /// The certificate with this number whose holder has exactly this name; `None` both
    /// when there is no such number and when the name differs.
    async fn certificate_by_number_and_name(
        &self,
        number: &str,
        name: &str,
    ) -> StorageResult<Option<Certificate>>;

    async fn certificate_by_public_id(&self, public_id: &str)
        -> StorageResult<Option<Certificate>>;

    /// The certificate's annotation with this annotation number.
    async fn annotation_of_certificate(
        &self,
        certificate: CertificateId,
        number: &str,
    ) -> StorageResult<Option<Annotation>>;

    /// Appends verifications to the log, in one transaction.
    async fn append_verifications(&self, entries: &[VerificationRecord]) -> StorageResult<()>;

    /// The most recent verifications of a certificate, newest first, with the annotation
    /// number where one was checked.
    async fn verifications_of_certificate(
        &self,
        certificate: CertificateId,
        limit: i64,
    ) -> StorageResult<Vec<(VerificationRecord, Option<String>)>>;

    // ---- audit ----

    async fn append_audit(&self, entry: &AuditEntry) -> StorageResult<()>;

    async fn audit_entries(&self, subject: &str) -> StorageResult<Vec<AuditEntry>>;
}

pub type DynStorage = Arc<dyn Storage>;

/// Opens the database named by `url` (`sqlite://…` or `postgres://…`) and applies its
/// migrations.
pub async fn connect(url: &str) -> StorageResult<DynStorage> {
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
