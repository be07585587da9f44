//! PostgreSQL, the production choice, selected when `DATABASE_URL` is `postgres://…`.

use super::{Backend, DataKeys, Dialect, StorageResult};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

pub struct PgStorage {
    pool: PgPool,
    keys: Arc<DataKeys>,
}

impl Dialect for PgStorage {
    const BACKEND: Backend = Backend::Postgres;
    // Rules that span rows take explicit row locks (SELECT … FOR UPDATE) inside the
    // transaction, so the default isolation level suffices.
    const BEGIN_WRITE: &'static str = "BEGIN";
    const FOR_UPDATE: &'static str = " FOR UPDATE";
    const SKIP_LOCKED: &'static str = " FOR UPDATE SKIP LOCKED";
}

impl PgStorage {
    pub async fn connect(url: &str, keys: Arc<DataKeys>) -> StorageResult<PgStorage> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            // No ping before each query: it was one more round trip to the database per query
            // (verification API +55% without it, A/B). A connection the database dropped fails
            // its next query once and is then discarded; `outage.rs` covers the recovery.
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        let storage = PgStorage { pool, keys };
        super::open_keys(&storage).await?;
        Ok(storage)
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The keys personal numbers are sealed and looked up with.
    pub fn keys(&self) -> &DataKeys {
        &self.keys
    }
}
