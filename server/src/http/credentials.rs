//! The annotated copy as a W3C Verifiable Credential (issue 16): its download, the issuer's
//! DID document (`did:web`) and the revocation status lists. What goes into them is
//! `app::credentials`; the download is checked like the PDF's (`copies.rs`): the holder's own
//! copy, ready, unexpired, not cancelled, its certificate standing.

use super::extract::Owned;
use super::ServerState;
use app::error::AppError;
use app::urls;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

/// `/annotations/{code}/credential`: the signed credential as a file,
/// `<certificate number>_<annotation number>.jsonld`.
#[tracing::instrument(skip_all, fields(code = %request.key))]
pub async fn annotated_credential(request: Owned) -> Response {
    let state = request.state.clone();
    let code = request.key.as_str();
    let (annotation, certificate) =
        match app::annotations::service::usable_copy(&state.app, &request.holder, code).await {
            Ok(found) => found,
            // Expired, revoked, cancelled, still generating, failed: the copy's page says so.
            Err(AppError::Refused(_)) => {
                return Redirect::to(&urls::annotation(code)).into_response()
            }
            Err(other) => return request.fail(other).await,
        };
    let Some(signer) = state.credentials.clone() else {
        return request.not_found().await;
    };
    let now = state.app.clock.now();
    let entry = match state
        .app
        .storage
        .credential_status_entry(&annotation.code, now)
        .await
    {
        Ok(entry) => entry,
        Err(err) => return request.fail(err.into()).await,
    };
    let public_url = &state.app.settings.public_url;
    let credential = app::credentials::annotated_copy(
        public_url,
        &signer,
        &annotation,
        &certificate,
        entry,
        now,
    );
    let file_name = app::credentials::file_name(&certificate.record.number, &annotation.number);
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, vcred::MEDIA_TYPE.to_string()),
            (
                header::CONTENT_DISPOSITION,
                super::files::content_disposition("attachment", &file_name),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        serde_json::to_string_pretty(&credential).unwrap_or_default(),
    )
        .into_response()
}

/// `/.well-known/did.json`: the issuer's DID document, its credential keys as Multikeys.
#[tracing::instrument(skip_all)]
pub async fn did_document(State(state): State<ServerState>) -> Response {
    match app::credentials::did_document(&state.app.storage, &state.app.settings.public_url).await {
        Ok(doc) => (
            [
                (header::CONTENT_TYPE, "application/did+json"),
                (header::CACHE_CONTROL, "public, max-age=300"),
            ],
            doc.to_string(),
        )
            .into_response(),
        Err(err) => AppError::from(err).status().into_response(),
    }
}

/// `/credentials/status/{list}`: the status list credential, signed afresh on each request
/// from the copies' states now, so that `server revoke`, a cancellation or a withdrawal
/// shows at once. A list no copy uses is not found.
#[tracing::instrument(skip_all, fields(list = %list))]
pub async fn status_list(State(state): State<ServerState>, Path(list): Path<String>) -> Response {
    let Some(list) = list
        .parse::<i64>()
        .ok()
        .filter(|l| (1..=1_000_000).contains(l))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(signer) = state.credentials.clone() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let storage = &state.app.storage;
    let revoked = match storage.status_list_exists(list).await {
        Ok(false) => return StatusCode::NOT_FOUND.into_response(),
        Ok(true) => storage.revoked_status_indexes(list).await,
        Err(err) => Err(err),
    };
    let revoked = match revoked {
        Ok(revoked) => revoked,
        Err(err) => return AppError::from(err).status().into_response(),
    };
    let now = state.app.clock.now();
    let public_url = state.app.settings.public_url.clone();
    let credential = match tokio::task::spawn_blocking(move || {
        app::credentials::status_list(&public_url, &signer, list, &revoked, now)
    })
    .await
    {
        Ok(credential) => credential,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, vcred::MEDIA_TYPE),
            // Verifiers may cache it briefly; a revocation shows within a minute.
            (header::CACHE_CONTROL, "public, max-age=60"),
        ],
        credential.to_string(),
    )
        .into_response()
}
