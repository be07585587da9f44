//! The audit log: who changed what, when. Every write that needs an audit line writes it in
//! its own transaction through [`AuditLine::insert_audit`], the one `INSERT` of the log; the
//! `detail` is JSON built with `serde_json`, never by formatting strings.

use super::rows::{fetch_as, IntoDomain};
use super::{PgStorage, SqliteStorage, StorageError, StorageResult};
use crate::domain::AuditEntry;
use async_trait::async_trait;

#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn append_audit(&self, entry: &AuditEntry) -> StorageResult<()>;

    async fn audit_entries(&self, subject: &str) -> StorageResult<Vec<AuditEntry>>;
}

/// Writes one audit line on a connection, or inside a transaction (`tx.insert_audit(…)`), so
/// that a change and its audit line commit together.
#[async_trait]
pub trait AuditLine {
    async fn insert_audit(&mut self, entry: &AuditEntry) -> StorageResult<()>;
}

macro_rules! impl_audit_line {
    ($conn:ty) => {
        #[async_trait]
        impl AuditLine for $conn {
            #[tracing::instrument(skip_all, fields(action = %entry.action, subject = %entry.subject))]
            async fn insert_audit(&mut self, entry: &AuditEntry) -> StorageResult<()> {
                sqlx::query(
                    "INSERT INTO audit_log (at, actor, action, subject, detail) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(entry.at)
                .bind(&entry.actor)
                .bind(&entry.action)
                .bind(&entry.subject)
                .bind(&entry.detail)
                .execute(self)
                .await?;
                Ok(())
            }
        }
    };
}

impl_audit_line!(sqlx::SqliteConnection);
impl_audit_line!(sqlx::PgConnection);

/// An audit line as read: at, actor, action, subject, detail.
pub type DbAuditEntry = (i64, String, String, String, String);

impl TryFrom<DbAuditEntry> for AuditEntry {
    type Error = StorageError;

    fn try_from((at, actor, action, subject, detail): DbAuditEntry) -> StorageResult<Self> {
        Ok(AuditEntry {
            at,
            actor,
            action,
            subject,
            detail,
        })
    }
}

macro_rules! impl_audit_store {
    ($store:ty) => {
        #[async_trait]
        impl AuditStore for $store {
            #[tracing::instrument(skip_all, fields(action = %entry.action, subject = %entry.subject))]
            async fn append_audit(&self, entry: &AuditEntry) -> StorageResult<()> {
                self.pool().acquire().await?.insert_audit(entry).await
            }

            #[tracing::instrument(skip_all, fields(subject = %subject))]
            async fn audit_entries(&self, subject: &str) -> StorageResult<Vec<AuditEntry>> {
                const SQL: &str = "SELECT at, actor, action, subject, detail FROM audit_log \
                     WHERE subject = $1 ORDER BY at, id";
                fetch_as!(self.pool(), DbAuditEntry, SQL, fetch_all, subject)
            }
        }
    };
}

impl_audit_store!(SqliteStorage);
impl_audit_store!(PgStorage);
