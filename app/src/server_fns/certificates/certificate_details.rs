use crate::certificates::views::CertificateDetails;
use crate::error::AppError;
use leptos::prelude::*;

/// 证书信息: one of the holder's certificates with its files. Another holder's certificate, or
/// an id that does not exist, is the same `NotFound`.
#[server(endpoint = "certificates/details")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "load_certificate", skip_all, fields(certificate = %id)))]
pub async fn load_certificate(id: String) -> Result<CertificateDetails, AppError> {
    use crate::server_fns::ssr::failed;
    async {
        let state = crate::state::use_app_state()?;
        let session = crate::session::require_holder()?;
        crate::certificates::service::details(&state, &session, &id).await
    }
    .await
    .map_err(failed)
}
