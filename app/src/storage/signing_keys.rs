//! The registry of the certificates annotated copies are signed with.

use super::rows::{fetch_as, IntoDomain};
use super::AuditLine;
use super::{Dialect, PgStorage, SqliteStorage, StorageError, StorageResult};
use crate::domain::{AuditEntry, SigningKeyRecord};
use async_trait::async_trait;

#[async_trait]
pub trait SigningKeyStore: Send + Sync {
    /// Adds a signing certificate to the registry (no-op if present); `active` makes it the
    /// one new copies are signed with.
    async fn register_signing_key(&self, key: &SigningKeyRecord) -> StorageResult<()>;

    async fn signing_keys(&self) -> StorageResult<Vec<SigningKeyRecord>>;

    /// Retires a key that is not the active one, with its audit line, in one transaction:
    /// `Ok(false)` if it was already retired; `NotFound` if no such key; `Conflict` if it is
    /// the active key (another must be made active first).
    async fn retire_signing_key(
        &self,
        fingerprint: &str,
        now: i64,
        audit: &AuditEntry,
    ) -> StorageResult<bool>;

    /// Whether the key with this fingerprint has been retired (an unknown key has not).
    async fn signing_key_retired(&self, fingerprint: &str) -> StorageResult<bool>;
}

/// Retires a registered key that is not the active one, with its audit line, in one
/// transaction (the trait methods' contract): shared by the PDF signing keys and the
/// credential keys, whose registries differ only in the table's and the key column's names.
/// Expands inside a storage `impl` (it uses `self.pool()` and `Self`'s dialect).
macro_rules! retire_registered_key {
    ($storage:ident, $table:literal, $key_column:literal, $key:expr, $now:expr, $audit:expr) => {{
        let mut tx = $storage
            .pool()
            .begin_with(<Self as Dialect>::BEGIN_WRITE)
            .await?;
        let sql = format!(
            concat!(
                "SELECT active, retired_at FROM ",
                $table,
                " WHERE ",
                $key_column,
                " = $1{}"
            ),
            <Self as Dialect>::FOR_UPDATE
        );
        let found: Option<(bool, Option<i64>)> = sqlx::query_as(&sql)
            .bind($key)
            .fetch_optional(&mut *tx)
            .await?;
        match found {
            None => return Err(StorageError::NotFound),
            Some((true, _)) => return Err(StorageError::Conflict),
            Some((false, Some(_))) => return Ok(false),
            Some((false, None)) => {}
        }
        sqlx::query(concat!(
            "UPDATE ",
            $table,
            " SET retired_at = $2 WHERE ",
            $key_column,
            " = $1"
        ))
        .bind($key)
        .bind($now)
        .execute(&mut *tx)
        .await?;
        tx.insert_audit($audit).await?;
        tx.commit().await?;
        Ok(true)
    }};
}
pub(crate) use retire_registered_key;

/// A registered key as read: fingerprint, subject, cert_pem, not_before, not_after, added_at,
/// active, retired_at.
pub type DbSigningKey = (String, String, String, i64, i64, i64, bool, Option<i64>);

impl TryFrom<DbSigningKey> for SigningKeyRecord {
    type Error = StorageError;

    fn try_from(row: DbSigningKey) -> StorageResult<Self> {
        let (fingerprint, subject, cert_pem, not_before, not_after, added_at, active, retired_at) =
            row;
        Ok(SigningKeyRecord {
            fingerprint,
            subject,
            cert_pem,
            not_before,
            not_after,
            added_at,
            active,
            retired_at,
        })
    }
}

macro_rules! impl_signing_key_store {
    ($store:ty) => {
        #[async_trait]
        impl SigningKeyStore for $store {
            #[tracing::instrument(skip_all, fields(fingerprint = %key.fingerprint, active = key.active))]
            async fn register_signing_key(&self, key: &SigningKeyRecord) -> StorageResult<()> {
                let mut tx = self.pool().begin_with(<Self as Dialect>::BEGIN_WRITE).await?;
                sqlx::query(
                    "INSERT INTO signing_keys (fingerprint, not_before, not_after, added_at, \
                     subject, cert_pem, active) VALUES ($1, $2, $3, $4, $5, $6, FALSE) \
                     ON CONFLICT (fingerprint) DO NOTHING",
                )
                .bind(&key.fingerprint)
                .bind(key.not_before)
                .bind(key.not_after)
                .bind(key.added_at)
                .bind(&key.subject)
                .bind(&key.cert_pem)
                .execute(&mut *tx)
                .await?;
                if key.active {
                    sqlx::query("UPDATE signing_keys SET active = (fingerprint = $1)")
                        .bind(&key.fingerprint)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn signing_keys(&self) -> StorageResult<Vec<SigningKeyRecord>> {
                const SQL: &str = "SELECT fingerprint, subject, cert_pem, not_before, not_after, \
                     added_at, active, retired_at FROM signing_keys ORDER BY added_at, fingerprint";
                fetch_as!(self.pool(), DbSigningKey, SQL, fetch_all)
            }

            #[tracing::instrument(skip_all, fields(fingerprint = %fingerprint))]
            async fn retire_signing_key(
                &self,
                fingerprint: &str,
                now: i64,
                audit: &AuditEntry,
            ) -> StorageResult<bool> {
                retire_registered_key!(self, "signing_keys", "fingerprint", fingerprint, now, audit)
            }

            #[tracing::instrument(skip_all, fields(fingerprint = %fingerprint))]
            async fn signing_key_retired(&self, fingerprint: &str) -> StorageResult<bool> {
                let retired: Option<bool> = sqlx::query_scalar(
                    "SELECT retired_at IS NOT NULL FROM signing_keys WHERE fingerprint = $1",
                )
                .bind(fingerprint)
                .fetch_optional(self.pool())
                .await?;
                Ok(retired.unwrap_or(false))
            }
        }
    };
}

impl_signing_key_store!(SqliteStorage);
impl_signing_key_store!(PgStorage);
