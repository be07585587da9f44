//! Alibaba Cloud number service (号码百科, Dytnsapi), `ThreeElementsVerification` of API
//! version 2020-02-17 (运营商三要素核验): whether a name, a resident ID number and a mobile
//! number belong to one person. An RPC request signed like the SMS gateway's (signature 1.0,
//! [`crate::sms::aliyun::signed_query`]), with the documented parameters `AuthCode`,
//! `InputNumber`, `Mask` (`NORMAL`: in clear, over HTTPS), `CertCode` and `Name`. The answer
//! is JSON: `Code` `OK` and `Data.IsConsistent` `1` (consistent), `0` (inconsistent) or `2`
//! (no record; not charged, and taken as "cannot be confirmed": a mismatch); any other code
//! (throttling, a bad AuthCode, a signature refused) or no answer is "unavailable".

use app::domain::{HolderName, IdNumber, Mobile};
use app::infra::{RealNameCheck, RealNameOutcome};
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::time::Duration;

pub const ENDPOINT: &str = "https://dytnsapi.aliyuncs.com/";

#[derive(Clone)]
pub struct DytnsConfig {
    pub endpoint: String,
    pub auth_code: String,
    pub access_key_id: String,
    pub access_key_secret: String,
}

impl std::fmt::Debug for DytnsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DytnsConfig")
            .field("endpoint", &self.endpoint)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

pub struct AliyunRealName {
    config: DytnsConfig,
    client: reqwest::Client,
}

impl AliyunRealName {
    pub fn new(config: DytnsConfig) -> anyhow::Result<AliyunRealName> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .build()?;
        Ok(AliyunRealName { config, client })
    }

    /// The signed query string of a ThreeElementsVerification request.
    fn signed_query(&self, name: &str, id: &str, mobile: &str) -> String {
        let nonce = app::infra::new_public_id();
        let timestamp = crate::sms::aliyun::timestamp(time::OffsetDateTime::now_utc());
        let params: BTreeMap<&str, &str> = [
            ("AccessKeyId", self.config.access_key_id.as_str()),
            ("Action", "ThreeElementsVerification"),
            ("AuthCode", self.config.auth_code.as_str()),
            ("CertCode", id),
            ("Format", "JSON"),
            ("InputNumber", mobile),
            ("Mask", "NORMAL"),
            ("Name", name),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", nonce.as_str()),
            ("SignatureVersion", "1.0"),
            ("Timestamp", timestamp.as_str()),
            ("Version", "2020-02-17"),
        ]
        .into_iter()
        .collect();
        crate::sms::aliyun::signed_query(&params, &self.config.access_key_secret)
    }
}

#[derive(serde::Deserialize)]
struct Answer {
    #[serde(rename = "Code")]
    code: String,
    #[serde(rename = "Message", default)]
    message: String,
    #[serde(rename = "RequestId", default)]
    request_id: String,
    #[serde(rename = "Data", default)]
    data: Option<AnswerData>,
}

#[derive(serde::Deserialize)]
struct AnswerData {
    /// Documented as a number; some answers carry it as a string.
    #[serde(rename = "IsConsistent")]
    is_consistent: serde_json::Value,
}

/// The outcome a documented answer body means.
fn outcome_of(status: reqwest::StatusCode, body: &str) -> RealNameOutcome {
    let Ok(answer) = serde_json::from_str::<Answer>(body) else {
        return RealNameOutcome::Unavailable(format!(
            "aliyun dytns: HTTP {status}, unreadable answer: {}",
            body.chars().take(200).collect::<String>()
        ));
    };
    if answer.code != "OK" {
        return RealNameOutcome::Unavailable(format!(
            "aliyun dytns: HTTP {status}, {}: {} (request {})",
            answer.code, answer.message, answer.request_id
        ));
    }
    let consistent = answer.data.map(|d| match d.is_consistent {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    match consistent.flatten() {
        Some(1) => RealNameOutcome::Match,
        Some(0) | Some(2) => RealNameOutcome::Mismatch,
        other => RealNameOutcome::Unavailable(format!(
            "aliyun dytns: unexpected IsConsistent {other:?} (request {})",
            answer.request_id
        )),
    }
}

#[async_trait]
impl RealNameCheck for AliyunRealName {
    async fn check(&self, name: &HolderName, id: &IdNumber, mobile: &Mobile) -> RealNameOutcome {
        let url = format!(
            "{}?{}",
            self.config.endpoint,
            self.signed_query(name.as_str(), id.as_str(), mobile.as_str())
        );
        let response = match self.client.get(&url).send().await {
            Ok(response) => response,
            Err(e) => {
                return RealNameOutcome::Unavailable(format!("aliyun dytns: request failed: {e}"))
            }
        };
        let status = response.status();
        match response.text().await {
            Ok(body) => outcome_of(status, &body),
            Err(e) => RealNameOutcome::Unavailable(format!("aliyun dytns: reading: {e}")),
        }
    }

    fn name(&self) -> &'static str {
        "aliyun"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_answers() {
        let ok = reqwest::StatusCode::OK;
        let body = |c: &str| {
            format!(
                r#"{{"Code":"OK","Message":"OK","RequestId":"r","Data":{{"IsConsistent":{c},"BasicCarrier":"中国移动"}}}}"#
            )
        };
        assert_eq!(outcome_of(ok, &body("1")), RealNameOutcome::Match);
        assert_eq!(outcome_of(ok, &body("0")), RealNameOutcome::Mismatch);
        assert_eq!(outcome_of(ok, &body("2")), RealNameOutcome::Mismatch);
        assert_eq!(outcome_of(ok, &body("\"1\"")), RealNameOutcome::Match);
        assert!(matches!(
            outcome_of(
                reqwest::StatusCode::BAD_REQUEST,
                r#"{"Code":"AuthCodeNotExist","Message":"x","RequestId":"r"}"#
            ),
            RealNameOutcome::Unavailable(_)
        ));
        assert!(matches!(
            outcome_of(ok, "<html>gateway</html>"),
            RealNameOutcome::Unavailable(_)
        ));
        assert!(matches!(
            outcome_of(ok, &body("7")),
            RealNameOutcome::Unavailable(_)
        ));
    }
}
