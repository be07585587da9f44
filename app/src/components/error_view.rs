//! Showing an [`AppError`] to the user, and setting the matching HTTP status when the page is
//! rendered on the server.

use crate::error::AppError;
use crate::i18n::{t, use_lang, Msg};
use leptos::prelude::*;

/// Sets the response status during server rendering (no-op in the browser).
pub fn set_status(status: http::StatusCode) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

/// A full-page explanation of an error, with its HTTP status.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    set_status(error.status());
    let lang = use_lang();
    let title = match &error {
        AppError::NotFound => Msg::NotFoundTitle,
        AppError::Unavailable => Msg::UnavailableTitle,
        AppError::Internal { .. } => Msg::ServerErrorTitle,
        _ => Msg::ServerErrorTitle,
    };
    view! {
        <leptos_meta::Title text=t(title)/>
        <section class="panel panel--error" role="alert">
            <h1>{t(title)}</h1>
            <p>{error.user_message(lang)}</p>
            <p><a href="/" class="button button--secondary">{t(Msg::BackHome)}</a></p>
        </section>
    }
}

/// An inline message for an error that concerns a whole form or section.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="notice notice--error" role="alert">
            <span class="notice__icon" aria-hidden="true">"!"</span>
            <span>{error.user_message(lang)}</span>
        </div>
    }
}
