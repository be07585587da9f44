//! The built site's files: pages name the content-hashed files of the current build, which
//! are served as written (`.br`/`.gz` by Accept-Encoding, nothing compressed per request) and
//! cached for a year; and a rebuild switching the site while pages are served never leaves a
//! page naming a file that answers 404 (a test run once got a 404 for `/pkg/certportal.wasm`:
//! cargo-leptos empties the site directory while it rebuilds).

use crate::helpers::{spawn_app_with, Db, Options, TestApp};
use crate::on_both_backends;
use reqwest::StatusCode;
use std::path::Path;
use xtask::site::{publish, with_suffix, Generation};

on_both_backends!(
    pages_name_hashed_files_served_precompressed_and_immutable,
    rebuilding_while_serving_never_loses_an_asset,
);

/// A stand-in build: enough bytes for compression to pay, different for every `n`.
fn generation(dir: &Path, n: usize) -> Generation {
    let public = dir.join("public");
    std::fs::create_dir_all(&public).unwrap();
    std::fs::write(
        public.join("favicon.svg"),
        "<svg xmlns='http://www.w3.org/2000/svg'/>",
    )
    .unwrap();
    Generation {
        js: format!(
            "// build {n}\nexport default function init(path) {{ return fetch(path ?? new URL('certportal_bg.wasm', import.meta.url)); }}\n{}",
            "export const x = 1;\n".repeat(400)
        )
        .into_bytes(),
        wasm: [b"\0asm\x01\0\0\0".as_slice(), format!("build {n}").as_bytes(), &[7u8; 60_000]].concat(),
        css: format!("/* build {n} */\n{}", "body { margin: 0; color: #222 }\n".repeat(200))
            .into_bytes(),
        snippets: dir.join("no-snippets"),
        public,
    }
}

/// The `/pkg/…` addresses a page names (the stylesheet, the script, the wasm).
fn pkg_links(html: &str) -> Vec<String> {
    let mut links: Vec<String> = html
        .match_indices("\"/pkg/")
        .map(|(at, _)| {
            let rest = &html[at + 1..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect();
    links.sort();
    links.dedup();
    links
}

async fn app_on(db: Db, site: &Path) -> TestApp {
    spawn_app_with(
        db,
        Options {
            site_root: Some(site.to_path_buf()),
            ..Default::default()
        },
    )
    .await
}

async fn pages_name_hashed_files_served_precompressed_and_immutable(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let built = publish(&site, &generation(dir.path(), 1)).unwrap();
    let app = app_on(db, &site).await;

    let (status, html) = app.get_text("/").await;
    assert_eq!(status, StatusCode::OK);
    let links = pkg_links(&html);
    let names = [&built.names.css, &built.names.js, &built.names.wasm];
    for name in names {
        assert!(
            links.contains(&format!("/pkg/{name}")),
            "the page names {name}: {links:?}"
        );
    }
    assert_eq!(links.len(), 3, "{links:?}");

    let pkg = site.join("pkg");
    for name in names {
        let file = pkg.join(name);
        for (accept, encoding, body) in [
            ("br, gzip", Some("br"), with_suffix(&file, "br")),
            ("gzip", Some("gzip"), with_suffix(&file, "gz")),
            ("identity", None, file.clone()),
        ] {
            let response = app
                .client
                .get(app.url(&format!("/pkg/{name}")))
                .header("accept-encoding", accept)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{name} ({accept})");
            let headers = response.headers().clone();
            assert_eq!(
                headers.get("content-encoding").map(|v| v.to_str().unwrap()),
                encoding,
                "{name} ({accept})"
            );
            assert_eq!(
                headers["cache-control"], "public, max-age=31536000, immutable",
                "{name}"
            );
            assert_eq!(headers["vary"], "accept-encoding", "{name}");
            let content_type = headers["content-type"].to_str().unwrap().to_string();
            let expected = match Path::new(name).extension().unwrap().to_str().unwrap() {
                "wasm" => content_type == "application/wasm",
                "js" => content_type.contains("javascript"),
                _ => content_type.starts_with("text/css"),
            };
            assert!(expected, "{name}: {content_type}");
            // Exactly the file written at build time: not compressed again on the way.
            assert_eq!(
                response.bytes().await.unwrap().as_ref(),
                std::fs::read(&body).unwrap(),
                "{name} ({accept})"
            );
        }
    }

    // A missing file is a plain 404 that nobody may cache (it may exist a moment later).
    for path in [
        "/pkg/certportal.0123456789abcdef0123.wasm",
        "/pkg/certportal.wasm",
    ] {
        let response = app
            .client
            .get(app.url(path))
            .header("accept-encoding", "br, gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
}

/// Builds switch the site over and over while readers load pages and then every file each
/// page names, as a browser does: not one 404. (Against cargo-leptos's build, which empties
/// the directory and writes the files again, this fails within the first rebuild.)
async fn rebuilding_while_serving_never_loses_an_asset(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    publish(&site, &generation(dir.path(), 0)).unwrap();
    let app = app_on(db, &site).await;

    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let builder = {
        let (dir, site, done) = (dir.path().to_path_buf(), site.clone(), done.clone());
        tokio::task::spawn_blocking(move || {
            for n in 1..=8 {
                publish(&site, &generation(&dir, n)).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(40));
            }
            done.store(true, std::sync::atomic::Ordering::SeqCst);
        })
    };
    let mut readers = Vec::new();
    for _ in 0..3 {
        let (client, base, done) = (app.client.clone(), app.base.clone(), done.clone());
        readers.push(tokio::spawn(async move {
            let mut pages = 0;
            let mut seen = std::collections::HashSet::new();
            while !done.load(std::sync::atomic::Ordering::SeqCst) || pages == 0 {
                let page = client.get(format!("{base}/")).send().await.unwrap();
                assert_eq!(page.status(), StatusCode::OK);
                let html = page.text().await.unwrap();
                let links = pkg_links(&html);
                assert_eq!(links.len(), 3, "{links:?}");
                for link in &links {
                    let asset = client
                        .get(format!("{base}{link}"))
                        .header("accept-encoding", "br, gzip")
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(asset.status(), StatusCode::OK, "{link} after its page");
                    asset.bytes().await.unwrap();
                    seen.insert(link.clone());
                }
                pages += 1;
            }
            (pages, seen.len())
        }));
    }
    builder.await.unwrap();
    let mut generations_seen = 0;
    for reader in readers {
        let (pages, seen) = reader.await.unwrap();
        assert!(pages > 0);
        generations_seen = generations_seen.max(seen / 3);
    }
    assert!(
        generations_seen >= 2,
        "the readers saw the site switch ({generations_seen} generations)"
    );
}
