//! The browser half: wakes the islands, the interactive parts of the server-rendered pages.
//! Leptos's island script calls `hydrate`, then each island's own function.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    app::islands::mark_hydrated_after_islands();
}
