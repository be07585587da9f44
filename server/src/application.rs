//! The running application, built in one place from a [`Config`]: storage, state, signing key,
//! router, the annotation workers, the verification log writer and the session sweeper. The
//! `serve` command and the integration tests both build it here, so the tests run what
//! production runs.

use crate::connections::ConnectionLimits;
use crate::worker::WorkerConfig;
use app::infra::TrustedProxies;
use app::state::{AppState, Settings};
use app::storage::DynStorage;
use axum::Router;
use certpdf::IssuerKey;
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Everything the application is built from.
pub struct Config {
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// Where to listen (port 0: any free port; see [`Application::port`]).
    pub listen: SocketAddr,
    /// The site's address as readers see it (no trailing slash); default: the listening
    /// address over plain HTTP.
    pub public_url: Option<String>,
    /// Cookies only over HTTPS; default: whether the public URL is HTTPS.
    pub secure_cookies: Option<bool>,
    /// Routes that move the clock and seed records, for the end-to-end tests.
    pub test_controls: bool,
    /// Load the demo holders and certificates first.
    pub demo_data: bool,
    /// Where the development signing key is kept.
    pub key_dir: PathBuf,
    /// The issuer's key and certificate files, if given (else the key store decides).
    pub issuer_key: Option<PathBuf>,
    pub issuer_cert: Option<PathBuf>,
    /// The Leptos site (its address is set to the listening one).
    pub leptos_options: LeptosOptions,
    pub workers: WorkerConfig,
    /// Reverse proxies whose forwarding headers name the client (empty: none; the TCP peer
    /// is the client).
    pub trusted_proxies: TrustedProxies,
    /// Open connections in all and per address, and the deadline for a request's headers.
    pub connections: ConnectionLimits,
    /// Where one-time codes go.
    pub messages: Messages,
    /// A demonstration instance: the development outbox may stand in for a message gateway.
    pub demo: bool,
    /// Days a line of the verification log is kept; older lines are swept.
    pub verification_log_retention_days: u32,
    /// The keys of the personal numbers at rest (`crate::data_key::resolve`).
    pub data_keys: Arc<app::storage::DataKeys>,
    /// E-certificates issued on or after this day need an annotation; default 2021-12-17.
    pub annotation_cutoff: Option<time::Date>,
    /// The real-name check before registration and mobile-number codes (`None`: off).
    pub real_name: Option<Arc<dyn app::infra::RealNameCheck>>,
}

/// The message gateway an application sends one-time codes through.
pub enum Messages {
    /// The development outbox (`server outbox` reads it): demos and tests only.
    Outbox,
    /// A real gateway (an SMS provider's adapter).
    Gateway(Arc<dyn app::infra::MessageGateway>),
}

/// The application, listening but not yet serving.
pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    state: AppState,
    storage: DynStorage,
    issuer: Arc<IssuerKey>,
    connections: ConnectionLimits,
    public_url: String,
    shutdown: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

impl Application {
    /// Opens storage, binds the listener and starts the background work (which stops when the
    /// [`shutdown handle`](Application::shutdown_handle) is cancelled).
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let storage = crate::open_storage(&config.database_url, config.data_keys.clone()).await?;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.listen))?;
        let local = listener.local_addr()?;
        let public_url = config
            .public_url
            .unwrap_or_else(|| format!("http://{local}"))
            .trim_end_matches('/')
            .to_string();
        let settings = Settings {
            secure_cookies: config
                .secure_cookies
                .unwrap_or_else(|| public_url.starts_with("https://")),
            test_controls: config.test_controls,
            public_url: public_url.clone(),
            trusted_proxies: config.trusted_proxies,
            verification_log_retention_days: config.verification_log_retention_days,
            annotation_cutoff: config
                .annotation_cutoff
                .unwrap_or(Settings::default().annotation_cutoff),
            ..Settings::default()
        };
        let mut state = crate::app_state(storage.clone(), settings)?;
        match config.messages {
            Messages::Outbox if !(config.demo || config.demo_data || config.test_controls) => {
                anyhow::bail!(
                    "no message gateway is configured, and the development outbox sends nothing: \
                     configure one (--sms-gateway aliyun, see --help) or, for a demonstration, \
                     start with --demo"
                );
            }
            Messages::Outbox => {
                tracing::warn!("one-time codes go to the development outbox (`server outbox`)")
            }
            Messages::Gateway(gateway) => {
                tracing::info!(gateway = gateway.name(), "message gateway configured");
                state.messages = gateway;
            }
        }
        if let Some(check) = config.real_name {
            tracing::info!(provider = check.name(), "real-name check configured");
            state.real_name = Some(check);
        }
        if config.demo_data {
            let summary = crate::demo::load(&state).await?;
            tracing::info!(?summary, "demo data loaded");
        }
        let issuer = Arc::new(
            crate::keys::load_active(
                &state.storage,
                &config.key_dir,
                config.issuer_key.as_deref(),
                config.issuer_cert.as_deref(),
                state.clock.now(),
                config.demo || config.demo_data || config.test_controls,
            )
            .await?,
        );
        let credentials = Arc::new(
            crate::keys::load_credential_key(
                &state.storage,
                &config.key_dir,
                state.clock.now(),
                config.demo || config.demo_data || config.test_controls,
            )
            .await?,
        );
        let mut options = config.leptos_options;
        options.site_addr = local;
        crate::http::assets::use_site_hashes(&mut options);
        let router = crate::http::router(
            state.clone(),
            options,
            Some(issuer.clone()),
            Some(credentials),
        );

        let shutdown = CancellationToken::new();
        let mut tasks = crate::worker::spawn(
            state.clone(),
            issuer.clone(),
            config.workers,
            shutdown.clone(),
        );
        tasks.push(spawn_sweeper(state.clone(), shutdown.clone()));
        tasks.extend(crate::verify_log::spawn(state.clone(), shutdown.clone()));
        Ok(Application {
            listener,
            router,
            state,
            storage,
            issuer,
            connections: config.connections,
            public_url,
            shutdown,
            tasks,
        })
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.local_addr()
            .map(|addr| addr.port())
            .unwrap_or_default()
    }

    /// The site's address as readers see it.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The key it signs with.
    pub fn issuer(&self) -> Arc<IssuerKey> {
        self.issuer.clone()
    }

    /// Cancelling it stops the application: requests in flight finish, workers finish the copy
    /// in hand, and [`run_until_stopped`](Application::run_until_stopped) returns.
    pub fn shutdown_handle(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Serves until the shutdown handle is cancelled, then waits for the background work and
    /// closes storage. Queued work stays in the database.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        crate::connections::serve(
            self.listener,
            self.router,
            self.connections,
            self.state.settings.trusted_proxies.clone(),
            self.shutdown.clone(),
        )
        .await;
        for task in self.tasks {
            let _ = task.await;
        }
        self.storage.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Every ten minutes removes expired sessions (they are refused anyway), the rate-limit
/// counters whose window has passed (a new check starts a new window anyway), used or expired
/// one-time codes (with the appeal drafts waiting for them) and passed login throttles; this keeps the tables small and holds nothing
/// longer than it is needed. A row outlives its use by at most the sweep interval.
fn spawn_sweeper(state: AppState, shutdown: CancellationToken) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(std::time::Duration::from_secs(600)) => {}
                _ = shutdown.cancelled() => return,
            }
            let now = state.clock.now();
            let idle_before = now - app::session::IDLE_TIMEOUT_MS;
            match state.storage.delete_stale_sessions(now, idle_before).await {
                Ok(removed) if removed > 0 => tracing::info!(removed, "expired sessions removed"),
                Ok(_) => {}
                Err(err) => {
                    tracing::warn!(error = %app::error::ssr::ErrorChain(&err), "session sweep failed")
                }
            }
            let passed = now - app::infra::LONGEST_WINDOW_MS;
            match state.storage.delete_expired_rate_limits(passed).await {
                Ok(removed) if removed > 0 => {
                    tracing::debug!(removed, "rate-limit windows removed")
                }
                Ok(_) => {}
                Err(err) => {
                    tracing::warn!(error = %app::error::ssr::ErrorChain(&err), "rate-limit sweep failed")
                }
            }
            // Appeal drafts (and their ID photos) go with their expired codes: before the
            // codes are purged, so that a code just used still keeps the draft it files.
            match state.storage.purge_appeal_drafts(now).await {
                Ok(removed) if removed > 0 => {
                    tracing::info!(removed, "unconfirmed appeals removed")
                }
                Ok(_) => {}
                Err(err) => {
                    tracing::warn!(error = %app::error::ssr::ErrorChain(&err), "appeal sweep failed")
                }
            }
            let longest_window = app::accounts::service::ACCOUNT_THROTTLE.window_ms;
            let purged = async {
                Ok::<_, app::storage::StorageError>(
                    state.storage.purge_codes(now).await?
                        + state.storage.purge_throttles(now, longest_window).await?,
                )
            };
            match purged.await {
                Ok(removed) if removed > 0 => {
                    tracing::info!(removed, "expired codes and throttles removed")
                }
                Ok(_) => {}
                Err(err) => {
                    tracing::warn!(error = %app::error::ssr::ErrorChain(&err), "code sweep failed")
                }
            }
            sweep_verification_log(&state).await;
        }
    })
}

/// Deletes the verification log's lines older than the retention time
/// (`--verification-log-retention-days`) and API key use counts older than a month; part of
/// the periodic sweep.
pub async fn sweep_verification_log(state: &AppState) {
    let now = state.clock.now();
    let retention_ms = i64::from(state.settings.verification_log_retention_days) * 86_400_000;
    match state
        .storage
        .delete_verifications_before(now - retention_ms)
        .await
    {
        Ok(removed) if removed > 0 => {
            tracing::info!(removed, "verification log lines past retention removed")
        }
        Ok(_) => {}
        Err(err) => {
            tracing::warn!(error = %app::error::ssr::ErrorChain(&err), "verification log sweep failed")
        }
    }
    let month_ago = app::verification::api_keys::china_day(now) - 31;
    if let Err(err) = state.storage.delete_api_key_use_before(month_ago).await {
        tracing::warn!(error = %app::error::ssr::ErrorChain(&err), "API key use sweep failed")
    }
}
