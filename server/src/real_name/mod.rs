//! The optional real-name check (运营商三要素核验): its configuration and the adapter for
//! Alibaba Cloud's number service. Off unless `--real-name-check` names a provider.

pub mod aliyun;

use app::infra::RealNameCheck;
use clap::{Args, ValueEnum};
use std::sync::Arc;

/// Which real-name check registration and 更换手机号 ask before a code is sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum RealNameKind {
    /// No check (the default): a code proves the mobile number only.
    #[default]
    Off,
    /// Alibaba Cloud number service (号码百科), ThreeElementsVerification: name, resident ID
    /// number and mobile number must belong to one person. Fails closed: when the check
    /// cannot be made, no code is sent.
    Aliyun,
}

/// The real-name check options of `serve`.
#[derive(Clone, Debug, Args)]
pub struct RealNameArgs {
    /// The real-name check (运营商三要素核验) before registration and mobile-number codes.
    #[arg(long, env = "PORTAL_REAL_NAME_CHECK", value_enum, default_value_t = RealNameKind::Off)]
    pub real_name_check: RealNameKind,

    /// Real-name check: the Alibaba Cloud number service endpoint.
    #[arg(long, env = "PORTAL_ALIYUN_DYTNS_ENDPOINT", default_value = aliyun::ENDPOINT)]
    pub aliyun_dytns_endpoint: String,

    /// Real-name check: the authorisation code (授权码) of the approved
    /// 三要素 tag application in the number service console.
    #[arg(long, env = "PORTAL_ALIYUN_DYTNS_AUTH_CODE", hide_env_values = true)]
    pub aliyun_dytns_auth_code: Option<String>,

    /// Real-name check: the AccessKey ID (a RAM user allowed dytns:ThreeElementsVerification);
    /// defaults to the SMS gateway's key (--aliyun-access-key-id).
    #[arg(long, env = "PORTAL_ALIYUN_DYTNS_ACCESS_KEY_ID")]
    pub aliyun_dytns_access_key_id: Option<String>,

    /// Real-name check: the AccessKey secret; defaults to the SMS gateway's. Prefer the
    /// environment variable to the command line.
    #[arg(
        long,
        env = "PORTAL_ALIYUN_DYTNS_ACCESS_KEY_SECRET",
        hide_env_values = true
    )]
    pub aliyun_dytns_access_key_secret: Option<String>,
}

impl RealNameArgs {
    /// The configured check; `None` when off. `sms` supplies the AccessKey when this one
    /// has none of its own.
    pub fn check(
        &self,
        sms: &crate::sms::SmsArgs,
    ) -> anyhow::Result<Option<Arc<dyn RealNameCheck>>> {
        match self.real_name_check {
            RealNameKind::Off => Ok(None),
            RealNameKind::Aliyun => {
                let need = |value: Option<&String>, flag: &str| {
                    value
                        .cloned()
                        .filter(|v| !v.trim().is_empty())
                        .ok_or_else(|| anyhow::anyhow!("--real-name-check aliyun needs {flag}"))
                };
                Ok(Some(Arc::new(aliyun::AliyunRealName::new(
                    aliyun::DytnsConfig {
                        endpoint: self.aliyun_dytns_endpoint.clone(),
                        auth_code: need(
                            self.aliyun_dytns_auth_code.as_ref(),
                            "--aliyun-dytns-auth-code",
                        )?,
                        access_key_id: need(
                            self.aliyun_dytns_access_key_id
                                .as_ref()
                                .or(sms.aliyun_access_key_id.as_ref()),
                            "--aliyun-dytns-access-key-id (or --aliyun-access-key-id)",
                        )?,
                        access_key_secret: need(
                            self.aliyun_dytns_access_key_secret
                                .as_ref()
                                .or(sms.aliyun_access_key_secret.as_ref()),
                            "--aliyun-dytns-access-key-secret (or --aliyun-access-key-secret)",
                        )?,
                    },
                )?)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Serve {
        #[command(flatten)]
        sms: crate::sms::SmsArgs,
        #[command(flatten)]
        real_name: RealNameArgs,
    }

    fn check(args: &[&str]) -> anyhow::Result<bool> {
        let serve = Serve::try_parse_from(std::iter::once("serve").chain(args.iter().copied()))?;
        Ok(serve.real_name.check(&serve.sms)?.is_some())
    }

    #[test]
    fn off_by_default_and_complete_when_on() {
        assert!(!check(&[]).unwrap());
        let missing = check(&["--real-name-check", "aliyun"])
            .unwrap_err()
            .to_string();
        assert!(missing.contains("--aliyun-dytns-auth-code"), "{missing}");
        // The SMS gateway's AccessKey serves when the check has none of its own.
        assert!(check(&[
            "--real-name-check",
            "aliyun",
            "--aliyun-dytns-auth-code",
            "code",
            "--aliyun-access-key-id",
            "id",
            "--aliyun-access-key-secret",
            "secret",
        ])
        .unwrap());
        let no_key = check(&[
            "--real-name-check",
            "aliyun",
            "--aliyun-dytns-auth-code",
            "c",
        ])
        .unwrap_err()
        .to_string();
        assert!(no_key.contains("access-key-id"), "{no_key}");
    }
}
