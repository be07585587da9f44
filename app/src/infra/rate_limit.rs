//! Per-client limits on the public checks that cost the server most. The counters live in
//! the database (`storage::RateLimitStore`), so every server process on it shares them; a
//! client is counted by [`limit_key`](super::limit_key) (its IPv4 address, or its IPv6 /64),
//! and only a keyed hash of that key is stored (with the deployment's lookup key, so the
//! table cannot be turned back into addresses by hashing all 2^32 of them).

use crate::domain::Millis;
use crate::storage::{DataKeys, DynStorage, StorageResult};
use std::net::IpAddr;

/// Manual checks per client address and window…
pub const MANUAL_LIMIT: u32 = 20;
/// …and file checks (heavier: the signature is verified).
pub const FILE_LIMIT: u32 = 10;
/// Appeals (账号申诉) submitted per client address and window (each stores an upload and
/// sends a text message)…
pub const APPEAL_LIMIT: u32 = 10;
/// …and lookups of an appeal's state (a number and an ID number are guessed together).
pub const APPEAL_STATUS_LIMIT: u32 = 20;
/// The window every limit counts in.
pub const LIMIT_WINDOW_MS: i64 = 10 * 60 * 1000;

/// The longest window any counter of the rate-limit store uses (the real-name check's day;
/// the export's hour, these checks' ten minutes): the sweeper removes only windows that
/// began before it, so that no counter is reset early.
pub const LONGEST_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

/// Which limit a check counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LimitKind {
    Manual,
    File,
    Appeal,
    AppealStatus,
}

impl LimitKind {
    fn code(self) -> &'static str {
        match self {
            LimitKind::Manual => "manual",
            LimitKind::File => "file",
            LimitKind::Appeal => "appeal",
            LimitKind::AppealStatus => "appeal_status",
        }
    }

    pub fn limit(self) -> u32 {
        match self {
            LimitKind::Manual => MANUAL_LIMIT,
            LimitKind::File => FILE_LIMIT,
            LimitKind::Appeal => APPEAL_LIMIT,
            LimitKind::AppealStatus => APPEAL_STATUS_LIMIT,
        }
    }
}

/// The stored key of a client's counter for one kind of check: a keyed hash
/// ([`DataKeys::lookup_hash`]), so the table holds no addresses nor anything that leads back
/// to one without the key.
pub fn counter_key(keys: &DataKeys, client: IpAddr, kind: LimitKind) -> String {
    keys.lookup_hash(
        "limit",
        &format!("{}:{}", kind.code(), super::limit_key(client)),
    )
}

/// Counts one check of `client`: `Ok(Ok(()))` when it may go ahead, `Ok(Err(retry_at))` when
/// the client has used up its window (the check is not made).
pub async fn count_check(
    storage: &DynStorage,
    client: IpAddr,
    kind: LimitKind,
    now: Millis,
) -> StorageResult<Result<(), Millis>> {
    let counted = storage
        .count_check(
            &counter_key(storage.data_keys(), client, kind),
            now,
            LIMIT_WINDOW_MS,
        )
        .await?;
    Ok(if counted.count > i64::from(kind.limit()) {
        Err(counted.window_start + LIMIT_WINDOW_MS)
    } else {
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_keys_are_keyed_digests_per_kind_and_client() {
        let keys = DataKeys::parse(&DataKeys::generate_text()).unwrap();
        let other = DataKeys::parse(&DataKeys::generate_text()).unwrap();
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        let key = counter_key(&keys, ip, LimitKind::Manual);
        assert_eq!(key.len(), 64);
        assert!(!key.contains("203"));
        assert_ne!(key, counter_key(&keys, ip, LimitKind::File));
        assert_ne!(key, counter_key(&other, ip, LimitKind::Manual));
        // Not the unkeyed digest of before, which all 2^32 addresses reverse.
        assert_ne!(key, crate::infra::sha256_hex(b"manual:203.0.113.7"));
        assert_ne!(
            key,
            counter_key(&keys, "203.0.113.8".parse().unwrap(), LimitKind::Manual)
        );
        // One IPv6 /64 is one client.
        assert_eq!(
            counter_key(&keys, "2001:db8::1".parse().unwrap(), LimitKind::File),
            counter_key(&keys, "2001:db8::ffff:1".parse().unwrap(), LimitKind::File)
        );
    }
}
