//! The HTTP application: Leptos pages and server functions, plain routes, and the layers every
//! request passes through.

mod account;
mod appeals;
pub mod assets;
mod client;
mod copies;
mod credentials;
pub mod extract;
mod files;
mod forms;
mod guard;
mod routes;
mod security_headers;
mod server_fns;
mod session;
mod verify;

use app::state::AppState;
use app::urls::route as r;
use app::{shell, App};
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::extract::FromRef;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use certpdf::IssuerKey;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The axum state: Leptos needs its options, everything else needs the app state. Every
/// handler and middleware clones it, so it is one shared pointer: cloning the options' strings
/// per request was a measurable part of a verification request's cost.
#[derive(Clone)]
pub struct ServerState(Arc<ServerStateInner>);

pub struct ServerStateInner {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
    /// Signs pre-cut-off e-certificates on request (`None`: that route answers not found).
    pub issuer: Option<Arc<IssuerKey>>,
    /// Signs verifiable credentials and status lists (`None`: those routes answer not found).
    pub credentials: Option<Arc<app::credentials::CredentialSigner>>,
}

impl std::ops::Deref for ServerState {
    type Target = ServerStateInner;
    fn deref(&self) -> &ServerStateInner {
        &self.0
    }
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.leptos_options.clone()
    }
}

/// The app's routes, generated once per process. Generating them runs the app with resource
/// loading suppressed process-wide (leptos_server's `SuppressResourceLoad`): a page rendering
/// at that moment in another router of the same process would wait forever for its data
/// (leptos-rs/leptos#4773). Tests start many routers in one process; so may embedders.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Builds the whole application.
pub fn router(
    app_state: AppState,
    leptos_options: LeptosOptions,
    issuer: Option<Arc<IssuerKey>>,
    credentials: Option<Arc<app::credentials::CredentialSigner>>,
) -> Router {
    let routes = route_list();
    let state = ServerState(Arc::new(ServerStateInner {
        leptos_options: leptos_options.clone(),
        app: app_state.clone(),
        issuer,
        credentials,
    }));
    let context = {
        let app_state = app_state.clone();
        move || provide_page_context(&app_state)
    };

    let mut router = plain_routes()
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| {
            router.route(path, handler)
        })
        .nest(r::API_V1, public_api())
        .nest_service(
            r::PKG_PREFIX.trim_end_matches('/'),
            assets::pkg_service(&leptos_options),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        });

    if app_state.settings.test_controls {
        tracing::warn!("test controls are enabled: the clock can be moved over HTTP");
        router = test_controls()
            .into_iter()
            .fold(router, |router, (path, handler)| {
                router.route(path, handler)
            });
    }

    router
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            ServerState,
            _,
        >(context, shell))
        .with_state(state.clone())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::attach_session,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::refuse_cross_site,
        ))
        .layer(axum::middleware::from_fn(
            server_fns::bound_server_fn_bodies,
        ))
        // Before anything that counts or records a client: its address, decided once.
        .layer(axum::middleware::from_fn_with_state(
            state,
            client::attach_client,
        ))
        .layer(axum::middleware::map_response(retry_after_when_unavailable))
        .layer(
            // Pages, scripts, wasm and JSON travel compressed when the client accepts it;
            // PDFs and images are compressed already, and ranges of files must stay exact.
            CompressionLayer::new().compress_when(
                DefaultPredicate::new()
                    .and(NotForContentType::const_new("application/pdf"))
                    .and(NotForContentType::const_new("application/ofd")),
            ),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<Body>| {
                    let request_id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        id = %request_id,
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                .on_response(
                    |response: &Response<Body>, latency: Duration, _span: &tracing::Span| {
                        tracing::info!(
                            status = response.status().as_u16(),
                            ms = latency.as_millis() as u64,
                            "served"
                        );
                    },
                ),
        )
        // No request may hold a connection forever: a stuck dependency becomes a clear 408
        // and a log line instead of a hung client.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(CatchPanicLayer::custom(panic_response))
        // Outermost, so that every answer has them: refusals, timeouts, the panic page too.
        .layer(axum::middleware::from_fn_with_state(
            security_headers::SecurityHeaders::for_public_url(&app_state.settings.public_url),
            security_headers::apply,
        ))
}

/// What every rendering of the app has in its reactive context: the application state, and
/// the nonce that this response's Content-Security-Policy names.
pub(crate) fn provide_page_context(app_state: &AppState) {
    provide_context(app_state.clone());
    security_headers::provide_page_nonce();
}

/// A 503 (the database is unreachable, or password hashing is at its bound) tells clients
/// when to come back, so that well-behaved ones back off instead of retrying at once.
async fn retry_after_when_unavailable(mut response: Response<Body>) -> Response<Body> {
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .entry(header::RETRY_AFTER)
            .or_insert(HeaderValue::from_static("5"));
    }
    response
}

/// The plain routes: everything but the Leptos pages (declared in `app::App`) and the public
/// API ([`public_api`]). Their paths are the patterns in `app::urls::route`, which the links to
/// them are built from. Laid out by area, a line each.
#[rustfmt::skip]
fn plain_routes() -> Vec<(&'static str, MethodRouter<ServerState>)> {
    let upload = DefaultBodyLimit::max(UPLOAD_BODY_LIMIT);
    vec![
        // For anyone, without a session.
        (r::HEALTHZ, get(routes::healthz)), (r::GLYPH, get(routes::glyph)),
        (r::SAMPLE_PREVIEW, get(routes::sample_preview)),
        (r::LANG, get(routes::switch_language)),
        // Verification: the page's forms and the API's description.
        (r::VERIFY, post(verify::posted).layer(upload)), (r::OPENAPI, get(verify::openapi)),
        // The accounts' forms.
        (r::REGISTER, post(forms::register)), (r::LOGIN, post(forms::login)),
        (r::REGISTER_CONFIRM, post(forms::confirm_registration)),
        (r::FORGOT_PASSWORD, post(forms::forgot_password)),
        (r::RESET_PASSWORD, post(forms::reset_password)),
        (r::LOGOUT, post(forms::logout)), (r::TERMS, post(forms::accept_terms)),
        (r::ACCOUNT, post(forms::change_password)),
        (r::ACCOUNT_MOBILE, post(forms::change_mobile)),
        (r::ACCOUNT_NAME, post(forms::correct_name)),
        (r::ACCOUNT_CONFIRM, post(forms::confirm_account_change)),
        // The holder's certificates: files, e-certificates, annotated copies.
        (r::FILE, get(files::view)), (r::FILE_DOWNLOAD, get(files::download)),
        (r::E_CERTIFICATE_PDF, get(copies::e_certificate_pdf)),
        (r::E_CERTIFICATE_DOWNLOAD, get(copies::e_certificate_download)),
        (r::CERTIFICATE_ANNOTATE, post(forms::apply_annotation)),
        // [确认作废] posts to the copy's page, which shows a refusal in place.
        (r::ANNOTATION, post(forms::cancel_annotation)),
        (r::ANNOTATION_PDF, get(copies::annotated_pdf)),
        (r::ANNOTATION_DOWNLOAD, get(copies::annotated_download)),
        (r::ANNOTATION_PREVIEW, get(copies::annotated_preview)),
        (r::ANNOTATION_QR, get(copies::annotated_qr)),
        (r::ANNOTATION_CREDENTIAL, get(credentials::annotated_credential)),
        // The issuer's DID document and status lists, for any verifier or wallet (CORS).
        (r::DID_DOCUMENT, get(credentials::did_document).layer(public_read())),
        (r::CREDENTIAL_STATUS_LIST, get(credentials::status_list).layer(public_read())),
        // A wallet takes the copy's credential by the short-lived link its page shows.
        (r::WALLET_CREDENTIAL, get(credentials::wallet_credential)),
        (r::WALLET_CREDENTIAL_QR, get(credentials::wallet_qr)),
        // The holder's personal data: a copy of it, and the account's deletion.
        (r::ACCOUNT_EXPORT, get(account::export)),
        (r::ACCOUNT_DELETE, post(forms::delete_account)),
        // 账号申诉: the appeal (with its ID photo), its code, its state.
        (r::APPEAL, post(appeals::submit).layer(upload)),
        (r::APPEAL_CONFIRM, post(forms::confirm_appeal)),
        (r::APPEAL_STATUS, post(appeals::status)),
    ]
}

/// Any site may read these (a wallet in a browser resolving the issuer, say).
fn public_read() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([axum::http::Method::GET])
}

/// Routes that let the tests move the clock and seed records; only routed when enabled.
#[rustfmt::skip]
fn test_controls() -> Vec<(&'static str, MethodRouter<ServerState>)> {
    vec![
        (r::TEST_CLOCK, post(routes::move_clock)), (r::TEST_CLOCK_RESET, post(routes::reset_clock)),
        (r::TEST_CERTIFICATES, post(routes::seed_certificate)),
    ]
}

/// Uploads may carry a PDF of up to 5 MB plus the form's own bytes.
pub(crate) const UPLOAD_BODY_LIMIT: usize =
    app::verification::service::MAX_UPLOAD_BYTES + 64 * 1024;

/// The read-only verification API: callable from any site, with or without an API key.
fn public_api() -> Router<ServerState> {
    Router::new()
        .route(r::API_VERIFY_CODE, get(verify::api_code))
        .route(r::API_VERIFY_MANUAL, post(verify::api_manual))
        .route(
            r::API_VERIFY_FILE,
            post(verify::api_file).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([axum::http::Method::GET, axum::http::Method::POST])
                // The API key travels in either header (`verify::ApiCaller`).
                .allow_headers([
                    header::CONTENT_TYPE,
                    header::AUTHORIZATION,
                    header::HeaderName::from_static("x-api-key"),
                ])
                .expose_headers([header::RETRY_AFTER]),
        )
}

/// `response` with `Connection: close`, for an answer given before the request's body was
/// read: the connection cannot carry another request (the rest of the body is still on its
/// way), and saying so keeps a client from sending its next request on it.
pub(crate) fn closing<R: axum::response::IntoResponse>(response: R) -> Response<Body> {
    let mut response = response.into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The app's 404 page (in the shell and the reader's language) for a plain route that found
/// nothing it may show.
pub(crate) async fn not_found(
    state: &ServerState,
    mut parts: axum::http::request::Parts,
) -> Response<Body> {
    // Rendered for a path no page matches, so the router shows its not-found view.
    parts.uri = axum::http::Uri::from_static("/__not_found");
    parts.method = axum::http::Method::GET;
    let app_state = state.app.clone();
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || provide_page_context(&app_state),
        move || shell(options.clone()),
    );
    let mut response = handler(Request::from_parts(parts, Body::empty())).await;
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

/// A panic anywhere in a handler becomes a plain 500 page in both languages; the panic itself
/// is logged with the request's span.
fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    let reference = app::error::ssr::new_reference();
    tracing::error!(%reference, panic = detail, "handler panicked");
    let body = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>系统暂时出错 / Something went wrong</title></head><body>\
         <h1>系统暂时出错</h1><p>请稍后重试。参考编号：{reference}</p>\
         <h1 lang=\"en\">Something went wrong</h1>\
         <p lang=\"en\">Please try again later. Reference: {reference}</p>\
         <p><a href=\"/\">首页 / Home</a></p></body></html>"
    );
    Response::builder()
        .status(StatusCode::INTERNAL_SERVER_ERROR)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .body(Body::from(body))
        .unwrap_or_default()
}
