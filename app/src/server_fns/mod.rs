//! Server functions: one per file, grouped by area. Each is thin: it reads the request
//! context, calls the action (which parses, checks ownership and talks to storage) and maps the
//! result. Without JavaScript the same actions are reached through plain form posts.
//!
//! Each runs in a `tracing` span with only cheap, non-secret fields. The span is named
//! explicitly: a request runs the macro's inner `__server_<name>` function, which carries the
//! same attributes.

pub mod accounts;
pub mod annotations;
pub mod appeals;
pub mod certificates;
pub mod rare_chars;
pub mod verification;

#[cfg(feature = "ssr")]
pub mod ssr {
    use crate::accounts::service::Outcome;
    use crate::error::AppError;
    use crate::forms::FormDone;
    use crate::session::RequestMeta;
    use leptos::prelude::*;

    /// The request facts for the action, from the server function's request.
    pub fn request_meta() -> Result<RequestMeta, AppError> {
        let state = crate::state::use_app_state()?;
        use_context::<http::request::Parts>()
            .map(|parts| RequestMeta::from_parts(&parts, &state.settings))
            .ok_or(AppError::BadRequest)
    }

    /// Sends the action's cookies with the server function's response and returns what the
    /// page needs; an error also sets the matching HTTP status.
    pub fn finish(result: Result<Outcome, AppError>) -> Result<FormDone, AppError> {
        let response = use_context::<leptos_axum::ResponseOptions>();
        match result {
            Ok(outcome) => {
                if let Some(response) = response {
                    for cookie in outcome.cookies {
                        if let Ok(value) = http::HeaderValue::from_str(&cookie) {
                            response.append_header(http::header::SET_COOKIE, value);
                        }
                    }
                }
                Ok(outcome.done)
            }
            Err(error) => Err(failed(error)),
        }
    }

    /// Sets the HTTP status that goes with `error` and passes it on.
    pub fn failed(error: AppError) -> AppError {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(error.status());
        }
        error
    }
}
