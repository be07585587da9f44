//! The rare-character picker (生僻字输入). With JavaScript, the button beside the name field
//! opens a dialog (the islands in [`crate::islands::rare_chars`]); without it, the button
//! opens the picker page in a new tab, where a character can be copied. This module gives the
//! islands their texts and holds what the page and the dialog share.

use crate::error::AppError;
use crate::i18n::{t, use_lang, Lang, Msg};
use crate::islands::rare_chars::{self as islands, PickerText};
use leptos::prelude::*;

/// The URL of a candidate's glyph, drawn by the server from its installed fonts, so that the
/// character is legible on a device that has no font for it.
pub fn glyph_url(hex: &str) -> String {
    crate::urls::glyph(hex)
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

/// The [生僻字输入] button beside a name field.
#[component]
pub fn RareCharButton() -> impl IntoView {
    view! { <islands::RareCharButton label=t(Msg::RareCharButton).to_string()/> }
}

/// The picker dialog for the input with id `target`; the page places it outside its form.
#[component]
pub fn RareCharDialog(target: &'static str) -> impl IntoView {
    let lang = use_lang();
    let text = |msg: Msg| msg.text(lang).to_string();
    let text = PickerText {
        title: text(Msg::RareCharTitle),
        close: text(Msg::Close),
        how_to: text(Msg::RareCharHowTo),
        pinyin: text(Msg::PinyinLabel),
        radical: text(Msg::RadicalLabel),
        strokes: text(Msg::StrokesLabel),
        radical_hint: text(Msg::RadicalHint),
        strokes_hint: text(Msg::StrokesHint),
        rare_only: text(Msg::RareOnlyLabel),
        prompt: text(Msg::RareCharPrompt),
        none: text(Msg::RareCharNone),
        unavailable: AppError::Unavailable.user_message(lang),
        strokes_count: text(Msg::StrokesCount),
        english: lang == Lang::En,
    };
    view! { <islands::RareCharDialog target=target.to_string() text/> }
}
