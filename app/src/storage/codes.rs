//! One-time codes sent to mobile numbers, the limits on sending them, and the development
//! outbox that stands in for a message gateway.
//!
//! A code's mobile number and its payload (a pending registration: ID number, name, mobile
//! number; a new mobile number) are stored sealed ([`DataKeys`]). The development outbox's
//! mobile numbers stay in clear: it exists only in demonstrations and tests.

use super::data_keys::{DataKeys, CODE_MOBILE, CODE_PAYLOAD};
use super::rows::execute;
use super::{PgStorage, SqliteStorage, StorageResult};
use crate::domain::Millis;
use async_trait::async_trait;

/// A code as stored: only its salted hash, and what it unlocks.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredCode {
    pub ticket: String,
    pub purpose: String,
    pub mobile: String,
    pub code_hash: String,
    pub payload: String,
    pub expires_at: Millis,
    pub tries: i32,
}

/// The limits on sending codes to one key (a mobile number's or an ID number's hash).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SendLimit {
    /// At most this many codes per China calendar day…
    pub per_day: i64,
    /// …and at least this long between two of them.
    pub min_interval_ms: Millis,
}

/// One message in the development outbox.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxMessage {
    pub id: i64,
    pub mobile: String,
    pub body: String,
    pub created_at: Millis,
}

#[async_trait]
pub trait CodeStore: Send + Sync {
    /// Counts one code sent to `key` on `day` if the limit allows it, in one statement, so
    /// that a burst of requests cannot send more than the limit. `false`: refused.
    async fn reserve_code_send(
        &self,
        key: &str,
        day: i64,
        now: Millis,
        limit: SendLimit,
    ) -> StorageResult<bool>;

    /// When the last code to `key` went out, for "resend after …".
    async fn last_code_sent_at(&self, key: &str) -> StorageResult<Option<Millis>>;

    async fn insert_code(&self, code: &StoredCode, now: Millis) -> StorageResult<()>;

    /// Replaces the code of an unused, unexpired ticket (resend); `false` if there is none.
    async fn replace_code(
        &self,
        ticket: &str,
        code_hash: &str,
        now: Millis,
        expires_at: Millis,
    ) -> StorageResult<bool>;

    /// Counts one try at `ticket`'s code and returns the code as it was, or `None` when the
    /// ticket is unknown, used, expired or out of tries. The try is counted before the code is
    /// compared, in one statement, so concurrent guesses cannot exceed `max_tries`.
    async fn take_code_try(
        &self,
        ticket: &str,
        purpose: &str,
        now: Millis,
        max_tries: i64,
    ) -> StorageResult<Option<StoredCode>>;

    /// The code without counting a try (to show where it was sent).
    async fn code(&self, ticket: &str, now: Millis) -> StorageResult<Option<StoredCode>>;

    /// Marks the ticket used; `false` if another request used it first (single use).
    async fn use_code(&self, ticket: &str, now: Millis) -> StorageResult<bool>;

    /// Deletes used and expired codes and old send counters; returns how many rows went.
    async fn purge_codes(&self, now: Millis) -> StorageResult<u64>;

    async fn outbox_push(&self, mobile: &str, body: &str, now: Millis) -> StorageResult<()>;

    /// The newest `limit` messages, optionally only those to `mobile`, newest first.
    async fn outbox(&self, mobile: Option<&str>, limit: i64) -> StorageResult<Vec<OutboxMessage>>;
}

const CODE_COLUMNS: &str = "ticket, purpose, mobile, code_hash, payload, expires_at, tries";

impl StoredCode {
    /// The code as read, its mobile number and payload opened.
    fn opened(mut self, keys: &DataKeys) -> StorageResult<StoredCode> {
        self.mobile = keys.open(CODE_MOBILE, &self.mobile)?;
        self.payload = keys.open(CODE_PAYLOAD, &self.payload)?;
        Ok(self)
    }
}

macro_rules! impl_code_store {
    ($store:ty) => {
        #[async_trait]
        impl CodeStore for $store {
            #[tracing::instrument(skip_all, fields(day))]
            async fn reserve_code_send(
                &self,
                key: &str,
                day: i64,
                now: Millis,
                limit: SendLimit,
            ) -> StorageResult<bool> {
                let counted: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO code_send_limits (limit_key, day, sent, last_sent_at) \
                     VALUES ($1, $2, 1, $3) \
                     ON CONFLICT (limit_key) DO UPDATE SET \
                       sent = CASE WHEN code_send_limits.day = $2 \
                              THEN code_send_limits.sent + 1 ELSE 1 END, \
                       day = $2, last_sent_at = $3 \
                     WHERE code_send_limits.last_sent_at <= $3 - $4 \
                       AND (code_send_limits.day <> $2 OR code_send_limits.sent < $5) \
                     RETURNING CAST(sent AS BIGINT)",
                )
                .bind(key)
                .bind(day)
                .bind(now)
                .bind(limit.min_interval_ms)
                .bind(limit.per_day)
                .fetch_optional(self.pool())
                .await?;
                Ok(counted.is_some())
            }

            #[tracing::instrument(skip_all)]
            async fn last_code_sent_at(&self, key: &str) -> StorageResult<Option<Millis>> {
                Ok(sqlx::query_scalar(
                    "SELECT last_sent_at FROM code_send_limits WHERE limit_key = $1",
                )
                .bind(key)
                .fetch_optional(self.pool())
                .await?)
            }

            #[tracing::instrument(skip_all, fields(purpose = %code.purpose))]
            async fn insert_code(&self, code: &StoredCode, now: Millis) -> StorageResult<()> {
                execute!(
                    self.pool(),
                    "INSERT INTO one_time_codes (ticket, purpose, mobile, code_hash, payload, \
                     created_at, expires_at, tries) VALUES ($1, $2, $3, $4, $5, $6, $7, 0)",
                    &code.ticket,
                    &code.purpose,
                    self.keys().seal(CODE_MOBILE, &code.mobile),
                    &code.code_hash,
                    self.keys().seal(CODE_PAYLOAD, &code.payload),
                    now,
                    code.expires_at,
                );
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn replace_code(
                &self,
                ticket: &str,
                code_hash: &str,
                now: Millis,
                expires_at: Millis,
            ) -> StorageResult<bool> {
                let changed = execute!(
                    self.pool(),
                    "UPDATE one_time_codes SET code_hash = $2, expires_at = $3, tries = 0 \
                     WHERE ticket = $1 AND used_at IS NULL AND expires_at > $4",
                    ticket,
                    code_hash,
                    expires_at,
                    now,
                );
                Ok(changed == 1)
            }

            #[tracing::instrument(skip_all, fields(purpose))]
            async fn take_code_try(
                &self,
                ticket: &str,
                purpose: &str,
                now: Millis,
                max_tries: i64,
            ) -> StorageResult<Option<StoredCode>> {
                let sql = format!(
                    "UPDATE one_time_codes SET tries = tries + 1 \
                     WHERE ticket = $1 AND purpose = $2 AND used_at IS NULL \
                       AND expires_at > $3 AND tries < $4 \
                     RETURNING {CODE_COLUMNS}"
                );
                sqlx::query_as::<_, StoredCode>(&sql)
                    .bind(ticket)
                    .bind(purpose)
                    .bind(now)
                    .bind(max_tries)
                    .fetch_optional(self.pool())
                    .await?
                    .map(|code| code.opened(self.keys()))
                    .transpose()
            }

            #[tracing::instrument(skip_all)]
            async fn code(&self, ticket: &str, now: Millis) -> StorageResult<Option<StoredCode>> {
                let sql = format!(
                    "SELECT {CODE_COLUMNS} FROM one_time_codes \
                     WHERE ticket = $1 AND used_at IS NULL AND expires_at > $2"
                );
                sqlx::query_as::<_, StoredCode>(&sql)
                    .bind(ticket)
                    .bind(now)
                    .fetch_optional(self.pool())
                    .await?
                    .map(|code| code.opened(self.keys()))
                    .transpose()
            }

            #[tracing::instrument(skip_all)]
            async fn use_code(&self, ticket: &str, now: Millis) -> StorageResult<bool> {
                let changed = execute!(
                    self.pool(),
                    "UPDATE one_time_codes SET used_at = $2 WHERE ticket = $1 AND used_at IS NULL",
                    ticket,
                    now,
                );
                Ok(changed == 1)
            }

            #[tracing::instrument(skip_all)]
            async fn purge_codes(&self, now: Millis) -> StorageResult<u64> {
                let codes = execute!(
                    self.pool(),
                    "DELETE FROM one_time_codes WHERE used_at IS NOT NULL OR expires_at <= $1",
                    now,
                );
                // Counters of a day that has passed limit nothing any more.
                let counters = execute!(
                    self.pool(),
                    "DELETE FROM code_send_limits WHERE last_sent_at <= $1",
                    now - 2 * 24 * 60 * 60 * 1000,
                );
                Ok(codes + counters)
            }

            #[tracing::instrument(skip_all)]
            async fn outbox_push(&self, mobile: &str, body: &str, now: Millis) -> StorageResult<()> {
                execute!(
                    self.pool(),
                    "INSERT INTO message_outbox (mobile, body, created_at) VALUES ($1, $2, $3)",
                    mobile,
                    body,
                    now,
                );
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(limit))]
            async fn outbox(
                &self,
                mobile: Option<&str>,
                limit: i64,
            ) -> StorageResult<Vec<OutboxMessage>> {
                Ok(sqlx::query_as::<_, OutboxMessage>(
                    "SELECT id, mobile, body, created_at FROM message_outbox \
                     WHERE ($1 IS NULL OR mobile = $1) ORDER BY id DESC LIMIT $2",
                )
                .bind(mobile)
                .bind(limit)
                .fetch_all(self.pool())
                .await?)
            }
        }
    };
}

impl_code_store!(SqliteStorage);
impl_code_store!(PgStorage);
