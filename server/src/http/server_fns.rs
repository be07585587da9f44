//! Bounds on the server functions' requests (`POST /api/…`, and `GET /api/…` for those that
//! take their arguments in the query, outside the public API): a body larger than any form is
//! refused with 413 before it is read in full, and arguments the function cannot decode
//! answer 400. (The server-function machinery answers every error
//! with 500, which would read as a server fault and log as one; a function's own errors set
//! their status themselves, see `app::server_fns::ssr::failed`.)

use app::error::AppError;
use app::urls::{is_public_api, route};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest body a server function accepts: its arguments are a form's fields.
pub const SERVER_FN_BODY_LIMIT: usize = 64 * 1024;

/// The largest error body looked at when deciding whether a 500 was a decoding failure.
const ERROR_BODY_LIMIT: usize = 16 * 1024;

fn is_server_fn(method: &Method, path: &str) -> bool {
    // GET: the picker's search (`/api/rare-chars?q=…`) decodes its query the same way.
    (*method == Method::POST || *method == Method::GET)
        && path.starts_with("/api/")
        && !is_public_api(path)
        && path != route::OPENAPI
}

/// An error in the shape a server function's caller decodes (`AppError` as JSON), given
/// before the body was read in full.
fn refuse(status: StatusCode, error: &AppError) -> Response {
    let body = serde_json::to_vec(error).unwrap_or_default();
    super::closing((
        status,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from(body),
    ))
}

pub async fn bound_server_fn_bodies(request: Request<Body>, next: Next) -> Response {
    if !is_server_fn(request.method(), request.uri().path()) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let declared_too_large = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|length| length > SERVER_FN_BODY_LIMIT as u64);
    if declared_too_large {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, &AppError::BadRequest);
    }
    // Read here, up to the limit, so that a body without a declared length is cut off too.
    let bytes = match axum::body::to_bytes(body, SERVER_FN_BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => return refuse(StatusCode::PAYLOAD_TOO_LARGE, &AppError::BadRequest),
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    // A 500 that carries `BadRequest`: the arguments could not be decoded (the function never
    // ran; see `AppError::from_server_fn_error`).
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, ERROR_BODY_LIMIT).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if serde_json::from_slice::<AppError>(&bytes).is_ok_and(|e| e == AppError::BadRequest) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}
