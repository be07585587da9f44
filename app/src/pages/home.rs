use crate::i18n::{t, Msg};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// The landing page: two ways in, one for holders and one for verifiers.
#[component]
pub fn HomePage() -> impl IntoView {
    let deleted = use_query_map().with_untracked(|q| q.get("deleted").is_some());
    view! {
        <Title text=""/>
        {deleted.then(|| view! {
            <div class="notice notice--ok" role="status" data-testid="account-deleted">
                <span class="notice__icon" aria-hidden="true">"✓"</span>
                <span>{t(Msg::AccountDeleted)}</span>
            </div>
        })}
        <section class="hero">
            <h1>{t(Msg::HomeTitle)}</h1>
            <p class="lead">{t(Msg::HomeIntro)}</p>
        </section>
        <div class="cards cards--two">
            <section class="card" aria-labelledby="home-holder">
                <h2 id="home-holder">{t(Msg::HomeHolderTitle)}</h2>
                <p>{t(Msg::HomeHolderText)}</p>
                <A href="/certificates" attr:class="button">{t(Msg::HomeHolderAction)}</A>
            </section>
            <section class="card" aria-labelledby="home-verifier">
                <h2 id="home-verifier">{t(Msg::HomeVerifierTitle)}</h2>
                <p>{t(Msg::HomeVerifierText)}</p>
                <A href="/verify" attr:class="button button--secondary">{t(Msg::HomeVerifierAction)}</A>
            </section>
        </div>
        <section class="panel" aria-labelledby="home-steps">
            <h2 id="home-steps">{t(Msg::HomeStepsTitle)}</h2>
            <ol class="steps">
                <li>{t(Msg::HomeStep1)}</li>
                <li>{t(Msg::HomeStep2)}</li>
                <li>{t(Msg::HomeStep3)}</li>
                <li>{t(Msg::HomeStep4)}</li>
            </ol>
        </section>
    }
}
