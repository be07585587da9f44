use crate::appeals::forms::AppealStatusForm;
use crate::appeals::views::AppealStatusView;
use crate::error::AppError;
use leptos::prelude::*;

/// 申诉进度查询: the state of the appeal with this number and ID number.
#[server(endpoint = "appeals/status")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "appeal_status", skip_all))]
pub async fn appeal_status(form: AppealStatusForm) -> Result<AppealStatusView, AppError> {
    use crate::server_fns::ssr::{failed, request_meta};
    let state = crate::state::use_app_state()?;
    let meta = request_meta()?;
    crate::appeals::service::status(&state, meta.client, form)
        .await
        .map_err(failed)
}
