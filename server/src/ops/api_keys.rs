//! `server api-keys …`: the API keys of bulk verifiers (HR systems) for `/api/v1/verify/…`.
//! A key is printed once, when it is created; only its digest is stored, and its prefix names
//! it afterwards. Each request with a key counts against its daily quota (the calendar day in
//! China) instead of the per-address limits. Creating and revoking are audit-logged.

use crate::ops::actor;
use app::domain::time::china_minute;
use app::storage::NewApiKey;
use app::verification::api_keys::{china_day, generate, key_hash, DEFAULT_DAILY_QUOTA};
use clap::{Args, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum ApiKeysCommand {
    /// Create a key and print it (once: it cannot be shown again).
    Create(CreateArgs),
    /// List every key: id, prefix, name, daily quota, used today, created, revoked.
    List,
    /// Revoke a key: requests with it are refused (401) at once.
    Revoke {
        /// The key's id or its prefix (`cvk_` and 8 characters), as `api-keys list` shows.
        key: String,
    },
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Who the key is for (e.g. the HR system and its owner), shown in lists.
    #[arg(long)]
    pub name: String,

    /// Requests a day (China time) the key may make.
    #[arg(long, default_value_t = DEFAULT_DAILY_QUOTA, value_parser = clap::value_parser!(i64).range(1..=100_000_000))]
    pub daily_quota: i64,
}

fn now() -> app::domain::Millis {
    app::infra::Clock::default().now()
}

pub async fn run(url: &str, command: ApiKeysCommand) -> anyhow::Result<ExitCode> {
    let storage = crate::open_storage(url).await?;
    let result = match command {
        ApiKeysCommand::Create(args) => {
            let name = args.name.trim();
            if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
                storage.close().await;
                anyhow::bail!("--name must be 1 to 100 printable characters");
            }
            let (key, prefix) = generate();
            let id = storage
                .create_api_key(
                    &NewApiKey {
                        name: name.to_string(),
                        prefix: prefix.clone(),
                        key_hash: key_hash(&key),
                        daily_quota: args.daily_quota,
                    },
                    now(),
                    &actor(),
                )
                .await?;
            println!("{key}");
            eprintln!(
                "created API key {id} ({prefix}…) for {name:?}, {} requests a day; the key is \
                 printed once above and cannot be shown again",
                crate::ops::thousands(args.daily_quota as u64)
            );
            ExitCode::SUCCESS
        }
        ApiKeysCommand::List => {
            let keys = storage.api_keys(china_day(now())).await?;
            if keys.is_empty() {
                println!("no API keys");
            } else {
                println!("id\tprefix\tname\tdaily quota\tused today\tcreated\trevoked");
            }
            for k in keys {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    k.id,
                    k.prefix,
                    k.name,
                    k.daily_quota,
                    k.used,
                    china_minute(k.created_at),
                    k.revoked_at.map(china_minute).unwrap_or_else(|| "-".into())
                );
            }
            ExitCode::SUCCESS
        }
        ApiKeysCommand::Revoke { key } => {
            match storage.revoke_api_key(key.trim(), now(), &actor()).await? {
                Some(k) => {
                    println!("revoked API key {} ({}) for {:?}", k.id, k.prefix, k.name);
                    ExitCode::SUCCESS
                }
                None => {
                    eprintln!("no API key with id or prefix {key:?} (see `server api-keys list`)");
                    ExitCode::FAILURE
                }
            }
        }
    };
    storage.close().await;
    Ok(result)
}
