use crate::components::error_view::ErrorPage;
use crate::error::AppError;
use leptos::prelude::*;

/// The 404 page, in the shell and in the reader's language.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <ErrorPage error=AppError::NotFound/> }
}
