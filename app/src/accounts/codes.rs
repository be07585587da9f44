//! One-time codes to a mobile number: sent with limits, stored hashed, checked with a bounded
//! number of tries, used once. Registration and password reset are built on them.

use crate::domain::{IdNumber, Millis, Mobile};
use crate::error::AppError;
use crate::i18n::{Msg, Text};
use crate::infra::{sha256_hex, CodePurpose};
use crate::state::AppState;
use crate::storage::{DataKeys, SendLimit, StoredCode};

/// A code is valid for five minutes…
pub const CODE_VALIDITY_MS: Millis = 5 * 60 * 1000;
/// …allows five tries…
pub const MAX_TRIES: i32 = 5;
/// …and another can be asked for after a minute.
pub const RESEND_AFTER_MS: Millis = 60 * 1000;
/// At most this many codes go to one mobile number per day…
pub const PER_MOBILE_PER_DAY: i64 = 10;
/// …and for one ID number, whatever the mobile number.
pub const PER_ID_PER_DAY: i64 = 10;

const MOBILE_LIMIT: SendLimit = SendLimit {
    per_day: PER_MOBILE_PER_DAY,
    min_interval_ms: RESEND_AFTER_MS,
};
const ID_LIMIT: SendLimit = SendLimit {
    per_day: PER_ID_PER_DAY,
    min_interval_ms: 0,
};

/// The key the limits of a mobile number are counted under: a hash, not the number.
fn mobile_key(keys: &DataKeys, mobile: &str) -> String {
    keys.lookup_hash("code-mobile", mobile)
}

fn id_key(keys: &DataKeys, id: &IdNumber) -> String {
    keys.lookup_hash(
        "code-id",
        &format!("{}:{}", id.id_type().code(), id.as_str()),
    )
}

/// The stored form of a code: salted with its ticket, so equal codes hash differently.
fn code_hash(ticket: &str, code: &str) -> String {
    sha256_hex(format!("{ticket}:{code}").as_bytes())
}

fn new_code() -> String {
    use rand::Rng;
    format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32))
}

/// The China calendar day of `now`, for the daily caps.
fn china_day(now: Millis) -> i64 {
    (now + 8 * 60 * 60 * 1000).div_euclid(24 * 60 * 60 * 1000)
}

fn too_soon(retry_at: Millis) -> AppError {
    AppError::RateLimited(Text::with(
        Msg::CodeTooSoon,
        [super::service::clock_time(retry_at)],
    ))
}

/// Counts a code against the limits of `mobile` and `id`; refuses when either is used up.
async fn reserve(state: &AppState, mobile: &str, id: Option<&IdNumber>) -> Result<(), AppError> {
    let now = state.clock.now();
    let day = china_day(now);
    let key = mobile_key(state.storage.data_keys(), mobile);
    if !state
        .storage
        .reserve_code_send(&key, day, now, MOBILE_LIMIT)
        .await?
    {
        let last = state.storage.last_code_sent_at(&key).await?.unwrap_or(now);
        return Err(if last + RESEND_AFTER_MS > now {
            too_soon(last + RESEND_AFTER_MS)
        } else {
            AppError::RateLimited(Text::new(Msg::CodeDailyLimit))
        });
    }
    if let Some(id) = id {
        if !state
            .storage
            .reserve_code_send(&id_key(state.storage.data_keys(), id), day, now, ID_LIMIT)
            .await?
        {
            return Err(AppError::RateLimited(Text::new(Msg::CodeDailyLimit)));
        }
    }
    Ok(())
}

/// Sends a new code for `purpose` to `mobile` and returns the ticket that names it. With
/// `deliver` false nothing is sent (the request must not learn that, e.g. that an ID number
/// and mobile do not belong together), but the ticket exists and no code will ever match.
pub async fn send(
    state: &AppState,
    purpose: CodePurpose,
    mobile: &Mobile,
    id: &IdNumber,
    payload: String,
    deliver: bool,
) -> Result<String, AppError> {
    reserve(state, mobile.as_str(), Some(id)).await?;
    let ticket = crate::infra::new_public_id();
    let code = new_code();
    let now = state.clock.now();
    let stored = StoredCode {
        ticket: ticket.clone(),
        purpose: purpose.code().to_string(),
        mobile: mobile.as_str().to_string(),
        // An undelivered ticket gets the hash of a random string that is not a code.
        code_hash: if deliver {
            code_hash(&ticket, &code)
        } else {
            sha256_hex(crate::infra::new_public_id().as_bytes())
        },
        payload,
        expires_at: now + CODE_VALIDITY_MS,
        tries: 0,
    };
    state.storage.insert_code(&stored, now).await?;
    if deliver {
        deliver_code(state, mobile.as_str(), &code, purpose).await?;
    }
    Ok(ticket)
}

async fn deliver_code(
    state: &AppState,
    mobile: &str,
    code: &str,
    purpose: CodePurpose,
) -> Result<(), AppError> {
    state
        .messages
        .send_code(mobile, code, purpose)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, gateway = state.messages.name(), "code not sent");
            AppError::Refused(Text::new(Msg::CodeNotSent))
        })
}

/// Sends a new code for an existing ticket (重新获取), after the resend interval.
pub async fn resend(state: &AppState, ticket: &str, purpose: CodePurpose) -> Result<(), AppError> {
    let now = state.clock.now();
    let Some(stored) = state
        .storage
        .code(ticket, now)
        .await?
        .filter(|c| c.purpose == purpose.code())
    else {
        return Err(AppError::Refused(Text::new(Msg::CodeExpired)));
    };
    reserve(state, &stored.mobile, None).await?;
    let code = new_code();
    // An undelivered ticket stays undeliverable: its payload names no account.
    let deliverable = !stored.payload.is_empty();
    let hash = if deliverable {
        code_hash(ticket, &code)
    } else {
        sha256_hex(crate::infra::new_public_id().as_bytes())
    };
    if !state
        .storage
        .replace_code(ticket, &hash, now, now + CODE_VALIDITY_MS)
        .await?
    {
        return Err(AppError::Refused(Text::new(Msg::CodeExpired)));
    }
    if deliverable {
        deliver_code(state, &stored.mobile, &code, purpose).await?;
    }
    Ok(())
}

/// Checks `code` against the ticket and uses the ticket up. Returns what the code unlocks.
pub async fn redeem(
    state: &AppState,
    ticket: &str,
    purpose: CodePurpose,
    code: &str,
) -> Result<StoredCode, AppError> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::field("code", Msg::CodeFormat));
    }
    let now = state.clock.now();
    let Some(stored) = state
        .storage
        .take_code_try(ticket, purpose.code(), now, i64::from(MAX_TRIES))
        .await?
    else {
        return Err(AppError::Refused(Text::new(Msg::CodeExpired)));
    };
    if stored.code_hash != code_hash(ticket, code) {
        // `tries` already counts this one.
        let left = (MAX_TRIES - stored.tries).max(0);
        tracing::info!(tries_left = left, "wrong code");
        return Err(if left == 0 {
            AppError::Refused(Text::new(Msg::CodeExpired))
        } else {
            AppError::field("code", Text::with(Msg::CodeWrong, [left.to_string()]))
        });
    }
    if !state.storage.use_code(ticket, now).await? {
        return Err(AppError::Refused(Text::new(Msg::CodeExpired)));
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_hashes_are_salted_by_the_ticket() {
        for _ in 0..100 {
            let code = new_code();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
        assert_ne!(code_hash("a", "123456"), code_hash("b", "123456"));
    }

    #[test]
    fn days_are_counted_in_china() {
        // 2026-01-01T15:59:59Z is 23:59:59 in Beijing; a second later it is the next day.
        let before = 1_767_283_199_000;
        assert_eq!(china_day(before) + 1, china_day(before + 1000));
    }

    #[test]
    fn limit_keys_never_hold_the_number() {
        let keys = DataKeys::parse(&DataKeys::generate_text()).unwrap();
        let other = DataKeys::parse(&DataKeys::generate_text()).unwrap();
        assert!(!mobile_key(&keys, "13912345678").contains("13912345678"));
        assert_eq!(mobile_key(&keys, "13912345678").len(), 64);
        assert_ne!(
            mobile_key(&keys, "13912345678"),
            mobile_key(&other, "13912345678"),
            "keyed: a table of every number's hash cannot be made without the key"
        );
    }
}
