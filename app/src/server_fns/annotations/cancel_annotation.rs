use crate::annotations::forms::CancelForm;
use crate::error::AppError;
use crate::forms::FormDone;
use leptos::prelude::*;

/// [确认作废]: the holder cancels a ready copy early.
#[server(endpoint = "annotations/cancel")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "cancel_annotation", skip_all, fields(code = %form.code))
)]
pub async fn cancel_annotation(form: CancelForm) -> Result<FormDone, AppError> {
    use crate::server_fns::ssr::finish;
    let state = crate::state::use_app_state()?;
    finish(
        async {
            let session = crate::session::require_holder()?;
            crate::annotations::service::cancel(&state, &session, form).await
        }
        .await,
    )
}
