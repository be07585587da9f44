//! What the page knows about the signed-in holder. The server resolves the session cookie once
//! per request (see `server`'s session layer) and the result is shared with the browser during
//! hydration, so both render the same header. Logging in and out reload the page.

#[cfg(feature = "ssr")]
mod active;
#[cfg(feature = "ssr")]
pub use active::*;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in holder, as far as the interface needs to know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub holder_name: String,
    /// Whether the holder has accepted the current version of the service terms.
    pub terms_accepted: bool,
}

/// The session of the current page, if any.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentSession(pub Option<SessionView>);

pub fn provide_session() {
    let shared = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<CurrentSession>().cloned())
                .unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        {
            CurrentSession::default()
        }
    });
    provide_context(shared.into_inner());
}

pub fn use_session() -> Option<SessionView> {
    use_context::<CurrentSession>().and_then(|s| s.0)
}
