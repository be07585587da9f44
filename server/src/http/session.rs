//! Resolves the session cookie once per request and hands the result to everything after it
//! (pages, server functions, download routes) through the request extensions.

use super::extract::ReaderLang;
use super::ServerState;
use app::error::AppError;
use app::session::{
    clear_session_cookie, cookie_value, resolve_session, session_cookie_name, ActiveSession,
    CurrentSession, SessionView,
};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Paths that never need the session (static files, health checks): no database lookup.
fn is_static(path: &str) -> bool {
    use app::urls::route;
    path.starts_with(route::PKG_PREFIX)
        || path.starts_with(route::GLYPH_PREFIX)
        || path == route::HEALTHZ
        || path == route::FAVICON
}

pub async fn attach_session(
    State(state): State<ServerState>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    if is_static(request.uri().path()) {
        return next.run(request).await;
    }
    let mut stale_cookie = false;
    let cookie_name = session_cookie_name(&state.app.settings);
    let session: Option<ActiveSession> = match cookie_value(request.headers(), cookie_name) {
        None => None,
        Some(token) => match resolve_session(&state.app, &token).await {
            Ok(Some(session)) => Some(session),
            Ok(None) => {
                stale_cookie = true;
                None
            }
            // Without the database nobody can be told whether they are signed in: answer that
            // the service is unavailable rather than sending a signed-in holder to log in.
            Err(err) => {
                return ReaderLang::of(request.headers())
                    .error(AppError::from(err))
                    .into_response();
            }
        },
    };
    let signed_in = session.is_some();
    request
        .extensions_mut()
        .insert(CurrentSession(session.as_ref().map(|s| SessionView {
            holder_name: s.owner.name.as_str().to_string(),
            terms_accepted: s.terms_accepted,
        })));
    if let Some(session) = session {
        request.extensions_mut().insert(session);
    }
    let mut response = next.run(request).await;
    // A stale cookie is cleared, unless this very response sets a new one (a login).
    let sets_session = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| {
            v.as_bytes()
                .starts_with(format!("{cookie_name}=").as_bytes())
        });
    if stale_cookie && !sets_session {
        if let Ok(value) = HeaderValue::from_str(&clear_session_cookie(&state.app)) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    if signed_in && !response.headers().contains_key(header::CACHE_CONTROL) {
        // Pages for a signed-in holder carry personal data: no shared or back-button caches.
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    response
}
