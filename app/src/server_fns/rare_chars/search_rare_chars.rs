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
}

/// The most candidates one search returns.
pub const MAX_CANDIDATES: usize = 240;

/// Finds characters by pinyin (`yan`, `yan3`, `yǎn`): common ones first, then Extensions A–H.
#[server(endpoint = "rare-chars", input = GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "search_rare_chars", skip_all, fields(q = %q)))]
pub async fn search_rare_chars(q: String) -> Result<Vec<CharCandidate>, AppError> {
    let hits = hanzi::search(&q, MAX_CANDIDATES).map_err(|e| {
        use crate::i18n::Msg;
        crate::server_fns::ssr::failed(AppError::field(
            "q",
            match e {
                hanzi::QueryError::Empty => Msg::PinyinEmpty,
                hanzi::QueryError::TooLong => Msg::PinyinTooLong,
                _ => Msg::PinyinInvalid,
            },
        ))
    })?;
    Ok(hits
        .into_iter()
        .map(|c| CharCandidate {
            ch: c.ch.to_string(),
            hex: format!("{:X}", c.ch as u32),
            readings: c.readings.iter().map(|r| r.to_string()).collect(),
            block_zh: c.block.label().to_string(),
            block_en: c.block.label_en().to_string(),
            rare: c.block != hanzi::Block::Basic,
        })
        .collect())
}
