//! The SQL shared by both backends, written once. `impl_storage!` instantiates it for a backend
//! struct with a `pool` field; placeholders are `$n`, which both SQLite and PostgreSQL accept.

use super::{StorageError, StorageResult};
use crate::domain::{
    Annotation, AnnotationId, AnnotationState, Certificate, CertificateId, CertificateRecord,
    CertificateStatus, FileMeta, Holder, HolderId,
};
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

pub(super) fn date(text: &str) -> StorageResult<Date> {
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
pub(super) struct DbAnnotation {
    pub id: i64,
    pub code: String,
    pub annotation_number: String,
    pub certificate_id: i64,
    pub holder_id: i64,
    pub scenario: String,
    pub validity_days: i64,
    pub applied_at: i64,
    pub applied_on: String,
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub produced_at: Option<i64>,
    pub valid_from: Option<i64>,
    pub valid_until: Option<i64>,
    pub pdf_sha256: Option<String>,
    pub key_fingerprint: Option<String>,
    pub produced_by: Option<String>,
}

pub(super) const ANNOTATION_COLUMNS: &str = "id, code, annotation_number, certificate_id, \
     holder_id, scenario, validity_days, applied_at, applied_on, state, attempts, last_error, \
     produced_at, valid_from, valid_until, pdf_sha256, key_fingerprint, produced_by";

impl TryFrom<DbAnnotation> for Annotation {
    type Error = StorageError;

    fn try_from(row: DbAnnotation) -> StorageResult<Annotation> {
        use crate::domain::annotation::{Scenario, ValidityDays};
        Ok(Annotation {
            id: AnnotationId(row.id),
            code: row.code,
            number: row.annotation_number,
            certificate: CertificateId(row.certificate_id),
            holder: HolderId(row.holder_id),
            scenario: Scenario::parse(&row.scenario)
                .map_err(|_| StorageError::Corrupt(format!("scenario {:?}", row.scenario)))?,
            validity: ValidityDays::from_trusted(row.validity_days),
            applied_at: row.applied_at,
            applied_on: date(&row.applied_on)?,
            state: match row.state.as_str() {
                "queued" => AnnotationState::Queued,
                "ready" => AnnotationState::Ready,
                "failed" => AnnotationState::Failed,
                other => return Err(StorageError::Corrupt(format!("state {other:?}"))),
            },
            attempts: row.attempts,
            last_error: row.last_error,
            produced_at: row.produced_at,
            valid_from: row.valid_from,
            valid_until: row.valid_until,
            pdf_sha256: row.pdf_sha256,
            key_fingerprint: row.key_fingerprint,
            produced_by: row.produced_by,
        })
    }
}

/// An annotation joined with its certificate; certificate columns are prefixed `c_`.
#[derive(sqlx::FromRow)]
pub(super) struct DbAnnotationWithCertificate {
    #[sqlx(flatten)]
    pub annotation: DbAnnotation,
    pub c_id: i64,
    pub c_public_id: String,
    pub c_cert_number: String,
    pub c_holder_id_type: String,
    pub c_holder_id_number: String,
    pub c_holder_name: String,
    pub c_qualification: String,
    pub c_level: String,
    pub c_specialty: String,
    pub c_issued_on: String,
    pub c_issuer: String,
    pub c_electronic: bool,
    pub c_status: String,
    pub c_revoked_on: Option<String>,
    pub c_revoke_reason: Option<String>,
    pub c_created_at: i64,
    pub c_updated_at: i64,
}

pub(super) const ANNOTATION_WITH_CERTIFICATE: &str = "SELECT a.id, a.code, \
     a.annotation_number, a.certificate_id, a.holder_id, a.scenario, a.validity_days, \
     a.applied_at, a.applied_on, a.state, a.attempts, a.last_error, a.produced_at, a.valid_from, \
     a.valid_until, a.pdf_sha256, a.key_fingerprint, a.produced_by, c.id AS c_id, \
     c.public_id AS c_public_id, c.cert_number AS c_cert_number, \
     c.holder_id_type AS c_holder_id_type, c.holder_id_number AS c_holder_id_number, \
     c.holder_name AS c_holder_name, c.qualification AS c_qualification, c.level AS c_level, \
     c.specialty AS c_specialty, c.issued_on AS c_issued_on, c.issuer AS c_issuer, \
     c.electronic AS c_electronic, c.status AS c_status, c.revoked_on AS c_revoked_on, \
     c.revoke_reason AS c_revoke_reason, c.created_at AS c_created_at, \
     c.updated_at AS c_updated_at FROM annotations a JOIN certificates c \
     ON c.id = a.certificate_id WHERE a.code = $1";

impl TryFrom<DbAnnotationWithCertificate> for (Annotation, Certificate) {
    type Error = StorageError;

    fn try_from(row: DbAnnotationWithCertificate) -> StorageResult<(Annotation, Certificate)> {
        let certificate = Certificate::try_from(DbCertificate {
            id: row.c_id,
            public_id: row.c_public_id,
            cert_number: row.c_cert_number,
            holder_id_type: row.c_holder_id_type,
            holder_id_number: row.c_holder_id_number,
            holder_name: row.c_holder_name,
            qualification: row.c_qualification,
            level: row.c_level,
            specialty: row.c_specialty,
            issued_on: row.c_issued_on,
            issuer: row.c_issuer,
            electronic: row.c_electronic,
            status: row.c_status,
            revoked_on: row.c_revoked_on,
            revoke_reason: row.c_revoke_reason,
            created_at: row.c_created_at,
            updated_at: row.c_updated_at,
        })?;
        Ok((Annotation::try_from(row.annotation)?, certificate))
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct DbSigningKey {
    pub fingerprint: String,
    pub subject: String,
    pub cert_pem: String,
    pub not_before: i64,
    pub not_after: i64,
    pub added_at: i64,
    pub active: bool,
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

/// The update of a certificate's content that the single upsert and both import paths share:
/// every content column (`$1`–`$14`), then the caller's `WHERE` clause, whose parameters start
/// at `$15` and are bound by the caller.
macro_rules! update_certificate_content {
    ($where:literal, $record:expr, $hash:expr, $now:expr) => {{
        let record: &$crate::domain::CertificateRecord = $record;
        let (status, revoked_on, reason) = $crate::storage::sql::status_columns(&record.status);
        sqlx::query(concat!(
            "UPDATE certificates SET holder_id_type = $1, holder_id_number = $2, \
             holder_name = $3, qualification = $4, level = $5, specialty = $6, \
             issued_on = $7, issuer = $8, electronic = $9, status = $10, \
             revoked_on = $11, revoke_reason = $12, content_hash = $13, \
             updated_at = $14 WHERE ",
            $where
        ))
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
        .bind(revoked_on)
        .bind(reason)
        .bind($hash)
        .bind($now)
    }};
}

pub(super) use update_certificate_content;

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
                        $crate::storage::sql::update_certificate_content!(
                            "id = $15", record, &hash, now
                        )
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

            async fn certificate_by_id(&self, id: CertificateId) -> StorageResult<Certificate> {
                let sql = format!(
                    "SELECT {} FROM certificates WHERE id = $1",
                    $crate::storage::sql::CERTIFICATE_COLUMNS
                );
                sqlx::query_as::<_, $crate::storage::sql::DbCertificate>(&sql)
                    .bind(id.0)
                    .fetch_one(&self.pool)
                    .await?
                    .try_into()
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

            async fn apply_annotation(&self, new: &NewAnnotation) -> StorageResult<ApplyOutcome> {
                use $crate::domain::annotation::{quota, Quota, WINDOW_DAYS};
                let mut tx = self
                    .pool
                    .begin_with(<$store as $crate::storage::Dialect>::BEGIN_WRITE)
                    .await?;
                // Holding the certificate row serialises applications for it (PostgreSQL);
                // SQLite's IMMEDIATE transaction already holds the whole database.
                let lock = format!(
                    "SELECT id FROM certificates WHERE id = $1{}",
                    <$store as $crate::storage::Dialect>::FOR_UPDATE
                );
                sqlx::query(&lock)
                    .bind(new.certificate.0)
                    .fetch_one(&mut *tx)
                    .await?;
                let window_start = new.applied_on - time::Duration::days(WINDOW_DAYS - 1);
                let days: Vec<String> = sqlx::query_scalar(
                    "SELECT applied_on FROM annotations WHERE certificate_id = $1 \
                     AND state <> 'failed' AND applied_on >= $2",
                )
                .bind(new.certificate.0)
                .bind(window_start.to_string())
                .fetch_all(&mut *tx)
                .await?;
                let days: Vec<time::Date> = days
                    .iter()
                    .map(|d| $crate::storage::sql::date(d))
                    .collect::<StorageResult<_>>()?;
                if let Quota::Reached { next_possible } = quota(&days, new.applied_on) {
                    tx.rollback().await?;
                    return Ok(ApplyOutcome::QuotaReached { next_possible });
                }
                let sql = format!(
                    "INSERT INTO annotations (code, annotation_number, certificate_id, holder_id, \
                     scenario, validity_days, applied_at, applied_on, state, attempts, \
                     next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, $7) \
                     RETURNING {}",
                    $crate::storage::sql::ANNOTATION_COLUMNS
                );
                let row: $crate::storage::sql::DbAnnotation = sqlx::query_as(&sql)
                    .bind(&new.code)
                    .bind(&new.number)
                    .bind(new.certificate.0)
                    .bind(new.holder.0)
                    .bind(new.scenario.code())
                    .bind(new.validity.days())
                    .bind(new.applied_at)
                    .bind(new.applied_on.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(ApplyOutcome::Applied(Box::new(Annotation::try_from(row)?)))
            }

            async fn annotations_of_certificate(
                &self,
                id: CertificateId,
            ) -> StorageResult<Vec<Annotation>> {
                let sql = format!(
                    "SELECT {} FROM annotations WHERE certificate_id = $1 \
                     ORDER BY applied_at DESC, id DESC",
                    $crate::storage::sql::ANNOTATION_COLUMNS
                );
                let rows: Vec<$crate::storage::sql::DbAnnotation> = sqlx::query_as(&sql)
                    .bind(id.0)
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map(Annotation::try_from).collect()
            }

            async fn annotation_by_code(
                &self,
                code: &str,
            ) -> StorageResult<Option<(Annotation, Certificate)>> {
                let sql = format!(
                    "SELECT {} FROM annotations WHERE code = $1",
                    $crate::storage::sql::ANNOTATION_COLUMNS
                );
                let row: Option<$crate::storage::sql::DbAnnotation> = sqlx::query_as(&sql)
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await?;
                let Some(row) = row else {
                    return Ok(None);
                };
                let annotation = Annotation::try_from(row)?;
                let certificate = self.certificate_by_id(annotation.certificate).await?;
                Ok(Some((annotation, certificate)))
            }

            async fn annotation_pdf(&self, id: AnnotationId) -> StorageResult<Option<Vec<u8>>> {
                let pdf: Option<Option<Vec<u8>>> =
                    sqlx::query_scalar("SELECT pdf FROM annotations WHERE id = $1")
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(pdf.flatten())
            }

            async fn claim_annotation(
                &self,
                worker: &str,
                now: Millis,
                lease_ms: i64,
            ) -> StorageResult<Option<(Annotation, Certificate)>> {
                let sql = format!(
                    "UPDATE annotations SET lease_owner = $1, lease_until = $2, \
                     attempts = attempts + 1 WHERE id = (SELECT id FROM annotations \
                     WHERE state = 'queued' AND next_attempt_at <= $3 \
                     AND (lease_until IS NULL OR lease_until < $3) \
                     ORDER BY next_attempt_at, id LIMIT 1{}) RETURNING {}",
                    <$store as $crate::storage::Dialect>::SKIP_LOCKED,
                    $crate::storage::sql::ANNOTATION_COLUMNS
                );
                let row: Option<$crate::storage::sql::DbAnnotation> = sqlx::query_as(&sql)
                    .bind(worker)
                    .bind(now + lease_ms)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await?;
                let Some(row) = row else {
                    return Ok(None);
                };
                let annotation = Annotation::try_from(row)?;
                let certificate = self.certificate_by_id(annotation.certificate).await?;
                Ok(Some((annotation, certificate)))
            }

            async fn complete_annotation(
                &self,
                id: AnnotationId,
                worker: &str,
                produced: &ProducedAnnotation,
            ) -> StorageResult<bool> {
                let mut tx = self
                    .pool
                    .begin_with(<$store as $crate::storage::Dialect>::BEGIN_WRITE)
                    .await?;
                let done = sqlx::query(
                    "UPDATE annotations SET state = 'ready', pdf = $1, pdf_sha256 = $2, \
                     key_fingerprint = $3, produced_at = $4, valid_from = $5, valid_until = $6, \
                     produced_by = $7, lease_owner = NULL, lease_until = NULL, last_error = NULL \
                     WHERE id = $8 AND state = 'queued' AND lease_owner = $7",
                )
                .bind(&produced.pdf)
                .bind(&produced.pdf_sha256)
                .bind(&produced.key_fingerprint)
                .bind(produced.produced_at)
                .bind(produced.valid_from)
                .bind(produced.valid_until)
                .bind(worker)
                .bind(id.0)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    == 1;
                if done {
                    sqlx::query(
                        "INSERT INTO audit_log (at, actor, action, subject, detail) \
                         VALUES ($1, $2, 'annotation.ready', $3, $4)",
                    )
                    .bind(produced.produced_at)
                    .bind(format!("worker:{worker}"))
                    .bind(format!("annotation:{}", id.0))
                    .bind(format!(
                        "{{\"pdf_sha256\":\"{}\",\"key\":\"{}\"}}",
                        produced.pdf_sha256, produced.key_fingerprint
                    ))
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(done)
            }

            async fn fail_annotation_attempt(
                &self,
                id: AnnotationId,
                worker: &str,
                error: &str,
                retry_at: Option<Millis>,
                now: Millis,
            ) -> StorageResult<()> {
                let (state, next) = match retry_at {
                    Some(at) => ("queued", at),
                    None => ("failed", now),
                };
                sqlx::query(
                    "UPDATE annotations SET state = $1, next_attempt_at = $2, last_error = $3, \
                     lease_owner = NULL, lease_until = NULL \
                     WHERE id = $4 AND state = 'queued' AND lease_owner = $5",
                )
                .bind(state)
                .bind(next)
                .bind(error)
                .bind(id.0)
                .bind(worker)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn failed_annotations(&self) -> StorageResult<Vec<Annotation>> {
                let sql = format!(
                    "SELECT {} FROM annotations WHERE state = 'failed' ORDER BY applied_at DESC",
                    $crate::storage::sql::ANNOTATION_COLUMNS
                );
                let rows: Vec<$crate::storage::sql::DbAnnotation> =
                    sqlx::query_as(&sql).fetch_all(&self.pool).await?;
                rows.into_iter().map(Annotation::try_from).collect()
            }

            async fn register_signing_key(&self, key: &SigningKeyRecord) -> StorageResult<()> {
                let mut tx = self
                    .pool
                    .begin_with(<$store as $crate::storage::Dialect>::BEGIN_WRITE)
                    .await?;
                sqlx::query(
                    "INSERT INTO signing_keys (fingerprint, subject, cert_pem, not_before, \
                     not_after, added_at, active) VALUES ($1, $2, $3, $4, $5, $6, FALSE) \
                     ON CONFLICT (fingerprint) DO NOTHING",
                )
                .bind(&key.fingerprint)
                .bind(&key.subject)
                .bind(&key.cert_pem)
                .bind(key.not_before)
                .bind(key.not_after)
                .bind(key.added_at)
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

            async fn signing_keys(&self) -> StorageResult<Vec<SigningKeyRecord>> {
                let rows: Vec<$crate::storage::sql::DbSigningKey> = sqlx::query_as(
                    "SELECT fingerprint, subject, cert_pem, not_before, not_after, added_at, \
                     active FROM signing_keys ORDER BY added_at, fingerprint",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| SigningKeyRecord {
                        fingerprint: r.fingerprint,
                        subject: r.subject,
                        cert_pem: r.cert_pem,
                        not_before: r.not_before,
                        not_after: r.not_after,
                        added_at: r.added_at,
                        active: r.active,
                    })
                    .collect())
            }

            async fn annotation_with_certificate(
                &self,
                code: &str,
            ) -> StorageResult<Option<(Annotation, Certificate)>> {
                let row: Option<$crate::storage::sql::DbAnnotationWithCertificate> =
                    sqlx::query_as($crate::storage::sql::ANNOTATION_WITH_CERTIFICATE)
                        .bind(code)
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(<(Annotation, Certificate)>::try_from).transpose()
            }

            async fn certificate_by_number_and_name(
                &self,
                number: &str,
                name: &str,
            ) -> StorageResult<Option<Certificate>> {
                let sql = format!(
                    "SELECT {} FROM certificates WHERE cert_number = $1 AND holder_name = $2",
                    $crate::storage::sql::CERTIFICATE_COLUMNS
                );
                sqlx::query_as::<_, $crate::storage::sql::DbCertificate>(&sql)
                    .bind(number)
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(Certificate::try_from)
                    .transpose()
            }

            async fn certificate_by_public_id(
                &self,
                public_id: &str,
            ) -> StorageResult<Option<Certificate>> {
                let sql = format!(
                    "SELECT {} FROM certificates WHERE public_id = $1",
                    $crate::storage::sql::CERTIFICATE_COLUMNS
                );
                sqlx::query_as::<_, $crate::storage::sql::DbCertificate>(&sql)
                    .bind(public_id)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(Certificate::try_from)
                    .transpose()
            }

            async fn annotation_of_certificate(
                &self,
                certificate: CertificateId,
                number: &str,
            ) -> StorageResult<Option<Annotation>> {
                let sql = format!(
                    "SELECT {} FROM annotations WHERE certificate_id = $1 AND annotation_number = $2",
                    $crate::storage::sql::ANNOTATION_COLUMNS
                );
                sqlx::query_as::<_, $crate::storage::sql::DbAnnotation>(&sql)
                    .bind(certificate.0)
                    .bind(number)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(Annotation::try_from)
                    .transpose()
            }

            async fn append_verifications(
                &self,
                entries: &[VerificationRecord],
            ) -> StorageResult<()> {
                if entries.is_empty() {
                    return Ok(());
                }
                let mut tx = self
                    .pool
                    .begin_with(<$store as $crate::storage::Dialect>::BEGIN_WRITE)
                    .await?;
                // Many rows per statement: at thousands of checks a second, per-statement
                // overhead would otherwise dominate the writer. Not too many: SQLite finds a
                // `$n` parameter by name, a cost that grows with the parameters per statement.
                for chunk in entries.chunks(20) {
                    let mut sql = String::from(
                        "INSERT INTO verification_log (at, method, certificate_id, annotation_id, \
                         verdict, purpose) VALUES ",
                    );
                    for i in 0..chunk.len() {
                        let p = i * 6;
                        if i > 0 {
                            sql.push(',');
                        }
                        sql.push_str(&format!(
                            "(${}, ${}, ${}, ${}, ${}, ${})",
                            p + 1,
                            p + 2,
                            p + 3,
                            p + 4,
                            p + 5,
                            p + 6
                        ));
                    }
                    let mut query = sqlx::query(&sql);
                    for entry in chunk {
                        query = query
                            .bind(entry.at)
                            .bind(entry.method.code())
                            .bind(entry.certificate.map(|c| c.0))
                            .bind(entry.annotation.map(|a| a.0))
                            .bind(entry.verdict.code())
                            .bind(entry.purpose.clone());
                    }
                    query.execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn verifications_of_certificate(
                &self,
                certificate: CertificateId,
                limit: i64,
            ) -> StorageResult<Vec<(VerificationRecord, Option<String>)>> {
                #[derive(sqlx::FromRow)]
                struct Row {
                    at: i64,
                    method: String,
                    certificate_id: Option<i64>,
                    annotation_id: Option<i64>,
                    verdict: String,
                    purpose: Option<String>,
                    annotation_number: Option<String>,
                }
                let rows: Vec<Row> = sqlx::query_as(
                    "SELECT v.at, v.method, v.certificate_id, v.annotation_id, v.verdict, v.purpose, \
                     a.annotation_number FROM verification_log v \
                     LEFT JOIN annotations a ON a.id = v.annotation_id \
                     WHERE v.certificate_id = $1 ORDER BY v.at DESC, v.id DESC LIMIT $2",
                )
                .bind(certificate.0)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|r| {
                        use $crate::verification::views::{Method, Verdict};
                        Ok((
                            VerificationRecord {
                                at: r.at,
                                method: Method::from_code(&r.method).ok_or_else(|| {
                                    $crate::storage::StorageError::Corrupt(format!("method {:?}", r.method))
                                })?,
                                certificate: r.certificate_id.map(CertificateId),
                                annotation: r.annotation_id.map(AnnotationId),
                                verdict: Verdict::from_code(&r.verdict).ok_or_else(|| {
                                    $crate::storage::StorageError::Corrupt(format!("verdict {:?}", r.verdict))
                                })?,
                                purpose: r.purpose,
                            },
                            r.annotation_number,
                        ))
                    })
                    .collect()
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
