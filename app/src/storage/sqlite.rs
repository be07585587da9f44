//! SQLite, the embedded default: one file in the data directory, write-ahead logging so readers
//! never wait for the writer, foreign keys enforced, full fsync on commit so an acknowledged
//! write survives a crash.

use super::{Backend, DataKeys, Dialect, StorageResult};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

pub struct SqliteStorage {
    pool: SqlitePool,
    keys: Arc<DataKeys>,
}

impl SqliteStorage {
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The keys personal numbers are sealed and looked up with.
    pub fn keys(&self) -> &DataKeys {
        &self.keys
    }

    pub async fn connect(url: &str, keys: Arc<DataKeys>) -> StorageResult<SqliteStorage> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        private_database_files(options.get_filename())?;
        // Migrations run on a connection of their own with foreign keys off, as SQLite's
        // documented way of rebuilding a table that others refer to requires (the pragma
        // cannot change inside the transaction each migration runs in); afterwards every
        // reference is checked.
        {
            use sqlx::Connection;
            let mut conn =
                sqlx::SqliteConnection::connect_with(&options.clone().foreign_keys(false)).await?;
            let before = applied_migrations(&mut conn).await;
            sqlx::migrate!("./migrations/sqlite").run(&mut conn).await?;
            // The check reads every reference: only after a migration ran.
            let broken = if applied_migrations(&mut conn).await != before {
                sqlx::query("PRAGMA foreign_key_check")
                    .fetch_all(&mut conn)
                    .await?
            } else {
                Vec::new()
            };
            conn.close().await?;
            if !broken.is_empty() {
                return Err(super::StorageError::Corrupt(format!(
                    "{} rows refer to missing rows after the migrations",
                    broken.len()
                )));
            }
        }
        let pool = SqlitePoolOptions::new()
            .acquire_timeout(Duration::from_secs(10))
            .max_connections(8)
            // A file in this process cannot drop a connection the way a server can: the ping
            // sqlx sends before handing one out would only add a round trip to the connection's
            // thread to every query.
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        let storage = SqliteStorage { pool, keys };
        super::open_keys(&storage).await?;
        Ok(storage)
    }
}

/// The database file, created owner-only before SQLite opens it (SQLite gives its `-wal` and
/// `-shm` the database file's permissions); an existing one, and its `-wal`/`-shm`, narrowed
/// to the owner if others could read them.
fn private_database_files(path: &Path) -> StorageResult<()> {
    let name = path.as_os_str();
    if name.is_empty() || name == ":memory:" || name.to_string_lossy().starts_with("file:") {
        return Ok(());
    }
    let io = |e| super::StorageError::Database(sqlx::Error::Io(e));
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let file = Path::new(&file);
        let narrowed = if suffix.is_empty() {
            crate::infra::ensure_private(file)
        } else {
            crate::infra::narrow_private(file)
        };
        if narrowed.map_err(io)? {
            tracing::warn!(file = %file.display(), "database file was readable by others; now owner-only");
        }
    }
    Ok(())
}

/// How many migrations the database has had (none before the first run).
async fn applied_migrations(conn: &mut sqlx::SqliteConnection) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(conn)
        .await
        .unwrap_or(0)
}

impl Dialect for SqliteStorage {
    const BACKEND: Backend = Backend::Sqlite;
    // IMMEDIATE takes the database write lock at BEGIN; a deferred transaction that reads and
    // then writes can fail with SQLITE_BUSY when another connection wrote in between.
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    // The IMMEDIATE lock already covers every row.
    const FOR_UPDATE: &'static str = "";
    // Writers are serialised by the database lock; nothing to skip.
    const SKIP_LOCKED: &'static str = "";
}
