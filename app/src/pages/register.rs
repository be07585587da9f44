use crate::components::id_type_select::IdTypeSelect;
use crate::components::rare_chars::{RareCharButton, RareCharDialog};
use crate::forms::{Field, FormNotice, FormState, SubmitButton};
use crate::i18n::{t, Msg};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// 用户注册: with the ID document used when the certificate was obtained.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let state = FormState::new("register");
    view! {
        <Title text=t(Msg::RegisterTitle)/>
        <section class="panel panel--narrow">
            <h1>{t(Msg::RegisterTitle)}</h1>
            <p>{t(Msg::RegisterIntro)}</p>
            <FormNotice state/>
            <form
                method="post"
                action=crate::urls::route::REGISTER
                novalidate
                class="form"

            >
                <IdTypeSelect state/>
                <Field state name="id_number" label=Msg::FieldIdNumber hint=Msg::IdNumberHint
                    autocomplete="username"/>
                <Field state name="name" label=Msg::FieldName hint=Msg::NameHint autocomplete="name">
                    <RareCharButton/>
                </Field>
                <Field state name="mobile" label=Msg::FieldMobile kind="tel" autocomplete="tel"
                    inputmode="tel"/>
                <Field state name="password" label=Msg::FieldPassword hint=Msg::PasswordHint
                    kind="password" autocomplete="new-password" prefill=false/>
                <Field state name="password2" label=Msg::FieldPassword2 kind="password"
                    autocomplete="new-password" prefill=false/>
                <SubmitButton label=Msg::RegisterSubmit/>
            </form>
            <p class="form-footer">{t(Msg::HaveAccount)} " " <A href="/login">{t(Msg::NavLogin)}</A></p>
        </section>
        <RareCharDialog target="field-name"/>
    }
}

/// Registration's second step: the code sent to the mobile number, or a new one.
#[component]
pub fn RegisterConfirmPage() -> impl IntoView {
    let state = FormState::new("register_confirm");
    let ticket = use_query_map().with_untracked(|q| q.get("ticket").unwrap_or_default());
    view! {
        <Title text=t(Msg::CodeSentTitle)/>
        <section class="panel panel--narrow">
            <h1>{t(Msg::CodeSentTitle)}</h1>
            <p>{t(Msg::CodeSentText)}</p>
            <FormNotice state/>
            {code_forms(state, ticket.clone(), crate::urls::register_confirm(&ticket), Msg::CodeSubmit,
                None)}
        </section>
    }
}

/// The code field and [确认], and a separate [重新获取验证码] form; both post the ticket, to an
/// address that carries it too, so that the page re-rendered after an error (without
/// JavaScript) still knows it. `extra` are the fields the confirming form asks for besides
/// the code.
pub fn code_forms(
    state: FormState,
    ticket: String,
    action: String,
    submit: Msg,
    extra: Option<AnyView>,
) -> impl IntoView {
    view! {
        <form method="post" action=action.clone() novalidate class="form">
            <input type="hidden" name="ticket" value=ticket.clone()/>
            <input type="hidden" name="intent" value="confirm"/>
            <Field state name="code" label=Msg::FieldCode hint=Msg::CodeHint
                autocomplete="one-time-code" inputmode="numeric" maxlength=6/>
            {extra}
            <SubmitButton label=submit/>
        </form>
        <form method="post" action=action class="form form--secondary">
            <input type="hidden" name="ticket" value=ticket/>
            <input type="hidden" name="intent" value="resend"/>
            <button type="submit" class="button button--secondary">{t(Msg::CodeResend)}</button>
        </form>
    }
}

/// Where a proven registration for a registered ID number ends: no account was created.
#[component]
pub fn RegisterTakenPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::RegisterTakenTitle)/>
        <section class="panel panel--narrow">
            <h1>{t(Msg::RegisterTakenTitle)}</h1>
            <p data-testid="register-taken">{t(Msg::RegisterTakenText)}</p>
            <p class="form-footer">
                <A href=crate::urls::route::LOGIN>{t(Msg::NavLogin)}</A>
                " · "
                <A href=crate::urls::route::FORGOT_PASSWORD>{t(Msg::ForgotPasswordTitle)}</A>
                " · "
                <A href=crate::urls::route::APPEAL>{t(Msg::AppealTitle)}</A>
            </p>
        </section>
    }
}
