//! Message gateways for one-time codes: the configuration, and the adapters for real SMS
//! providers. The development outbox lives in `app::infra` (it needs only storage).

pub mod aliyun;

use app::infra::MessageGateway;
use clap::{Args, ValueEnum};
use std::sync::Arc;

/// Which gateway sends one-time codes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum GatewayKind {
    /// The development outbox: nothing is sent; `server outbox` shows the messages. Only with
    /// --demo (or --demo-data).
    #[default]
    Outbox,
    /// Alibaba Cloud SMS (阿里云短信服务, SendSms).
    Aliyun,
}

/// The message gateway options of `serve`.
#[derive(Clone, Debug, Args)]
pub struct SmsArgs {
    /// Where one-time codes go.
    #[arg(long, env = "PORTAL_SMS_GATEWAY", value_enum, default_value_t = GatewayKind::Outbox)]
    pub sms_gateway: GatewayKind,

    /// Alibaba Cloud SMS: the API endpoint.
    #[arg(long, env = "PORTAL_ALIYUN_SMS_ENDPOINT", default_value = aliyun::ENDPOINT)]
    pub aliyun_sms_endpoint: String,

    /// Alibaba Cloud SMS: the AccessKey ID (a RAM user allowed only dysms:SendSms).
    #[arg(long, env = "ALIBABA_CLOUD_ACCESS_KEY_ID")]
    pub aliyun_access_key_id: Option<String>,

    /// Alibaba Cloud SMS: the AccessKey secret. Prefer the environment variable to the
    /// command line, where other users of the machine can read it.
    #[arg(long, env = "ALIBABA_CLOUD_ACCESS_KEY_SECRET", hide_env_values = true)]
    pub aliyun_access_key_secret: Option<String>,

    /// Alibaba Cloud SMS: the approved signature (签名名称), e.g. 电子证书服务.
    #[arg(long, env = "PORTAL_ALIYUN_SMS_SIGN_NAME")]
    pub aliyun_sms_sign_name: Option<String>,

    /// Alibaba Cloud SMS: the approved template for registration codes (a `${code}`
    /// parameter), e.g. SMS_123456789.
    #[arg(long, env = "PORTAL_ALIYUN_SMS_TEMPLATE_REGISTER")]
    pub aliyun_sms_template_register: Option<String>,

    /// Alibaba Cloud SMS: the approved template for password reset codes.
    #[arg(long, env = "PORTAL_ALIYUN_SMS_TEMPLATE_RESET")]
    pub aliyun_sms_template_reset: Option<String>,
}

impl SmsArgs {
    /// The configured gateway; `None` means the development outbox.
    pub fn gateway(&self) -> anyhow::Result<Option<Arc<dyn MessageGateway>>> {
        match self.sms_gateway {
            GatewayKind::Outbox => Ok(None),
            GatewayKind::Aliyun => {
                let need = |value: &Option<String>, flag: &str| {
                    value
                        .clone()
                        .filter(|v| !v.trim().is_empty())
                        .ok_or_else(|| anyhow::anyhow!("--sms-gateway aliyun needs {flag}"))
                };
                Ok(Some(Arc::new(aliyun::AliyunSms::new(
                    aliyun::AliyunConfig {
                        endpoint: self.aliyun_sms_endpoint.clone(),
                        access_key_id: need(&self.aliyun_access_key_id, "--aliyun-access-key-id")?,
                        access_key_secret: need(
                            &self.aliyun_access_key_secret,
                            "--aliyun-access-key-secret",
                        )?,
                        sign_name: need(&self.aliyun_sms_sign_name, "--aliyun-sms-sign-name")?,
                        template_register: need(
                            &self.aliyun_sms_template_register,
                            "--aliyun-sms-template-register",
                        )?,
                        template_reset: need(
                            &self.aliyun_sms_template_reset,
                            "--aliyun-sms-template-reset",
                        )?,
                    },
                )?)))
            }
        }
    }
}
