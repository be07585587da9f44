//! The holder's personal data as one file (查阅复制): `GET /account/export.json`.

use super::extract::{Holder, ReaderLang};
use super::ServerState;
use app::accounts::personal_data;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// Everything held about the signed-in holder, as an attachment that no cache keeps. Without
/// a session the reader is sent to log in and comes back here.
#[tracing::instrument(skip_all, fields(holder = session.holder.0))]
pub async fn export(
    State(state): State<ServerState>,
    lang: ReaderLang,
    Holder(session): Holder,
) -> Response {
    let document = match personal_data::export(&state.app, &session).await {
        Ok(document) => document,
        Err(error) => return lang.error(error).into_response(),
    };
    let body = match serde_json::to_vec_pretty(&document) {
        Ok(body) => body,
        Err(e) => return lang.error(app::error::ssr::internal(&e)).into_response(),
    };
    let file_name = personal_data::export_file_name(state.app.clock.now());
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                super::files::content_disposition("attachment", &file_name),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response()
}
