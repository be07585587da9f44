//! Who is making a check, as far as the log and the limits care: the source a repeat is
//! counted under, whether the request is a check by a person at all (a `HEAD` request or a
//! link preview is not), and whether an API key's quota admitted it instead of the
//! per-address limits.

use crate::storage::DataKeys;
use std::net::IpAddr;

/// The maker of one check.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checker {
    /// The client's address, as the client-address middleware decided it.
    pub client: Option<IpAddr>,
    /// The API key that admitted the request (its id), which then counts against the key's
    /// daily quota instead of the per-address limits.
    pub api_key: Option<i64>,
    /// Whether the check goes into the holder's log: not for `HEAD` requests and link
    /// previews, which fetch the address without anyone looking at the answer.
    pub logged: bool,
}

impl Checker {
    /// A check from `client` by `method` with this `User-Agent`.
    pub fn new(client: Option<IpAddr>, method: &http::Method, user_agent: Option<&str>) -> Self {
        Checker {
            client,
            api_key: None,
            logged: method != http::Method::HEAD && !user_agent.is_some_and(is_link_preview),
        }
    }

    /// The maker of the check in `parts` (a page's request, or a server function's).
    pub fn from_parts(parts: &http::request::Parts) -> Self {
        let client = parts
            .extensions
            .get::<crate::infra::ClientAddr>()
            .map(|client| client.0);
        let agent = parts
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok());
        Checker::new(client, &parts.method, agent)
    }

    /// The source its checks are logged under: a keyed hash ([`DataKeys::lookup_hash`]) of
    /// the API key, or of the client's address (an IPv6 client by its /64, as the limits count
    /// it), never the address itself; keyed, so that a year of log cannot be turned back into
    /// addresses by hashing all 2^32 IPv4 addresses.
    pub fn source(&self, keys: &DataKeys) -> String {
        let who = match (self.api_key, self.client) {
            (Some(key), _) => format!("api-key:{key}"),
            (None, Some(ip)) => format!("address:{}", crate::infra::limit_key(ip)),
            (None, None) => "unknown".to_string(),
        };
        keys.lookup_hash("verification-log", &who)
    }
}

/// The `User-Agent` markers of link-preview fetchers and crawlers: the programs that open a
/// shared verification link to draw a preview card (chat apps, social sites) or to index it.
/// Nobody reads their answer, so their fetches are not logged as checks. Matched without
/// regard to case, anywhere in the header. This is the one list; add new fetchers here.
///
/// WeChat (微信) is deliberately absent: its in-app browser, in which most scanned QR codes
/// open, sends `MicroMessenger` too, and a holder must see those checks; its preview fetches
/// are bounded by the counting of repeats instead.
pub const LINK_PREVIEW_AGENTS: &[&str] = &[
    "facebookexternalhit", // Facebook, Instagram, Messenger link cards
    "facebookcatalog",
    "meta-externalagent",
    "twitterbot",          // X / Twitter cards
    "slackbot",            // Slack (Slackbot-LinkExpanding)
    "telegrambot",         // Telegram link previews
    "whatsapp",            // WhatsApp link previews
    "discordbot",          // Discord embeds
    "linkedinbot",         // LinkedIn
    "applebot",            // Apple (iMessage previews, Siri suggestions)
    "googlebot",           // Google search and its previews
    "google-pagerenderer", // Google's page renderer for previews
    "google-inspectiontool",
    "bingbot", // Bing and Microsoft Teams/Outlook previews
    "bingpreview",
    "skypeuripreview", // Skype and Teams
    "microsoft-preview",
    "pinterestbot",
    "redditbot",
    "embedly",
    "iframely",
    "vkshare",
    "dingtalkbot", // 钉钉 link cards
    "feishu",      // 飞书 / Lark link cards (FeishuBot)
    "larkbot",
    "baiduspider", // 百度
    "bytespider",  // 字节跳动 (Toutiao, Douyin)
    "sogou",       // 搜狗 spiders
    "360spider",
    "yisouspider", // 神马
    "yandexbot",
];

/// Whether `user_agent` is a link-preview fetcher or crawler ([`LINK_PREVIEW_AGENTS`]).
pub fn is_link_preview(user_agent: &str) -> bool {
    let agent = user_agent.to_ascii_lowercase();
    LINK_PREVIEW_AGENTS
        .iter()
        .any(|marker| agent.contains(marker))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_and_head_requests_are_not_checks() {
        let get = http::Method::GET;
        let browser = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44(0x18002c2f) NetType/WIFI Language/zh_CN";
        assert!(Checker::new(None, &get, Some(browser)).logged);
        assert!(Checker::new(None, &get, None).logged);
        assert!(!Checker::new(None, &http::Method::HEAD, Some(browser)).logged);
        for bot in [
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "TelegramBot (like TwitterBot)",
            "WhatsApp/2.23.20.0",
            "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17 Safari/605.1.15 (Applebot/0.1)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        ] {
            assert!(is_link_preview(bot), "{bot}");
            assert!(!Checker::new(None, &get, Some(bot)).logged, "{bot}");
        }
    }

    #[test]
    fn sources_are_keyed_digests_of_the_key_or_the_client() {
        let keys = DataKeys::parse(&DataKeys::generate_text()).unwrap();
        let other = DataKeys::parse(&DataKeys::generate_text()).unwrap();
        let keys = &keys;
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        let get = http::Method::GET;
        let a = Checker::new(ip("203.0.113.7"), &get, None);
        assert_eq!(a.source(keys).len(), 64);
        assert!(!a.source(keys).contains("203"));
        assert_ne!(a.source(keys), a.source(&other));
        assert_ne!(
            a.source(keys),
            crate::infra::sha256_hex(b"verification-log:address:203.0.113.7")
        );
        assert_ne!(
            a.source(keys),
            Checker::new(ip("203.0.113.8"), &get, None).source(keys)
        );
        // One IPv6 /64 is one source.
        assert_eq!(
            Checker::new(ip("2001:db8::1"), &get, None).source(keys),
            Checker::new(ip("2001:db8::ffff:1"), &get, None).source(keys)
        );
        // A key is its own source wherever it calls from.
        let keyed = |addr| Checker {
            api_key: Some(4),
            ..Checker::new(ip(addr), &get, None)
        };
        assert_eq!(
            keyed("203.0.113.7").source(keys),
            keyed("198.51.100.1").source(keys)
        );
        assert_ne!(keyed("203.0.113.7").source(keys), a.source(keys));
    }
}
