//! The account forms, exactly as posted. Every field is a raw string here; parsing into domain
//! types happens in the action, so that each field gets its own message.

use crate::forms::EchoValues;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterForm {
    pub id_type: String,
    pub id_number: String,
    pub name: String,
    pub mobile: String,
    pub password: String,
    pub password2: String,
}

impl EchoValues for RegisterForm {
    fn echo_values(&self) -> Vec<(String, String)> {
        vec![
            ("id_type".into(), self.id_type.clone()),
            ("id_number".into(), self.id_number.clone()),
            ("name".into(), self.name.clone()),
            ("mobile".into(), self.mobile.clone()),
        ]
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginForm {
    pub id_type: String,
    pub id_number: String,
    pub password: String,
    /// Where to go after logging in (a path on this site).
    #[serde(default)]
    pub next: String,
}

impl EchoValues for LoginForm {
    fn echo_values(&self) -> Vec<(String, String)> {
        vec![
            ("id_type".into(), self.id_type.clone()),
            ("id_number".into(), self.id_number.clone()),
        ]
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermsForm {
    #[serde(default)]
    pub next: String,
}

impl EchoValues for TermsForm {
    fn echo_values(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordForm {
    pub current: String,
    pub password: String,
    pub password2: String,
}

impl EchoValues for ChangePasswordForm {
    fn echo_values(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// The logout form has no fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogoutForm {}

impl EchoValues for LogoutForm {
    fn echo_values(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}
