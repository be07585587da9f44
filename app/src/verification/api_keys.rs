//! API keys of bulk verifiers (HR systems): what a key looks like, how it is stored, and its
//! daily quota, counted per China calendar day (Asia/Shanghai, UTC+8 all year) in the
//! database, so every server process shares it. Keys are made and revoked by the operator
//! (`server api-keys`); a request to `/api/v1/verify/…` presents one as
//! `Authorization: Bearer <key>` or `X-Api-Key: <key>`.

use crate::domain::Millis;
use crate::infra::sha256_hex;
use crate::state::AppState;
use crate::storage::{ApiKeyInfo, StorageResult};

/// Checks a day per key unless the operator says otherwise.
pub const DEFAULT_DAILY_QUOTA: i64 = 10_000;
/// What every key starts with, so that one found in a log or a repository is recognisable.
pub const KEY_PREFIX: &str = "cvk_";
/// Characters of a key (after [`KEY_PREFIX`]) that name it in lists: enough to tell keys
/// apart, far too few to guess the rest.
const NAMED_CHARS: usize = 8;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
const CHINA_OFFSET_MS: i64 = 8 * 60 * 60 * 1000;

/// The China calendar day of `now` (days since 1970-01-01 in UTC+8).
pub fn china_day(now: Millis) -> i64 {
    (now + CHINA_OFFSET_MS).div_euclid(DAY_MS)
}

/// When the China day after `now`'s begins.
pub fn next_china_day(now: Millis) -> Millis {
    (china_day(now) + 1) * DAY_MS - CHINA_OFFSET_MS
}

/// The stored form of a key: the key is 128 random bits, so a plain digest cannot be
/// reversed by guessing.
pub fn key_hash(key: &str) -> String {
    sha256_hex(format!("api-key:{key}").as_bytes())
}

/// A new key: the key itself (shown once, never stored) and the prefix that names it.
pub fn generate() -> (String, String) {
    let key = format!("{KEY_PREFIX}{}", crate::infra::new_public_id());
    let prefix = key[..KEY_PREFIX.len() + NAMED_CHARS].to_string();
    (key, prefix)
}

/// Why a key did not admit a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRefusal {
    /// No such key, or it was revoked: 401, never a silent fall-back to the anonymous limits.
    Invalid,
    /// Its quota for today is used up: 429 until `retry_at`, the next China day.
    QuotaUsed { quota: i64, retry_at: Millis },
}

/// Counts one request against `key`'s quota for today; its id when admitted.
pub async fn admit(state: &AppState, key: &str) -> StorageResult<Result<i64, KeyRefusal>> {
    let key = key.trim();
    if !key.starts_with(KEY_PREFIX) || key.len() > 64 {
        return Ok(Err(KeyRefusal::Invalid));
    }
    let now = state.clock.now();
    let day = china_day(now);
    let found: Option<ApiKeyInfo> = state.storage.api_key_by_hash(&key_hash(key), day).await?;
    let Some(found) = found.filter(|k| k.revoked_at.is_none()) else {
        return Ok(Err(KeyRefusal::Invalid));
    };
    if state
        .storage
        .count_api_key_use(found.id, day, found.daily_quota)
        .await?
    {
        Ok(Ok(found.id))
    } else {
        Ok(Err(KeyRefusal::QuotaUsed {
            quota: found.daily_quota,
            retry_at: next_china_day(now),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_turn_at_midnight_in_china() {
        // 2024-03-01 00:00 in China is 2024-02-29 16:00 UTC.
        let midnight = 1_709_222_400_000;
        assert_eq!(china_day(midnight - 1) + 1, china_day(midnight));
        assert_eq!(next_china_day(midnight - 1), midnight);
        assert_eq!(next_china_day(midnight), midnight + DAY_MS);
    }

    #[test]
    fn keys_are_random_and_named_by_their_prefix() {
        let (a, prefix) = generate();
        let (b, _) = generate();
        assert_ne!(a, b);
        assert!(a.starts_with(&prefix) && prefix.starts_with(KEY_PREFIX));
        assert_eq!(prefix.len(), 12);
        assert_eq!(key_hash(&a).len(), 64);
        assert_ne!(key_hash(&a), key_hash(&b));
    }
}
