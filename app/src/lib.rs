//! The certificate holder portal and verification system: pages, components, server functions
//! and domain types. Server-only code (storage, sessions, signing) is compiled with `ssr`.

#![recursion_limit = "256"]

pub mod accounts;
pub mod annotations;
pub mod appeals;
pub mod assets;
pub mod certificates;
pub mod components;
pub mod domain;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod islands;
pub mod pages;
pub mod server_fns;
pub mod session;
pub mod urls;
pub mod verification;

#[cfg(feature = "ssr")]
pub mod credentials;
#[cfg(feature = "ssr")]
pub mod infra;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod storage;

use crate::components::layout::{Footer, Header};
use crate::i18n::{t, Lang, Msg};
use crate::pages::{
    about::AboutPage,
    account::{
        AccountConfirmPage, AccountPage, ChangeMobilePage, CorrectNamePage, DeleteAccountPage,
    },
    annotations::{AnnotatePage, AnnotationPage},
    appeal::{AppealConfirmPage, AppealPage, AppealStatusPage},
    certificates::{CertificateDownloadPage, CertificatePage, CertificatesPage, FileViewPage},
    faq::FaqPage,
    home::HomePage,
    login::LoginPage,
    not_found::NotFoundPage,
    password::{ForgotPasswordPage, ResetPasswordPage},
    rare_chars::RareCharsPage,
    register::{RegisterConfirmPage, RegisterPage, RegisterTakenPage},
    sample::SamplePage,
    terms::TermsPage,
    verify::{VerifyCodePage, VerifyPage},
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    ParamSegment, SsrMode, StaticSegment,
};

/// The HTML document around the app. Runs on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = Lang::detect();
    let stylesheet = assets::stylesheet_href(&options);
    view! {
        <!DOCTYPE html>
        <html lang=lang.tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#8a1c1c"/>
                // The day e-certificates start to need an annotation, for the texts the browser
                // renders (components::certificate::annotation_cutoff).
                <meta name="annotation-cutoff" content=crate::components::certificate::annotation_cutoff()/>
                <link rel="stylesheet" id="leptos" href=stylesheet/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options islands=true/>
                {keep_resources_serialised()}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Leptos's island script marks the rest of the page as not hydrating, so that its resources
/// are not serialised into it (the islands do not read them). In Leptos 0.8.23 a page rendered
/// that way sometimes never finishes: the download page of a certificate whose copy is being
/// produced hung in 17 of 20 requests, and in none once the mark was undone. Undone here, at
/// the cost of the resources' data in the page, as before islands.
fn keep_resources_serialised() {
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(true);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = Lang::detect();
    provide_context(lang);
    session::provide_session();

    view! {
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Meta name="description" content=t(Msg::SiteTagline)/>
        <Title formatter=|page: String| {
            let site = t(Msg::SiteShortName);
            if page.is_empty() { site.to_string() } else { format!("{page} - {site}") }
        }/>
        <Router>
            <a class="skip-link" href="#main">{t(Msg::SkipToContent)}</a>
            <Header/>
            <main id="main" tabindex="-1">
                // Async: every page is complete HTML when it arrives, so it works without
                // JavaScript and can set its HTTP status (404, 403…) before the first byte.
                <Routes fallback=NotFoundPage>
                    <Route path=StaticSegment("") view=HomePage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("register") view=RegisterPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("register"), StaticSegment("confirm")) view=RegisterConfirmPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("register"), StaticSegment("taken")) view=RegisterTakenPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("password"), StaticSegment("forgot")) view=ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("password"), StaticSegment("reset")) view=ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("terms") view=TermsPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("account"), StaticSegment("mobile")) view=ChangeMobilePage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("account"), StaticSegment("name")) view=CorrectNamePage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("account"), StaticSegment("confirm")) view=AccountConfirmPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("account"), StaticSegment("delete")) view=DeleteAccountPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("appeal") view=AppealPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("appeal"), StaticSegment("confirm")) view=AppealConfirmPage ssr=SsrMode::Async/>
                    <Route path=(StaticSegment("appeal"), StaticSegment("status")) view=AppealStatusPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("rare-chars") view=RareCharsPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("faq") view=FaqPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("about") view=AboutPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("sample") view=SamplePage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("verify") view=VerifyPage ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("verify"), ParamSegment("code"))
                        view=VerifyCodePage
                        ssr=SsrMode::Async
                    />
                    <Route path=StaticSegment("certificates") view=CertificatesPage ssr=SsrMode::Async/>
                    <Route
                        path=(StaticSegment("certificates"), ParamSegment("id"))
                        view=CertificatePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("certificates"), ParamSegment("id"), StaticSegment("download"))
                        view=CertificateDownloadPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("certificates"), ParamSegment("id"), StaticSegment("annotate"))
                        view=AnnotatePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(StaticSegment("annotations"), ParamSegment("code"))
                        view=AnnotationPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=(
                            StaticSegment("certificates"),
                            ParamSegment("id"),
                            StaticSegment("files"),
                            ParamSegment("file"),
                        )
                        view=FileViewPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
            <Footer/>
        </Router>
    }
}
