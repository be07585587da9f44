//! The annotated copies (加注件) and the pre-cut-off e-certificates, as PDF files and as a
//! drawn preview. Every request checks again, on the server, that the copy is the holder's,
//! that its certificate stands and that the copy is within its validity.

use super::ServerState;
use crate::copy;
use app::annotations::views::copy_file_name;
use app::certificates::views::ECertificate;
use app::domain::CertificateStatus;
use app::error::AppError;
use app::session::ActiveSession;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

/// How to hand a PDF over.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Disposition {
    Inline,
    Attachment,
}

fn pdf_response(bytes: Vec<u8>, file_name: &str, disposition: Disposition) -> Response {
    let kind = match disposition {
        Disposition::Inline => "inline",
        Disposition::Attachment => "attachment",
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                super::files::content_disposition(kind, file_name),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// The signed-in holder past the terms, or nothing (the caller answers "not found").
fn holder(parts: &axum::http::request::Parts) -> Option<ActiveSession> {
    parts
        .extensions
        .get::<ActiveSession>()
        .cloned()
        .filter(|s| s.terms_accepted)
}

pub async fn annotated_pdf(
    State(state): State<ServerState>,
    Path(code): Path<String>,
    request: Request<Body>,
) -> Response {
    annotated(state, code, request, Some(Disposition::Inline)).await
}

pub async fn annotated_download(
    State(state): State<ServerState>,
    Path(code): Path<String>,
    request: Request<Body>,
) -> Response {
    annotated(state, code, request, Some(Disposition::Attachment)).await
}

pub async fn annotated_preview(
    State(state): State<ServerState>,
    Path(code): Path<String>,
    request: Request<Body>,
) -> Response {
    annotated(state, code, request, None).await
}

/// A PDF (`disposition`) or the SVG preview (`None`) of an annotated copy.
async fn annotated(
    state: ServerState,
    code: String,
    request: Request<Body>,
    disposition: Option<Disposition>,
) -> Response {
    let (parts, _) = request.into_parts();
    let Some(session) = holder(&parts) else {
        return super::not_found(&state, parts).await;
    };
    let (annotation, certificate) =
        match app::annotations::service::usable_copy(&state.app, &session, &code).await {
            Ok(found) => found,
            Err(AppError::NotFound) => return super::not_found(&state, parts).await,
            // Expired, revoked, still generating, failed: the copy's page explains it.
            Err(AppError::Refused(_)) => {
                return Redirect::to(&format!("/annotations/{code}")).into_response()
            }
            Err(other) => {
                return (other.status(), other.user_message(app::i18n::Lang::Zh)).into_response()
            }
        };
    match disposition {
        Some(disposition) => {
            let pdf = match state.app.storage.annotation_pdf(annotation.id).await {
                Ok(Some(pdf)) if Some(app::infra::sha256_hex(&pdf)) == annotation.pdf_sha256 => pdf,
                Ok(_) => {
                    let error = app::error::ssr::internal(&std::io::Error::other(format!(
                        "stored copy of annotation {} is missing or does not match its digest",
                        annotation.id.0
                    )));
                    return (error.status(), error.user_message(app::i18n::Lang::Zh))
                        .into_response();
                }
                Err(err) => {
                    let error = AppError::from(err);
                    return (error.status(), error.user_message(app::i18n::Lang::Zh))
                        .into_response();
                }
            };
            pdf_response(
                pdf,
                &copy_file_name(&certificate.record.number, &annotation.number),
                disposition,
            )
        }
        None => {
            let (Some(produced_at), Some(valid_until)) =
                (annotation.produced_at, annotation.valid_until)
            else {
                return super::not_found(&state, parts).await;
            };
            let doc = copy::annotated_copy(
                &state.app.settings.public_url,
                &annotation,
                &certificate,
                produced_at,
                valid_until,
            );
            let fonts = state.app.fonts.clone();
            match tokio::task::spawn_blocking(move || certpdf::render_preview_svg(&fonts, &doc))
                .await
            {
                Ok(Ok(svg)) => (
                    [
                        (header::CONTENT_TYPE, "image/svg+xml"),
                        (header::CACHE_CONTROL, "private, no-store"),
                        (header::CONTENT_SECURITY_POLICY, "default-src 'none'"),
                    ],
                    svg,
                )
                    .into_response(),
                _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }
        }
    }
}

pub async fn e_certificate_pdf(
    State(state): State<ServerState>,
    Path(id): Path<String>,
    request: Request<Body>,
) -> Response {
    e_certificate(state, id, request, Disposition::Inline).await
}

pub async fn e_certificate_download(
    State(state): State<ServerState>,
    Path(id): Path<String>,
    request: Request<Body>,
) -> Response {
    e_certificate(state, id, request, Disposition::Attachment).await
}

/// An e-certificate issued before the cut-off, signed on request: no annotation needed.
async fn e_certificate(
    state: ServerState,
    id: String,
    request: Request<Body>,
    disposition: Disposition,
) -> Response {
    let (parts, _) = request.into_parts();
    let Some(session) = holder(&parts) else {
        return super::not_found(&state, parts).await;
    };
    let certificate = match state.app.storage.certificate_of(&session.owner, &id).await {
        Ok(Some(c)) => c,
        Ok(None) => return super::not_found(&state, parts).await,
        Err(err) => {
            let error = AppError::from(err);
            return (error.status(), error.user_message(app::i18n::Lang::Zh)).into_response();
        }
    };
    let direct =
        certificate.e_certificate(state.app.settings.annotation_cutoff) == ECertificate::Direct;
    if certificate.record.status != CertificateStatus::Valid || !direct {
        // Revoked, paper-only, or needing an annotation: the download page says which.
        return Redirect::to(&format!("/certificates/{id}/download")).into_response();
    }
    let Some(issuer) = state.issuer.clone() else {
        return super::not_found(&state, parts).await;
    };
    let doc = copy::e_certificate(&state.app.settings.public_url, &certificate);
    let fonts = state.app.fonts.clone();
    match tokio::task::spawn_blocking(move || {
        certpdf::render_certificate_pdf(&fonts, &issuer, &doc)
    })
    .await
    {
        Ok(Ok(pdf)) => pdf_response(
            pdf,
            &format!("{}_电子证书.pdf", certificate.record.number),
            disposition,
        ),
        _ => {
            let error = app::error::ssr::internal(&std::io::Error::other(
                "rendering the e-certificate failed",
            ));
            (error.status(), error.user_message(app::i18n::Lang::Zh)).into_response()
        }
    }
}
