//! The frame around every page: header with the system's name, navigation and language switch,
//! and the footer with the help line.

use crate::i18n::{t, use_lang, Msg};
use crate::session::use_session;
use crate::urls::lang_switch_href;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

/// The help line from the official user guide; shown in the footer and the FAQ.
pub const HELP_PHONE: &str = "010-87901800";

#[component]
pub fn Header() -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let switch_href = move || {
        let here = format!("{}{}", location.pathname.get(), location.search.get());
        let here = if location.search.get().is_empty() {
            location.pathname.get()
        } else {
            here
        };
        lang_switch_href(lang.other(), &here)
    };
    let session = use_session();

    view! {
        <header class="site-header">
            <div class="site-header__bar">
                <A href="/" attr:class="brand">
                    <Emblem/>
                    <span class="brand__text">
                        <span class="brand__name">{t(Msg::SiteName)}</span>
                        <span class="brand__short">{t(Msg::SiteShortName)}</span>
                    </span>
                </A>
                <a
                    class="lang-switch"
                    href=switch_href
                    rel="external"
                    hreflang=lang.other().tag()
                    lang=lang.other().tag()
                    title=t(Msg::LangSwitchHint)
                    data-testid="lang-switch"
                >
                    {t(Msg::LangSwitchLabel)}
                </a>
            </div>
            <nav class="site-nav" aria-label=t(Msg::NavMain)>
                <ul>
                    <li><A href="/" exact=true>{t(Msg::NavHome)}</A></li>
                    <li><A href="/certificates">{t(Msg::NavCertificates)}</A></li>
                    <li><A href="/verify">{t(Msg::NavVerify)}</A></li>
                    <li><A href="/faq">{t(Msg::NavFaq)}</A></li>
                    {match session {
                        Some(s) => view! {
                            <li class="site-nav__account">
                                <A href="/account">{t(Msg::NavAccount)}</A>
                                <span class="site-nav__who">{s.holder_name}</span>
                            </li>
                            <li>
                                <form method="post" action=crate::urls::route::LOGOUT class="inline-form">
                                    <button type="submit" class="link-button">{t(Msg::NavLogout)}</button>
                                </form>
                            </li>
                        }.into_any(),
                        None => view! {
                            <li><A href="/login">{t(Msg::NavLogin)}</A></li>
                            <li><A href="/register">{t(Msg::NavRegister)}</A></li>
                        }.into_any(),
                    }}
                </ul>
            </nav>
        </header>
    }
}

/// A plain seal-like mark: a circle with a star. Not an official emblem.
#[component]
fn Emblem() -> impl IntoView {
    view! {
        <svg class="brand__mark" viewBox="0 0 40 40" aria-hidden="true" focusable="false">
            <circle cx="20" cy="20" r="18" fill="none" stroke="currentColor" stroke-width="2.5"/>
            <path
                d="M20 8.5l3.2 9.8h10.3l-8.3 6.1 3.2 9.8-8.4-6.1-8.4 6.1 3.2-9.8-8.3-6.1h10.3z"
                fill="currentColor"
            />
        </svg>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="site-footer__inner">
                <p class="site-footer__help">
                    {t(Msg::FooterHelp)} {t(Msg::Colon)}
                    <a href=format!("tel:{}", HELP_PHONE.replace('-', ""))>{HELP_PHONE}</a>
                    " · " {t(Msg::FooterHours)}
                </p>
                <p>{t(Msg::FooterNote)} " " <a href="/about">{t(Msg::FooterAbout)}</a></p>
            </div>
        </footer>
    }
}
