//! Serving: open storage, build the app, listen, and shut down gracefully on SIGTERM/Ctrl-C.

use crate::cli::{GlobalArgs, ServeArgs};
use app::state::Settings;
use leptos::prelude::*;
use std::time::Instant;
use tokio_util::sync::CancellationToken;

pub async fn run(url: &str, global: &GlobalArgs, args: ServeArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let storage = crate::open_storage(url).await?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", args.listen))?;
    let local = listener.local_addr()?;
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{local}"))
        .trim_end_matches('/')
        .to_string();
    let settings = Settings {
        secure_cookies: args
            .secure_cookies
            .unwrap_or_else(|| public_url.starts_with("https://")),
        test_controls: args.enable_test_controls,
        public_url: public_url.clone(),
        ..Settings::default()
    };
    let state = crate::app_state(storage.clone(), settings)?;
    if args.demo_data {
        let summary = crate::demo::load(&state).await?;
        tracing::info!(?summary, "demo data loaded");
    }

    if args.test_production_delay_ms.is_some() && !args.enable_test_controls {
        anyhow::bail!("the production delay is a test control: it needs --enable-test-controls");
    }
    let issuer = std::sync::Arc::new(
        crate::keys::load_active(
            &state.storage,
            &global.data_dir,
            args.issuer_key.as_deref(),
            args.issuer_cert.as_deref(),
            state.clock.now(),
        )
        .await?,
    );

    let mut options = get_configuration(None)?.leptos_options;
    options.site_root = args.site_root.to_string_lossy().as_ref().into();
    options.site_addr = local;
    let router = crate::http::router(state.clone(), options, Some(issuer.clone()));

    let shutdown = CancellationToken::new();
    let workers = crate::worker::spawn(
        state.clone(),
        issuer,
        crate::worker::WorkerConfig {
            workers: args.workers,
            lease: std::time::Duration::from_millis(args.job_lease_ms),
            test_delay: args
                .test_production_delay_ms
                .map(std::time::Duration::from_millis),
            ..Default::default()
        },
        shutdown.clone(),
    );
    let sweeper = spawn_session_sweeper(state.clone(), shutdown.clone());
    let log_writer = crate::verify_log::spawn(state.clone(), shutdown.clone());
    tracing::info!(
        %local,
        database = ?storage.backend(),
        startup_ms = started.elapsed().as_millis() as u64,
        "listening"
    );
    println!("listening on {public_url}");

    let signal = shutdown.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down: finishing requests in flight");
        signal.cancel();
    });
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown.clone().cancelled_owned())
    .await?;
    // Workers finish the copy in hand; the rest stays queued in the database.
    for worker in workers {
        let _ = worker.await;
    }
    let _ = sweeper.await;
    if let Some(writer) = log_writer {
        let _ = writer.await;
    }
    storage.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn wait_for_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

/// Removes expired sessions every ten minutes (they are refused anyway; this keeps the table
/// small).
fn spawn_session_sweeper(
    state: app::state::AppState,
    shutdown: CancellationToken,
) -> tokio::task::JoinHandle<()> {
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
        }
    })
}
