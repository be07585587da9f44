use crate::forms::EchoValues;
use serde::{Deserialize, Serialize};

/// The manual check: certificate number and holder name must both match.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManualCheckForm {
    pub certificate_number: String,
    pub holder_name: String,
    /// Optional: the annotation number printed on a copy.
    #[serde(default)]
    pub annotation_number: String,
    /// Optional: what the verifier checks it for (用途).
    #[serde(default)]
    pub purpose: String,
}

impl EchoValues for ManualCheckForm {
    fn echo_values(&self) -> Vec<(String, String)> {
        vec![
            ("certificate_number".into(), self.certificate_number.clone()),
            ("holder_name".into(), self.holder_name.clone()),
            ("annotation_number".into(), self.annotation_number.clone()),
            ("purpose".into(), self.purpose.clone()),
        ]
    }
}
