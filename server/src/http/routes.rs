//! Plain routes outside the Leptos app.

use super::ServerState;
use app::i18n::{Lang, LANG_COOKIE};
use app::urls::is_local_path;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

/// Liveness and database reachability, for load balancers and the test harness.
pub async fn healthz(State(state): State<ServerState>) -> Response {
    let backend = match state.app.storage.backend() {
        app::storage::Backend::Sqlite => "sqlite",
        app::storage::Backend::Postgres => "postgres",
    };
    match state.app.storage.ping().await {
        Ok(()) => Json(json!({ "status": "ok", "database": backend })).into_response(),
        Err(err) => {
            tracing::error!(error = %app::error::ssr::ErrorChain(&err), "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": backend })),
            )
                .into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Switches the interface language: remembers it in a cookie for a year and goes back to the
/// page the reader was on. A plain link, so it works without JavaScript.
pub async fn switch_language(
    State(state): State<ServerState>,
    Path(code): Path<String>,
    Query(query): Query<NextQuery>,
) -> Response {
    let Some(lang) = Lang::from_code(&code) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let next = query
        .next
        .filter(|n| is_local_path(n))
        .unwrap_or_else(|| "/".to_string());
    let secure = if state.app.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        lang.code()
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response()
}

#[derive(Deserialize)]
pub struct MoveClock {
    /// Milliseconds to move the clock forward (negative: back).
    advance_ms: i64,
}

/// Test control: moves the server clock. Only routed when test controls are enabled.
pub async fn move_clock(State(state): State<ServerState>, Json(body): Json<MoveClock>) -> Response {
    state.app.clock.advance(body.advance_ms);
    tracing::warn!(
        offset_ms = state.app.clock.offset(),
        "clock moved by test control"
    );
    Json(json!({ "now": state.app.clock.now(), "offset_ms": state.app.clock.offset() }))
        .into_response()
}

pub async fn reset_clock(State(state): State<ServerState>) -> Response {
    state.app.clock.reset();
    Json(json!({ "now": state.app.clock.now(), "offset_ms": 0 })).into_response()
}

/// One character drawn as SVG from the installed fonts (`/glyph/2A6A5.svg`), so that a rare
/// character is legible on a device without a font for it. Glyphs never change: cached for a
/// year.
pub async fn glyph(State(state): State<ServerState>, Path(file): Path<String>) -> Response {
    let Some(ch) = file
        .strip_suffix(".svg")
        .filter(|hex| (1..=6).contains(&hex.len()))
        .and_then(|hex| u32::from_str_radix(hex, 16).ok())
        .and_then(char::from_u32)
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let fonts = state.app.fonts.clone();
    match tokio::task::spawn_blocking(move || certpdf::glyph_svg(&fonts, ch)).await {
        Ok(Some(svg)) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'"),
            ],
            svg,
        )
            .into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}
