//! The rare-character picker (生僻字输入) as two islands: the button beside the name field and
//! the dialog. The button opens the dialog by its id, so the two need not share a signal (and
//! the dialog can sit outside the form, where Enter in its search box submits nothing).

use crate::components::rare_chars::PickerQuery;
use crate::server_fns::rare_chars::{pick_rare_chars, CharCandidate, PickerAnswer};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The dialog's element id.
pub const DIALOG_ID: &str = "rare-char-dialog";

/// Everything the picker dialog says, in the reader's language.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickerText {
    pub title: String,
    pub close: String,
    pub how_to: String,
    pub pinyin: String,
    pub radical: String,
    pub strokes: String,
    pub radical_hint: String,
    pub strokes_hint: String,
    pub rare_only: String,
    pub prompt: String,
    pub none: String,
    /// When the search could not be made (the network, a server restarting).
    pub unavailable: String,
    /// "{0}画" / "{0} strokes".
    pub strokes_count: String,
    /// Blocks are named in English (otherwise in Chinese).
    pub english: bool,
}

impl PickerText {
    fn strokes_count(&self, strokes: u8) -> String {
        self.strokes_count.replace("{0}", &strokes.to_string())
    }

    /// A candidate's accessible name: what the button shows (the character, its first
    /// reading, its code point, block and strokes), so that voice control finds it by what is
    /// on screen.
    fn label(&self, c: &CharCandidate) -> String {
        let reading = c.readings.first().map(String::as_str).unwrap_or_default();
        format!(
            "{} {} U+{} {} {}",
            c.ch,
            reading,
            c.hex,
            self.block(c),
            self.strokes_count(c.strokes)
        )
    }

    fn block<'a>(&self, c: &'a CharCandidate) -> &'a str {
        if self.english {
            &c.block_en
        } else {
            &c.block_zh
        }
    }
}

/// The [生僻字输入] button. With JavaScript it opens the dialog; before the island is live, and
/// without JavaScript, it is a link to the picker page in a new tab (so the form being filled
/// in is not lost). Both are rendered; the island swaps which one shows, so the server's HTML
/// and the browser's agree.
#[island]
pub fn RareCharButton(label: String) -> impl IntoView {
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    view! {
        <a
            href="/rare-chars"
            target="_blank"
            rel="noopener"
            class="button button--secondary button--inline"
            hidden=move || live.get()
            data-testid="rare-char-link"
        >
            {label.clone()}
        </a>
        <button
            type="button"
            class="button button--secondary button--inline"
            aria-haspopup="dialog"
            hidden=move || !live.get()
            data-testid="rare-char-button"
            on:click=move |_| show_dialog(true)
        >
            {label.clone()}
        </button>
    }
}

/// Opens (`true`) or closes the picker dialog.
fn show_dialog(open: bool) {
    #[cfg(feature = "hydrate")]
    {
        let Some(dialog) = super::element_by_id::<web_sys::HtmlDialogElement>(DIALOG_ID) else {
            return;
        };
        if !open {
            dialog.close();
        } else if !dialog.open() {
            let _ = dialog.show_modal();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = open;
}

/// What the dialog shows under the search fields.
#[derive(Clone, Debug, PartialEq)]
enum Shown {
    Prompt,
    Answer(PickerAnswer),
    /// The search could not be made (the network, a server restarting).
    Unreachable,
}

/// The picker dialog for the input with id `target`: the holder types pinyin (or a radical,
/// strokes), sees candidates (common ones first, then the extensions) drawn as server-rendered
/// glyphs, and taps one to insert it at the cursor.
#[island]
pub fn RareCharDialog(target: String, text: PickerText) -> impl IntoView {
    let text = StoredValue::new(text);
    let shown = RwSignal::new(Shown::Prompt);
    // Answers can arrive out of order; only the newest query's answer is shown.
    let latest = StoredValue::new(0u64);
    let query = StoredValue::new(PickerQuery::default());
    let search = move |change: &dyn Fn(&mut PickerQuery)| {
        query.update_value(|q| change(q));
        let query = query.get_value();
        let seq = latest.get_value() + 1;
        latest.set_value(seq);
        if query.is_blank() {
            shown.set(Shown::Prompt);
            return;
        }
        leptos::task::spawn_local(async move {
            let PickerQuery {
                q,
                strokes,
                radical,
                rare,
            } = query;
            let answer = pick_rare_chars(q, strokes, radical, rare).await;
            if latest.get_value() == seq {
                shown.set(answer.map_or(Shown::Unreachable, Shown::Answer));
            }
        });
    };
    let target = StoredValue::new(target);
    let pick = move |ch: String| {
        insert_at_cursor(&target.get_value(), &ch);
        show_dialog(false);
    };
    let t = move |f: fn(&PickerText) -> &String| text.with_value(|t| f(t).clone());

    view! {
        <dialog id=DIALOG_ID class="picker-dialog" aria-labelledby="picker-title">
            <div class="picker-dialog__head">
                <h2 id="picker-title">{t(|t| &t.title)}</h2>
                <button
                    type="button"
                    class="button button--secondary button--inline"
                    on:click=move |_| show_dialog(false)
                >
                    {t(|t| &t.close)}
                </button>
            </div>
            <p class="field__hint">{t(|t| &t.how_to)}</p>
            <label class="field__label" for="picker-query">{t(|t| &t.pinyin)}</label>
            <input
                id="picker-query"
                // Not type=search: there Escape clears the field instead of closing the dialog.
                type="text"
                autofocus
                autocomplete="off"
                autocapitalize="off"
                spellcheck="false"
                placeholder="yan / yan3 / yǎn"
                data-testid="picker-query"
                on:input=move |ev| search(&|f| f.q = event_target_value(&ev))
            />
            <div class="picker-filters">
                <div class="field">
                    <label class="field__label" for="picker-radical">{t(|t| &t.radical)}</label>
                    <input id="picker-radical" type="text" autocomplete="off" spellcheck="false"
                        aria-describedby="picker-radical-hint"
                        on:input=move |ev| search(&|f| f.radical = event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label class="field__label" for="picker-strokes">{t(|t| &t.strokes)}</label>
                    <input id="picker-strokes" type="text" autocomplete="off" spellcheck="false"
                        aria-describedby="picker-strokes-hint"
                        on:input=move |ev| search(&|f| f.strokes = event_target_value(&ev))/>
                </div>
            </div>
            <p class="field__hint" id="picker-radical-hint">{t(|t| &t.radical_hint)}</p>
            <p class="field__hint" id="picker-strokes-hint">{t(|t| &t.strokes_hint)}</p>
            <label class="choice">
                <input type="checkbox" on:change=move |ev| search(&|f| f.rare = event_target_checked(&ev))/>
                <span>{t(|t| &t.rare_only)}</span>
            </label>
            <div class="picker-dialog__results" aria-live="polite">
                {move || match shown.get() {
                    Shown::Prompt => view! { <p class="muted">{t(|t| &t.prompt)}</p> }.into_any(),
                    Shown::Unreachable => view! { <p class="field__error">{t(|t| &t.unavailable)}</p> }.into_any(),
                    Shown::Answer(PickerAnswer::Refused(lines)) => lines
                        .into_iter()
                        .map(|line| view! { <p class="field__error">{line}</p> })
                        .collect_view()
                        .into_any(),
                    Shown::Answer(PickerAnswer::Found(list)) if list.is_empty() => view! {
                        <p class="muted">{t(|t| &t.none)}</p>
                    }.into_any(),
                    Shown::Answer(PickerAnswer::Found(list)) => text
                        .with_value(|text| candidate_grid(list, text, pick))
                        .into_any(),
                }}
            </div>
        </dialog>
    }
}

/// Candidates as a grid of buttons; `on_pick` receives the chosen character.
fn candidate_grid(
    candidates: Vec<CharCandidate>,
    text: &PickerText,
    on_pick: impl Fn(String) + Copy + 'static,
) -> impl IntoView {
    view! {
        <ul class="char-grid" on:keydown=move_focus_with_arrows>
            {candidates
                .into_iter()
                .map(|c| {
                    let label = text.label(&c);
                    // Every reading, for those who look for one the button does not show.
                    let readings = c.readings.join(" ");
                    let ch = c.ch.clone();
                    view! {
                        <li>
                            <button
                                type="button"
                                class="char-candidate"
                                class:char-candidate--rare=c.rare
                                aria-label=label
                                title=readings
                                data-char=c.ch.clone()
                                on:click=move |_| on_pick(ch.clone())
                            >
                                // The spaces keep the parts separate words of the visible text,
                                // as in the accessible name (axe label-content-name-mismatch).
                                <img src=crate::urls::glyph(&c.hex) alt="" width="48" height="48" loading="lazy"/>
                                " "<span class="char-candidate__reading">{c.readings.first().cloned()}</span>
                                " "<span class="char-candidate__code">"U+" {c.hex.clone()}</span>
                                " "<span class="char-candidate__block">{text.block(&c).to_string()}</span>
                                " "<span class="char-candidate__strokes">{text.strokes_count(c.strokes)}</span>
                            </button>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// Arrow keys move between candidates, as in a grid.
fn move_focus_with_arrows(ev: leptos::ev::KeyboardEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let forward = matches!(ev.key().as_str(), "ArrowRight" | "ArrowDown");
        let backward = matches!(ev.key().as_str(), "ArrowLeft" | "ArrowUp");
        if !forward && !backward {
            return;
        }
        let Some(item) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("li").ok().flatten())
        else {
            return;
        };
        let sibling = if forward {
            item.next_element_sibling()
        } else {
            item.previous_element_sibling()
        };
        if let Some(button) = sibling
            .and_then(|li| li.query_selector("button").ok().flatten())
            .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
        {
            ev.prevent_default();
            let _ = button.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

/// Inserts `text` into the input `target` where its cursor was (replacing a selection), and
/// puts the cursor after it.
fn insert_at_cursor(target: &str, text: &str) {
    #[cfg(feature = "hydrate")]
    {
        let Some(input) = super::element_by_id::<web_sys::HtmlInputElement>(target) else {
            return;
        };
        let value = input.value();
        let len16 = value.encode_utf16().count() as u32;
        let start = input
            .selection_start()
            .ok()
            .flatten()
            .unwrap_or(len16)
            .min(len16);
        let end = input
            .selection_end()
            .ok()
            .flatten()
            .unwrap_or(start)
            .clamp(start, len16);
        let (before, after) = (byte_index(&value, start), byte_index(&value, end));
        let new_value = format!("{}{}{}", &value[..before], text, &value[after..]);
        input.set_value(&new_value);
        let cursor = start + text.encode_utf16().count() as u32;
        let _ = input.focus();
        let _ = input.set_selection_range(cursor, cursor);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (target, text);
}

/// The byte index in `s` of the UTF-16 offset `offset16` (what the DOM's selection reports);
/// characters outside the BMP count two there and four bytes here.
pub fn byte_index(s: &str, offset16: u32) -> usize {
    let mut units = 0u32;
    for (i, c) in s.char_indices() {
        if units >= offset16 {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::byte_index;

    #[test]
    fn utf16_offsets_map_to_byte_offsets() {
        let s = "张𪚥明";
        assert_eq!(byte_index(s, 0), 0);
        assert_eq!(byte_index(s, 1), 3);
        assert_eq!(
            byte_index(s, 3),
            7,
            "𪚥 takes two UTF-16 units and four bytes"
        );
        assert_eq!(byte_index(s, 4), 10);
        assert_eq!(byte_index(s, 99), 10);
    }
}
