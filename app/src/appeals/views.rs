//! What the appellant sees of an appeal.

use crate::domain::appeal::AppealState;
use serde::{Deserialize, Serialize};

/// The state of a filed appeal, as the status page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealStatusView {
    pub number: String,
    pub state: AppealState,
    /// When it was filed (China time, `YYYY-MM-DD HH:MM`).
    pub filed_at: String,
    pub decided_at: Option<String>,
    /// The operator's reason, when the appeal was not approved.
    pub reason: Option<String>,
}

/// The answer a plain status lookup (no JavaScript) hands to the page it renders.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostedAppealStatus(pub Option<AppealStatusView>);
