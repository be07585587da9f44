//! The account forms, exactly as posted. Every field is a raw string here; parsing into domain
//! types happens in the action, so that each field gets its own message.

use crate::forms::EchoValues;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What `Debug` prints in place of a password, so that a form logged by accident (a
/// `tracing` field, a panic message) never carries one.
const REDACTED: &str = "<redacted>";

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterForm {
    pub id_type: String,
    pub id_number: String,
    pub name: String,
    pub mobile: String,
    pub password: String,
    pub password2: String,
}

impl fmt::Debug for RegisterForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegisterForm")
            .field("id_type", &self.id_type)
            .field("id_number", &self.id_number)
            .field("name", &self.name)
            .field("mobile", &self.mobile)
            .field("password", &REDACTED)
            .field("password2", &REDACTED)
            .finish()
    }
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

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginForm {
    pub id_type: String,
    pub id_number: String,
    pub password: String,
    /// Where to go after logging in (a path on this site).
    #[serde(default)]
    pub next: String,
}

impl fmt::Debug for LoginForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginForm")
            .field("id_type", &self.id_type)
            .field("id_number", &self.id_number)
            .field("password", &REDACTED)
            .field("next", &self.next)
            .finish()
    }
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

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordForm {
    pub current: String,
    pub password: String,
    pub password2: String,
}

impl fmt::Debug for ChangePasswordForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChangePasswordForm")
            .field("current", &REDACTED)
            .field("password", &REDACTED)
            .field("password2", &REDACTED)
            .finish()
    }
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

/// What a form with a one-time code asks for: check the code, or send another one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeIntent {
    #[default]
    Confirm,
    Resend,
}

/// A code step, whatever the code unlocks: the ticket of the pending action, the code typed,
/// and whether it is entered or a new one is asked for ([重新获取验证码]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeStepForm {
    pub ticket: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub intent: CodeIntent,
}

impl EchoValues for CodeStepForm {
    fn echo_values(&self) -> Vec<(String, String)> {
        vec![("code".into(), self.code.clone())]
    }
}

/// The second step of registration: the code sent to the mobile number.
pub type ConfirmRegistrationForm = CodeStepForm;

/// 忘记密码, first step: the account and its registered mobile number.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForgotPasswordForm {
    pub id_type: String,
    pub id_number: String,
    pub mobile: String,
}

impl EchoValues for ForgotPasswordForm {
    fn echo_values(&self) -> Vec<(String, String)> {
        vec![
            ("id_type".into(), self.id_type.clone()),
            ("id_number".into(), self.id_number.clone()),
            ("mobile".into(), self.mobile.clone()),
        ]
    }
}

/// 忘记密码, second step: the code and the new password.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordForm {
    pub ticket: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password2: String,
    #[serde(default)]
    pub intent: CodeIntent,
}

impl fmt::Debug for ResetPasswordForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResetPasswordForm")
            .field("ticket", &self.ticket)
            .field("code", &REDACTED)
            .field("password", &REDACTED)
            .field("password2", &REDACTED)
            .field("intent", &self.intent)
            .finish()
    }
}

impl EchoValues for ResetPasswordForm {
    fn echo_values(&self) -> Vec<(String, String)> {
        vec![("code".into(), self.code.clone())]
    }
}

/// 更换手机号: the current password and the new number (a code goes to the new number).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeMobileForm {
    pub current: String,
    pub mobile: String,
}

impl fmt::Debug for ChangeMobileForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChangeMobileForm")
            .field("current", &REDACTED)
            .field("mobile", &self.mobile)
            .finish()
    }
}

impl EchoValues for ChangeMobileForm {
    fn echo_values(&self) -> Vec<(String, String)> {
        vec![("mobile".into(), self.mobile.clone())]
    }
}

/// 更正姓名: the current password and the name as the issuer now records it (a code goes to
/// the registered number).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectNameForm {
    pub current: String,
    pub name: String,
}

impl fmt::Debug for CorrectNameForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorrectNameForm")
            .field("current", &REDACTED)
            .field("name", &self.name)
            .finish()
    }
}

impl EchoValues for CorrectNameForm {
    fn echo_values(&self) -> Vec<(String, String)> {
        vec![("name".into(), self.name.clone())]
    }
}

/// The code that confirms a change of the account (mobile number, name, deletion).
pub type ConfirmAccountChangeForm = CodeStepForm;

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cret-Passw0rd";

    #[test]
    fn debug_never_prints_a_password() {
        let register = RegisterForm {
            id_type: "resident".into(),
            id_number: "11010519491231002X".into(),
            name: "张三".into(),
            mobile: "13800138000".into(),
            password: SECRET.into(),
            password2: SECRET.into(),
        };
        let login = LoginForm {
            id_type: "resident".into(),
            id_number: "11010519491231002X".into(),
            password: SECRET.into(),
            next: "/certificates".into(),
        };
        let change = ChangePasswordForm {
            current: SECRET.into(),
            password: SECRET.into(),
            password2: SECRET.into(),
        };
        for printed in [
            format!("{register:?}"),
            format!("{login:?}"),
            format!("{change:?}"),
            format!("{register:#?}"),
        ] {
            assert!(!printed.contains(SECRET), "{printed}");
            assert!(printed.contains(REDACTED), "{printed}");
        }
        let printed = format!("{login:?}");
        assert!(printed.contains("/certificates") && printed.contains("resident"));
    }
}

/// 注销账号: the current password (a code then goes to the registered number).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteAccountForm {
    pub current: String,
}

impl fmt::Debug for DeleteAccountForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeleteAccountForm")
            .field("current", &REDACTED)
            .finish()
    }
}

impl EchoValues for DeleteAccountForm {
    fn echo_values(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}
