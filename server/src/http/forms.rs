//! Plain form posts (no JavaScript). Each page's form posts to the page's own URL; the action
//! is the same one its server function calls. Success redirects (303); failure renders the
//! same page again, with the values as typed (never passwords) and the errors.

use super::extract::{Holder, SignInFirst, SignedIn};
use super::ServerState;
use app::accounts::forms::{
    ChangeMobileForm, ChangePasswordForm, ConfirmAccountChangeForm, ConfirmRegistrationForm,
    CorrectNameForm, DeleteAccountForm, ForgotPasswordForm, LoginForm, LogoutForm, RegisterForm,
    ResetPasswordForm, TermsForm,
};
use app::accounts::service::{self, Outcome};
use app::annotations::forms::{ApplyForm, CancelForm};
use app::error::AppError;
use app::forms::{EchoValues, FormEcho};
use app::session::RequestMeta;
use app::state::AppState;
use axum::body::Body;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;
use serde::de::DeserializeOwned;
use std::future::Future;

/// No form of ours comes near this; anything larger is refused before parsing.
const FORM_BODY_LIMIT: usize = 64 * 1024;

/// Runs `action` on a posted form and answers as described in the module documentation.
/// `W` is who may post it (e.g. [`Holder`]); it is checked once the form has been read.
async fn handle<W, T, F, Fut>(
    state: ServerState,
    request: Request<Body>,
    form_name: &'static str,
    action: F,
) -> Response
where
    W: FromRequestParts<ServerState, Rejection = SignInFirst>,
    T: DeserializeOwned + EchoValues,
    F: FnOnce(AppState, RequestMeta, W, T) -> Fut,
    Fut: Future<Output = Result<Outcome, AppError>>,
{
    let (mut parts, body) = request.into_parts();
    let echo = |values, error: Option<AppError>, message| FormEcho {
        form: form_name.to_string(),
        values,
        error,
        message,
    };
    let form: T = match axum::body::to_bytes(body, FORM_BODY_LIMIT)
        .await
        .ok()
        .and_then(|bytes| serde_urlencoded::from_bytes(&bytes).ok())
    {
        Some(form) => form,
        None => {
            let page = echo(Vec::new(), Some(AppError::BadRequest), None);
            return render(&state, parts, page, StatusCode::BAD_REQUEST).await;
        }
    };
    let who = match W::from_request_parts(&mut parts, &state).await {
        Ok(who) => who,
        Err(first) => return first.into_response(),
    };
    let values = form.echo_values();
    let meta = RequestMeta::from_parts(&parts, &state.app.settings);
    match action(state.app.clone(), meta, who, form).await {
        Ok(outcome) => {
            let mut response = match outcome.done.redirect {
                Some(to) => Redirect::to(&to).into_response(),
                None => {
                    let page = echo(Vec::new(), None, outcome.done.message);
                    render(&state, parts, page, StatusCode::OK).await
                }
            };
            for cookie in outcome.cookies {
                if let Ok(value) = HeaderValue::from_str(&cookie) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            response
        }
        Err(error) => match SignInFirst::redirect(&error, parts.uri.path()) {
            Some(redirect) => redirect,
            None => {
                let status = error.status();
                render(&state, parts, echo(values, Some(error), None), status).await
            }
        },
    }
}

/// Anyone may post the form (register, log in, log out).
pub struct Anyone;

impl FromRequestParts<ServerState> for Anyone {
    type Rejection = SignInFirst;

    async fn from_request_parts(_: &mut Parts, _: &ServerState) -> Result<Self, SignInFirst> {
        Ok(Anyone)
    }
}

/// Renders the page at the request's path with `echo` in its context.
async fn render(
    state: &ServerState,
    parts: axum::http::request::Parts,
    echo: FormEcho,
    status: StatusCode,
) -> Response {
    render_with(state, parts, echo, status, || {}).await
}

/// Like [`render`], providing more context to the page (e.g. a verification verdict).
pub(crate) async fn render_with(
    state: &ServerState,
    mut parts: axum::http::request::Parts,
    echo: FormEcho,
    status: StatusCode,
    extra: impl Fn() + Clone + Send + Sync + 'static,
) -> Response {
    parts.method = Method::GET;
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    let app_state = state.app.clone();
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            super::provide_page_context(&app_state);
            provide_context(echo.clone());
            extra();
        },
        move || app::shell(options.clone()),
    );
    let mut response = handler(Request::from_parts(parts, Body::empty())).await;
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

#[tracing::instrument(skip_all)]
pub async fn register(State(state): State<ServerState>, request: Request<Body>) -> Response {
    handle(
        state,
        request,
        "register",
        |app, meta, Anyone, form: RegisterForm| async move {
            service::register(&app, &meta, form).await
        },
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn confirm_registration(
    State(state): State<ServerState>,
    request: Request<Body>,
) -> Response {
    let action = |app, meta, Anyone, form: ConfirmRegistrationForm| async move {
        service::confirm_registration(&app, &meta, form).await
    };
    handle(state, request, "register_confirm", action).await
}

#[tracing::instrument(skip_all)]
pub async fn forgot_password(State(state): State<ServerState>, request: Request<Body>) -> Response {
    let action = |app, _, Anyone, form: ForgotPasswordForm| async move {
        service::forgot_password(&app, form).await
    };
    handle(state, request, "forgot_password", action).await
}

#[tracing::instrument(skip_all)]
pub async fn reset_password(State(state): State<ServerState>, request: Request<Body>) -> Response {
    let action = |app, _, Anyone, form: ResetPasswordForm| async move {
        service::reset_password(&app, form).await
    };
    handle(state, request, "reset_password", action).await
}

#[tracing::instrument(skip_all)]
pub async fn login(State(state): State<ServerState>, request: Request<Body>) -> Response {
    let action =
        |app, meta, Anyone, form: LoginForm| async move { service::login(&app, &meta, form).await };
    handle(state, request, "login", action).await
}

#[tracing::instrument(skip_all)]
pub async fn logout(State(state): State<ServerState>, request: Request<Body>) -> Response {
    let action =
        |app, meta, Anyone, _: LogoutForm| async move { service::logout(&app, &meta).await };
    handle(state, request, "logout", action).await
}

#[tracing::instrument(skip_all)]
pub async fn accept_terms(State(state): State<ServerState>, request: Request<Body>) -> Response {
    let action = |app, _, SignedIn(session), form: TermsForm| async move {
        service::accept_terms(&app, &session, form).await
    };
    handle(state, request, "terms", action).await
}

#[tracing::instrument(skip_all)]
pub async fn change_password(State(state): State<ServerState>, request: Request<Body>) -> Response {
    let action = |app, _, Holder(session), form: ChangePasswordForm| async move {
        service::change_password(&app, &session, form).await
    };
    handle(state, request, "password", action).await
}

#[tracing::instrument(skip_all)]
pub async fn change_mobile(State(state): State<ServerState>, request: Request<Body>) -> Response {
    let action = |app, _, Holder(session), form: ChangeMobileForm| async move {
        service::request_mobile_change(&app, &session, form).await
    };
    handle(state, request, "change_mobile", action).await
}

#[tracing::instrument(skip_all)]
pub async fn correct_name(State(state): State<ServerState>, request: Request<Body>) -> Response {
    let action = |app, _, Holder(session), form: CorrectNameForm| async move {
        service::request_name_correction(&app, &session, form).await
    };
    handle(state, request, "correct_name", action).await
}

#[tracing::instrument(skip_all)]
pub async fn confirm_account_change(
    State(state): State<ServerState>,
    request: Request<Body>,
) -> Response {
    let action = |app, _, Holder(session), form: ConfirmAccountChangeForm| async move {
        service::confirm_account_change(&app, &session, form).await
    };
    handle(state, request, "account_confirm", action).await
}

#[tracing::instrument(skip_all)]
pub async fn delete_account(State(state): State<ServerState>, request: Request<Body>) -> Response {
    let action = |app, _, Holder(session), form: DeleteAccountForm| async move {
        app::accounts::personal_data::request_deletion(&app, &session, form).await
    };
    handle(state, request, "delete_account", action).await
}

#[tracing::instrument(skip_all)]
pub async fn cancel_annotation(
    State(state): State<ServerState>,
    request: Request<Body>,
) -> Response {
    handle(
        state,
        request,
        "cancel",
        |app, _, Holder(session), form: CancelForm| async move {
            app::annotations::service::cancel(&app, &session, form).await
        },
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn apply_annotation(
    State(state): State<ServerState>,
    request: Request<Body>,
) -> Response {
    handle(
        state,
        request,
        "annotate",
        |app, _, Holder(session), form: ApplyForm| async move {
            app::annotations::service::apply(&app, &session, form).await
        },
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn confirm_appeal(State(state): State<ServerState>, request: Request<Body>) -> Response {
    let action = |app, _, Anyone, form: app::appeals::forms::ConfirmAppealForm| async move {
        app::appeals::service::confirm(&app, form).await
    };
    handle(state, request, "appeal_confirm", action).await
}
