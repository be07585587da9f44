//! The one error type that crosses from the server to the page. It carries only what the user
//! should see (message keys, field names, a log reference); causes go to the server log.

use crate::i18n::{Lang, Msg, Text};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A problem with one form field, shown next to that field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub text: Text,
}

/// What went wrong, as far as the user needs to know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// One or more fields are invalid; nothing was changed.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// A refusal that is not about one field (e.g. a business rule), with its explanation.
    #[error("refused")]
    Refused(Text),
    /// The request needs a signed-in holder.
    #[error("not signed in")]
    Unauthenticated,
    /// The holder must accept the current service terms first.
    #[error("service terms not accepted")]
    TermsRequired,
    /// The thing does not exist, or is not the caller's: the two are deliberately the same.
    #[error("not found")]
    NotFound,
    /// Too many attempts; the text says when to try again.
    #[error("rate limited")]
    RateLimited(Text),
    /// The request came from another site.
    #[error("cross-site request refused")]
    CrossSite,
    /// The request itself was malformed (bad encoding, unknown fields…).
    #[error("bad request")]
    BadRequest,
    /// A dependency (the database) is down; retrying later may work.
    #[error("service unavailable")]
    Unavailable,
    /// A bug or unexpected failure; `reference` finds the cause in the server log.
    #[error("internal error (reference {reference})")]
    Internal { reference: String },
}

impl AppError {
    /// The HTTP status that goes with this error.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            AppError::Invalid(_) => S::UNPROCESSABLE_ENTITY,
            AppError::Refused(_) => S::CONFLICT,
            AppError::Unauthenticated => S::UNAUTHORIZED,
            AppError::TermsRequired => S::FORBIDDEN,
            AppError::NotFound => S::NOT_FOUND,
            AppError::RateLimited(_) => S::TOO_MANY_REQUESTS,
            AppError::CrossSite => S::FORBIDDEN,
            AppError::BadRequest => S::BAD_REQUEST,
            AppError::Unavailable => S::SERVICE_UNAVAILABLE,
            AppError::Internal { .. } => S::INTERNAL_SERVER_ERROR,
        }
    }

    /// A field error for a single field.
    pub fn field(field: &str, text: impl Into<Text>) -> AppError {
        AppError::Invalid(vec![FieldError {
            field: field.to_string(),
            text: text.into(),
        }])
    }

    /// The message for `field`, if this error has one.
    pub fn field_text(&self, field: &str) -> Option<&Text> {
        match self {
            AppError::Invalid(errors) => errors.iter().find(|e| e.field == field).map(|e| &e.text),
            _ => None,
        }
    }

    /// A one-line explanation for the user, in their language.
    pub fn user_message(&self, lang: Lang) -> String {
        match self {
            AppError::Invalid(errors) => errors
                .first()
                .map(|e| e.text.render(lang))
                .unwrap_or_else(|| Msg::BadRequestText.text(lang).to_string()),
            AppError::Refused(text) | AppError::RateLimited(text) => text.render(lang),
            AppError::Unauthenticated => Msg::LoginRequired.text(lang).to_string(),
            AppError::TermsRequired => Msg::TermsRequiredText.text(lang).to_string(),
            AppError::NotFound => Msg::NotFoundText.text(lang).to_string(),
            AppError::CrossSite => Msg::CrossSiteRefused.text(lang).to_string(),
            AppError::BadRequest => Msg::BadRequestText.text(lang).to_string(),
            AppError::Unavailable => Msg::UnavailableText.text(lang).to_string(),
            AppError::Internal { reference } => Msg::ServerErrorText.format(lang, &[reference]),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // Transport and (de)serialisation failures: the client sent something we cannot read,
        // or the network failed. Neither detail is for the user.
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => AppError::BadRequest,
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Unavailable,
            _ => AppError::Internal {
                reference: "client".to_string(),
            },
        }
    }
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::AppError;
    use crate::storage::StorageError;

    /// A short random reference that ties a user's error page to the log line with the cause.
    pub fn new_reference() -> String {
        use rand::Rng;
        const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut rng = rand::thread_rng();
        (0..8)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect()
    }

    /// Logs `cause` with a fresh reference and returns the opaque error for the client.
    pub fn internal(cause: &(dyn std::error::Error + 'static)) -> AppError {
        let reference = new_reference();
        tracing::error!(%reference, error = %ErrorChain(cause), "internal error");
        AppError::Internal { reference }
    }

    /// Displays an error with its whole `source()` chain, for the log.
    pub struct ErrorChain<'a>(pub &'a (dyn std::error::Error + 'static));

    impl std::fmt::Display for ErrorChain<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{}", self.0)?;
            let mut source = self.0.source();
            while let Some(cause) = source {
                write!(f, ": {cause}")?;
                source = cause.source();
            }
            Ok(())
        }
    }

    impl From<StorageError> for AppError {
        fn from(err: StorageError) -> Self {
            match err {
                StorageError::NotFound => AppError::NotFound,
                StorageError::Unavailable(ref source) => {
                    let reference = new_reference();
                    tracing::error!(%reference, error = %ErrorChain(source.as_ref()), "database unavailable");
                    AppError::Unavailable
                }
                other => internal(&other),
            }
        }
    }
}
