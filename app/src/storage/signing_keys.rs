//! The registry of the certificates annotated copies are signed with.

use super::rows::{fetch_as, IntoDomain};
use super::{Dialect, PgStorage, SqliteStorage, StorageError, StorageResult};
use crate::domain::SigningKeyRecord;
use async_trait::async_trait;

#[async_trait]
pub trait SigningKeyStore: Send + Sync {
    /// Adds a signing certificate to the registry (no-op if present); `active` makes it the
    /// one new copies are signed with.
    async fn register_signing_key(&self, key: &SigningKeyRecord) -> StorageResult<()>;

    async fn signing_keys(&self) -> StorageResult<Vec<SigningKeyRecord>>;
}

/// A registered key as read: fingerprint, subject, cert_pem, not_before, not_after, added_at,
/// active.
pub type DbSigningKey = (String, String, String, i64, i64, i64, bool);

impl TryFrom<DbSigningKey> for SigningKeyRecord {
    type Error = StorageError;

    fn try_from(row: DbSigningKey) -> StorageResult<Self> {
        let (fingerprint, subject, cert_pem, not_before, not_after, added_at, active) = row;
        Ok(SigningKeyRecord {
            fingerprint,
            subject,
            cert_pem,
            not_before,
            not_after,
            added_at,
            active,
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
                     added_at, active FROM signing_keys ORDER BY added_at, fingerprint";
                fetch_as!(self.pool(), DbSigningKey, SQL, fetch_all)
            }
        }
    };
}

impl_signing_key_store!(SqliteStorage);
impl_signing_key_store!(PgStorage);
