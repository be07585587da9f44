//! Writing the site and switching to it atomically.
//!
//! `target/site` is a symbolic link to one generation, `target/site.<time>-<digest>`. A build
//! writes the next generation into a directory of its own and then swaps the link with one
//! `rename`: a server reading through the link sees the old files or the new ones, never a
//! half-written or emptied directory (cargo-leptos empties `target/site` before it rebuilds:
//! a server serving it meanwhile answers 404 for `/pkg/certportal.wasm`).
//!
//! The wasm, JavaScript and CSS are named by their content (`certportal.<hash>.wasm`) and
//! `hash.txt` says which names are current (the file Leptos's `HydrationScripts` reads, in
//! cargo-leptos's format). A page rendered just before a switch still names the previous
//! files, so each generation also carries the previous generation's files. Beside every file a
//! `.br` and a `.gz` copy are written for servers that send them as they are.

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::config::{OUTPUT_NAME, PKG_DIR};

/// The name of the file that lists the current hashed names (cargo-leptos's `hash.txt`).
pub const HASH_FILE: &str = "hash.txt";
/// Digest of a generation's own content: an unchanged rebuild switches nothing.
const GENERATION_FILE: &str = ".generation";
/// The previous generation's names, carried in this one.
const CARRIED_FILE: &str = ".carried";
/// Generations kept on disk (the current one and those before it).
const KEEP: usize = 3;

/// What a generation is made of.
pub struct Generation {
    pub js: Vec<u8>,
    pub wasm: Vec<u8>,
    pub css: Vec<u8>,
    /// A `snippets` directory to copy into `pkg/` if it exists.
    pub snippets: PathBuf,
    /// Copied to the site root as they are.
    pub public: PathBuf,
}

/// The content-hashed file names of one generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    pub js: String,
    pub wasm: String,
    pub css: String,
}

pub struct Published {
    /// The generation directory `target/site` now points to.
    pub dir: PathBuf,
    pub names: Names,
    /// False when the site already had exactly this content.
    pub changed: bool,
}

pub fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A short, URL-safe content hash for a file name.
fn file_hash(bytes: &[u8]) -> String {
    digest(bytes)[..20].to_string()
}

pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// Reads `hash.txt` (`js: …`, `wasm: …`, `css: …` lines) into file names.
pub fn read_names(site: &Path) -> Option<Names> {
    let text = std::fs::read_to_string(site.join(HASH_FILE)).ok()?;
    let hash = |kind: &str| {
        text.lines().find_map(|line| {
            let (k, v) = line.split_once(':')?;
            (k.trim() == kind).then(|| v.trim().to_string())
        })
    };
    Some(Names {
        js: format!("{OUTPUT_NAME}.{}.js", hash("js")?),
        wasm: format!("{OUTPUT_NAME}.{}.wasm", hash("wasm")?),
        css: format!("{OUTPUT_NAME}.{}.css", hash("css")?),
    })
}

/// Writes `generation` as the next site and points `site_link` at it.
pub fn publish(site_link: &Path, generation: &Generation) -> Result<Published> {
    let parent = site_link
        .parent()
        .context("the site has a parent directory")?;
    let base = site_link
        .file_name()
        .context("the site has a name")?
        .to_string_lossy()
        .to_string();
    std::fs::create_dir_all(parent)?;
    let staging = Staging(parent.join(format!("{base}.new-{}", std::process::id())));
    if staging.0.exists() {
        std::fs::remove_dir_all(&staging.0)?;
    }
    let pkg = staging.0.join(PKG_DIR);
    std::fs::create_dir_all(&pkg)?;

    // The glue names the wasm it loads by default; give it the hashed name.
    let wasm_hash = file_hash(&generation.wasm);
    let js = String::from_utf8_lossy(&generation.js).replace(
        &format!("{OUTPUT_NAME}_bg.wasm"),
        &format!("{OUTPUT_NAME}.{wasm_hash}.wasm"),
    );
    let js_hash = file_hash(js.as_bytes());
    let css_hash = file_hash(&generation.css);
    let names = Names {
        js: format!("{OUTPUT_NAME}.{js_hash}.js"),
        wasm: format!("{OUTPUT_NAME}.{wasm_hash}.wasm"),
        css: format!("{OUTPUT_NAME}.{css_hash}.css"),
    };
    std::fs::write(pkg.join(&names.js), js.as_bytes())?;
    std::fs::write(pkg.join(&names.wasm), &generation.wasm)?;
    std::fs::write(pkg.join(&names.css), &generation.css)?;
    if generation.snippets.is_dir() {
        copy_dir(&generation.snippets, &pkg.join("snippets"))?;
    }
    if generation.public.is_dir() {
        copy_dir(&generation.public, &staging.0)?;
    }
    std::fs::write(
        staging.0.join(HASH_FILE),
        format!("js: {js_hash}\nwasm: {wasm_hash}\ncss: {css_hash}\n"),
    )?;
    let content = tree_digest(&staging.0)?;
    std::fs::write(staging.0.join(GENERATION_FILE), &content)?;

    let current = site_link.exists().then(|| site_link.to_path_buf());
    if let Some(current) = &current {
        if std::fs::read_to_string(current.join(GENERATION_FILE)).ok() == Some(content.clone()) {
            return Ok(Published {
                dir: std::fs::canonicalize(current)?,
                names,
                changed: false,
            });
        }
    }

    precompress_tree(&staging.0)?;
    // What pages rendered from the current generation name, and from the one before it, with
    // their compressed copies: a page stays usable across two switches.
    if let Some(previous) = current.as_deref().and_then(read_names) {
        let old_pkg = site_link.join(PKG_DIR);
        let mut carried = vec![
            previous.js.clone(),
            previous.wasm.clone(),
            previous.css.clone(),
        ];
        std::fs::write(staging.0.join(CARRIED_FILE), carried.join("\n"))?;
        if let Ok(older) = std::fs::read_to_string(site_link.join(CARRIED_FILE)) {
            carried.extend(older.lines().map(str::to_string));
        }
        for name in carried.iter().filter(|n| !n.is_empty() && !n.contains('/')) {
            for file in [
                PathBuf::from(name),
                with_suffix(Path::new(name), "br"),
                with_suffix(Path::new(name), "gz"),
            ] {
                let to = pkg.join(&file);
                if !to.exists() && old_pkg.join(&file).exists() {
                    std::fs::copy(old_pkg.join(&file), to)?;
                }
            }
        }
    }

    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis();
    let dir_name = format!("{base}.{millis:013}-{}", &content[..12]);
    let dir = parent.join(&dir_name);
    std::fs::rename(&staging.0, &dir)?;
    std::mem::forget(staging);
    switch_link(site_link, &dir_name)?;
    remove_old_generations(parent, &base)?;
    Ok(Published {
        dir,
        names,
        changed: true,
    })
}

/// Removes a half-written generation when the build fails.
struct Staging(PathBuf);

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Points `site_link` at `target` (a sibling's name) with one rename.
fn switch_link(site_link: &Path, target: &str) -> Result<()> {
    let parent = site_link
        .parent()
        .context("the site has a parent directory")?;
    let temporary = parent.join(format!(".site-link-{}", std::process::id()));
    let _ = std::fs::remove_file(&temporary);
    std::os::unix::fs::symlink(target, &temporary)?;
    let metadata = std::fs::symlink_metadata(site_link);
    if matches!(&metadata, Ok(m) if m.is_dir()) {
        // A directory written by cargo-leptos: a rename cannot replace it, so it moves aside
        // first (the only moment the site is missing, once, on the first xtask build).
        let aside = parent.join(format!(".site-replaced-{}", std::process::id()));
        std::fs::rename(site_link, &aside)?;
        std::fs::rename(&temporary, site_link)?;
        std::fs::remove_dir_all(&aside)?;
    } else {
        std::fs::rename(&temporary, site_link)
            .with_context(|| format!("switching {}", site_link.display()))?;
    }
    Ok(())
}

/// Keeps the newest [`KEEP`] generations, and the one the link names whatever its age.
fn remove_old_generations(parent: &Path, base: &str) -> Result<()> {
    let current = std::fs::read_link(parent.join(base)).ok();
    let prefix = format!("{base}.");
    let mut generations: Vec<String> = std::fs::read_dir(parent)?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().to_string())
        .filter(|name| {
            name.strip_prefix(&prefix)
                .and_then(|rest| rest.split('-').next())
                .is_some_and(|millis| {
                    millis.len() == 13 && millis.bytes().all(|b| b.is_ascii_digit())
                })
        })
        .collect();
    generations.sort();
    let old = generations.len().saturating_sub(KEEP);
    for name in &generations[..old] {
        if current.as_deref() != Some(Path::new(name)) {
            std::fs::remove_dir_all(parent.join(name))?;
        }
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()))?;
        } else {
            std::fs::copy(&path, to.join(entry.file_name()))
                .with_context(|| format!("copying {}", path.display()))?;
        }
    }
    Ok(())
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            files(&entry.path(), out)?;
        } else {
            out.push(entry.path());
        }
    }
    Ok(())
}

/// A digest over every file's path and content.
fn tree_digest(dir: &Path) -> Result<String> {
    let mut all = Vec::new();
    files(dir, &mut all)?;
    all.sort();
    let mut hasher = Sha256::new();
    for path in all {
        hasher.update(path.strip_prefix(dir)?.to_string_lossy().as_bytes());
        hasher.update([0]);
        hasher.update(digest(&std::fs::read(&path)?).as_bytes());
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Files worth compressing: text and wasm (images, fonts and archives are compressed already).
fn compressible(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some(
            "js" | "mjs" | "wasm" | "css" | "svg" | "html" | "json" | "txt" | "xml" | "ico" | "map"
        )
    )
}

/// Writes `<file>.br` (quality 11) and `<file>.gz` (level 9) beside every compressible file,
/// unless compressing saves nothing.
fn precompress_tree(dir: &Path) -> Result<()> {
    let mut all = Vec::new();
    files(dir, &mut all)?;
    let work: Vec<PathBuf> = all
        .into_iter()
        .filter(|path| compressible(path) && path.file_name().is_some_and(|n| n != HASH_FILE))
        .collect();
    // Brotli at its best is slow on the wasm: one thread per core.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| -> Result<()> {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| -> Result<()> {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(path) = work.get(i) else {
                            return Ok(());
                        };
                        precompress(path)?;
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().expect("compression thread panicked")?;
        }
        Ok(())
    })
}

fn precompress(path: &Path) -> Result<()> {
    let bytes = std::fs::read(path)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes)?;
    let gz = gz.finish()?;
    if gz.len() < bytes.len() {
        std::fs::write(with_suffix(path, "gz"), gz)?;
    }
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        size_hint: bytes.len(),
        ..Default::default()
    };
    brotli::BrotliCompress(&mut bytes.as_slice(), &mut br, &params)?;
    if br.len() < bytes.len() {
        std::fs::write(with_suffix(path, "br"), br)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    fn generation(dir: &Path, n: usize) -> Generation {
        let public = dir.join("public");
        std::fs::create_dir_all(&public).unwrap();
        std::fs::write(public.join("favicon.svg"), "<svg></svg>".repeat(20)).unwrap();
        Generation {
            js: format!(
                "import * as wasm from './{OUTPUT_NAME}_bg.wasm'; // build {n}\n{}",
                "let x = 1;\n".repeat(50)
            )
            .into_bytes(),
            wasm: format!("\0asm build {n} {}", "\0".repeat(4000)).into_bytes(),
            css: format!(
                "body {{ margin: {n}px }}\n{}",
                "p { color: red }\n".repeat(30)
            )
            .into_bytes(),
            snippets: dir.join("no-snippets"),
            public,
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_generation_names_its_files_by_content_and_compresses_them() {
        let dir = scratch("names");
        let site = dir.join("target/site");
        let first = publish(&site, &generation(&dir, 1)).unwrap();
        assert!(first.changed);
        assert_eq!(read_names(&site), Some(first.names.clone()));
        let pkg = site.join(PKG_DIR);
        for name in [&first.names.js, &first.names.wasm, &first.names.css] {
            assert!(name.starts_with("certportal.") && name.len() > "certportal..js".len() + 10);
            let raw = std::fs::read(pkg.join(name)).unwrap();
            let mut unzipped = Vec::new();
            std::io::Read::read_to_end(
                &mut flate2::read::GzDecoder::new(
                    std::fs::File::open(with_suffix(&pkg.join(name), "gz")).unwrap(),
                ),
                &mut unzipped,
            )
            .unwrap();
            assert_eq!(unzipped, raw, "{name}.gz");
            let mut unbrotli = Vec::new();
            brotli::BrotliDecompress(
                &mut std::fs::File::open(with_suffix(&pkg.join(name), "br")).unwrap(),
                &mut unbrotli,
            )
            .unwrap();
            assert_eq!(unbrotli, raw, "{name}.br");
        }
        let js = std::fs::read_to_string(pkg.join(&first.names.js)).unwrap();
        assert!(
            js.contains(&first.names.wasm),
            "the glue names the hashed wasm"
        );
        assert!(site.join("favicon.svg").exists() && site.join("favicon.svg.br").exists());

        // The same content again: nothing switches.
        let again = publish(&site, &generation(&dir, 1)).unwrap();
        assert!(!again.changed);
        assert_eq!(again.dir, std::fs::canonicalize(&site).unwrap());

        // New content: the previous files stay reachable for pages that name them.
        let second = publish(&site, &generation(&dir, 2)).unwrap();
        assert!(second.changed);
        assert_ne!(second.names, first.names);
        for name in [&first.names.js, &first.names.wasm, &first.names.css] {
            assert!(pkg.join(name).exists(), "{name} carried over");
            assert!(with_suffix(&pkg.join(name), "br").exists());
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_first_build_replaces_a_cargo_leptos_directory() {
        let dir = scratch("replace");
        let site = dir.join("target/site");
        std::fs::create_dir_all(site.join("pkg")).unwrap();
        std::fs::write(site.join("pkg/certportal.wasm"), "old").unwrap();
        let published = publish(&site, &generation(&dir, 1)).unwrap();
        assert!(std::fs::symlink_metadata(&site).unwrap().is_symlink());
        assert!(site.join(PKG_DIR).join(&published.names.wasm).exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// What a server does for every page: read the current names, then fetch each file (by
    /// path, through the link, as ServeDir opens them). While builds switch the site over and
    /// over, no file a page names may ever be missing. Against a build that empties and
    /// rewrites the directory in place (cargo-leptos), readers see missing files at once.
    #[test]
    fn readers_never_miss_a_file_while_generations_switch() {
        let dir = scratch("switch");
        let site = dir.join("target/site");
        publish(&site, &generation(&dir, 0)).unwrap();
        let done = AtomicBool::new(false);
        let reads = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..2 {
                scope.spawn(|| {
                    while !done.load(Ordering::Relaxed) {
                        let names = read_names(&site).expect("hash.txt is always there");
                        // A page's assets are fetched a moment after the page is rendered.
                        std::thread::yield_now();
                        for name in [&names.js, &names.wasm, &names.css] {
                            for file in [
                                site.join(PKG_DIR).join(name),
                                with_suffix(&site.join(PKG_DIR).join(name), "br"),
                            ] {
                                std::fs::read(&file).unwrap_or_else(|err| {
                                    panic!("{} missing: {err}", file.display())
                                });
                            }
                        }
                        reads.fetch_add(1, Ordering::Relaxed);
                    }
                });
            }
            for n in 1..=12 {
                publish(&site, &generation(&dir, n)).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            done.store(true, Ordering::Relaxed);
        });
        assert!(reads.load(Ordering::Relaxed) > 0);
        // Old generations are removed: the current one and two before it remain.
        let generations = std::fs::read_dir(dir.join("target"))
            .unwrap()
            .filter(|e| {
                let name = e
                    .as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .to_string();
                name.starts_with("site.") && !name.contains("new")
            })
            .count();
        assert_eq!(generations, KEEP);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
