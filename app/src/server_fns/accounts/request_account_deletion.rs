use crate::accounts::forms::DeleteAccountForm;
use crate::error::AppError;
use crate::forms::FormDone;
use leptos::prelude::*;

/// 注销账号: checks the current password and sends a code to the registered number.
#[server(endpoint = "accounts/delete")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "request_account_deletion", skip_all)
)]
pub async fn request_account_deletion(form: DeleteAccountForm) -> Result<FormDone, AppError> {
    use crate::server_fns::ssr::finish;
    let state = crate::state::use_app_state()?;
    finish(
        async {
            let session = crate::session::require_holder()?;
            crate::accounts::personal_data::request_deletion(&state, &session, form).await
        }
        .await,
    )
}
