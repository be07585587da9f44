//! The message gateway: how one-time codes reach a mobile number. One interface, chosen by
//! configuration: the development outbox here, or a real SMS provider's adapter (in the
//! server crate, which owns the HTTP client).

use crate::domain::Millis;
use crate::storage::DynStorage;
use async_trait::async_trait;

/// Why a code is sent; the provider's template and the outbox text depend on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodePurpose {
    Register,
    ResetPassword,
    /// Sent to the new number.
    ChangeMobile,
    /// Sent to the registered number.
    CorrectName,
    /// Sent to the number an appellant gives for an appeal (账号申诉).
    Appeal,
    /// Sent to the registered number before the account is deleted.
    DeleteAccount,
}

impl CodePurpose {
    /// As stored with the code.
    pub fn code(self) -> &'static str {
        match self {
            CodePurpose::Register => "register",
            CodePurpose::ResetPassword => "reset_password",
            CodePurpose::ChangeMobile => "change_mobile",
            CodePurpose::CorrectName => "correct_name",
            CodePurpose::Appeal => "appeal",
            CodePurpose::DeleteAccount => "delete_account",
        }
    }

    pub fn from_code(code: &str) -> Option<CodePurpose> {
        [
            CodePurpose::Register,
            CodePurpose::ResetPassword,
            CodePurpose::ChangeMobile,
            CodePurpose::CorrectName,
            CodePurpose::Appeal,
            CodePurpose::DeleteAccount,
        ]
        .into_iter()
        .find(|p| p.code() == code)
    }

    /// The text of the message (messages go out in Chinese, as the providers' templates do).
    pub fn message(self, code: &str) -> String {
        let what = match self {
            CodePurpose::Register => "注册账号",
            CodePurpose::ResetPassword => "重置密码",
            CodePurpose::ChangeMobile => "更换手机号",
            CodePurpose::CorrectName => "更正姓名",
            CodePurpose::Appeal => "提交账号申诉",
            CodePurpose::DeleteAccount => "注销账号",
        };
        format!("【电子证书服务】您正在{what}，验证码 {code}，5 分钟内有效。如非本人操作，请忽略本短信。")
    }
}

/// A message that could not be handed to the gateway. The text goes to the log, never to the
/// user.
#[derive(Debug, thiserror::Error)]
#[error("message gateway: {0}")]
pub struct GatewayError(pub String);

#[async_trait]
pub trait MessageGateway: Send + Sync {
    /// Sends `code` to `mobile` (11 digits, mainland China).
    async fn send_code(
        &self,
        mobile: &str,
        code: &str,
        purpose: CodePurpose,
    ) -> Result<(), GatewayError>;

    /// For the start-up log line.
    fn name(&self) -> &'static str;
}

/// The development gateway: every message goes to the log and to the `message_outbox` table,
/// which the operator reads with `server outbox`. Allowed only for demos and tests.
pub struct DevOutbox {
    storage: DynStorage,
    clock: std::sync::Arc<super::Clock>,
}

impl DevOutbox {
    pub fn new(storage: DynStorage, clock: std::sync::Arc<super::Clock>) -> DevOutbox {
        DevOutbox { storage, clock }
    }
}

#[async_trait]
impl MessageGateway for DevOutbox {
    async fn send_code(
        &self,
        mobile: &str,
        code: &str,
        purpose: CodePurpose,
    ) -> Result<(), GatewayError> {
        let body = purpose.message(code);
        let now: Millis = self.clock.now();
        self.storage
            .outbox_push(mobile, &body, now)
            .await
            .map_err(|e| GatewayError(e.to_string()))?;
        tracing::info!(to = mobile, body = %body, "outbox: message written (development gateway)");
        Ok(())
    }

    fn name(&self) -> &'static str {
        "outbox"
    }
}
