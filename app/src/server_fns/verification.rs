//! Server functions for verification.

use crate::error::AppError;
use crate::verification::forms::ManualCheckForm;
use crate::verification::views::{VerificationLogEntry, VerificationResult};
use leptos::prelude::*;

/// The verdict for the code of a QR link (`/verify/<code>`), logged as a check by code.
#[server(endpoint = "verify/code")]
pub async fn check_code(code: String, purpose: String) -> Result<VerificationResult, AppError> {
    use crate::server_fns::ssr::failed;
    use crate::verification::views::Method;
    async {
        let state = crate::state::use_app_state()?;
        crate::verification::service::by_code(&state, &code, &purpose, Method::Code).await
    }
    .await
    .map_err(failed)
}

/// The manual check (certificate number and name).
#[server(endpoint = "verify/manual")]
pub async fn check_manual(form: ManualCheckForm) -> Result<VerificationResult, AppError> {
    use crate::server_fns::ssr::{failed, request_meta};
    use crate::verification::views::Method;
    async {
        let state = crate::state::use_app_state()?;
        let meta = request_meta()?;
        crate::verification::service::manual(&state, form, meta.client, Method::Manual).await
    }
    .await
    .map_err(failed)
}

/// Who checked one of the holder's certificates.
#[server(endpoint = "verify/log")]
pub async fn verification_log(certificate: String) -> Result<Vec<VerificationLogEntry>, AppError> {
    use crate::server_fns::ssr::failed;
    async {
        let state = crate::state::use_app_state()?;
        let session = crate::session::require_holder()?;
        crate::verification::service::log_of(&state, &session, &certificate).await
    }
    .await
    .map_err(failed)
}
