//! 账号申诉 on the server: the submission (fields and ID photo, then a code to the given
//! mobile number), filing with the code, the appellant's status lookup, and the operator's
//! decisions. The plain form posts and the operator commands call these.

use super::forms::{AppealForm, AppealStatusForm, ConfirmAppealForm};
use super::views::AppealStatusView;
use crate::accounts::codes;
use crate::accounts::forms::CodeIntent;
use crate::accounts::service::{account_key, clock_time, field, parse_id_document, ymd, Outcome};
use crate::domain::appeal::{
    appeal_number_from, parse_appeal_number, parse_statement, Appeal, AppealDecided,
    AppealDecision, AppealState, NewAppealDraft, PhotoType, MAX_PHOTO_BYTES,
};
use crate::domain::time::china_minute;
use crate::domain::{HolderName, Millis, Mobile};
use crate::error::AppError;
use crate::forms::FormDone;
use crate::i18n::{Msg, Text};
use crate::infra::{CodePurpose, LimitKind};
use crate::state::AppState;
use crate::storage::{DynStorage, StorageError};
use std::net::IpAddr;

/// The operator's reason for a rejection may have at most this many characters (it is shown
/// to the appellant).
pub const MAX_REASON_CHARS: usize = 500;

fn rate_limited(retry_at: Millis) -> AppError {
    AppError::RateLimited(Text::with(Msg::AppealRateLimited, [clock_time(retry_at)]))
}

async fn limit(state: &AppState, client: Option<IpAddr>, kind: LimitKind) -> Result<(), AppError> {
    match client {
        Some(ip) => crate::infra::count_check(&state.storage, ip, kind, state.clock.now())
            .await?
            .map_err(rate_limited),
        None => Ok(()),
    }
}

/// Proof that a submission was counted against the client's limit: [`admit_submission`] makes
/// one, before the upload is read, and [`submit`] takes one.
#[derive(Debug)]
pub struct AdmittedAppeal(());

/// Counts an appeal of `client` against its limit, before its upload is read.
pub async fn admit_submission(
    state: &AppState,
    client: Option<IpAddr>,
) -> Result<AdmittedAppeal, AppError> {
    limit(state, client, LimitKind::Appeal).await?;
    Ok(AdmittedAppeal(()))
}

/// The appeal's first step: every field checked (each mistake at its field), the photo's
/// type told by its bytes; then a code goes to the mobile number and the appeal waits as a
/// draft with its photo. Nothing is filed until the code comes back.
#[tracing::instrument(skip_all, fields(photo_size = photo.len()))]
pub async fn submit(
    state: &AppState,
    _admitted: AdmittedAppeal,
    form: AppealForm,
    photo: &[u8],
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
    let statement = parse_statement(&form.statement)
        .map_err(|m| errors.push(field("statement", m)))
        .ok();
    let photo_type = if photo.len() > MAX_PHOTO_BYTES {
        errors.push(field("photo", Msg::AppealPhotoTooLarge));
        None
    } else {
        PhotoType::detect(photo)
            .map_err(|m| errors.push(field("photo", m)))
            .ok()
    };
    let (Some(id_number), Some(name), Some(mobile), Some(statement), Some(photo_type), true) = (
        id_number,
        name,
        mobile,
        statement,
        photo_type,
        errors.is_empty(),
    ) else {
        return Err(AppError::Invalid(errors));
    };
    // The payload only marks the ticket deliverable (for resending); the draft is found by
    // its ticket.
    let ticket = codes::send(
        state,
        CodePurpose::Appeal,
        &mobile,
        &id_number,
        "appeal".to_string(),
        true,
    )
    .await?;
    let draft = NewAppealDraft {
        ticket: ticket.clone(),
        id_number,
        name,
        mobile,
        statement,
        photo_type,
        created_at: state.clock.now(),
    };
    let id = state.storage.insert_appeal_draft(&draft, photo).await?;
    tracing::info!(draft = id, "appeal submitted, code sent");
    Ok(Outcome {
        done: FormDone::redirect(crate::urls::appeal_confirm(&ticket)),
        cookies: Vec::new(),
    })
}

/// The appeal's second step: the code files it. An ID number without an account needs no
/// appeal (the appellant may simply register); an ID number with an appeal being handled
/// gets no second one.
#[tracing::instrument(skip_all)]
pub async fn confirm(state: &AppState, form: ConfirmAppealForm) -> Result<Outcome, AppError> {
    if form.intent == CodeIntent::Resend {
        codes::resend(state, &form.ticket, CodePurpose::Appeal).await?;
        return Ok(Outcome {
            done: FormDone::message(Msg::CodeResent),
            cookies: Vec::new(),
        });
    }
    codes::redeem(state, &form.ticket, CodePurpose::Appeal, &form.code).await?;
    let Some(draft) = state.storage.appeal_draft(&form.ticket).await? else {
        return Err(AppError::Refused(Text::new(Msg::CodeExpired)));
    };
    if state
        .storage
        .holder_by_login(&draft.id_number)
        .await?
        .is_none()
    {
        state.storage.delete_appeal_draft(draft.id).await?;
        tracing::info!("appeal for an unregistered ID number: not filed");
        return Ok(Outcome {
            done: FormDone::redirect(crate::urls::appeal_unregistered()),
            cookies: Vec::new(),
        });
    }
    let number = new_appeal_number();
    match state
        .storage
        .file_appeal(draft.id, &number, state.clock.now())
        .await
    {
        Ok(()) => {}
        Err(StorageError::Conflict) => {
            state.storage.delete_appeal_draft(draft.id).await?;
            tracing::info!("appeal refused: another one is pending for the ID number");
            return Err(AppError::Refused(Text::new(Msg::AppealAlreadyOpen)));
        }
        Err(StorageError::NotFound) => {
            return Err(AppError::Refused(Text::new(Msg::CodeExpired)));
        }
        Err(other) => return Err(other.into()),
    }
    tracing::info!(appeal = draft.id, "appeal filed");
    Ok(Outcome {
        done: FormDone::redirect(crate::urls::appeal_filed(&number)),
        cookies: Vec::new(),
    })
}

fn new_appeal_number() -> String {
    use rand::RngCore;
    appeal_number_from(rand::rngs::OsRng.next_u64())
}

/// 申诉进度查询: the appeal number and the ID document it was filed for. Any combination that
/// does not name a filed appeal answers exactly like a missing one.
#[tracing::instrument(skip_all)]
pub async fn status(
    state: &AppState,
    client: Option<IpAddr>,
    form: AppealStatusForm,
) -> Result<AppealStatusView, AppError> {
    limit(state, client, LimitKind::AppealStatus).await?;
    let today = ymd(state.clock.today());
    let mut errors = Vec::new();
    if form.number.trim().is_empty() {
        errors.push(field("number", Msg::AppealNumberMissing));
    }
    let id_number = parse_id_document(&form.id_type, &form.id_number, today, &mut errors);
    let Some(id_number) = id_number.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let not_found = || AppError::Refused(Text::new(Msg::AppealNotFound));
    let number = parse_appeal_number(&form.number).ok_or_else(not_found)?;
    let appeal = state
        .storage
        .appeal_by_number(&number)
        .await?
        .filter(|a| a.id_number == id_number)
        .ok_or_else(not_found)?;
    Ok(status_view(&appeal))
}

fn status_view(appeal: &Appeal) -> AppealStatusView {
    AppealStatusView {
        number: appeal.number.clone().unwrap_or_default(),
        state: appeal.state,
        filed_at: appeal.filed_at.map(china_minute).unwrap_or_default(),
        decided_at: appeal.decided_at.map(china_minute),
        reason: match appeal.state {
            AppealState::Rejected => appeal.decision_note.clone(),
            _ => None,
        },
    }
}

/// Why an operator's decision was not made.
#[derive(Debug, thiserror::Error)]
pub enum DecisionError {
    #[error("there is no filed appeal {0}")]
    NotFound(i64),
    #[error("appeal {0} is decided already")]
    Decided(i64),
    #[error(
        "the reason is required (at most {MAX_REASON_CHARS} characters, shown to the appellant)"
    )]
    BadReason,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The operator's decision (`server appeals approve|reject`), audited in the same
/// transaction. Approval locks the account that holds the ID number and ends its sessions;
/// its login locks are lifted, so that the appellant's new account starts clean.
pub async fn decide(
    storage: &DynStorage,
    id: i64,
    decision: AppealDecision,
    actor: &str,
    now: Millis,
) -> Result<AppealDecided, DecisionError> {
    let decision = match decision {
        AppealDecision::Reject { reason } => {
            let reason = reason.trim().to_string();
            if reason.is_empty()
                || reason.chars().count() > MAX_REASON_CHARS
                || reason.chars().any(|c| c.is_control() && c != '\n')
            {
                return Err(DecisionError::BadReason);
            }
            AppealDecision::Reject { reason }
        }
        AppealDecision::Approve { note } => AppealDecision::Approve {
            note: note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
        },
    };
    let decided = match storage.decide_appeal(id, &decision, actor, now).await {
        Ok(decided) => decided,
        Err(StorageError::NotFound) => return Err(DecisionError::NotFound(id)),
        Err(StorageError::Conflict) => return Err(DecisionError::Decided(id)),
        Err(other) => return Err(other.into()),
    };
    if matches!(decision, AppealDecision::Approve { .. }) {
        if let Some(appeal) = storage.appeal(id).await? {
            storage
                .clear_throttles_of(&account_key(storage.data_keys(), &appeal.id_number))
                .await?;
        }
    }
    Ok(decided)
}
