//! Serving: build the application, listen, and shut down gracefully on SIGTERM/Ctrl-C.

use crate::application::{Application, Config};
use crate::cli::{GlobalArgs, ServeArgs};
use leptos::prelude::*;
use std::time::Instant;

pub async fn run(url: &str, global: &GlobalArgs, args: ServeArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    // Listening for the signal from the start: a SIGTERM during start-up stops the server as
    // soon as it is built, instead of killing it.
    let signalled = tokio::spawn(wait_for_signal());
    // The test controls move the clock and seed records for anyone who can reach them.
    if args.enable_test_controls && !args.listen.ip().is_loopback() {
        anyhow::bail!(
            "test controls need a loopback listen address (127.0.0.1 or ::1), not {}",
            args.listen
        );
    }
    if args.test_production_delay_ms.is_some() && !args.enable_test_controls {
        anyhow::bail!("the production delay is a test control: it needs --enable-test-controls");
    }
    let mut leptos_options = get_configuration(None)?.leptos_options;
    leptos_options.site_root = args.site_root.to_string_lossy().as_ref().into();
    let demo = args.demo || args.demo_data || args.enable_test_controls;
    let data_keys = crate::data_key::resolve(
        global.data_key_file.as_deref(),
        &global.data_dir,
        if demo {
            crate::data_key::Use::Demo
        } else {
            crate::data_key::Use::Production
        },
    )?;
    let application = Application::build(Config {
        data_keys,
        database_url: url.to_string(),
        listen: args.listen,
        public_url: args.public_url.clone(),
        secure_cookies: args.secure_cookies,
        test_controls: args.enable_test_controls,
        demo_data: args.demo_data,
        key_dir: global.data_dir.clone(),
        issuer_key: args.issuer_key.clone(),
        issuer_cert: args.issuer_cert.clone(),
        leptos_options,
        workers: crate::worker::WorkerConfig {
            workers: args.workers,
            lease: std::time::Duration::from_millis(args.job_lease_ms),
            test_delay: args
                .test_production_delay_ms
                .map(std::time::Duration::from_millis),
            ..Default::default()
        },
        messages: match args.sms.gateway()? {
            Some(gateway) => crate::application::Messages::Gateway(gateway),
            None => crate::application::Messages::Outbox,
        },
        real_name: args.real_name.check(&args.sms)?,
        demo: args.demo,
        verification_log_retention_days: args.verification_log_retention_days,
        annotation_cutoff: args.annotation_cutoff,
        trusted_proxies: app::infra::TrustedProxies::new(args.trusted_proxies.clone()),
        connections: crate::connections::ConnectionLimits {
            max_connections: args.max_connections,
            max_per_address: args.max_connections_per_address,
            ..Default::default()
        },
    })
    .await?;
    tracing::info!(
        local = %application.local_addr()?,
        database = ?application.state().storage.backend(),
        startup_ms = started.elapsed().as_millis() as u64,
        "listening"
    );
    println!("listening on {}", application.public_url());

    let signal = application.shutdown_handle();
    tokio::spawn(async move {
        let _ = signalled.await;
        tracing::info!("shutting down: finishing requests in flight");
        signal.cancel();
    });
    application.run_until_stopped().await
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
