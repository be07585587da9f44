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
