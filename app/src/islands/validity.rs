//! The annotation form's "other number of days" field.

use leptos::prelude::*;

/// The number of days typed under "other". Without JavaScript it counts only with "other"
/// chosen, as the hint says; with it, typing here chooses "other" (the radio buttons are plain
/// server-rendered HTML, found by their name and value).
#[island]
pub fn OtherDaysInput(value: String, max: String, label: String, invalid: bool) -> impl IntoView {
    view! {
        <input id="field-validity_other" name="validity_other" type="number" min="1"
            max=max step="1" inputmode="numeric" value=value
            aria-label=label
            aria-invalid=if invalid { "true" } else { "false" }
            on:input=move |_| choose_other()/>
    }
}

fn choose_other() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let selector = format!(
            "input[name=validity_days][value=\"{}\"]",
            crate::annotations::forms::VALIDITY_OTHER
        );
        if let Some(radio) = document()
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            radio.set_checked(true);
        }
    }
}
