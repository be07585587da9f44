use leptos::prelude::*;

/// Whether a copy of one of the holder's certificates is still being produced: what a page
/// showing [证书生成中…] asks, in the browser, before it reloads itself to show the copy.
/// Anything the reload would explain (signed out, not the holder's) answers "no"; only what
/// may pass (the database busy, the server restarting) is an error, to ask again later.
#[server(endpoint = "annotations/generating")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "copies_generating", skip_all)
)]
pub async fn copies_generating(certificate: String) -> Result<bool, ServerFnError> {
    use crate::error::AppError;
    use crate::server_fns::ssr::failed;
    let overview = async {
        let state = crate::state::use_app_state()?;
        let session = crate::session::require_holder()?;
        crate::annotations::service::overview(&state, &session, &certificate).await
    }
    .await;
    match overview {
        Ok(overview) => Ok(overview.generating()),
        Err(
            error @ (AppError::Unavailable | AppError::Internal { .. } | AppError::RateLimited(_)),
        ) => {
            let status = failed(error).status();
            Err(ServerFnError::ServerError(status.to_string()))
        }
        Err(_) => Ok(false),
    }
}
