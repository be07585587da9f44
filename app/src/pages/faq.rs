use crate::components::layout::HELP_PHONE;
use crate::i18n::{t, Msg};
use leptos::prelude::*;
use leptos_meta::Title;

/// One question of the FAQ: its anchor (linked from the pages whose state it explains), the
/// question and the answer paragraphs.
struct Entry {
    anchor: &'static str,
    question: Msg,
    answer: &'static [Msg],
}

const ENTRIES: &[Entry] = &[
    Entry {
        anchor: "faq-revoked",
        question: Msg::FaqQ1,
        answer: &[Msg::FaqA1, Msg::FaqA1b],
    },
    Entry {
        anchor: "faq-blank",
        question: Msg::FaqQ2,
        answer: &[
            Msg::FaqA2,
            Msg::FaqA2a,
            Msg::FaqA2b,
            Msg::FaqA2c,
            Msg::FaqA2d,
        ],
    },
    Entry {
        anchor: "faq-not-online",
        question: Msg::FaqQ3,
        answer: &[Msg::FaqA3],
    },
    Entry {
        anchor: "faq-rare-chars",
        question: Msg::FaqQ4,
        answer: &[Msg::FaqA4, Msg::FaqA4b],
    },
    Entry {
        anchor: "faq-generating",
        question: Msg::FaqQ5,
        answer: &[Msg::FaqA5],
    },
    Entry {
        anchor: "faq-expired",
        question: Msg::FaqQ6,
        answer: &[Msg::FaqA6, Msg::FaqA6b],
    },
    Entry {
        anchor: "faq-corrected",
        question: Msg::FaqQ7,
        answer: &[Msg::FaqA7],
    },
    Entry {
        anchor: "faq-taken",
        question: Msg::FaqQ8,
        answer: &[Msg::FaqA8],
    },
];

/// 常见问题: the six questions of the guide (and ones on corrected data and on an ID number
/// someone else registered), with the help line.
#[component]
pub fn FaqPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::NavFaq)/>
        <h1>{t(Msg::FaqTitle)}</h1>
        <div class="faq">
            {ENTRIES.iter().enumerate().map(|(i, e)| view! {
                <section class="panel faq__entry" id=e.anchor aria-labelledby=format!("{}-q", e.anchor)>
                    <h2 id=format!("{}-q", e.anchor)>{format!("{}. ", i + 1)} {t(e.question)}</h2>
                    {e.answer.iter().map(|a| view! { <p>{t(*a)}</p> }).collect_view()}
                    {(e.anchor == "faq-rare-chars").then(|| view! {
                        <p><a href="/rare-chars">{t(Msg::RareCharTitle)}</a></p>
                    })}
                    {(e.anchor == "faq-taken").then(|| view! {
                        <p>
                            <a href=crate::urls::route::APPEAL data-testid="faq-appeal">{t(Msg::AppealTitle)}</a>
                            " · "
                            <a href=crate::urls::route::APPEAL_STATUS>{t(Msg::AppealStatusLink)}</a>
                        </p>
                    })}
                </section>
            }).collect_view()}
        </div>
        <section class="panel faq__help" aria-labelledby="faq-help">
            <h2 id="faq-help">{t(Msg::FaqHelpTitle)}</h2>
            <p>
                {t(Msg::FaqHelpText)} " "
                <a href=format!("tel:{}", HELP_PHONE.replace('-', "")) class="phone">{HELP_PHONE}</a>
            </p>
        </section>
    }
}
