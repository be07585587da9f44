//! Why a storage call failed.

/// Why a storage call failed. `Display` texts are for the log, never for the user.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("no such row")]
    NotFound,
    /// A uniqueness rule refused the write; nothing was changed.
    #[error("conflicting row already exists")]
    Conflict,
    /// The database could not be reached or timed out; retrying later may work.
    #[error("database unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A row read back does not satisfy the domain rules (should never happen).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("database error")]
    Database(#[source] sqlx::Error),
    #[error("unsupported database URL (expected sqlite: or postgres:), scheme {0:?}")]
    BadUrl(String),
    /// The data key file does not fit this database (its text is for the operator).
    #[error("{0}")]
    Keys(String),
    #[error("migration failed")]
    Migration(#[source] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StorageError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::RowNotFound => StorageError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StorageError::Unavailable(Box::new(err))
            }
            sqlx::Error::Database(ref db) if db.is_unique_violation() => StorageError::Conflict,
            other => StorageError::Database(other),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StorageError {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        StorageError::Migration(err)
    }
}

pub type StorageResult<T> = Result<T, StorageError>;
