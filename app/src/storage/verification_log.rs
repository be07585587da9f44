//! The log of verifications: appended in batches by the verification writer (a repeat within
//! its window is counted on the line it repeats), read back per certificate for the holder,
//! and swept after the retention time.

use super::rows::{fetch_as, IntoDomain};
use super::{Dialect, PgStorage, SqliteStorage, StorageError, StorageResult};
use crate::domain::{AnnotationId, CertificateId, Millis, VerificationRecord, REPEAT_WINDOW_MS};
use crate::verification::views::{Method, Verdict};
use async_trait::async_trait;
use std::collections::HashMap;

#[async_trait]
pub trait VerificationLogStore: Send + Sync {
    /// Appends verifications to the log, in one transaction. A record that repeats one in the
    /// log or in the batch (same source, certificate, copy, method, verdict and purpose, in the
    /// same window of [`REPEAT_WINDOW_MS`]) adds to that line's `repeats` instead.
    async fn append_verifications(&self, entries: &[VerificationRecord]) -> StorageResult<()>;

    /// The most recent lines of a certificate's log, newest first: at most `limit`, and at
    /// most `per_source` from any one source, the last of which also counts the checks of the
    /// source's lines that are not shown.
    async fn verifications_of_certificate(
        &self,
        certificate: CertificateId,
        limit: i64,
        per_source: i64,
    ) -> StorageResult<Vec<LogLine>>;

    /// Deletes the lines of checks made before `before`; returns how many.
    async fn delete_verifications_before(&self, before: Millis) -> StorageResult<u64>;
}

/// One line of a certificate's log as its holder sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub record: VerificationRecord,
    /// The number of the annotation checked, if a copy was.
    pub annotation_number: Option<String>,
    /// Checks from the same source that this line stands for besides its own: its repeats,
    /// and on the last line shown of a source, every check of that source's hidden lines.
    pub more: i64,
}

/// Rows per `INSERT`: at thousands of checks a second, per-statement overhead would otherwise
/// dominate the writer. Not too many: SQLite finds a `$n` parameter by name, a cost that grows
/// with the parameters per statement.
const ROWS_PER_INSERT: usize = 20;
/// Parameters per row of [`insert_sql`].
const COLUMNS: usize = 11;

/// `INSERT … VALUES ($1, …, $11), ($12, …), … ON CONFLICT …` for `rows` rows: a line that
/// repeats one already in the log adds its checks to it.
fn insert_sql(rows: usize) -> String {
    let values: Vec<String> = (0..rows)
        .map(|i| {
            let params: Vec<String> = (1..=COLUMNS)
                .map(|c| format!("${}", i * COLUMNS + c))
                .collect();
            format!("({})", params.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO verification_log (at, method, certificate_id, annotation_id, verdict, \
         purpose, source, repeat_key, repeat_window, repeats, last_at) VALUES {} \
         ON CONFLICT (repeat_key, repeat_window) DO UPDATE SET \
         repeats = verification_log.repeats + excluded.repeats + 1, \
         last_at = CASE WHEN excluded.last_at > verification_log.last_at \
         THEN excluded.last_at ELSE verification_log.last_at END",
        values.join(",")
    )
}

/// What makes two checks the same check, as a digest (NULLs would not compare equal in a
/// unique index on the columns themselves).
fn repeat_key(r: &VerificationRecord) -> String {
    crate::infra::sha256_hex(
        format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            r.source,
            r.certificate.0,
            r.annotation.map(|a| a.0.to_string()).unwrap_or_default(),
            r.method.code(),
            r.verdict.code(),
            r.purpose
                .as_deref()
                .map(|p| format!("+{p}"))
                .unwrap_or_default(),
        )
        .as_bytes(),
    )
}

/// A batch folded by repeat key and window: the first record of each, how many more, and
/// the time of the last. One statement may not touch a row twice (PostgreSQL refuses), so
/// repeats within the batch are counted here.
struct Folded<'a> {
    first: &'a VerificationRecord,
    key: String,
    window: i64,
    repeats: i64,
    last_at: Millis,
}

fn fold(entries: &[VerificationRecord]) -> Vec<Folded<'_>> {
    let mut index: HashMap<(String, i64), usize> = HashMap::new();
    let mut folded: Vec<Folded<'_>> = Vec::new();
    for entry in entries {
        let key = repeat_key(entry);
        let window = entry.at.div_euclid(REPEAT_WINDOW_MS);
        match index.get(&(key.clone(), window)) {
            Some(&i) => {
                let line = &mut folded[i];
                line.repeats += 1;
                line.last_at = line.last_at.max(entry.at);
            }
            None => {
                index.insert((key.clone(), window), folded.len());
                folded.push(Folded {
                    first: entry,
                    key,
                    window,
                    repeats: 0,
                    last_at: entry.at,
                });
            }
        }
    }
    folded
}

/// A log line with the number of the annotation it checked, if any.
#[derive(sqlx::FromRow)]
struct DbVerification {
    at: i64,
    method: String,
    certificate_id: i64,
    annotation_id: Option<i64>,
    verdict: String,
    purpose: Option<String>,
    source: Option<String>,
    annotation_number: Option<String>,
    more: i64,
}

impl TryFrom<DbVerification> for LogLine {
    type Error = StorageError;

    fn try_from(r: DbVerification) -> StorageResult<LogLine> {
        let method = Method::from_code(&r.method)
            .ok_or_else(|| StorageError::Corrupt(format!("method {:?}", r.method)))?;
        let verdict = Verdict::from_code(&r.verdict)
            .ok_or_else(|| StorageError::Corrupt(format!("verdict {:?}", r.verdict)))?;
        let record = VerificationRecord {
            at: r.at,
            method,
            certificate: CertificateId(r.certificate_id),
            annotation: r.annotation_id.map(AnnotationId),
            verdict,
            purpose: r.purpose,
            source: r.source.unwrap_or_default(),
        };
        Ok(LogLine {
            record,
            annotation_number: r.annotation_number,
            more: r.more,
        })
    }
}

/// The newest lines of one certificate, at most `$3` per source: `rn` numbers a source's lines
/// newest first, and `later` adds up the checks (a line and its repeats) of the lines after
/// each, which the last line shown of a source reports.
const LINES_OF_CERTIFICATE: &str = "SELECT x.at, x.method, x.certificate_id, x.annotation_id, \
     x.verdict, x.purpose, x.source, a.annotation_number, \
     CASE WHEN x.rn = $3 THEN x.repeats + COALESCE(x.later, 0) ELSE x.repeats END AS more \
     FROM (SELECT v.id, v.at, v.method, v.certificate_id, v.annotation_id, v.verdict, \
     v.purpose, v.source, v.repeats, \
     ROW_NUMBER() OVER (PARTITION BY v.source ORDER BY v.at DESC, v.id DESC) AS rn, \
     CAST(SUM(v.repeats + 1) OVER (PARTITION BY v.source ORDER BY v.at DESC, v.id DESC \
     ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS BIGINT) AS later \
     FROM verification_log v WHERE v.certificate_id = $1) x \
     LEFT JOIN annotations a ON a.id = x.annotation_id \
     WHERE x.rn <= $3 ORDER BY x.at DESC, x.id DESC LIMIT $2";

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
                let folded = fold(entries);
                let mut tx = self
                    .pool()
                    .begin_with(<Self as Dialect>::BEGIN_WRITE)
                    .await?;
                for chunk in folded.chunks(ROWS_PER_INSERT) {
                    let sql = insert_sql(chunk.len());
                    let mut query = sqlx::query(&sql);
                    for line in chunk {
                        let entry = line.first;
                        query = query
                            .bind(entry.at)
                            .bind(entry.method.code())
                            .bind(entry.certificate.0)
                            .bind(entry.annotation.map(|a| a.0))
                            .bind(entry.verdict.code())
                            .bind(entry.purpose.clone())
                            .bind(entry.source.clone())
                            .bind(line.key.clone())
                            .bind(line.window)
                            .bind(line.repeats)
                            .bind(line.last_at);
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
                per_source: i64,
            ) -> StorageResult<Vec<LogLine>> {
                fetch_as!(
                    self.pool(),
                    DbVerification,
                    LINES_OF_CERTIFICATE,
                    fetch_all,
                    certificate.0,
                    limit,
                    per_source
                )
            }

            #[tracing::instrument(skip_all)]
            async fn delete_verifications_before(&self, before: Millis) -> StorageResult<u64> {
                let done = sqlx::query("DELETE FROM verification_log WHERE at < $1")
                    .bind(before)
                    .execute(self.pool())
                    .await?;
                Ok(done.rows_affected())
            }
        }
    };
}

impl_verification_log_store!(SqliteStorage);
impl_verification_log_store!(PgStorage);

#[cfg(test)]
mod tests {
    use super::*;

    fn record(at: Millis, source: &str, purpose: Option<&str>) -> VerificationRecord {
        VerificationRecord {
            at,
            method: Method::ApiCode,
            certificate: CertificateId(7),
            annotation: Some(AnnotationId(3)),
            verdict: Verdict::Valid,
            purpose: purpose.map(str::to_string),
            source: source.to_string(),
        }
    }

    #[test]
    fn insert_numbers_the_parameters_of_every_row() {
        let sql = insert_sql(2);
        assert!(sql.contains("VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11),($12, "));
        assert!(sql.ends_with("ELSE verification_log.last_at END"));
        assert!(sql.contains("$22)"));
    }

    #[test]
    fn repeats_within_a_window_fold_into_one_line() {
        let t = 5 * REPEAT_WINDOW_MS;
        let batch = [
            record(t, "a", Some("入职")),
            record(t + 1000, "a", Some("入职")),
            record(t + 2000, "a", Some("入职")),
            record(t + 3000, "b", Some("入职")),
            record(t + 4000, "a", None),
            record(t + 5000, "a", Some("入职 ")),
            record(t + REPEAT_WINDOW_MS, "a", Some("入职")),
        ];
        let folded = fold(&batch);
        let shape: Vec<(i64, Millis)> = folded.iter().map(|f| (f.repeats, f.last_at)).collect();
        assert_eq!(
            shape,
            vec![
                (2, t + 2000),
                (0, t + 3000),
                (0, t + 4000),
                (0, t + 5000),
                (0, t + REPEAT_WINDOW_MS)
            ]
        );
        // No purpose and an empty one are different checks only if stated differently.
        assert_ne!(repeat_key(&batch[4]), repeat_key(&record(t, "a", Some(""))));
    }
}
