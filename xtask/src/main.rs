//! Build tasks for this workspace, run as `cargo xtask <task>` (an alias in
//! `.cargo/config.toml`).
//!
//! `cargo xtask build-site [--release]` builds what `cargo leptos build [--release]` builds, with
//! plain cargo and no tools to install besides wasm-opt: the server binary, the wasm and its
//! JavaScript glue (wasm-bindgen as a library, at exactly the version of Cargo.lock), the CSS
//! bundle and the public assets. Unlike cargo-leptos it names the wasm, JavaScript and CSS by
//! their content, writes a brotli and a gzip copy beside every asset, and switches the site
//! atomically (see [`site`]), so that a server running during a rebuild never answers 404 for
//! an asset of a page it served.

use xtask::{assets, config, site};

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const USAGE: &str = "\
usage: cargo xtask build-site [--release]

  build-site   builds the server binary and the site (target/site: pkg/ with the wasm,
               JavaScript and CSS under content-hashed names plus .br/.gz copies, the
               public assets, hash.txt), and switches target/site to it atomically.
               --release  the release server and the size-optimised wasm (wasm-opt -Oz)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("build-site") => {
            let mut release = false;
            let mut bad = None;
            for arg in &args[1..] {
                match arg.as_str() {
                    "--release" | "-r" => release = true,
                    other => bad = Some(other.to_string()),
                }
            }
            match bad {
                Some(arg) => Err(anyhow::anyhow!("unknown argument {arg:?}\n\n{USAGE}")),
                None => build_site(release),
            }
        }
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(anyhow::anyhow!("{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// The environment cargo-leptos gives both builds, so that they compile alike (and share
/// their caches with `cargo leptos build`).
fn leptos_env(release: bool) -> Vec<(&'static str, String)> {
    use config::*;
    vec![
        ("LEPTOS_OUTPUT_NAME", OUTPUT_NAME.into()),
        ("LEPTOS_SITE_ROOT", SITE_ROOT.into()),
        ("LEPTOS_SITE_PKG_DIR", PKG_DIR.into()),
        ("LEPTOS_SITE_ADDR", SITE_ADDR.into()),
        ("LEPTOS_RELOAD_PORT", RELOAD_PORT.into()),
        ("LEPTOS_LIB_DIR", LIB_PACKAGE.into()),
        ("LEPTOS_BIN_DIR", BIN_PACKAGE.into()),
        ("LEPTOS_JS_MINIFY", release.to_string()),
        ("LEPTOS_HASH_FILES", "false".into()),
    ]
}

fn cargo(root: &Path, release: bool) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .current_dir(root)
        .arg("build")
        .envs(leptos_env(release));
    // A hot-reloading build (cargo leptos watch) compiles differently; never mix them up.
    command.env_remove("LEPTOS_WATCH");
    command
}

fn build_site(release: bool) -> Result<()> {
    let started = Instant::now();
    let root = workspace_root();
    let target = target_dir(&root);
    let profile = if release {
        config::LIB_PROFILE_RELEASE
    } else {
        "debug"
    };

    // The server and the wasm build side by side: separate target directories (as
    // cargo-leptos keeps them), so neither waits for the other's lock.
    let mut server = cargo(&root, release);
    server.args([
        "--package",
        config::BIN_PACKAGE,
        "--bin",
        config::BIN_TARGET,
        "--no-default-features",
    ]);
    if release {
        server.arg("--release");
    }
    println!(
        "xtask: building the server ({})",
        if release { "release" } else { "debug" }
    );
    let mut server = server.spawn().context("starting cargo for the server")?;

    let front_target = target.join("front");
    let mut front = cargo(&root, release);
    front.args([
        "--package",
        config::LIB_PACKAGE,
        "--lib",
        "--no-default-features",
    ]);
    front.arg("--target-dir").arg(&front_target);
    front.args(["--target", "wasm32-unknown-unknown"]);
    if release {
        front.args(["--profile", config::LIB_PROFILE_RELEASE]);
    }
    println!("xtask: building the wasm ({profile})");
    let front_status = front.status().context("starting cargo for the wasm")?;
    let server_status = server.wait().context("waiting for the server build")?;
    if !front_status.success() {
        bail!("the wasm build failed");
    }
    if !server_status.success() {
        bail!("the server build failed");
    }
    let compiled = Instant::now();

    let wasm_input = front_target
        .join("wasm32-unknown-unknown")
        .join(profile)
        .join(format!("{}.wasm", config::LIB_PACKAGE));
    let cache = target.join("site-cache").join(profile);
    let front = assets::bindgen(&root, &wasm_input, &cache, release)?;
    let css = assets::bundle_css(&root.join(config::STYLE_FILE), release)?;

    let site_link = root.join(config::SITE_ROOT);
    let published = site::publish(
        &site_link,
        &site::Generation {
            js: front.js,
            wasm: front.wasm,
            css: css.into_bytes(),
            snippets: front.snippets,
            public: root.join(config::ASSETS_DIR),
        },
    )?;
    let wasm = published
        .dir
        .join(config::PKG_DIR)
        .join(&published.names.wasm);
    let size = |path: &Path| std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    println!(
        "xtask: site {} ({}) in {:.1} s (cargo {:.1} s); wasm {} bytes raw, {} gzip, {} brotli",
        site_link.display(),
        if published.changed {
            "switched"
        } else {
            "unchanged"
        },
        started.elapsed().as_secs_f64(),
        (compiled - started).as_secs_f64(),
        size(&wasm),
        size(&site::with_suffix(&wasm, "gz")),
        size(&site::with_suffix(&wasm, "br")),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    /// The constants above are the settings cargo-leptos reads: both builds must agree.
    #[test]
    fn config_matches_the_leptos_metadata() {
        let manifest = std::fs::read_to_string(super::workspace_root().join("Cargo.toml")).unwrap();
        let metadata = manifest
            .split("[[workspace.metadata.leptos]]")
            .nth(1)
            .expect("Cargo.toml has [[workspace.metadata.leptos]]");
        let value = |key: &str| {
            metadata
                .lines()
                .find_map(|line| {
                    let (k, v) = line.split_once('=')?;
                    (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
                })
                .unwrap_or_else(|| panic!("{key} missing from the leptos metadata"))
        };
        use super::config::*;
        assert_eq!(value("name"), OUTPUT_NAME);
        assert_eq!(value("site-root"), SITE_ROOT);
        assert_eq!(value("site-pkg-dir"), PKG_DIR);
        assert_eq!(value("style-file"), STYLE_FILE);
        assert_eq!(value("assets-dir"), ASSETS_DIR);
        assert_eq!(value("bin-package"), BIN_PACKAGE);
        assert_eq!(value("bin-target"), BIN_TARGET);
        assert_eq!(value("lib-package"), LIB_PACKAGE);
        assert_eq!(value("lib-profile-release"), LIB_PROFILE_RELEASE);
        assert_eq!(value("browserquery"), BROWSER_QUERY);
        assert_eq!(value("site-addr"), SITE_ADDR);
        assert_eq!(value("reload-port"), RELOAD_PORT);
        assert_eq!(value("bin-features"), "[]");
        assert_eq!(value("lib-features"), "[]");
        assert_eq!(value("bin-default-features"), "false");
        assert_eq!(value("lib-default-features"), "false");
        assert_eq!(value("style-bundle"), "true");
        assert_eq!(value("disable-erase-components"), "true");
    }
}
