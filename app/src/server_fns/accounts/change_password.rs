use crate::accounts::forms::ChangePasswordForm;
use crate::error::AppError;
use crate::forms::FormDone;
use leptos::prelude::*;

/// Changes the password and ends the holder's other sessions.
#[server(endpoint = "accounts/change-password")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "change_password", skip_all)
)]
pub async fn change_password(form: ChangePasswordForm) -> Result<FormDone, AppError> {
    use crate::server_fns::ssr::finish;
    let state = crate::state::use_app_state()?;
    finish(
        async {
            let session = crate::session::require_holder()?;
            crate::accounts::service::change_password(&state, &session, form).await
        }
        .await,
    )
}
