//! A page showing [证书生成中…] turns into the ready copy by itself.

use leptos::prelude::*;

/// How often a page asks before it leaves the holder to press [刷新] (about a minute).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const MAX_POLLS: u32 = 60;

/// While a copy of `certificate` is being produced, asks the server shortly and again, and
/// reloads the page once it is done (the page then shows the copy, or why there is none). A
/// failed request (the network, a server restarting) is asked again too, more slowly each
/// time, so the page never hangs on one lost poll; after [`MAX_POLLS`] it stops and the [刷新]
/// link remains. Without JavaScript the page reloads itself instead (a `<meta>` refresh in
/// `<noscript>`, beside this island).
#[island]
pub fn ReloadWhenProduced(certificate: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    ask_later(certificate, 0, 0);
    #[cfg(not(feature = "hydrate"))]
    let _ = certificate;
}

#[cfg(feature = "hydrate")]
fn ask_later(certificate: String, polls: u32, failures: u32) {
    use crate::server_fns::annotations::copies_generating;
    if polls >= MAX_POLLS {
        return;
    }
    let delay_ms = 700 * 2u64.pow(failures.min(3));
    set_timeout(
        move || {
            leptos::task::spawn_local(async move {
                match copies_generating(certificate.clone()).await {
                    Ok(true) => ask_later(certificate, polls + 1, 0),
                    Ok(false) => {
                        let _ = window().location().reload();
                    }
                    Err(_) => ask_later(certificate, polls + 1, failures + 1),
                }
            })
        },
        std::time::Duration::from_millis(delay_ms),
    );
}
