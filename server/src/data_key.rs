//! The data key file (`--data-key-file`): the keys that seal ID and mobile numbers at rest
//! (holders, certificates, appeals, pending codes) and hash ID numbers and addresses for
//! lookups ([`app::storage::DataKeys`]), and the operator's `server data-key` commands.
//!
//! Without `--data-key-file`, a demonstration (`--demo`, `--demo-data`, test controls, the
//! `demo-data` command) uses a development key file generated once in the data directory;
//! operator commands use that file if it exists; serving outside a demonstration refuses
//! it, as it refuses a development signing key.

use anyhow::Context;
use app::storage::DataKeys;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The development key file's name in the data directory.
pub const DEV_KEY_FILE: &str = "data.key";

/// What to configure instead of a development key, for the messages that refuse one.
const CONFIGURE: &str = "generate a key file with `server data-key generate --out FILE`, keep \
     it owner-only and backed up apart from the database, and give it with --data-key-file \
     (PORTAL_DATA_KEY_FILE); see the README, Deploying";

/// Who asks for the keys, which decides whether a development key may stand in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    /// Serving a demonstration, or loading the demo data: a development key is generated
    /// if none exists.
    Demo,
    /// An operator command: the development key is used if one exists.
    Command,
    /// Serving for real: only a configured key file.
    Production,
}

/// The keys: from `given`, else (by `usage`) the development key file in `data_dir`.
pub fn resolve(given: Option<&Path>, data_dir: &Path, usage: Use) -> anyhow::Result<Arc<DataKeys>> {
    if let Some(path) = given {
        return DataKeys::load(path)
            .map(Arc::new)
            .map_err(anyhow::Error::msg);
    }
    let dev = data_dir.join(DEV_KEY_FILE);
    match usage {
        Use::Production => anyhow::bail!(
            "no data key file is configured, and a generated development key is refused \
             outside a demonstration: {CONFIGURE}"
        ),
        Use::Command if !dev.exists() => {
            anyhow::bail!("no data key file is configured: {CONFIGURE}")
        }
        Use::Demo if !dev.exists() => {
            std::fs::create_dir_all(data_dir)
                .with_context(|| format!("creating {}", data_dir.display()))?;
            write_new(&dev, &DataKeys::generate_text())?;
            tracing::warn!(
                file = %dev.display(),
                "generated a development data key; configure --data-key-file outside a demonstration"
            );
        }
        _ => {}
    }
    DataKeys::load(&dev)
        .map(Arc::new)
        .map_err(anyhow::Error::msg)
}

/// Writes a new owner-only file; refuses to overwrite one.
fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("creating the key file {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

/// `server data-key …`.
#[derive(Debug, Subcommand)]
pub enum DataKeyCommand {
    /// Write a new key file (a lookup key and a data key) for a new database.
    Generate(GenerateArgs),
    /// Write a copy of the key file with a new data key, the current one kept as
    /// `previous`; install it on every server and restart them, then run `rotate`.
    NewDataKey(NewDataKeyArgs),
    /// Re-encrypt every value sealed with a previous data key under the current one (in
    /// batches; run again after an interruption). Afterwards the `previous` lines can go.
    Rotate,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Where to write the key file (refused if it exists).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct NewDataKeyArgs {
    /// Where to write the new key file (refused if it exists).
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs a `data-key` command.
pub async fn run(
    command: DataKeyCommand,
    url: &str,
    global: &crate::cli::GlobalArgs,
) -> anyhow::Result<()> {
    match command {
        DataKeyCommand::Generate(args) => {
            write_new(&args.out, &DataKeys::generate_text())?;
            println!("wrote a new data key file to {}", args.out.display());
        }
        DataKeyCommand::NewDataKey(args) => {
            let current = key_file(global)?;
            let text = std::fs::read_to_string(&current)
                .with_context(|| format!("reading {}", current.display()))?;
            let keys = DataKeys::parse(&text).map_err(anyhow::Error::msg)?;
            let rotated = keys.rotated_text(&text);
            let new = DataKeys::parse(&rotated).map_err(anyhow::Error::msg)?;
            write_new(&args.out, &rotated)?;
            println!(
                "wrote {} with the new data key {} (the old one, {}, is kept as previous)",
                args.out.display(),
                new.current_id(),
                keys.current_id()
            );
        }
        DataKeyCommand::Rotate => {
            let keys = resolve(
                global.data_key_file.as_deref(),
                &global.data_dir,
                Use::Command,
            )?;
            let storage = crate::open_storage(url, keys.clone()).await?;
            let changed = storage.reencrypt_all().await?;
            storage.close().await;
            println!(
                "re-encrypted {changed} rows (holders, certificates, appeals, pending codes) under data key {}; no \
                 value needs another key now",
                keys.current_id()
            );
        }
    }
    Ok(())
}

/// The configured key file, or the development one.
fn key_file(global: &crate::cli::GlobalArgs) -> anyhow::Result<PathBuf> {
    match &global.data_key_file {
        Some(path) => Ok(path.clone()),
        None => {
            let dev = global.data_dir.join(DEV_KEY_FILE);
            anyhow::ensure!(dev.exists(), "no data key file is configured: {CONFIGURE}");
            Ok(dev)
        }
    }
}
