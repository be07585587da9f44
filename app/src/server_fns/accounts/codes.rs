use crate::accounts::forms::{
    ChangeMobileForm, ConfirmAccountChangeForm, ConfirmRegistrationForm, CorrectNameForm,
    ForgotPasswordForm, ResetPasswordForm,
};
use crate::error::AppError;
use crate::forms::FormDone;
use leptos::prelude::*;

/// Registration's second step: the code (or a request for a new one).
#[server(endpoint = "accounts/register/confirm")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "confirm_registration", skip_all)
)]
pub async fn confirm_registration(form: ConfirmRegistrationForm) -> Result<FormDone, AppError> {
    use crate::server_fns::ssr::{finish, request_meta};
    let state = crate::state::use_app_state()?;
    finish(crate::accounts::service::confirm_registration(&state, &request_meta()?, form).await)
}

/// 忘记密码: sends a code when the ID number and mobile number belong to one account.
#[server(endpoint = "accounts/password/forgot")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "request_password_reset", skip_all)
)]
pub async fn request_password_reset(form: ForgotPasswordForm) -> Result<FormDone, AppError> {
    use crate::server_fns::ssr::finish;
    let state = crate::state::use_app_state()?;
    finish(crate::accounts::service::forgot_password(&state, form).await)
}

/// The code and a new password.
#[server(endpoint = "accounts/password/reset")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "reset_password", skip_all)
)]
pub async fn reset_password(form: ResetPasswordForm) -> Result<FormDone, AppError> {
    use crate::server_fns::ssr::finish;
    let state = crate::state::use_app_state()?;
    finish(crate::accounts::service::reset_password(&state, form).await)
}

/// 更换手机号: sends a code to the new number.
#[server(endpoint = "accounts/mobile")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "request_mobile_change", skip_all)
)]
pub async fn request_mobile_change(form: ChangeMobileForm) -> Result<FormDone, AppError> {
    use crate::server_fns::ssr::finish;
    let state = crate::state::use_app_state()?;
    finish(
        async {
            let session = crate::session::require_holder()?;
            crate::accounts::service::request_mobile_change(&state, &session, form).await
        }
        .await,
    )
}

/// 更正姓名: sends a code to the registered number.
#[server(endpoint = "accounts/name")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "request_name_correction", skip_all)
)]
pub async fn request_name_correction(form: CorrectNameForm) -> Result<FormDone, AppError> {
    use crate::server_fns::ssr::finish;
    let state = crate::state::use_app_state()?;
    finish(
        async {
            let session = crate::session::require_holder()?;
            crate::accounts::service::request_name_correction(&state, &session, form).await
        }
        .await,
    )
}

/// The code that confirms a change of the account.
#[server(endpoint = "accounts/confirm")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "confirm_account_change", skip_all)
)]
pub async fn confirm_account_change(form: ConfirmAccountChangeForm) -> Result<FormDone, AppError> {
    use crate::server_fns::ssr::finish;
    let state = crate::state::use_app_state()?;
    finish(
        async {
            let session = crate::session::require_holder()?;
            crate::accounts::service::confirm_account_change(&state, &session, form).await
        }
        .await,
    )
}
