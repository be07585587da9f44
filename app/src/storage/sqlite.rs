//! SQLite, the embedded default: one file in the data directory, write-ahead logging so readers
//! never wait for the writer, foreign keys enforced, full fsync on commit so an acknowledged
//! write survives a crash.

use super::{Backend, Dialect, StorageResult};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::Duration;

pub struct SqliteStorage {
    pool: SqlitePool,
}

impl SqliteStorage {
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn connect(url: &str) -> StorageResult<SqliteStorage> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
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
            .connect_with(options)
            .await?;
        Ok(SqliteStorage { pool })
    }
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
