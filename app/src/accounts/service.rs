//! The account actions on the server: registration, login with throttling, sessions, service
//! terms, password change. Server functions (with JavaScript) and plain form posts (without)
//! both call these, so there is one implementation of every rule.

use super::forms::{ChangePasswordForm, LoginForm, RegisterForm, TermsForm};
use super::password::{decoy_hash, hash_password, spawn_blocking_hash, verify_password};
use crate::domain::time::{datetime, CHINA_OFFSET};
use crate::domain::{HolderName, IdNumber, IdType, Mobile, NewPassword};
use crate::domain::{Millis, NewHolder, ThrottlePolicy};
use crate::error::{AppError, FieldError};
use crate::forms::FormDone;
use crate::i18n::{Msg, Text};
use crate::session::{clear_session_cookie, start_session, token_hash, ActiveSession, RequestMeta};
use crate::state::AppState;
use crate::storage::StorageError;
use crate::urls::is_local_path;

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
pub const HOME_AFTER_LOGIN: &str = crate::urls::route::CERTIFICATES;

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

/// `HH:MM` (China time, rounded up to the minute) for "try again after …".
fn clock_time(ms: Millis) -> String {
    let t = datetime(ms + 59_999).to_offset(CHINA_OFFSET);
    format!("{:02}:{:02}", t.hour(), t.minute())
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

    let password_hash = spawn_blocking_hash(move || hash_password(&password))
        .await?
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
        done: FormDone::redirect(crate::urls::route::TERMS),
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
    let matches = spawn_blocking_hash(move || verify_password(&stored_hash, &candidate)).await?;

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
        crate::urls::terms_then(&next)
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
        .filter(|n| is_local_path(n) && !n.starts_with(crate::urls::route::TERMS))
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
    let matches = spawn_blocking_hash(move || verify_password(&stored, &current)).await?;
    if !matches {
        return Err(AppError::field("current", Msg::CurrentPasswordWrong));
    }
    let hash = spawn_blocking_hash(move || hash_password(&password))
        .await?
        .map_err(|e| {
            crate::error::ssr::internal(&std::io::Error::other(format!("hashing: {e}")))
        })?;
    state.storage.update_password(session.holder, &hash).await?;
    let ended = state
        .storage
        .delete_other_sessions(session.holder, &session.token_hash)
        .await?;
    // This browser goes on under a fresh token: the old one ends with the old password.
    let cookie = crate::session::renew_session(state, session).await?;
    tracing::info!(
        holder = session.holder.0,
        other_sessions_ended = ended,
        "password changed"
    );
    Ok(Outcome {
        done: FormDone::message(Msg::PasswordChanged),
        cookies: vec![cookie],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_times_round_up_to_the_minute_in_china() {
        // 2026-01-01T00:00:30Z is 08:00:30 in Beijing: "try again after 08:01".
        assert_eq!(clock_time(1_767_225_630_000), "08:01");
    }
}
