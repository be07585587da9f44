use crate::certificates::views::CertificateList;
use crate::error::AppError;
use leptos::prelude::*;

/// 持证人查询下载: the signed-in holder's certificates.
#[server(endpoint = "certificates/mine")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "my_certificates", skip_all)
)]
pub async fn my_certificates() -> Result<CertificateList, AppError> {
    use crate::server_fns::ssr::failed;
    async {
        let state = crate::state::use_app_state()?;
        let session = crate::session::require_holder()?;
        crate::certificates::service::list(&state, &session).await
    }
    .await
    .map_err(failed)
}
