//! The appeal forms, exactly as posted; parsing happens in the service.

use crate::forms::EchoValues;
use serde::{Deserialize, Serialize};

/// The appeal's fields besides the ID photo (which arrives as a file in the same
/// multipart post).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppealForm {
    pub id_type: String,
    pub id_number: String,
    pub name: String,
    pub mobile: String,
    pub statement: String,
}

impl EchoValues for AppealForm {
    fn echo_values(&self) -> Vec<(String, String)> {
        vec![
            ("id_type".into(), self.id_type.clone()),
            ("id_number".into(), self.id_number.clone()),
            ("name".into(), self.name.clone()),
            ("mobile".into(), self.mobile.clone()),
            ("statement".into(), self.statement.clone()),
        ]
    }
}

/// The code that files the appeal, or [重新获取验证码].
pub type ConfirmAppealForm = crate::accounts::forms::CodeStepForm;

/// 申诉进度查询: the appeal number and the ID document it was filed for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppealStatusForm {
    pub number: String,
    pub id_type: String,
    pub id_number: String,
}

impl EchoValues for AppealStatusForm {
    fn echo_values(&self) -> Vec<(String, String)> {
        vec![
            ("number".into(), self.number.clone()),
            ("id_type".into(), self.id_type.clone()),
            ("id_number".into(), self.id_number.clone()),
        ]
    }
}
