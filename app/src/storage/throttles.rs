//! Login throttling: attempts counted per key (an account, an account from one client
//! address, a client address; keys are hashes), and locks.
//!
//! An attempt is reserved before the password is checked, in one statement, so that a burst
//! of concurrent logins gets at most `max_failures` evaluations per key, on both backends.

use super::rows::execute;
use super::{PgStorage, SqliteStorage, StorageResult};
use crate::domain::{Millis, ThrottlePolicy};
use async_trait::async_trait;

#[async_trait]
pub trait ThrottleStore: Send + Sync {
    /// Reserves one attempt against `key`: `Err(retry_at)` when the key is locked or its
    /// window's attempts are used up (including attempts still being checked).
    async fn reserve_attempt(
        &self,
        key: &str,
        now: Millis,
        policy: ThrottlePolicy,
    ) -> StorageResult<Result<(), Millis>>;

    /// Gives back a reserved attempt that succeeded (for keys that count failures only).
    async fn release_attempt(&self, key: &str) -> StorageResult<()>;

    /// After a failed attempt: locks `key` when its window's attempts are used up. Returns
    /// the lock's end if it is locked.
    async fn record_failure(
        &self,
        key: &str,
        now: Millis,
        policy: ThrottlePolicy,
    ) -> StorageResult<Option<Millis>>;

    async fn clear_throttle(&self, key: &str) -> StorageResult<()>;

    /// Clears `key` and every key under it (`key/…`): an account's locks from every address.
    async fn clear_throttles_of(&self, key: &str) -> StorageResult<()>;

    /// Deletes throttles whose window and lock have both passed; returns how many.
    async fn purge_throttles(&self, now: Millis, longest_window_ms: Millis) -> StorageResult<u64>;
}

/// The condition under which a row's window starts afresh: no lock and the window has passed,
/// or a lock that has ended. `$2` is now, `$3` the window length.
const FRESH: &str = "((login_throttle.locked_until IS NULL \
                        AND login_throttle.window_start <= $2 - $3) \
                      OR (login_throttle.locked_until IS NOT NULL \
                        AND login_throttle.locked_until <= $2))";

macro_rules! impl_throttle_store {
    ($store:ty) => {
        #[async_trait]
        impl ThrottleStore for $store {
            #[tracing::instrument(skip_all)]
            async fn reserve_attempt(
                &self,
                key: &str,
                now: Millis,
                policy: ThrottlePolicy,
            ) -> StorageResult<Result<(), Millis>> {
                let sql = format!(
                    "INSERT INTO login_throttle (throttle_key, failures, window_start, \
                     locked_until) VALUES ($1, 1, $2, NULL) \
                     ON CONFLICT (throttle_key) DO UPDATE SET \
                       failures = CASE WHEN {FRESH} THEN 1 \
                                  ELSE login_throttle.failures + 1 END, \
                       window_start = CASE WHEN {FRESH} THEN $2 \
                                      ELSE login_throttle.window_start END, \
                       locked_until = CASE WHEN {FRESH} THEN NULL \
                                      ELSE login_throttle.locked_until END \
                     WHERE {FRESH} OR (login_throttle.locked_until IS NULL \
                                       AND login_throttle.failures < $4) \
                     RETURNING throttle_key"
                );
                let reserved: Option<String> = sqlx::query_scalar(&sql)
                    .bind(key)
                    .bind(now)
                    .bind(policy.window_ms)
                    .bind(policy.max_failures)
                    .fetch_optional(self.pool())
                    .await?;
                if reserved.is_some() {
                    return Ok(Ok(()));
                }
                let row: Option<(i64, Option<i64>)> = sqlx::query_as(
                    "SELECT window_start, locked_until FROM login_throttle \
                     WHERE throttle_key = $1",
                )
                .bind(key)
                .fetch_optional(self.pool())
                .await?;
                let retry_at = match row {
                    Some((_, Some(until))) => until,
                    Some((start, None)) => start + policy.window_ms,
                    None => now,
                };
                Ok(Err(retry_at.max(now)))
            }

            #[tracing::instrument(skip_all)]
            async fn release_attempt(&self, key: &str) -> StorageResult<()> {
                execute!(
                    self.pool(),
                    "UPDATE login_throttle SET failures = failures - 1 \
                     WHERE throttle_key = $1 AND failures > 0 AND locked_until IS NULL",
                    key,
                );
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn record_failure(
                &self,
                key: &str,
                now: Millis,
                policy: ThrottlePolicy,
            ) -> StorageResult<Option<Millis>> {
                execute!(
                    self.pool(),
                    "UPDATE login_throttle SET locked_until = $2 \
                     WHERE throttle_key = $1 AND locked_until IS NULL AND failures >= $3",
                    key,
                    now + policy.lock_ms,
                    policy.max_failures,
                );
                let until: Option<Option<i64>> = sqlx::query_scalar(
                    "SELECT locked_until FROM login_throttle WHERE throttle_key = $1",
                )
                .bind(key)
                .fetch_optional(self.pool())
                .await?;
                Ok(until.flatten().filter(|until| *until > now))
            }

            #[tracing::instrument(skip_all)]
            async fn clear_throttle(&self, key: &str) -> StorageResult<()> {
                execute!(
                    self.pool(),
                    "DELETE FROM login_throttle WHERE throttle_key = $1",
                    key
                );
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn clear_throttles_of(&self, key: &str) -> StorageResult<()> {
                // Keys are hex digests and `/`: no LIKE wildcard can occur in them.
                execute!(
                    self.pool(),
                    "DELETE FROM login_throttle WHERE throttle_key = $1 OR throttle_key LIKE $2",
                    key,
                    format!("{key}/%"),
                );
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn purge_throttles(
                &self,
                now: Millis,
                longest_window_ms: Millis,
            ) -> StorageResult<u64> {
                Ok(execute!(
                    self.pool(),
                    "DELETE FROM login_throttle WHERE window_start <= $1 \
                     AND (locked_until IS NULL OR locked_until <= $2)",
                    now - longest_window_ms,
                    now,
                ))
            }
        }
    };
}

impl_throttle_store!(SqliteStorage);
impl_throttle_store!(PgStorage);
