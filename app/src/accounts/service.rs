//! The account actions on the server: registration, login with throttling, sessions, service
//! terms, password change. Server functions (with JavaScript) and plain form posts (without)
//! both call these, so there is one implementation of every rule.

use super::forms::{ChangePasswordForm, LoginForm, RegisterForm, TermsForm};
use super::password::{decoy_hash, hash_password, verify_password};
use crate::domain::{HolderName, IdNumber, IdType, Mobile, NewPassword};
use crate::error::{AppError, FieldError};
use crate::forms::FormDone;
use crate::i18n::{Msg, Text};
use crate::state::{datetime, AppState, CHINA_OFFSET};
use crate::storage::{
    HolderId, Millis, NewHolder, NewSession, Owner, StorageError, ThrottlePolicy,
};
use crate::urls::is_local_path;
use std::net::IpAddr;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "sid";
/// A session ends after this long without a request…
pub const IDLE_TIMEOUT_MS: i64 = 30 * 60 * 1000;
/// …and in any case this long after login.
pub const ABSOLUTE_LIFETIME_MS: i64 = 12 * 60 * 60 * 1000;
/// `last_seen_at` is written at most this often, so browsing does not mean a write per click.
const TOUCH_INTERVAL_MS: i64 = 60 * 1000;

/// Five wrong passwords for one account within 15 minutes lock it for 15 minutes.
pub const ACCOUNT_THROTTLE: ThrottlePolicy = ThrottlePolicy {
    window_ms: 15 * 60 * 1000,
    max_failures: 5,
    lock_ms: 15 * 60 * 1000,
};
/// Twenty failures from one client address within 15 minutes lock that address out.
pub const CLIENT_THROTTLE: ThrottlePolicy = ThrottlePolicy {
    window_ms: 15 * 60 * 1000,
    max_failures: 20,
    lock_ms: 15 * 60 * 1000,
};

/// Where a holder lands after logging in when no page was asked for.
pub const HOME_AFTER_LOGIN: &str = "/certificates";

/// The facts about a request that the actions need.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub client: Option<IpAddr>,
    /// The session cookie sent with the request, if any.
    pub session_token: Option<String>,
}

impl RequestMeta {
    pub fn from_parts(parts: &http::request::Parts) -> RequestMeta {
        let client = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip());
        RequestMeta {
            client,
            session_token: cookie_value(&parts.headers, SESSION_COOKIE),
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

/// The result of an action and the cookies to set with it. Cookies never travel in the
/// serialised result, so the session token stays out of reach of scripts.
#[derive(Debug)]
pub struct Outcome {
    pub done: FormDone,
    pub cookies: Vec<String>,
}

impl Outcome {
    fn redirect(to: impl Into<String>) -> Outcome {
        Outcome {
            done: FormDone::redirect(to),
            cookies: Vec::new(),
        }
    }
}

fn field(name: &str, msg: Msg) -> FieldError {
    FieldError {
        field: name.to_string(),
        text: Text::new(msg),
    }
}

fn ymd(date: time::Date) -> (i32, u8, u8) {
    (date.year(), date.month() as u8, date.day())
}

fn token_hash(token: &str) -> String {
    crate::storage::sha256_hex(token.as_bytes())
}

fn new_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn session_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(state: &AppState) -> String {
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// `HH:MM` (China time, rounded up to the minute) for "try again after …".
fn clock_time(ms: Millis) -> String {
    let t = datetime(ms + 59_999).to_offset(CHINA_OFFSET);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// Starts a new session for `holder` (a fresh token, whatever the browser sent before).
async fn start_session(
    state: &AppState,
    meta: &RequestMeta,
    holder: HolderId,
) -> Result<String, AppError> {
    if let Some(old) = &meta.session_token {
        state.storage.delete_session(&token_hash(old)).await?;
    }
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

/// Registration (用户注册): validates every field, creates the account, signs the holder in
/// and sends them to the service terms.
#[tracing::instrument(skip_all)]
pub async fn register(
    state: &AppState,
    meta: &RequestMeta,
    form: RegisterForm,
) -> Result<Outcome, AppError> {
    let today = ymd(state.clock.today());
    let mut errors = Vec::new();
    let id_type = IdType::parse(&form.id_type)
        .map_err(|m| errors.push(field("id_type", m)))
        .ok();
    let id_number = id_type.and_then(|t| {
        IdNumber::parse(t, &form.id_number, today)
            .map_err(|m| errors.push(field("id_number", m)))
            .ok()
    });
    let name = HolderName::parse(&form.name)
        .map_err(|m| errors.push(field("name", m)))
        .ok();
    let mobile = Mobile::parse(&form.mobile)
        .map_err(|m| errors.push(field("mobile", m)))
        .ok();
    let id_for_policy = id_number
        .as_ref()
        .map(|id| id.as_str().to_string())
        .unwrap_or_else(|| form.id_number.clone());
    let password = NewPassword::parse(&form.password, Some(&id_for_policy))
        .map_err(|m| errors.push(field("password", m)))
        .ok();
    if password.is_some() && form.password2 != form.password {
        errors.push(field("password2", Msg::PasswordsDiffer));
    }
    let (Some(id_number), Some(name), Some(mobile), Some(password), true) =
        (id_number, name, mobile, password, errors.is_empty())
    else {
        return Err(AppError::Invalid(errors));
    };

    let password_hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| crate::error::ssr::internal(&e))?
        .map_err(|e| {
            crate::error::ssr::internal(&std::io::Error::other(format!("hashing: {e}")))
        })?;
    let holder = NewHolder {
        id_number,
        name,
        mobile,
        password_hash,
        created_at: state.clock.now(),
    };
    let holder_id = match state.storage.insert_holder(&holder).await {
        Ok(id) => id,
        Err(StorageError::Conflict) => {
            return Err(AppError::field("id_number", Msg::AlreadyRegistered));
        }
        Err(other) => return Err(other.into()),
    };
    tracing::info!(holder = holder_id.0, "holder registered");
    let cookie = start_session(state, meta, holder_id).await?;
    Ok(Outcome {
        done: FormDone::redirect("/terms"),
        cookies: vec![cookie],
    })
}

/// Login (登录) with throttling per account and per client address. Every wrong combination
/// gets the same message, and an unknown account costs the same hashing time as a known one.
#[tracing::instrument(skip_all)]
pub async fn login(
    state: &AppState,
    meta: &RequestMeta,
    form: LoginForm,
) -> Result<Outcome, AppError> {
    let today = ymd(state.clock.today());
    let mut errors = Vec::new();
    let id_type = IdType::parse(&form.id_type)
        .map_err(|m| errors.push(field("id_type", m)))
        .ok();
    let id_number = id_type.and_then(|t| {
        IdNumber::parse(t, &form.id_number, today)
            .map_err(|m| errors.push(field("id_number", m)))
            .ok()
    });
    if form.password.is_empty() {
        errors.push(field("password", Msg::PasswordMissing));
    } else if form.password.chars().count() > crate::domain::contact::MAX_PASSWORD_CHARS {
        errors.push(field("password", Msg::PasswordTooLong));
    }
    let Some(id_number) = id_number.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };

    let now = state.clock.now();
    let account_key = format!(
        "account:{}:{}",
        id_number.id_type().code(),
        id_number.as_str()
    );
    let client_key = meta.client.map(|ip| format!("client:{ip}"));
    let keys: Vec<String> = std::iter::once(account_key.clone())
        .chain(client_key.clone())
        .collect();
    if let Some(until) = state.storage.throttle_locked_until(&keys, now).await? {
        return Err(locked(until));
    }

    let holder = state.storage.holder_by_login(&id_number).await?;
    let stored_hash = holder
        .as_ref()
        .map(|h| h.password_hash.clone())
        .unwrap_or_else(|| decoy_hash().to_string());
    let candidate = form.password.clone();
    let matches = tokio::task::spawn_blocking(move || verify_password(&stored_hash, &candidate))
        .await
        .map_err(|e| crate::error::ssr::internal(&e))?;

    let Some(holder) = holder.filter(|_| matches) else {
        let mut locked_until = state
            .storage
            .record_login_failure(&account_key, now, ACCOUNT_THROTTLE)
            .await?;
        if let Some(client_key) = &client_key {
            let client_lock = state
                .storage
                .record_login_failure(client_key, now, CLIENT_THROTTLE)
                .await?;
            locked_until = locked_until.max(client_lock);
        }
        tracing::info!(locked = locked_until.is_some(), "login failed");
        return Err(match locked_until {
            Some(until) => locked(until),
            None => AppError::Refused(Text::new(Msg::LoginFailed)),
        });
    };

    state.storage.clear_throttle(&account_key).await?;
    let cookie = start_session(state, meta, holder.id).await?;
    let next = Some(form.next.as_str())
        .filter(|n| is_local_path(n))
        .unwrap_or(HOME_AFTER_LOGIN)
        .to_string();
    let terms_accepted = holder.terms_version == Some(state.settings.terms_version);
    let to = if terms_accepted {
        next
    } else {
        format!("/terms?next={}", crate::urls::encode_component(&next))
    };
    tracing::info!(holder = holder.id.0, "holder logged in");
    Ok(Outcome {
        done: FormDone::redirect(to),
        cookies: vec![cookie],
    })
}

fn locked(until: Millis) -> AppError {
    AppError::RateLimited(Text::with(Msg::LoginLocked, [clock_time(until)]))
}

/// Logout (退出登录): ends the session on the server, not only in the browser.
pub async fn logout(state: &AppState, meta: &RequestMeta) -> Result<Outcome, AppError> {
    if let Some(token) = &meta.session_token {
        state.storage.delete_session(&token_hash(token)).await?;
    }
    Ok(Outcome {
        done: FormDone::redirect("/"),
        cookies: vec![clear_session_cookie(state)],
    })
}

/// [同意] on the service terms: stores the acceptance with its time and terms version.
pub async fn accept_terms(
    state: &AppState,
    session: &ActiveSession,
    form: TermsForm,
) -> Result<Outcome, AppError> {
    state
        .storage
        .accept_terms(
            session.holder,
            state.settings.terms_version,
            state.clock.now(),
        )
        .await?;
    let next = Some(form.next.as_str())
        .filter(|n| is_local_path(n) && !n.starts_with("/terms"))
        .unwrap_or(HOME_AFTER_LOGIN);
    Ok(Outcome::redirect(next))
}

/// Changes the password after checking the current one; every other session of the holder
/// ends, so a stolen session does not outlive the change.
pub async fn change_password(
    state: &AppState,
    session: &ActiveSession,
    form: ChangePasswordForm,
) -> Result<Outcome, AppError> {
    let holder = state.storage.holder(session.holder).await?;
    let mut errors = Vec::new();
    if form.current.is_empty() {
        errors.push(field("current", Msg::PasswordMissing));
    }
    let password = NewPassword::parse(&form.password, Some(holder.id_number.as_str()))
        .map_err(|m| errors.push(field("password", m)))
        .ok();
    if password.is_some() && form.password2 != form.password {
        errors.push(field("password2", Msg::PasswordsDiffer));
    }
    let Some(password) = password.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let stored = holder.password_hash.clone();
    let current = form.current.clone();
    let matches = tokio::task::spawn_blocking(move || verify_password(&stored, &current))
        .await
        .map_err(|e| crate::error::ssr::internal(&e))?;
    if !matches {
        return Err(AppError::field("current", Msg::CurrentPasswordWrong));
    }
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| crate::error::ssr::internal(&e))?
        .map_err(|e| {
            crate::error::ssr::internal(&std::io::Error::other(format!("hashing: {e}")))
        })?;
    state.storage.update_password(session.holder, &hash).await?;
    let ended = state
        .storage
        .delete_other_sessions(session.holder, &session.token_hash)
        .await?;
    tracing::info!(
        holder = session.holder.0,
        other_sessions_ended = ended,
        "password changed"
    );
    Ok(Outcome {
        done: FormDone::message(Msg::PasswordChanged),
        cookies: Vec::new(),
    })
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

/// The session of the request being handled (put there by the server's session layer).
pub fn current_session() -> Option<ActiveSession> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ActiveSession>().cloned())
}

/// The signed-in holder who has accepted the terms, or the error that sends them to log in or
/// to the terms first.
pub fn require_holder() -> Result<ActiveSession, AppError> {
    let session = current_session().ok_or(AppError::Unauthenticated)?;
    if !session.terms_accepted {
        return Err(AppError::TermsRequired);
    }
    Ok(session)
}

/// The signed-in holder, whether or not they have accepted the terms yet.
pub fn require_signed_in() -> Result<ActiveSession, AppError> {
    current_session().ok_or(AppError::Unauthenticated)
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
    fn tokens_are_long_and_random() {
        let a = new_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_token());
    }

    #[test]
    fn lock_times_round_up_to_the_minute_in_china() {
        // 2026-01-01T00:00:30Z is 08:00:30 in Beijing: "try again after 08:01".
        assert_eq!(clock_time(1_767_225_630_000), "08:01");
    }
}
