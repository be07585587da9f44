//! The annotated copy as a W3C Verifiable Credential (issue 16): its download, its wallet
//! link, the issuer's DID document (`did:web`) and the revocation status lists. What goes into them is
//! `app::credentials`; the download is checked like the PDF's (`copies.rs`): the holder's own
//! copy, ready, unexpired, not cancelled, its certificate standing.

use super::extract::{Owned, ReaderLang};
use super::ServerState;
use app::credentials::WalletLink;
use app::domain::{Annotation, Certificate};
use app::error::AppError;
use app::i18n::{Msg, Text};
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
    match credential_file(&state, &annotation, &certificate).await {
        Ok(Some(file)) => file,
        Ok(None) => request.not_found().await,
        Err(err) => request.fail(err).await,
    }
}

/// `/credentials/copy/{token}`: the credential for a digital wallet, by the short-lived link
/// the copy's page shows (`app::credentials::WalletLink`); no session. A link this server did
/// not make, or for a copy that is gone, is not found; an expired link, or a copy that may no
/// longer be used, is gone (410), with why in the reader's language.
#[tracing::instrument(skip_all)]
pub async fn wallet_credential(
    State(state): State<ServerState>,
    Path(token): Path<String>,
    lang: ReaderLang,
) -> Response {
    let (annotation, certificate) = match wallet_copy(&state, &token).await {
        Ok(found) => found,
        Err(err) => return wallet_refusal(lang, err),
    };
    match credential_file(&state, &annotation, &certificate).await {
        Ok(Some(file)) => with_cors(file),
        Ok(None) => wallet_refusal(lang, AppError::NotFound),
        Err(err) => wallet_refusal(lang, err),
    }
}

/// `/credentials/copy/{token}/qr.svg`: the wallet link as a QR code, while the link works.
#[tracing::instrument(skip_all)]
pub async fn wallet_qr(
    State(state): State<ServerState>,
    Path(token): Path<String>,
    lang: ReaderLang,
) -> Response {
    if let Err(err) = wallet_copy(&state, &token).await {
        return wallet_refusal(lang, err);
    }
    let link = urls::wallet_credential_at(&state.app.settings.public_url, &token);
    match super::copies::qr_image(&link) {
        Ok(image) => image,
        Err(err) => wallet_refusal(lang, err),
    }
}

/// The copy a wallet link names, if the link is this server's, unexpired, and the copy may
/// still be used.
async fn wallet_copy(
    state: &ServerState,
    token: &str,
) -> Result<(Annotation, Certificate), AppError> {
    let app = &state.app;
    let link = WalletLink::parse(token, app.storage.data_keys()).ok_or(AppError::NotFound)?;
    if link.expired(app.clock.now()) {
        return Err(AppError::Refused(Text::new(Msg::WalletLinkExpired)));
    }
    let (annotation, certificate) = app
        .storage
        .annotation_with_certificate(&link.code)
        .await?
        .ok_or(AppError::NotFound)?;
    app::annotations::service::in_use(app, &annotation, &certificate)?;
    Ok((annotation, certificate))
}

/// A wallet link's refusal: a refusal is 410 (the link worked once and no longer does);
/// the rest keep their status. Plain text in the reader's language either way.
fn wallet_refusal(lang: ReaderLang, error: AppError) -> Response {
    let gone = matches!(error, AppError::Refused(_));
    let mut response = lang.error(error).into_response();
    if gone {
        *response.status_mut() = StatusCode::GONE;
    }
    with_cors(response)
}

/// A wallet running in a browser may read the answer from its own site.
fn with_cors(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::HeaderValue::from_static("*"),
    );
    response
}

/// The copy signed as a credential file, its status entry allocated on first use; `None`
/// when this server issues no credentials (no credential key).
async fn credential_file(
    state: &ServerState,
    annotation: &Annotation,
    certificate: &Certificate,
) -> Result<Option<Response>, AppError> {
    let Some(signer) = state.credentials.clone() else {
        return Ok(None);
    };
    let now = state.app.clock.now();
    let entry = state
        .app
        .storage
        .credential_status_entry(&annotation.code, now)
        .await?;
    let public_url = &state.app.settings.public_url;
    let credential =
        app::credentials::annotated_copy(public_url, &signer, annotation, certificate, entry, now);
    let file_name = app::credentials::file_name(&certificate.record.number, &annotation.number);
    Ok(Some(
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
            .into_response(),
    ))
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
