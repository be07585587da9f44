//! Verifiable credentials: the registry of their Ed25519 keys and the status-list entries of
//! the copies issued as credentials (migration 0017).

use super::signing_keys::retire_registered_key;
use super::AuditLine;
use super::{Dialect, PgStorage, SqliteStorage, StorageError, StorageResult};
use crate::domain::AuditEntry;
use async_trait::async_trait;

/// A credential signing key as registered (the private key is never stored here).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialKeyRecord {
    /// The Ed25519 public key as a Multikey (`z6Mk…`); also its verification method's
    /// fragment in the DID document.
    pub public_key: String,
    pub added_at: i64,
    pub active: bool,
    pub retired_at: Option<i64>,
}

/// Entries in one status list (the Bitstring Status List minimum for herd privacy).
pub const STATUS_LIST_SIZE: i64 = 131_072;

#[async_trait]
pub trait CredentialStore: Send + Sync {
    /// Adds a key to the registry (no-op if present); `active` makes it the one credentials
    /// are signed with.
    async fn register_credential_key(
        &self,
        public_key: &str,
        now: i64,
        active: bool,
    ) -> StorageResult<()>;

    /// Every registered key, oldest first.
    async fn credential_keys(&self) -> StorageResult<Vec<CredentialKeyRecord>>;

    /// Retires a key that is not the active one, with its audit line: `Ok(false)` if it was
    /// retired already; `NotFound`; `Conflict` for the active key.
    async fn retire_credential_key(
        &self,
        public_key: &str,
        now: i64,
        audit: &AuditEntry,
    ) -> StorageResult<bool>;

    /// The status-list entry (list, index) of the copy with this code: the one it has, or a
    /// new one at a random free index of the list being filled (each list is filled to half,
    /// so that a random index is rarely taken).
    async fn credential_status_entry(&self, code: &str, now: i64) -> StorageResult<(i64, i64)>;

    /// The indexes in `list` whose copy must not be used: cancelled, its certificate
    /// revoked, or withdrawn with its holder's account (the annotation is gone).
    async fn revoked_status_indexes(&self, list: i64) -> StorageResult<Vec<i64>>;

    /// Whether `list` has been started (its credential is published only then).
    async fn status_list_exists(&self, list: i64) -> StorageResult<bool>;
}

fn random_index() -> i64 {
    use rand::Rng;
    rand::thread_rng().gen_range(0..STATUS_LIST_SIZE)
}

macro_rules! impl_credential_store {
    ($store:ty) => {
        #[async_trait]
        impl CredentialStore for $store {
            #[tracing::instrument(skip_all, fields(key = %public_key, active))]
            async fn register_credential_key(
                &self,
                public_key: &str,
                now: i64,
                active: bool,
            ) -> StorageResult<()> {
                let mut tx = self
                    .pool()
                    .begin_with(<Self as Dialect>::BEGIN_WRITE)
                    .await?;
                sqlx::query(
                    "INSERT INTO credential_keys (public_key, added_at, active) \
                     VALUES ($1, $2, FALSE) ON CONFLICT (public_key) DO NOTHING",
                )
                .bind(public_key)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if active {
                    sqlx::query("UPDATE credential_keys SET active = (public_key = $1)")
                        .bind(public_key)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn credential_keys(&self) -> StorageResult<Vec<CredentialKeyRecord>> {
                let rows: Vec<(String, i64, bool, Option<i64>)> = sqlx::query_as(
                    "SELECT public_key, added_at, active, retired_at FROM credential_keys \
                     ORDER BY added_at, public_key",
                )
                .fetch_all(self.pool())
                .await?;
                Ok(rows
                    .into_iter()
                    .map(
                        |(public_key, added_at, active, retired_at)| CredentialKeyRecord {
                            public_key,
                            added_at,
                            active,
                            retired_at,
                        },
                    )
                    .collect())
            }

            #[tracing::instrument(skip_all, fields(key = %public_key))]
            async fn retire_credential_key(
                &self,
                public_key: &str,
                now: i64,
                audit: &AuditEntry,
            ) -> StorageResult<bool> {
                retire_registered_key!(
                    self,
                    "credential_keys",
                    "public_key",
                    public_key,
                    now,
                    audit
                )
            }

            #[tracing::instrument(skip_all)]
            async fn credential_status_entry(
                &self,
                code: &str,
                now: i64,
            ) -> StorageResult<(i64, i64)> {
                const FIND: &str =
                    "SELECT list, idx FROM credential_status WHERE annotation_code = $1";
                if let Some(found) = sqlx::query_as::<_, (i64, i64)>(FIND)
                    .bind(code)
                    .fetch_optional(self.pool())
                    .await?
                {
                    return Ok(found);
                }
                let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM credential_status")
                    .fetch_one(self.pool())
                    .await?;
                let list = taken / (STATUS_LIST_SIZE / 2) + 1;
                // A taken index (or a concurrent allocation for the same code) inserts
                // nothing; the code's entry is then read back, or another index tried.
                for _ in 0..32 {
                    sqlx::query(
                        "INSERT INTO credential_status (list, idx, annotation_code, allocated_at) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    )
                    .bind(list)
                    .bind(random_index())
                    .bind(code)
                    .bind(now)
                    .execute(self.pool())
                    .await?;
                    if let Some(found) = sqlx::query_as::<_, (i64, i64)>(FIND)
                        .bind(code)
                        .fetch_optional(self.pool())
                        .await?
                    {
                        return Ok(found);
                    }
                }
                Err(StorageError::Conflict)
            }

            #[tracing::instrument(skip_all, fields(list))]
            async fn revoked_status_indexes(&self, list: i64) -> StorageResult<Vec<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT s.idx FROM credential_status s \
                     LEFT JOIN annotations a ON a.code = s.annotation_code \
                     LEFT JOIN certificates c ON c.id = a.certificate_id \
                     WHERE s.list = $1 AND (a.id IS NULL OR a.cancelled_at IS NOT NULL \
                     OR c.status <> 'valid') ORDER BY s.idx",
                )
                .bind(list)
                .fetch_all(self.pool())
                .await?)
            }

            #[tracing::instrument(skip_all, fields(list))]
            async fn status_list_exists(&self, list: i64) -> StorageResult<bool> {
                let found: Option<i64> =
                    sqlx::query_scalar("SELECT idx FROM credential_status WHERE list = $1 LIMIT 1")
                        .bind(list)
                        .fetch_optional(self.pool())
                        .await?;
                Ok(found.is_some())
            }
        }
    };
}

impl_credential_store!(SqliteStorage);
impl_credential_store!(PgStorage);
