use crate::error::AppError;
use crate::verification::views::VerificationResult;
use leptos::prelude::*;

/// The verdict for the code of a QR link (`/verify/<code>`), logged as a check by code. Neither
/// the code nor the stated purpose is recorded in the span.
#[server(endpoint = "verify/code")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "check_code", skip_all))]
pub async fn check_code(code: String, purpose: String) -> Result<VerificationResult, AppError> {
    use crate::server_fns::ssr::failed;
    use crate::verification::views::Method;
    async {
        let state = crate::state::use_app_state()?;
        crate::verification::service::by_code(&state, &code, &purpose, Method::Code).await
    }
    .await
    .map_err(failed)
}
