//! Refuses state-changing requests that come from another site. Browsers send `Origin` with
//! every POST (and `Referer` with our same-origin referrer policy), so a request whose origin
//! is not this site's, or that names no origin at all, did not come from our pages. The
//! session cookie is also `SameSite=Lax`; this check is the second, independent layer.

use super::extract::ReaderLang;
use super::ServerState;
use app::error::AppError;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn refuse_cross_site(
    State(state): State<ServerState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let safe_method = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    // Anyone may POST to the public verification API from anywhere: it is read-only and uses
    // no cookies.
    let exempt = app::urls::is_public_api(request.uri().path());
    if safe_method || exempt || is_same_site(request.headers(), &state.app.settings.public_url) {
        return next.run(request).await;
    }
    tracing::warn!(
        origin = ?request.headers().get(header::ORIGIN),
        referer = ?request.headers().get(header::REFERER),
        "refused cross-site request"
    );
    ReaderLang::of(request.headers())
        .error(AppError::CrossSite)
        .into_response()
}

/// `scheme://host[:port]` of a URL, lower-cased.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() {
        return None;
    }
    Some(format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        authority.to_ascii_lowercase()
    ))
}

/// The request names an origin that is this site: the configured public URL, or the host the
/// request was sent to (for direct access on another address, e.g. in tests).
fn is_same_site(headers: &HeaderMap, public_url: &str) -> bool {
    let claimed = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|v| *v != "null")
        .and_then(origin_of)
        .or_else(|| {
            headers
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .and_then(origin_of)
        });
    let Some(claimed) = claimed else {
        return false;
    };
    if origin_of(public_url).as_deref() == Some(claimed.as_str()) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (host, claimed.split_once("://")) {
        (Some(host), Some((_, authority))) => authority.eq_ignore_ascii_case(host),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn same_site_origins_pass_and_others_do_not() {
        let public = "https://certs.example.org";
        assert!(is_same_site(
            &headers(&[("origin", "https://certs.example.org")]),
            public
        ));
        assert!(is_same_site(
            &headers(&[
                ("origin", "http://127.0.0.1:4000"),
                ("host", "127.0.0.1:4000")
            ]),
            public
        ));
        assert!(is_same_site(
            &headers(&[
                ("referer", "https://certs.example.org/register"),
                ("host", "x")
            ]),
            public
        ));
        assert!(!is_same_site(
            &headers(&[("origin", "https://evil.example")]),
            public
        ));
        assert!(!is_same_site(
            &headers(&[
                ("origin", "http://evil.example:4000"),
                ("host", "127.0.0.1:4000")
            ]),
            public
        ));
        assert!(!is_same_site(&headers(&[("origin", "null")]), public));
        assert!(
            !is_same_site(&headers(&[]), public),
            "no origin at all is refused"
        );
    }
}
