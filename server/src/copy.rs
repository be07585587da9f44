//! What goes on a copy. This module alone decides what the signed page of a certificate
//! prints, for an annotated copy (加注件) and for a pre-cut-off e-certificate, and produces the
//! annotated copy's signed PDF:
//!
//! - which fields of a certificate are printed, the holder's ID number masked;
//! - which fields of an annotation are printed, its scenario in Chinese whatever the
//!   interface language;
//! - the dates: the issue date as `YYYY-MM-DD`, the annotation's validity in China time to the
//!   minute, its production time to the second; a copy is valid from its production for its
//!   number of days;
//! - the verification address printed in the footer and encoded in the QR code, and the
//!   verification code (the annotation's code, or `e-{public id}` for an e-certificate).
//!
//! The annotation workers, the copy and e-certificate handlers, the demo data and the
//! benchmark take what they print from here.

use app::domain::annotation::{Scenario, ValidityDays};
use app::domain::time::{china_minute, datetime, CHINA_OFFSET};
use app::domain::{Annotation, Certificate, CertificateRecord, Millis, ProducedAnnotation};
use app::state::AppState;
use certpdf::{AnnotationFace, CertificateDocument, CertificateFace, IssuerKey};
use std::sync::Arc;

/// Renders and signs annotated copies with the issuer's key.
pub struct Producer {
    state: AppState,
    issuer: Arc<IssuerKey>,
    fingerprint: String,
}

impl Producer {
    pub fn new(state: AppState, issuer: Arc<IssuerKey>) -> Producer {
        let fingerprint = crate::keys::hex(&issuer.fingerprint_sha256());
        Producer {
            state,
            issuer,
            fingerprint,
        }
    }

    /// The copy of `annotation`, produced at `now`: valid from now for its number of days.
    pub fn produce(
        &self,
        annotation: &Annotation,
        certificate: &Certificate,
        now: Millis,
    ) -> anyhow::Result<ProducedAnnotation> {
        let valid_until = ValidityDays::from_trusted(annotation.validity.days()).end_from(now);
        let doc = annotated_copy(
            &self.state.settings.public_url,
            annotation,
            certificate,
            now,
            valid_until,
        );
        let pdf = certpdf::render_certificate_pdf(&self.state.fonts, &self.issuer, &doc)?;
        Ok(ProducedAnnotation {
            pdf_sha256: app::infra::sha256_hex(&pdf),
            pdf,
            key_fingerprint: self.fingerprint.clone(),
            produced_at: now,
            valid_from: now,
            valid_until,
        })
    }
}

/// What an annotated copy prints: the certificate's data, the annotation, and the
/// verification address for its QR code. The PDF and its preview both draw this.
pub fn annotated_copy(
    public_url: &str,
    annotation: &Annotation,
    certificate: &Certificate,
    produced_at: Millis,
    valid_until: Millis,
) -> CertificateDocument {
    CertificateDocument {
        certificate: certificate_face(&certificate.record),
        annotation: Some(annotation_face(
            &annotation.number,
            annotation.scenario,
            produced_at,
            valid_until,
        )),
        verify_url: verify_url(public_url, &annotation.code),
        verification_code: annotation.code.clone(),
    }
}

/// What a pre-cut-off e-certificate prints: the certificate alone.
pub fn e_certificate(public_url: &str, certificate: &Certificate) -> CertificateDocument {
    let code = e_certificate_code(certificate);
    CertificateDocument {
        certificate: certificate_face(&certificate.record),
        annotation: None,
        verify_url: verify_url(public_url, &code),
        verification_code: code,
    }
}

/// The verification code of a pre-cut-off e-certificate (it has no annotation).
pub fn e_certificate_code(certificate: &Certificate) -> String {
    app::domain::VerifyCode::of_e_certificate(&certificate.public_id).into()
}

/// The certificate's fields as printed: the holder's ID number masked, the issue date as
/// `YYYY-MM-DD`.
pub fn certificate_face(record: &CertificateRecord) -> CertificateFace {
    CertificateFace {
        holder_name: record.holder_name.as_str().to_string(),
        masked_id_number: record.holder_id.masked(),
        qualification: record.qualification.clone(),
        level: record.level.clone(),
        specialty: record.specialty.clone(),
        number: record.number.clone(),
        issue_date: record.issued_on.to_string(),
        issuer: record.issuer.clone(),
    }
}

/// An annotation's fields as printed: the scenario in Chinese, the validity from production
/// to `valid_until` in China time to the minute, the production time to the second.
pub fn annotation_face(
    number: &str,
    scenario: Scenario,
    produced_at: Millis,
    valid_until: Millis,
) -> AnnotationFace {
    let produced = datetime(produced_at).to_offset(CHINA_OFFSET);
    AnnotationFace {
        number: number.to_string(),
        // The copy is an official Chinese document whatever the interface language.
        scenario: scenario.label().text(app::i18n::Lang::Zh).to_string(),
        valid_from: china_minute(produced_at),
        valid_until: china_minute(valid_until),
        produced_at: format!(
            "{} {:02}:{:02}:{:02}",
            produced.date(),
            produced.hour(),
            produced.minute(),
            produced.second()
        ),
    }
}

/// The page where anyone can check the document with this verification code.
pub fn verify_url(public_url: &str, code: &str) -> String {
    app::urls::verify_code_at(public_url, code)
}
