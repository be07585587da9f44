//! The SQL shared by both backends, written once. `impl_storage!` instantiates it for a backend
//! struct with a `pool` field; placeholders are `$n`, which both SQLite and PostgreSQL accept.

use super::models::*;
use super::{StorageError, StorageResult};
use crate::domain::{HolderName, IdNumber, IdType, Mobile};
use time::Date;

#[derive(sqlx::FromRow)]
pub(super) struct DbHolder {
    pub id: i64,
    pub id_type: String,
    pub id_number: String,
    pub name: String,
    pub mobile: String,
    pub password_hash: String,
    pub terms_version: Option<i64>,
    pub terms_accepted_at: Option<i64>,
    pub created_at: i64,
}

pub(super) const HOLDER_COLUMNS: &str = "id, id_type, id_number, name, mobile, password_hash, \
     terms_version, terms_accepted_at, created_at";

pub(super) fn id_type(code: &str) -> StorageResult<IdType> {
    IdType::from_code(code).ok_or_else(|| StorageError::Corrupt(format!("id type {code:?}")))
}

fn date(text: &str) -> StorageResult<Date> {
    Date::parse(text, &time::format_description::well_known::Iso8601::DATE)
        .map_err(|_| StorageError::Corrupt(format!("date {text:?}")))
}

impl TryFrom<DbHolder> for Holder {
    type Error = StorageError;

    fn try_from(row: DbHolder) -> StorageResult<Holder> {
        Ok(Holder {
            id: HolderId(row.id),
            id_number: IdNumber::from_trusted(id_type(&row.id_type)?, row.id_number),
            name: HolderName::from_trusted(row.name),
            mobile: Mobile::from_trusted(row.mobile),
            password_hash: row.password_hash,
            terms_version: row.terms_version,
            terms_accepted_at: row.terms_accepted_at,
            created_at: row.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct DbCertificate {
    pub id: i64,
    pub public_id: String,
    pub cert_number: String,
    pub holder_id_type: String,
    pub holder_id_number: String,
    pub holder_name: String,
    pub qualification: String,
    pub level: String,
    pub specialty: String,
    pub issued_on: String,
    pub issuer: String,
    pub electronic: bool,
    pub status: String,
    pub revoked_on: Option<String>,
    pub revoke_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(super) const CERTIFICATE_COLUMNS: &str = "id, public_id, cert_number, holder_id_type, \
     holder_id_number, holder_name, qualification, level, specialty, issued_on, issuer, \
     electronic, status, revoked_on, revoke_reason, created_at, updated_at";

impl TryFrom<DbCertificate> for Certificate {
    type Error = StorageError;

    fn try_from(row: DbCertificate) -> StorageResult<Certificate> {
        let status = match (row.status.as_str(), row.revoked_on) {
            ("valid", _) => CertificateStatus::Valid,
            ("revoked", Some(on)) => CertificateStatus::Revoked {
                on: date(&on)?,
                reason: row.revoke_reason.unwrap_or_default(),
            },
            (other, _) => return Err(StorageError::Corrupt(format!("status {other:?}"))),
        };
        Ok(Certificate {
            id: CertificateId(row.id),
            public_id: row.public_id,
            record: CertificateRecord {
                number: row.cert_number,
                holder_id: IdNumber::from_trusted(
                    id_type(&row.holder_id_type)?,
                    row.holder_id_number,
                ),
                holder_name: HolderName::from_trusted(row.holder_name),
                qualification: row.qualification,
                level: row.level,
                specialty: row.specialty,
                issued_on: date(&row.issued_on)?,
                issuer: row.issuer,
                electronic: row.electronic,
                status,
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct DbCertificateWithCount {
    #[sqlx(flatten)]
    pub certificate: DbCertificate,
    pub file_count: i64,
}

#[derive(sqlx::FromRow)]
pub(super) struct DbFileMeta {
    pub public_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
pub(super) struct DbFileOfCertificate {
    #[sqlx(flatten)]
    pub meta: DbFileMeta,
    pub certificate_id: i64,
}

impl From<DbFileMeta> for FileMeta {
    fn from(row: DbFileMeta) -> FileMeta {
        FileMeta {
            public_id: row.public_id,
            file_name: row.file_name,
            content_type: row.content_type,
            size: row.size,
            sha256: row.sha256,
            created_at: row.created_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct DbAuditEntry {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

/// The revocation columns of a record: (status, revoked_on, revoke_reason).
pub(super) fn status_columns(
    status: &CertificateStatus,
) -> (&'static str, Option<String>, Option<String>) {
    match status {
        CertificateStatus::Valid => ("valid", None, None),
        CertificateStatus::Revoked { on, reason } => {
            ("revoked", Some(on.to_string()), Some(reason.clone()))
        }
    }
}

/// Implements [`super::BlobStore`] for a backend struct with a `pool` field.
macro_rules! impl_blob_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::storage::BlobStore for $store {
            async fn put_blob(&self, bytes: &[u8]) -> StorageResult<String> {
                let sha256 = sha256_hex(bytes);
                sqlx::query(
                    "INSERT INTO file_blobs (sha256, size, content) VALUES ($1, $2, $3) \
                     ON CONFLICT (sha256) DO NOTHING",
                )
                .bind(&sha256)
                .bind(bytes.len() as i64)
                .bind(bytes)
                .execute(&self.pool)
                .await?;
                Ok(sha256)
            }

            async fn get_blob(&self, sha256: &str) -> StorageResult<Option<Vec<u8>>> {
                Ok(
                    sqlx::query_scalar("SELECT content FROM file_blobs WHERE sha256 = $1")
                        .bind(sha256)
                        .fetch_optional(&self.pool)
                        .await?,
                )
            }
        }
    };
}

pub(super) use impl_blob_store;

/// Implements [`super::Storage`] for a backend struct `$store` with a `pool: Pool<$db>` field
/// and a [`super::Dialect`] implementation.
macro_rules! impl_storage {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::storage::Storage for $store {
            fn backend(&self) -> $crate::storage::Backend {
                <$store as $crate::storage::Dialect>::BACKEND
            }

            async fn ping(&self) -> StorageResult<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn close(&self) {
                self.pool.close().await;
            }

            #[tracing::instrument(skip_all)]
            async fn insert_holder(&self, holder: &NewHolder) -> StorageResult<HolderId> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO holders (id_type, id_number, name, mobile, password_hash, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(holder.id_number.id_type().code())
                .bind(holder.id_number.as_str())
                .bind(holder.name.as_str())
                .bind(holder.mobile.as_str())
                .bind(&holder.password_hash)
                .bind(holder.created_at)
                .fetch_one(&self.pool)
                .await?;
                Ok(HolderId(id))
            }

            #[tracing::instrument(skip_all)]
            async fn holder_by_login(
                &self,
                id: &$crate::domain::IdNumber,
            ) -> StorageResult<Option<Holder>> {
                let sql = format!(
                    "SELECT {} FROM holders WHERE id_type = $1 AND id_number = $2",
                    $crate::storage::sql::HOLDER_COLUMNS
                );
                sqlx::query_as::<_, $crate::storage::sql::DbHolder>(&sql)
                    .bind(id.id_type().code())
                    .bind(id.as_str())
                    .fetch_optional(&self.pool)
                    .await?
                    .map(Holder::try_from)
                    .transpose()
            }

            #[tracing::instrument(skip_all)]
            async fn holder(&self, id: HolderId) -> StorageResult<Holder> {
                let sql = format!(
                    "SELECT {} FROM holders WHERE id = $1",
                    $crate::storage::sql::HOLDER_COLUMNS
                );
                sqlx::query_as::<_, $crate::storage::sql::DbHolder>(&sql)
                    .bind(id.0)
                    .fetch_one(&self.pool)
                    .await?
                    .try_into()
            }

            async fn count_holders(&self) -> StorageResult<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM holders")
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn accept_terms(&self, id: HolderId, version: i64, now: Millis) -> StorageResult<()> {
                let done = sqlx::query(
                    "UPDATE holders SET terms_version = $1, terms_accepted_at = $2 WHERE id = $3",
                )
                .bind(version)
                .bind(now)
                .bind(id.0)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 0 {
                    return Err($crate::storage::StorageError::NotFound);
                }
                Ok(())
            }

            async fn update_password(&self, id: HolderId, password_hash: &str) -> StorageResult<()> {
                let done = sqlx::query("UPDATE holders SET password_hash = $1 WHERE id = $2")
                    .bind(password_hash)
                    .bind(id.0)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err($crate::storage::StorageError::NotFound);
                }
                Ok(())
            }

            async fn create_session(&self, session: &NewSession) -> StorageResult<()> {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, holder_id, created_at, last_seen_at, expires_at) \
                     VALUES ($1, $2, $3, $3, $4)",
                )
                .bind(&session.token_hash)
                .bind(session.holder.0)
                .bind(session.created_at)
                .bind(session.expires_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn session(&self, token_hash: &str) -> StorageResult<Option<SessionRecord>> {
                #[derive(sqlx::FromRow)]
                struct Row {
                    token_hash: String,
                    holder_id: i64,
                    id_type: String,
                    id_number: String,
                    name: String,
                    terms_version: Option<i64>,
                    created_at: i64,
                    last_seen_at: i64,
                    expires_at: i64,
                }
                let row: Option<Row> = sqlx::query_as(
                    "SELECT s.token_hash, s.holder_id, h.id_type, h.id_number, h.name, \
                     h.terms_version, s.created_at, s.last_seen_at, s.expires_at FROM sessions s \
                     JOIN holders h ON h.id = s.holder_id WHERE s.token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| {
                    Ok(SessionRecord {
                        token_hash: r.token_hash,
                        holder: HolderId(r.holder_id),
                        owner: Owner {
                            id_number: $crate::domain::IdNumber::from_trusted(
                                $crate::storage::sql::id_type(&r.id_type)?,
                                r.id_number,
                            ),
                            name: $crate::domain::HolderName::from_trusted(r.name),
                        },
                        terms_version: r.terms_version,
                        created_at: r.created_at,
                        last_seen_at: r.last_seen_at,
                        expires_at: r.expires_at,
                    })
                })
                .transpose()
            }

            async fn touch_session(&self, token_hash: &str, now: Millis) -> StorageResult<()> {
                sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                    .bind(now)
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_session(&self, token_hash: &str) -> StorageResult<()> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_other_sessions(&self, holder: HolderId, keep: &str) -> StorageResult<u64> {
                Ok(sqlx::query("DELETE FROM sessions WHERE holder_id = $1 AND token_hash <> $2")
                    .bind(holder.0)
                    .bind(keep)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }

            async fn delete_stale_sessions(&self, now: Millis, idle_before: Millis) -> StorageResult<u64> {
                Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2")
                    .bind(now)
                    .bind(idle_before)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }

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
                    .fetch_optional(&self.pool)
                    .await?;
                    if let Some(Some(until)) = until {
                        if until > now {
                            latest = Some(latest.map_or(until, |l: Millis| l.max(until)));
                        }
                    }
                }
                Ok(latest)
            }

            async fn record_login_failure(
                &self,
                key: &str,
                now: Millis,
                policy: ThrottlePolicy,
            ) -> StorageResult<Option<Millis>> {
                let mut tx = self
                    .pool
                    .begin_with(<$store as $crate::storage::Dialect>::BEGIN_WRITE)
                    .await?;
                let sql = format!(
                    "SELECT failures, window_start FROM login_throttle WHERE throttle_key = $1{}",
                    <$store as $crate::storage::Dialect>::FOR_UPDATE
                );
                let current: Option<(i64, i64)> = sqlx::query_as(&sql)
                .bind(key)
                .fetch_optional(&mut *tx)
                .await?;
                // A new window starts when the previous one has passed.
                let (failures, window_start) = match current {
                    Some((failures, start)) if now - start < policy.window_ms => (failures + 1, start),
                    _ => (1, now),
                };
                let locked_until = (failures >= policy.max_failures).then_some(now + policy.lock_ms);
                // Once locked, the count starts again, so the next lock needs as many failures.
                let (failures, window_start) = if locked_until.is_some() { (0, now) } else { (failures, window_start) };
                sqlx::query(
                    "INSERT INTO login_throttle (throttle_key, failures, window_start, locked_until) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (throttle_key) DO UPDATE SET \
                     failures = excluded.failures, window_start = excluded.window_start, \
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

            async fn clear_throttle(&self, key: &str) -> StorageResult<()> {
                sqlx::query("DELETE FROM login_throttle WHERE throttle_key = $1")
                    .bind(key)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            #[tracing::instrument(skip_all, fields(number = %record.number))]
            async fn upsert_certificate(
                &self,
                record: &CertificateRecord,
                now: Millis,
            ) -> StorageResult<(CertificateId, UpsertOutcome)> {
                let hash = record.content_hash();
                let (status, revoked_on, reason) =
                    $crate::storage::sql::status_columns(&record.status);
                let mut tx = self
                    .pool
                    .begin_with(<$store as $crate::storage::Dialect>::BEGIN_WRITE)
                    .await?;
                let existing: Option<(i64, String)> = sqlx::query_as(
                    "SELECT id, content_hash FROM certificates WHERE cert_number = $1",
                )
                .bind(&record.number)
                .fetch_optional(&mut *tx)
                .await?;
                let outcome = match existing {
                    Some((id, old_hash)) if old_hash == hash => {
                        (CertificateId(id), UpsertOutcome::Unchanged)
                    }
                    Some((id, _)) => {
                        sqlx::query(
                            "UPDATE certificates SET holder_id_type = $1, holder_id_number = $2, \
                             holder_name = $3, qualification = $4, level = $5, specialty = $6, \
                             issued_on = $7, issuer = $8, electronic = $9, status = $10, \
                             revoked_on = $11, revoke_reason = $12, content_hash = $13, \
                             updated_at = $14 WHERE id = $15",
                        )
                        .bind(record.holder_id.id_type().code())
                        .bind(record.holder_id.as_str())
                        .bind(record.holder_name.as_str())
                        .bind(&record.qualification)
                        .bind(&record.level)
                        .bind(&record.specialty)
                        .bind(record.issued_on.to_string())
                        .bind(&record.issuer)
                        .bind(record.electronic)
                        .bind(status)
                        .bind(&revoked_on)
                        .bind(&reason)
                        .bind(&hash)
                        .bind(now)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                        (CertificateId(id), UpsertOutcome::Updated)
                    }
                    None => {
                        let id: i64 = sqlx::query_scalar(
                            "INSERT INTO certificates (public_id, cert_number, holder_id_type, \
                             holder_id_number, holder_name, qualification, level, specialty, \
                             issued_on, issuer, electronic, status, revoked_on, revoke_reason, \
                             content_hash, created_at, updated_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
                             $15, $16, $16) RETURNING id",
                        )
                        .bind(new_public_id())
                        .bind(&record.number)
                        .bind(record.holder_id.id_type().code())
                        .bind(record.holder_id.as_str())
                        .bind(record.holder_name.as_str())
                        .bind(&record.qualification)
                        .bind(&record.level)
                        .bind(&record.specialty)
                        .bind(record.issued_on.to_string())
                        .bind(&record.issuer)
                        .bind(record.electronic)
                        .bind(status)
                        .bind(&revoked_on)
                        .bind(&reason)
                        .bind(&hash)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?;
                        (CertificateId(id), UpsertOutcome::Inserted)
                    }
                };
                tx.commit().await?;
                Ok(outcome)
            }

            #[tracing::instrument(skip_all)]
            async fn certificate_by_number(
                &self,
                number: &str,
            ) -> StorageResult<Option<Certificate>> {
                let sql = format!(
                    "SELECT {} FROM certificates WHERE cert_number = $1",
                    $crate::storage::sql::CERTIFICATE_COLUMNS
                );
                sqlx::query_as::<_, $crate::storage::sql::DbCertificate>(&sql)
                    .bind(number)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(Certificate::try_from)
                    .transpose()
            }

            #[tracing::instrument(skip_all)]
            async fn insert_certificate_file(
                &self,
                file: &NewCertificateFile,
            ) -> StorageResult<String> {
                let public_id = new_public_id();
                sqlx::query(
                    "INSERT INTO certificate_files (public_id, certificate_id, file_name, \
                     content_type, size, sha256, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&public_id)
                .bind(file.certificate_id.0)
                .bind(&file.file_name)
                .bind(&file.content_type)
                .bind(file.size)
                .bind(&file.sha256)
                .bind(file.created_at)
                .execute(&self.pool)
                .await?;
                Ok(public_id)
            }

            #[tracing::instrument(skip_all)]
            async fn certificates_of(
                &self,
                owner: &Owner,
            ) -> StorageResult<Vec<(Certificate, i64)>> {
                let sql = format!(
                    "SELECT {}, (SELECT COUNT(*) FROM certificate_files f \
                     WHERE f.certificate_id = certificates.id) AS file_count \
                     FROM certificates WHERE holder_id_type = $1 AND holder_id_number = $2 \
                     AND holder_name = $3 ORDER BY issued_on DESC, id DESC",
                    $crate::storage::sql::CERTIFICATE_COLUMNS
                );
                let rows: Vec<$crate::storage::sql::DbCertificateWithCount> = sqlx::query_as(&sql)
                    .bind(owner.id_number.id_type().code())
                    .bind(owner.id_number.as_str())
                    .bind(owner.name.as_str())
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter()
                    .map(|r| Ok((Certificate::try_from(r.certificate)?, r.file_count)))
                    .collect()
            }

            #[tracing::instrument(skip_all)]
            async fn certificate_of(
                &self,
                owner: &Owner,
                public_id: &str,
            ) -> StorageResult<Option<Certificate>> {
                let sql = format!(
                    "SELECT {} FROM certificates WHERE public_id = $1 AND holder_id_type = $2 \
                     AND holder_id_number = $3 AND holder_name = $4",
                    $crate::storage::sql::CERTIFICATE_COLUMNS
                );
                sqlx::query_as::<_, $crate::storage::sql::DbCertificate>(&sql)
                    .bind(public_id)
                    .bind(owner.id_number.id_type().code())
                    .bind(owner.id_number.as_str())
                    .bind(owner.name.as_str())
                    .fetch_optional(&self.pool)
                    .await?
                    .map(Certificate::try_from)
                    .transpose()
            }

            #[tracing::instrument(skip_all)]
            async fn file_of(
                &self,
                owner: &Owner,
                file_public_id: &str,
            ) -> StorageResult<Option<(FileMeta, Certificate)>> {
                let file: Option<$crate::storage::sql::DbFileOfCertificate> = sqlx::query_as(
                    "SELECT public_id, file_name, content_type, size, sha256, created_at, \
                     certificate_id FROM certificate_files WHERE public_id = $1",
                )
                .bind(file_public_id)
                .fetch_optional(&self.pool)
                .await?;
                let Some($crate::storage::sql::DbFileOfCertificate { meta, certificate_id }) = file
                else {
                    return Ok(None);
                };
                let sql = format!(
                    "SELECT {} FROM certificates WHERE id = $1 AND holder_id_type = $2 \
                     AND holder_id_number = $3 AND holder_name = $4",
                    $crate::storage::sql::CERTIFICATE_COLUMNS
                );
                let certificate = sqlx::query_as::<_, $crate::storage::sql::DbCertificate>(&sql)
                    .bind(certificate_id)
                    .bind(owner.id_number.id_type().code())
                    .bind(owner.id_number.as_str())
                    .bind(owner.name.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                match certificate {
                    Some(row) => Ok(Some((FileMeta::from(meta), Certificate::try_from(row)?))),
                    None => Ok(None),
                }
            }

            async fn files_of_certificate(
                &self,
                id: CertificateId,
            ) -> StorageResult<Vec<FileMeta>> {
                let rows: Vec<$crate::storage::sql::DbFileMeta> = sqlx::query_as(
                    "SELECT public_id, file_name, content_type, size, sha256, created_at \
                     FROM certificate_files WHERE certificate_id = $1 ORDER BY created_at, id",
                )
                .bind(id.0)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(FileMeta::from).collect())
            }

            async fn append_audit(&self, entry: &AuditEntry) -> StorageResult<()> {
                sqlx::query(
                    "INSERT INTO audit_log (at, actor, action, subject, detail) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(entry.at)
                .bind(&entry.actor)
                .bind(&entry.action)
                .bind(&entry.subject)
                .bind(&entry.detail)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn audit_entries(&self, subject: &str) -> StorageResult<Vec<AuditEntry>> {
                let rows: Vec<$crate::storage::sql::DbAuditEntry> = sqlx::query_as(
                    "SELECT at, actor, action, subject, detail FROM audit_log \
                     WHERE subject = $1 ORDER BY at, id",
                )
                .bind(subject)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| AuditEntry {
                        at: r.at,
                        actor: r.actor,
                        action: r.action,
                        subject: r.subject,
                        detail: r.detail,
                    })
                    .collect())
            }
        }
    };
}

pub(super) use impl_storage;
