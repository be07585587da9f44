//! Plain routes outside the Leptos app.

use super::extract::ReaderLang;
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
        .unwrap_or_else(|| app::urls::route::HOME.to_string());
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

/// The sample annotated copy (加注后的电子证书样式) that the guide links, drawn like every
/// copy's preview and marked as a sample across its face. Its QR code leads back to the sample
/// page. Drawn once per site address, since anyone may ask for it.
pub async fn sample_preview(State(state): State<ServerState>) -> Response {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static DRAWN: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();
    let public_url = state.app.settings.public_url.clone();
    let cached = DRAWN
        .get_or_init(Default::default)
        .lock()
        .ok()
        .and_then(|drawn| drawn.get(&public_url).cloned());
    let svg = match cached {
        Some(svg) => svg,
        None => {
            let fonts = state.app.fonts.clone();
            let mut doc = certpdf::CertificateDocument::example();
            doc.verify_url = format!("{public_url}{}", app::urls::route::SAMPLE);
            let drawn =
                tokio::task::spawn_blocking(move || certpdf::render_preview_svg(&fonts, &doc))
                    .await;
            let Ok(Ok(svg)) = drawn else {
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            };
            let svg = marked_as_sample(&svg);
            if let Ok(mut drawn) = DRAWN.get_or_init(Default::default).lock() {
                drawn.insert(public_url, svg.clone());
            }
            svg
        }
    };
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'"),
        ],
        svg,
    )
        .into_response()
}

/// Writes 样式 · SAMPLE across the middle of a drawn page, so that nobody takes a printout of
/// the sample for a certificate.
fn marked_as_sample(svg: &str) -> String {
    let view_box: Vec<f64> = svg
        .split("viewBox=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|v| {
            v.split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let (width, height) = match view_box[..] {
        [_, _, w, h] => (w, h),
        _ => (595.0, 842.0),
    };
    let (cx, cy, size) = (width / 2.0, height / 2.0, width / 7.0);
    let mark = format!(
        r##"<text x="{cx}" y="{cy}" transform="rotate(-30 {cx} {cy})" text-anchor="middle" dominant-baseline="middle" font-family="sans-serif" font-weight="700" font-size="{size}" fill="#c00" fill-opacity="0.22">样式 · SAMPLE</text></svg>"##
    );
    match svg.rfind("</svg>") {
        Some(end) => format!("{}{mark}", &svg[..end]),
        None => svg.to_string(),
    }
}

/// A certificate record to seed (test controls only).
#[derive(Deserialize)]
pub struct SeedCertificate {
    number: String,
    id_type: String,
    id_number: String,
    name: String,
    qualification: String,
    level: String,
    specialty: String,
    issued_on: String,
    issuer: String,
    electronic: bool,
}

/// Test control: adds a certificate record, as the operator's import would. Only routed
/// when test controls are enabled.
pub async fn seed_certificate(
    State(state): State<ServerState>,
    lang: ReaderLang,
    Json(seed): Json<SeedCertificate>,
) -> Response {
    let parsed = (|| {
        let id_type = app::domain::IdType::parse(&seed.id_type).ok()?;
        let today = state.app.clock.today();
        let id = app::domain::IdNumber::parse(
            id_type,
            &seed.id_number,
            (today.year(), today.month() as u8, today.day()),
        )
        .ok()?;
        let name = app::domain::HolderName::parse(&seed.name).ok()?;
        let issued_on = time::Date::parse(
            &seed.issued_on,
            &time::format_description::well_known::Iso8601::DATE,
        )
        .ok()?;
        Some(app::domain::CertificateRecord {
            number: seed.number.clone(),
            holder_id: id,
            holder_name: name,
            qualification: seed.qualification.clone(),
            level: seed.level.clone(),
            specialty: seed.specialty.clone(),
            issued_on,
            issuer: seed.issuer.clone(),
            electronic: seed.electronic,
            status: app::domain::CertificateStatus::Valid,
        })
    })();
    let Some(record) = parsed else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid certificate record",
        )
            .into_response();
    };
    match state
        .app
        .storage
        .upsert_certificate(&record, state.app.clock.now())
        .await
    {
        Ok(_) => match state
            .app
            .storage
            .certificate_by_number(&record.number)
            .await
        {
            Ok(Some(c)) => Json(json!({ "public_id": c.public_id })).into_response(),
            _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        Err(err) => lang.error(err.into()).into_response(),
    }
}
