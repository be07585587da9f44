use crate::components::error_view::ErrorNotice;
use crate::components::guards::RequireHolder;
use crate::forms::{Field, FormNotice, FormState, SubmitButton};
use crate::i18n::{t, use_lang, Msg};
use crate::server_fns::accounts::{account_overview, change_password};
use leptos::prelude::*;
use leptos_meta::Title;

/// 我的账户: who is signed in (ID number masked) and a password change.
#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::AccountTitle)/>
        <RequireHolder>
            <AccountContent/>
        </RequireHolder>
    }
}

#[component]
fn AccountContent() -> impl IntoView {
    let lang = use_lang();
    let overview = Resource::new_blocking(|| (), |_| account_overview());
    let state = FormState::new("password");
    view! {
        <h1>{t(Msg::AccountTitle)}</h1>
        <Suspense fallback=|| view! { <p>{t(Msg::Loading)}</p> }>
            {move || overview.get().map(|result| match result {
                Err(error) => view! { <ErrorNotice error/> }.into_any(),
                Ok(account) => view! {
                    <section class="panel" aria-labelledby="account-details">
                        <h2 id="account-details">{t(Msg::AccountDetails)}</h2>
                        <dl class="details">
                            <dt>{t(Msg::FieldName)}</dt>
                            <dd data-testid="account-name">{account.name}</dd>
                            <dt>{t(Msg::FieldIdType)}</dt>
                            <dd>{account.id_type.label().text(lang)}</dd>
                            <dt>{t(Msg::FieldIdNumber)}</dt>
                            <dd data-testid="account-id">{account.masked_id_number}</dd>
                            <dt>{t(Msg::FieldMobile)}</dt>
                            <dd>{account.masked_mobile}</dd>
                            <dt>{t(Msg::AccountRegisteredAt)}</dt>
                            <dd>{account.registered_at}</dd>
                            <dt>{t(Msg::AccountTermsAcceptedAt)}</dt>
                            <dd>{account.terms_accepted_at.unwrap_or_default()}</dd>
                        </dl>
                        <p class="field__hint">{t(Msg::AccountCorrectionNote)}</p>
                    </section>
                }.into_any(),
            })}
        </Suspense>
        <section class="panel" aria-labelledby="change-password">
            <h2 id="change-password">{t(Msg::ChangePasswordTitle)}</h2>
            <p>{t(Msg::ChangePasswordIntro)}</p>
            <FormNotice state/>
            <form method="post" action=crate::urls::route::ACCOUNT novalidate class="form"
                on:submit=state.submit_with(change_password)>
                <Field state name="current" label=Msg::FieldCurrentPassword kind="password"
                    autocomplete="current-password" prefill=false/>
                <Field state name="password" label=Msg::FieldNewPassword hint=Msg::PasswordHint
                    kind="password" autocomplete="new-password" prefill=false/>
                <Field state name="password2" label=Msg::FieldPassword2 kind="password"
                    autocomplete="new-password" prefill=false/>
                <SubmitButton state label=Msg::ChangePasswordSubmit/>
            </form>
        </section>
    }
}
