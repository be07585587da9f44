//! Signed-in sessions. Only a SHA-256 of the token is stored, and it is never logged.

use super::data_keys::DataKeys;
use super::rows::{execute, id_type};
use super::{PgStorage, SqliteStorage, StorageResult};
use crate::domain::{HolderId, HolderName, IdNumber, Millis, NewSession, Owner, SessionRecord};
use async_trait::async_trait;

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(&self, session: &NewSession) -> StorageResult<()>;

    /// The session with this token hash, joined with what the pages need of its holder.
    async fn session(&self, token_hash: &str) -> StorageResult<Option<SessionRecord>>;

    async fn touch_session(&self, token_hash: &str, now: Millis) -> StorageResult<()>;

    async fn delete_session(&self, token_hash: &str) -> StorageResult<()>;

    /// Ends every session of the holder except `keep` (after a password change).
    async fn delete_other_sessions(&self, holder: HolderId, keep: &str) -> StorageResult<u64>;

    /// Removes sessions idle since before `idle_before` or past their absolute expiry.
    async fn delete_stale_sessions(&self, now: Millis, idle_before: Millis) -> StorageResult<u64>;
}

/// A session joined with its holder's login and name.
#[derive(sqlx::FromRow)]
pub struct DbSession {
    token_hash: String,
    holder_id: i64,
    id_type: String,
    id_number: String,
    id_number_enc: Option<String>,
    name: String,
    terms_version: Option<i64>,
    created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
}

impl DbSession {
    /// The session, its holder's ID number opened with `keys`.
    pub fn into_record(self, keys: &DataKeys) -> StorageResult<SessionRecord> {
        let row = self;
        let (number, _) =
            super::holders::open_numbers(keys, row.id_number, row.id_number_enc, None)?;
        let owner = Owner {
            id_number: IdNumber::from_trusted(id_type(&row.id_type)?, number),
            name: HolderName::from_trusted(row.name),
        };
        Ok(SessionRecord {
            token_hash: row.token_hash,
            holder: HolderId(row.holder_id),
            owner,
            terms_version: row.terms_version,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
        })
    }
}

macro_rules! impl_session_store {
    ($store:ty) => {
        #[async_trait]
        impl SessionStore for $store {
            #[tracing::instrument(skip_all, fields(holder = session.holder.0))]
            async fn create_session(&self, session: &NewSession) -> StorageResult<()> {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, holder_id, created_at, last_seen_at, \
                     expires_at) VALUES ($1, $2, $3, $3, $4)",
                )
                .bind(&session.token_hash)
                .bind(session.holder.0)
                .bind(session.created_at)
                .bind(session.expires_at)
                .execute(self.pool())
                .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn session(&self, token_hash: &str) -> StorageResult<Option<SessionRecord>> {
                const SQL: &str = "SELECT s.token_hash, s.holder_id, h.id_type, h.id_number, \
                     h.id_number_enc, h.name, h.terms_version, s.created_at, s.last_seen_at, s.expires_at \
                     FROM sessions s JOIN holders h ON h.id = s.holder_id WHERE s.token_hash = $1 \
                     AND h.locked_at IS NULL";
                let row: Option<DbSession> = sqlx::query_as(SQL)
                    .bind(token_hash)
                    .fetch_optional(self.pool())
                    .await?;
                row.map(|row| row.into_record(self.keys())).transpose()
            }

            #[tracing::instrument(skip_all)]
            async fn touch_session(&self, token_hash: &str, now: Millis) -> StorageResult<()> {
                const SQL: &str = "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2";
                execute!(self.pool(), SQL, now, token_hash);
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn delete_session(&self, token_hash: &str) -> StorageResult<()> {
                execute!(self.pool(), "DELETE FROM sessions WHERE token_hash = $1", token_hash);
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(holder = holder.0))]
            async fn delete_other_sessions(&self, holder: HolderId, keep: &str) -> StorageResult<u64> {
                const SQL: &str = "DELETE FROM sessions WHERE holder_id = $1 AND token_hash <> $2";
                Ok(execute!(self.pool(), SQL, holder.0, keep))
            }

            #[tracing::instrument(skip_all)]
            async fn delete_stale_sessions(&self, now: Millis, idle_before: Millis) -> StorageResult<u64> {
                const SQL: &str = "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2";
                Ok(execute!(self.pool(), SQL, now, idle_before))
            }
        }
    };
}

impl_session_store!(SqliteStorage);
impl_session_store!(PgStorage);
