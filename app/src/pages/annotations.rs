//! E-certificate annotation pages: the e-certificate section of the download page, the
//! application form ([申请证书加注]) and the annotated copy (加注件).

use crate::annotations::forms::{VALIDITY_CHOICES, VALIDITY_OTHER};
use crate::annotations::views::{
    AnnotationOverview, AnnotationStatus, AnnotationView, WalletOffer,
};
use crate::certificates::views::{CertificateView, ECertificate};
use crate::components::error_view::{ErrorNotice, ErrorPage};
use crate::components::guards::RequireHolder;
use crate::domain::annotation::{Scenario, MAX_VALIDITY_DAYS};
use crate::domain::time::written_for;
use crate::forms::{FormNotice, FormState, SubmitButton};
use crate::i18n::{t, tf, use_lang, Msg};
use crate::islands::{
    refresh::ReloadWhenProduced, share_link::ShareLink, validity::OtherDaysInput,
};
use crate::server_fns::annotations::{load_annotation, load_annotations};
use crate::urls;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// While a copy is being produced the page turns into the ready copy by itself: with
/// JavaScript the island asks the server and reloads the page when the copy is done; without
/// it the page reloads itself every few seconds. The `<meta>` sits in `<noscript>` as inner
/// HTML: with scripts on, the browser keeps it as text (no reload, the island does the work).
#[component]
fn RefreshWhileGenerating(certificate: String) -> impl IntoView {
    view! {
        <noscript inner_html=r#"<meta http-equiv="refresh" content="2">"#></noscript>
        <ReloadWhenProduced certificate/>
    }
}

/// The e-certificate part of the download page.
pub fn ecertificate_section(certificate: CertificateView) -> impl IntoView {
    match certificate.e_certificate {
        ECertificate::NeedsAnnotation => {
            view! { <AnnotationSection certificate_id=certificate.public_id/> }.into_any()
        }
        ECertificate::Direct => view! { <DirectECertificate certificate/> }.into_any(),
        ECertificate::None => ().into_any(),
    }
}

/// Pre-cut-off e-certificates: viewed and downloaded directly, no annotation.
#[component]
fn DirectECertificate(certificate: CertificateView) -> impl IntoView {
    view! {
        <div class="button-row">
            <a href=urls::e_certificate_pdf(&certificate.public_id) class="button button--secondary" target="_blank" rel="external noopener">
                {t(Msg::ActionView)}
            </a>
            <a href=urls::e_certificate_download(&certificate.public_id) class="button" rel="external">{t(Msg::ActionDownload)}</a>
        </div>
    }
}

#[component]
fn AnnotationSection(certificate_id: String) -> impl IntoView {
    let id = certificate_id.clone();
    let overview = Resource::new_blocking(move || id.clone(), load_annotations);
    view! {
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || overview.get().map(|result| match result {
                Err(error) => view! { <ErrorNotice error/> }.into_any(),
                Ok(o) => view! { <AnnotationList overview=o/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn AnnotationList(overview: AnnotationOverview) -> impl IntoView {
    let apply_href = urls::certificate_annotate(&overview.certificate.public_id);
    let generating = overview.generating();
    let here = urls::certificate_download(&overview.certificate.public_id);
    let certificate_id = overview.certificate.public_id.clone();
    view! {
        <div id="annotations" class="annotations" data-testid="annotations">
            <h3>{t(Msg::AnnotationInfoTitle)}</h3>
            <p class="field__hint"><a href=urls::route::SAMPLE>{t(Msg::SampleLink)}</a></p>
            {if overview.annotations.is_empty() {
                view! { <p class="muted" data-testid="no-annotations">{t(Msg::NoAnnotations)}</p> }.into_any()
            } else {
                view! {
                    <ul class="annotation-list">
                        {overview.annotations.into_iter().map(|a| view! { <AnnotationItem a/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {generating.then(|| view! {
                <RefreshWhileGenerating certificate=certificate_id.clone()/>
                <p class="notice notice--info" role="status">
                    <span class="notice__icon" aria-hidden="true">"i"</span>
                    <span>
                        {t(Msg::GeneratingHint)} " "
                        <a href=here.clone() rel="external">{t(Msg::Reload)}</a>
                    </span>
                </p>
            })}
            {match overview.quota.next_possible.clone() {
                Some(next) => view! {
                    <p class="notice notice--warn" data-testid="quota-reached">
                        <span class="notice__icon" aria-hidden="true">"!"</span>
                        <span>{tf(Msg::QuotaReachedShort, &[&next])}</span>
                    </p>
                }.into_any(),
                None => view! {
                    <p class="quota" data-testid="quota">{tf(Msg::QuotaRemaining, &[&overview.quota.remaining.to_string()])}</p>
                    <A href=apply_href attr:class="button">{t(Msg::ApplyAnnotation)}</A>
                }.into_any(),
            }}
        </div>
    }
}

#[component]
fn AnnotationStatusBadge(status: AnnotationStatus) -> impl IntoView {
    let (class, symbol, label) = match status {
        AnnotationStatus::Generating => ("badge badge--info", "⏳ ", Msg::StatusGenerating),
        AnnotationStatus::Ready { .. } => ("badge badge--ok", "✓ ", Msg::StatusAnnotationValid),
        AnnotationStatus::Expired { .. } => ("badge badge--warn", "⌛ ", Msg::StatusExpired),
        AnnotationStatus::Failed => ("badge badge--bad", "✕ ", Msg::StatusFailed),
        AnnotationStatus::CertificateRevoked => ("badge badge--bad", "✕ ", Msg::StatusRevoked),
        AnnotationStatus::Cancelled { .. } => ("badge badge--bad", "✕ ", Msg::StatusCancelled),
    };
    view! {
        <span class=class data-testid="annotation-status">
            <span aria-hidden="true">{symbol}</span>{t(label)}
        </span>
    }
}

#[component]
fn AnnotationItem(a: AnnotationView) -> impl IntoView {
    let lang = use_lang();
    let base = urls::annotation(&a.code);
    let status = a.status.clone();
    view! {
        <li class="annotation" data-testid="annotation" data-number=a.number.clone()>
            <div class="annotation__head">
                <span class="annotation__number">{t(Msg::FieldAnnotationNumber)} " " <span class="mono">{a.number.clone()}</span></span>
                <AnnotationStatusBadge status=status.clone()/>
            </div>
            <p class="annotation__meta">
                {t(Msg::FieldScenario)} {t(Msg::Colon)} {a.scenario.label().text(lang)} " · "
                {tf(Msg::ValidityDaysValue, &[&a.validity_days.to_string()])} " · "
                {t(Msg::FieldAppliedAt)} {t(Msg::Colon)} {written_for(&a.applied_at, lang).into_owned()}
            </p>
            {match status {
                AnnotationStatus::Ready { valid_from, valid_until } => view! {
                    <p class="annotation__validity">
                        {t(Msg::FieldValidity)} {t(Msg::Colon)} {written_for(&valid_from, use_lang()).into_owned()} " " {t(Msg::To)} " " {written_for(&valid_until, use_lang()).into_owned()}
                    </p>
                    <div class="button-row">
                        <A href=base.clone() attr:class="button button--secondary button--small">{t(Msg::ActionView)}</A>
                        <a href=urls::annotation_download(&a.code) class="button button--small" rel="external">{t(Msg::ActionDownload)}</a>
                        <a href=urls::annotation_credential(&a.code) class="button button--secondary button--small" rel="external"
                            type="application/vc+ld+json" data-testid="download-credential">{t(Msg::ActionDownloadCredential)}</a>
                    </div>
                }.into_any(),
                AnnotationStatus::Expired { valid_until } => view! {
                    <p class="annotation__validity">{tf(Msg::ExpiredOn, &[&valid_until])}</p>
                }.into_any(),
                AnnotationStatus::Failed => view! {
                    <p class="annotation__validity">{t(Msg::CopyFailed)}</p>
                }.into_any(),
                AnnotationStatus::Generating => view! {
                    <p class="annotation__validity">{t(Msg::GeneratingText)}</p>
                }.into_any(),
                AnnotationStatus::CertificateRevoked => view! {
                    <p class="annotation__validity">{t(Msg::AnnotateRevokedRefused)}</p>
                }.into_any(),
                AnnotationStatus::Cancelled { at } => view! {
                    <p class="annotation__validity">{tf(Msg::CancelledOn, &[&at])}</p>
                }.into_any(),
            }}
        </li>
    }
}

/// [申请证书加注]: choose the usage scenario and the validity, then [提交加注申请].
#[component]
pub fn AnnotatePage() -> impl IntoView {
    view! {
        <Title text=t(Msg::ApplyAnnotation)/>
        <RequireHolder>
            <AnnotateContent/>
        </RequireHolder>
    }
}

#[component]
fn AnnotateContent() -> impl IntoView {
    let id = move || use_params_map().with(|p| p.get("id").unwrap_or_default());
    let overview = Resource::new_blocking(id, load_annotations);
    let state = FormState::new("annotate");
    view! {
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || overview.get().map(|result| match result {
                Err(error) => view! { <ErrorPage error/> }.into_any(),
                Ok(o) => view! { <AnnotateForm overview=o state/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn AnnotateForm(overview: AnnotationOverview, state: FormState) -> impl IntoView {
    let lang = use_lang();
    let c = overview.certificate.clone();
    let back = urls::certificate_download(&c.public_id);
    let action = urls::certificate_annotate(&c.public_id);
    let days = {
        let echoed = state.value("validity_days");
        if echoed.is_empty() {
            MAX_VALIDITY_DAYS.to_string()
        } else {
            echoed
        }
    };
    let other = state.value("validity_other");
    let closed = overview.quota.next_possible.clone();
    view! {
        <nav class="breadcrumbs" aria-label=t(Msg::Breadcrumbs)>
            <A href="/certificates">{t(Msg::CertificatesTitle)}</A>
            " › "
            <A href=back>{t(Msg::DownloadTitle)}</A>
        </nav>
        <h1>{t(Msg::ApplyAnnotation)}</h1>
        <section class="panel panel--narrow">
            <p class="cert-heading">{c.qualification.clone()} " · " {c.level.clone()}</p>
            <p>{t(Msg::FieldCertNumber)} {t(Msg::Colon)} <span class="mono">{c.number.clone()}</span></p>
            <p class="notice notice--info">
                <span class="notice__icon" aria-hidden="true">"i"</span>
                <span>
                    {t(Msg::AnnotationAdvice)} " "
                    <a href=urls::route::SAMPLE target="_blank" rel="noopener">{t(Msg::SampleLink)}</a>
                </span>
            </p>
            {match closed {
                Some(next) => view! {
                    <p class="notice notice--warn" data-testid="quota-reached">
                        <span class="notice__icon" aria-hidden="true">"!"</span>
                        <span>{tf(Msg::QuotaReachedShort, &[&next])}</span>
                    </p>
                }.into_any(),
                None => view! {
                    <p class="quota">{tf(Msg::QuotaRemaining, &[&overview.quota.remaining.to_string()])}</p>
                    <FormNotice state/>
                    <form method="post" action=action novalidate class="form"
                       >
                        <input type="hidden" name="certificate" value=c.public_id.clone()/>
                        <fieldset class="field">
                            <legend class="field__label">{t(Msg::FieldScenario)}</legend>
                            {Scenario::ALL.into_iter().map(|s| view! {
                                <label class="choice">
                                    <input type="radio" name="scenario" value=s.code() checked=true/>
                                    <span>{s.label().text(lang)}</span>
                                </label>
                            }).collect_view()}
                            <p class="field__hint">{t(Msg::ScenarioHint)}</p>
                        </fieldset>
                        <ValidityField state days other/>
                        <SubmitButton label=Msg::SubmitAnnotation/>
                    </form>
                }.into_any(),
            }}
        </section>
    }
}

/// The validity: the common choices (the maximum, which the guide advises, first and chosen)
/// or another number of days. Without JavaScript a number typed under "other" counts only
/// with "other" chosen, as the hint says; with it, typing there chooses "other".
#[component]
fn ValidityField(state: FormState, days: String, other: String) -> impl IntoView {
    let lang = use_lang();
    let invalid = move || state.field_error("validity_days").is_some();
    // An echoed value that is not one of the choices (a plain number of days) shows as "other".
    let is_choice =
        |v: &str| v == VALIDITY_OTHER || VALIDITY_CHOICES.iter().any(|c| c.to_string() == v);
    let (days, other) = if is_choice(&days) {
        (days, other)
    } else {
        (VALIDITY_OTHER.to_string(), days)
    };
    let option = move |value: String, label: String| {
        let checked = days == value;
        view! {
            <label class="choice">
                <input type="radio" name="validity_days" value=value checked=checked/>
                <span>{label}</span>
            </label>
        }
    };
    view! {
        <fieldset class="field" class:field--invalid=invalid
            aria-describedby="field-validity_days-hint field-validity_days-error">
            <legend class="field__label">{t(Msg::FieldValidity)}</legend>
            {VALIDITY_CHOICES.into_iter().map(|d| {
                let mut label = tf(Msg::ValidityDaysValue, &[&d.to_string()]);
                if d == MAX_VALIDITY_DAYS {
                    label.push_str(t(Msg::ValidityAdvised));
                }
                option(d.to_string(), label)
            }).collect_view()}
            {option(VALIDITY_OTHER.to_string(), t(Msg::ValidityOther).to_string())}
            <div class="field__control validity-other">
                <OtherDaysInput value=other max=MAX_VALIDITY_DAYS.to_string()
                    label=t(Msg::ValidityOtherLabel).to_string() invalid=invalid()/>
                <span aria-hidden="true">{t(Msg::DaysUnit)}</span>
            </div>
            <p class="field__hint" id="field-validity_days-hint">{t(Msg::ValidityHint)}</p>
            <p class="field__error" id="field-validity_days-error" data-testid="error-validity_days">
                {move || state.field_error("validity_days").map(|text| text.render(lang))}
            </p>
        </fieldset>
    }
}

/// Sharing a ready copy with an employer: its verification link to copy and its QR code to
/// scan off the screen, with how long they answer "valid". Without JavaScript the link is
/// selectable text; with it, [复制核验链接] copies it.
#[component]
fn ShareCopy(code: String, link: String, valid_until: String) -> impl IntoView {
    view! {
        <section class="share" aria-labelledby="share-title" data-testid="share">
            <h2 id="share-title">{t(Msg::ShareTitle)}</h2>
            <p>{tf(Msg::ShareText, &[&valid_until])}</p>
            <ShareLink link label=t(Msg::ShareLinkLabel).to_string() copy=t(Msg::CopyLink).to_string()
                copied=t(Msg::LinkCopied).to_string() by_hand=t(Msg::LinkCopyByHand).to_string()/>
            <img class="share__qr" src=urls::annotation_qr(&code) alt=t(Msg::ShareQrAlt)
                width="176" height="176" data-testid="share-qr"/>
        </section>
    }
}

/// Taking the copy into a digital wallet: a short-lived link to its credential and the link's
/// QR code, for the wallet on the holder's phone to scan off this screen. Plain markup, so it
/// works without JavaScript; reloading the page makes a new link.
#[component]
fn WalletCopy(offer: WalletOffer) -> impl IntoView {
    view! {
        <section class="share" aria-labelledby="wallet-title" data-testid="wallet">
            <h2 id="wallet-title">{t(Msg::WalletTitle)}</h2>
            <p>{tf(Msg::WalletText, &[&offer.minutes.to_string()])}</p>
            <label class="field__label" for="wallet-link">{t(Msg::WalletLinkLabel)}</label>
            <div class="share__link">
                <input id="wallet-link" type="text" readonly value=offer.url.clone()/>
            </div>
            <img class="share__qr" src=offer.qr.clone() alt=t(Msg::WalletQrAlt)
                width="176" height="176" data-testid="wallet-qr"/>
        </section>
    }
}

/// [作废此加注件]: folded, with what cancelling means, so that nobody cancels by a slip.
#[component]
fn CancelCopy(code: String) -> impl IntoView {
    let state = FormState::new("cancel");
    view! {
        <details class="cancel-copy" data-testid="cancel-copy">
            <summary>{t(Msg::CancelCopyTitle)}</summary>
            <p>{t(Msg::CancelCopyText)}</p>
            <FormNotice state/>
            <form method="post" action=urls::annotation(&code) class="form"
               >
                <input type="hidden" name="code" value=code.clone()/>
                <SubmitButton label=Msg::CancelCopySubmit/>
            </form>
        </details>
    }
}

/// The annotated copy (加注件): viewed inline (a PDF on wide screens, a drawn preview that
/// phones display well), downloaded, or explained when it cannot be used.
#[component]
pub fn AnnotationPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::AnnotatedCopyTitle)/>
        <RequireHolder>
            <AnnotationContent/>
        </RequireHolder>
    }
}

#[component]
fn AnnotationContent() -> impl IntoView {
    let code = move || use_params_map().with(|p| p.get("code").unwrap_or_default());
    let details = Resource::new_blocking(code, load_annotation);
    view! {
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || details.get().map(|result| match result {
                Err(error) => view! { <ErrorPage error/> }.into_any(),
                Ok(d) => {
                    let a = d.annotation.clone();
                    let c = d.certificate.clone();
                    let base = urls::annotation(&a.code);
                    let download_page = urls::certificate_download(&c.public_id);
                    let apply = urls::certificate_annotate(&c.public_id);
                    view! {
                        <nav class="breadcrumbs" aria-label=t(Msg::Breadcrumbs)>
                            <A href="/certificates">{t(Msg::CertificatesTitle)}</A>
                            " › "
                            <A href=download_page.clone()>{t(Msg::DownloadTitle)}</A>
                        </nav>
                        <h1>{t(Msg::AnnotatedCopyTitle)}</h1>
                        <section class="panel">
                            <div class="annotation__head">
                                <span>{c.qualification.clone()} " · " <span class="mono">{c.number.clone()}</span></span>
                                <AnnotationStatusBadge status=a.status.clone()/>
                            </div>
                            <p>{t(Msg::FieldAnnotationNumber)} " " <span class="mono">{a.number.clone()}</span></p>
                            {match a.status.clone() {
                                AnnotationStatus::Ready { valid_from, valid_until } => view! {
                                    <p>{t(Msg::FieldValidity)} {t(Msg::Colon)} {written_for(&valid_from, use_lang()).into_owned()} " " {t(Msg::To)} " " {written_for(&valid_until, use_lang()).into_owned()}</p>
                                    <div class="button-row">
                                        <a href=urls::annotation_download(&a.code) class="button" rel="external">{t(Msg::ActionDownload)}</a>
                                        <a href=urls::annotation_pdf(&a.code) class="button button--secondary" target="_blank" rel="external noopener">{t(Msg::OpenInNewTab)}</a>
                                        <a href=urls::annotation_credential(&a.code) class="button button--secondary" rel="external"
                                            type="application/vc+ld+json" data-testid="download-credential">{t(Msg::ActionDownloadCredential)}</a>
                                    </div>
                                    <img class="copy-preview mobile-only" src=urls::annotation_preview(&a.code)
                                        alt=t(Msg::CopyPreviewAlt) loading="lazy" data-testid="copy-preview"/>
                                    <object class="file-viewer desktop-only" data=urls::annotation_pdf(&a.code)
                                        type="application/pdf" aria-label=t(Msg::AnnotatedCopyTitle)>
                                        <img class="copy-preview" src=urls::annotation_preview(&a.code) alt=t(Msg::CopyPreviewAlt)/>
                                    </object>
                                    <ShareCopy code=a.code.clone() link=d.verify_url.clone() valid_until/>
                                    {d.wallet.clone().map(|offer| view! { <WalletCopy offer/> })}
                                    <CancelCopy code=a.code.clone()/>
                                }.into_any(),
                                AnnotationStatus::Cancelled { at } => view! {
                                    <p class="notice notice--warn" role="status" data-testid="copy-cancelled">
                                        <span class="notice__icon" aria-hidden="true">"!"</span>
                                        <span>{t(Msg::CopyCancelled)} " " {tf(Msg::CancelledOn, &[&at])}</span>
                                    </p>
                                }.into_any(),
                                AnnotationStatus::Expired { valid_until } => view! {
                                    <p class="notice notice--warn" role="status">
                                        <span class="notice__icon" aria-hidden="true">"!"</span>
                                        <span>{t(Msg::StatusExpired)} " · " {tf(Msg::ExpiredOn, &[&valid_until])}</span>
                                    </p>
                                    <A href=apply attr:class="button">{t(Msg::ApplyAgain)}</A>
                                }.into_any(),
                                AnnotationStatus::Generating => view! {
                                    <RefreshWhileGenerating certificate=c.public_id.clone()/>
                                    <p class="notice notice--info" role="status">
                                        <span class="notice__icon" aria-hidden="true">"i"</span>
                                        <span>{t(Msg::GeneratingText)} " " <a href=base.clone() rel="external">{t(Msg::Reload)}</a></span>
                                    </p>
                                }.into_any(),
                                AnnotationStatus::Failed => view! {
                                    <p class="notice notice--error" role="status">
                                        <span class="notice__icon" aria-hidden="true">"!"</span>
                                        <span>{t(Msg::CopyFailed)}</span>
                                    </p>
                                    <A href=apply attr:class="button">{t(Msg::ApplyAgain)}</A>
                                }.into_any(),
                                AnnotationStatus::CertificateRevoked => view! {
                                    <p class="notice notice--error" role="status" data-testid="copy-revoked">
                                        <span class="notice__icon" aria-hidden="true">"!"</span>
                                        <span>{t(Msg::AnnotateRevokedRefused)}</span>
                                    </p>
                                }.into_any(),
                            }}
                        </section>
                    }
                    .into_any()
                }
            })}
        </Suspense>
    }
}
