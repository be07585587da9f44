//! The browser's files: the wasm with its JavaScript glue, and the CSS bundle.

use crate::config;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// wasm-bindgen's output for the compiled wasm, optimised in release builds.
pub struct Front {
    pub js: Vec<u8>,
    pub wasm: Vec<u8>,
    /// `snippets/…` files the glue imports (inline JavaScript of dependencies), if any.
    pub snippets: PathBuf,
}

/// Runs wasm-bindgen (and wasm-opt in release builds) on `input`, unless the cache already
/// holds the output for exactly these bytes: rerunning them on an unchanged wasm took most of
/// a no-change rebuild (a minute here).
pub fn bindgen(root: &Path, input: &Path, cache: &Path, release: bool) -> Result<Front> {
    let bytes = std::fs::read(input).with_context(|| format!("reading {}", input.display()))?;
    let stamp = crate::site::digest(&bytes);
    let stamp_file = cache.join("input.sha256");
    let name = config::OUTPUT_NAME;
    let js_path = cache.join(format!("{name}.js"));
    let wasm_path = cache.join(format!("{name}.wasm"));
    let snippets = cache.join("snippets");
    if std::fs::read_to_string(&stamp_file).ok().as_deref() == Some(stamp.as_str()) {
        if let (Ok(js), Ok(wasm)) = (std::fs::read(&js_path), std::fs::read(&wasm_path)) {
            println!("xtask: wasm unchanged, reusing its wasm-bindgen output");
            return Ok(Front { js, wasm, snippets });
        }
    }
    drop(bytes);

    if cache.exists() {
        std::fs::remove_dir_all(cache)?;
    }
    std::fs::create_dir_all(cache)?;
    println!("xtask: wasm-bindgen {}", input.display());
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen
        .input_path(input)
        .out_name(name)
        .typescript(false)
        .web(true)
        .context("wasm-bindgen --target web")?;
    bindgen.generate(cache).context("wasm-bindgen")?;
    std::fs::rename(cache.join(format!("{name}_bg.wasm")), &wasm_path)?;

    if release {
        let wasm_opt = wasm_opt(root);
        println!("xtask: {} -Oz", wasm_opt.display());
        // The arguments cargo-leptos gives it.
        let status = Command::new(&wasm_opt)
            .args([
                "-Oz",
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
            ])
            .arg(&wasm_path)
            .arg("-o")
            .arg(&wasm_path)
            .status()
            .with_context(|| {
                format!(
                    "running {} (install it with `npm install --prefix .tools binaryen`, \
                     or run ./scripts/run.sh once)",
                    wasm_opt.display()
                )
            })?;
        if !status.success() {
            bail!("wasm-opt failed");
        }
    }
    std::fs::write(&stamp_file, &stamp)?;
    Ok(Front {
        js: std::fs::read(&js_path)?,
        wasm: std::fs::read(&wasm_path)?,
        snippets,
    })
}

/// npm binaryen's wasm-opt in `.tools` (what the scripts install), else one on the PATH.
fn wasm_opt(root: &Path) -> PathBuf {
    let local = root.join(".tools/node_modules/.bin/wasm-opt");
    if local.exists() {
        local
    } else {
        PathBuf::from("wasm-opt")
    }
}

/// Bundles the style file and what it `@import`s into one stylesheet, adds what the
/// `browserquery` targets need and, in release builds, minifies: what cargo-leptos does with
/// `style-bundle = true`.
pub fn bundle_css(file: &Path, release: bool) -> Result<String> {
    use lightningcss::bundler::{Bundler, FileProvider};
    use lightningcss::stylesheet::{MinifyOptions, ParserOptions, PrinterOptions};
    use lightningcss::targets::{Browsers, Targets};

    let provider = FileProvider::new();
    let mut bundler = Bundler::new(&provider, None, ParserOptions::default());
    let mut stylesheet = bundler
        .bundle(file)
        .map_err(|err| anyhow::anyhow!("CSS bundling: {err}"))?;
    let browsers = Browsers::from_browserslist([config::BROWSER_QUERY])
        .map_err(|err| anyhow::anyhow!("browserquery {:?}: {err}", config::BROWSER_QUERY))?;
    let targets = Targets::from(browsers);
    stylesheet
        .minify(MinifyOptions {
            targets,
            ..Default::default()
        })
        .map_err(|err| anyhow::anyhow!("CSS: {err}"))?;
    let css = stylesheet
        .to_css(PrinterOptions {
            targets,
            minify: release,
            ..Default::default()
        })
        .map_err(|err| anyhow::anyhow!("CSS: {err}"))?;
    Ok(css.code)
}
