//! Pages that need a signed-in holder. The same rules are enforced again by every server
//! function and download route; these only send the browser to the right page first.

use crate::session::use_session;
use crate::urls;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

fn here() -> String {
    let location = use_location();
    format!(
        "{}{}",
        location.pathname.get_untracked(),
        location.search.get_untracked()
    )
}

/// Shows `children` to a signed-in holder who has accepted the service terms; sends anyone else
/// to log in, or to the terms.
#[component]
pub fn RequireHolder(children: ChildrenFn) -> impl IntoView {
    match use_session() {
        None => view! { <Redirect path=urls::login_then(&here())/> }.into_any(),
        Some(s) if !s.terms_accepted => {
            view! { <Redirect path=urls::terms_then(&here())/> }.into_any()
        }
        Some(_) => children().into_any(),
    }
}

/// Shows `children` to any signed-in holder (the terms page itself).
#[component]
pub fn RequireSignedIn(children: ChildrenFn) -> impl IntoView {
    match use_session() {
        None => view! { <Redirect path=urls::login_then(&here())/> }.into_any(),
        Some(_) => children().into_any(),
    }
}
