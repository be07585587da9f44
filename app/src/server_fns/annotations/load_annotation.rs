use crate::annotations::views::AnnotationDetails;
use crate::error::AppError;
use leptos::prelude::*;

/// One annotation of the holder's, for the annotated-copy page. The code is not recorded: it
/// opens the copy's verification.
#[server(endpoint = "annotations/details")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "load_annotation", skip_all)
)]
pub async fn load_annotation(code: String) -> Result<AnnotationDetails, AppError> {
    use crate::server_fns::ssr::failed;
    async {
        let state = crate::state::use_app_state()?;
        let session = crate::session::require_holder()?;
        crate::annotations::service::details(&state, &session, &code).await
    }
    .await
    .map_err(failed)
}
