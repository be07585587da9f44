//! The annotation actions on the server. Ownership, revocation, the cut-off and expiry are
//! checked here on every request; the 3-in-90-days limit is checked by storage inside the
//! transaction that records the application.

use super::forms::{ApplyForm, CancelForm};
use super::views::*;
use crate::accounts::service::Outcome;
use crate::certificates::service::certificate_view;
use crate::certificates::views::ECertificate;
use crate::domain::annotation::{is_current, quota_of, Quota, Scenario, ValidityDays, WINDOW_DAYS};
use crate::domain::time::china_minute;
use crate::domain::{
    Annotation, AnnotationState, ApplyOutcome, Certificate, CertificateStatus, NewAnnotation,
};
use crate::error::{AppError, FieldError};
use crate::forms::FormDone;
use crate::i18n::{Msg, Text};
use crate::session::ActiveSession;
use crate::state::AppState;
use crate::storage::StorageError;

/// The holder's certificate by public id, or `NotFound` whoever else asks.
async fn owned_certificate(
    state: &AppState,
    session: &ActiveSession,
    public_id: &str,
) -> Result<Certificate, AppError> {
    state
        .storage
        .certificate_of(&session.owner, public_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// How an annotation reads at `now`.
/// How the holder sees an annotation of `certificate` at `now`: a copy of a revoked certificate
/// is unusable whatever its own state.
pub fn annotation_view(a: &Annotation, certificate: &Certificate, now: i64) -> AnnotationView {
    let revoked = certificate.record.status != CertificateStatus::Valid;
    let status = match (a.state, a.valid_from, a.valid_until) {
        _ if revoked => AnnotationStatus::CertificateRevoked,
        _ if a.cancelled_at.is_some() => AnnotationStatus::Cancelled {
            at: a.cancelled_at.map(china_minute).unwrap_or_default(),
        },
        (AnnotationState::Queued, _, _) => AnnotationStatus::Generating,
        (AnnotationState::Failed, _, _) => AnnotationStatus::Failed,
        (AnnotationState::Ready, Some(from), Some(until)) if is_current(until, now) => {
            AnnotationStatus::Ready {
                valid_from: china_minute(from),
                valid_until: china_minute(until),
            }
        }
        (AnnotationState::Ready, _, until) => AnnotationStatus::Expired {
            valid_until: until.map(china_minute).unwrap_or_default(),
        },
    };
    AnnotationView {
        code: a.code.clone(),
        number: a.number.clone(),
        scenario: a.scenario,
        validity_days: a.validity.days(),
        applied_at: china_minute(a.applied_at),
        status,
    }
}

fn quota_view(state: &AppState, annotations: &[Annotation]) -> QuotaView {
    let days = annotations.iter().map(|a| (a.state, a.applied_on));
    match quota_of(days, state.clock.today()) {
        Quota::Open { remaining } => QuotaView {
            remaining,
            next_possible: None,
        },
        Quota::Reached { next_possible } => QuotaView {
            remaining: 0,
            next_possible: Some(next_possible.to_string()),
        },
    }
}

/// The e-certificate section of the download page: the annotations and the limit.
pub async fn overview(
    state: &AppState,
    session: &ActiveSession,
    certificate_id: &str,
) -> Result<AnnotationOverview, AppError> {
    let certificate = owned_certificate(state, session, certificate_id).await?;
    let annotations = state
        .storage
        .annotations_of_certificate(certificate.id)
        .await?;
    let now = state.clock.now();
    Ok(AnnotationOverview {
        certificate: certificate_view(state, &certificate, 0),
        quota: quota_view(state, &annotations),
        annotations: annotations
            .iter()
            .map(|a| annotation_view(a, &certificate, now))
            .collect(),
    })
}

fn new_annotation_number(applied_on: time::Date) -> String {
    use rand::Rng;
    format!(
        "JZ{:04}{:02}{:02}{:08}",
        applied_on.year(),
        applied_on.month() as u8,
        applied_on.day(),
        rand::thread_rng().gen_range(0..100_000_000u32)
    )
}

/// [提交加注申请]: validates the form, checks the certificate can be annotated, and queues the
/// annotation (or refuses with the day a new one becomes possible).
#[tracing::instrument(skip_all)]
pub async fn apply(
    state: &AppState,
    session: &ActiveSession,
    form: ApplyForm,
) -> Result<Outcome, AppError> {
    let mut errors = Vec::new();
    let scenario = Scenario::parse(&form.scenario)
        .map_err(|m| {
            errors.push(FieldError {
                field: "scenario".into(),
                text: m.into(),
            })
        })
        .ok();
    let validity = ValidityDays::parse(form.chosen_validity())
        .map_err(|m| {
            errors.push(FieldError {
                field: "validity_days".into(),
                text: m.into(),
            })
        })
        .ok();
    let certificate = owned_certificate(state, session, &form.certificate).await?;
    let (Some(scenario), Some(validity)) = (scenario, validity) else {
        return Err(AppError::Invalid(errors));
    };
    if certificate.record.status != CertificateStatus::Valid {
        return Err(AppError::Refused(Text::new(Msg::AnnotateRevokedRefused)));
    }
    if certificate.e_certificate(state.settings.annotation_cutoff) != ECertificate::NeedsAnnotation
    {
        return Err(AppError::Refused(Text::with(
            Msg::AnnotateNotNeeded,
            [state.settings.annotation_cutoff.to_string()],
        )));
    }
    let now = state.clock.now();
    let today = state.clock.today();
    // A clash of the random number or code is astronomically rare: three attempts (two
    // retries) make a failure practically impossible.
    for _ in 0..3 {
        let new = NewAnnotation {
            code: crate::infra::new_public_id(),
            number: new_annotation_number(today),
            certificate: certificate.id,
            holder: session.holder,
            scenario,
            validity,
            applied_at: now,
            applied_on: today,
        };
        match state.storage.apply_annotation(&new).await {
            Ok(ApplyOutcome::Applied(annotation)) => {
                tracing::info!(annotation = annotation.id.0, "annotation queued");
                state.jobs.notify_one();
                return Ok(Outcome {
                    done: FormDone::redirect(crate::urls::certificate_annotations(
                        &certificate.public_id,
                    )),
                    cookies: Vec::new(),
                });
            }
            Ok(ApplyOutcome::QuotaReached { next_possible }) => {
                return Err(AppError::Refused(Text::with(
                    Msg::QuotaReached,
                    [WINDOW_DAYS.to_string(), next_possible.to_string()],
                )));
            }
            Err(StorageError::Conflict) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(crate::error::ssr::internal(&std::io::Error::other(
        "could not allocate a unique annotation number",
    )))
}

/// An annotated copy the holder may use now: theirs, its certificate standing, produced, and
/// within its validity. Checked on every view and download.
pub async fn usable_copy(
    state: &AppState,
    session: &ActiveSession,
    code: &str,
) -> Result<(Annotation, Certificate), AppError> {
    let (annotation, certificate) = state
        .storage
        .annotation_with_certificate(code)
        .await?
        .ok_or(AppError::NotFound)?;
    let record = &certificate.record;
    if record.holder_id != session.owner.id_number || record.holder_name != session.owner.name {
        return Err(AppError::NotFound);
    }
    in_use(state, &annotation, &certificate)?;
    Ok((annotation, certificate))
}

/// Whether a copy may be used now, whoever asks: its certificate standing, produced, and
/// within its validity; else the refusal that says why. The owner's checks are
/// [`usable_copy`]'s; a wallet link carries its owner's tag instead.
pub fn in_use(
    state: &AppState,
    annotation: &Annotation,
    certificate: &Certificate,
) -> Result<(), AppError> {
    match annotation_view(annotation, certificate, state.clock.now()).status {
        AnnotationStatus::Ready { .. } => Ok(()),
        AnnotationStatus::CertificateRevoked => {
            Err(AppError::Refused(Text::new(Msg::AnnotateRevokedRefused)))
        }
        AnnotationStatus::Generating => Err(AppError::Refused(Text::new(Msg::CopyGenerating))),
        AnnotationStatus::Failed => Err(AppError::Refused(Text::new(Msg::CopyFailed))),
        AnnotationStatus::Expired { .. } => Err(AppError::Refused(Text::new(Msg::CopyExpired))),
        AnnotationStatus::Cancelled { .. } => Err(AppError::Refused(Text::new(Msg::CopyCancelled))),
    }
}

/// 作废: the holder cancels a ready copy early (one sent to the wrong party, say). From then on
/// it cannot be viewed or downloaded and verifies as cancelled by its holder; it still counts
/// toward the 3-in-90-days rule, so cancelling is no way around it (docs/domain.md).
pub async fn cancel(
    state: &AppState,
    session: &ActiveSession,
    form: CancelForm,
) -> Result<Outcome, AppError> {
    let code = form.code.as_str();
    let (annotation, _) = usable_copy(state, session, code).await?;
    let now = state.clock.now();
    let audit = crate::domain::AuditEntry {
        at: now,
        actor: format!("holder:{}", session.holder.0),
        action: "annotation.cancel".into(),
        subject: format!("annotation:{}", annotation.number),
        detail: serde_json::json!({ "code": annotation.code }).to_string(),
    };
    let cancelled = state
        .storage
        .cancel_annotation(annotation.id, session.holder, now, &audit)
        .await?;
    if cancelled {
        tracing::info!(annotation = annotation.id.0, "copy cancelled by its holder");
        Ok(Outcome {
            done: FormDone::redirect(crate::urls::annotation(code)),
            cookies: Vec::new(),
        })
    } else {
        // Cancelled meanwhile by another request, or not this holder's application.
        Err(AppError::Refused(Text::new(Msg::CopyCancelled)))
    }
}

/// The annotated-copy page: the annotation's state whatever it is (the page explains it).
pub async fn details(
    state: &AppState,
    session: &ActiveSession,
    code: &str,
) -> Result<AnnotationDetails, AppError> {
    let (annotation, certificate) = state
        .storage
        .annotation_with_certificate(code)
        .await?
        .ok_or(AppError::NotFound)?;
    let record = &certificate.record;
    if record.holder_id != session.owner.id_number || record.holder_name != session.owner.name {
        return Err(AppError::NotFound);
    }
    let now = state.clock.now();
    let view = annotation_view(&annotation, &certificate, now);
    let wallet = matches!(view.status, AnnotationStatus::Ready { .. }).then(|| {
        let token = crate::credentials::WalletLink::new(&annotation.code, now)
            .token(state.storage.data_keys());
        WalletOffer {
            url: crate::urls::wallet_credential_at(&state.settings.public_url, &token),
            qr: crate::urls::wallet_credential_qr(&token),
            minutes: crate::credentials::WALLET_LINK_MINUTES,
        }
    });
    Ok(AnnotationDetails {
        certificate: certificate_view(state, &certificate, 0),
        annotation: view,
        verify_url: crate::urls::verify_code_at(&state.settings.public_url, &annotation.code),
        wallet,
    })
}
