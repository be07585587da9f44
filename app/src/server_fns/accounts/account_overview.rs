use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the account page shows. The ID number and mobile are masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub name: String,
    pub id_type: crate::domain::IdType,
    pub masked_id_number: String,
    pub masked_mobile: String,
    /// `YYYY-MM-DD HH:MM`, China time.
    pub registered_at: String,
    pub terms_accepted_at: Option<String>,
}

#[server(endpoint = "accounts/overview")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "account_overview", skip_all)
)]
pub async fn account_overview() -> Result<AccountView, AppError> {
    use crate::server_fns::ssr::failed;
    let state = crate::state::use_app_state()?;
    let session = crate::session::require_holder().map_err(failed)?;
    let holder = state
        .storage
        .holder(session.holder)
        .await
        .map_err(|e| failed(e.into()))?;
    Ok(AccountView {
        name: holder.name.as_str().to_string(),
        id_type: holder.id_number.id_type(),
        masked_id_number: holder.id_number.masked(),
        masked_mobile: holder.mobile.masked(),
        registered_at: crate::domain::time::china_minute(holder.created_at),
        terms_accepted_at: holder
            .terms_accepted_at
            .map(crate::domain::time::china_minute),
    })
}
