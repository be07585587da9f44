use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// One character offered by the rare-character picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharCandidate {
    /// The character itself.
    pub ch: String,
    /// Its code point in hex, upper case, without `U+` (used for the glyph image URL).
    pub hex: String,
    pub readings: Vec<String>,
    /// The block label in Chinese and English (基本 / 扩展B …).
    pub block_zh: String,
    pub block_en: String,
    /// Whether it lies outside the commonly supported set (Extension A and beyond).
    pub rare: bool,
    /// Total strokes (the mainland count).
    pub strokes: u8,
}

/// The most candidates one search returns.
pub const MAX_CANDIDATES: usize = 240;

/// Finds characters by pinyin (`yan`, `yan3`, `yǎn`): common ones first, then Extensions A–H.
///
/// Optional filters, as the holder typed them: `strokes` (`12` or `10-12`), `radical` (部首,
/// one character such as 氵, 亻 or 龍; with a radical the pinyin may be left empty) and
/// `rare` (only characters outside the Basic block). Bad input answers 422 with a message per
/// field.
#[server(endpoint = "rare-chars", input = GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "search_rare_chars", skip_all, fields(q = %q, strokes = %strokes, radical = %radical, rare))
)]
pub async fn search_rare_chars(
    #[server(default)] q: String,
    #[server(default)] strokes: String,
    #[server(default)] radical: String,
    #[server(default)] rare: bool,
) -> Result<Vec<CharCandidate>, AppError> {
    find_rare_chars(&q, &strokes, &radical, rare).map_err(crate::server_fns::ssr::failed)
}

/// What the picker dialog shows for one search: the candidates, or why the search was
/// refused, already in the reader's language (the browser half carries no translations).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PickerAnswer {
    Found(Vec<CharCandidate>),
    /// A line per refused field.
    Refused(Vec<String>),
}

/// [`search_rare_chars`] for the picker dialog: a refusal is an answer to show, not an error,
/// so the only error left is the one the transport makes.
#[server(endpoint = "rare-chars/picker", input = GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "pick_rare_chars", skip_all, fields(q = %q, strokes = %strokes, radical = %radical, rare))
)]
pub async fn pick_rare_chars(
    #[server(default)] q: String,
    #[server(default)] strokes: String,
    #[server(default)] radical: String,
    #[server(default)] rare: bool,
) -> Result<PickerAnswer, ServerFnError> {
    Ok(match find_rare_chars(&q, &strokes, &radical, rare) {
        Ok(found) => PickerAnswer::Found(found),
        Err(error) => PickerAnswer::Refused(crate::components::rare_chars::error_lines(
            &error,
            crate::i18n::Lang::detect(),
        )),
    })
}

/// The search behind both: every field's problem at once, or at most [`MAX_CANDIDATES`].
#[cfg(feature = "ssr")]
fn find_rare_chars(
    q: &str,
    strokes: &str,
    radical: &str,
    rare: bool,
) -> Result<Vec<CharCandidate>, AppError> {
    use crate::error::FieldError;
    use crate::i18n::{Msg, Text};

    let mut errors = Vec::new();
    let strokes = match strokes.trim() {
        "" => None,
        text => match hanzi::parse_strokes(text) {
            Ok(range) => Some(range),
            Err(_) => {
                errors.push(FieldError {
                    field: "strokes".into(),
                    text: Msg::StrokesInvalid.into(),
                });
                None
            }
        },
    };
    let radical = match radical.trim() {
        "" => None,
        text => match hanzi::Radical::parse(text) {
            Ok(r) => Some(r),
            Err(e) => {
                errors.push(FieldError {
                    field: "radical".into(),
                    text: match e {
                        hanzi::RadicalError::NotARadical => {
                            Text::with(Msg::RadicalUnknown, [text.to_string()])
                        }
                        _ => Msg::RadicalInvalid.into(),
                    },
                });
                None
            }
        },
    };
    let filter = hanzi::Filter {
        strokes,
        radical,
        extensions_only: rare,
    };
    let hits = match hanzi::search_filtered(q, &filter) {
        Ok(hits) if errors.is_empty() => hits,
        Ok(_) => return Err(AppError::Invalid(errors)),
        Err(e) => {
            errors.insert(
                0,
                FieldError {
                    field: "q".into(),
                    text: match e {
                        // An empty pinyin is refused only when no radical was given.
                        hanzi::QueryError::Empty => Msg::PinyinEmpty,
                        hanzi::QueryError::TooLong => Msg::PinyinTooLong,
                        _ => Msg::PinyinInvalid,
                    }
                    .into(),
                },
            );
            return Err(AppError::Invalid(errors));
        }
    };
    Ok(hits
        .take(MAX_CANDIDATES)
        .map(|c| CharCandidate {
            ch: c.ch.to_string(),
            hex: format!("{:X}", c.ch as u32),
            readings: c.readings.iter().map(|r| r.to_string()).collect(),
            block_zh: c.block.label().to_string(),
            block_en: c.block.label_en().to_string(),
            rare: c.block != hanzi::Block::Basic,
            strokes: c.strokes,
        })
        .collect())
}
