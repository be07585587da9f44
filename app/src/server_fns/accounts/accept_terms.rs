use crate::accounts::forms::TermsForm;
use crate::error::AppError;
use crate::forms::FormDone;
use leptos::prelude::*;

/// [同意] on the service terms.
#[server(endpoint = "accounts/accept-terms")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "accept_terms", skip_all))]
pub async fn accept_terms(form: TermsForm) -> Result<FormDone, AppError> {
    use crate::server_fns::ssr::finish;
    let state = crate::state::use_app_state()?;
    finish(
        async {
            let session = crate::session::require_signed_in()?;
            crate::accounts::service::accept_terms(&state, &session, form).await
        }
        .await,
    )
}
