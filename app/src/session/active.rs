//! The signed-in holder on the server: the session cookie, resolving it to an
//! [`ActiveSession`] once per request, and the checks every holder-only action starts with.

use crate::domain::{HolderId, NewSession, Owner};
use crate::error::AppError;
use crate::state::{AppState, Settings};
use crate::storage::StorageError;
use std::net::IpAddr;

/// The session cookie's name when the site is served over HTTPS: the `__Host-` prefix makes the
/// browser accept it only with `Secure`, `Path=/` and no `Domain`, so neither a subdomain nor a
/// plain-HTTP page on the same host can plant or overwrite it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-sid";
/// The session cookie's name over plain HTTP (local development, tests), where a `__Host-`
/// cookie cannot be set.
pub const PLAIN_SESSION_COOKIE: &str = "sid";
/// A session ends after this long without a request…
pub const IDLE_TIMEOUT_MS: i64 = 30 * 60 * 1000;
/// …and in any case this long after login.
pub const ABSOLUTE_LIFETIME_MS: i64 = 12 * 60 * 60 * 1000;
/// `last_seen_at` is written at most this often, so browsing does not mean a write per click.
const TOUCH_INTERVAL_MS: i64 = 60 * 1000;

/// The facts about a request that the actions need.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    /// The client's address, as the server's client-address middleware decided it
    /// ([`crate::infra::client_addr`]: the TCP peer, or what a trusted proxy forwarded).
    pub client: Option<IpAddr>,
    /// The session cookie sent with the request, if any.
    pub session_token: Option<String>,
}

/// The session cookie's name under these settings; only that name is read.
pub fn session_cookie_name(settings: &Settings) -> &'static str {
    if settings.secure_cookies {
        SECURE_SESSION_COOKIE
    } else {
        PLAIN_SESSION_COOKIE
    }
}

impl RequestMeta {
    pub fn from_parts(parts: &http::request::Parts, settings: &Settings) -> RequestMeta {
        let client = parts
            .extensions
            .get::<crate::infra::ClientAddr>()
            .map(|client| client.0);
        RequestMeta {
            client,
            session_token: cookie_value(&parts.headers, session_cookie_name(settings)),
        }
    }
}

/// The value of cookie `name` in the request headers.
pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// A signed-in holder, as resolved from the session cookie for this request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActiveSession {
    pub token_hash: String,
    pub holder: HolderId,
    /// Whose certificates this holder sees: their ID document and name.
    pub owner: Owner,
    pub terms_accepted: bool,
}

pub(crate) fn token_hash(token: &str) -> String {
    crate::infra::sha256_hex(token.as_bytes())
}

fn new_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn session_cookie(state: &AppState, token: &str) -> String {
    let (name, secure) = cookie_name_and_secure(&state.settings);
    format!("{name}={token}; Path=/; HttpOnly; SameSite=Lax{secure}")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(state: &AppState) -> String {
    let (name, secure) = cookie_name_and_secure(&state.settings);
    format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

fn cookie_name_and_secure(settings: &Settings) -> (&'static str, &'static str) {
    let secure = if settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    (session_cookie_name(settings), secure)
}

/// Starts a new session for `holder` (a fresh token, whatever the browser sent before).
pub(crate) async fn start_session(
    state: &AppState,
    meta: &RequestMeta,
    holder: HolderId,
) -> Result<String, AppError> {
    if let Some(old) = &meta.session_token {
        state.storage.delete_session(&token_hash(old)).await?;
    }
    create_session(state, holder).await
}

/// Replaces `session` by a new one for the same holder (a fresh token, the old one ended), as
/// after a password change: whoever may have learnt the old token cannot ride on the new
/// password. Returns the new session's `Set-Cookie` value.
pub(crate) async fn renew_session(
    state: &AppState,
    session: &ActiveSession,
) -> Result<String, AppError> {
    state.storage.delete_session(&session.token_hash).await?;
    create_session(state, session.holder).await
}

/// Stores a session with a fresh token for `holder`; returns its `Set-Cookie` value.
async fn create_session(state: &AppState, holder: HolderId) -> Result<String, AppError> {
    let token = new_token();
    let now = state.clock.now();
    state
        .storage
        .create_session(&NewSession {
            token_hash: token_hash(&token),
            holder,
            created_at: now,
            expires_at: now + ABSOLUTE_LIFETIME_MS,
        })
        .await?;
    Ok(session_cookie(state, &token))
}

/// Resolves a session cookie: `None` when unknown, idle too long or past its lifetime (and
/// then the stale row is removed).
pub async fn resolve_session(
    state: &AppState,
    token: &str,
) -> Result<Option<ActiveSession>, StorageError> {
    let hash = token_hash(token);
    let Some(record) = state.storage.session(&hash).await? else {
        return Ok(None);
    };
    let now = state.clock.now();
    if now >= record.expires_at || now - record.last_seen_at >= IDLE_TIMEOUT_MS {
        state.storage.delete_session(&hash).await?;
        return Ok(None);
    }
    if now - record.last_seen_at >= TOUCH_INTERVAL_MS {
        state.storage.touch_session(&hash, now).await?;
    }
    Ok(Some(ActiveSession {
        token_hash: hash,
        holder: record.holder,
        owner: record.owner,
        terms_accepted: record.terms_version == Some(state.settings.terms_version),
    }))
}

/// The session the server's session layer put on a request.
pub fn session_of(parts: &http::request::Parts) -> Option<ActiveSession> {
    parts.extensions.get::<ActiveSession>().cloned()
}

/// The session of the request being handled (put there by the server's session layer).
pub fn current_session() -> Option<ActiveSession> {
    leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| session_of(&parts))
}

/// The rule every holder-only action starts with: `session` must be a signed-in holder who
/// has accepted the terms, or the error that sends them to log in or to the terms first.
/// Server functions apply it through [`require_holder`], plain routes through the server's
/// extractors.
pub fn holder_from(session: Option<ActiveSession>) -> Result<ActiveSession, AppError> {
    let session = signed_in_from(session)?;
    if !session.terms_accepted {
        return Err(AppError::TermsRequired);
    }
    Ok(session)
}

/// `session` must be a signed-in holder, whether or not they have accepted the terms yet.
pub fn signed_in_from(session: Option<ActiveSession>) -> Result<ActiveSession, AppError> {
    session.ok_or(AppError::Unauthenticated)
}

/// The signed-in holder who has accepted the terms, or the error that sends them to log in or
/// to the terms first.
pub fn require_holder() -> Result<ActiveSession, AppError> {
    holder_from(current_session())
}

/// The signed-in holder, whether or not they have accepted the terms yet.
pub fn require_signed_in() -> Result<ActiveSession, AppError> {
    signed_in_from(current_session())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_from_any_cookie_header() {
        let mut headers = http::HeaderMap::new();
        headers.append(http::header::COOKIE, "lang=en; sid=abc".parse().unwrap());
        assert_eq!(cookie_value(&headers, "sid").as_deref(), Some("abc"));
        assert_eq!(cookie_value(&headers, "other"), None);
    }

    #[test]
    fn the_cookie_is_host_locked_exactly_when_it_is_secure() {
        let plain = Settings::default();
        assert_eq!(session_cookie_name(&plain), "sid");
        let https = Settings {
            secure_cookies: true,
            ..Settings::default()
        };
        assert_eq!(session_cookie_name(&https), "__Host-sid");
        assert_eq!(
            cookie_name_and_secure(&https),
            ("__Host-sid", "; Secure"),
            "a __Host- cookie without Secure would be refused by the browser"
        );
    }

    #[test]
    fn tokens_are_long_and_random() {
        let a = new_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_token());
    }
}
