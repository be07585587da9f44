//! The production queue of annotations: workers (in any number of processes) claim a queued
//! annotation under a lease, then complete it with the signed copy or record a failed attempt.

use super::annotations::{DbAnnotation, ANNOTATION_COLUMNS};
use super::audit::AuditLine;
use super::certificates::CertificateStore;
use super::{Dialect, PgStorage, SqliteStorage, StorageResult};
use crate::domain::{
    Annotation, AnnotationId, AuditEntry, Certificate, Millis, ProducedAnnotation,
};
use async_trait::async_trait;

#[async_trait]
pub trait AnnotationQueue: Send + Sync {
    /// Takes the next queued annotation that is due and not leased (or whose lease ran
    /// out), leasing it to `worker` until `now + lease_ms`. Safe with many workers in many
    /// processes.
    async fn claim_annotation(
        &self,
        worker: &str,
        now: Millis,
        lease_ms: i64,
    ) -> StorageResult<Option<(Annotation, Certificate)>>;

    /// Stores the produced copy and marks the annotation ready, only if `worker` still holds
    /// its lease; returns whether it did. Writes the audit line in the same transaction.
    async fn complete_annotation(
        &self,
        id: AnnotationId,
        worker: &str,
        produced: &ProducedAnnotation,
    ) -> StorageResult<bool>;

    /// Records a failed attempt: retried at `retry_at`, or failed for good when `None`.
    async fn fail_annotation_attempt(
        &self,
        id: AnnotationId,
        worker: &str,
        error: &str,
        retry_at: Option<Millis>,
        now: Millis,
    ) -> StorageResult<()>;
}

/// The audit line of a produced copy.
fn ready_audit(id: AnnotationId, worker: &str, produced: &ProducedAnnotation) -> AuditEntry {
    AuditEntry {
        at: produced.produced_at,
        actor: format!("worker:{worker}"),
        action: "annotation.ready".to_string(),
        subject: format!("annotation:{}", id.0),
        detail: serde_json::json!({
            "pdf_sha256": produced.pdf_sha256,
            "key": produced.key_fingerprint,
        })
        .to_string(),
    }
}

macro_rules! impl_annotation_queue {
    ($store:ty) => {
        #[async_trait]
        impl AnnotationQueue for $store {
            #[tracing::instrument(skip_all, fields(worker = %worker))]
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
                     ORDER BY next_attempt_at, id LIMIT 1{}) RETURNING {ANNOTATION_COLUMNS}",
                    <Self as Dialect>::SKIP_LOCKED,
                );
                let row: Option<DbAnnotation> = sqlx::query_as(&sql)
                    .bind(worker)
                    .bind(now + lease_ms)
                    .bind(now)
                    .fetch_optional(self.pool())
                    .await?;
                let Some(row) = row else {
                    return Ok(None);
                };
                let annotation = Annotation::try_from(row)?;
                let certificate = self.certificate_by_id(annotation.certificate).await?;
                Ok(Some((annotation, certificate)))
            }

            #[tracing::instrument(skip_all, fields(annotation = id.0, worker = %worker))]
            async fn complete_annotation(
                &self,
                id: AnnotationId,
                worker: &str,
                produced: &ProducedAnnotation,
            ) -> StorageResult<bool> {
                let mut tx = self.pool().begin_with(<Self as Dialect>::BEGIN_WRITE).await?;
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
                    tx.insert_audit(&ready_audit(id, worker, produced)).await?;
                }
                tx.commit().await?;
                Ok(done)
            }

            #[tracing::instrument(skip_all, fields(annotation = id.0, worker = %worker, retry = retry_at.is_some()))]
            async fn fail_annotation_attempt(&self, id: AnnotationId, worker: &str, error: &str, retry_at: Option<Millis>, now: Millis) -> StorageResult<()> {
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
                .execute(self.pool())
                .await?;
                Ok(())
            }
        }
    };
}

impl_annotation_queue!(SqliteStorage);
impl_annotation_queue!(PgStorage);
