//! The built site's files under `/pkg/` (wasm, JavaScript, CSS), served from disk as written:
//! the `.br` or `.gz` copy beside a file when the client accepts it (`cargo xtask build-site`
//! writes both; nothing is compressed per request), a year of caching for content-hashed
//! names, which never change, and revalidation on every use for plain names (a cargo-leptos
//! build reuses them). `hash.txt` in the site says which hashed names are current.

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use leptos::prelude::LeptosOptions;
use std::path::{Path, PathBuf};
use tower_http::services::ServeDir;

/// The file hashes of a site, in cargo-leptos's `hash.txt` format.
pub const HASH_FILE: &str = "hash.txt";

/// Makes pages name the hashed files when the site has a `hash.txt`: Leptos's
/// `HydrationScripts` (and [`app::assets`]) read it on every page, from an absolute path
/// inside the site root, so that once a build switches the site the next page names the new
/// files. The path is not resolved: `target/site` is a link that a build swaps.
pub fn use_site_hashes(options: &mut LeptosOptions) {
    let root = Path::new(options.site_root.as_ref());
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let hash_file = root.join(HASH_FILE);
    if hash_file.exists() {
        options.hash_files = true;
        options.hash_file = hash_file.to_string_lossy().as_ref().into();
    }
}

/// `/pkg/…` from the site's pkg directory (nested under `/pkg`).
pub fn pkg_service(options: &LeptosOptions) -> Router {
    let dir: PathBuf = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false);
    Router::new()
        .fallback_service(files)
        .layer(axum::middleware::from_fn(cache_headers))
}

/// `name.<20 hex digits>.ext`: a name `cargo xtask build-site` gave by content.
pub fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut parts = name.rsplit('.');
    let (Some(_ext), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !stem.is_empty() && hash.len() == 20 && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

async fn cache_headers(request: Request<Body>, next: Next) -> Response {
    let hashed = is_content_hashed(request.uri().path());
    let mut response = next.run(request).await;
    let status = response.status();
    let cache = if !(status.is_success() || status == StatusCode::NOT_MODIFIED) {
        // A file missing now may exist in a moment (a build switching the site): never cached.
        "no-store"
    } else if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "public, no-cache"
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    // The answer depends on Accept-Encoding (the .br, the .gz or the file itself).
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_content_hashed(
            "/pkg/certportal.0123456789abcdef0123.wasm"
        ));
        assert!(is_content_hashed("certportal.0123456789abcdef0123.css"));
        assert!(!is_content_hashed("/pkg/certportal.wasm"));
        assert!(!is_content_hashed("/pkg/certportal.js"));
        assert!(!is_content_hashed("/pkg/.0123456789abcdef0123.js"));
        assert!(!is_content_hashed(
            "/pkg/certportal.0123456789abcdef012z.js"
        ));
        assert!(!is_content_hashed("/pkg/snippets/x/inline0.js"));
    }
}
