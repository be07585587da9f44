//! A ready copy's verification link, to copy and send to an employer.

use leptos::prelude::*;

/// The link in a read-only field (focusing it selects it) and, with JavaScript, a button that
/// copies it (`copy`), saying whether that worked (`copied`) or the holder must copy it by
/// hand (`by_hand`). Without JavaScript the button stays hidden and the text is selectable.
#[island]
pub fn ShareLink(
    link: String,
    label: String,
    copy: String,
    copied: String,
    by_hand: String,
) -> impl IntoView {
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let status = RwSignal::new(None::<String>);
    let input = NodeRef::<leptos::html::Input>::new();
    let on_copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(field) = input.get() {
            use wasm_bindgen::JsCast;
            field.select();
            // execCommand works on plain-HTTP sites too, where navigator.clipboard is absent.
            let done = document()
                .dyn_into::<web_sys::HtmlDocument>()
                .ok()
                .and_then(|d| d.exec_command("copy").ok())
                .unwrap_or(false);
            status.set(Some(if done {
                copied.clone()
            } else {
                by_hand.clone()
            }));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&copied, &by_hand);
    };
    view! {
        <label class="field__label" for="share-link">{label}</label>
        <div class="share__link">
            <input id="share-link" type="text" readonly value=link node_ref=input
                on:focus=move |_| {
                    if let Some(field) = input.get() {
                        field.select();
                    }
                }/>
            <button type="button" class="button button--secondary" hidden=move || !live.get()
                on:click=on_copy>{copy}</button>
        </div>
        <p class="field__hint" role="status" data-testid="share-status">{move || status.get()}</p>
    }
}
