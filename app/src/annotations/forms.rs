use crate::forms::EchoValues;
use serde::{Deserialize, Serialize};

/// [提交加注申请], exactly as posted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplyForm {
    /// The certificate's public id.
    pub certificate: String,
    pub scenario: String,
    /// One of the common choices (`90`, `60`, `30`, `7`), or [`VALIDITY_OTHER`] for the number in
    /// `validity_other`. A plain number of days is taken as it is (API callers, old forms).
    pub validity_days: String,
    #[serde(default)]
    pub validity_other: String,
}

/// The choice that means "the number of days I typed".
pub const VALIDITY_OTHER: &str = "other";

/// The common validities offered as choices, the advised maximum first.
pub const VALIDITY_CHOICES: [u8; 4] = [90, 60, 30, 7];

impl ApplyForm {
    /// The validity the holder chose, still to be parsed.
    pub fn chosen_validity(&self) -> &str {
        if self.validity_days == VALIDITY_OTHER {
            &self.validity_other
        } else {
            &self.validity_days
        }
    }
}

impl EchoValues for ApplyForm {
    fn echo_values(&self) -> Vec<(String, String)> {
        vec![
            ("scenario".into(), self.scenario.clone()),
            ("validity_days".into(), self.validity_days.clone()),
            ("validity_other".into(), self.validity_other.clone()),
        ]
    }
}
