//! The audit log: who changed what, kept for operators.

use super::time::Millis;

/// One line of the audit log: who did what to which thing, and the details.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: Millis,
    /// `holder:<id>`, `operator:<name>`, `system`.
    pub actor: String,
    pub action: String,
    /// What was acted on, e.g. `certificate:<number>`.
    pub subject: String,
    /// JSON with the details (before/after for changes).
    pub detail: String,
}
