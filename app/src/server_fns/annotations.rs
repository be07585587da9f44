//! Server functions for annotations.

use crate::annotations::forms::ApplyForm;
use crate::annotations::views::{AnnotationDetails, AnnotationOverview};
use crate::error::AppError;
use crate::forms::FormDone;
use leptos::prelude::*;

/// [提交加注申请].
#[server(endpoint = "annotations/apply")]
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

/// The annotations of one of the holder's certificates, and how many more it may have.
#[server(endpoint = "annotations/overview")]
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

/// One annotation of the holder's, for the annotated-copy page.
#[server(endpoint = "annotations/details")]
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
