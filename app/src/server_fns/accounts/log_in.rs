use crate::accounts::forms::LoginForm;
use crate::error::AppError;
use crate::forms::FormDone;
use leptos::prelude::*;

/// 登录.
#[server(endpoint = "accounts/login")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "log_in", skip_all, fields(id_type = %form.id_type)))]
pub async fn log_in(form: LoginForm) -> Result<FormDone, AppError> {
    use crate::server_fns::ssr::{finish, request_meta};
    let state = crate::state::use_app_state()?;
    finish(crate::accounts::service::login(&state, &request_meta()?, form).await)
}
