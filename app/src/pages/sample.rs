//! 加注后的电子证书样式: what an annotated copy looks like, before a holder applies for one (the
//! guide links such a sample). The drawing is the same preview every copy gets, of the example
//! document, marked as a sample across its face.

use crate::i18n::{t, Msg};
use crate::urls::route;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SamplePage() -> impl IntoView {
    view! {
        <Title text=t(Msg::SampleTitle)/>
        <h1>{t(Msg::SampleTitle)}</h1>
        <p class="lead">{t(Msg::SampleIntro)}</p>
        <p class="notice notice--warn">
            <span class="notice__icon" aria-hidden="true">"!"</span>
            <span>{t(Msg::SampleNotice)}</span>
        </p>
        <section class="panel" aria-labelledby="sample-parts">
            <h2 id="sample-parts">{t(Msg::SamplePartsTitle)}</h2>
            <ol>
                <li>{t(Msg::SamplePart1)}</li>
                <li>{t(Msg::SamplePart2)}</li>
                <li>{t(Msg::SamplePart3)}</li>
            </ol>
        </section>
        <img class="copy-preview" src=route::SAMPLE_PREVIEW alt=t(Msg::SampleAlt)
            data-testid="sample-preview"/>
    }
}
