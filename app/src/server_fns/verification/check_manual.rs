use crate::error::AppError;
use crate::verification::forms::ManualCheckForm;
use crate::verification::views::VerificationResult;
use leptos::prelude::*;

/// The manual check (certificate number and name). The form holds personal data: the span
/// records none of it.
#[server(endpoint = "verify/manual")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "check_manual", skip_all))]
pub async fn check_manual(form: ManualCheckForm) -> Result<VerificationResult, AppError> {
    use crate::server_fns::ssr::failed;
    use crate::verification::checker::Checker;
    use crate::verification::views::Method;
    async {
        let state = crate::state::use_app_state()?;
        let checker = use_context::<http::request::Parts>()
            .map(|parts| Checker::from_parts(&parts))
            .ok_or(AppError::BadRequest)?;
        crate::verification::service::manual(&state, form, &checker, Method::Manual).await
    }
    .await
    .map_err(failed)
}
