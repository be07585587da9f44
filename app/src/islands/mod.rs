//! The interactive parts of the pages: Leptos islands. Everything else is rendered on the
//! server and stays plain HTML in the browser (forms post, links load pages), exactly as it
//! works without JavaScript; only these hydrate.
//!
//! In the browser an island has no parent to take context from (the language, the session),
//! so each one gets what it shows through its props, already in the reader's language, and
//! asks the server for nothing that answers with the portal's error type. That keeps the
//! translation table and the error's decoder out of the browser bundle.

pub mod id_type_hint;
pub mod rare_chars;
pub mod refresh;
pub mod share_link;
pub mod validity;

/// The element with `id` as the DOM type `T`; `None` when there is none or it is another kind.
#[cfg(feature = "hydrate")]
fn element_by_id<T: wasm_bindgen::JsCast>(id: &str) -> Option<T> {
    use wasm_bindgen::JsCast;
    leptos::prelude::document()
        .get_element_by_id(id)
        .and_then(|el| el.dyn_into::<T>().ok())
}

/// Marks `<body data-hydrated>` once the islands are live, so that end-to-end tests (and
/// styles) can tell an interactive page from a static one. Leptos's island script hydrates
/// the islands right after `hydrate` returns, in promise callbacks; a timer runs after all of
/// them.
#[cfg(feature = "hydrate")]
pub fn mark_hydrated_after_islands() {
    leptos::prelude::set_timeout(
        || {
            if let Some(body) = leptos::prelude::document().body() {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
