//! 查询验证: the public verification pages. No account is needed.

use crate::components::error_view::ErrorPage;
use crate::domain::time::written_for;
use crate::forms::{Field, FormNotice, FormState, SubmitButton};
use crate::i18n::{t, use_lang, Msg};
use crate::server_fns::verification::check_code;
use crate::verification::views::{
    FileProblem, Method, Verdict, VerificationLogEntry, VerificationResult,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The result a plain form post (no JavaScript) hands to the page it renders.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PostedVerification(pub Option<VerificationResult>);

/// The verdict, in words, with a symbol and a colour (never the colour alone).
#[component]
pub fn VerdictPanel(result: VerificationResult) -> impl IntoView {
    let lang = use_lang();
    let (class, symbol, title, text) = match result.verdict {
        Verdict::Valid => (
            "verdict verdict--ok",
            "✓",
            Msg::VerdictValidTitle,
            Msg::VerdictValidText.format(
                lang,
                &[result
                    .annotation
                    .as_ref()
                    .map(|a| a.valid_until.as_str())
                    .unwrap_or_default()],
            ),
        ),
        Verdict::CertificateValid => (
            "verdict verdict--ok",
            "✓",
            Msg::VerdictCertificateValidTitle,
            Msg::VerdictCertificateValidText.text(lang).to_string(),
        ),
        Verdict::Expired => (
            "verdict verdict--warn",
            "⌛",
            Msg::VerdictExpiredTitle,
            Msg::VerdictExpiredText.format(
                lang,
                &[result
                    .annotation
                    .as_ref()
                    .map(|a| a.valid_until.as_str())
                    .unwrap_or_default()],
            ),
        ),
        Verdict::Revoked => (
            "verdict verdict--bad",
            "✕",
            Msg::VerdictRevokedTitle,
            Msg::VerdictRevokedText.format(
                lang,
                &[result
                    .certificate
                    .as_ref()
                    .and_then(|c| c.revoked_on.as_deref())
                    .unwrap_or_default()],
            ),
        ),
        Verdict::NotGenuine => (
            "verdict verdict--bad",
            "✕",
            Msg::VerdictNotGenuineTitle,
            Msg::VerdictNotGenuineText.text(lang).to_string(),
        ),
        Verdict::Withdrawn => (
            "verdict verdict--bad",
            "✕",
            Msg::VerdictWithdrawnTitle,
            Msg::VerdictWithdrawnText.text(lang).to_string(),
        ),
        Verdict::Cancelled => (
            "verdict verdict--bad",
            "✕",
            Msg::VerdictCancelledTitle,
            Msg::VerdictCancelledText.text(lang).to_string(),
        ),
    };
    let problem = result.file_problem.map(|p| match p {
        FileProblem::NoSignature => Msg::ProblemNoSignature,
        FileProblem::Modified => Msg::ProblemModified,
        FileProblem::UnknownSigner => Msg::ProblemUnknownSigner,
        FileProblem::UnknownDocument => Msg::ProblemUnknownDocument,
        FileProblem::NotPdf => Msg::ProblemNotPdf,
        FileProblem::TooLarge => Msg::ProblemTooLarge,
        FileProblem::RetiredKey => Msg::ProblemRetiredKey,
        FileProblem::OutsideKeyValidity => Msg::ProblemOutsideKeyValidity,
        FileProblem::NotProduced => Msg::ProblemNotProduced,
    });
    view! {
        <section class=class role="status" aria-live="polite" data-testid="verdict"
            data-verdict=result.verdict.code()>
            <div class="verdict__head">
                <span class="verdict__symbol" aria-hidden="true">{symbol}</span>
                <h2 class="verdict__title">{t(title)}</h2>
            </div>
            <p class="verdict__text">{text}</p>
            {problem.map(|p| view! { <p class="verdict__problem">{t(p)}</p> })}
            {result.certificate.map(|c| view! {
                <dl class="details">
                    <dt>{t(Msg::FieldHolderName)}</dt><dd>{c.holder_name}</dd>
                    <dt>{t(Msg::FieldIdNumber)}</dt><dd>{c.masked_id_number}</dd>
                    <dt>{t(Msg::FieldQualification)}</dt><dd>{c.qualification}</dd>
                    <dt>{t(Msg::FieldLevel)}</dt><dd>{c.level}</dd>
                    <dt>{t(Msg::FieldSpecialty)}</dt><dd>{c.specialty}</dd>
                    <dt>{t(Msg::FieldCertNumber)}</dt><dd class="mono">{c.number}</dd>
                    <dt>{t(Msg::FieldIssuedOn)}</dt><dd>{written_for(&c.issued_on, use_lang()).into_owned()}</dd>
                    <dt>{t(Msg::FieldIssuer)}</dt><dd>{c.issuer}</dd>
                    {c.revoked_on.map(|on| view! { <dt>{t(Msg::FieldRevokedOn)}</dt><dd>{written_for(&on, use_lang()).into_owned()}</dd> })}
                </dl>
            })}
            {result.annotation.map(|a| view! {
                <dl class="details">
                    <dt>{t(Msg::FieldAnnotationNumber)}</dt><dd class="mono">{a.number}</dd>
                    <dt>{t(Msg::FieldScenario)}</dt>
                    <dd>{crate::domain::annotation::Scenario::parse(&a.scenario)
                        .map(|s| s.label().text(lang).to_string())
                        .unwrap_or(a.scenario)}</dd>
                    <dt>{t(Msg::FieldValidity)}</dt>
                    <dd>{written_for(&a.valid_from, use_lang()).into_owned()} " " {t(Msg::To)} " " {written_for(&a.valid_until, use_lang()).into_owned()}</dd>
                </dl>
            })}
            <p class="verdict__time">{t(Msg::CheckedAt)} {t(Msg::Colon)} {written_for(&result.checked_at, use_lang()).into_owned()}</p>
        </section>
    }
}

/// 查询验证: the three ways to check.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let lang = use_lang();
    let state = FormState::new("verify");
    let upload = FormState::new("verify-file");
    let posted = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            use_context::<PostedVerification>().unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        {
            PostedVerification::default()
        }
    })
    .into_inner();
    let result = posted.0;
    view! {
        <Title text=t(Msg::VerifyTitle)/>
        <h1>{t(Msg::VerifyTitle)}</h1>
        <p class="lead">{t(Msg::VerifyIntro)}</p>
        <div id="result">
            {result.map(|r| view! { <VerdictPanel result=r/> })}
        </div>
        <div class="cards cards--two">
            <section class="card" aria-labelledby="verify-manual">
                <h2 id="verify-manual">{t(Msg::VerifyManualTitle)}</h2>
                <p>{t(Msg::VerifyManualText)}</p>
                <FormNotice state/>
                <form method="post" action=crate::urls::route::VERIFY novalidate class="form"
                    data-testid="manual-form">
                    <Field state name="certificate_number" label=Msg::FieldCertNumberInput/>
                    <Field state name="holder_name" label=Msg::FieldHolderNameInput/>
                    <Field state name="annotation_number" label=Msg::FieldAnnotationNumberOptional/>
                    <Field state name="purpose" label=Msg::FieldPurpose hint=Msg::PurposeHint/>
                    <SubmitButton label=Msg::VerifySubmit/>
                </form>
            </section>
            <section class="card" aria-labelledby="verify-file">
                <h2 id="verify-file">{t(Msg::VerifyFileTitle)}</h2>
                <p>{t(Msg::VerifyFileText)}</p>
                <FormNotice state=upload/>
                // A plain upload in every case: the page reloads with the verdict.
                <form method="post" action=crate::urls::route::VERIFY enctype="multipart/form-data" class="form"
                    data-testid="upload-form">
                    <div class="field" class:field--invalid=move || upload.field_error("file").is_some()>
                        <label class="field__label" for="field-file">{t(Msg::FieldPdfFile)}</label>
                        <input id="field-file" name="file" type="file" accept="application/pdf,.pdf,application/vc+ld+json,.jsonld,.json"
                            aria-describedby="field-file-error"/>
                        <p class="field__error" id="field-file-error" data-testid="error-file">
                            {move || upload.field_error("file").map(|m| m.render(lang))}
                        </p>
                    </div>
                    <Field state=upload name="purpose" label=Msg::FieldPurpose id="field-upload-purpose"/>
                    <button type="submit" class="button">{t(Msg::VerifyUpload)}</button>
                </form>
            </section>
        </div>
        <section class="panel" aria-labelledby="verify-qr">
            <h2 id="verify-qr">{t(Msg::VerifyQrTitle)}</h2>
            <p>{t(Msg::VerifyQrText)}</p>
        </section>
    }
}

/// The page a QR code opens: the verdict for the copy's code.
#[component]
pub fn VerifyCodePage() -> impl IntoView {
    let code = move || use_params_map().with(|p| p.get("code").unwrap_or_default());
    let purpose = move || use_query_map().with(|q| q.get("purpose").unwrap_or_default());
    let result = Resource::new_blocking(move || (code(), purpose()), |(c, p)| check_code(c, p));
    view! {
        <Title text=t(Msg::VerifyTitle)/>
        <h1>{t(Msg::VerifyTitle)}</h1>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || result.get().map(|r| match r {
                Err(error) => view! { <ErrorPage error/> }.into_any(),
                Ok(r) => view! {
                    <VerdictPanel result=r/>
                    <form method="get" class="form form--inline purpose-form">
                        <label class="field__label" for="purpose">{t(Msg::FieldPurpose)}</label>
                        <div class="field__control">
                            <input id="purpose" name="purpose" type="text" value=purpose()/>
                            <button type="submit" class="button button--secondary">{t(Msg::VerifySubmit)}</button>
                        </div>
                        <p class="field__hint">{t(Msg::PurposeHint)}</p>
                    </form>
                    <p><a href="/verify">{t(Msg::VerifyAnother)}</a></p>
                }.into_any(),
            })}
        </Suspense>
    }
}

/// The holder's view of who checked a certificate.
#[component]
pub fn VerificationLog(entries: Vec<VerificationLogEntry>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <section class="panel" aria-labelledby="verification-log" data-testid="verification-log">
            <h2 id="verification-log">{t(Msg::VerificationLogTitle)}</h2>
            <p class="field__hint">{t(Msg::VerificationLogIntro)}</p>
            {if entries.is_empty() {
                view! { <p class="muted">{t(Msg::VerificationLogEmpty)}</p> }.into_any()
            } else {
                view! {
                    <ul class="log-list">
                        {entries.into_iter().map(|e| {
                            let method = match e.method {
                                Method::Code => Msg::MethodCode,
                                Method::Manual => Msg::MethodManual,
                                Method::File => Msg::MethodFile,
                                _ => Msg::MethodApi,
                            };
                            let verdict = match e.verdict {
                                Verdict::Valid => Msg::VerdictValidTitle,
                                Verdict::CertificateValid => Msg::VerdictCertificateValidTitle,
                                Verdict::Expired => Msg::VerdictExpiredTitle,
                                Verdict::Revoked => Msg::VerdictRevokedTitle,
                                Verdict::NotGenuine => Msg::VerdictNotGenuineTitle,
                                Verdict::Withdrawn => Msg::VerdictWithdrawnTitle,
                                Verdict::Cancelled => Msg::VerdictCancelledTitle,
                            };
                            view! {
                                <li class="log-list__item" data-testid="verification">
                                    <span class="nowrap">{written_for(&e.at, lang).into_owned()}</span>
                                    <span>{t(method)}</span>
                                    <span>{t(verdict)}</span>
                                    {e.annotation_number.map(|n| view! { <span class="mono">{n}</span> })}
                                    <span class="log-list__purpose">
                                        {t(Msg::LogPurpose)} {t(Msg::Colon)}
                                        // The verifier's words, isolated from the page's direction.
                                        <bdi>{e.purpose.unwrap_or_else(|| Msg::NoPurpose.text(lang).to_string())}</bdi>
                                    </span>
                                    // A flood from one source is counted on its line, not listed.
                                    {(e.more > 0).then(|| view! {
                                        <span class="muted" data-testid="more-checks">
                                            {Msg::LogMoreChecks.format(lang, &[&e.more.to_string()])}
                                        </span>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
