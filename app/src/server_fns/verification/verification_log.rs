use crate::error::AppError;
use crate::verification::views::VerificationLogEntry;
use leptos::prelude::*;

/// Who checked one of the holder's certificates.
#[server(endpoint = "verify/log")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "verification_log", skip_all, fields(certificate = %certificate)))]
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
