//! The server: the axum application around the Leptos app, its plain routes, background work,
//! and the operator commands.

pub mod application;
pub mod cli;
pub mod connections;
pub mod copy;
pub mod data_key;
pub mod demo;
pub mod http;
pub mod keys;
pub mod ops;
pub mod real_name;
pub mod serve;
pub mod sms;
pub mod telemetry;
pub mod verify_log;
pub mod worker;

use app::state::{AppState, Settings};
use app::storage::{self, DynStorage, StorageError};
use certpdf::FontChain;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// The database URL to use: the one given, or the SQLite file in the data directory.
pub fn database_url(given: Option<&str>, data_dir: &Path) -> anyhow::Result<String> {
    match given {
        Some(url) if !url.trim().is_empty() => Ok(url.to_string()),
        _ => {
            std::fs::create_dir_all(data_dir).map_err(|e| {
                anyhow::anyhow!("cannot create data directory {}: {e}", data_dir.display())
            })?;
            Ok(format!("sqlite://{}", data_dir.join("portal.db").display()))
        }
    }
}

/// Opens storage with the data keys ([`data_key`]), naming the backend in the error so an
/// operator can act on it.
pub async fn open_storage(url: &str, keys: Arc<storage::DataKeys>) -> anyhow::Result<DynStorage> {
    storage::connect(url, keys)
        .await
        .map_err(|e: StorageError| {
            let scheme = url.split(':').next().unwrap_or_default();
            anyhow::anyhow!(
                "cannot open the {scheme} database: {}",
                app::error::ssr::ErrorChain(&e)
            )
        })
}

/// The installed font chain, loaded (memory-mapped and parsed) once per process; its working
/// sets are built in the background.
pub fn fonts() -> anyhow::Result<Arc<FontChain>> {
    static FONTS: OnceLock<Result<Arc<FontChain>, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let fonts = Arc::new(FontChain::system_default().map_err(|e| e.to_string())?);
            // The working sets (the CJK faces' common characters, subset once) take ~220 ms
            // to build, which was most of the server's start-up; they are built on a thread
            // of their own instead. A PDF wanted sooner waits for them (they are `OnceLock`s).
            let warming = fonts.clone();
            if let Err(err) = std::thread::Builder::new()
                .name("font-warm-up".into())
                .spawn(move || {
                    warming.warm_up();
                    // Subsetting allocates ~200 MB that it frees again; mimalloc would keep it
                    // resident until later allocations purge it, which an idle server never
                    // makes (idle RSS 265 MB, 57 MB with this).
                    // SAFETY: mi_collect only returns this thread's freed pages to the system;
                    // it is safe to call at any time (and does nothing under another allocator).
                    unsafe { libmimalloc_sys::mi_collect(true) };
                })
            {
                tracing::warn!(%err, "fonts are warmed up on first use instead");
            }
            Ok(fonts)
        })
        .clone()
        .map_err(|e| {
            anyhow::anyhow!(
                "{e} (the set-up installs fonts-noto-cjk, fonts-hanazono, fonts-babelstone-han)"
            )
        })
}

/// Builds the shared state for a server or a command.
pub fn app_state(storage: DynStorage, settings: Settings) -> anyhow::Result<AppState> {
    Ok(AppState::new(storage, settings, fonts()?))
}
