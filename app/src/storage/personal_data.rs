//! What the portal holds about one account, read back for the holder (查阅复制), and the
//! account's deletion (注销账号, 个人信息删除): one transaction that removes the account and
//! its personal data and keeps what the issuer's records need (`docs/domain.md`, "Deleting an
//! account").

use super::rows::{execute, fetch_as, IntoDomain};
use super::{Dialect, PgStorage, SqliteStorage, StorageError, StorageResult};
use crate::domain::{AuditEntry, CertificateId, HolderId, Millis};
use async_trait::async_trait;

#[async_trait]
pub trait PersonalDataStore: Send + Sync {
    /// The holder's signed-in sessions (never their token hashes), newest first.
    async fn sessions_of(&self, holder: HolderId) -> StorageResult<Vec<SessionSummary>>;

    /// Deletes the account in one transaction: its annotated copies are withdrawn (rows and
    /// PDFs removed; the code and number of each that did not fail kept in
    /// `withdrawn_copies`, which still counts towards the certificate's annotation limit),
    /// the verification log forgets which copy it checked, sessions, pending codes, login
    /// throttles and outbox messages go, the account's audit lines are rewritten under
    /// `pseudonym` without their details, `audit` (the deletion's own line) is added, and the
    /// holder row is removed. `NotFound` if the account is gone already.
    async fn delete_holder(&self, deletion: &HolderDeletion<'_>) -> StorageResult<DeletionSummary>;

    /// A copy withdrawn by its holder's deletion, by its code.
    async fn withdrawn_copy(&self, code: &str) -> StorageResult<Option<WithdrawnCopy>>;

    /// A copy of `certificate` withdrawn by its holder's deletion, by its annotation number.
    async fn withdrawn_copy_of_certificate(
        &self,
        certificate: CertificateId,
        number: &str,
    ) -> StorageResult<Option<WithdrawnCopy>>;
}

/// A session as the holder may see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSummary {
    pub created_at: Millis,
    pub last_seen_at: Millis,
    pub expires_at: Millis,
}

#[derive(sqlx::FromRow)]
struct DbSessionSummary {
    created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
}

impl TryFrom<DbSessionSummary> for SessionSummary {
    type Error = StorageError;

    fn try_from(row: DbSessionSummary) -> StorageResult<SessionSummary> {
        Ok(SessionSummary {
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
        })
    }
}

/// What the deletion of one account needs to know.
pub struct HolderDeletion<'a> {
    pub holder: HolderId,
    pub now: Millis,
    /// Throttle keys of the account (each also clears `key/…`, the per-address ones).
    pub throttle_keys: &'a [String],
    /// The mobile number whose development-outbox messages go too.
    pub mobile: &'a str,
    /// The name the account's audit lines go on under (`deleted:<random>`).
    pub pseudonym: &'a str,
    /// The deletion's own audit line (under the pseudonym).
    pub audit: &'a AuditEntry,
}

/// What a deletion removed, for the log and its audit line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeletionSummary {
    pub copies_withdrawn: u64,
    pub sessions_ended: u64,
    pub audit_lines_anonymised: u64,
}

/// A copy that was withdrawn when its holder deleted the account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WithdrawnCopy {
    pub code: String,
    pub number: String,
    pub certificate: CertificateId,
    pub withdrawn_at: Millis,
}

#[derive(sqlx::FromRow)]
struct DbWithdrawnCopy {
    code: String,
    annotation_number: String,
    certificate_id: i64,
    withdrawn_at: i64,
}

impl TryFrom<DbWithdrawnCopy> for WithdrawnCopy {
    type Error = StorageError;

    fn try_from(row: DbWithdrawnCopy) -> StorageResult<WithdrawnCopy> {
        Ok(WithdrawnCopy {
            code: row.code,
            number: row.annotation_number,
            certificate: CertificateId(row.certificate_id),
            withdrawn_at: row.withdrawn_at,
        })
    }
}

const WITHDRAWN_COLUMNS: &str = "code, annotation_number, certificate_id, withdrawn_at";

/// The detail an anonymised audit line keeps: that it was anonymised, nothing of the person.
pub const ANONYMISED_DETAIL: &str = r#"{"anonymised":true}"#;

macro_rules! impl_personal_data_store {
    ($store:ty) => {
        #[async_trait]
        impl PersonalDataStore for $store {
            #[tracing::instrument(skip_all, fields(holder = holder.0))]
            async fn sessions_of(&self, holder: HolderId) -> StorageResult<Vec<SessionSummary>> {
                const SQL: &str = "SELECT created_at, last_seen_at, expires_at FROM sessions \
                     WHERE holder_id = $1 ORDER BY created_at DESC";
                fetch_as!(self.pool(), DbSessionSummary, SQL, fetch_all, holder.0)
            }

            #[tracing::instrument(skip_all, fields(holder = deletion.holder.0))]
            async fn delete_holder(
                &self,
                deletion: &HolderDeletion<'_>,
            ) -> StorageResult<DeletionSummary> {
                use super::AuditLine;
                let holder = deletion.holder.0;
                let subject = format!("holder:{holder}");
                let mut tx = self.pool().begin_with(<Self as Dialect>::BEGIN_WRITE).await?;
                let exists: Option<i64> =
                    sqlx::query_scalar(&format!("SELECT id FROM holders WHERE id = $1{}", <Self as Dialect>::FOR_UPDATE))
                        .bind(holder)
                        .fetch_optional(&mut *tx)
                        .await?;
                if exists.is_none() {
                    return Err(StorageError::NotFound);
                }
                let copies_withdrawn = execute!(
                    &mut *tx,
                    "INSERT INTO withdrawn_copies (code, annotation_number, certificate_id, \
                     applied_on, withdrawn_at) SELECT code, annotation_number, certificate_id, \
                     applied_on, $2 FROM annotations WHERE holder_id = $1 \
                     AND state <> 'failed'",
                    holder,
                    deletion.now,
                );
                execute!(
                    &mut *tx,
                    "UPDATE verification_log SET annotation_id = NULL WHERE annotation_id IN \
                     (SELECT id FROM annotations WHERE holder_id = $1)",
                    holder,
                );
                execute!(&mut *tx, "DELETE FROM annotations WHERE holder_id = $1", holder);
                let sessions_ended =
                    execute!(&mut *tx, "DELETE FROM sessions WHERE holder_id = $1", holder);
                // Every pending code of the account carries its id first in the payload
                // (password reset, account changes, this deletion). Payloads are sealed, so
                // they are opened here; the table holds only the last days' codes (swept).
                let codes: Vec<(String, String)> =
                    sqlx::query_as("SELECT ticket, payload FROM one_time_codes")
                        .fetch_all(&mut *tx)
                        .await?;
                let prefix = format!("{{\"holder\":{holder},");
                for (ticket, payload) in codes {
                    let payload = self.keys().open(super::data_keys::CODE_PAYLOAD, &payload)?;
                    if payload.starts_with(&prefix) {
                        execute!(&mut *tx, "DELETE FROM one_time_codes WHERE ticket = $1", ticket);
                    }
                }
                for key in deletion.throttle_keys {
                    // Keys are hex digests: no LIKE wildcard can occur in them.
                    execute!(
                        &mut *tx,
                        "DELETE FROM login_throttle WHERE throttle_key = $1 OR throttle_key LIKE $2",
                        key,
                        format!("{key}/%"),
                    );
                }
                execute!(&mut *tx, "DELETE FROM message_outbox WHERE mobile = $1", deletion.mobile);
                let by_holder = execute!(
                    &mut *tx,
                    "UPDATE audit_log SET actor = $1 WHERE actor = $2",
                    deletion.pseudonym,
                    &subject,
                );
                let about_holder = execute!(
                    &mut *tx,
                    "UPDATE audit_log SET subject = $1, detail = $2 WHERE subject = $3",
                    deletion.pseudonym,
                    ANONYMISED_DETAIL,
                    &subject,
                );
                tx.insert_audit(deletion.audit).await?;
                execute!(&mut *tx, "DELETE FROM holders WHERE id = $1", holder);
                tx.commit().await?;
                Ok(DeletionSummary {
                    copies_withdrawn,
                    sessions_ended,
                    audit_lines_anonymised: by_holder.max(about_holder),
                })
            }

            #[tracing::instrument(skip_all, fields(code = %code))]
            async fn withdrawn_copy(&self, code: &str) -> StorageResult<Option<WithdrawnCopy>> {
                let sql = format!("SELECT {WITHDRAWN_COLUMNS} FROM withdrawn_copies WHERE code = $1");
                fetch_as!(self.pool(), DbWithdrawnCopy, &sql, fetch_optional, code)
            }

            #[tracing::instrument(skip_all, fields(certificate = certificate.0))]
            async fn withdrawn_copy_of_certificate(
                &self,
                certificate: CertificateId,
                number: &str,
            ) -> StorageResult<Option<WithdrawnCopy>> {
                let sql = format!(
                    "SELECT {WITHDRAWN_COLUMNS} FROM withdrawn_copies \
                     WHERE certificate_id = $1 AND annotation_number = $2"
                );
                fetch_as!(self.pool(), DbWithdrawnCopy, &sql, fetch_optional, certificate.0, number)
            }
        }
    };
}

impl_personal_data_store!(SqliteStorage);
impl_personal_data_store!(PgStorage);
