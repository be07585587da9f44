//! 忘记密码: the account and its mobile number, then the code and a new password.

use crate::components::id_type_select::IdTypeSelect;
use crate::forms::{Field, FormNotice, FormState, SubmitButton};
use crate::i18n::{t, Msg};
use crate::pages::register::code_forms;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let state = FormState::new("forgot_password");
    view! {
        <Title text=t(Msg::ForgotPasswordTitle)/>
        <section class="panel panel--narrow">
            <h1>{t(Msg::ForgotPasswordTitle)}</h1>
            <p>{t(Msg::ForgotPasswordIntro)}</p>
            <FormNotice state/>
            <form method="post" action=crate::urls::route::FORGOT_PASSWORD novalidate class="form"
               >
                <IdTypeSelect state/>
                <Field state name="id_number" label=Msg::FieldIdNumber autocomplete="username"/>
                <Field state name="mobile" label=Msg::FieldMobile kind="tel" autocomplete="tel"
                    inputmode="tel"/>
                <SubmitButton label=Msg::ForgotPasswordSubmit/>
            </form>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let state = FormState::new("reset_password");
    let ticket = use_query_map().with_untracked(|q| q.get("ticket").unwrap_or_default());
    view! {
        <Title text=t(Msg::ResetPasswordTitle)/>
        <section class="panel panel--narrow">
            <h1>{t(Msg::ResetPasswordTitle)}</h1>
            <p>{t(Msg::ResetPasswordText)}</p>
            <FormNotice state/>
            {code_forms(state, ticket.clone(), crate::urls::reset_password(&ticket),
                Msg::ResetPasswordSubmit, Some(view! {
                    <Field state name="password" label=Msg::FieldNewPassword
                        hint=Msg::PasswordHint kind="password" autocomplete="new-password"
                        prefill=false/>
                    <Field state name="password2" label=Msg::FieldPassword2 kind="password"
                        autocomplete="new-password" prefill=false/>
                }.into_any()))}
        </section>
    }
}
