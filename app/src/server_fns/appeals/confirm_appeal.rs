use crate::appeals::forms::ConfirmAppealForm;
use crate::error::AppError;
use crate::forms::FormDone;
use leptos::prelude::*;

/// The code that files an appeal (or a request for a new one).
#[server(endpoint = "appeals/confirm")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "confirm_appeal", skip_all)
)]
pub async fn confirm_appeal(form: ConfirmAppealForm) -> Result<FormDone, AppError> {
    use crate::server_fns::ssr::finish;
    let state = crate::state::use_app_state()?;
    finish(crate::appeals::service::confirm(&state, form).await)
}
