//! Serving: open storage, build the app, listen, and shut down gracefully on SIGTERM/Ctrl-C.

use crate::cli::{GlobalArgs, ServeArgs};
use app::state::Settings;
use leptos::prelude::*;
use std::time::Instant;
use tokio_util::sync::CancellationToken;

pub async fn run(url: &str, _global: &GlobalArgs, args: ServeArgs) -> anyhow::Result<()> {
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

    let mut options = get_configuration(None)?.leptos_options;
    options.site_root = args.site_root.to_string_lossy().as_ref().into();
    options.site_addr = local;
    let router = crate::http::router(state.clone(), options);

    let shutdown = CancellationToken::new();
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
