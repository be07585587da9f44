use crate::annotations::forms::ApplyForm;
use crate::error::AppError;
use crate::forms::FormDone;
use leptos::prelude::*;

/// [提交加注申请].
#[server(endpoint = "annotations/apply")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "apply_annotation", skip_all, fields(certificate = %form.certificate, scenario = %form.scenario))
)]
pub async fn apply_annotation(form: ApplyForm) -> Result<FormDone, AppError> {
    use crate::server_fns::ssr::finish;
    let state = crate::state::use_app_state()?;
    finish(
        async {
            let session = crate::session::require_holder()?;
            crate::annotations::service::apply(&state, &session, form).await
        }
        .await,
    )
}
