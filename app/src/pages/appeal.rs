//! 账号申诉: the appeal form (with the ID photo), its code step, and the status lookup.
//! The form is a plain multipart post in every case (the page reloads with the answer).

use crate::appeals::views::{AppealStatusView, PostedAppealStatus};
use crate::components::id_type_select::IdTypeSelect;
use crate::components::rare_chars::{RareCharButton, RareCharDialog};
use crate::domain::appeal::{AppealState, MAX_STATEMENT_CHARS};
use crate::forms::{Field, FormNotice, FormState, SubmitButton};
use crate::i18n::{t, tf, use_lang, Msg};
use crate::pages::register::code_forms;
use crate::urls::route;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// 账号申诉: who the appellant is, a mobile number to prove, the statement and the ID photo.
#[component]
pub fn AppealPage() -> impl IntoView {
    let lang = use_lang();
    let state = FormState::new("appeal");
    let statement = state.value("statement");
    let statement_invalid = move || state.field_error("statement").is_some();
    let photo_invalid = move || state.field_error("photo").is_some();
    let appeal_form = view! {
            <form method="post" action=route::APPEAL enctype="multipart/form-data" novalidate
                class="form" data-testid="appeal-form">
                <IdTypeSelect state/>
                <Field state name="id_number" label=Msg::FieldIdNumber hint=Msg::IdNumberHint/>
                <Field state name="name" label=Msg::FieldName hint=Msg::NameHint autocomplete="name">
                    <RareCharButton/>
                </Field>
                <Field state name="mobile" label=Msg::FieldMobile kind="tel" autocomplete="tel"
                    inputmode="tel"/>
                <div class="field" class:field--invalid=statement_invalid>
                    <label class="field__label" for="field-statement">{t(Msg::FieldStatement)}</label>
                    <div class="field__control">
                        <textarea id="field-statement" name="statement" rows="5"
                            maxlength=MAX_STATEMENT_CHARS.to_string()
                            aria-invalid=move || if statement_invalid() { "true" } else { "false" }
                            aria-describedby="field-statement-hint field-statement-error"
                        >{statement}</textarea>
                    </div>
                    <p class="field__hint" id="field-statement-hint">{t(Msg::StatementHint)}</p>
                    <p class="field__error" id="field-statement-error" data-testid="error-statement">
                        {move || state.field_error("statement").map(|m| m.render(lang))}
                    </p>
                </div>
                <div class="field" class:field--invalid=photo_invalid>
                    <label class="field__label" for="field-photo">{t(Msg::FieldIdPhoto)}</label>
                    <input id="field-photo" name="photo" type="file"
                        accept="image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"
                        aria-invalid=move || if photo_invalid() { "true" } else { "false" }
                        aria-describedby="field-photo-hint field-photo-error"/>
                    <p class="field__hint" id="field-photo-hint">{t(Msg::IdPhotoHint)}</p>
                    <p class="field__error" id="field-photo-error" data-testid="error-photo">
                        {move || state.field_error("photo").map(|m| m.render(lang))}
                    </p>
                </div>
                <SubmitButton label=Msg::AppealSubmit/>
            </form>
    }
    .into_any();
    view! {
        <Title text=t(Msg::AppealTitle)/>
        <section class="panel panel--narrow">
            <h1>{t(Msg::AppealTitle)}</h1>
            <p>{t(Msg::AppealIntro)}</p>
            <FormNotice state/>
            {appeal_form}
            <p class="form-footer">
                <A href=route::APPEAL_STATUS>{t(Msg::AppealStatusLink)}</A>
            </p>
        </section>
        <RareCharDialog target="field-name"/>
    }
}

/// The code that files the appeal.
#[component]
pub fn AppealConfirmPage() -> impl IntoView {
    let state = FormState::new("appeal_confirm");
    let ticket = use_query_map().with_untracked(|q| q.get("ticket").unwrap_or_default());
    view! {
        <Title text=t(Msg::AppealConfirmTitle)/>
        <section class="panel panel--narrow">
            <h1>{t(Msg::AppealConfirmTitle)}</h1>
            <p>{t(Msg::AppealConfirmText)}</p>
            <FormNotice state/>
            {code_forms(state, ticket.clone(), crate::urls::appeal_confirm(&ticket),
                Msg::AppealConfirmSubmit, None)}
        </section>
    }
}

/// The state of an appeal, in words.
#[component]
fn AppealStatePanel(view: AppealStatusView) -> impl IntoView {
    let (class, symbol, title) = match view.state {
        AppealState::Approved => ("verdict verdict--ok", "✓", Msg::AppealStateApproved),
        AppealState::Rejected => ("verdict verdict--bad", "✕", Msg::AppealStateRejected),
        _ => ("verdict verdict--warn", "⌛", Msg::AppealStatePending),
    };
    let approved = view.state == AppealState::Approved;
    let pending = view.state == AppealState::Pending;
    view! {
        <section class=class role="status" aria-live="polite" data-testid="appeal-state"
            data-state=view.state.code()>
            <div class="verdict__head">
                <span class="verdict__symbol" aria-hidden="true">{symbol}</span>
                <h2 class="verdict__title">{t(title)}</h2>
            </div>
            {pending.then(|| view! { <p class="verdict__text">{t(Msg::AppealStatePendingText)}</p> })}
            {approved.then(|| view! {
                <p class="verdict__text">
                    {t(Msg::AppealStateApprovedText)} " "
                    <a href=route::REGISTER data-testid="appeal-register">{t(Msg::NavRegister)}</a>
                </p>
            })}
            <dl class="details">
                <dt>{t(Msg::FieldAppealNumber)}</dt><dd class="mono">{view.number}</dd>
                <dt>{t(Msg::FieldFiledAt)}</dt><dd>{view.filed_at}</dd>
                {view.decided_at.map(|at| view! { <dt>{t(Msg::FieldDecidedAt)}</dt><dd>{at}</dd> })}
                {view.reason.map(|reason| view! {
                    <dt>{t(Msg::AppealReason)}</dt>
                    <dd class="appeal-state__reason" data-testid="appeal-reason"><bdi>{reason}</bdi></dd>
                })}
            </dl>
        </section>
    }
    .into_any()
}

/// 申诉进度查询: the appeal number and the ID number; also where a filed appeal (or one for
/// an ID number without an account) lands.
#[component]
pub fn AppealStatusPage() -> impl IntoView {
    let state = FormState::new("appeal_status");
    let filed = use_query_map().with_untracked(|q| q.get("filed").unwrap_or_default());
    let unregistered =
        use_query_map().with_untracked(|q| q.get("unregistered").as_deref() == Some("1"));
    let posted = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            use_context::<PostedAppealStatus>().unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        {
            PostedAppealStatus::default()
        }
    })
    .into_inner();
    let result = posted.0;
    let number_value = {
        let echoed = state.value("number");
        if echoed.is_empty() {
            filed.clone()
        } else {
            echoed
        }
    };
    let number_invalid = move || state.field_error("number").is_some();
    let lang = use_lang();
    let status_form = view! {
            <form method="post" action=route::APPEAL_STATUS novalidate class="form"
                data-testid="appeal-status-form">
                <div class="field" class:field--invalid=number_invalid>
                    <label class="field__label" for="field-number">{t(Msg::FieldAppealNumber)}</label>
                    <div class="field__control">
                        <input id="field-number" name="number" type="text" value=number_value
                            autocomplete="off" class="mono"
                            aria-invalid=move || if number_invalid() { "true" } else { "false" }
                            aria-describedby="field-number-error"/>
                    </div>
                    <p class="field__error" id="field-number-error" data-testid="error-number">
                        {move || state.field_error("number").map(|m| m.render(lang))}
                    </p>
                </div>
                <IdTypeSelect state/>
                <Field state name="id_number" label=Msg::FieldIdNumber/>
                <SubmitButton label=Msg::AppealStatusSubmit/>
            </form>
    }
    .into_any();
    let notices = view! {
            {(!filed.is_empty()).then(|| view! {
                <div class="notice notice--ok" role="status" data-testid="appeal-filed">
                    <span class="notice__icon" aria-hidden="true">"✓"</span>
                    <span>
                        <strong>{t(Msg::AppealFiledTitle)}</strong> " "
                        {tf(Msg::AppealFiledText, &[&filed])}
                    </span>
                </div>
            }.into_any())}
            {unregistered.then(|| view! {
                <div class="notice notice--info" role="status" data-testid="appeal-unregistered">
                    <span class="notice__icon" aria-hidden="true">"i"</span>
                    <span>
                        <strong>{t(Msg::AppealUnregisteredTitle)}</strong> " "
                        {t(Msg::AppealUnregisteredText)} " "
                        <a href=route::REGISTER>{t(Msg::NavRegister)}</a>
                    </span>
                </div>
            }.into_any())}
    }
    .into_any();
    view! {
        <Title text=t(Msg::AppealStatusTitle)/>
        <section class="panel panel--narrow">
            <h1>{t(Msg::AppealStatusTitle)}</h1>
            {notices}
            <div id="result">
                {result.map(|view| view! { <AppealStatePanel view/> })}
            </div>
            <p>{t(Msg::AppealStatusIntro)}</p>
            <FormNotice state/>
            {status_form}
            <p class="form-footer">
                <A href=route::APPEAL>{t(Msg::AppealTitle)}</A>
            </p>
        </section>
    }
}
