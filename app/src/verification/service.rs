//! Verification on the server. The three ways in end in one verdict function; a check that
//! finds nothing answers exactly like one whose name or number does not match, so the
//! manual check cannot be used to find out who holds what.

use super::forms::ManualCheckForm;
use super::views::*;
use crate::accounts::service::ActiveSession;
use crate::certificates::views::ECertificate;
use crate::domain::annotation::is_current;
use crate::domain::HolderName;
use crate::error::AppError;
use crate::i18n::{Msg, Text};
use crate::state::{china_minute, AppState, CHINA_OFFSET};
use crate::storage::{
    Annotation, AnnotationState, Certificate, CertificateStatus, Millis, VerificationRecord,
};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// The largest upload accepted for checking; a signed copy is under 60 KB.
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

/// Manual checks per client address and window…
pub const MANUAL_LIMIT: u32 = 20;
/// …and file checks (heavier: the signature is verified).
pub const FILE_LIMIT: u32 = 10;
/// The window both limits count in.
pub const LIMIT_WINDOW_MS: i64 = 10 * 60 * 1000;

/// Verifications waiting to be written to the log. Checks only enqueue (a verification by
/// code must stay a single read); the server's log writer stores them in batches.
#[derive(Debug)]
pub struct VerificationQueue {
    tx: tokio::sync::mpsc::UnboundedSender<VerificationRecord>,
    rx: Mutex<Option<tokio::sync::mpsc::UnboundedReceiver<VerificationRecord>>>,
}

impl Default for VerificationQueue {
    fn default() -> Self {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        VerificationQueue {
            tx,
            rx: Mutex::new(Some(rx)),
        }
    }
}

impl VerificationQueue {
    pub fn record(&self, record: VerificationRecord) {
        // Only fails when the writer has stopped (shutdown); the check itself still answers.
        let _ = self.tx.send(record);
    }

    /// The receiving end, for the one log writer.
    pub fn take_receiver(
        &self,
    ) -> Option<tokio::sync::mpsc::UnboundedReceiver<VerificationRecord>> {
        self.rx.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// Which limit a check counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LimitKind {
    Manual,
    File,
}

/// Per-address counters in memory: checks are cheap to count and need no database write.
/// (Several server processes each count their own share; the limit is about a flood from
/// one address, which a load balancer spreads over them.)
#[derive(Debug, Default)]
pub struct RateLimits {
    counters: Mutex<HashMap<(IpAddr, LimitKind), (Millis, u32)>>,
}

impl RateLimits {
    /// Counts one check; `Err(retry_at)` when the address has used up its window.
    pub fn check(&self, client: IpAddr, kind: LimitKind, now: Millis) -> Result<(), Millis> {
        let limit = match kind {
            LimitKind::Manual => MANUAL_LIMIT,
            LimitKind::File => FILE_LIMIT,
        };
        let mut counters = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        if counters.len() > 100_000 {
            counters.retain(|_, (start, _)| now - *start < LIMIT_WINDOW_MS);
        }
        let entry = counters.entry((client, kind)).or_insert((now, 0));
        if now - entry.0 >= LIMIT_WINDOW_MS {
            *entry = (now, 0);
        }
        if entry.1 >= limit {
            return Err(entry.0 + LIMIT_WINDOW_MS);
        }
        entry.1 += 1;
        Ok(())
    }
}

fn rate_limited(retry_at: Millis) -> AppError {
    let t = crate::state::datetime(retry_at + 59_999).to_offset(CHINA_OFFSET);
    AppError::RateLimited(Text::with(
        Msg::VerifyRateLimited,
        [format!("{:02}:{:02}", t.hour(), t.minute())],
    ))
}

fn limit(state: &AppState, client: Option<IpAddr>, kind: LimitKind) -> Result<(), AppError> {
    match client {
        Some(ip) => state
            .limits
            .check(ip, kind, state.clock.now())
            .map_err(rate_limited),
        None => Ok(()),
    }
}

/// A stated purpose: optional, short, printable.
pub fn parse_purpose(input: &str) -> Result<Option<String>, AppError> {
    let purpose = input.trim();
    if purpose.is_empty() {
        return Ok(None);
    }
    if purpose.chars().count() > MAX_PURPOSE_CHARS {
        return Err(AppError::field("purpose", Msg::PurposeTooLong));
    }
    if purpose.chars().any(char::is_control) {
        return Err(AppError::field("purpose", Msg::PurposeControlChars));
    }
    Ok(Some(purpose.to_string()))
}

/// The verdict for a certificate and, when one is being checked, an annotated copy of it.
pub fn verdict(certificate: &Certificate, annotation: Option<&Annotation>, now: Millis) -> Verdict {
    if certificate.record.status != CertificateStatus::Valid {
        return Verdict::Revoked;
    }
    match annotation {
        None => Verdict::CertificateValid,
        Some(a) => match (a.state, a.valid_until) {
            (AnnotationState::Ready, Some(until)) if is_current(until, now) => Verdict::Valid,
            (AnnotationState::Ready, Some(_)) => Verdict::Expired,
            // Never produced: there is no such copy.
            _ => Verdict::NotGenuine,
        },
    }
}

fn public_certificate(c: &Certificate) -> PublicCertificate {
    let r = &c.record;
    PublicCertificate {
        holder_name: r.holder_name.as_str().to_string(),
        masked_id_number: r.holder_id.masked(),
        qualification: r.qualification.clone(),
        level: r.level.clone(),
        specialty: r.specialty.clone(),
        number: r.number.clone(),
        issued_on: r.issued_on.to_string(),
        issuer: r.issuer.clone(),
        revoked_on: match &r.status {
            CertificateStatus::Revoked { on, .. } => Some(on.to_string()),
            CertificateStatus::Valid => None,
        },
    }
}

fn public_annotation(a: &Annotation) -> Option<PublicAnnotation> {
    Some(PublicAnnotation {
        number: a.number.clone(),
        scenario: a.scenario.code().to_string(),
        valid_from: china_minute(a.valid_from?),
        valid_until: china_minute(a.valid_until?),
    })
}

/// Builds the answer and logs the check.
fn answer(
    state: &AppState,
    method: Method,
    purpose: Option<String>,
    found: Option<(&Certificate, Option<&Annotation>)>,
    file_problem: Option<FileProblem>,
) -> VerificationResult {
    let now = state.clock.now();
    let verdict = match found {
        Some((c, a)) if file_problem.is_none() => verdict(c, a, now),
        _ => Verdict::NotGenuine,
    };
    state.verification_log.record(VerificationRecord {
        at: now,
        method,
        certificate: found.map(|(c, _)| c.id),
        annotation: found.and_then(|(_, a)| a.map(|a| a.id)),
        verdict,
        purpose,
    });
    let genuine = verdict != Verdict::NotGenuine;
    VerificationResult {
        verdict,
        certificate: found
            .filter(|_| genuine)
            .map(|(c, _)| public_certificate(c)),
        annotation: found
            .filter(|_| genuine)
            .and_then(|(_, a)| a.and_then(public_annotation)),
        file_problem: if genuine { None } else { file_problem },
        checked_at: china_minute(now),
    }
}

/// An e-certificate issued before the cut-off carries `e-<certificate public id>`.
async fn e_certificate(state: &AppState, code: &str) -> Result<Option<Certificate>, AppError> {
    let Some(public_id) = code.strip_prefix("e-") else {
        return Ok(None);
    };
    let certificate = state.storage.certificate_by_public_id(public_id).await?;
    Ok(certificate
        .filter(|c| crate::certificates::service::e_certificate(state, c) == ECertificate::Direct))
}

/// The QR code's link: `/verify/<code>`.
pub async fn by_code(
    state: &AppState,
    code: &str,
    purpose: &str,
    method: Method,
) -> Result<VerificationResult, AppError> {
    let purpose = parse_purpose(purpose)?;
    // Codes are short; anything else is simply unknown.
    if code.len() > 64 {
        return Ok(answer(state, method, purpose, None, None));
    }
    if code.starts_with("e-") {
        let certificate = e_certificate(state, code).await?;
        return Ok(answer(
            state,
            method,
            purpose,
            certificate.as_ref().map(|c| (c, None)),
            None,
        ));
    }
    let found = state.storage.annotation_with_certificate(code).await?;
    Ok(answer(
        state,
        method,
        purpose,
        found.as_ref().map(|(a, c)| (c, Some(a))),
        None,
    ))
}

/// The manual check: number and name (and the annotation number, if given) must all match.
pub async fn manual(
    state: &AppState,
    form: ManualCheckForm,
    client: Option<IpAddr>,
    method: Method,
) -> Result<VerificationResult, AppError> {
    let mut errors = Vec::new();
    let number = form.certificate_number.trim();
    if number.is_empty() {
        errors.push(crate::error::FieldError {
            field: "certificate_number".into(),
            text: Msg::CertNumberMissing.into(),
        });
    } else if number.chars().count() > 40 {
        errors.push(crate::error::FieldError {
            field: "certificate_number".into(),
            text: Msg::CertNumberTooLong.into(),
        });
    }
    let name = HolderName::parse(&form.holder_name)
        .map_err(|m| {
            errors.push(crate::error::FieldError {
                field: "holder_name".into(),
                text: m.into(),
            })
        })
        .ok();
    let purpose = parse_purpose(&form.purpose).map_err(|e| {
        if let AppError::Invalid(mut list) = e {
            errors.append(&mut list);
        }
    });
    let (Some(name), Ok(purpose), true) = (name, purpose, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    limit(state, client, LimitKind::Manual)?;
    let certificate = state
        .storage
        .certificate_by_number_and_name(number, name.as_str())
        .await?;
    let wanted = form.annotation_number.trim();
    let found = match (&certificate, wanted.is_empty()) {
        (None, _) => None,
        (Some(c), true) => Some((c.clone(), None)),
        (Some(c), false) => state
            .storage
            .annotation_of_certificate(c.id, wanted)
            .await?
            .map(|a| (c.clone(), Some(a))),
    };
    Ok(answer(
        state,
        method,
        purpose,
        found.as_ref().map(|(c, a)| (c, a.as_ref())),
        None,
    ))
}

/// The uploaded PDF: signed by one of the issuer's keys, unmodified, and a copy (or
/// e-certificate) that was issued.
pub async fn file(
    state: &AppState,
    bytes: &[u8],
    purpose: &str,
    client: Option<IpAddr>,
    method: Method,
) -> Result<VerificationResult, AppError> {
    let purpose = parse_purpose(purpose)?;
    if bytes.is_empty() {
        return Err(AppError::field("file", Msg::UploadMissing));
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(AppError::field("file", Msg::UploadTooLarge));
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(AppError::field("file", Msg::UploadNotPdf));
    }
    limit(state, client, LimitKind::File)?;
    let trusted: Vec<certpdf::TrustedCert> = state
        .storage
        .signing_keys()
        .await?
        .iter()
        .filter_map(|k| certpdf::TrustedCert::from_pem(&k.cert_pem).ok())
        .collect();
    let owned = bytes.to_vec();
    let checked = tokio::task::spawn_blocking(move || certpdf::verify_signed_pdf(&owned, &trusted))
        .await
        .map_err(|e| crate::error::ssr::internal(&e))?;
    let verified = match checked {
        Ok(v) => v,
        Err(err) => {
            use certpdf::VerifyError as E;
            let problem = match err {
                E::NotPdf => return Err(AppError::field("file", Msg::UploadNotPdf)),
                E::NoSignature => FileProblem::NoSignature,
                E::UnknownSigner => FileProblem::UnknownSigner,
                _ => FileProblem::Modified,
            };
            tracing::info!(%err, "uploaded file is not genuine");
            return Ok(answer(state, method, purpose, None, Some(problem)));
        }
    };
    let code = verified.annotation_code;
    if code.starts_with("e-") {
        let certificate = e_certificate(state, &code).await?;
        let problem = certificate
            .is_none()
            .then_some(FileProblem::UnknownDocument);
        return Ok(answer(
            state,
            method,
            purpose,
            certificate.as_ref().map(|c| (c, None)),
            problem,
        ));
    }
    let found = state.storage.annotation_with_certificate(&code).await?;
    let problem = match &found {
        None => Some(FileProblem::UnknownDocument),
        // The stored copy is the one that was handed out; a signed file that is not it
        // was never issued (defence in depth: the signature already covers every byte).
        Some((a, _)) if a.pdf_sha256.as_deref() != Some(&crate::storage::sha256_hex(bytes)) => {
            Some(FileProblem::UnknownDocument)
        }
        _ => None,
    };
    Ok(answer(
        state,
        method,
        purpose,
        found.as_ref().map(|(a, c)| (c, Some(a))),
        problem,
    ))
}

/// Who checked the holder's certificate, and when.
pub async fn log_of(
    state: &AppState,
    session: &ActiveSession,
    certificate_id: &str,
) -> Result<Vec<VerificationLogEntry>, AppError> {
    let certificate = state
        .storage
        .certificate_of(&session.owner, certificate_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(state
        .storage
        .verifications_of_certificate(certificate.id, 100)
        .await?
        .into_iter()
        .map(|(r, annotation_number)| VerificationLogEntry {
            at: china_minute(r.at),
            method: r.method,
            verdict: r.verdict,
            annotation_number,
            purpose: r.purpose,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_count_per_address_and_reset_after_the_window() {
        let limits = RateLimits::default();
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        let other: IpAddr = "203.0.113.8".parse().unwrap();
        for _ in 0..MANUAL_LIMIT {
            assert!(limits.check(ip, LimitKind::Manual, 0).is_ok());
        }
        assert_eq!(limits.check(ip, LimitKind::Manual, 1), Err(LIMIT_WINDOW_MS));
        assert!(limits.check(other, LimitKind::Manual, 1).is_ok());
        assert!(
            limits.check(ip, LimitKind::File, 1).is_ok(),
            "separate limits"
        );
        assert!(limits.check(ip, LimitKind::Manual, LIMIT_WINDOW_MS).is_ok());
    }

    #[test]
    fn purposes_are_short_and_printable() {
        assert_eq!(parse_purpose("  ").unwrap(), None);
        assert_eq!(
            parse_purpose("入职审核").unwrap().as_deref(),
            Some("入职审核")
        );
        assert!(parse_purpose(&"长".repeat(61)).is_err());
        assert!(parse_purpose("a\u{7}b").is_err());
    }
}
