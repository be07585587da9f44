//! Command-line interface: `server` (serve, the default) and the operator commands.

use crate::telemetry::LogFormat;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "server",
    version,
    about = "E-certificate holder portal and verification system",
    long_about = "Serves the holder portal and the public verification pages, and offers the \
                  operator commands. Without a command it serves.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Serving options, when no command is given.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Database: `sqlite://PATH` or `postgres://USER:PASS@HOST/DB`. Default: SQLite file
    /// `portal.db` in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Directory for the SQLite database and the development signing key.
    #[arg(long, env = "PORTAL_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Log level or filter (e.g. `info`, `debug`, `app=debug,info`).
    #[arg(long, env = "PORTAL_LOG", default_value = "info", global = true)]
    pub log_level: String,

    /// Log line format.
    #[arg(
        long,
        env = "PORTAL_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application (the default).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo holders and certificates (idempotent).
    DemoData,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Port 0 picks a free port (printed at start).
    #[arg(long, env = "PORTAL_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// Base URL as users reach the site (for QR codes and links), e.g.
    /// `https://certs.example.org`. Default: http://<listen address>.
    #[arg(long, env = "PORTAL_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Directory with the built site (`pkg/`, assets), as produced by cargo-leptos.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Load the demo data at start-up (idempotent).
    #[arg(long, env = "PORTAL_DEMO_DATA")]
    pub demo_data: bool,

    /// Mark cookies `Secure` (set when the site is served over HTTPS). Default: on when the
    /// public URL is https.
    #[arg(long, env = "PORTAL_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,

    /// Enable test-only controls (movable clock). Never in production.
    #[arg(long, env = "PORTAL_TEST_CONTROLS")]
    pub enable_test_controls: bool,
}
