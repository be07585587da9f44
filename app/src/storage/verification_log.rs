//! The log of verifications: appended in batches by the verification writer, read back per
//! certificate for the holder.

use super::rows::{fetch_as, IntoDomain};
use super::{Dialect, PgStorage, SqliteStorage, StorageError, StorageResult};
use crate::domain::{AnnotationId, CertificateId, VerificationRecord};
use crate::verification::views::{Method, Verdict};
use async_trait::async_trait;

#[async_trait]
pub trait VerificationLogStore: Send + Sync {
    /// Appends verifications to the log, in one transaction.
    async fn append_verifications(&self, entries: &[VerificationRecord]) -> StorageResult<()>;

    /// The most recent verifications of a certificate, newest first, with the annotation
    /// number where one was checked.
    async fn verifications_of_certificate(
        &self,
        certificate: CertificateId,
        limit: i64,
    ) -> StorageResult<Vec<(VerificationRecord, Option<String>)>>;
}

/// Rows per `INSERT`: at thousands of checks a second, per-statement overhead would otherwise
/// dominate the writer. Not too many: SQLite finds a `$n` parameter by name, a cost that grows
/// with the parameters per statement.
const ROWS_PER_INSERT: usize = 20;

/// `INSERT … VALUES ($1, …, $6), ($7, …, $12), …` for `rows` rows.
fn insert_sql(rows: usize) -> String {
    let values: Vec<String> = (0..rows)
        .map(|i| {
            let p = i * 6;
            format!(
                "(${}, ${}, ${}, ${}, ${}, ${})",
                p + 1,
                p + 2,
                p + 3,
                p + 4,
                p + 5,
                p + 6
            )
        })
        .collect();
    format!(
        "INSERT INTO verification_log (at, method, certificate_id, annotation_id, verdict, \
         purpose) VALUES {}",
        values.join(",")
    )
}

/// A log entry with the number of the annotation it checked, if any.
#[derive(sqlx::FromRow)]
struct DbVerification {
    at: i64,
    method: String,
    certificate_id: Option<i64>,
    annotation_id: Option<i64>,
    verdict: String,
    purpose: Option<String>,
    annotation_number: Option<String>,
}

impl TryFrom<DbVerification> for (VerificationRecord, Option<String>) {
    type Error = StorageError;

    fn try_from(r: DbVerification) -> StorageResult<(VerificationRecord, Option<String>)> {
        let method = Method::from_code(&r.method)
            .ok_or_else(|| StorageError::Corrupt(format!("method {:?}", r.method)))?;
        let verdict = Verdict::from_code(&r.verdict)
            .ok_or_else(|| StorageError::Corrupt(format!("verdict {:?}", r.verdict)))?;
        let record = VerificationRecord {
            at: r.at,
            method,
            certificate: r.certificate_id.map(CertificateId),
            annotation: r.annotation_id.map(AnnotationId),
            verdict,
            purpose: r.purpose,
        };
        Ok((record, r.annotation_number))
    }
}

macro_rules! impl_verification_log_store {
    ($store:ty) => {
        #[async_trait]
        impl VerificationLogStore for $store {
            #[tracing::instrument(skip_all, fields(count = entries.len()))]
            async fn append_verifications(
                &self,
                entries: &[VerificationRecord],
            ) -> StorageResult<()> {
                if entries.is_empty() {
                    return Ok(());
                }
                let mut tx = self
                    .pool()
                    .begin_with(<Self as Dialect>::BEGIN_WRITE)
                    .await?;
                for chunk in entries.chunks(ROWS_PER_INSERT) {
                    let sql = insert_sql(chunk.len());
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

            #[tracing::instrument(skip_all, fields(certificate = certificate.0, limit = limit))]
            async fn verifications_of_certificate(
                &self,
                certificate: CertificateId,
                limit: i64,
            ) -> StorageResult<Vec<(VerificationRecord, Option<String>)>> {
                const SQL: &str = "SELECT v.at, v.method, v.certificate_id, v.annotation_id, \
                     v.verdict, v.purpose, a.annotation_number FROM verification_log v \
                     LEFT JOIN annotations a ON a.id = v.annotation_id \
                     WHERE v.certificate_id = $1 ORDER BY v.at DESC, v.id DESC LIMIT $2";
                fetch_as!(
                    self.pool(),
                    DbVerification,
                    SQL,
                    fetch_all,
                    certificate.0,
                    limit
                )
            }
        }
    };
}

impl_verification_log_store!(SqliteStorage);
impl_verification_log_store!(PgStorage);

#[cfg(test)]
mod tests {
    #[test]
    fn insert_numbers_the_parameters_of_every_row() {
        assert_eq!(
            super::insert_sql(2),
            "INSERT INTO verification_log (at, method, certificate_id, annotation_id, verdict, \
             purpose) VALUES ($1, $2, $3, $4, $5, $6),($7, $8, $9, $10, $11, $12)"
        );
    }
}
