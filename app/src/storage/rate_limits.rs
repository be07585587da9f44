//! Per-client counters of the public checks, in the database so that every server process
//! sharing it counts against the same limit. The policy (which limit, how many, how long)
//! is `infra::rate_limit`; this file only counts.

use super::{PgStorage, SqliteStorage, StorageResult};
use crate::domain::Millis;
use async_trait::async_trait;

/// A counter after one more check: how many checks its window has seen, this one included,
/// and when the window started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowCount {
    pub count: i64,
    pub window_start: Millis,
}

#[async_trait]
pub trait RateLimitStore: Send + Sync {
    /// Counts one check against `key` (an opaque digest) at `now`, in a fixed window of
    /// `window_ms` that starts with the first check and starts again once it has passed.
    /// Atomic: concurrent checks, from any process, each get a distinct count.
    async fn count_check(
        &self,
        key: &str,
        now: Millis,
        window_ms: i64,
    ) -> StorageResult<WindowCount>;

    /// Deletes the counters whose window started at or before `before`; returns how many.
    async fn delete_expired_rate_limits(&self, before: Millis) -> StorageResult<u64>;
}

/// One statement, so there is no read-then-write race: the row is created with a count of 1,
/// or, if it exists, counted on (same window) or restarted (the window has passed). Both
/// databases lock the row for the statement, so concurrent checks are counted one by one;
/// `SET` expressions see the row as it was, on both.
const COUNT_CHECK: &str = "INSERT INTO rate_limits (limit_key, window_start, count) \
     VALUES ($1, $2, 1) \
     ON CONFLICT (limit_key) DO UPDATE SET \
     count = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.count + 1 END, \
     window_start = CASE WHEN rate_limits.window_start <= $3 THEN excluded.window_start \
     ELSE rate_limits.window_start END \
     RETURNING count, window_start";

macro_rules! impl_rate_limit_store {
    ($store:ty) => {
        #[async_trait]
        impl RateLimitStore for $store {
            #[tracing::instrument(skip_all)]
            async fn count_check(
                &self,
                key: &str,
                now: Millis,
                window_ms: i64,
            ) -> StorageResult<WindowCount> {
                let (count, window_start): (i64, i64) = sqlx::query_as(COUNT_CHECK)
                    .bind(key)
                    .bind(now)
                    .bind(now - window_ms)
                    .fetch_one(self.pool())
                    .await?;
                Ok(WindowCount {
                    count,
                    window_start,
                })
            }

            #[tracing::instrument(skip_all)]
            async fn delete_expired_rate_limits(&self, before: Millis) -> StorageResult<u64> {
                let done = sqlx::query("DELETE FROM rate_limits WHERE window_start <= $1")
                    .bind(before)
                    .execute(self.pool())
                    .await?;
                Ok(done.rows_affected())
            }
        }
    };
}

impl_rate_limit_store!(SqliteStorage);
impl_rate_limit_store!(PgStorage);
