//! The rare-character picker (生僻字输入). With JavaScript, the button beside the name field
//! opens a dialog: the holder types pinyin, sees candidates (common ones first, then the
//! extensions) drawn as server-rendered glyphs, and taps one to insert it at the cursor.
//! Without JavaScript the button opens the picker page in a new tab, where a character can be
//! copied.

use crate::error::AppError;
use crate::i18n::{t, use_lang, Lang, Msg};
use crate::server_fns::rare_chars::{search_rare_chars, CharCandidate};
use leptos::prelude::*;

/// The URL of a candidate's glyph, drawn by the server from its installed fonts, so that the
/// character is legible on a device that has no font for it.
pub fn glyph_url(hex: &str) -> String {
    crate::urls::glyph(hex)
}

/// A candidate's accessible name: what the button shows (the character, its first reading,
/// its code point, block and strokes), so that voice control finds it by what is on screen.
fn visible_label(c: &CharCandidate, lang: Lang) -> String {
    let block = match lang {
        Lang::Zh => &c.block_zh,
        Lang::En => &c.block_en,
    };
    let reading = c.readings.first().map(String::as_str).unwrap_or_default();
    format!(
        "{} {} U+{} {} {}",
        c.ch,
        reading,
        c.hex,
        block,
        strokes_label(c.strokes, lang)
    )
}

/// "64画" / "64 strokes".
pub fn strokes_label(strokes: u8, lang: Lang) -> String {
    Msg::StrokesCount.format(lang, &[&strokes.to_string()])
}

/// What the holder typed into the picker: the pinyin and the optional filters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PickerQuery {
    pub q: String,
    pub strokes: String,
    pub radical: String,
    pub rare: bool,
}

impl PickerQuery {
    /// Nothing to search for yet: neither pinyin nor a radical.
    pub fn is_blank(&self) -> bool {
        self.q.trim().is_empty() && self.radical.trim().is_empty()
    }
}

/// Every message of a refused search (one per field), or the one explanation of another error.
pub fn error_lines(err: &AppError, lang: Lang) -> Vec<String> {
    match err {
        AppError::Invalid(errors) if !errors.is_empty() => {
            errors.iter().map(|e| e.text.render(lang)).collect()
        }
        other => vec![other.user_message(lang)],
    }
}

/// The [生僻字输入] button. With JavaScript it is a button that opens `open`'s dialog; before
/// the page is hydrated, and without JavaScript, it is a link to the picker page in a new tab
/// (so the form being filled in is not lost). Both are rendered; hydration swaps which one
/// shows, so the server's HTML and the browser's agree.
#[component]
pub fn RareCharButton(open: RwSignal<bool>) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <a
            href="/rare-chars"
            target="_blank"
            rel="noopener"
            class="button button--secondary button--inline"
            hidden=move || hydrated.get()
            data-testid="rare-char-link"
        >
            {t(Msg::RareCharButton)}
        </a>
        <button
            type="button"
            class="button button--secondary button--inline"
            aria-haspopup="dialog"
            hidden=move || !hydrated.get()
            data-testid="rare-char-button"
            on:click=move |_| open.set(true)
        >
            {t(Msg::RareCharButton)}
        </button>
    }
}

/// Candidates as a grid of buttons; `on_pick` receives the chosen character.
#[component]
pub fn CandidateGrid(candidates: Vec<CharCandidate>, on_pick: Callback<String>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ul class="char-grid" on:keydown=move_focus_with_arrows>
            {candidates
                .into_iter()
                .map(|c| {
                    let label = visible_label(&c, lang);
                    // Every reading, for those who look for one the button does not show.
                    let readings = c.readings.join(" ");
                    let ch = c.ch.clone();
                    let block = if lang == Lang::Zh { c.block_zh.clone() } else { c.block_en.clone() };
                    view! {
                        <li>
                            <button
                                type="button"
                                class="char-candidate"
                                class:char-candidate--rare=c.rare
                                aria-label=label
                                title=readings
                                data-char=c.ch.clone()
                                on:click=move |_| on_pick.run(ch.clone())
                            >
                                // The spaces keep the parts separate words of the visible text,
                                // as in the accessible name (axe label-content-name-mismatch).
                                <img src=glyph_url(&c.hex) alt="" width="48" height="48" loading="lazy"/>
                                " "<span class="char-candidate__reading">{c.readings.first().cloned()}</span>
                                " "<span class="char-candidate__code">"U+" {c.hex.clone()}</span>
                                " "<span class="char-candidate__block">{block}</span>
                                " "<span class="char-candidate__strokes">{strokes_label(c.strokes, lang)}</span>
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

/// The picker dialog for the input with id `target`.
#[component]
pub fn RareCharDialog(open: RwSignal<bool>, target: &'static str) -> impl IntoView {
    let lang = use_lang();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let results: RwSignal<Option<Result<Vec<CharCandidate>, AppError>>> = RwSignal::new(None);
    // Answers can arrive out of order; only the newest query's answer is shown.
    let latest = StoredValue::new(0u64);

    Effect::new(move |_| {
        let is_open = open.get();
        if let Some(dialog) = dialog.get() {
            if is_open && !dialog.open() {
                let _ = dialog.show_modal();
            } else if !is_open && dialog.open() {
                dialog.close();
            }
        }
    });

    let query = StoredValue::new(PickerQuery::default());
    let search = move |change: &dyn Fn(&mut PickerQuery)| {
        query.update_value(|q| change(q));
        let query = query.get_value();
        let seq = latest.get_value() + 1;
        latest.set_value(seq);
        if query.is_blank() {
            results.set(None);
            return;
        }
        leptos::task::spawn_local(async move {
            let PickerQuery {
                q,
                strokes,
                radical,
                rare,
            } = query;
            let answer = search_rare_chars(q, strokes, radical, rare).await;
            if latest.get_value() == seq {
                results.set(Some(answer));
            }
        });
    };

    let pick = Callback::new(move |ch: String| {
        insert_at_cursor(target, &ch);
        open.set(false);
    });

    view! {
        <dialog
            node_ref=dialog
            class="picker-dialog"
            aria-labelledby="picker-title"
            on:close=move |_| open.set(false)
        >
            <div class="picker-dialog__head">
                <h2 id="picker-title">{t(Msg::RareCharTitle)}</h2>
                <button
                    type="button"
                    class="button button--secondary button--inline"
                    on:click=move |_| open.set(false)
                >
                    {t(Msg::Close)}
                </button>
            </div>
            <p class="field__hint">{t(Msg::RareCharHowTo)}</p>
            <label class="field__label" for="picker-query">{t(Msg::PinyinLabel)}</label>
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
                    <label class="field__label" for="picker-radical">{t(Msg::RadicalLabel)}</label>
                    <input id="picker-radical" type="text" autocomplete="off" spellcheck="false"
                        aria-describedby="picker-radical-hint"
                        on:input=move |ev| search(&|f| f.radical = event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label class="field__label" for="picker-strokes">{t(Msg::StrokesLabel)}</label>
                    <input id="picker-strokes" type="text" autocomplete="off" spellcheck="false"
                        aria-describedby="picker-strokes-hint"
                        on:input=move |ev| search(&|f| f.strokes = event_target_value(&ev))/>
                </div>
            </div>
            <p class="field__hint" id="picker-radical-hint">{t(Msg::RadicalHint)}</p>
            <p class="field__hint" id="picker-strokes-hint">{t(Msg::StrokesHint)}</p>
            <label class="choice">
                <input type="checkbox" on:change=move |ev| search(&|f| f.rare = event_target_checked(&ev))/>
                <span>{t(Msg::RareOnlyLabel)}</span>
            </label>
            <div class="picker-dialog__results" aria-live="polite">
                {move || match results.get() {
                    None => view! { <p class="muted">{t(Msg::RareCharPrompt)}</p> }.into_any(),
                    Some(Err(err)) => error_lines(&err, lang)
                        .into_iter()
                        .map(|line| view! { <p class="field__error">{line}</p> })
                        .collect_view()
                        .into_any(),
                    Some(Ok(list)) if list.is_empty() => view! {
                        <p class="muted">{t(Msg::RareCharNone)}</p>
                    }.into_any(),
                    Some(Ok(list)) => view! {
                        <CandidateGrid candidates=list on_pick=pick/>
                    }.into_any(),
                }}
            </div>
        </dialog>
    }
}

/// Inserts `text` into the input `target` where its cursor was (replacing a selection), and
/// puts the cursor after it.
fn insert_at_cursor(target: &str, text: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(input) = document()
            .get_element_by_id(target)
            .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
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
