//! Pieces shared by the certificate pages.

use crate::certificates::views::{CertificateDetails, ECertificate, StatusView};
use crate::domain::time::written_for;
use crate::i18n::{t, tf, use_lang, Msg};
use leptos::prelude::*;

/// The certificate's status, in words and with a symbol, never by colour alone.
#[component]
pub fn StatusBadge(status: StatusView) -> impl IntoView {
    match status {
        StatusView::Valid => view! {
            <span class="badge badge--ok" data-testid="status">
                <span aria-hidden="true">"✓ "</span>{t(Msg::StatusValid)}
            </span>
        }
        .into_any(),
        StatusView::Revoked { .. } => view! {
            <span class="badge badge--bad" data-testid="status">
                <span aria-hidden="true">"✕ "</span>{t(Msg::StatusRevoked)}
            </span>
        }
        .into_any(),
    }
}

/// What a revoked certificate means and whom to ask.
#[component]
pub fn RevokedNote(issuer: String) -> impl IntoView {
    view! {
        <p class="revoked-note">
            {t(Msg::RevokedMeaning)} " " {tf(Msg::RevokedContact, &[&issuer])} " "
            <a href="/faq#faq-revoked">{t(Msg::FaqLinkRevoked)}</a>
        </p>
    }
}

/// How the e-certificate of this certificate is obtained, in words (naming the cut-off day).
pub fn e_certificate_text(e: ECertificate) -> String {
    let msg = match e {
        ECertificate::None => Msg::ECertNone,
        ECertificate::Direct => Msg::ECertDirect,
        ECertificate::NeedsAnnotation => Msg::ECertNeedsAnnotation,
    };
    tf(msg, &[&annotation_cutoff()])
}

/// The day from which e-certificates need an annotation (`--annotation-cutoff`), as
/// `YYYY-MM-DD`. The server reads its settings and writes the day into the page's
/// `<meta name="annotation-cutoff">`, which the browser reads back, so that both render the
/// same text.
pub fn annotation_cutoff() -> String {
    #[cfg(feature = "ssr")]
    {
        crate::state::use_app_state()
            .map(|s| s.settings.annotation_cutoff.to_string())
            .unwrap_or_else(|_| DEFAULT_ANNOTATION_CUTOFF.to_string())
    }
    #[cfg(not(feature = "ssr"))]
    {
        #[cfg(feature = "hydrate")]
        {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| {
                    d.query_selector("meta[name=annotation-cutoff]")
                        .ok()
                        .flatten()
                })
                .and_then(|m| m.get_attribute("content"))
                .unwrap_or_else(|| DEFAULT_ANNOTATION_CUTOFF.to_string())
        }
        #[cfg(not(feature = "hydrate"))]
        {
            DEFAULT_ANNOTATION_CUTOFF.to_string()
        }
    }
}

/// The national rule's day, when nothing else is known.
pub const DEFAULT_ANNOTATION_CUTOFF: &str = "2021-12-17";

/// The same in a few words, for the list of a certificate's fields (the download page says the
/// whole sentence once, in its e-certificate section).
pub fn e_certificate_short_text(e: ECertificate) -> Msg {
    match e {
        ECertificate::None => Msg::ECertShortNone,
        ECertificate::Direct => Msg::ECertShortDirect,
        ECertificate::NeedsAnnotation => Msg::ECertShortNeedsAnnotation,
    }
}

/// Every field of a certificate, as a description list.
#[component]
pub fn CertificateFields(details: CertificateDetails) -> impl IntoView {
    let lang = use_lang();
    let c = details.certificate;
    let revoked = match &c.status {
        StatusView::Revoked { on, reason } => Some((on.clone(), reason.clone())),
        StatusView::Valid => None,
    };
    view! {
        <dl class="details" data-testid="certificate-fields">
            <dt>{t(Msg::FieldHolderName)}</dt>
            <dd>{details.holder_name}</dd>
            <dt>{t(Msg::FieldIdType)}</dt>
            <dd>{details.id_type.label().text(lang)}</dd>
            <dt>{t(Msg::FieldIdNumber)}</dt>
            <dd>{details.masked_id_number}</dd>
            <dt>{t(Msg::FieldQualification)}</dt>
            <dd>{c.qualification}</dd>
            <dt>{t(Msg::FieldLevel)}</dt>
            <dd>{c.level}</dd>
            <dt>{t(Msg::FieldSpecialty)}</dt>
            <dd>{c.specialty}</dd>
            <dt>{t(Msg::FieldCertNumber)}</dt>
            <dd>{c.number}</dd>
            <dt>{t(Msg::FieldIssuedOn)}</dt>
            <dd>{written_for(&c.issued_on, lang).into_owned()}</dd>
            <dt>{t(Msg::FieldIssuer)}</dt>
            <dd>{c.issuer}</dd>
            <dt>{t(Msg::FieldCertStatus)}</dt>
            <dd><StatusBadge status=c.status.clone()/></dd>
            {revoked.map(|(on, reason)| view! {
                <dt>{t(Msg::FieldRevokedOn)}</dt>
                <dd>{written_for(&on, lang).into_owned()}</dd>
                <dt>{t(Msg::FieldRevokeReason)}</dt>
                <dd>{reason}</dd>
            })}
            <dt>{t(Msg::FieldECertificate)}</dt>
            <dd>{t(e_certificate_short_text(c.e_certificate))}</dd>
            <dt>{t(Msg::FieldFiles)}</dt>
            <dd>{tf(Msg::FileCount, &[&c.file_count.to_string()])}</dd>
        </dl>
    }
}

/// The empty list explained: the three reasons of the guide and what to do for each.
#[component]
pub fn NoCertificates() -> impl IntoView {
    view! {
        <section class="panel empty-state" data-testid="no-certificates" aria-labelledby="empty-title">
            <h2 id="empty-title">{t(Msg::EmptyTitle)}</h2>
            <p>{t(Msg::EmptyIntro)}</p>
            <ol class="reasons">
                <li>
                    <strong>{t(Msg::EmptyReason1)}</strong>
                    <p>{t(Msg::EmptyReason1Do)}</p>
                </li>
                <li>
                    <strong>{t(Msg::EmptyReason2)}</strong>
                    <p>{t(Msg::EmptyReason2Do)}</p>
                </li>
                <li>
                    <strong>{t(Msg::EmptyReason3)}</strong>
                    <p>{t(Msg::EmptyReason3Do)} " " <a href="/register">{t(Msg::NavRegister)}</a></p>
                </li>
            </ol>
            <p class="notice notice--info">
                <span class="notice__icon" aria-hidden="true">"i"</span>
                <span>{t(Msg::EmptyPre2016)}</span>
            </p>
            <p><a href="/faq#faq-blank">{t(Msg::FaqLinkBlank)}</a></p>
        </section>
    }
}
