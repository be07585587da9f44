//! Structured logs. Every request runs in a span carrying its request id, so all lines a
//! request produces can be found together.

use clap::ValueEnum;
use tracing_subscriber::{fmt, EnvFilter};

#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

pub fn init(level: &str, format: LogFormat) {
    // Noisy dependencies stay at warn unless asked for explicitly.
    let filter = EnvFilter::try_new(format!("{level},sqlx=warn,hyper=warn,tower_http=info"))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter).with_target(true);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}
