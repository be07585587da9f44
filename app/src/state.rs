//! What every request handler and server function can reach: storage, the clock and settings.

use crate::infra::{Clock, DevOutbox, HashGate, MessageGateway, TrustedProxies, VerificationQueue};
use crate::storage::{DynBlobStore, DynStorage};
use leptos::prelude::*;
use std::sync::Arc;
use time::Date;

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
    /// E-certificates issued on or after this date need an annotation (docs/domain.md).
    pub annotation_cutoff: Date,
    /// The current version of the service terms; holders accept each version once.
    pub terms_version: i64,
    /// Reverse proxies whose forwarding headers name the client (`--trusted-proxy`).
    pub trusted_proxies: TrustedProxies,
    /// Days a line of the verification log is kept (`--verification-log-retention-days`).
    pub verification_log_retention_days: u32,
}

/// A year: long enough for a holder to see who checked before an application was decided.
pub const DEFAULT_VERIFICATION_LOG_RETENTION_DAYS: u32 = 365;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            public_url: "http://127.0.0.1:3000".to_string(),
            secure_cookies: false,
            test_controls: false,
            annotation_cutoff: time::macros::date!(2021 - 12 - 17),
            terms_version: 1,
            trusted_proxies: TrustedProxies::default(),
            verification_log_retention_days: DEFAULT_VERIFICATION_LOG_RETENTION_DAYS,
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
    /// Verifications waiting to be logged.
    pub verification_log: Arc<VerificationQueue>,
    /// The bound on concurrent password hashing.
    pub hashing: Arc<HashGate>,
    /// Where one-time codes are sent: the development outbox unless the server was
    /// configured with a real gateway.
    pub messages: Arc<dyn MessageGateway>,
}

impl AppState {
    pub fn new(
        storage: DynStorage,
        settings: Settings,
        fonts: Arc<certpdf::FontChain>,
    ) -> AppState {
        let clock = Arc::new(Clock::default());
        AppState {
            blobs: storage.clone(),
            messages: Arc::new(DevOutbox::new(storage.clone(), clock.clone())),
            storage,
            clock,
            settings: Arc::new(settings),
            fonts,
            jobs: Arc::new(tokio::sync::Notify::new()),
            verification_log: Arc::default(),
            hashing: Arc::default(),
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
