//! 账号申诉 over plain HTTP: the appeal's multipart post (fields and the ID photo, with or
//! without JavaScript) and the status lookup's form post. The client's limit is counted
//! before an upload is read, and the photo is read only up to its cap.

use super::ServerState;
use app::appeals::forms::{AppealForm, AppealStatusForm};
use app::appeals::service;
use app::appeals::views::PostedAppealStatus;
use app::domain::appeal::MAX_PHOTO_BYTES;
use app::error::AppError;
use app::forms::{EchoValues, FormEcho};
use app::i18n::Msg;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, State};
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::net::IpAddr;

/// A text field of the appeal form is never near this (the statement is 1000 characters).
const MAX_TEXT_FIELD_BYTES: usize = 16 * 1024;

fn client(parts: &axum::http::request::Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<app::infra::ClientAddr>()
        .map(|client| client.0)
}

fn too_large() -> AppError {
    AppError::field("photo", Msg::AppealPhotoTooLarge)
}

/// The HTTP status of a refused appeal: a photo over the cap is 413, a photo of another
/// type 400, anything else as the error says.
fn status_of(error: &AppError) -> StatusCode {
    match error.field_text("photo").map(|text| text.msg) {
        Some(Msg::AppealPhotoTooLarge) => StatusCode::PAYLOAD_TOO_LARGE,
        Some(Msg::AppealPhotoType) => StatusCode::BAD_REQUEST,
        _ => error.status(),
    }
}

/// Reads the form's fields and the photo as they stream in. The fields read so far come back
/// with an error too, so that the page shows what was typed.
async fn read_appeal(mut multipart: Multipart) -> (AppealForm, Result<Vec<u8>, AppError>) {
    let mut form = AppealForm::default();
    let mut photo = Vec::new();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return (form, Ok(photo)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return (form, Err(too_large()))
            }
            Err(_) => return (form, Err(AppError::BadRequest)),
        };
        let name = field.name().unwrap_or_default().to_string();
        let cap = if name == "photo" {
            MAX_PHOTO_BYTES
        } else {
            MAX_TEXT_FIELD_BYTES
        };
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > cap {
                        let error = if name == "photo" {
                            too_large()
                        } else {
                            AppError::BadRequest
                        };
                        return (form, Err(error));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return (form, Err(too_large()))
                }
                Err(_) => return (form, Err(AppError::BadRequest)),
            }
        }
        if name == "photo" {
            photo = bytes;
            continue;
        }
        let Ok(text) = String::from_utf8(bytes) else {
            return (form, Err(AppError::BadRequest));
        };
        match name.as_str() {
            "id_type" => form.id_type = text,
            "id_number" => form.id_number = text,
            "name" => form.name = text,
            "mobile" => form.mobile = text,
            "statement" => form.statement = text,
            _ => return (form, Err(AppError::BadRequest)),
        }
    }
}

/// `POST /appeal`: the appeal form (multipart), with or without JavaScript. Success goes on
/// to the code step; a mistake shows the form again with what was typed and the message.
#[tracing::instrument(skip_all)]
pub async fn submit(State(state): State<ServerState>, request: Request<Body>) -> Response {
    let (parts, body) = request.into_parts();
    let mut read_whole_body = false;
    let mut values = Vec::new();
    let outcome = match service::admit_submission(&state.app, client(&parts)).await {
        Err(error) => Err(error),
        Ok(_) if super::verify::declares_too_large(&parts.headers, super::UPLOAD_BODY_LIMIT) => {
            Err(too_large())
        }
        Ok(admitted) => {
            let request = Request::from_parts(parts.clone(), body);
            match Multipart::from_request(request, &state).await {
                Ok(multipart) => {
                    let (form, photo) = read_appeal(multipart).await;
                    values = form.echo_values();
                    match photo {
                        Ok(photo) => {
                            read_whole_body = true;
                            service::submit(&state.app, admitted, form, &photo).await
                        }
                        Err(error) => Err(error),
                    }
                }
                Err(_) => Err(AppError::BadRequest),
            }
        }
    };
    let response = match outcome {
        Ok(outcome) => match outcome.done.redirect {
            Some(to) => Redirect::to(&to).into_response(),
            None => Redirect::to(app::urls::route::APPEAL).into_response(),
        },
        Err(error) => {
            let status = status_of(&error);
            let echo = FormEcho {
                form: "appeal".to_string(),
                values,
                error: Some(error),
                message: None,
            };
            super::forms::render_with(&state, parts, echo, status, || {}).await
        }
    };
    if read_whole_body {
        response
    } else {
        super::closing(response)
    }
}

/// `POST /appeal/status` without JavaScript: the page again, with the appeal's state or the
/// message.
#[tracing::instrument(skip_all)]
pub async fn status(State(state): State<ServerState>, request: Request<Body>) -> Response {
    let (parts, body) = request.into_parts();
    let form: Option<AppealStatusForm> = axum::body::to_bytes(body, MAX_TEXT_FIELD_BYTES)
        .await
        .ok()
        .and_then(|bytes| serde_urlencoded::from_bytes(&bytes).ok());
    let (values, outcome) = match form {
        Some(form) => (
            form.echo_values(),
            service::status(&state.app, client(&parts), form).await,
        ),
        None => (Vec::new(), Err(AppError::BadRequest)),
    };
    let (posted, error, status) = match outcome {
        Ok(view) => (PostedAppealStatus(Some(view)), None, StatusCode::OK),
        Err(error) => {
            // A missing appeal (or a wrong combination) is a 404 like any missing thing.
            let status = match &error {
                AppError::Refused(text) if text.msg == Msg::AppealNotFound => StatusCode::NOT_FOUND,
                other => other.status(),
            };
            (PostedAppealStatus(None), Some(error), status)
        }
    };
    let echo = FormEcho {
        form: "appeal_status".to_string(),
        values,
        error,
        message: None,
    };
    super::forms::render_with(&state, parts, echo, status, move || {
        leptos::prelude::provide_context(posted.clone())
    })
    .await
}
