//! Login throttling: failures counted per key (an account or a client address), and locks.

use super::rows::execute;
use super::{Dialect, PgStorage, SqliteStorage, StorageResult};
use crate::domain::{Millis, ThrottlePolicy};
use async_trait::async_trait;

#[async_trait]
pub trait ThrottleStore: Send + Sync {
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
}

/// The count and window after one more failure at `now`, and the lock end if it locks.
fn after_failure(
    current: Option<(i64, i64)>,
    now: Millis,
    policy: ThrottlePolicy,
) -> (i64, i64, Option<Millis>) {
    // A new window starts when the previous one has passed.
    let (failures, window_start) = match current {
        Some((failures, start)) if now - start < policy.window_ms => (failures + 1, start),
        _ => (1, now),
    };
    let locked_until = (failures >= policy.max_failures).then_some(now + policy.lock_ms);
    // Once locked, the count starts again, so the next lock needs as many failures.
    match locked_until {
        Some(_) => (0, now, locked_until),
        None => (failures, window_start, None),
    }
}

macro_rules! impl_throttle_store {
    ($store:ty) => {
        #[async_trait]
        impl ThrottleStore for $store {
            #[tracing::instrument(skip_all, fields(keys = keys.len()))]
            async fn throttle_locked_until(
                &self,
                keys: &[String],
                now: Millis,
            ) -> StorageResult<Option<Millis>> {
                let mut latest: Option<Millis> = None;
                for key in keys {
                    let until: Option<Option<i64>> = sqlx::query_scalar(
                        "SELECT locked_until FROM login_throttle WHERE throttle_key = $1",
                    )
                    .bind(key)
                    .fetch_optional(self.pool())
                    .await?;
                    if let Some(Some(until)) = until {
                        if until > now {
                            latest = Some(latest.map_or(until, |l: Millis| l.max(until)));
                        }
                    }
                }
                Ok(latest)
            }

            #[tracing::instrument(skip_all)]
            async fn record_login_failure(
                &self,
                key: &str,
                now: Millis,
                policy: ThrottlePolicy,
            ) -> StorageResult<Option<Millis>> {
                let mut tx = self.pool().begin_with(<Self as Dialect>::BEGIN_WRITE).await?;
                let sql = format!(
                    "SELECT failures, window_start FROM login_throttle WHERE throttle_key = $1{}",
                    <Self as Dialect>::FOR_UPDATE
                );
                let current: Option<(i64, i64)> =
                    sqlx::query_as(&sql).bind(key).fetch_optional(&mut *tx).await?;
                let (failures, window_start, locked_until) = after_failure(current, now, policy);
                sqlx::query(
                    "INSERT INTO login_throttle (throttle_key, failures, window_start, \
                     locked_until) VALUES ($1, $2, $3, $4) ON CONFLICT (throttle_key) DO UPDATE \
                     SET failures = excluded.failures, window_start = excluded.window_start, \
                     locked_until = COALESCE(excluded.locked_until, login_throttle.locked_until)",
                )
                .bind(key)
                .bind(failures)
                .bind(window_start)
                .bind(locked_until)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(locked_until)
            }

            #[tracing::instrument(skip_all)]
            async fn clear_throttle(&self, key: &str) -> StorageResult<()> {
                execute!(self.pool(), "DELETE FROM login_throttle WHERE throttle_key = $1", key);
                Ok(())
            }
        }
    };
}

impl_throttle_store!(SqliteStorage);
impl_throttle_store!(PgStorage);
