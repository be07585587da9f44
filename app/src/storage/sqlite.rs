//! SQLite, the embedded default: one file in the data directory, write-ahead logging so readers
//! never wait for the writer, foreign keys enforced, full fsync on commit so an acknowledged
//! write survives a crash.

use super::sql::{impl_blob_store, impl_storage};
use super::{Backend, Dialect, StorageResult};
use crate::domain::{
    Annotation, AnnotationId, ApplyOutcome, AuditEntry, Certificate, CertificateId,
    CertificateRecord, FileMeta, Holder, HolderId, Millis, NewAnnotation, NewCertificateFile,
    NewHolder, NewSession, Owner, ProducedAnnotation, SessionRecord, SigningKeyRecord,
    ThrottlePolicy, UpsertOutcome, VerificationRecord,
};
use crate::infra::{new_public_id, sha256_hex};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::Duration;

pub struct SqliteStorage {
    pool: SqlitePool,
}

impl Dialect for SqliteStorage {
    const BACKEND: Backend = Backend::Sqlite;
    // IMMEDIATE takes the database write lock at BEGIN; a deferred transaction that reads and
    // then writes can fail with SQLITE_BUSY when another connection wrote in between.
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    // The IMMEDIATE lock already covers every row.
    const FOR_UPDATE: &'static str = "";
    // Writers are serialised by the database lock; nothing to skip.
    const SKIP_LOCKED: &'static str = "";
}

impl SqliteStorage {
    pub async fn connect(url: &str) -> StorageResult<SqliteStorage> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(SqliteStorage { pool })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

impl_blob_store!(SqliteStorage);
impl_storage!(SqliteStorage);
