use crate::components::guards::RequireSignedIn;
use crate::forms::{FormNotice, FormState, SubmitButton};
use crate::i18n::{t, tf, Msg};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The paragraphs of the service terms (服务须知), version 1.
pub const TERMS: &[Msg] = &[
    Msg::Terms1,
    Msg::Terms2,
    Msg::Terms3,
    Msg::Terms4,
    Msg::Terms5,
    Msg::Terms6,
];

/// 服务须知: shown at first login and whenever the terms change; nothing else is reachable
/// until the holder presses [同意].
#[component]
pub fn TermsPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::TermsTitle)/>
        <RequireSignedIn>
            <TermsContent/>
        </RequireSignedIn>
    }
}

#[component]
fn TermsContent() -> impl IntoView {
    let state = FormState::new("terms");
    let next = use_query_map().with_untracked(|q| q.get("next").unwrap_or_default());
    let accepted = use_session().is_some_and(|s| s.terms_accepted);
    view! {
        <section class="panel terms" aria-labelledby="terms-title">
            <h1 id="terms-title">{t(Msg::TermsTitle)}</h1>
            <p class="lead">{t(Msg::TermsIntro)}</p>
            <ol class="terms__list">
                {TERMS
                    .iter()
                    .map(|m| view! { <li>{tf(*m, &[&crate::components::certificate::annotation_cutoff()])}</li> })
                    .collect_view()}
            </ol>
            {accepted.then(|| view! {
                <div class="notice notice--ok" role="status">
                    <span class="notice__icon" aria-hidden="true">"✓"</span>
                    <span>{t(Msg::TermsAlreadyAccepted)}</span>
                </div>
            })}
            <FormNotice state/>
            <div class="button-row">
                <form method="post" action=crate::urls::route::TERMS class="inline-form">
                    <input type="hidden" name="next" value=next/>
                    <SubmitButton label=Msg::TermsAgree/>
                </form>
                <form method="post" action=crate::urls::route::LOGOUT class="inline-form">
                    <button type="submit" class="button button--secondary">{t(Msg::TermsDecline)}</button>
                </form>
            </div>
        </section>
    }
}
