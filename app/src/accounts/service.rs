//! The account actions on the server: registration, login with throttling, sessions, service
//! terms, password change. Server functions (with JavaScript) and plain form posts (without)
//! both call these, so there is one implementation of every rule.

use super::codes;
use super::forms::{
    ChangeMobileForm, ChangePasswordForm, CodeIntent, ConfirmAccountChangeForm,
    ConfirmRegistrationForm, CorrectNameForm, ForgotPasswordForm, LoginForm, RegisterForm,
    ResetPasswordForm, TermsForm,
};
use super::password::{decoy_hash, hash_password, verify_password};
use crate::domain::time::{datetime, CHINA_OFFSET};
use crate::domain::{HolderId, Millis, NewHolder, ThrottlePolicy};
use crate::domain::{HolderName, IdNumber, IdType, Mobile, NewPassword};
use crate::error::{AppError, FieldError};
use crate::forms::FormDone;
use crate::i18n::{Msg, Text};
use crate::infra::{sha256_hex, CodePurpose};
use crate::session::{clear_session_cookie, start_session, token_hash, ActiveSession, RequestMeta};
use crate::state::AppState;
use crate::storage::StorageError;
use crate::urls::is_local_path;
use serde::{Deserialize, Serialize};

/// Five attempts at one account from one client address within 15 minutes lock that pair
/// for 15 minutes. Attempts are counted before the password is checked, so a burst cannot
/// get more evaluations than this.
pub const ACCOUNT_FROM_CLIENT_THROTTLE: ThrottlePolicy = ThrottlePolicy {
    window_ms: 15 * 60 * 1000,
    max_failures: 5,
    lock_ms: 15 * 60 * 1000,
};
/// Twenty attempts at one account from anywhere lock the account's password login; the owner
/// still gets in by proving the mobile number (忘记密码), which lifts the lock.
pub const ACCOUNT_THROTTLE: ThrottlePolicy = ThrottlePolicy {
    window_ms: 15 * 60 * 1000,
    max_failures: 20,
    lock_ms: 15 * 60 * 1000,
};
/// Twenty failed attempts from one client address within 15 minutes lock that address out.
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

pub(crate) fn field(name: &str, msg: Msg) -> FieldError {
    FieldError {
        field: name.to_string(),
        text: Text::new(msg),
    }
}

/// The ID document of a form (type and number), each mistake as its field's error.
pub(crate) fn parse_id_document(
    id_type: &str,
    id_number: &str,
    today: (i32, u8, u8),
    errors: &mut Vec<FieldError>,
) -> Option<IdNumber> {
    let id_type = IdType::parse(id_type)
        .map_err(|m| errors.push(field("id_type", m)))
        .ok()?;
    IdNumber::parse(id_type, id_number, today)
        .map_err(|m| errors.push(field("id_number", m)))
        .ok()
}

pub(crate) fn ymd(date: time::Date) -> (i32, u8, u8) {
    (date.year(), date.month() as u8, date.day())
}

/// `HH:MM` (China time, rounded up to the minute) for "try again after …".
pub(crate) fn clock_time(ms: Millis) -> String {
    let t = datetime(ms + 59_999).to_offset(CHINA_OFFSET);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// What a registration code unlocks: the account as it will be created. The mobile number is
/// stored with the account only once the code proves it.
#[derive(Serialize, Deserialize)]
struct PendingRegistration {
    id_type: String,
    id_number: String,
    name: String,
    mobile: String,
    password_hash: String,
}

async fn hash_new_password(
    state: &AppState,
    password: crate::domain::NewPassword,
) -> Result<String, AppError> {
    state
        .hashing
        .run(move || hash_password(&password))
        .await?
        .map_err(|e| crate::error::ssr::internal(&std::io::Error::other(format!("hashing: {e}"))))
}

/// [重新获取验证码] on any code step: a new code for the ticket, said on the same page.
async fn resend(state: &AppState, ticket: &str, purpose: CodePurpose) -> Result<Outcome, AppError> {
    codes::resend(state, ticket, purpose).await?;
    Ok(Outcome {
        done: FormDone::message(Msg::CodeResent),
        cookies: Vec::new(),
    })
}

/// Real-name checks per ID number and per mobile number within [`REAL_NAME_WINDOW_MS`].
pub const REAL_NAME_CHECKS_PER_DAY: i64 = 10;
pub const REAL_NAME_WINDOW_MS: i64 = crate::infra::LONGEST_WINDOW_MS;

/// The real-name check (运营商三要素核验), when one is configured: the name, the ID number and
/// the mobile number must belong to one person before a code goes to that number. It fails
/// closed: no answer means no code. Only resident ID cards are known to the operators.
async fn check_real_name(
    state: &AppState,
    name: &HolderName,
    id: &IdNumber,
    mobile: &Mobile,
) -> Result<(), AppError> {
    let Some(check) = &state.real_name else {
        return Ok(());
    };
    if id.id_type() != IdType::ResidentIdCard {
        return Ok(());
    }
    // Each check is charged by the provider and tells whether three facts belong together:
    // a day's checks per ID number and per mobile number are capped like the codes, so the
    // form is neither a free oracle nor a way to run up the bill.
    let now = state.clock.now();
    // Keyed hashes: the numbers are few enough to reverse a plain digest by trying them all.
    let keys = state.storage.data_keys();
    for key in [
        keys.lookup_hash(
            "real-name:id",
            &format!("{}:{}", id.id_type().code(), id.as_str()),
        ),
        keys.lookup_hash("real-name:mobile", mobile.as_str()),
    ] {
        let counted = state
            .storage
            .count_check(&key, now, REAL_NAME_WINDOW_MS)
            .await?;
        if counted.count > REAL_NAME_CHECKS_PER_DAY {
            tracing::info!("real-name check refused: daily cap");
            return Err(AppError::RateLimited(Text::new(Msg::CodeDailyLimit)));
        }
    }
    match check.check(name, id, mobile).await {
        crate::infra::RealNameOutcome::Match => Ok(()),
        crate::infra::RealNameOutcome::Mismatch => {
            tracing::info!("real-name check: no match, no code sent");
            Err(AppError::Refused(Text::new(Msg::RealNameMismatch)))
        }
        crate::infra::RealNameOutcome::Unavailable(why) => {
            tracing::warn!(%why, "real-name check unavailable, no code sent");
            Err(AppError::Refused(Text::new(Msg::RealNameUnavailable)))
        }
    }
}

/// Registration (用户注册), first step: validates every field and sends a code to the mobile
/// number. The answer is the same whether or not the ID number is registered: that is told
/// only to whoever proves the mobile number.
#[tracing::instrument(skip_all)]
pub async fn register(
    state: &AppState,
    _meta: &RequestMeta,
    form: RegisterForm,
) -> Result<Outcome, AppError> {
    let today = ymd(state.clock.today());
    let mut errors = Vec::new();
    let id_number = parse_id_document(&form.id_type, &form.id_number, today, &mut errors);
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

    check_real_name(state, &name, &id_number, &mobile).await?;
    let password_hash = hash_new_password(state, password).await?;
    let pending = PendingRegistration {
        id_type: id_number.id_type().code().to_string(),
        id_number: id_number.as_str().to_string(),
        name: name.as_str().to_string(),
        mobile: mobile.as_str().to_string(),
        password_hash,
    };
    let payload = serde_json::to_string(&pending).map_err(|e| crate::error::ssr::internal(&e))?;
    let ticket = codes::send(
        state,
        CodePurpose::Register,
        &mobile,
        &id_number,
        payload,
        true,
    )
    .await?;
    tracing::info!("registration code sent");
    Ok(Outcome::redirect(crate::urls::register_confirm(&ticket)))
}

/// Registration, second step: the code proves the mobile number. A new ID number gets its
/// account (and a session); a registered one gets no account, only the ways forward.
#[tracing::instrument(skip_all)]
pub async fn confirm_registration(
    state: &AppState,
    meta: &RequestMeta,
    form: ConfirmRegistrationForm,
) -> Result<Outcome, AppError> {
    if form.intent == CodeIntent::Resend {
        return resend(state, &form.ticket, CodePurpose::Register).await;
    }
    let stored = codes::redeem(state, &form.ticket, CodePurpose::Register, &form.code).await?;
    let pending: PendingRegistration =
        serde_json::from_str(&stored.payload).map_err(|e| crate::error::ssr::internal(&e))?;
    let id_type = IdType::from_code(&pending.id_type).ok_or(AppError::BadRequest)?;
    let holder = NewHolder {
        id_number: IdNumber::from_trusted(id_type, pending.id_number),
        name: crate::domain::HolderName::from_trusted(pending.name),
        mobile: Mobile::from_trusted(pending.mobile),
        password_hash: pending.password_hash,
        created_at: state.clock.now(),
    };
    let holder_id = match state.storage.insert_holder(&holder).await {
        Ok(id) => id,
        Err(StorageError::Conflict) => {
            tracing::info!("registration for a registered ID number: no account created");
            return Ok(Outcome::redirect(crate::urls::route::REGISTER_TAKEN));
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

/// What a password-reset code unlocks: the account, if the ID number and mobile matched one.
#[derive(Serialize, Deserialize)]
struct PendingReset {
    holder: i64,
    id_number: String,
}

/// 忘记密码, first step: the ID number and the registered mobile number. A code goes out only
/// when the two belong to one account, but the answer is the same either way.
#[tracing::instrument(skip_all)]
pub async fn forgot_password(
    state: &AppState,
    form: ForgotPasswordForm,
) -> Result<Outcome, AppError> {
    let today = ymd(state.clock.today());
    let mut errors = Vec::new();
    let id_number = parse_id_document(&form.id_type, &form.id_number, today, &mut errors);
    let mobile = Mobile::parse(&form.mobile)
        .map_err(|m| errors.push(field("mobile", m)))
        .ok();
    let (Some(id_number), Some(mobile), true) = (id_number, mobile, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let holder = state
        .storage
        .holder_by_login(&id_number)
        .await?
        .filter(|h| h.mobile == mobile);
    let payload = match &holder {
        Some(h) => serde_json::to_string(&PendingReset {
            holder: h.id.0,
            id_number: id_number.as_str().to_string(),
        })
        .map_err(|e| crate::error::ssr::internal(&e))?,
        None => String::new(),
    };
    let deliver = holder.is_some();
    let ticket = codes::send(
        state,
        CodePurpose::ResetPassword,
        &mobile,
        &id_number,
        payload,
        deliver,
    )
    .await?;
    tracing::info!(delivered = deliver, "password reset requested");
    Ok(Outcome::redirect(crate::urls::reset_password(&ticket)))
}

/// 忘记密码, second step: the code and a new password. Every session of the account ends and
/// its login locks are lifted (the owner has proved the mobile number).
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    state: &AppState,
    form: ResetPasswordForm,
) -> Result<Outcome, AppError> {
    if form.intent == CodeIntent::Resend {
        return resend(state, &form.ticket, CodePurpose::ResetPassword).await;
    }
    // The account (if any) is read without spending a try, for the password policy's
    // "not the ID number" rule.
    let Some(stored) = state.storage.code(&form.ticket, state.clock.now()).await? else {
        return Err(AppError::Refused(Text::new(Msg::CodeExpired)));
    };
    let pending = serde_json::from_str::<PendingReset>(&stored.payload).ok();
    let mut errors = Vec::new();
    let id_for_policy = pending.as_ref().map(|p| p.id_number.as_str());
    let password = NewPassword::parse(&form.password, id_for_policy)
        .map_err(|m| errors.push(field("password", m)))
        .ok();
    if password.is_some() && form.password2 != form.password {
        errors.push(field("password2", Msg::PasswordsDiffer));
    }
    let Some(password) = password.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    // An undelivered ticket never matches: `redeem` fails before `pending` is needed.
    codes::redeem(state, &form.ticket, CodePurpose::ResetPassword, &form.code).await?;
    let Some(pending) = pending else {
        return Err(AppError::Refused(Text::new(Msg::CodeExpired)));
    };
    let holder = HolderId(pending.holder);
    let hash = hash_new_password(state, password).await?;
    state.storage.update_password(holder, &hash).await?;
    let ended = state.storage.delete_other_sessions(holder, "").await?;
    let held = state.storage.holder(holder).await?;
    state
        .storage
        .clear_throttles_of(&account_key(state.storage.data_keys(), &held.id_number))
        .await?;
    tracing::info!(holder = holder.0, sessions_ended = ended, "password reset");
    Ok(Outcome::redirect(crate::urls::login_after_reset()))
}

/// Throttle keys are hashes: the table never holds an ID number or an address in clear. The
/// account's is keyed ([`DataKeys::lookup_hash`]): ID numbers are few enough to try them all.
///
/// [`DataKeys::lookup_hash`]: crate::storage::DataKeys::lookup_hash
pub(crate) fn account_key(keys: &crate::storage::DataKeys, id: &IdNumber) -> String {
    keys.lookup_hash(
        "account",
        &format!("{}:{}", id.id_type().code(), id.as_str()),
    )
}

/// The account's key, `/`, the address's: so that proving the mobile number can lift every
/// lock of the account at once ([`ThrottleStore::clear_throttles_of`]).
///
/// [`ThrottleStore::clear_throttles_of`]: crate::storage::ThrottleStore::clear_throttles_of
fn account_client_key(keys: &crate::storage::DataKeys, id: &IdNumber, client: &str) -> String {
    format!("{}/{}", account_key(keys, id), client_key(keys, client))
}

/// A client address's throttle key: keyed too, as all 2^32 IPv4 addresses are few.
fn client_key(keys: &crate::storage::DataKeys, client: &str) -> String {
    keys.lookup_hash("client", client)
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
    let id_number = parse_id_document(&form.id_type, &form.id_number, today, &mut errors);
    if form.password.is_empty() {
        errors.push(field("password", Msg::PasswordMissing));
    } else if form.password.chars().count() > crate::domain::contact::MAX_PASSWORD_CHARS {
        errors.push(field("password", Msg::PasswordTooLong));
    }
    let Some(id_number) = id_number.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };

    let now = state.clock.now();
    // An IPv6 client is counted by its /64, which one subscriber usually has to themselves.
    let client = meta.client.map(crate::infra::limit_key);
    // Per account from this address, per account from anywhere, per address: each attempt is
    // reserved before the password is checked.
    // The third field: whether a success clears the key (the account's) or only gives back
    // its own attempt (the address's, which keeps counting only failures).
    let keys = state.storage.data_keys();
    let mut throttles = vec![(account_key(keys, &id_number), ACCOUNT_THROTTLE, true)];
    if let Some(client) = &client {
        let account_client = account_client_key(keys, &id_number, client);
        throttles.insert(0, (account_client, ACCOUNT_FROM_CLIENT_THROTTLE, true));
        throttles.push((client_key(keys, client), CLIENT_THROTTLE, false));
    }
    for (key, policy, _) in &throttles {
        if let Err(until) = state.storage.reserve_attempt(key, now, *policy).await? {
            tracing::info!("login refused: throttled");
            return Err(locked(until));
        }
    }

    let holder = state.storage.holder_by_login(&id_number).await?;
    // An account an approved appeal locked: its owner is told why, once the password shows
    // that they are its owner (anyone else learns nothing).
    let locked_holder = match holder {
        Some(_) => None,
        None => state.storage.locked_holder_by_login(&id_number).await?,
    };
    let stored_hash = holder
        .as_ref()
        .or(locked_holder.as_ref())
        .map(|h| h.password_hash.clone())
        .unwrap_or_else(|| decoy_hash().to_string());
    let candidate = form.password.clone();
    let matches = state
        .hashing
        .run(move || verify_password(&stored_hash, &candidate))
        .await?;
    if let Some(locked) = locked_holder.filter(|_| matches) {
        tracing::info!(
            holder = locked.id.0,
            "login refused: account locked by an appeal"
        );
        return Err(AppError::Refused(Text::new(Msg::AccountLockedByAppeal)));
    }

    let Some(holder) = holder.filter(|_| matches) else {
        let mut locked_until = None;
        for (key, policy, _) in &throttles {
            let lock = state.storage.record_failure(key, now, *policy).await?;
            locked_until = locked_until.max(lock);
        }
        tracing::info!(locked = locked_until.is_some(), "login failed");
        return Err(match locked_until {
            Some(until) => locked(until),
            None => AppError::Refused(Text::new(Msg::LoginFailed)),
        });
    };

    for (key, _, clear) in &throttles {
        if *clear {
            state.storage.clear_throttle(key).await?;
        } else {
            state.storage.release_attempt(key).await?;
        }
    }
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

/// Checks the holder's current password before a change of the account. Wrong ones are
/// throttled like logins: a stolen session must not become a way to guess the password.
pub(super) async fn check_current_password(
    state: &AppState,
    holder: &crate::domain::Holder,
    current: &str,
) -> Result<(), AppError> {
    if current.is_empty() {
        return Err(AppError::field("current", Msg::PasswordMissing));
    }
    let key = password_change_key(holder.id);
    let now = state.clock.now();
    if let Err(until) = state
        .storage
        .reserve_attempt(&key, now, ACCOUNT_FROM_CLIENT_THROTTLE)
        .await?
    {
        return Err(locked(until));
    }
    let stored = holder.password_hash.clone();
    let current = current.to_string();
    let matches = state
        .hashing
        .run(move || verify_password(&stored, &current))
        .await?;
    if !matches {
        if let Some(until) = state
            .storage
            .record_failure(&key, now, ACCOUNT_FROM_CLIENT_THROTTLE)
            .await?
        {
            return Err(locked(until));
        }
        return Err(AppError::field("current", Msg::CurrentPasswordWrong));
    }
    state.storage.clear_throttle(&key).await?;
    Ok(())
}

/// The throttle of wrong current passwords on the account's changes.
pub(super) fn password_change_key(holder: HolderId) -> String {
    sha256_hex(format!("change-password:{}", holder.0).as_bytes())
}

/// What an account-change code unlocks: whose account, and the new value.
#[derive(Serialize, Deserialize)]
struct PendingChange {
    holder: i64,
    value: String,
}

/// The second half of both account-change requests: the current password, then a code to
/// `to` for a ticket that carries the new `value`.
async fn send_change_code(
    state: &AppState,
    holder: &crate::domain::Holder,
    current_password: &str,
    purpose: CodePurpose,
    to: &Mobile,
    value: &str,
) -> Result<Outcome, AppError> {
    check_current_password(state, holder, current_password).await?;
    let payload = serde_json::to_string(&PendingChange {
        holder: holder.id.0,
        value: value.to_string(),
    })
    .map_err(|e| crate::error::ssr::internal(&e))?;
    let ticket = codes::send(state, purpose, to, &holder.id_number, payload, true).await?;
    Ok(Outcome::redirect(crate::urls::account_confirm(&ticket)))
}

/// 更换手机号, first step: the current password and the new number, which gets a code.
#[tracing::instrument(skip_all)]
pub async fn request_mobile_change(
    state: &AppState,
    session: &ActiveSession,
    form: ChangeMobileForm,
) -> Result<Outcome, AppError> {
    let holder = state.storage.holder(session.holder).await?;
    let mobile = Mobile::parse(&form.mobile).map_err(|m| AppError::field("mobile", m))?;
    if mobile == holder.mobile {
        return Err(AppError::field("mobile", Msg::MobileUnchanged));
    }
    check_real_name(state, &holder.name, &holder.id_number, &mobile).await?;
    let to = mobile.clone();
    send_change_code(
        state,
        &holder,
        &form.current,
        CodePurpose::ChangeMobile,
        &to,
        mobile.as_str(),
    )
    .await
}

/// 更正姓名, first step: the current password and the name as the issuer's records now have
/// it; the code goes to the registered number. (The guide's "register again" cannot work: the
/// ID number is registered already.)
#[tracing::instrument(skip_all)]
pub async fn request_name_correction(
    state: &AppState,
    session: &ActiveSession,
    form: CorrectNameForm,
) -> Result<Outcome, AppError> {
    let holder = state.storage.holder(session.holder).await?;
    let name = HolderName::parse(&form.name).map_err(|m| AppError::field("name", m))?;
    if name == holder.name {
        return Err(AppError::field("name", Msg::NameUnchanged));
    }
    let to = holder.mobile.clone();
    send_change_code(
        state,
        &holder,
        &form.current,
        CodePurpose::CorrectName,
        &to,
        name.as_str(),
    )
    .await
}

/// The code that confirms a change of the account. A ticket of another holder's is treated as
/// one that does not exist.
#[tracing::instrument(skip_all)]
pub async fn confirm_account_change(
    state: &AppState,
    session: &ActiveSession,
    form: ConfirmAccountChangeForm,
) -> Result<Outcome, AppError> {
    let expired = || AppError::Refused(Text::new(Msg::CodeExpired));
    let stored = state
        .storage
        .code(&form.ticket, state.clock.now())
        .await?
        .ok_or_else(expired)?;
    let purpose = CodePurpose::from_code(&stored.purpose)
        .filter(|p| {
            matches!(
                p,
                CodePurpose::ChangeMobile | CodePurpose::CorrectName | CodePurpose::DeleteAccount
            )
        })
        .ok_or_else(expired)?;
    if purpose == CodePurpose::DeleteAccount {
        let pending: super::personal_data::PendingDeletion =
            serde_json::from_str(&stored.payload).map_err(|_| expired())?;
        if pending.holder != session.holder.0 {
            tracing::warn!(
                holder = session.holder.0,
                "another holder's deletion ticket"
            );
            return Err(expired());
        }
        if form.intent == CodeIntent::Resend {
            return resend(state, &form.ticket, purpose).await;
        }
        codes::redeem(state, &form.ticket, purpose, &form.code).await?;
        return super::personal_data::delete_account(state, session.holder).await;
    }
    let pending: PendingChange = serde_json::from_str(&stored.payload).map_err(|_| expired())?;
    if pending.holder != session.holder.0 {
        tracing::warn!(
            holder = session.holder.0,
            "another holder's account-change ticket"
        );
        return Err(expired());
    }
    if form.intent == CodeIntent::Resend {
        return resend(state, &form.ticket, purpose).await;
    }
    codes::redeem(state, &form.ticket, purpose, &form.code).await?;
    let holder = state.storage.holder(session.holder).await?;
    let (detail, action, before, after, done) = match purpose {
        CodePurpose::ChangeMobile => (
            crate::storage::HolderDetail::Mobile,
            "holder.mobile_changed",
            holder.mobile.masked(),
            Mobile::from_trusted(pending.value.clone()).masked(),
            "mobile",
        ),
        _ => (
            crate::storage::HolderDetail::Name,
            "holder.name_corrected",
            holder.name.as_str().to_string(),
            pending.value.clone(),
            "name",
        ),
    };
    let audit = crate::domain::AuditEntry {
        at: state.clock.now(),
        actor: format!("holder:{}", holder.id.0),
        action: action.to_string(),
        subject: format!("holder:{}", holder.id.0),
        detail: serde_json::json!({ "before": before, "after": after }).to_string(),
    };
    state
        .storage
        .update_holder_detail(holder.id, detail, &pending.value, &audit)
        .await?;
    tracing::info!(holder = holder.id.0, action, "account changed");
    Ok(Outcome::redirect(crate::urls::account_changed(done)))
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
    check_current_password(state, &holder, &form.current).await?;
    let hash = hash_new_password(state, password).await?;
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
