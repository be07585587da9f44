use crate::accounts::forms::LogoutForm;
use crate::error::AppError;
use crate::forms::FormDone;
use leptos::prelude::*;

/// 退出登录: ends the session on the server.
#[server(endpoint = "accounts/logout")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "log_out", skip_all))]
pub async fn log_out(form: LogoutForm) -> Result<FormDone, AppError> {
    use crate::server_fns::ssr::{finish, request_meta};
    let _ = form;
    let state = crate::state::use_app_state()?;
    finish(crate::accounts::service::logout(&state, &request_meta()?).await)
}
