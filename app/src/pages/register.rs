use crate::components::id_type_select::IdTypeSelect;
use crate::components::rare_chars::{RareCharButton, RareCharDialog};
use crate::forms::{Field, FormNotice, FormState, SubmitButton};
use crate::i18n::{t, Msg};
use crate::server_fns::accounts::register_holder;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// 用户注册: with the ID document used when the certificate was obtained.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let state = FormState::new("register");
    let picker_open = RwSignal::new(false);
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
                on:submit=state.submit_with(register_holder)
            >
                <IdTypeSelect state/>
                <Field state name="id_number" label=Msg::FieldIdNumber hint=Msg::IdNumberHint
                    autocomplete="username"/>
                <Field state name="name" label=Msg::FieldName hint=Msg::NameHint autocomplete="name">
                    <RareCharButton open=picker_open/>
                </Field>
                <Field state name="mobile" label=Msg::FieldMobile kind="tel" autocomplete="tel"
                    inputmode="tel"/>
                <Field state name="password" label=Msg::FieldPassword hint=Msg::PasswordHint
                    kind="password" autocomplete="new-password" prefill=false/>
                <Field state name="password2" label=Msg::FieldPassword2 kind="password"
                    autocomplete="new-password" prefill=false/>
                <SubmitButton state label=Msg::RegisterSubmit/>
            </form>
            <p class="form-footer">{t(Msg::HaveAccount)} " " <A href="/login">{t(Msg::NavLogin)}</A></p>
        </section>
        <RareCharDialog open=picker_open target="field-name"/>
    }
}
