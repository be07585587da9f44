use crate::components::error_view::ErrorNotice;
use crate::components::guards::RequireHolder;
use crate::components::rare_chars::{RareCharButton, RareCharDialog};
use crate::domain::time::written_for;
use crate::forms::{Field, FormNotice, FormState, SubmitButton};
use crate::i18n::{t, use_lang, Msg};
use crate::pages::register::code_forms;
use crate::server_fns::accounts::account_overview;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

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
    let changed = use_query_map().with_untracked(|q| match q.get("changed").as_deref() {
        Some("mobile") => Some(Msg::MobileChanged),
        Some("name") => Some(Msg::NameCorrected),
        _ => None,
    });
    view! {
        <h1>{t(Msg::AccountTitle)}</h1>
        {changed.map(|msg| view! {
            <div class="notice notice--ok" role="status" data-testid="account-changed">
                <span class="notice__icon" aria-hidden="true">"✓"</span>
                <span>{t(msg)}</span>
            </div>
        })}
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
                            <dd>{written_for(&account.registered_at, use_lang()).into_owned()}</dd>
                            <dt>{t(Msg::AccountTermsAcceptedAt)}</dt>
                            <dd>{written_for(&account.terms_accepted_at.unwrap_or_default(), use_lang()).into_owned()}</dd>
                        </dl>
                        <p class="field__hint">{t(Msg::AccountCorrectionNote)}</p>
                        <p class="form-footer">
                            <A href=crate::urls::route::ACCOUNT_MOBILE>{t(Msg::ChangeMobileTitle)}</A>
                            " · "
                            <A href=crate::urls::route::ACCOUNT_NAME>{t(Msg::CorrectNameTitle)}</A>
                        </p>
                    </section>
                }.into_any(),
            })}
        </Suspense>
        <section class="panel" aria-labelledby="change-password">
            <h2 id="change-password">{t(Msg::ChangePasswordTitle)}</h2>
            <p>{t(Msg::ChangePasswordIntro)}</p>
            <FormNotice state/>
            <form method="post" action=crate::urls::route::ACCOUNT novalidate class="form"
               >
                <Field state name="current" label=Msg::FieldCurrentPassword kind="password"
                    autocomplete="current-password" prefill=false/>
                <Field state name="password" label=Msg::FieldNewPassword hint=Msg::PasswordHint
                    kind="password" autocomplete="new-password" prefill=false/>
                <Field state name="password2" label=Msg::FieldPassword2 kind="password"
                    autocomplete="new-password" prefill=false/>
                <SubmitButton label=Msg::ChangePasswordSubmit/>
            </form>
        </section>
        <section class="panel" aria-labelledby="personal-data">
            <h2 id="personal-data">{t(Msg::PersonalDataTitle)}</h2>
            <p>{t(Msg::PersonalDataIntro)}</p>
            <p class="form-footer">
                // A download, not a page: the router must leave it to the browser.
                <a href=crate::urls::route::ACCOUNT_EXPORT download rel="external"
                    data-testid="export-link">{t(Msg::ExportLink)}</a>
                " · "
                <A href=crate::urls::route::ACCOUNT_DELETE>{t(Msg::DeleteAccountLink)}</A>
            </p>
        </section>
    }
}

/// 注销账号: what is deleted and what is kept, then the current password (a code follows).
#[component]
pub fn DeleteAccountPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::DeleteAccountTitle)/>
        <RequireHolder>
            {
                let state = FormState::new("delete_account");
                view! {
                    <section class="panel panel--narrow">
                        <h1>{t(Msg::DeleteAccountTitle)}</h1>
                        <p>{t(Msg::DeleteAccountIntro)}</p>
                        <h2>{t(Msg::DeleteAccountRemovedTitle)}</h2>
                        <ul>
                            <li>{t(Msg::DeleteAccountRemoved1)}</li>
                            <li>{t(Msg::DeleteAccountRemoved2)}</li>
                            <li>{t(Msg::DeleteAccountRemoved3)}</li>
                            <li>{t(Msg::DeleteAccountRemoved4)}</li>
                        </ul>
                        <h2>{t(Msg::DeleteAccountKeptTitle)}</h2>
                        <ul>
                            <li>{t(Msg::DeleteAccountKept1)}</li>
                            <li>{t(Msg::DeleteAccountKept2)}</li>
                        </ul>
                        <FormNotice state/>
                        <form method="post" action=crate::urls::route::ACCOUNT_DELETE novalidate
                            class="form">
                            <Field state name="current" label=Msg::FieldCurrentPassword
                                kind="password" autocomplete="current-password" prefill=false/>
                            <SubmitButton label=Msg::DeleteAccountSubmit/>
                        </form>
                    </section>
                }
            }
        </RequireHolder>
    }
}

/// 更换手机号: the current password and the new number.
#[component]
pub fn ChangeMobilePage() -> impl IntoView {
    view! {
        <Title text=t(Msg::ChangeMobileTitle)/>
        <RequireHolder>
            {
                let state = FormState::new("change_mobile");
                view! {
                    <section class="panel panel--narrow">
                        <h1>{t(Msg::ChangeMobileTitle)}</h1>
                        <p>{t(Msg::ChangeMobileIntro)}</p>
                        <FormNotice state/>
                        <form method="post" action=crate::urls::route::ACCOUNT_MOBILE novalidate
                            class="form">
                            <Field state name="current" label=Msg::FieldCurrentPassword
                                kind="password" autocomplete="current-password" prefill=false/>
                            <Field state name="mobile" label=Msg::FieldNewMobile kind="tel"
                                autocomplete="tel" inputmode="tel"/>
                            <SubmitButton label=Msg::ChangeMobileSubmit/>
                        </form>
                    </section>
                }
            }
        </RequireHolder>
    }
}

/// 更正姓名: the corrected name (rare characters through the picker) and the current password.
#[component]
pub fn CorrectNamePage() -> impl IntoView {
    view! {
        <Title text=t(Msg::CorrectNameTitle)/>
        <RequireHolder>
            {
                let state = FormState::new("correct_name");
                view! {
                    <section class="panel panel--narrow">
                        <h1>{t(Msg::CorrectNameTitle)}</h1>
                        <p>{t(Msg::CorrectNameIntro)}</p>
                        <FormNotice state/>
                        <form method="post" action=crate::urls::route::ACCOUNT_NAME novalidate
                            class="form">
                            <Field state name="name" label=Msg::FieldCorrectedName
                                hint=Msg::NameHint autocomplete="name">
                                <RareCharButton/>
                            </Field>
                            <Field state name="current" label=Msg::FieldCurrentPassword
                                kind="password" autocomplete="current-password" prefill=false/>
                            <SubmitButton label=Msg::CorrectNameSubmit/>
                        </form>
                    </section>
                    <RareCharDialog target="field-name"/>
                }
            }
        </RequireHolder>
    }
}

/// The code that confirms a change of the account.
#[component]
pub fn AccountConfirmPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::AccountConfirmTitle)/>
        <RequireHolder>
            {
                let state = FormState::new("account_confirm");
                let ticket =
                    use_query_map().with_untracked(|q| q.get("ticket").unwrap_or_default());
                view! {
                    <section class="panel panel--narrow">
                        <h1>{t(Msg::AccountConfirmTitle)}</h1>
                        <p>{t(Msg::AccountConfirmText)}</p>
                        <FormNotice state/>
                        {code_forms(state, ticket.clone(), crate::urls::account_confirm(&ticket),
                            Msg::CodeSubmit, None)}
                    </section>
                }
            }
        </RequireHolder>
    }
}
