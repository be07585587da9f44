use crate::components::id_type_select::IdTypeSelect;
use crate::forms::{Field, FormNotice, FormState, SubmitButton};
use crate::i18n::{t, Msg};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// 登录 with the ID document and password.
#[component]
pub fn LoginPage() -> impl IntoView {
    let state = FormState::new("login");
    let next = use_query_map().with_untracked(|q| q.get("next").unwrap_or_default());
    let after_reset = use_query_map().with_untracked(|q| q.get("reset").as_deref() == Some("done"));
    view! {
        <Title text=t(Msg::LoginTitle)/>
        <section class="panel panel--narrow">
            <h1>{t(Msg::LoginTitle)}</h1>
            <p>{t(Msg::LoginIntro)}</p>
            {after_reset.then(|| view! {
                <div class="notice notice--ok" role="status" data-testid="password-reset-done">
                    <span class="notice__icon" aria-hidden="true">"✓"</span>
                    <span>{t(Msg::PasswordResetDone)}</span>
                </div>
            })}
            <FormNotice state/>
            <form method="post" action=crate::urls::route::LOGIN novalidate class="form">
                <input type="hidden" name="next" value=next/>
                <IdTypeSelect state/>
                <Field state name="id_number" label=Msg::FieldIdNumber autocomplete="username"/>
                <Field state name="password" label=Msg::FieldPassword kind="password"
                    autocomplete="current-password" prefill=false/>
                <SubmitButton label=Msg::LoginSubmit/>
            </form>
            <p class="form-footer">
                <A href=crate::urls::route::FORGOT_PASSWORD>{t(Msg::ForgotPasswordLink)}</A>
            </p>
            <p class="form-footer">
                <A href=crate::urls::route::APPEAL>{t(Msg::AppealLink)}</A>
            </p>
            <p class="form-footer">{t(Msg::NoAccount)} " " <A href="/register">{t(Msg::NavRegister)}</A></p>
        </section>
    }
}
