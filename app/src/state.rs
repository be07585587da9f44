//! What every request handler and server function can reach: storage, the clock and settings.

use crate::storage::{DynBlobStore, DynStorage, Millis};
use leptos::prelude::*;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use time::{Date, OffsetDateTime, UtcOffset};

/// China Standard Time. Dates that the rules count in (application day, validity end) are
/// calendar days in this zone, which has no daylight saving.
pub const CHINA_OFFSET: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("valid offset"),
};

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

/// An instant as a date-time in UTC.
pub fn datetime(ms: Millis) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `YYYY-MM-DD HH:MM` in China time, for showing instants to users.
pub fn china_minute(ms: Millis) -> String {
    let t = datetime(ms).to_offset(CHINA_OFFSET);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// Settings fixed at start-up.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The externally visible base URL (for QR codes and absolute links), without a trailing
    /// slash, e.g. `https://certs.example.org`.
    pub public_url: String,
    /// Whether cookies get the `Secure` attribute (when served over HTTPS).
    pub secure_cookies: bool,
    /// Test-only controls (movable clock). Off unless explicitly enabled.
    pub test_controls: bool,
    /// E-certificates issued on or after this date need an annotation (domain.md).
    pub annotation_cutoff: Date,
    /// The current version of the service terms; holders accept each version once.
    pub terms_version: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            public_url: "http://127.0.0.1:3000".to_string(),
            secure_cookies: false,
            test_controls: false,
            annotation_cutoff: time::macros::date!(2021 - 12 - 17),
            terms_version: 1,
        }
    }
}

/// Shared application state, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub storage: DynStorage,
    /// Where file bytes live: the database by default, an object store later.
    pub blobs: DynBlobStore,
    pub clock: Arc<Clock>,
    pub settings: Arc<Settings>,
    /// The installed fonts, loaded once: they draw PDFs and rare-character glyphs.
    pub fonts: Arc<certpdf::FontChain>,
    /// Wakes an annotation worker of this process when an application is queued (workers
    /// also poll, for work queued by other processes and for retries).
    pub jobs: Arc<tokio::sync::Notify>,
    /// Per-address limits on manual and file verification.
    pub limits: Arc<crate::verification::service::RateLimits>,
    /// Verifications waiting to be logged.
    pub verification_log: Arc<crate::verification::service::VerificationQueue>,
}

impl AppState {
    pub fn new(
        storage: DynStorage,
        settings: Settings,
        fonts: Arc<certpdf::FontChain>,
    ) -> AppState {
        AppState {
            blobs: storage.clone(),
            storage,
            clock: Arc::new(Clock::default()),
            settings: Arc::new(settings),
            fonts,
            jobs: Arc::new(tokio::sync::Notify::new()),
            limits: Arc::default(),
            verification_log: Arc::default(),
        }
    }
}

/// The application state inside a server function or a server-rendered component.
pub fn use_app_state() -> Result<AppState, crate::error::AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the reactive context");
        crate::error::AppError::Internal {
            reference: "state".to_string(),
        }
    })
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
