//! Turning rows read as `Db*` types into domain types, and parsing the text columns they
//! share. Every query that reads rows ends with `.into_domain()` (or `.try_into()` for one
//! row), so the conversion of a row lives in one `TryFrom` impl beside its row type.

use super::{StorageError, StorageResult};
use crate::domain::IdType;
use time::Date;

/// Converts fetched rows (`Option<Db*>` or `Vec<Db*>`) into their domain type.
pub trait IntoDomain<T> {
    fn into_domain(self) -> StorageResult<T>;
}

impl<R, T: TryFrom<R, Error = StorageError>> IntoDomain<Option<T>> for Option<R> {
    fn into_domain(self) -> StorageResult<Option<T>> {
        self.map(T::try_from).transpose()
    }
}

impl<R, T: TryFrom<R, Error = StorageError>> IntoDomain<Vec<T>> for Vec<R> {
    fn into_domain(self) -> StorageResult<Vec<T>> {
        self.into_iter().map(T::try_from).collect()
    }
}

/// The conversion of a row that holds sealed columns ([`DataKeys`]): it needs the keys to
/// open them.
///
/// [`DataKeys`]: super::DataKeys
pub trait FromSealedRow<R>: Sized {
    fn from_sealed_row(row: R, keys: &super::DataKeys) -> StorageResult<Self>;
}

/// [`IntoDomain`] for rows with sealed columns.
pub trait IntoDomainWith<T> {
    fn into_domain_with(self, keys: &super::DataKeys) -> StorageResult<T>;
}

impl<R, T: FromSealedRow<R>> IntoDomainWith<Option<T>> for Option<R> {
    fn into_domain_with(self, keys: &super::DataKeys) -> StorageResult<Option<T>> {
        self.map(|row| T::from_sealed_row(row, keys)).transpose()
    }
}

impl<R, T: FromSealedRow<R>> IntoDomainWith<Vec<T>> for Vec<R> {
    fn into_domain_with(self, keys: &super::DataKeys) -> StorageResult<Vec<T>> {
        self.into_iter()
            .map(|row| T::from_sealed_row(row, keys))
            .collect()
    }
}

pub(super) fn id_type(code: &str) -> StorageResult<IdType> {
    IdType::from_code(code).ok_or_else(|| StorageError::Corrupt(format!("id type {code:?}")))
}

pub(super) fn date(text: &str) -> StorageResult<Date> {
    Date::parse(text, &time::format_description::well_known::Iso8601::DATE)
        .map_err(|_| StorageError::Corrupt(format!("date {text:?}")))
}

/// Runs `sql` with the parameters, reads the rows as `$row` and converts them into their
/// domain type; `$fetch` is `fetch_optional` or `fetch_all`:
/// `fetch_as!(self.pool(), DbHolder, &sql, fetch_optional, id.0)`.
macro_rules! fetch_as {
    ($exec:expr, $row:ty, $sql:expr, $fetch:ident $(, $param:expr)* $(,)?) => {
        sqlx::query_as::<_, $row>($sql)
            $(.bind($param))*
            .$fetch($exec)
            .await?
            .into_domain()
    };
}

pub(crate) use fetch_as;

/// [`fetch_as!`] for rows with sealed columns, opened with `$keys`:
/// `fetch_opened!(self.keys(), self.pool(), DbAppeal, &sql, fetch_optional, id)`.
macro_rules! fetch_opened {
    ($keys:expr, $exec:expr, $row:ty, $sql:expr, $fetch:ident $(, $param:expr)* $(,)?) => {
        sqlx::query_as::<_, $row>($sql)
            $(.bind($param))*
            .$fetch($exec)
            .await?
            .into_domain_with($keys)
    };
}

pub(crate) use fetch_opened;

/// Runs a statement with the parameters and evaluates to the number of rows it changed:
/// `execute!(self.pool(), "DELETE FROM sessions WHERE token_hash = $1", token_hash)`.
macro_rules! execute {
    ($exec:expr, $sql:expr $(, $param:expr)* $(,)?) => {
        sqlx::query($sql)
            $(.bind($param))*
            .execute($exec)
            .await?
            .rows_affected()
    };
}

pub(crate) use execute;
