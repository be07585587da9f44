//! The headers that tell the browser what a response may do: the Content-Security-Policy of
//! every page (with the nonce on that page's scripts), and on every response `nosniff`, the
//! referrer, permissions and cross-origin policies, framing, and HSTS when the site is public
//! over HTTPS.
//!
//! [`apply`], a layer around everything, mints a nonce for each request (Leptos's own
//! [`Nonce::new`]) and hands it to the renderer in the request's extensions;
//! [`provide_page_nonce`], part of the context of every rendering of the app, makes it the
//! page's nonce, which Leptos puts on the hydration script and every inline script it streams.
//! The layer then puts the policy with that nonce on every HTML answer. HTML rendered without
//! that context has scripts with another nonce (or none), and they are refused: it fails
//! closed.
//!
//! Why not the nonce Leptos generates itself, with the policy set through `ResponseOptions`:
//! leptos_axum 0.8.10 serves a static file under an `Owner::new()`, which can take a page
//! rendering at the same time on the same thread as its parent and then moves *that page's*
//! `ResponseOptions` headers onto the file's response. Under load about one page in twenty
//! lost its policy that way (and with it its scripts). The header set by this layer cannot be
//! taken.

use app::urls::route;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderName, HeaderValue, Request};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};

/// The policy of a page whose scripts carry `nonce`.
///
/// - scripts: only those with this response's nonce, and what they load (`'strict-dynamic'`):
///   the hydration loader is an inline module with the nonce and imports the wasm glue from
///   `/pkg/` (an `import()` carries its script's nonce; the `modulepreload` hint before it is
///   fetched as not parser-inserted, which `'strict-dynamic'` allows); `'wasm-unsafe-eval'`
///   lets it compile the wasm. No `'self'` and no `'unsafe-inline'`: neither an injected inline
///   script or event handler nor an injected `<script src>` of this site runs.
/// - styles: the one stylesheet of `/pkg/`; the app has no inline `style`.
/// - images: glyphs, copy previews, the icon, all from this site (nothing uses `data:`).
/// - objects: the file and copy views embed this site's PDFs in `<object>`.
/// - `frame-ancestors 'none'`: no site may frame a page (clickjacking); the files themselves
///   stay frameable by this site (see [`apply`]).
fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self'; object-src 'self'; {connect}\
         frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        connect = dev_connect_src(),
    )
}

/// Under `cargo leptos watch` the page also talks to the live-reload socket on another port.
fn dev_connect_src() -> &'static str {
    static WATCH: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *WATCH.get_or_init(|| std::env::var_os("LEPTOS_WATCH").is_some()) {
        "connect-src 'self' ws: wss:; "
    } else {
        ""
    }
}

/// Makes the nonce [`apply`] minted for this request the nonce of the page being rendered
/// (replacing the one leptos_axum generated, which no header names). Part of every context the
/// app is rendered with.
pub fn provide_page_nonce() {
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Nonce>().cloned());
    if let Some(nonce) = nonce {
        provide_context(nonce);
    }
}

/// What [`apply`] needs to know of the configuration.
#[derive(Clone, Copy, Debug)]
pub struct SecurityHeaders {
    /// The site is public over HTTPS: browsers should never try it over HTTP again.
    pub hsts: bool,
}

impl SecurityHeaders {
    pub fn for_public_url(public_url: &str) -> SecurityHeaders {
        SecurityHeaders {
            hsts: public_url.starts_with("https://"),
        }
    }
}

/// Nothing here needs the camera, the microphone, the position, payments or sensors; nor may
/// anything a page ever embeds ask for them.
const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), display-capture=(), \
     geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()";

/// The layer around every response.
pub async fn apply(
    State(config): State<SecurityHeaders>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    // The public verification API is meant to be read from any site (CORS `*`); everything
    // else is for this site's own pages.
    let public_api = is_public_api(request.uri().path());
    let nonce = Nonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("text/html"));
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    // Addresses carry verification codes and certificate ids: not for other sites.
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(
        headers,
        HeaderName::from_static("permissions-policy"),
        PERMISSIONS_POLICY,
    );
    set(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        headers,
        HeaderName::from_static("cross-origin-resource-policy"),
        if public_api {
            "cross-origin"
        } else {
            "same-origin"
        },
    );
    if is_html {
        if let Ok(policy) = HeaderValue::from_str(&page_policy(&nonce)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
        set(headers, header::X_FRAME_OPTIONS, "DENY");
    } else {
        // Files and copies are shown inside this site's own pages (`<object>`).
        set(headers, header::X_FRAME_OPTIONS, "SAMEORIGIN");
    }
    if config.hsts {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000",
        );
    }
    response
}

fn is_public_api(path: &str) -> bool {
    path.strip_prefix(route::API_V1)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_policy_allows_scripts_only_by_nonce() {
        let policy = page_policy("abc123");
        assert!(policy.contains("script-src 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval';"));
        assert!(!policy.contains("unsafe-inline"));
        for directive in [
            "default-src 'self'",
            "object-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ] {
            assert!(policy.contains(directive), "{directive} in {policy}");
        }
    }

    #[test]
    fn only_the_versioned_api_is_public() {
        assert!(is_public_api("/api/v1/verify/ABC"));
        assert!(is_public_api("/api/v1"));
        assert!(!is_public_api("/api/v10/x"));
        assert!(!is_public_api("/api/openapi.json"));
        assert!(!is_public_api("/verify/ABC"));
    }

    #[test]
    fn hsts_only_for_an_https_public_url() {
        assert!(SecurityHeaders::for_public_url("https://certs.example.org").hsts);
        assert!(!SecurityHeaders::for_public_url("http://127.0.0.1:3000").hsts);
    }
}
