//! Holder accounts: registration, login lookup, terms acceptance, password changes.
//!
//! The ID number and the mobile number are stored sealed, and `id_number` holds the ID's
//! keyed lookup hash ([`DataKeys`]): the login and the uniqueness rule compare hashes.

use super::data_keys::{DataKeys, HOLDER_ID_NUMBER, HOLDER_MOBILE};
use super::rows::{execute, id_type};
use super::{PgStorage, SqliteStorage, StorageError, StorageResult};
use crate::domain::{Holder, HolderId, HolderName, IdNumber, Millis, Mobile, NewHolder};
use async_trait::async_trait;

#[async_trait]
pub trait HolderStore: Send + Sync {
    /// Inserts a new holder; `Conflict` if an account with that ID type and number exists
    /// that is not locked.
    async fn insert_holder(&self, holder: &NewHolder) -> StorageResult<HolderId>;

    /// The account that may sign in with this ID document (never a locked one).
    async fn holder_by_login(&self, id: &IdNumber) -> StorageResult<Option<Holder>>;

    /// The most recently locked account of this ID document (an approved appeal locked it),
    /// so that its owner is told why the login is refused.
    async fn locked_holder_by_login(&self, id: &IdNumber) -> StorageResult<Option<Holder>>;

    async fn holder(&self, id: HolderId) -> StorageResult<Holder>;

    async fn count_holders(&self) -> StorageResult<i64>;

    /// Records that the holder accepted version `version` of the service terms.
    async fn accept_terms(&self, id: HolderId, version: i64, now: Millis) -> StorageResult<()>;

    async fn update_password(&self, id: HolderId, password_hash: &str) -> StorageResult<()>;

    /// Changes the account's mobile number or name, with its audit line, in one transaction.
    async fn update_holder_detail(
        &self,
        id: HolderId,
        detail: HolderDetail,
        value: &str,
        audit: &crate::domain::AuditEntry,
    ) -> StorageResult<()>;
}

/// A holder as read. Columns are matched by name, so two text columns cannot swap silently.
#[derive(sqlx::FromRow)]
pub struct DbHolder {
    id: i64,
    id_type: String,
    /// The lookup hash; the number is read from `id_number_enc`.
    id_number: String,
    /// Empty only for a row written before encryption at rest and not converted yet (both
    /// numbers are then in clear).
    id_number_enc: Option<String>,
    name: String,
    mobile: String,
    password_hash: String,
    terms_version: Option<i64>,
    terms_accepted_at: Option<i64>,
    created_at: i64,
}

const HOLDER_COLUMNS: &str = "id, id_type, id_number, id_number_enc, name, mobile, \
     password_hash, terms_version, terms_accepted_at, created_at";

/// A holder's ID number and mobile number as stored: opened with the keys, or in clear in a
/// row not converted yet.
pub(super) fn open_numbers(
    keys: &DataKeys,
    id_number: String,
    id_number_enc: Option<String>,
    mobile: Option<String>,
) -> StorageResult<(String, Option<String>)> {
    match id_number_enc {
        Some(sealed) => Ok((
            keys.open(HOLDER_ID_NUMBER, &sealed)?,
            mobile.map(|m| keys.open(HOLDER_MOBILE, &m)).transpose()?,
        )),
        None => Ok((id_number, mobile)),
    }
}

impl DbHolder {
    /// The holder, its numbers opened with `keys`.
    pub fn into_holder(self, keys: &DataKeys) -> StorageResult<Holder> {
        let row = self;
        let (number, mobile) =
            open_numbers(keys, row.id_number, row.id_number_enc, Some(row.mobile))?;
        Ok(Holder {
            id: HolderId(row.id),
            id_number: IdNumber::from_trusted(id_type(&row.id_type)?, number),
            name: HolderName::from_trusted(row.name),
            mobile: Mobile::from_trusted(mobile.unwrap_or_default()),
            password_hash: row.password_hash,
            terms_version: row.terms_version,
            terms_accepted_at: row.terms_accepted_at,
            created_at: row.created_at,
        })
    }
}

/// `NotFound` when an update by id touched no row.
/// What a holder may change about the account after proving the mobile number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HolderDetail {
    Mobile,
    Name,
}

impl HolderDetail {
    /// The value as stored: a mobile number sealed.
    fn stored(self, keys: &DataKeys, value: &str) -> String {
        match self {
            HolderDetail::Mobile => keys.seal(HOLDER_MOBILE, value),
            HolderDetail::Name => value.to_string(),
        }
    }

    fn update_sql(self) -> &'static str {
        match self {
            HolderDetail::Mobile => "UPDATE holders SET mobile = $1 WHERE id = $2",
            HolderDetail::Name => "UPDATE holders SET name = $1 WHERE id = $2",
        }
    }
}

fn one_row(affected: u64) -> StorageResult<()> {
    if affected == 0 {
        return Err(StorageError::NotFound);
    }
    Ok(())
}

macro_rules! impl_holder_store {
    ($store:ty) => {
        #[async_trait]
        impl HolderStore for $store {
            #[tracing::instrument(skip_all)]
            async fn insert_holder(&self, holder: &NewHolder) -> StorageResult<HolderId> {
                let keys = self.keys();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO holders (id_type, id_number, id_number_enc, name, mobile, \
                     password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(holder.id_number.id_type().code())
                .bind(keys.id_lookup(&holder.id_number))
                .bind(keys.seal(HOLDER_ID_NUMBER, holder.id_number.as_str()))
                .bind(holder.name.as_str())
                .bind(keys.seal(HOLDER_MOBILE, holder.mobile.as_str()))
                .bind(&holder.password_hash)
                .bind(holder.created_at)
                .fetch_one(self.pool())
                .await?;
                Ok(HolderId(id))
            }

            #[tracing::instrument(skip_all)]
            async fn holder_by_login(&self, id: &IdNumber) -> StorageResult<Option<Holder>> {
                let sql = format!(
                    "SELECT {HOLDER_COLUMNS} FROM holders WHERE id_type = $1 AND id_number = $2 \
                     AND locked_at IS NULL"
                );
                let row: Option<DbHolder> = sqlx::query_as(&sql)
                    .bind(id.id_type().code())
                    .bind(self.keys().id_lookup(id))
                    .fetch_optional(self.pool())
                    .await?;
                row.map(|row| row.into_holder(self.keys())).transpose()
            }

            #[tracing::instrument(skip_all)]
            async fn locked_holder_by_login(&self, id: &IdNumber) -> StorageResult<Option<Holder>> {
                let sql = format!(
                    "SELECT {HOLDER_COLUMNS} FROM holders WHERE id_type = $1 AND id_number = $2 \
                     AND locked_at IS NOT NULL ORDER BY locked_at DESC, id DESC LIMIT 1"
                );
                let row: Option<DbHolder> = sqlx::query_as(&sql)
                    .bind(id.id_type().code())
                    .bind(self.keys().id_lookup(id))
                    .fetch_optional(self.pool())
                    .await?;
                row.map(|row| row.into_holder(self.keys())).transpose()
            }

            #[tracing::instrument(skip_all, fields(holder = id.0))]
            async fn holder(&self, id: HolderId) -> StorageResult<Holder> {
                let sql = format!("SELECT {HOLDER_COLUMNS} FROM holders WHERE id = $1");
                let row: Option<DbHolder> = sqlx::query_as(&sql)
                    .bind(id.0)
                    .fetch_optional(self.pool())
                    .await?;
                row.ok_or(StorageError::NotFound)?.into_holder(self.keys())
            }

            #[tracing::instrument(skip_all)]
            async fn count_holders(&self) -> StorageResult<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM holders")
                    .fetch_one(self.pool())
                    .await?)
            }

            #[tracing::instrument(skip_all, fields(holder = id.0, version = version))]
            async fn accept_terms(
                &self,
                id: HolderId,
                version: i64,
                now: Millis,
            ) -> StorageResult<()> {
                const SQL: &str =
                    "UPDATE holders SET terms_version = $1, terms_accepted_at = $2 WHERE id = $3";
                one_row(execute!(self.pool(), SQL, version, now, id.0))
            }

            #[tracing::instrument(skip_all, fields(holder = id.0))]
            async fn update_password(&self, id: HolderId, password_hash: &str) -> StorageResult<()> {
                const SQL: &str = "UPDATE holders SET password_hash = $1 WHERE id = $2";
                one_row(execute!(self.pool(), SQL, password_hash, id.0))
            }

            #[tracing::instrument(skip_all, fields(holder = id.0, ?detail))]
            async fn update_holder_detail(
                &self,
                id: HolderId,
                detail: HolderDetail,
                value: &str,
                audit: &crate::domain::AuditEntry,
            ) -> StorageResult<()> {
                use super::AuditLine;
                let mut tx = self.pool().begin_with(<Self as super::Dialect>::BEGIN_WRITE).await?;
                let stored = detail.stored(self.keys(), value);
                one_row(execute!(&mut *tx, detail.update_sql(), stored, id.0))?;
                tx.insert_audit(audit).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

impl_holder_store!(SqliteStorage);
impl_holder_store!(PgStorage);
