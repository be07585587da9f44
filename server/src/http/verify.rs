//! Verification over plain HTTP: the page's form posts (no JavaScript), and the public JSON
//! API under `/api/v1/` with its OpenAPI document. The API is read-only and anonymous, so
//! any site may call it (CORS).

use super::client::Client;
use super::ServerState;
use app::error::AppError;
use app::forms::{EchoValues, FormEcho};
use app::i18n::{Lang, Msg};
use app::pages::verify::PostedVerification;
use app::urls::route;
use app::verification::forms::ManualCheckForm;
use app::verification::service;
use app::verification::views::{Method, VerificationResult};
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use std::net::IpAddr;

fn client(parts: &axum::http::request::Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<app::infra::ClientAddr>()
        .map(|client| client.0)
}

/// Whether the request says its body is longer than `limit` (a body without a length is cut
/// off while it is read instead).
pub(crate) fn declares_too_large(headers: &HeaderMap, limit: usize) -> bool {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|length| length > limit as u64)
}

/// Renders the verification page with a verdict, or with the form's errors.
async fn verify_page(
    state: &ServerState,
    mut parts: axum::http::request::Parts,
    form: &'static str,
    values: Vec<(String, String)>,
    outcome: Result<VerificationResult, AppError>,
) -> Response {
    parts.uri = axum::http::Uri::from_static(route::VERIFY);
    let (posted, error, status) = match outcome {
        Ok(result) => (PostedVerification(Some(result)), None, StatusCode::OK),
        Err(error) => {
            let status = error.status();
            (PostedVerification(None), Some(error), status)
        }
    };
    let echo = FormEcho {
        form: form.to_string(),
        values,
        error,
        message: None,
    };
    super::forms::render_with(state, parts, echo, status, move || {
        leptos::prelude::provide_context(posted.clone())
    })
    .await
}

/// A form posted to `/verify`: an upload (multipart) or the manual check. Both post to the
/// page's own address so that the answer page, and its hydration, is `/verify`.
pub async fn posted(State(state): State<ServerState>, request: Request<Body>) -> Response {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
        file_form(state, request).await
    } else {
        manual_form(state, request).await
    }
}

/// The manual check posted without JavaScript.
async fn manual_form(state: ServerState, request: Request<Body>) -> Response {
    let (parts, body) = request.into_parts();
    let form: Option<ManualCheckForm> = axum::body::to_bytes(body, 16 * 1024)
        .await
        .ok()
        .and_then(|b| serde_urlencoded::from_bytes(&b).ok());
    let Some(form) = form else {
        return verify_page(
            &state,
            parts,
            "verify",
            Vec::new(),
            Err(AppError::BadRequest),
        )
        .await;
    };
    let values = form.echo_values();
    let outcome = service::manual(&state.app, form, client(&parts), Method::Manual).await;
    verify_page(&state, parts, "verify", values, outcome).await
}

/// Reads the `file` and `purpose` fields of an upload as they stream in, and stops as soon as
/// the file is larger than a check accepts (the route's body limit bounds the rest).
async fn read_upload(mut multipart: Multipart) -> Result<(Vec<u8>, String), AppError> {
    let too_large = || AppError::field("file", Msg::UploadTooLarge);
    let mut file = Vec::new();
    let mut purpose = String::new();
    while let Some(mut field) = multipart.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            AppError::BadRequest
        }
    })? {
        match field.name() {
            Some("file") => {
                file.clear();
                while let Some(chunk) = field.chunk().await.map_err(|_| too_large())? {
                    if file.len() + chunk.len() > service::MAX_UPLOAD_BYTES {
                        return Err(too_large());
                    }
                    file.extend_from_slice(&chunk);
                }
            }
            Some("purpose") => purpose = field.text().await.map_err(|_| AppError::BadRequest)?,
            _ => return Err(AppError::BadRequest),
        }
    }
    Ok((file, purpose))
}

/// The upload posted from the page (with or without JavaScript). The client's limit is
/// counted before the upload is read.
async fn file_form(state: ServerState, request: Request<Body>) -> Response {
    let (parts, body) = request.into_parts();
    let mut read_whole_body = false;
    let outcome = match service::admit_file_check(&state.app, client(&parts)).await {
        Err(error) => Err(error),
        Ok(_) if declares_too_large(&parts.headers, super::UPLOAD_BODY_LIMIT) => {
            Err(AppError::field("file", Msg::UploadTooLarge))
        }
        Ok(admitted) => {
            let request = Request::from_parts(parts.clone(), body);
            match Multipart::from_request(request, &state).await {
                Ok(multipart) => match read_upload(multipart).await {
                    Ok((file, purpose)) => {
                        read_whole_body = true;
                        service::file(&state.app, admitted, &file, &purpose, Method::File).await
                    }
                    Err(error) => Err(error),
                },
                Err(_) => Err(AppError::field("file", Msg::UploadMissing)),
            }
        }
    };
    let page = verify_page(&state, parts, "verify-file", Vec::new(), outcome).await;
    if read_whole_body {
        page
    } else {
        super::closing(page)
    }
}

/// The API's one error shape: a stable code, a message in English and in Chinese, and the
/// fields at fault.
fn api_error(error: AppError) -> Response {
    let code = match &error {
        AppError::Invalid(_) => "invalid_input",
        AppError::RateLimited(_) => "rate_limited",
        AppError::BadRequest => "bad_request",
        AppError::Unavailable => "unavailable",
        AppError::NotFound => "not_found",
        _ => "internal",
    };
    let fields: Vec<serde_json::Value> = match &error {
        AppError::Invalid(list) => list
            .iter()
            .map(|f| {
                json!({
                    "field": f.field,
                    "message": f.text.render(Lang::En),
                    "message_zh": f.text.render(Lang::Zh),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    let body = json!({
        "error": {
            "code": code,
            "message": error.user_message(Lang::En),
            "message_zh": error.user_message(Lang::Zh),
            "fields": fields,
        }
    });
    (error.status(), Json(body)).into_response()
}

fn api_answer(outcome: Result<VerificationResult, AppError>) -> Response {
    match outcome {
        Ok(result) => Json(result).into_response(),
        Err(error) => api_error(error),
    }
}

#[derive(Deserialize)]
pub struct PurposeQuery {
    #[serde(default)]
    purpose: String,
}

/// `GET /api/v1/verify/{code}`
pub async fn api_code(
    State(state): State<ServerState>,
    Path(code): Path<String>,
    Query(query): Query<PurposeQuery>,
) -> Response {
    api_answer(service::by_code(&state.app, &code, &query.purpose, Method::ApiCode).await)
}

/// `POST /api/v1/verify/manual`
pub async fn api_manual(
    State(state): State<ServerState>,
    Client(client): Client,
    body: Bytes,
) -> Response {
    let Ok(form) = serde_json::from_slice::<ManualCheckForm>(&body) else {
        return api_error(AppError::BadRequest);
    };
    api_answer(service::manual(&state.app, form, client, Method::ApiManual).await)
}

/// `POST /api/v1/verify/file`: the PDF as the request body. The client's limit is counted
/// before the body is read, and the body is read only up to the largest file a check accepts.
pub async fn api_file(
    State(state): State<ServerState>,
    Client(client): Client,
    Query(query): Query<PurposeQuery>,
    request: Request<Body>,
) -> Response {
    let (parts, body) = request.into_parts();
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // Every answer before the body is read closes the connection (`closing`).
    if !content_type.starts_with("application/pdf") {
        return super::closing(api_error(AppError::field("file", Msg::UploadNotPdf)));
    }
    let admitted = match service::admit_file_check(&state.app, client).await {
        Ok(admitted) => admitted,
        Err(error) => return super::closing(api_error(error)),
    };
    if declares_too_large(&parts.headers, service::MAX_UPLOAD_BYTES) {
        return super::closing(api_error(AppError::field("file", Msg::UploadTooLarge)));
    }
    let Ok(body) = axum::body::to_bytes(body, service::MAX_UPLOAD_BYTES).await else {
        return super::closing(api_error(AppError::field("file", Msg::UploadTooLarge)));
    };
    api_answer(service::file(&state.app, admitted, &body, &query.purpose, Method::ApiFile).await)
}

/// `GET /api/openapi.json`
pub async fn openapi(State(state): State<ServerState>) -> Response {
    Json(openapi_document(&state.app.settings.public_url)).into_response()
}

/// The OpenAPI 3.1 description of the verification API.
pub fn openapi_document(server_url: &str) -> serde_json::Value {
    let result_ref = json!({ "$ref": "#/components/schemas/VerificationResult" });
    let error_ref = json!({ "$ref": "#/components/schemas/Error" });
    let answers = |extra: serde_json::Value| {
        let mut responses = json!({
            "200": { "description": "The verdict.", "content": { "application/json": { "schema": result_ref } } },
            "400": { "description": "The request could not be read.", "content": { "application/json": { "schema": error_ref } } },
            "503": { "description": "The service is temporarily unavailable.", "content": { "application/json": { "schema": error_ref } } },
        });
        if let (Some(target), Some(more)) = (responses.as_object_mut(), extra.as_object()) {
            for (k, v) in more {
                target.insert(k.clone(), v.clone());
            }
        }
        responses
    };
    let purpose_param = json!({
        "name": "purpose", "in": "query", "required": false,
        "description": "What the check is for (用途), at most 60 characters; the holder can see it.",
        "schema": { "type": "string", "maxLength": 60 }
    });
    let api_path = |path: &str| [route::API_V1, path].concat();
    let invalid = json!({ "description": "An input is invalid.", "content": { "application/json": { "schema": error_ref } } });
    let limited = json!({ "description": "Too many checks from this address; the message says when to try again.", "content": { "application/json": { "schema": error_ref } } });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Certificate verification API",
            "version": "1.0.0",
            "description": "Checks whether a professional-qualification certificate or an annotated e-certificate copy (加注件) is genuine and usable. Anonymous and read-only; every check is logged and shown to the certificate's holder.",
            "license": { "name": "MIT OR Apache-2.0" }
        },
        "servers": [{ "url": server_url }],
        "paths": {
            api_path(route::API_VERIFY_CODE): {
                "get": {
                    "operationId": "verifyByCode",
                    "summary": "Verify by the code of an annotated copy's QR link",
                    "parameters": [
                        { "name": "code", "in": "path", "required": true, "schema": { "type": "string", "maxLength": 64 } },
                        purpose_param
                    ],
                    "responses": answers(json!({ "422": invalid }))
                }
            },
            api_path(route::API_VERIFY_MANUAL): {
                "post": {
                    "operationId": "verifyManually",
                    "summary": "Verify by certificate number and holder name (both must match)",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ManualCheck" } } } },
                    "responses": answers(json!({ "422": invalid, "429": limited }))
                }
            },
            api_path(route::API_VERIFY_FILE): {
                "post": {
                    "operationId": "verifyFile",
                    "summary": "Verify an annotated copy's PDF (at most 5 MB)",
                    "parameters": [purpose_param],
                    "requestBody": { "required": true, "content": { "application/pdf": { "schema": { "type": "string", "format": "binary" } } } },
                    "responses": answers(json!({
                        "422": { "description": "No file, not a PDF, or larger than 5 MB.", "content": { "application/json": { "schema": error_ref } } },
                        "429": limited
                    }))
                }
            }
        },
        "components": {
            "schemas": {
                "ManualCheck": {
                    "type": "object",
                    "required": ["certificate_number", "holder_name"],
                    "additionalProperties": false,
                    "properties": {
                        "certificate_number": { "type": "string", "description": "管理号" },
                        "holder_name": { "type": "string", "description": "持证人姓名, exactly as on the certificate" },
                        "annotation_number": { "type": "string", "description": "加注编号, to check that annotated copy too" },
                        "purpose": { "type": "string", "maxLength": 60 }
                    }
                },
                "VerificationResult": {
                    "type": "object",
                    "required": ["verdict", "certificate", "annotation", "file_problem", "checked_at"],
                    "properties": {
                        "verdict": { "type": "string", "enum": ["valid", "certificate_valid", "expired", "revoked", "not_genuine"] },
                        "certificate": {
                            "oneOf": [{ "type": "null" }, {
                                "type": "object",
                                "properties": {
                                    "holder_name": { "type": "string" },
                                    "masked_id_number": { "type": "string" },
                                    "qualification": { "type": "string" },
                                    "level": { "type": "string" },
                                    "specialty": { "type": "string" },
                                    "number": { "type": "string" },
                                    "issued_on": { "type": "string", "format": "date" },
                                    "issuer": { "type": "string" },
                                    "revoked_on": { "type": ["string", "null"], "format": "date" }
                                }
                            }]
                        },
                        "annotation": {
                            "oneOf": [{ "type": "null" }, {
                                "type": "object",
                                "properties": {
                                    "number": { "type": "string" },
                                    "scenario": { "type": "string", "enum": ["self_use"] },
                                    "valid_from": { "type": "string", "description": "YYYY-MM-DD HH:MM, China time" },
                                    "valid_until": { "type": "string", "description": "YYYY-MM-DD HH:MM, China time" }
                                }
                            }]
                        },
                        "file_problem": { "type": ["string", "null"], "enum": ["not_pdf", "too_large", "no_signature", "modified", "unknown_signer", "unknown_document", null] },
                        "checked_at": { "type": "string", "description": "YYYY-MM-DD HH:MM, China time" }
                    }
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message", "message_zh", "fields"],
                            "properties": {
                                "code": { "type": "string", "enum": ["invalid_input", "rate_limited", "bad_request", "unavailable", "not_found", "internal"] },
                                "message": { "type": "string" },
                                "message_zh": { "type": "string" },
                                "fields": { "type": "array", "items": { "type": "object", "properties": { "field": { "type": "string" }, "message": { "type": "string" }, "message_zh": { "type": "string" } } } }
                            }
                        }
                    }
                }
            }
        }
    })
}
