//! Verification over plain HTTP: the page's form posts (no JavaScript), and the public JSON
//! API under `/api/v1/` with its OpenAPI document. The API is read-only and needs no account,
//! so any site may call it (CORS); a bulk verifier may present an API key, whose daily quota
//! then stands in for the per-address limits.

use super::ServerState;
use app::error::AppError;
use app::forms::{EchoValues, FormEcho};
use app::i18n::{Lang, Msg, Text};
use app::pages::verify::PostedVerification;
use app::urls::route;
use app::verification::api_keys::{self, KeyRefusal};
use app::verification::checker::Checker;
use app::verification::forms::ManualCheckForm;
use app::verification::service;
use app::verification::views::{Method, VerificationResult};
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

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
    let checker = Checker::from_parts(&parts);
    let outcome = service::manual(&state.app, form, &checker, Method::Manual).await;
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
    let outcome = match service::admit_file_check(&state.app, Checker::from_parts(&parts)).await {
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
    api_error_coded(error, code)
}

fn api_error_coded(error: AppError, code: &str) -> Response {
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

/// The key a request presents: `Authorization: Bearer <key>`, else `X-Api-Key: <key>`;
/// `Some(None)` when a header is there but does not hold a key in that form (never taken as
/// no key at all).
fn presented_key(headers: &HeaderMap) -> Option<Option<&str>> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let key = value.to_str().ok().and_then(|v| {
            let (scheme, key) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then_some(key.trim())
        });
        return Some(key.filter(|k| !k.is_empty()));
    }
    headers
        .get("x-api-key")
        .map(|value| value.to_str().ok().map(str::trim).filter(|k| !k.is_empty()))
}

/// The caller of the public API: the maker of the check, and — when it presented a valid API
/// key within its daily quota — that key, counted once per request before anything else is
/// done. A key that is unknown, revoked or malformed is refused with 401 (a caller that meant
/// to use a key must not silently fall back to the anonymous limits); a key whose quota is
/// used up with 429 and `Retry-After` until the next China day.
pub struct ApiCaller(pub Checker);

impl FromRequestParts<ServerState> for ApiCaller {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &ServerState,
    ) -> Result<Self, Response> {
        let mut checker = Checker::from_parts(parts);
        let Some(key) = presented_key(&parts.headers) else {
            return Ok(ApiCaller(checker));
        };
        let admitted = match key {
            None => Err(KeyRefusal::Invalid),
            Some(key) => api_keys::admit(&state.app, key)
                .await
                .map_err(|e| api_error(AppError::from(e)))?,
        };
        match admitted {
            Ok(id) => {
                checker.api_key = Some(id);
                Ok(ApiCaller(checker))
            }
            Err(KeyRefusal::Invalid) => {
                let mut response = api_error_coded(
                    AppError::Refused(Text::new(Msg::ApiKeyInvalid)),
                    "invalid_api_key",
                );
                *response.status_mut() = StatusCode::UNAUTHORIZED;
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"verification\""),
                );
                Err(response)
            }
            Err(KeyRefusal::QuotaUsed { quota, retry_at }) => {
                let mut response = api_error_coded(
                    AppError::RateLimited(Text::with(Msg::ApiKeyQuotaUsed, [quota.to_string()])),
                    "quota_exceeded",
                );
                let seconds = ((retry_at - state.app.clock.now()).max(0) as u64)
                    .div_ceil(1000)
                    .max(1);
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
                Err(response)
            }
        }
    }
}

/// `GET /api/v1/verify/{code}`
pub async fn api_code(
    State(state): State<ServerState>,
    ApiCaller(checker): ApiCaller,
    Path(code): Path<String>,
    Query(query): Query<PurposeQuery>,
) -> Response {
    api_answer(service::by_code(&state.app, &code, &query.purpose, &checker, Method::ApiCode).await)
}

/// `POST /api/v1/verify/manual`
pub async fn api_manual(
    State(state): State<ServerState>,
    ApiCaller(checker): ApiCaller,
    body: Bytes,
) -> Response {
    let Ok(form) = serde_json::from_slice::<ManualCheckForm>(&body) else {
        return api_error(AppError::BadRequest);
    };
    api_answer(service::manual(&state.app, form, &checker, Method::ApiManual).await)
}

/// `POST /api/v1/verify/file`: the PDF or the JSON credential as the request body. The client's limit is counted
/// before the body is read, and the body is read only up to the largest file a check accepts.
pub async fn api_file(
    State(state): State<ServerState>,
    Query(query): Query<PurposeQuery>,
    request: Request<Body>,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // Every answer before the body is read closes the connection (`closing`).
    let accepted = [
        "application/pdf",
        "application/vc+ld+json",
        "application/ld+json",
        "application/json",
    ];
    if !accepted.iter().any(|t| content_type.starts_with(t)) {
        return super::closing(api_error(AppError::field("file", Msg::UploadNotPdf)));
    }
    let checker = match ApiCaller::from_request_parts(&mut parts, &state).await {
        Ok(ApiCaller(checker)) => checker,
        Err(refusal) => return super::closing(refusal),
    };
    let admitted = match service::admit_file_check(&state.app, checker).await {
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
    let limited = json!({ "description": "Too many checks from this address (code `rate_limited`; the message says when to try again), or the API key's daily quota is used up (code `quota_exceeded`; `Retry-After` says how many seconds until the next day in China, UTC+8).", "headers": { "Retry-After": { "description": "Seconds until the API key's quota is renewed (with an API key only).", "schema": { "type": "integer" } } }, "content": { "application/json": { "schema": error_ref } } });
    let unauthorized = json!({ "description": "An API key was presented but is unknown, revoked or not in the form `Authorization: Bearer <key>` (code `invalid_api_key`). A request with a bad key is never answered as an anonymous one.", "content": { "application/json": { "schema": error_ref } } });
    // Optional: anonymous, or with a key in either header.
    let security = json!([{}, { "bearerKey": [] }, { "headerKey": [] }]);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Certificate verification API",
            "version": "1.0.0",
            "description": "Checks whether a professional-qualification certificate or an annotated e-certificate copy (加注件) is genuine and usable. Read-only; no account is needed. Checks of certificates and copies that exist are logged and shown to the certificate's holder (repeats from one caller within ten minutes are counted, not listed).\n\nWithout a key, the manual and file checks are limited per client address (20 and 10 per 10 minutes). Bulk verifiers (HR systems) may be given an API key by the operator: sent as `Authorization: Bearer <key>` or `X-Api-Key: <key>`, every request to these endpoints counts against the key's daily quota (default 10,000; the day is the calendar day in China, UTC+8) instead of the per-address limits. Over the quota the answer is 429 with `Retry-After`; an unknown or revoked key is 401.",
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
                    "security": security,
                    "responses": answers(json!({ "401": unauthorized, "422": invalid, "429": limited }))
                }
            },
            api_path(route::API_VERIFY_MANUAL): {
                "post": {
                    "operationId": "verifyManually",
                    "summary": "Verify by certificate number and holder name (both must match)",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ManualCheck" } } } },
                    "security": security,
                    "responses": answers(json!({ "401": unauthorized, "422": invalid, "429": limited }))
                }
            },
            api_path(route::API_VERIFY_FILE): {
                "post": {
                    "operationId": "verifyFile",
                    "summary": "Verify an annotated copy's PDF or verifiable credential (at most 5 MB)",
                    "description": "The body is the signed PDF, or the copy as a W3C Verifiable Credential 2.0 (`.jsonld`, as the holder downloads it: a Data Integrity proof `eddsa-rdfc-2022` by the site's `did:web`, whose DID document is `/.well-known/did.json`). Which one is told by the content. Both get the same verdicts.",
                    "parameters": [purpose_param],
                    "requestBody": { "required": true, "content": {
                        "application/pdf": { "schema": { "type": "string", "format": "binary" } },
                        "application/vc+ld+json": { "schema": { "type": "object" } },
                        "application/ld+json": { "schema": { "type": "object" } },
                        "application/json": { "schema": { "type": "object" } }
                    } },
                    "security": security,
                    "responses": answers(json!({
                        "401": unauthorized,
                        "422": { "description": "No file, neither a PDF nor a JSON credential, or larger than 5 MB.", "content": { "application/json": { "schema": error_ref } } },
                        "429": limited
                    }))
                }
            }
        },
        "components": {
            "securitySchemes": {
                "bearerKey": { "type": "http", "scheme": "bearer", "description": "An API key (`cvk_…`) from the operator (`server api-keys create`), as `Authorization: Bearer <key>`. Optional; counts against the key's daily quota." },
                "headerKey": { "type": "apiKey", "in": "header", "name": "X-Api-Key", "description": "The same API key in its own header." }
            },
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
                        "verdict": { "type": "string", "enum": ["valid", "certificate_valid", "expired", "revoked", "not_genuine", "withdrawn", "cancelled"] },
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
                        "file_problem": { "type": ["string", "null"], "enum": ["not_pdf", "too_large", "no_signature", "modified", "unknown_signer", "unknown_document", "retired_key", "outside_key_validity", "not_produced", null] },
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
                                "code": { "type": "string", "enum": ["invalid_input", "rate_limited", "quota_exceeded", "invalid_api_key", "bad_request", "unavailable", "not_found", "internal"] },
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
