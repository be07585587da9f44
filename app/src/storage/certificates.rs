//! Certificate records: the upsert of one record, and the lookups of the holder's pages and
//! of verification. The operator's writes (bulk import, revocation) live with the operator
//! code in the server and reuse [`DbCertificate`], [`CERTIFICATE_COLUMNS`], [`status_columns`]
//! and [`CertificateContent`] from here.

use super::data_keys::{SealedId, CERTIFICATE_ID_NUMBER};
use super::rows::{date, fetch_opened, id_type, FromSealedRow, IntoDomainWith};
use super::{DataKeys, Dialect, PgStorage, SqliteStorage, StorageError, StorageResult};
use crate::domain::{
    Certificate, CertificateId, CertificateRecord, CertificateStatus, HolderName, IdNumber, Millis,
    Owner, UpsertOutcome,
};
use crate::infra::new_public_id;
use async_trait::async_trait;

#[async_trait]
pub trait CertificateStore: Send + Sync {
    /// Inserts or updates a certificate record, matched by its number.
    async fn upsert_certificate(
        &self,
        record: &CertificateRecord,
        now: Millis,
    ) -> StorageResult<(CertificateId, UpsertOutcome)>;

    async fn certificate_by_number(&self, number: &str) -> StorageResult<Option<Certificate>>;

    async fn certificate_by_id(&self, id: CertificateId) -> StorageResult<Certificate>;

    /// The certificates whose record names this holder (ID type, number and name), newest
    /// first, with how many electronic files each has.
    async fn certificates_of(&self, owner: &Owner) -> StorageResult<Vec<(Certificate, i64)>>;

    /// One certificate by public id, only if it belongs to `owner`.
    async fn certificate_of(
        &self,
        owner: &Owner,
        public_id: &str,
    ) -> StorageResult<Option<Certificate>>;

    /// The certificate with this number whose holder has exactly this name; `None` both
    /// when there is no such number and when the name differs.
    async fn certificate_by_number_and_name(
        &self,
        number: &str,
        name: &str,
    ) -> StorageResult<Option<Certificate>>;

    async fn certificate_by_public_id(&self, public_id: &str)
        -> StorageResult<Option<Certificate>>;
}

#[derive(sqlx::FromRow)]
pub struct DbCertificate {
    pub(crate) id: i64,
    pub(crate) public_id: String,
    pub(crate) cert_number: String,
    pub(crate) holder_id_type: String,
    /// The keyed lookup hash of the holder's ID (in clear only in rows written before
    /// encryption at rest and not converted yet, whose `holder_id_number_enc` is empty).
    pub(crate) holder_id_number: String,
    /// The holder's ID number, sealed ([`CERTIFICATE_ID_NUMBER`]).
    pub(crate) holder_id_number_enc: Option<String>,
    pub(crate) holder_name: String,
    pub(crate) qualification: String,
    pub(crate) level: String,
    pub(crate) specialty: String,
    pub(crate) issued_on: String,
    pub(crate) issuer: String,
    pub(crate) electronic: bool,
    pub(crate) status: String,
    pub(crate) revoked_on: Option<String>,
    pub(crate) revoke_reason: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// The columns [`DbCertificate`] reads, in its order.
pub const CERTIFICATE_COLUMNS: &str = "id, public_id, cert_number, holder_id_type, \
     holder_id_number, holder_id_number_enc, holder_name, qualification, level, specialty, issued_on, issuer, \
     electronic, status, revoked_on, revoke_reason, created_at, updated_at";

impl DbCertificate {
    /// The certificate, its holder's ID number opened with `keys`.
    pub fn into_certificate(self, keys: &DataKeys) -> StorageResult<Certificate> {
        let row = self;
        let holder_id_number = match row.holder_id_number_enc {
            Some(sealed) => keys.open(CERTIFICATE_ID_NUMBER, &sealed)?,
            None => row.holder_id_number,
        };
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
                holder_id: IdNumber::from_trusted(id_type(&row.holder_id_type)?, holder_id_number),
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

impl FromSealedRow<DbCertificate> for Certificate {
    fn from_sealed_row(row: DbCertificate, keys: &DataKeys) -> StorageResult<Certificate> {
        row.into_certificate(keys)
    }
}

/// A certificate with the number of its electronic files.
#[derive(sqlx::FromRow)]
pub struct DbCertificateWithCount {
    #[sqlx(flatten)]
    pub certificate: DbCertificate,
    pub file_count: i64,
}

impl FromSealedRow<DbCertificateWithCount> for (Certificate, i64) {
    fn from_sealed_row(
        row: DbCertificateWithCount,
        keys: &DataKeys,
    ) -> StorageResult<(Certificate, i64)> {
        Ok((row.certificate.into_certificate(keys)?, row.file_count))
    }
}

/// The condition "belongs to this holder" on `certificates`, with parameters `$1`–`$3` from
/// [`owner_params`]: a record names its holder by ID type, ID number (its keyed lookup hash,
/// the same as the holder's, so the match stays an indexed equality) and name.
pub const OWNED_BY: &str = "holder_id_type = $1 AND holder_id_number = $2 AND holder_name = $3";

/// The parameters of [`OWNED_BY`].
pub fn owner_params<'a>(keys: &DataKeys, owner: &'a Owner) -> (&'static str, String, &'a str) {
    (
        owner.id_number.id_type().code(),
        keys.id_lookup(&owner.id_number),
        owner.name.as_str(),
    )
}

/// The revocation columns of a record: (status, revoked_on, revoke_reason).
pub fn status_columns(
    status: &CertificateStatus,
) -> (&'static str, Option<String>, Option<String>) {
    match status {
        CertificateStatus::Valid => ("valid", None, None),
        CertificateStatus::Revoked { on, reason } => {
            ("revoked", Some(on.to_string()), Some(reason.clone()))
        }
    }
}

/// Which row an update of a certificate's content targets.
#[derive(Clone, Copy, Debug)]
pub enum ContentTarget<'a> {
    /// The row with this id.
    Id(i64),
    /// The row with this number, only if its stored content hash differs from the new one
    /// (another writer may have made the same change meanwhile).
    NumberIfChanged(&'a str),
}

/// A record's new content, its holder's ID as stored (`keys.seal_id(CERTIFICATE_ID_NUMBER, …)`),
/// its hash (`record.content_hash(&holder.lookup)`) and when it changed.
#[derive(Clone, Copy, Debug)]
pub struct ContentUpdate<'a> {
    pub target: ContentTarget<'a>,
    pub record: &'a CertificateRecord,
    pub holder: &'a SealedId,
    pub hash: &'a str,
    pub now: Millis,
}

/// The update of a certificate's content that the single upsert and both import paths
/// share, on a connection (or inside a transaction: `tx.update_certificate_content(…)`).
#[async_trait]
pub trait CertificateContent {
    /// Writes every content column; returns how many rows changed (0 or 1).
    async fn update_certificate_content(&mut self, update: ContentUpdate<'_>)
        -> StorageResult<u64>;
}

/// Binds the thirteen content columns of a record, from `holder_id_type` to `revoke_reason`
/// and then `holder_id_number_enc`, in the order both the insert and the update name them.
macro_rules! bind_content {
    ($query:expr, $record:expr, $holder:expr) => {{
        let record: &CertificateRecord = $record;
        let holder: &SealedId = $holder;
        let (status, revoked_on, reason) = status_columns(&record.status);
        $query
            .bind(record.holder_id.id_type().code())
            .bind(&holder.lookup)
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
            .bind(&holder.sealed)
    }};
}

/// Every content column (`$1`–`$15`), then the target's `WHERE` clause (from `$16`).
macro_rules! update_content_sql {
    ($where:literal) => {
        concat!(
            "UPDATE certificates SET holder_id_type = $1, holder_id_number = $2, \
             holder_name = $3, qualification = $4, level = $5, specialty = $6, \
             issued_on = $7, issuer = $8, electronic = $9, status = $10, revoked_on = $11, \
             revoke_reason = $12, holder_id_number_enc = $13, content_hash = $14, \
             updated_at = $15 WHERE ",
            $where
        )
    };
}

macro_rules! impl_certificate_content {
    ($conn:ty) => {
        #[async_trait]
        impl CertificateContent for $conn {
            #[tracing::instrument(skip_all, fields(number = %update.record.number))]
            async fn update_certificate_content(
                &mut self,
                update: ContentUpdate<'_>,
            ) -> StorageResult<u64> {
                let ContentUpdate {
                    target,
                    record,
                    holder,
                    hash,
                    now,
                } = update;
                let sql = match target {
                    ContentTarget::Id(_) => update_content_sql!("id = $16"),
                    ContentTarget::NumberIfChanged(_) => {
                        update_content_sql!("cert_number = $16 AND content_hash <> $14")
                    }
                };
                let query = bind_content!(sqlx::query(sql), record, holder)
                    .bind(hash)
                    .bind(now);
                let query = match target {
                    ContentTarget::Id(id) => query.bind(id),
                    ContentTarget::NumberIfChanged(number) => query.bind(number),
                };
                Ok(query.execute(self).await?.rows_affected())
            }
        }
    };
}

impl_certificate_content!(sqlx::SqliteConnection);
impl_certificate_content!(sqlx::PgConnection);

macro_rules! impl_certificate_store {
    ($store:ty) => {
        #[async_trait]
        impl CertificateStore for $store {
            #[tracing::instrument(skip_all, fields(number = %record.number))]
            async fn upsert_certificate(
                &self,
                record: &CertificateRecord,
                now: Millis,
            ) -> StorageResult<(CertificateId, UpsertOutcome)> {
                let holder = self.keys().seal_id(CERTIFICATE_ID_NUMBER, &record.holder_id);
                let hash = record.content_hash(&holder.lookup);
                let mut tx = self.pool().begin_with(<Self as Dialect>::BEGIN_WRITE).await?;
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
                        let target = ContentTarget::Id(id);
                        let update = ContentUpdate {
                            target,
                            record,
                            holder: &holder,
                            hash: &hash,
                            now,
                        };
                        tx.update_certificate_content(update).await?;
                        (CertificateId(id), UpsertOutcome::Updated)
                    }
                    None => {
                        // The content columns first, as [`bind_content`] binds them.
                        let insert = sqlx::query_scalar(
                            "INSERT INTO certificates (holder_id_type, holder_id_number, \
                             holder_name, qualification, level, specialty, issued_on, issuer, \
                             electronic, status, revoked_on, revoke_reason, holder_id_number_enc, \
                             content_hash, created_at, updated_at, public_id, cert_number) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
                             $15, $15, $16, $17) RETURNING id",
                        );
                        let id: i64 = bind_content!(insert, record, &holder)
                            .bind(&hash)
                            .bind(now)
                            .bind(new_public_id())
                            .bind(&record.number)
                            .fetch_one(&mut *tx)
                            .await?;
                        (CertificateId(id), UpsertOutcome::Inserted)
                    }
                };
                tx.commit().await?;
                Ok(outcome)
            }

            #[tracing::instrument(skip_all, fields(number = %number))]
            async fn certificate_by_number(&self, number: &str) -> StorageResult<Option<Certificate>> {
                let sql = format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE cert_number = $1");
                fetch_opened!(self.keys(), self.pool(), DbCertificate, &sql, fetch_optional, number)
            }

            #[tracing::instrument(skip_all, fields(certificate = id.0))]
            async fn certificate_by_id(&self, id: CertificateId) -> StorageResult<Certificate> {
                let sql = format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE id = $1");
                let found: Option<Certificate> =
                    fetch_opened!(self.keys(), self.pool(), DbCertificate, &sql, fetch_optional, id.0)?;
                found.ok_or(StorageError::NotFound)
            }

            #[tracing::instrument(skip_all)]
            async fn certificates_of(&self, owner: &Owner) -> StorageResult<Vec<(Certificate, i64)>> {
                let sql = format!(
                    "SELECT {CERTIFICATE_COLUMNS}, (SELECT COUNT(*) FROM certificate_files f \
                     WHERE f.certificate_id = certificates.id) AS file_count \
                     FROM certificates WHERE {OWNED_BY} ORDER BY issued_on DESC, id DESC"
                );
                let (id_type, id_number, name) = owner_params(self.keys(), owner);
                fetch_opened!(self.keys(), self.pool(), DbCertificateWithCount, &sql, fetch_all, id_type, id_number, name)
            }

            #[tracing::instrument(skip_all, fields(public_id = %public_id))]
            async fn certificate_of(&self, owner: &Owner, public_id: &str) -> StorageResult<Option<Certificate>> {
                let sql = format!(
                    "SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE {OWNED_BY} AND public_id = $4"
                );
                let (id_type, id_number, name) = owner_params(self.keys(), owner);
                fetch_opened!(self.keys(), self.pool(), DbCertificate, &sql, fetch_optional, id_type, id_number, name, public_id)
            }

            #[tracing::instrument(skip_all, fields(number = %number))]
            async fn certificate_by_number_and_name(&self, number: &str, name: &str) -> StorageResult<Option<Certificate>> {
                let sql = format!(
                    "SELECT {CERTIFICATE_COLUMNS} FROM certificates \
                     WHERE cert_number = $1 AND holder_name = $2"
                );
                fetch_opened!(self.keys(), self.pool(), DbCertificate, &sql, fetch_optional, number, name)
            }

            #[tracing::instrument(skip_all, fields(public_id = %public_id))]
            async fn certificate_by_public_id(&self, public_id: &str) -> StorageResult<Option<Certificate>> {
                let sql = format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE public_id = $1");
                fetch_opened!(self.keys(), self.pool(), DbCertificate, &sql, fetch_optional, public_id)
            }
        }
    };
}

impl_certificate_store!(SqliteStorage);
impl_certificate_store!(PgStorage);
