use crate::annotations::views::AnnotationOverview;
use crate::error::AppError;
use leptos::prelude::*;

/// The annotations of one of the holder's certificates, and how many more it may have.
#[server(endpoint = "annotations/overview")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "load_annotations", skip_all, fields(certificate = %certificate)))]
pub async fn load_annotations(certificate: String) -> Result<AnnotationOverview, AppError> {
    use crate::server_fns::ssr::failed;
    async {
        let state = crate::state::use_app_state()?;
        let session = crate::session::require_holder()?;
        crate::annotations::service::overview(&state, &session, &certificate).await
    }
    .await
    .map_err(failed)
}
