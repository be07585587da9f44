//! Appeals (账号申诉): drafts waiting for their code with the ID photo, filed appeals, the
//! operator's decisions, and the account an approval locks.

use super::data_keys::{APPEAL_ID_NUMBER, APPEAL_MOBILE};
use super::rows::{execute, fetch_opened, id_type, FromSealedRow, IntoDomainWith};
use super::{AuditLine, DataKeys, Dialect, PgStorage, SqliteStorage, StorageError, StorageResult};
use crate::domain::appeal::{
    Appeal, AppealDecided, AppealDecision, AppealState, NewAppealDraft, PhotoType,
};
use crate::domain::{AuditEntry, HolderId, HolderName, IdNumber, Millis, Mobile};
use crate::infra::sha256_hex;
use async_trait::async_trait;

#[async_trait]
pub trait AppealStore: Send + Sync {
    /// Stores the photo's bytes and the draft in one transaction; returns the draft's id.
    async fn insert_appeal_draft(&self, draft: &NewAppealDraft, photo: &[u8])
        -> StorageResult<i64>;

    /// The draft waiting for the code of `ticket`.
    async fn appeal_draft(&self, ticket: &str) -> StorageResult<Option<Appeal>>;

    /// Files a draft under `number`: it becomes pending. `Conflict` when another appeal for
    /// the same ID number is pending (or, very rarely, the number is taken); `NotFound` when
    /// the draft is gone.
    async fn file_appeal(&self, id: i64, number: &str, now: Millis) -> StorageResult<()>;

    /// Deletes a draft and its photo (unless the bytes are used elsewhere).
    async fn delete_appeal_draft(&self, id: i64) -> StorageResult<()>;

    /// A filed appeal by its number.
    async fn appeal_by_number(&self, number: &str) -> StorageResult<Option<Appeal>>;

    /// A filed appeal by its id (the operator's `N`).
    async fn appeal(&self, id: i64) -> StorageResult<Option<Appeal>>;

    /// Filed appeals, oldest first, optionally in one state.
    async fn appeals(&self, state: Option<AppealState>, limit: i64) -> StorageResult<Vec<Appeal>>;

    /// Decides a pending appeal, with its audit lines, in one transaction. Approval locks the
    /// account that holds the ID number and ends its sessions. `NotFound`: no such filed
    /// appeal; `Conflict`: it is decided already.
    async fn decide_appeal(
        &self,
        id: i64,
        decision: &AppealDecision,
        actor: &str,
        now: Millis,
    ) -> StorageResult<AppealDecided>;

    /// Deletes drafts whose code is gone or expired, and their photos; returns how many
    /// drafts went. Run before the codes are purged, so a code just used still keeps its draft.
    async fn purge_appeal_drafts(&self, now: Millis) -> StorageResult<u64>;
}

/// An appeal as read. Like a holder's, its ID number is stored as the keyed lookup hash
/// (`id_number`, which the one-pending-appeal index compares) and sealed (`id_number_enc`),
/// and its mobile number sealed; rows written before that and not converted yet have them
/// in clear and `id_number_enc` empty.
#[derive(sqlx::FromRow)]
pub struct DbAppeal {
    id: i64,
    appeal_number: Option<String>,
    ticket: String,
    id_type: String,
    id_number: String,
    id_number_enc: Option<String>,
    name: String,
    mobile: String,
    statement: String,
    photo_sha256: String,
    photo_type: String,
    photo_size: i64,
    state: String,
    created_at: i64,
    filed_at: Option<i64>,
    decided_at: Option<i64>,
    decided_by: Option<String>,
    decision_note: Option<String>,
    locked_holder: Option<i64>,
}

const APPEAL_COLUMNS: &str = "id, appeal_number, ticket, id_type, id_number, id_number_enc, \
     name, mobile, \
     statement, photo_sha256, photo_type, photo_size, state, created_at, filed_at, decided_at, \
     decided_by, decision_note, locked_holder";

impl FromSealedRow<DbAppeal> for Appeal {
    fn from_sealed_row(row: DbAppeal, keys: &DataKeys) -> StorageResult<Appeal> {
        let (id_number, mobile) = match row.id_number_enc {
            Some(sealed) => (
                keys.open(APPEAL_ID_NUMBER, &sealed)?,
                keys.open(APPEAL_MOBILE, &row.mobile)?,
            ),
            None => (row.id_number, row.mobile),
        };
        Ok(Appeal {
            id: row.id,
            number: row.appeal_number,
            ticket: row.ticket,
            id_number: IdNumber::from_trusted(id_type(&row.id_type)?, id_number),
            name: HolderName::from_trusted(row.name),
            mobile: Mobile::from_trusted(mobile),
            statement: row.statement,
            photo_sha256: row.photo_sha256,
            photo_type: PhotoType::from_content_type(&row.photo_type)
                .ok_or_else(|| StorageError::Corrupt(format!("photo type {:?}", row.photo_type)))?,
            photo_size: row.photo_size,
            state: AppealState::from_code(&row.state)
                .ok_or_else(|| StorageError::Corrupt(format!("appeal state {:?}", row.state)))?,
            created_at: row.created_at,
            filed_at: row.filed_at,
            decided_at: row.decided_at,
            decided_by: row.decided_by,
            decision_note: row.decision_note,
            locked_holder: row.locked_holder.map(HolderId),
        })
    }
}

/// Deletes the blob `sha256` unless a certificate file or another appeal still uses it.
const DELETE_UNUSED_BLOB: &str = "DELETE FROM file_blobs WHERE sha256 = $1 \
     AND NOT EXISTS (SELECT 1 FROM appeals WHERE photo_sha256 = $1) \
     AND NOT EXISTS (SELECT 1 FROM certificate_files WHERE sha256 = $1)";

macro_rules! impl_appeal_store {
    ($store:ty) => {
        #[async_trait]
        impl AppealStore for $store {
            #[tracing::instrument(skip_all, fields(size = photo.len()))]
            async fn insert_appeal_draft(
                &self,
                draft: &NewAppealDraft,
                photo: &[u8],
            ) -> StorageResult<i64> {
                let sha256 = sha256_hex(photo);
                let mut tx = self.pool().begin_with(<Self as Dialect>::BEGIN_WRITE).await?;
                execute!(
                    &mut *tx,
                    "INSERT INTO file_blobs (sha256, size, content) VALUES ($1, $2, $3) \
                     ON CONFLICT (sha256) DO NOTHING",
                    &sha256,
                    photo.len() as i64,
                    photo,
                );
                let id_number = self.keys().seal_id(APPEAL_ID_NUMBER, &draft.id_number);
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO appeals (ticket, id_type, id_number, name, mobile, statement, \
                     photo_sha256, photo_type, photo_size, state, created_at, id_number_enc) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, $11) RETURNING id",
                )
                .bind(&draft.ticket)
                .bind(draft.id_number.id_type().code())
                .bind(&id_number.lookup)
                .bind(draft.name.as_str())
                .bind(self.keys().seal(APPEAL_MOBILE, draft.mobile.as_str()))
                .bind(&draft.statement)
                .bind(&sha256)
                .bind(draft.photo_type.content_type())
                .bind(photo.len() as i64)
                .bind(draft.created_at)
                .bind(&id_number.sealed)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(id)
            }

            #[tracing::instrument(skip_all)]
            async fn appeal_draft(&self, ticket: &str) -> StorageResult<Option<Appeal>> {
                let sql = format!(
                    "SELECT {APPEAL_COLUMNS} FROM appeals WHERE ticket = $1 AND state = 'draft'"
                );
                fetch_opened!(self.keys(), self.pool(), DbAppeal, &sql, fetch_optional, ticket)
            }

            #[tracing::instrument(skip_all, fields(appeal = id))]
            async fn file_appeal(&self, id: i64, number: &str, now: Millis) -> StorageResult<()> {
                let changed = execute!(
                    self.pool(),
                    "UPDATE appeals SET state = 'pending', appeal_number = $1, filed_at = $2 \
                     WHERE id = $3 AND state = 'draft'",
                    number,
                    now,
                    id,
                );
                if changed == 0 {
                    return Err(StorageError::NotFound);
                }
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(appeal = id))]
            async fn delete_appeal_draft(&self, id: i64) -> StorageResult<()> {
                let mut tx = self.pool().begin_with(<Self as Dialect>::BEGIN_WRITE).await?;
                let photo: Option<String> = sqlx::query_scalar(
                    "DELETE FROM appeals WHERE id = $1 AND state = 'draft' RETURNING photo_sha256",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(sha256) = photo {
                    execute!(&mut *tx, DELETE_UNUSED_BLOB, &sha256);
                }
                tx.commit().await?;
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn appeal_by_number(&self, number: &str) -> StorageResult<Option<Appeal>> {
                let sql = format!(
                    "SELECT {APPEAL_COLUMNS} FROM appeals WHERE appeal_number = $1 \
                     AND state <> 'draft'"
                );
                fetch_opened!(self.keys(), self.pool(), DbAppeal, &sql, fetch_optional, number)
            }

            #[tracing::instrument(skip_all, fields(appeal = id))]
            async fn appeal(&self, id: i64) -> StorageResult<Option<Appeal>> {
                let sql = format!(
                    "SELECT {APPEAL_COLUMNS} FROM appeals WHERE id = $1 AND state <> 'draft'"
                );
                fetch_opened!(self.keys(), self.pool(), DbAppeal, &sql, fetch_optional, id)
            }

            #[tracing::instrument(skip_all, fields(limit))]
            async fn appeals(
                &self,
                state: Option<AppealState>,
                limit: i64,
            ) -> StorageResult<Vec<Appeal>> {
                let sql = format!(
                    "SELECT {APPEAL_COLUMNS} FROM appeals WHERE state <> 'draft' \
                     AND ($1 IS NULL OR state = $1) ORDER BY id LIMIT $2"
                );
                fetch_opened!(self.keys(), self.pool(), DbAppeal, &sql, fetch_all, state.map(|s| s.code()), limit)
            }

            #[tracing::instrument(skip_all, fields(appeal = id))]
            async fn decide_appeal(
                &self,
                id: i64,
                decision: &AppealDecision,
                actor: &str,
                now: Millis,
            ) -> StorageResult<AppealDecided> {
                let mut tx = self.pool().begin_with(<Self as Dialect>::BEGIN_WRITE).await?;
                let sql = format!(
                    "SELECT state, appeal_number, id_type, id_number, id_number_enc FROM appeals \
                     WHERE id = $1 AND state <> 'draft'{}",
                    <Self as Dialect>::FOR_UPDATE
                );
                let row: Option<(String, Option<String>, String, String, Option<String>)> =
                    sqlx::query_as(&sql).bind(id).fetch_optional(&mut *tx).await?;
                let Some((state, number, id_type, id_number, id_number_enc)) = row else {
                    return Err(StorageError::NotFound);
                };
                if state != AppealState::Pending.code() {
                    return Err(StorageError::Conflict);
                }
                let subject = format!("appeal:{}", number.unwrap_or_default());
                let mut decided = AppealDecided::default();
                let (new_state, note, action, detail) = match decision {
                    AppealDecision::Approve { note } => {
                        let locked: Option<i64> = sqlx::query_scalar(
                            "UPDATE holders SET locked_at = $1 WHERE id_type = $2 \
                             AND id_number = $3 AND locked_at IS NULL RETURNING id",
                        )
                        .bind(now)
                        .bind(&id_type)
                        // Accounts are found by the lookup hash of their ID (`DataKeys`), which
                        // the appeal stores too (a row not converted yet: its number in clear).
                        .bind(match id_number_enc {
                            Some(_) => id_number,
                            None => self.keys().id_lookup(&IdNumber::from_trusted(
                                super::rows::id_type(&id_type)?,
                                id_number,
                            )),
                        })
                        .fetch_optional(&mut *tx)
                        .await?;
                        if let Some(holder) = locked {
                            decided.sessions_ended = execute!(
                                &mut *tx,
                                "DELETE FROM sessions WHERE holder_id = $1",
                                holder,
                            );
                            decided.locked_holder = Some(HolderId(holder));
                            tx.insert_audit(&AuditEntry {
                                at: now,
                                actor: actor.to_string(),
                                action: "holder.locked".to_string(),
                                subject: format!("holder:{holder}"),
                                detail: serde_json::json!({ "appeal": subject }).to_string(),
                            })
                            .await?;
                        }
                        let detail = serde_json::json!({
                            "note": note,
                            "locked_holder": locked,
                            "sessions_ended": decided.sessions_ended,
                        });
                        (AppealState::Approved, note.clone(), "appeal.approved", detail)
                    }
                    AppealDecision::Reject { reason } => (
                        AppealState::Rejected,
                        Some(reason.clone()),
                        "appeal.rejected",
                        serde_json::json!({ "reason": reason }),
                    ),
                };
                execute!(
                    &mut *tx,
                    "UPDATE appeals SET state = $1, decided_at = $2, decided_by = $3, \
                     decision_note = $4, locked_holder = $5 WHERE id = $6",
                    new_state.code(),
                    now,
                    actor,
                    note,
                    decided.locked_holder.map(|h| h.0),
                    id,
                );
                tx.insert_audit(&AuditEntry {
                    at: now,
                    actor: actor.to_string(),
                    action: action.to_string(),
                    subject,
                    detail: detail.to_string(),
                })
                .await?;
                tx.commit().await?;
                Ok(decided)
            }

            #[tracing::instrument(skip_all)]
            async fn purge_appeal_drafts(&self, now: Millis) -> StorageResult<u64> {
                let mut tx = self.pool().begin_with(<Self as Dialect>::BEGIN_WRITE).await?;
                let photos: Vec<String> = sqlx::query_scalar(
                    "DELETE FROM appeals WHERE state = 'draft' AND NOT EXISTS \
                     (SELECT 1 FROM one_time_codes c WHERE c.ticket = appeals.ticket \
                      AND c.expires_at > $1) RETURNING photo_sha256",
                )
                .bind(now)
                .fetch_all(&mut *tx)
                .await?;
                for sha256 in &photos {
                    execute!(&mut *tx, DELETE_UNUSED_BLOB, sha256);
                }
                tx.commit().await?;
                Ok(photos.len() as u64)
            }
        }
    };
}

impl_appeal_store!(SqliteStorage);
impl_appeal_store!(PgStorage);
