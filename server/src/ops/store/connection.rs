//! The connection a bulk writer keeps for the whole import, and the transaction it opens on
//! it itself (`BEGIN` … `COMMIT`), so that a transaction can span several batches. Dropped
//! with a transaction open, the connection is closed instead of going back to the pool, and
//! the database rolls the transaction back.

use app::storage::StorageResult;
use sqlx::pool::PoolConnection;
use sqlx::{Database, Executor, Pool};

pub(super) struct ImportConnection<DB: Database> {
    conn: PoolConnection<DB>,
    /// The statement that opens a transaction (SQLite takes the write lock up front).
    begin: &'static str,
    open: bool,
}

impl<DB: Database> ImportConnection<DB>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    pub(super) async fn acquire(pool: &Pool<DB>, begin: &'static str) -> StorageResult<Self> {
        let mut conn = pool.acquire().await?;
        conn.close_on_drop();
        Ok(ImportConnection {
            conn,
            begin,
            open: false,
        })
    }

    /// The connection outside any transaction (before the first batch).
    pub(super) fn idle(&mut self) -> &mut DB::Connection {
        &mut self.conn
    }

    /// The connection inside the transaction, which is opened if none is.
    pub(super) async fn in_transaction(&mut self) -> StorageResult<&mut DB::Connection> {
        if !self.open {
            self.conn.execute(self.begin).await?;
            self.open = true;
        }
        Ok(&mut self.conn)
    }

    /// Commits the open transaction, if any.
    pub(super) async fn commit(&mut self) -> StorageResult<()> {
        if self.open {
            self.conn.execute("COMMIT").await?;
            self.open = false;
        }
        Ok(())
    }
}
