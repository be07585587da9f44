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

    /// The data key file: the keys that seal ID and mobile numbers at rest (see
    /// `server data-key --help` and the README, Deploying). Without it, only a demonstration
    /// runs, on a development key generated in the data directory.
    #[arg(long, env = "PORTAL_DATA_KEY_FILE", global = true)]
    pub data_key_file: Option<PathBuf>,

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
    Serve(Box<ServeArgs>),
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo holders and certificates used by the README's run command (idempotent).
    DemoData,
    /// Import certificate records from a CSV or JSON Lines file (idempotent; bad rows go to
    /// a rejects file).
    Import(crate::ops::import::ImportArgs),
    /// Write an import file of valid generated records (for tests and benchmarks).
    GenImport(crate::ops::gen::GenArgs),
    /// Revoke a certificate: the holder sees 已撤销 and its copies stop verifying as valid.
    Revoke(crate::ops::certificates::RevokeArgs),
    /// Make a revoked certificate valid again.
    Reinstate(crate::ops::certificates::ReinstateArgs),
    /// Attach an electronic file (PDF, JPEG, PNG, OFD) to a certificate.
    Attach(crate::ops::certificates::AttachArgs),
    /// Remove an electronic file from its certificate.
    Detach(crate::ops::certificates::DetachArgs),
    /// List a certificate's electronic files with their ids.
    Files(crate::ops::certificates::FilesArgs),
    /// Manage the issuer's signing keys: generate, import, show, list, rotate, activate, retire.
    #[command(subcommand)]
    Keys(crate::ops::keys::KeysCommand),
    /// List annotations for the operator (failed ones, or a certificate's).
    Annotations(crate::ops::annotations::AnnotationsArgs),
    /// Show the development outbox: the messages (one-time codes) a demo instance would have
    /// sent, newest first.
    Outbox(crate::ops::outbox::OutboxArgs),
    /// Manage the API keys of bulk verifiers (HR systems): create, list, revoke.
    #[command(subcommand)]
    ApiKeys(crate::ops::api_keys::ApiKeysCommand),
    /// Manage the data key file that seals ID and mobile numbers at rest: generate,
    /// new-data-key, rotate.
    #[command(subcommand)]
    DataKey(crate::data_key::DataKeyCommand),
    /// Account appeals (账号申诉): list, show (with the ID photo), approve (locks the account
    /// holding the ID number, ends its sessions, lets the appellant register) or reject with
    /// a reason the appellant sees. Each decision is audited.
    #[command(subcommand)]
    Appeals(crate::ops::appeals::AppealsCommand),
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

    /// Load the demo data at start-up (idempotent). Implies --demo.
    #[arg(long, env = "PORTAL_DEMO_DATA")]
    pub demo_data: bool,

    /// This instance is a demonstration: one-time codes may go to the development outbox
    /// (`server outbox`) instead of a message gateway. Without it (or --demo-data), the
    /// server refuses to start unless a gateway is configured with --sms-gateway.
    #[arg(long, env = "PORTAL_DEMO")]
    pub demo: bool,

    #[command(flatten)]
    pub sms: crate::sms::SmsArgs,

    #[command(flatten)]
    pub real_name: crate::real_name::RealNameArgs,

    /// Mark cookies `Secure` (set when the site is served over HTTPS). Default: on when the
    /// public URL is https.
    #[arg(long, env = "PORTAL_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,

    /// Enable test-only controls (movable clock). Never in production.
    #[arg(long, env = "PORTAL_TEST_CONTROLS")]
    pub enable_test_controls: bool,

    /// The issuer's signing key (PKCS#8 PEM). Without it (and --issuer-cert), the active key
    /// of the registry is used, or, in a demonstration only (--demo, --demo-data), a
    /// development key is generated under the data directory.
    #[arg(long, env = "PORTAL_ISSUER_KEY", requires = "issuer_cert")]
    pub issuer_key: Option<PathBuf>,

    /// The issuer's certificate (PEM) matching --issuer-key.
    #[arg(long, env = "PORTAL_ISSUER_CERT", requires = "issuer_key")]
    pub issuer_cert: Option<PathBuf>,

    /// Annotation workers in this process (0: this process serves only; another one
    /// sharing the database produces).
    #[arg(long, env = "PORTAL_WORKERS", default_value_t = 2)]
    pub workers: usize,

    /// How long a worker reserves a job, in milliseconds; a job whose worker died is taken
    /// again after this.
    #[arg(long, env = "PORTAL_JOB_LEASE_MS", default_value_t = 10_000)]
    pub job_lease_ms: u64,

    /// A reverse proxy (or proxy network, in CIDR) in front of this server whose forwarding
    /// headers are believed: from such a peer the client is taken from `X-Forwarded-For`
    /// (the rightmost address that is not a trusted proxy), else `Forwarded: for=`, else
    /// `X-Real-IP`. Repeat the option or separate with commas, e.g.
    /// `--trusted-proxy 10.0.0.0/8,fd00::/8`. Without it the headers are ignored and the TCP
    /// peer is the client; never name networks that clients can connect from.
    #[arg(
        long = "trusted-proxy",
        env = "PORTAL_TRUSTED_PROXIES",
        value_name = "CIDR",
        value_delimiter = ',',
        value_parser = parse_network
    )]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// Open connections at most; further ones wait to be accepted until one closes.
    #[arg(long, env = "PORTAL_MAX_CONNECTIONS", default_value_t = 4096)]
    pub max_connections: usize,

    /// Open connections at most from one client address (IPv6: one /64); further ones are
    /// closed at once. Trusted proxies are exempt.
    #[arg(
        long,
        env = "PORTAL_MAX_CONNECTIONS_PER_ADDRESS",
        default_value_t = 256
    )]
    pub max_connections_per_address: usize,

    /// Days a line of the verification log (who checked a holder's certificate) is kept;
    /// older lines are deleted by the periodic sweep.
    #[arg(
        long,
        env = "PORTAL_VERIFICATION_LOG_RETENTION_DAYS",
        default_value_t = app::state::DEFAULT_VERIFICATION_LOG_RETENTION_DAYS,
        value_parser = clap::value_parser!(u32).range(1..=36_500)
    )]
    pub verification_log_retention_days: u32,

    /// E-certificates issued on or after this day (YYYY-MM-DD) are used through an annotation
    /// (加注); earlier ones are viewed and downloaded directly. The pages and texts say this
    /// day. Default: 2021-12-17, the national rule.
    #[arg(long, env = "PORTAL_ANNOTATION_CUTOFF", value_parser = parse_day)]
    pub annotation_cutoff: Option<time::Date>,

    /// Test only (needs --enable-test-controls): milliseconds each production takes.
    #[arg(long, env = "PORTAL_TEST_PRODUCTION_DELAY_MS", hide = true)]
    pub test_production_delay_ms: Option<u64>,
}

/// One `--trusted-proxy` value: a CIDR network or a single address.
fn parse_network(text: &str) -> Result<ipnet::IpNet, String> {
    app::infra::TrustedProxies::parse_one(text)
}

/// A calendar day written `YYYY-MM-DD`.
fn parse_day(text: &str) -> Result<time::Date, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, format).map_err(|_| format!("{text:?} is not a day written YYYY-MM-DD"))
}
