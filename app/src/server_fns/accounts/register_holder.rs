use crate::accounts::forms::RegisterForm;
use crate::error::AppError;
use crate::forms::FormDone;
use leptos::prelude::*;

/// 用户注册: creates the account and signs the holder in.
#[server(endpoint = "accounts/register")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "register_holder", skip_all, fields(id_type = %form.id_type)))]
pub async fn register_holder(form: RegisterForm) -> Result<FormDone, AppError> {
    use crate::server_fns::ssr::{finish, request_meta};
    let state = crate::state::use_app_state()?;
    finish(crate::accounts::service::register(&state, &request_meta()?, form).await)
}
