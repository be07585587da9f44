//! What the plain routes take from a request before they run: the signed-in holder (the rule
//! itself is `app::session::holder_from`, the one server functions apply too) and the reader's
//! language.

use super::ServerState;
use app::error::AppError;
use app::i18n::Lang;
use app::session::{holder_from, session_of, signed_in_from, ActiveSession};
use app::urls;
use axum::extract::{FromRequestParts, Path};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use std::convert::Infallible;

/// The signed-in holder who has accepted the terms. Without one, the request is answered as a
/// page would be: go and log in (and come back here), or accept the terms first.
pub struct Holder(pub ActiveSession);

/// Any signed-in holder, whether or not they have accepted the terms yet (the terms form).
pub struct SignedIn(pub ActiveSession);

/// The signed-in holder who has accepted the terms, for a route whose answer must not tell a
/// visitor anything: without one, the request gets the app's not-found page, exactly the answer
/// for something that does not exist.
pub struct HolderOrNotFound(pub ActiveSession);

/// Why the request has no holder, and the page it came from.
pub struct SignInFirst {
    error: AppError,
    here: String,
}

impl SignInFirst {
    pub fn new(error: AppError, parts: &Parts) -> SignInFirst {
        SignInFirst {
            error,
            here: parts.uri.path().to_string(),
        }
    }

    /// The answer for `error` if it sends the reader to log in or to the terms.
    pub fn redirect(error: &AppError, here: &str) -> Option<Response> {
        match error {
            AppError::Unauthenticated => {
                Some(Redirect::to(&urls::login_then(here)).into_response())
            }
            AppError::TermsRequired => Some(Redirect::to(urls::route::TERMS).into_response()),
            _ => None,
        }
    }
}

impl IntoResponse for SignInFirst {
    fn into_response(self) -> Response {
        Self::redirect(&self.error, &self.here)
            .unwrap_or_else(|| self.error.status().into_response())
    }
}

/// Declares an extractor for the session that passes `rule`.
macro_rules! session_extractor {
    ($name:ident, $rule:path) => {
        impl FromRequestParts<ServerState> for $name {
            type Rejection = SignInFirst;

            async fn from_request_parts(
                parts: &mut Parts,
                _: &ServerState,
            ) -> Result<Self, SignInFirst> {
                $rule(session_of(parts))
                    .map($name)
                    .map_err(|error| SignInFirst::new(error, parts))
            }
        }
    };
}

session_extractor!(Holder, holder_from);
session_extractor!(SignedIn, signed_in_from);

impl FromRequestParts<ServerState> for HolderOrNotFound {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &ServerState) -> Result<Self, Response> {
        match holder_from(session_of(parts)) {
            Ok(session) => Ok(HolderOrNotFound(session)),
            Err(_) => Err(super::not_found(state, parts.clone()).await),
        }
    }
}

/// The reader's language: the `lang` cookie, else zh-CN (as the pages decide it).
#[derive(Clone, Copy, Debug, Default)]
pub struct ReaderLang(pub Lang);

impl ReaderLang {
    pub fn of(headers: &axum::http::HeaderMap) -> ReaderLang {
        ReaderLang(
            headers
                .get(header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_cookie_header)
                .unwrap_or_default(),
        )
    }

    /// `error` answered in this language.
    pub fn error(self, error: AppError) -> ErrorResponse {
        ErrorResponse {
            error,
            lang: self.0,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ReaderLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(ReaderLang::of(&parts.headers))
    }
}

/// An [`AppError`] as a plain-text answer in the reader's language: the error's status
/// (client mistakes are 4xx; only a fault of ours is 5xx) and its one-line explanation.
pub struct ErrorResponse {
    pub error: AppError,
    pub lang: Lang,
}

impl IntoResponse for ErrorResponse {
    fn into_response(self) -> Response {
        (
            self.error.status(),
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            self.error.user_message(self.lang),
        )
            .into_response()
    }
}

/// A request for something of the signed-in holder's, named by the one parameter of its path
/// (`/files/{id}`, `/annotations/{code}/pdf`…). Anyone but a holder past the terms gets the
/// not-found page, exactly the answer for something that does not exist.
pub struct Owned {
    pub state: ServerState,
    /// The path parameter.
    pub key: String,
    pub holder: ActiveSession,
    pub lang: ReaderLang,
    pub parts: Parts,
}

impl Owned {
    /// The app's not-found page for this request.
    pub async fn not_found(self) -> Response {
        super::not_found(&self.state, self.parts).await
    }

    /// `error` in the reader's language; "not found" is the not-found page.
    pub async fn fail(self, error: AppError) -> Response {
        match error {
            AppError::NotFound => self.not_found().await,
            other => self.lang.error(other).into_response(),
        }
    }
}

impl FromRequestParts<ServerState> for Owned {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &ServerState) -> Result<Self, Response> {
        let Path(key) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let HolderOrNotFound(holder) = HolderOrNotFound::from_request_parts(parts, state).await?;
        Ok(Owned {
            state: state.clone(),
            key,
            holder,
            lang: ReaderLang::of(&parts.headers),
            parts: parts.clone(),
        })
    }
}
