use crate::error::AppError;
use crate::verification::views::VerificationResult;
use leptos::prelude::*;

/// The verdict for the code of a QR link (`/verify/<code>`), logged as a check by code. Neither
/// the code nor the stated purpose is recorded in the span.
#[server(endpoint = "verify/code")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "check_code", skip_all))]
pub async fn check_code(code: String, purpose: String) -> Result<VerificationResult, AppError> {
    use crate::server_fns::ssr::failed;
    use crate::verification::checker::Checker;
    use crate::verification::views::Method;
    async {
        let state = crate::state::use_app_state()?;
        // The page's own request while it renders (a HEAD request or a link preview is
        // answered but not logged), or the server function's request from the browser.
        let checker = use_context::<http::request::Parts>()
            .map(|parts| Checker::from_parts(&parts))
            .ok_or(AppError::BadRequest)?;
        crate::verification::service::by_code(&state, &code, &purpose, &checker, Method::Code).await
    }
    .await
    .map_err(failed)
}
