//! The annotated copies (加注件) and the pre-cut-off e-certificates, as PDF files and as a
//! drawn preview. Every request checks again, on the server, that the copy is the holder's,
//! that its certificate stands and that the copy is within its validity.

use super::extract::Owned;
use crate::copy;
use app::annotations::views::copy_file_name;
use app::certificates::views::ECertificate;
use app::domain::CertificateStatus;
use app::error::AppError;
use app::urls;
use axum::http::{header, StatusCode};
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

#[tracing::instrument(skip_all, fields(code = %request.key))]
pub async fn annotated_pdf(request: Owned) -> Response {
    annotated(request, Some(Disposition::Inline)).await
}

#[tracing::instrument(skip_all, fields(code = %request.key))]
pub async fn annotated_download(request: Owned) -> Response {
    annotated(request, Some(Disposition::Attachment)).await
}

#[tracing::instrument(skip_all, fields(code = %request.key))]
pub async fn annotated_preview(request: Owned) -> Response {
    annotated(request, None).await
}

/// The copy's QR code, as printed on it: the public verification link, for an employer to
/// scan off the holder's screen. Only while the copy may be used, like the copy itself.
#[tracing::instrument(skip_all, fields(code = %request.key))]
pub async fn annotated_qr(request: Owned) -> Response {
    let state = request.state.clone();
    let code = request.key.as_str();
    match app::annotations::service::usable_copy(&state.app, &request.holder, code).await {
        Ok(_) => {}
        Err(AppError::Refused(_)) => return Redirect::to(&urls::annotation(code)).into_response(),
        Err(other) => return request.fail(other).await,
    }
    let link = urls::verify_code_at(&state.app.settings.public_url, code);
    match qr_image(&link) {
        Ok(image) => image,
        Err(err) => request.fail(err).await,
    }
}

/// `link` as a QR code image (SVG), not cached: it is shown only while it may be used.
pub(super) fn qr_image(link: &str) -> Result<Response, AppError> {
    let svg = certpdf::qr_svg(link)
        .map_err(|err| internal(format!("drawing the QR code failed: {err}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "private, no-store"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'"),
        ],
        svg,
    )
        .into_response())
}

/// A PDF (`disposition`) or the SVG preview (`None`) of an annotated copy.
async fn annotated(request: Owned, disposition: Option<Disposition>) -> Response {
    let state = request.state.clone();
    let code = request.key.as_str();
    let (annotation, certificate) =
        match app::annotations::service::usable_copy(&state.app, &request.holder, code).await {
            Ok(found) => found,
            // Expired, revoked, still generating, failed: the copy's page explains it.
            Err(AppError::Refused(_)) => {
                return Redirect::to(&urls::annotation(code)).into_response()
            }
            Err(other) => return request.fail(other).await,
        };
    let Some(disposition) = disposition else {
        let (Some(produced_at), Some(valid_until)) =
            (annotation.produced_at, annotation.valid_until)
        else {
            return request.not_found().await;
        };
        let doc = copy::annotated_copy(
            &state.app.settings.public_url,
            &annotation,
            &certificate,
            produced_at,
            valid_until,
        );
        let fonts = state.app.fonts.clone();
        return match tokio::task::spawn_blocking(move || certpdf::render_preview_svg(&fonts, &doc))
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
            _ => {
                request
                    .fail(internal("drawing the copy's preview failed"))
                    .await
            }
        };
    };
    let pdf = match state.app.storage.annotation_pdf(annotation.id).await {
        Ok(Some(pdf)) if Some(app::infra::sha256_hex(&pdf)) == annotation.pdf_sha256 => pdf,
        Ok(_) => {
            let error = internal(format!(
                "stored copy of annotation {} is missing or does not match its digest",
                annotation.id.0
            ));
            return request.fail(error).await;
        }
        Err(err) => return request.fail(err.into()).await,
    };
    pdf_response(
        pdf,
        &copy_file_name(&certificate.record.number, &annotation.number),
        disposition,
    )
}

/// Logs `cause` and returns the opaque error the reader sees.
fn internal(cause: impl Into<String>) -> AppError {
    app::error::ssr::internal(&std::io::Error::other(cause.into()))
}

#[tracing::instrument(skip_all, fields(certificate = %request.key))]
pub async fn e_certificate_pdf(request: Owned) -> Response {
    e_certificate(request, Disposition::Inline).await
}

#[tracing::instrument(skip_all, fields(certificate = %request.key))]
pub async fn e_certificate_download(request: Owned) -> Response {
    e_certificate(request, Disposition::Attachment).await
}

/// An e-certificate issued before the cut-off, signed on request: no annotation needed.
async fn e_certificate(request: Owned, disposition: Disposition) -> Response {
    let state = request.state.clone();
    let id = request.key.as_str();
    let certificate = match state
        .app
        .storage
        .certificate_of(&request.holder.owner, id)
        .await
    {
        Ok(Some(c)) => c,
        Ok(None) => return request.not_found().await,
        Err(err) => return request.fail(err.into()).await,
    };
    let direct =
        certificate.e_certificate(state.app.settings.annotation_cutoff) == ECertificate::Direct;
    if certificate.record.status != CertificateStatus::Valid || !direct {
        // Revoked, paper-only, or needing an annotation: the download page says which.
        return Redirect::to(&urls::certificate_download(id)).into_response();
    }
    let Some(issuer) = state.issuer.clone() else {
        return request.not_found().await;
    };
    let doc = copy::e_certificate(&state.app.settings.public_url, &certificate);
    let fonts = state.app.fonts.clone();
    match tokio::task::spawn_blocking(move || {
        certpdf::render_certificate_pdf(&fonts, &issuer, &doc)
    })
    .await
    {
        Ok(Ok(pdf)) => {
            // Recorded before it is handed out: a file check accepts only recorded files.
            let recorded = state
                .app
                .storage
                .record_produced_file(
                    &app::infra::sha256_hex(&pdf),
                    certificate.id,
                    state.app.clock.now(),
                )
                .await;
            if let Err(err) = recorded {
                return request.fail(err.into()).await;
            }
            pdf_response(
                pdf,
                &[certificate.record.number.as_str(), "_电子证书.pdf"].concat(),
                disposition,
            )
        }
        _ => {
            request
                .fail(internal("rendering the e-certificate failed"))
                .await
        }
    }
}
