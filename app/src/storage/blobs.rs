//! File bytes, keyed by their SHA-256, in the `file_blobs` table of either database.

use super::{PgStorage, SqliteStorage, StorageResult};
use crate::infra::sha256_hex;
use async_trait::async_trait;
use std::sync::Arc;

/// Where file bytes live, keyed by their SHA-256. The databases implement it; an object store
/// can take over by implementing it too.
#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Stores `bytes` and returns their SHA-256 (hex); storing the same bytes again is a no-op.
    async fn put_blob(&self, bytes: &[u8]) -> StorageResult<String>;

    async fn get_blob(&self, sha256: &str) -> StorageResult<Option<Vec<u8>>>;
}

pub type DynBlobStore = Arc<dyn BlobStore>;

macro_rules! impl_blob_store {
    ($store:ty) => {
        #[async_trait]
        impl BlobStore for $store {
            #[tracing::instrument(skip_all, fields(size = bytes.len()))]
            async fn put_blob(&self, bytes: &[u8]) -> StorageResult<String> {
                let sha256 = sha256_hex(bytes);
                sqlx::query(
                    "INSERT INTO file_blobs (sha256, size, content) VALUES ($1, $2, $3) \
                     ON CONFLICT (sha256) DO NOTHING",
                )
                .bind(&sha256)
                .bind(bytes.len() as i64)
                .bind(bytes)
                .execute(self.pool())
                .await?;
                Ok(sha256)
            }

            #[tracing::instrument(skip_all, fields(sha256 = %sha256))]
            async fn get_blob(&self, sha256: &str) -> StorageResult<Option<Vec<u8>>> {
                Ok(
                    sqlx::query_scalar("SELECT content FROM file_blobs WHERE sha256 = $1")
                        .bind(sha256)
                        .fetch_optional(self.pool())
                        .await?,
                )
            }
        }
    };
}

impl_blob_store!(SqliteStorage);
impl_blob_store!(PgStorage);
