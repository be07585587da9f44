//! Annotations: applying for one (with the 3-in-90-days limit), and reading them back for the
//! holder's pages, verification and the operator. Their production queue is in
//! [`super::annotation_queue`].

use super::certificates::DbCertificate;
use super::rows::{
    date, execute, fetch_as, fetch_opened, FromSealedRow, IntoDomain, IntoDomainWith,
};
use super::{Dialect, PgStorage, SqliteStorage, StorageError, StorageResult};
use crate::domain::annotation::{quota_of, Quota, Scenario, ValidityDays, WINDOW_DAYS};
use crate::domain::time::Millis;
use crate::domain::{
    Annotation, AnnotationId, AnnotationState, ApplyOutcome, Certificate, CertificateId, HolderId,
    NewAnnotation,
};
use async_trait::async_trait;

#[async_trait]
pub trait AnnotationStore: Send + Sync {
    /// Applies for an annotation inside one transaction that holds the certificate, so that
    /// concurrent applications cannot exceed the limit ([`quota_of`] decides).
    async fn apply_annotation(&self, new: &NewAnnotation) -> StorageResult<ApplyOutcome>;

    /// The certificate's annotations, newest first, without PDF bytes.
    async fn annotations_of_certificate(&self, id: CertificateId)
        -> StorageResult<Vec<Annotation>>;

    /// An annotation and its certificate by the annotation's code, in one query (the hot
    /// path of verification by QR code, and the holder's copy pages).
    async fn annotation_with_certificate(
        &self,
        code: &str,
    ) -> StorageResult<Option<(Annotation, Certificate)>>;

    /// The certificate's annotation with this annotation number.
    async fn annotation_of_certificate(
        &self,
        certificate: CertificateId,
        number: &str,
    ) -> StorageResult<Option<Annotation>>;

    async fn annotation_pdf(&self, id: AnnotationId) -> StorageResult<Option<Vec<u8>>>;

    /// Annotations whose production failed for good, newest first (for the operator).
    async fn failed_annotations(&self) -> StorageResult<Vec<Annotation>>;

    /// Cancels (作废) the holder's ready, not yet cancelled copy at `now`, with its audit line,
    /// in one transaction. False when there was no such copy (another holder's, not ready,
    /// already cancelled): nothing changed.
    async fn cancel_annotation(
        &self,
        id: AnnotationId,
        holder: HolderId,
        now: Millis,
        audit: &crate::domain::AuditEntry,
    ) -> StorageResult<bool>;
}

#[derive(sqlx::FromRow)]
pub struct DbAnnotation {
    id: i64,
    code: String,
    annotation_number: String,
    certificate_id: i64,
    holder_id: i64,
    scenario: String,
    validity_days: i64,
    applied_at: i64,
    applied_on: String,
    state: String,
    attempts: i64,
    last_error: Option<String>,
    produced_at: Option<i64>,
    valid_from: Option<i64>,
    valid_until: Option<i64>,
    pdf_sha256: Option<String>,
    key_fingerprint: Option<String>,
    produced_by: Option<String>,
    cancelled_at: Option<i64>,
}

/// The columns [`DbAnnotation`] reads, in its order.
pub const ANNOTATION_COLUMNS: &str = "id, code, annotation_number, certificate_id, \
     holder_id, scenario, validity_days, applied_at, applied_on, state, attempts, last_error, \
     produced_at, valid_from, valid_until, pdf_sha256, key_fingerprint, produced_by, cancelled_at";

fn annotation_state(code: &str) -> StorageResult<AnnotationState> {
    match code {
        "queued" => Ok(AnnotationState::Queued),
        "ready" => Ok(AnnotationState::Ready),
        "failed" => Ok(AnnotationState::Failed),
        other => Err(StorageError::Corrupt(format!("state {other:?}"))),
    }
}

impl TryFrom<DbAnnotation> for Annotation {
    type Error = StorageError;

    fn try_from(row: DbAnnotation) -> StorageResult<Annotation> {
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
            state: annotation_state(&row.state)?,
            attempts: row.attempts,
            last_error: row.last_error,
            produced_at: row.produced_at,
            valid_from: row.valid_from,
            valid_until: row.valid_until,
            pdf_sha256: row.pdf_sha256,
            key_fingerprint: row.key_fingerprint,
            produced_by: row.produced_by,
            cancelled_at: row.cancelled_at,
        })
    }
}

/// An annotation joined with its certificate (certificate columns prefixed `c_`).
#[derive(sqlx::FromRow)]
struct DbAnnotationWithCertificate {
    #[sqlx(flatten)]
    annotation: DbAnnotation,
    c_id: i64,
    c_public_id: String,
    c_cert_number: String,
    c_holder_id_type: String,
    c_holder_id_number: String,
    c_holder_id_number_enc: Option<String>,
    c_holder_name: String,
    c_qualification: String,
    c_level: String,
    c_specialty: String,
    c_issued_on: String,
    c_issuer: String,
    c_electronic: bool,
    c_status: String,
    c_revoked_on: Option<String>,
    c_revoke_reason: Option<String>,
    c_created_at: i64,
    c_updated_at: i64,
}

const ANNOTATION_WITH_CERTIFICATE: &str = "SELECT a.id, a.code, \
     a.annotation_number, a.certificate_id, a.holder_id, a.scenario, a.validity_days, \
     a.applied_at, a.applied_on, a.state, a.attempts, a.last_error, a.produced_at, a.valid_from, \
     a.valid_until, a.pdf_sha256, a.key_fingerprint, a.produced_by, a.cancelled_at, \
     c.id AS c_id, \
     c.public_id AS c_public_id, c.cert_number AS c_cert_number, \
     c.holder_id_type AS c_holder_id_type, c.holder_id_number AS c_holder_id_number, \
     c.holder_id_number_enc AS c_holder_id_number_enc, \
     c.holder_name AS c_holder_name, c.qualification AS c_qualification, c.level AS c_level, \
     c.specialty AS c_specialty, c.issued_on AS c_issued_on, c.issuer AS c_issuer, \
     c.electronic AS c_electronic, c.status AS c_status, c.revoked_on AS c_revoked_on, \
     c.revoke_reason AS c_revoke_reason, c.created_at AS c_created_at, \
     c.updated_at AS c_updated_at FROM annotations a JOIN certificates c \
     ON c.id = a.certificate_id WHERE a.code = $1";

impl FromSealedRow<DbAnnotationWithCertificate> for (Annotation, Certificate) {
    fn from_sealed_row(
        row: DbAnnotationWithCertificate,
        keys: &super::DataKeys,
    ) -> StorageResult<(Annotation, Certificate)> {
        let certificate = DbCertificate {
            id: row.c_id,
            public_id: row.c_public_id,
            cert_number: row.c_cert_number,
            holder_id_type: row.c_holder_id_type,
            holder_id_number: row.c_holder_id_number,
            holder_id_number_enc: row.c_holder_id_number_enc,
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
        }
        .into_certificate(keys)?;
        Ok((Annotation::try_from(row.annotation)?, certificate))
    }
}

macro_rules! impl_annotation_store {
    ($store:ty) => {
        #[async_trait]
        impl AnnotationStore for $store {
            #[tracing::instrument(skip_all, fields(certificate = new.certificate.0, code = %new.code))]
            async fn apply_annotation(&self, new: &NewAnnotation) -> StorageResult<ApplyOutcome> {
                let mut tx = self.pool().begin_with(<Self as Dialect>::BEGIN_WRITE).await?;
                // Holding the certificate row serialises applications for it (PostgreSQL);
                // SQLite's IMMEDIATE transaction already holds the whole database.
                let lock = format!(
                    "SELECT id FROM certificates WHERE id = $1{}",
                    <Self as Dialect>::FOR_UPDATE
                );
                sqlx::query(&lock).bind(new.certificate.0).fetch_one(&mut *tx).await?;
                let window_start = new.applied_on - time::Duration::days(WINDOW_DAYS - 1);
                // Copies withdrawn by an account's deletion still count: deleting the account
                // and registering again is no way around the limit.
                let recent: Vec<(String, String)> = sqlx::query_as(
                    "SELECT state, applied_on FROM annotations WHERE certificate_id = $1 \
                     AND applied_on >= $2 UNION ALL SELECT 'ready', applied_on \
                     FROM withdrawn_copies WHERE certificate_id = $1 AND applied_on >= $2",
                )
                .bind(new.certificate.0)
                .bind(window_start.to_string())
                .fetch_all(&mut *tx)
                .await?;
                let recent = recent
                    .iter()
                    .map(|(state, day)| Ok((annotation_state(state)?, date(day)?)))
                    .collect::<StorageResult<Vec<_>>>()?;
                if let Quota::Reached { next_possible } = quota_of(recent, new.applied_on) {
                    tx.rollback().await?;
                    return Ok(ApplyOutcome::QuotaReached { next_possible });
                }
                let sql = format!(
                    "INSERT INTO annotations (code, annotation_number, certificate_id, holder_id, \
                     scenario, validity_days, applied_at, applied_on, state, attempts, \
                     next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, $7) \
                     RETURNING {ANNOTATION_COLUMNS}"
                );
                let row: DbAnnotation = sqlx::query_as(&sql)
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
                Ok(ApplyOutcome::Applied(Box::new(row.try_into()?)))
            }

            #[tracing::instrument(skip_all, fields(certificate = id.0))]
            async fn annotations_of_certificate(&self, id: CertificateId) -> StorageResult<Vec<Annotation>> {
                let sql = format!(
                    "SELECT {ANNOTATION_COLUMNS} FROM annotations WHERE certificate_id = $1 \
                     ORDER BY applied_at DESC, id DESC"
                );
                fetch_as!(self.pool(), DbAnnotation, &sql, fetch_all, id.0)
            }

            #[tracing::instrument(skip_all, fields(code = %code))]
            async fn annotation_with_certificate(&self, code: &str) -> StorageResult<Option<(Annotation, Certificate)>> {
                let sql = ANNOTATION_WITH_CERTIFICATE;
                fetch_opened!(self.keys(), self.pool(), DbAnnotationWithCertificate, sql, fetch_optional, code)
            }

            #[tracing::instrument(skip_all, fields(certificate = certificate.0, number = %number))]
            async fn annotation_of_certificate(&self, certificate: CertificateId, number: &str) -> StorageResult<Option<Annotation>> {
                let sql = format!(
                    "SELECT {ANNOTATION_COLUMNS} FROM annotations \
                     WHERE certificate_id = $1 AND annotation_number = $2"
                );
                fetch_as!(self.pool(), DbAnnotation, &sql, fetch_optional, certificate.0, number)
            }

            #[tracing::instrument(skip_all, fields(annotation = id.0))]
            async fn annotation_pdf(&self, id: AnnotationId) -> StorageResult<Option<Vec<u8>>> {
                let pdf: Option<Option<Vec<u8>>> =
                    sqlx::query_scalar("SELECT pdf FROM annotations WHERE id = $1")
                        .bind(id.0)
                        .fetch_optional(self.pool())
                        .await?;
                Ok(pdf.flatten())
            }

            #[tracing::instrument(skip_all)]
            async fn failed_annotations(&self) -> StorageResult<Vec<Annotation>> {
                let sql = format!(
                    "SELECT {ANNOTATION_COLUMNS} FROM annotations WHERE state = 'failed' \
                     ORDER BY applied_at DESC"
                );
                fetch_as!(self.pool(), DbAnnotation, &sql, fetch_all)
            }

            #[tracing::instrument(skip_all, fields(annotation = id.0, holder = holder.0))]
            async fn cancel_annotation(
                &self,
                id: AnnotationId,
                holder: HolderId,
                now: Millis,
                audit: &crate::domain::AuditEntry,
            ) -> StorageResult<bool> {
                use super::AuditLine;
                const SQL: &str = "UPDATE annotations SET cancelled_at = $1 \
                     WHERE id = $2 AND holder_id = $3 AND state = 'ready' AND cancelled_at IS NULL";
                let mut tx = self.pool().begin_with(<Self as super::Dialect>::BEGIN_WRITE).await?;
                let changed = execute!(&mut *tx, SQL, now, id.0, holder.0) == 1;
                if changed {
                    tx.insert_audit(audit).await?;
                }
                tx.commit().await?;
                Ok(changed)
            }
        }
    };
}

impl_annotation_store!(SqliteStorage);
impl_annotation_store!(PgStorage);
