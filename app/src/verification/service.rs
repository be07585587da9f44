//! Verification on the server. The three ways in end in one verdict function; a check that
//! finds nothing answers exactly like one whose name or number does not match, so the
//! manual check cannot be used to find out who holds what.

use super::checker::Checker;
use super::forms::ManualCheckForm;
use super::views::*;
use crate::certificates::views::ECertificate;
use crate::domain::annotation::is_current;
use crate::domain::time::{china_minute, CHINA_OFFSET};
use crate::domain::{
    Annotation, AnnotationState, Certificate, CertificateStatus, Millis, VerificationRecord,
};
use crate::domain::{CertificateNumber, CodeTarget, HolderName, VerifyCode};
use crate::error::AppError;
use crate::i18n::{Msg, Text};
use crate::infra::LimitKind;
use crate::session::ActiveSession;
use crate::state::AppState;

/// The largest upload accepted for checking; a signed copy is under 60 KB.
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

fn rate_limited(retry_at: Millis) -> AppError {
    let t = crate::domain::time::datetime(retry_at + 59_999).to_offset(CHINA_OFFSET);
    AppError::RateLimited(Text::with(
        Msg::VerifyRateLimited,
        [format!("{:02}:{:02}", t.hour(), t.minute())],
    ))
}

/// Counts a check against its maker's per-address limit; a check an API key admitted counts
/// against the key's daily quota instead (already counted).
async fn limit(state: &AppState, checker: &Checker, kind: LimitKind) -> Result<(), AppError> {
    if checker.api_key.is_some() {
        return Ok(());
    }
    match checker.client {
        Some(ip) => crate::infra::count_check(&state.storage, ip, kind, state.clock.now())
            .await?
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
    if purpose.chars().any(is_invisible_format) {
        return Err(AppError::field("purpose", Msg::PurposeFormatChars));
    }
    Ok(Some(purpose.to_string()))
}

/// Direction overrides and isolates, zero-width characters and other invisible formatting
/// (Unicode category Cf as it occurs in text): in a purpose they serve only to make the holder's
/// log read differently from what was stored (U+202E turns the rest of a line around).
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// The verdict for a certificate and, when one is being checked, an annotated copy of it.
pub fn verdict(certificate: &Certificate, annotation: Option<&Annotation>, now: Millis) -> Verdict {
    if certificate.record.status != CertificateStatus::Valid {
        return Verdict::Revoked;
    }
    match annotation {
        None => Verdict::CertificateValid,
        Some(a) => match (a.state, a.valid_until) {
            (AnnotationState::Ready, Some(_)) if a.cancelled_at.is_some() => Verdict::Cancelled,
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

/// Builds the answer and logs the check: only a check of something that exists (a code that
/// names nothing concerns no holder), and only one that someone made ([`Checker::logged`]).
fn answer(
    state: &AppState,
    checker: &Checker,
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
    if let (Some((certificate, annotation)), true) = (found, checker.logged) {
        state.verification_log.record(VerificationRecord {
            at: now,
            method,
            certificate: certificate.id,
            annotation: annotation.map(|a| a.id),
            verdict,
            purpose,
            source: checker.source(state.storage.data_keys()),
        });
    }
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

/// The answer for a copy withdrawn when its holder deleted the account: logged against its
/// certificate, and showing nothing of the certificate or the person (`docs/domain.md`,
/// "Deleting an account").
fn withdrawn(
    state: &AppState,
    checker: &Checker,
    method: Method,
    purpose: Option<String>,
    copy: &crate::storage::WithdrawnCopy,
) -> VerificationResult {
    let now = state.clock.now();
    if checker.logged {
        state.verification_log.record(VerificationRecord {
            at: now,
            method,
            certificate: copy.certificate,
            annotation: None,
            verdict: Verdict::Withdrawn,
            purpose,
            source: checker.source(state.storage.data_keys()),
        });
    }
    VerificationResult {
        verdict: Verdict::Withdrawn,
        certificate: None,
        annotation: None,
        file_problem: None,
        checked_at: china_minute(now),
    }
}

/// An e-certificate issued before the cut-off carries `e-<certificate public id>`.
async fn e_certificate(state: &AppState, public_id: &str) -> Result<Option<Certificate>, AppError> {
    let certificate = state.storage.certificate_by_public_id(public_id).await?;
    Ok(certificate
        .filter(|c| c.e_certificate(state.settings.annotation_cutoff) == ECertificate::Direct))
}

/// The QR code's link: `/verify/<code>`.
pub async fn by_code(
    state: &AppState,
    code: &str,
    purpose: &str,
    checker: &Checker,
    method: Method,
) -> Result<VerificationResult, AppError> {
    let purpose = parse_purpose(purpose)?;
    // Something that cannot be a code is simply unknown.
    let Ok(code) = VerifyCode::parse(code) else {
        return Ok(answer(state, checker, method, purpose, None, None));
    };
    let annotation_code = match code.target() {
        CodeTarget::ECertificate(public_id) => {
            let certificate = e_certificate(state, public_id).await?;
            return Ok(answer(
                state,
                checker,
                method,
                purpose,
                certificate.as_ref().map(|c| (c, None)),
                None,
            ));
        }
        CodeTarget::Annotation(annotation_code) => annotation_code,
    };
    let found = state
        .storage
        .annotation_with_certificate(annotation_code)
        .await?;
    if found.is_none() {
        if let Some(copy) = state.storage.withdrawn_copy(annotation_code).await? {
            return Ok(withdrawn(state, checker, method, purpose, &copy));
        }
    }
    let problem = match found
        .as_ref()
        .and_then(|(a, _)| a.key_fingerprint.as_deref())
    {
        Some(signer) if state.storage.signing_key_retired(signer).await? => {
            Some(FileProblem::RetiredKey)
        }
        _ => None,
    };
    Ok(answer(
        state,
        checker,
        method,
        purpose,
        found.as_ref().map(|(a, c)| (c, Some(a))),
        problem,
    ))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The manual check: number and name (and the annotation number, if given) must all match.
pub async fn manual(
    state: &AppState,
    form: ManualCheckForm,
    checker: &Checker,
    method: Method,
) -> Result<VerificationResult, AppError> {
    let mut errors = Vec::new();
    let number = CertificateNumber::parse(&form.certificate_number)
        .map_err(|m| {
            errors.push(crate::error::FieldError {
                field: "certificate_number".into(),
                text: m.into(),
            })
        })
        .ok();
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
    let (Some(number), Some(name), Ok(purpose), true) = (number, name, purpose, errors.is_empty())
    else {
        return Err(AppError::Invalid(errors));
    };
    limit(state, checker, LimitKind::Manual).await?;
    let certificate = state
        .storage
        .certificate_by_number_and_name(number.as_str(), name.as_str())
        .await?;
    let wanted = form.annotation_number.trim();
    let found = match (&certificate, wanted.is_empty()) {
        (None, _) => None,
        (Some(c), true) => Some((c.clone(), None)),
        (Some(c), false) => {
            let annotation = state
                .storage
                .annotation_of_certificate(c.id, wanted)
                .await?;
            if annotation.is_none() {
                if let Some(copy) = state
                    .storage
                    .withdrawn_copy_of_certificate(c.id, wanted)
                    .await?
                {
                    return Ok(withdrawn(state, checker, method, purpose, &copy));
                }
            }
            annotation.map(|a| (c.clone(), Some(a)))
        }
    };
    Ok(answer(
        state,
        checker,
        method,
        purpose,
        found.as_ref().map(|(c, a)| (c, a.as_ref())),
        None,
    ))
}

/// A file check the client's limit has allowed: counted when the upload arrived, before its
/// body was read, so that a client over its limit costs no upload. Only
/// [`admit_file_check`] makes one, and [`file`] takes one.
#[derive(Debug)]
pub struct AdmittedFileCheck(Checker);

/// Counts a file check of `checker` against its limit, before the upload is read.
pub async fn admit_file_check(
    state: &AppState,
    checker: Checker,
) -> Result<AdmittedFileCheck, AppError> {
    limit(state, &checker, LimitKind::File).await?;
    Ok(AdmittedFileCheck(checker))
}

/// The uploaded PDF: signed by one of the issuer's keys, unmodified, and a copy (or
/// e-certificate) that was issued.
pub async fn file(
    state: &AppState,
    admitted: AdmittedFileCheck,
    bytes: &[u8],
    purpose: &str,
    method: Method,
) -> Result<VerificationResult, AppError> {
    let checker = &admitted.0;
    let purpose = parse_purpose(purpose)?;
    if bytes.is_empty() {
        return Err(AppError::field("file", Msg::UploadMissing));
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(AppError::field("file", Msg::UploadTooLarge));
    }
    if crate::credentials::looks_like_json(bytes) {
        return credential(state, checker, bytes, purpose, method).await;
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(AppError::field("file", Msg::UploadNotPdf));
    }
    // Retired keys are checked too, so that what they signed gets its own verdict.
    let keys = state.storage.signing_keys().await?;
    let trusted: Vec<certpdf::TrustedCert> = keys
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
                E::OutsideValidity => FileProblem::OutsideKeyValidity,
                _ => FileProblem::Modified,
            };
            tracing::info!(%err, "uploaded file is not genuine");
            return Ok(answer(state, checker, method, purpose, None, Some(problem)));
        }
    };
    let signer = hex(&verified.signer_fingerprint);
    if keys.iter().any(|k| k.fingerprint == signer && k.retired()) {
        tracing::info!(signer, "uploaded file is signed with a retired key");
        return Ok(answer(
            state,
            checker,
            method,
            purpose,
            None,
            Some(FileProblem::RetiredKey),
        ));
    }
    let Ok(code) = VerifyCode::parse(&verified.annotation_code) else {
        return Ok(answer(
            state,
            checker,
            method,
            purpose,
            None,
            Some(FileProblem::UnknownDocument),
        ));
    };
    let sha256 = crate::infra::sha256_hex(bytes);
    let annotation_code = match code.target() {
        CodeTarget::ECertificate(public_id) => {
            let certificate = e_certificate(state, public_id).await?;
            let problem = match &certificate {
                None => Some(FileProblem::UnknownDocument),
                // Signed with a trusted key, but a file the system never handed out (the key
                // signs every download afresh, so only the recorded files are genuine).
                Some(c) if !state.storage.is_produced_file(&sha256, c.id).await? => {
                    Some(FileProblem::NotProduced)
                }
                Some(_) => None,
            };
            return Ok(answer(
                state,
                checker,
                method,
                purpose,
                certificate.as_ref().map(|c| (c, None)),
                problem,
            ));
        }
        CodeTarget::Annotation(annotation_code) => annotation_code,
    };
    let found = state
        .storage
        .annotation_with_certificate(annotation_code)
        .await?;
    if found.is_none() {
        // Signed by the issuer, but its holder has since deleted the account.
        if let Some(copy) = state.storage.withdrawn_copy(annotation_code).await? {
            return Ok(withdrawn(state, checker, method, purpose, &copy));
        }
    }
    let problem = match &found {
        None => Some(FileProblem::UnknownDocument),
        // The stored copy is the one that was handed out; a signed file that is not it
        // was never produced by the system, whatever key signed it.
        Some((a, _)) if a.pdf_sha256.as_deref() != Some(sha256.as_str()) => {
            Some(FileProblem::NotProduced)
        }
        _ => None,
    };
    Ok(answer(
        state,
        checker,
        method,
        purpose,
        found.as_ref().map(|(a, c)| (c, Some(a))),
        problem,
    ))
}

/// An uploaded verifiable credential (`.jsonld`): issued by this site's `did:web` with one
/// of its credential keys, unmodified, and naming a copy that was issued; then the same
/// verdict as the copy's PDF gets.
async fn credential(
    state: &AppState,
    checker: &Checker,
    bytes: &[u8],
    purpose: Option<String>,
    method: Method,
) -> Result<VerificationResult, AppError> {
    use crate::credentials::Checked;
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(serde_json::Value::Object(doc)) = serde_json::from_slice::<serde_json::Value>(text)
    else {
        return Err(AppError::field("file", Msg::UploadNotPdf));
    };
    let checked =
        crate::credentials::check(&state.storage, &state.settings.public_url, &doc).await?;
    let problem = match checked {
        Checked::Copy { code } => {
            let found = state.storage.annotation_with_certificate(&code).await?;
            if found.is_none() {
                if let Some(copy) = state.storage.withdrawn_copy(&code).await? {
                    return Ok(withdrawn(state, checker, method, purpose, &copy));
                }
            }
            let problem = found.is_none().then_some(FileProblem::UnknownDocument);
            return Ok(answer(
                state,
                checker,
                method,
                purpose,
                found.as_ref().map(|(a, c)| (c, Some(a))),
                problem,
            ));
        }
        Checked::NoProof => FileProblem::NoSignature,
        Checked::UnknownIssuer => FileProblem::UnknownSigner,
        Checked::RetiredKey => FileProblem::RetiredKey,
        Checked::Modified => FileProblem::Modified,
        Checked::UnknownDocument => FileProblem::UnknownDocument,
    };
    Ok(answer(state, checker, method, purpose, None, Some(problem)))
}

/// Who checked the holder's certificate, and when: the newest lines, a few per source (the
/// last of them counting the rest), so that no single source can push the others out.
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
        .verifications_of_certificate(
            certificate.id,
            crate::domain::LOG_LINES,
            crate::domain::LOG_LINES_PER_SOURCE,
        )
        .await?
        .into_iter()
        .map(|line| VerificationLogEntry {
            at: china_minute(line.record.at),
            method: line.record.method,
            verdict: line.record.verdict,
            annotation_number: line.annotation_number,
            purpose: line.record.purpose,
            more: line.more,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_are_short_and_printable() {
        assert_eq!(parse_purpose("  ").unwrap(), None);
        assert_eq!(
            parse_purpose("入职审核").unwrap().as_deref(),
            Some("入职审核")
        );
        assert!(parse_purpose(&"长".repeat(61)).is_err());
        assert!(parse_purpose("a\u{7}b").is_err());
        for sneaky in [
            "入职\u{202E}审核",
            "入\u{200B}职",
            "\u{2066}入职\u{2069}",
            "入职\u{FEFF}",
        ] {
            assert_eq!(
                parse_purpose(sneaky),
                Err(AppError::field("purpose", Msg::PurposeFormatChars)),
                "{sneaky:?}"
            );
        }
        assert!(
            parse_purpose("阿依古丽·买买提 入职").is_ok(),
            "a middle dot is text"
        );
    }
}
