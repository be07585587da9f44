//! Keys of bulk verifiers for the public API (`server api-keys`), and their daily use. Only a
//! digest of each key is stored. The policy (format, quota, the China day) is
//! `verification::api_keys`; this file stores and counts.

use super::{AuditLine, Dialect, PgStorage, SqliteStorage, StorageResult};
use crate::domain::{AuditEntry, Millis};
use async_trait::async_trait;

/// A key as the operator sees it (never the key itself).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiKeyInfo {
    pub id: i64,
    pub name: String,
    /// The key's first characters, which name it in lists and when revoking.
    pub prefix: String,
    pub daily_quota: i64,
    /// Requests counted on the day asked about.
    pub used: i64,
    pub created_at: Millis,
    pub revoked_at: Option<Millis>,
}

/// A key about to be stored: its digest, never the key.
#[derive(Clone, Debug)]
pub struct NewApiKey {
    pub name: String,
    pub prefix: String,
    pub key_hash: String,
    pub daily_quota: i64,
}

#[async_trait]
pub trait ApiKeyStore: Send + Sync {
    /// Stores a new key with its audit line (by `actor`); returns its id.
    async fn create_api_key(&self, key: &NewApiKey, now: Millis, actor: &str)
        -> StorageResult<i64>;

    /// Every key, oldest first, with its use on `day`.
    async fn api_keys(&self, day: i64) -> StorageResult<Vec<ApiKeyInfo>>;

    /// The key with this digest, with its use on `day`, revoked or not.
    async fn api_key_by_hash(&self, key_hash: &str, day: i64) -> StorageResult<Option<ApiKeyInfo>>;

    /// Revokes the key whose id (all digits) or prefix is `id_or_prefix`, with its audit line;
    /// returns it as it now is, or `None` when there is no such key. Revoking a revoked key
    /// changes nothing.
    async fn revoke_api_key(
        &self,
        id_or_prefix: &str,
        now: Millis,
        actor: &str,
    ) -> StorageResult<Option<ApiKeyInfo>>;

    /// Counts one request of key `id` on `day` if it has used fewer than `quota`; `false`
    /// when the quota is used up (nothing is counted). One atomic statement: concurrent
    /// requests, from any process, are admitted exactly up to the quota.
    async fn count_api_key_use(&self, id: i64, day: i64, quota: i64) -> StorageResult<bool>;

    /// Deletes the use counts of days before `day`; returns how many.
    async fn delete_api_key_use_before(&self, day: i64) -> StorageResult<u64>;
}

const KEY_COLUMNS: &str = "k.id, k.name, k.prefix, k.daily_quota, \
     COALESCE(u.count, 0) AS used, k.created_at, k.revoked_at \
     FROM api_keys k LEFT JOIN api_key_usage u ON u.key_id = k.id AND u.day = $1";

/// The row is created with a count of 1, or counted on while under the quota: when the
/// `WHERE` of the update fails, no row is returned and nothing changes. Both databases lock
/// the row for the statement.
const COUNT_USE: &str = "INSERT INTO api_key_usage (key_id, day, count) VALUES ($1, $2, 1) \
     ON CONFLICT (key_id, day) DO UPDATE SET count = api_key_usage.count + 1 \
     WHERE api_key_usage.count < $3 RETURNING count";

fn audit(action: &str, key: &ApiKeyInfo, now: Millis, actor: &str) -> AuditEntry {
    AuditEntry {
        at: now,
        actor: actor.to_string(),
        action: action.to_string(),
        subject: format!("api_key:{}", key.prefix),
        detail: serde_json::json!({
            "id": key.id,
            "name": key.name,
            "daily_quota": key.daily_quota,
        })
        .to_string(),
    }
}

macro_rules! impl_api_key_store {
    ($store:ty) => {
        #[async_trait]
        impl ApiKeyStore for $store {
            #[tracing::instrument(skip_all, fields(prefix = %key.prefix))]
            async fn create_api_key(
                &self,
                key: &NewApiKey,
                now: Millis,
                actor: &str,
            ) -> StorageResult<i64> {
                let mut tx = self
                    .pool()
                    .begin_with(<Self as Dialect>::BEGIN_WRITE)
                    .await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO api_keys (name, prefix, key_hash, daily_quota, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(&key.name)
                .bind(&key.prefix)
                .bind(&key.key_hash)
                .bind(key.daily_quota)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                let info = ApiKeyInfo {
                    id,
                    name: key.name.clone(),
                    prefix: key.prefix.clone(),
                    daily_quota: key.daily_quota,
                    used: 0,
                    created_at: now,
                    revoked_at: None,
                };
                tx.insert_audit(&audit("api_key.create", &info, now, actor))
                    .await?;
                tx.commit().await?;
                Ok(id)
            }

            #[tracing::instrument(skip_all)]
            async fn api_keys(&self, day: i64) -> StorageResult<Vec<ApiKeyInfo>> {
                let sql = format!("SELECT {KEY_COLUMNS} ORDER BY k.id");
                Ok(sqlx::query_as::<_, ApiKeyInfo>(&sql)
                    .bind(day)
                    .fetch_all(self.pool())
                    .await?)
            }

            #[tracing::instrument(skip_all)]
            async fn api_key_by_hash(
                &self,
                key_hash: &str,
                day: i64,
            ) -> StorageResult<Option<ApiKeyInfo>> {
                let sql = format!("SELECT {KEY_COLUMNS} WHERE k.key_hash = $2");
                Ok(sqlx::query_as::<_, ApiKeyInfo>(&sql)
                    .bind(day)
                    .bind(key_hash)
                    .fetch_optional(self.pool())
                    .await?)
            }

            #[tracing::instrument(skip_all, fields(key = %id_or_prefix))]
            async fn revoke_api_key(
                &self,
                id_or_prefix: &str,
                now: Millis,
                actor: &str,
            ) -> StorageResult<Option<ApiKeyInfo>> {
                let id: Option<i64> = id_or_prefix
                    .chars()
                    .all(|c| c.is_ascii_digit())
                    .then(|| id_or_prefix.parse().ok())
                    .flatten();
                let mut tx = self
                    .pool()
                    .begin_with(<Self as Dialect>::BEGIN_WRITE)
                    .await?;
                // Revoke first (the row is then locked), and read it as it is now.
                let changed = sqlx::query(
                    "UPDATE api_keys SET revoked_at = $1 \
                     WHERE (id = $2 OR prefix = $3) AND revoked_at IS NULL",
                )
                .bind(now)
                .bind(id.unwrap_or(-1))
                .bind(id_or_prefix)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                let sql = format!("SELECT {KEY_COLUMNS} WHERE k.id = $2 OR k.prefix = $3");
                let found = sqlx::query_as::<_, ApiKeyInfo>(&sql)
                    .bind(-1_i64)
                    .bind(id.unwrap_or(-1))
                    .bind(id_or_prefix)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some(key) = found else {
                    return Ok(None);
                };
                if changed > 0 {
                    tx.insert_audit(&audit("api_key.revoke", &key, now, actor))
                        .await?;
                }
                tx.commit().await?;
                Ok(Some(key))
            }

            #[tracing::instrument(skip_all, fields(key = id, day = day))]
            async fn count_api_key_use(
                &self,
                id: i64,
                day: i64,
                quota: i64,
            ) -> StorageResult<bool> {
                let counted: Option<(i64,)> = sqlx::query_as(COUNT_USE)
                    .bind(id)
                    .bind(day)
                    .bind(quota)
                    .fetch_optional(self.pool())
                    .await?;
                Ok(counted.is_some())
            }

            #[tracing::instrument(skip_all)]
            async fn delete_api_key_use_before(&self, day: i64) -> StorageResult<u64> {
                let done = sqlx::query("DELETE FROM api_key_usage WHERE day < $1")
                    .bind(day)
                    .execute(self.pool())
                    .await?;
                Ok(done.rows_affected())
            }
        }
    };
}

impl_api_key_store!(SqliteStorage);
impl_api_key_store!(PgStorage);
