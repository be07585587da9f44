//! The operator commands (the issuer's side, docs/domain.md, "Actors"): bulk import of certificate
//! records, revoking and reinstating, electronic files, signing keys, failed annotations, and
//! the generator of import files for tests and benchmarks, the development outbox, and the
//! decisions on account appeals (账号申诉).
//!
//! Each command opens the database like the server does, so it can run while servers run
//! (SQLite in WAL mode with a busy timeout; PostgreSQL transactions). Every change is written
//! with its audit line in one transaction, by actor `operator:<name>` (`PORTAL_OPERATOR`, else
//! the login name).

pub mod annotations;
pub mod api_keys;
pub mod appeals;
pub mod certificates;
pub mod gen;
pub mod import;
pub mod keys;
pub mod outbox;
pub mod store;

use std::process::ExitCode;
use store::{connect_operations, DynOperations};

/// Exit code of an import that finished but rejected some rows.
pub const EXIT_REJECTED_ROWS: u8 = 3;
/// Exit code of a command stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

/// The data keys of this process's operator command, set by [`run`].
static KEYS: std::sync::OnceLock<std::sync::Arc<app::storage::DataKeys>> =
    std::sync::OnceLock::new();

/// The data keys of the running operator command.
pub fn keys() -> anyhow::Result<std::sync::Arc<app::storage::DataKeys>> {
    KEYS.get()
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("the data keys are not loaded"))
}

/// Opens the database for an operator command.
pub async fn open(url: &str) -> anyhow::Result<DynOperations> {
    connect_operations(url, keys()?).await.map_err(|e| {
        let scheme = url.split(':').next().unwrap_or_default();
        anyhow::anyhow!(
            "cannot open the {scheme} database: {}",
            app::error::ssr::ErrorChain(&e)
        )
    })
}

/// Who is acting, for the audit log: `operator:<PORTAL_OPERATOR or login name>`.
pub fn actor() -> String {
    let name = ["PORTAL_OPERATOR", "USER", "LOGNAME"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_string());
    format!("operator:{}", name.trim())
}

/// `1234567` → `1,234,567`, for counts people read.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Runs an operator command. `Ok` carries the exit code (some commands finish with a
/// non-zero one that is not an error, e.g. an import with rejected rows).
pub async fn run(
    command: crate::cli::Command,
    url: &str,
    global: &crate::cli::GlobalArgs,
) -> anyhow::Result<ExitCode> {
    use crate::cli::Command;
    if !matches!(command, Command::GenImport(_)) {
        let keys = crate::data_key::resolve(
            global.data_key_file.as_deref(),
            &global.data_dir,
            crate::data_key::Use::Command,
        )?;
        let _ = KEYS.set(keys);
    }
    match command {
        Command::Import(args) => import::run(url, args).await,
        Command::GenImport(args) => gen::run(args).map(|()| ExitCode::SUCCESS),
        Command::Revoke(args) => certificates::revoke(url, args).await,
        Command::Reinstate(args) => certificates::reinstate(url, args).await,
        Command::Attach(args) => certificates::attach(url, args).await,
        Command::Detach(args) => certificates::detach(url, args).await,
        Command::Files(args) => certificates::files(url, args).await,
        Command::Keys(command) => keys::run(url, &global.data_dir, command).await,
        Command::Annotations(args) => annotations::run(url, args).await,
        Command::Outbox(args) => outbox::run(url, args).await,
        Command::ApiKeys(command) => api_keys::run(url, command).await,
        Command::Appeals(command) => appeals::run(url, command).await,
        Command::Serve(_) | Command::Migrate | Command::DemoData | Command::DataKey(_) => {
            unreachable!("handled by main")
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_groups_digits() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1000), "1,000");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }
}
