//! The hint under the ID document type selector, which follows the chosen type.

use leptos::prelude::*;

/// The id of the `<select>` whose choice the hint follows.
pub const SELECT_ID: &str = "field-id_type";

/// `prefix` and the format of the chosen type, from `hints` (a type's code and its format, in
/// the reader's language). The selector itself is plain server-rendered HTML; its changes
/// reach this island through the document. Without JavaScript the hint stays the format of
/// the type the page was rendered with, and the list below the field gives every type's.
#[island]
pub fn IdTypeHint(prefix: String, hints: Vec<(String, String)>, chosen: String) -> impl IntoView {
    let selected = RwSignal::new(chosen);
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let value_of = |target: Option<web_sys::EventTarget>| {
            target
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .filter(|select| select.id() == SELECT_ID)
                .map(|select| select.value())
        };
        // The browser may have restored another choice (back button) before the island woke.
        Effect::new(move |_| {
            if let Some(value) = value_of(document().get_element_by_id(SELECT_ID).map(Into::into)) {
                selected.set(value);
            }
        });
        // Lives as long as the page: the listener is never removed.
        let _ = window_event_listener(leptos::ev::change, move |ev| {
            if let Some(value) = value_of(ev.target()) {
                selected.set(value);
            }
        });
    }
    let hint = move || {
        let code = selected.get();
        hints
            .iter()
            .find(|(c, _)| *c == code)
            .or(hints.first())
            .map(|(_, hint)| hint.clone())
            .unwrap_or_default()
    };
    view! {
        <p class="field__hint" id="field-id_type-hint" data-testid="hint-id_type">
            {prefix} {hint}
        </p>
    }
}
