//! The time source of the whole server.

use crate::domain::time::{datetime, Millis, CHINA_OFFSET};
use std::sync::atomic::{AtomicI64, Ordering};
use time::{Date, OffsetDateTime};

/// The time source. It reads the system clock plus an offset; the offset can only be moved
/// through the test controls, which are off unless the server is started with them enabled.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> Millis {
        let system = OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
        system as i64 + self.offset_ms.load(Ordering::Relaxed)
    }

    pub fn now_datetime(&self) -> OffsetDateTime {
        datetime(self.now())
    }

    /// Today's date in China.
    pub fn today(&self) -> Date {
        self.now_datetime().to_offset(CHINA_OFFSET).date()
    }

    /// Moves the clock by `delta_ms` (test controls only).
    pub fn advance(&self, delta_ms: i64) {
        self.offset_ms.fetch_add(delta_ms, Ordering::Relaxed);
    }

    pub fn offset(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    pub fn reset(&self) {
        self.offset_ms.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_moves_only_when_told() {
        let clock = Clock::default();
        let before = clock.now();
        clock.advance(86_400_000);
        assert!(clock.now() - before >= 86_400_000);
        clock.reset();
        assert!(clock.now() - before < 86_400_000);
    }

    #[test]
    fn today_is_counted_in_china() {
        let clock = Clock::default();
        // 2026-11-26T17:00:00Z is already 2026-11-27 in Beijing.
        let target = OffsetDateTime::new_utc(
            time::macros::date!(2026 - 11 - 26),
            time::macros::time!(17:00),
        );
        clock.advance((target.unix_timestamp() * 1000) - clock.now());
        assert_eq!(clock.today(), time::macros::date!(2026 - 11 - 27));
    }
}
