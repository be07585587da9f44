//! 关于本系统: what the portal is, whose records it shows, and the software's licence. The
//! licence lines used to sit in every page's footer, which is no place for them on an official
//! portal.

use crate::components::layout::HELP_PHONE;
use crate::i18n::{t, Msg};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AboutPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::FooterAbout)/>
        <h1>{t(Msg::FooterAbout)}</h1>
        <section class="panel">
            <p>{t(Msg::AboutPurpose)}</p>
            <p>{t(Msg::FooterNote)}</p>
            <p>
                {t(Msg::FooterHelp)} {t(Msg::Colon)}
                <a href=format!("tel:{}", HELP_PHONE.replace('-', "")) class="phone">{HELP_PHONE}</a>
                " · " {t(Msg::FooterHours)}
            </p>
        </section>
        <section class="panel" aria-labelledby="about-software">
            <h2 id="about-software">{t(Msg::AboutSoftwareTitle)}</h2>
            <p>{t(Msg::AboutSoftware)}</p>
        </section>
    }
}
