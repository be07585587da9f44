//! Alibaba Cloud SMS (阿里云短信服务), `SendSms` of API version 2017-05-25, over its RPC
//! interface with signature version 1.0 (HMAC-SHA1), as the provider documents it: every
//! parameter, sorted by name and percent-encoded (RFC 3986, space as `%20`), is joined into a
//! canonical query; the string to sign is `GET&%2F&` plus that query encoded once more; the
//! key is the AccessKey secret plus `&`. The answer is JSON with `Code` `OK` on success.

use app::infra::{CodePurpose, GatewayError, MessageGateway};
use async_trait::async_trait;
use base64::Engine;
use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::collections::BTreeMap;
use std::time::Duration;

pub const ENDPOINT: &str = "https://dysmsapi.aliyuncs.com/";

#[derive(Clone)]
pub struct AliyunConfig {
    pub endpoint: String,
    pub access_key_id: String,
    pub access_key_secret: String,
    pub sign_name: String,
    pub template_register: String,
    pub template_reset: String,
}

impl std::fmt::Debug for AliyunConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AliyunConfig")
            .field("endpoint", &self.endpoint)
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}

pub struct AliyunSms {
    config: AliyunConfig,
    client: reqwest::Client,
}

impl AliyunSms {
    pub fn new(config: AliyunConfig) -> anyhow::Result<AliyunSms> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .build()?;
        Ok(AliyunSms { config, client })
    }

    /// The signed query string of a SendSms request.
    fn signed_query(&self, mobile: &str, code: &str, purpose: CodePurpose) -> String {
        let template = match purpose {
            CodePurpose::Register => &self.config.template_register,
            // Proving a number is the same message whatever it is for: one approved template.
            CodePurpose::ResetPassword
            | CodePurpose::ChangeMobile
            | CodePurpose::CorrectName
            | CodePurpose::Appeal
            | CodePurpose::DeleteAccount => &self.config.template_reset,
        };
        let nonce = app::infra::new_public_id();
        let timestamp = timestamp(time::OffsetDateTime::now_utc());
        let param = serde_json::json!({ "code": code }).to_string();
        let params: BTreeMap<&str, &str> = [
            ("AccessKeyId", self.config.access_key_id.as_str()),
            ("Action", "SendSms"),
            ("Format", "JSON"),
            ("PhoneNumbers", mobile),
            ("RegionId", "cn-hangzhou"),
            ("SignName", self.config.sign_name.as_str()),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", nonce.as_str()),
            ("SignatureVersion", "1.0"),
            ("TemplateCode", template.as_str()),
            ("TemplateParam", param.as_str()),
            ("Timestamp", timestamp.as_str()),
            ("Version", "2017-05-25"),
        ]
        .into_iter()
        .collect();
        signed_query(&params, &self.config.access_key_secret)
    }
}

/// RFC 3986 unreserved characters stay; everything else is `%XX` (so space is `%20`, `*` is
/// `%2A`, `~` stays), as the signature rules require.
const POP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn encode(s: &str) -> String {
    utf8_percent_encode(s, POP).to_string()
}

/// The sorted, encoded `key=value&…` of `params`.
fn canonical_query(params: &BTreeMap<&str, &str>) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The signature of a GET request with `params` (which must not include `Signature`).
pub fn signature(params: &BTreeMap<&str, &str>, secret: &str) -> String {
    let to_sign = format!("GET&{}&{}", encode("/"), encode(&canonical_query(params)));
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// `Signature=…&` followed by the canonical query.
pub fn signed_query(params: &BTreeMap<&str, &str>, secret: &str) -> String {
    format!(
        "Signature={}&{}",
        encode(&signature(params, secret)),
        canonical_query(params)
    )
}

pub fn timestamp(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        at.month() as u8,
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

#[derive(serde::Deserialize)]
struct Answer {
    #[serde(rename = "Code")]
    code: String,
    #[serde(rename = "Message", default)]
    message: String,
    #[serde(rename = "RequestId", default)]
    request_id: String,
}

#[async_trait]
impl MessageGateway for AliyunSms {
    async fn send_code(
        &self,
        mobile: &str,
        code: &str,
        purpose: CodePurpose,
    ) -> Result<(), GatewayError> {
        let url = format!(
            "{}?{}",
            self.config.endpoint,
            self.signed_query(mobile, code, purpose)
        );
        let response = self
            .client
            .get(&url)
            .send()
            .await
            .map_err(|e| GatewayError(format!("aliyun: request failed: {e}")))?;
        let status = response.status();
        let body = response
            .text()
            .await
            .map_err(|e| GatewayError(format!("aliyun: reading the answer: {e}")))?;
        let answer: Answer = serde_json::from_str(&body).map_err(|_| {
            GatewayError(format!(
                "aliyun: HTTP {status}, unreadable answer: {}",
                body.chars().take(200).collect::<String>()
            ))
        })?;
        if answer.code == "OK" {
            tracing::info!(request_id = %answer.request_id, "aliyun: code sent");
            Ok(())
        } else {
            Err(GatewayError(format!(
                "aliyun: HTTP {status}, {}: {} (request {})",
                answer.code, answer.message, answer.request_id
            )))
        }
    }

    fn name(&self) -> &'static str {
        "aliyun"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the provider's documentation (短信服务 HTTP 协议及签名).
    #[test]
    fn signs_the_documented_example() {
        let params: BTreeMap<&str, &str> = [
            ("AccessKeyId", "testId"),
            ("Action", "SendSms"),
            ("Format", "XML"),
            ("OutId", "123"),
            ("PhoneNumbers", "15300000001"),
            ("RegionId", "cn-hangzhou"),
            ("SignName", "阿里云短信测试专用"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"),
            ("SignatureVersion", "1.0"),
            ("TemplateCode", "SMS_71390007"),
            ("TemplateParam", "{\"customer\":\"test\"}"),
            ("Timestamp", "2017-07-12T02:42:19Z"),
            ("Version", "2017-05-25"),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            signature(&params, "testSecret"),
            "zJDF+Lrzhj/ThnlvIToysFRq6t4="
        );
        assert!(signed_query(&params, "testSecret")
            .starts_with("Signature=zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D&AccessKeyId=testId&"));
    }

    #[test]
    fn encodes_as_the_signature_rules_say() {
        assert_eq!(encode("a b*~"), "a%20b%2A~");
        assert_eq!(encode("/=&+"), "%2F%3D%26%2B");
    }

    #[test]
    fn timestamps_are_utc_to_the_second() {
        let at = time::macros::datetime!(2017-07-12 10:42:19 +8);
        assert_eq!(timestamp(at), "2017-07-12T02:42:19Z");
    }
}
