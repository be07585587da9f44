//! Storage: one interface, one implementation per backend (SQLite, the embedded default, and
//! PostgreSQL), chosen from the `DATABASE_URL` scheme ([`Backend::from_url`]).
//!
//! The interface is split by aggregate, one file each: a trait (`HolderStore`,
//! `CertificateStore`, …), the row types it reads (`Db*`) with their `TryFrom` into the domain
//! types, and its SQL, written once and instantiated for both backends by a small macro at
//! the bottom of the file (`impl_…!(SqliteStorage); impl_…!(PgStorage);`). Placeholders are
//! `$n`, which both databases accept; where the dialects differ, the SQL takes the
//! statement from [`Dialect`]. [`Storage`] is all of them together, so callers keep writing
//! `state.storage.holder(id)` on a [`DynStorage`]; code holding a concrete backend imports
//! [`prelude`].
//!
//! To add a storage method:
//! 1. declare it on the trait of its aggregate (e.g. `certificates.rs` → [`CertificateStore`]),
//!    with its doc comment;
//! 2. implement it once inside that file's `impl_…!` macro, with
//!    `#[tracing::instrument(skip_all, fields(…))]` naming only ids, codes and counts (never
//!    a password or token hash); read rows as the file's `Db*` type with
//!    `rows::fetch_as!(self.pool(), DbX, &sql, fetch_optional, params…)`, which converts them
//!    through the row type's `TryFrom` ([`rows::IntoDomain`]); take write transactions with
//!    `self.pool().begin_with(<Self as Dialect>::BEGIN_WRITE)`; a write that needs an audit
//!    line writes it in the same transaction with `tx.insert_audit(…)` ([`AuditLine`]);
//! 3. both backends get it from the two macro calls; a new aggregate gets a new file, a new
//!    trait, and a place among the supertraits of [`Storage`] and in [`prelude`];
//! 4. cover it in `server/tests/api/storage_story.rs`, which runs on SQLite and, with
//!    `TEST_DATABASE_URL`, on PostgreSQL.
//!
//! Operator-only writes (bulk import, revocation, attaching files) live with the operator
//! commands in the server (`server/src/ops/store`), on the same backends; they use
//! [`SqliteStorage::pool`] / [`PgStorage::pool`], [`DbCertificate`] with
//! [`CERTIFICATE_COLUMNS`], [`CertificateContent`] and [`AuditLine`] from here.

mod annotation_queue;
mod annotations;
mod api_keys;
mod appeals;
mod audit;
mod blobs;
mod certificates;
mod codes;
mod credentials;
mod data_keys;
mod error;
mod files;
mod holders;
mod personal_data;
mod postgres;
mod produced_files;
mod rate_limits;
pub mod rows;
mod sessions;
mod signing_keys;
mod sqlite;
mod throttles;
mod verification_log;

pub use annotation_queue::AnnotationQueue;
pub use annotations::{AnnotationStore, DbAnnotation, ANNOTATION_COLUMNS};
pub use api_keys::{ApiKeyInfo, ApiKeyStore, NewApiKey};
pub use appeals::{AppealStore, DbAppeal};
pub use audit::{AuditLine, AuditStore, DbAuditEntry};
pub use blobs::{BlobStore, DynBlobStore};
pub use certificates::{
    status_columns, CertificateContent, CertificateStore, ContentTarget, ContentUpdate,
    DbCertificate, DbCertificateWithCount, CERTIFICATE_COLUMNS,
};
pub use codes::{CodeStore, OutboxMessage, SendLimit, StoredCode};
pub use credentials::{CredentialKeyRecord, CredentialStore, STATUS_LIST_SIZE};
pub use data_keys::{
    DataKeyStore, DataKeys, SealedId, CERTIFICATE_ID_NUMBER, HOLDER_ID_NUMBER, HOLDER_MOBILE,
};
pub use error::{StorageError, StorageResult};
pub use files::{DbFileMeta, FileStore, FILE_COLUMNS};
pub use holders::{DbHolder, HolderDetail, HolderStore};
pub use personal_data::{
    DeletionSummary, HolderDeletion, PersonalDataStore, SessionSummary, WithdrawnCopy,
    ANONYMISED_DETAIL,
};
pub use postgres::PgStorage;
pub use produced_files::ProducedFileStore;
pub use rate_limits::{RateLimitStore, WindowCount};
pub use sessions::{DbSession, SessionStore};
pub use signing_keys::{DbSigningKey, SigningKeyStore};
pub use sqlite::SqliteStorage;
pub use throttles::ThrottleStore;
pub use verification_log::{LogLine, VerificationLogStore};

use async_trait::async_trait;
use std::sync::Arc;

/// The storage traits, for code that calls them on a concrete backend or a generic.
pub mod prelude {
    pub use super::rows::IntoDomain;
    pub use super::ApiKeyStore;
    pub use super::AppealStore;
    pub use super::CredentialStore;
    pub use super::DataKeyStore;
    pub use super::PersonalDataStore;
    pub use super::ProducedFileStore;
    pub use super::{
        AnnotationQueue, AnnotationStore, AuditLine, AuditStore, BlobStore, CertificateContent,
        CertificateStore, CodeStore, FileStore, HolderStore, RateLimitStore, SessionStore,
        SigningKeyStore, Storage, ThrottleStore, VerificationLogStore,
    };
}

/// Which database a [`Storage`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names: `sqlite:…`, or `postgres://…` / `postgresql://…`.
    /// The one place that reads the scheme; the application and the operator commands both
    /// connect through it.
    pub fn from_url(url: &str) -> StorageResult<Backend> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else {
            Err(StorageError::BadUrl(
                url.split(':').next().unwrap_or_default().to_string(),
            ))
        }
    }
}

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

/// Everything the rest of the application may ask of the database: every aggregate's store,
/// plus the connection itself.
#[async_trait]
pub trait Storage:
    HolderStore
    + SessionStore
    + ThrottleStore
    + CodeStore
    + RateLimitStore
    + CertificateStore
    + FileStore
    + AnnotationStore
    + AnnotationQueue
    + SigningKeyStore
    + CredentialStore
    + VerificationLogStore
    + AuditStore
    + BlobStore
    + ProducedFileStore
    + ApiKeyStore
    + DataKeyStore
    + PersonalDataStore
    + AppealStore
{
    fn backend(&self) -> Backend;

    /// The keys personal numbers are sealed and hashed with ([`DataKeys`]).
    fn data_keys(&self) -> &DataKeys;

    /// A cheap round trip, for `/healthz`.
    async fn ping(&self) -> StorageResult<()>;

    /// Closes the pool, waiting for in-flight queries (graceful shutdown).
    async fn close(&self);
}

pub type DynStorage = Arc<dyn Storage>;

macro_rules! impl_storage {
    ($store:ty) => {
        #[async_trait]
        impl Storage for $store {
            fn backend(&self) -> Backend {
                <Self as Dialect>::BACKEND
            }

            fn data_keys(&self) -> &DataKeys {
                self.keys()
            }

            #[tracing::instrument(skip_all)]
            async fn ping(&self) -> StorageResult<()> {
                sqlx::query("SELECT 1").execute(self.pool()).await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn close(&self) {
                self.pool().close().await;
            }
        }
    };
}

impl_storage!(SqliteStorage);
impl_storage!(PgStorage);

/// Opens the database named by `url` (`sqlite://…` or `postgres://…`) and applies its
/// migrations; then checks the data keys against it and seals the personal numbers of rows
/// still in clear ([`DataKeyStore`]).
pub async fn connect(url: &str, keys: Arc<DataKeys>) -> StorageResult<DynStorage> {
    Ok(match Backend::from_url(url)? {
        Backend::Postgres => Arc::new(PgStorage::connect(url, keys).await?),
        Backend::Sqlite => Arc::new(SqliteStorage::connect(url, keys).await?),
    })
}

/// After the migrations: the key check and the conversion of rows still in clear.
async fn open_keys<S: DataKeyStore>(store: &S) -> StorageResult<()> {
    store.check_data_keys().await?;
    let converted = store.encrypt_clear_holders().await?
        + store.encrypt_clear_certificates().await?
        + store.encrypt_clear_appeals().await?
        + store.seal_codes(false).await?;
    if converted > 0 {
        tracing::info!(
            converted,
            "sealed the ID and mobile numbers of rows stored in clear (holders, certificates, appeals, codes)"
        );
    }
    Ok(())
}
