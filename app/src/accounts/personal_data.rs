//! The holder's rights over their personal data (PIPL): a copy of everything held about the
//! account (查阅复制, [`export`]) and the deletion of the account (个人信息删除,
//! [`request_deletion`], then the code through [`super::service::confirm_account_change`]).
//! What is deleted and what is kept is in `docs/domain.md`, "Deleting an account".

use super::codes;
use super::forms::DeleteAccountForm;
use super::service::{account_key, check_current_password, password_change_key, Outcome};
use crate::domain::time::{datetime, CHINA_OFFSET};
use crate::domain::{AuditEntry, CertificateStatus, HolderId, Millis};
use crate::error::AppError;
use crate::forms::FormDone;
use crate::infra::{sha256_hex, CodePurpose};
use crate::session::{clear_session_cookie, ActiveSession};
use crate::state::AppState;
use crate::storage::{HolderDeletion, StorageError};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The version of the export's layout; a change of its shape raises it.
pub const EXPORT_FORMAT: &str = "certportal.personal-data/1";

/// Exports per account and window: a copy is a heavy read, and a stolen session should not
/// become a bulk download.
pub const EXPORT_LIMIT: i64 = 10;
pub const EXPORT_WINDOW_MS: i64 = 60 * 60 * 1000;

/// Verification log entries per certificate in the export (the newest).
const LOG_ENTRIES_PER_CERTIFICATE: i64 = 10_000;

/// An instant as RFC 3339 in China time (`2026-01-01T08:00:00+08:00`).
fn instant(ms: Millis) -> String {
    datetime(ms)
        .to_offset(CHINA_OFFSET)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Everything the portal holds about the signed-in holder, as one JSON document: the account,
/// the certificates matched to it, its annotations, the verification log of those
/// certificates, the audit lines about the account and its sessions. Never a password hash,
/// a token hash or anything of another account. Limited to [`EXPORT_LIMIT`] an hour.
#[tracing::instrument(skip_all, fields(holder = session.holder.0))]
pub async fn export(state: &AppState, session: &ActiveSession) -> Result<Value, AppError> {
    let now = state.clock.now();
    let key = sha256_hex(format!("export:{}", session.holder.0).as_bytes());
    let counted = state
        .storage
        .count_check(&key, now, EXPORT_WINDOW_MS)
        .await?;
    if counted.count > EXPORT_LIMIT {
        let until = counted.window_start + EXPORT_WINDOW_MS;
        return Err(AppError::RateLimited(crate::i18n::Text::with(
            crate::i18n::Msg::ExportTooOften,
            [super::service::clock_time(until)],
        )));
    }
    let holder = state.storage.holder(session.holder).await?;
    let owner = crate::domain::Owner {
        id_number: holder.id_number.clone(),
        name: holder.name.clone(),
    };
    let mut certificates = Vec::new();
    let mut annotations = Vec::new();
    let mut verifications = Vec::new();
    for (certificate, file_count) in state.storage.certificates_of(&owner).await? {
        let r = &certificate.record;
        let (revoked_on, revoke_reason) = match &r.status {
            CertificateStatus::Valid => (None, None),
            CertificateStatus::Revoked { on, reason } => {
                (Some(on.to_string()), Some(reason.clone()))
            }
        };
        certificates.push(json!({
            "number": r.number,
            "holder_name": r.holder_name.as_str(),
            "holder_id_type": r.holder_id.id_type().code(),
            "holder_id_number": r.holder_id.as_str(),
            "qualification": r.qualification,
            "level": r.level,
            "specialty": r.specialty,
            "issued_on": r.issued_on.to_string(),
            "issuer": r.issuer,
            "electronic": r.electronic,
            "status": r.status.code(),
            "revoked_on": revoked_on,
            "revoke_reason": revoke_reason,
            "electronic_files": file_count,
        }));
        for a in state
            .storage
            .annotations_of_certificate(certificate.id)
            .await?
            .into_iter()
            // Only this account's own applications.
            .filter(|a| a.holder == holder.id)
        {
            annotations.push(json!({
                "certificate_number": r.number,
                "annotation_number": a.number,
                "code": a.code,
                "scenario": a.scenario.code(),
                "validity_days": a.validity.days(),
                "state": a.state.code(),
                "applied_at": instant(a.applied_at),
                "valid_from": a.valid_from.map(instant),
                "valid_until": a.valid_until.map(instant),
            }));
        }
        // Every line, however many come from one source (per_source = the whole limit).
        for line in state
            .storage
            .verifications_of_certificate(
                certificate.id,
                LOG_ENTRIES_PER_CERTIFICATE,
                LOG_ENTRIES_PER_CERTIFICATE,
            )
            .await?
        {
            let entry = line.record;
            verifications.push(json!({
                "certificate_number": r.number,
                "annotation_number": line.annotation_number,
                "at": instant(entry.at),
                "method": entry.method.code(),
                "verdict": entry.verdict.code(),
                "purpose": entry.purpose,
                "repeats": line.more,
            }));
        }
    }
    let audit: Vec<Value> = state
        .storage
        .audit_entries(&format!("holder:{}", holder.id.0))
        .await?
        .into_iter()
        .map(|e| {
            json!({
                "at": instant(e.at),
                "actor": e.actor,
                "action": e.action,
                "detail": serde_json::from_str::<Value>(&e.detail).unwrap_or(Value::Null),
            })
        })
        .collect();
    let sessions: Vec<Value> = state
        .storage
        .sessions_of(holder.id)
        .await?
        .into_iter()
        .map(|s| {
            json!({
                "created_at": instant(s.created_at),
                "last_seen_at": instant(s.last_seen_at),
                "expires_at": instant(s.expires_at),
            })
        })
        .collect();
    tracing::info!(certificates = certificates.len(), "personal data exported");
    Ok(json!({
        "format": EXPORT_FORMAT,
        "exported_at": instant(now),
        "account": {
            "name": holder.name.as_str(),
            "id_type": holder.id_number.id_type().code(),
            "id_number": holder.id_number.as_str(),
            "mobile": holder.mobile.as_str(),
            "created_at": instant(holder.created_at),
            "terms_version": holder.terms_version,
            "terms_accepted_at": holder.terms_accepted_at.map(instant),
        },
        "certificates": certificates,
        "annotations": annotations,
        "verification_log": verifications,
        "audit_log": audit,
        "sessions": sessions,
    }))
}

/// The export's file name: the day in China, never the person's name or number.
pub fn export_file_name(now: Millis) -> String {
    let day = datetime(now).to_offset(CHINA_OFFSET).date();
    format!("personal-data-{day}.json")
}

/// What a deletion code unlocks: whose account. The holder id comes first in the payload,
/// as in every account code, so that a deletion can find the account's pending codes.
#[derive(Serialize, Deserialize)]
pub(super) struct PendingDeletion {
    pub holder: i64,
}

/// 注销账号, first step: the current password (throttled like a login), then a code to the
/// registered mobile number; the confirm page takes the code.
#[tracing::instrument(skip_all, fields(holder = session.holder.0))]
pub async fn request_deletion(
    state: &AppState,
    session: &ActiveSession,
    form: DeleteAccountForm,
) -> Result<Outcome, AppError> {
    let holder = state.storage.holder(session.holder).await?;
    check_current_password(state, &holder, &form.current).await?;
    let payload = serde_json::to_string(&PendingDeletion {
        holder: holder.id.0,
    })
    .map_err(|e| crate::error::ssr::internal(&e))?;
    let ticket = codes::send(
        state,
        CodePurpose::DeleteAccount,
        &holder.mobile,
        &holder.id_number,
        payload,
        true,
    )
    .await?;
    tracing::info!("account deletion code sent");
    Ok(Outcome {
        done: FormDone::redirect(crate::urls::account_confirm(&ticket)),
        cookies: Vec::new(),
    })
}

/// The deletion itself, once the code is proven: one transaction (storage's
/// `delete_holder`), then this browser's session cookie is cleared and the home page says so.
pub(super) async fn delete_account(state: &AppState, id: HolderId) -> Result<Outcome, AppError> {
    let holder = state.storage.holder(id).await?;
    let now = state.clock.now();
    let pseudonym = format!("deleted:{}", crate::infra::new_public_id());
    let audit = AuditEntry {
        at: now,
        actor: pseudonym.clone(),
        action: "holder.deleted".to_string(),
        subject: pseudonym.clone(),
        detail: json!({ "by": "holder", "proof": "password+sms_code" }).to_string(),
    };
    let throttle_keys = [
        account_key(state.storage.data_keys(), &holder.id_number),
        password_change_key(id),
    ];
    let summary = match state
        .storage
        .delete_holder(&HolderDeletion {
            holder: id,
            now,
            throttle_keys: &throttle_keys,
            mobile: holder.mobile.as_str(),
            pseudonym: &pseudonym,
            audit: &audit,
        })
        .await
    {
        Ok(summary) => summary,
        // Deleted a moment ago by another request of the same holder.
        Err(StorageError::NotFound) => Default::default(),
        Err(other) => return Err(other.into()),
    };
    tracing::info!(
        copies_withdrawn = summary.copies_withdrawn,
        sessions_ended = summary.sessions_ended,
        audit_lines_anonymised = summary.audit_lines_anonymised,
        "account deleted"
    );
    Ok(Outcome {
        done: FormDone::redirect(crate::urls::home_after_deletion()),
        cookies: vec![clear_session_cookie(state)],
    })
}
