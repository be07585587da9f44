//! Per-address limits on the public checks that cost the server most.

use crate::domain::Millis;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Manual checks per client address and window…
pub const MANUAL_LIMIT: u32 = 20;
/// …and file checks (heavier: the signature is verified).
pub const FILE_LIMIT: u32 = 10;
/// The window both limits count in.
pub const LIMIT_WINDOW_MS: i64 = 10 * 60 * 1000;

/// Which limit a check counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LimitKind {
    Manual,
    File,
}

/// Per-address counters in memory: checks are cheap to count and need no database write.
/// (Several server processes each count their own share; the limit is about a flood from
/// one address, which a load balancer spreads over them.)
#[derive(Debug, Default)]
pub struct RateLimits {
    counters: Mutex<HashMap<(IpAddr, LimitKind), (Millis, u32)>>,
}

impl RateLimits {
    /// Counts one check; `Err(retry_at)` when the address has used up its window.
    pub fn check(&self, client: IpAddr, kind: LimitKind, now: Millis) -> Result<(), Millis> {
        let limit = match kind {
            LimitKind::Manual => MANUAL_LIMIT,
            LimitKind::File => FILE_LIMIT,
        };
        let mut counters = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        if counters.len() > 100_000 {
            counters.retain(|_, (start, _)| now - *start < LIMIT_WINDOW_MS);
        }
        let entry = counters.entry((client, kind)).or_insert((now, 0));
        if now - entry.0 >= LIMIT_WINDOW_MS {
            *entry = (now, 0);
        }
        if entry.1 >= limit {
            return Err(entry.0 + LIMIT_WINDOW_MS);
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_count_per_address_and_reset_after_the_window() {
        let limits = RateLimits::default();
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        let other: IpAddr = "203.0.113.8".parse().unwrap();
        for _ in 0..MANUAL_LIMIT {
            assert!(limits.check(ip, LimitKind::Manual, 0).is_ok());
        }
        assert_eq!(limits.check(ip, LimitKind::Manual, 1), Err(LIMIT_WINDOW_MS));
        assert!(limits.check(other, LimitKind::Manual, 1).is_ok());
        assert!(
            limits.check(ip, LimitKind::File, 1).is_ok(),
            "separate limits"
        );
        assert!(limits.check(ip, LimitKind::Manual, LIMIT_WINDOW_MS).is_ok());
    }
}
