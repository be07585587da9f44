use crate::forms::EchoValues;
use serde::{Deserialize, Serialize};

/// [提交加注申请], exactly as posted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplyForm {
    /// The certificate's public id.
    pub certificate: String,
    pub scenario: String,
    pub validity_days: String,
}

impl EchoValues for ApplyForm {
    fn echo_values(&self) -> Vec<(String, String)> {
        vec![
            ("scenario".into(), self.scenario.clone()),
            ("validity_days".into(), self.validity_days.clone()),
        ]
    }
}
