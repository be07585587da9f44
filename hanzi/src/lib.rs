//! Pinyin lookup of Han characters for a rare-character (生僻字) picker.
//!
//! A name may hold a character that an input method cannot type. The holder
//! types its pinyin (`yan`, `yan3`, `yǎn`, `lü`/`lv`/`lu:`) and picks it from
//! [`search`]'s candidates, which cover every character with a Mandarin
//! reading in Unihan 15.0, Extensions A–H included (41,421 characters).
//!
//! ```
//! let hits = hanzi::search("zhe2", usize::MAX).unwrap();
//! let zhe = hits.iter().find(|c| c.ch == '𪚥').unwrap();
//! assert_eq!(zhe.block, hanzi::Block::ExtB);
//! assert_eq!(zhe.code_point_label(), "U+2A6A5");
//! assert_eq!(zhe.readings, ["zhé"]);
//! ```
//!
//! Results come in a fixed order: the 通用规范汉字表 (2013) by level, and
//! within a level by Unihan kFrequency, then by its number,
//! then other Basic-block characters (by Unihan kFrequency, then code point),
//! then Extension A, B, … H, Compatibility and Other, each by code point.
//! That order is baked into `data/readings.txt` by `tools/gen_readings.py`.
//! Characters that match only by a historical reading (one that only the
//! 汉语大字典 gives, such as 厂 yán) follow all the others, in the same order.
//!
//! [`search_filtered`] narrows the same results by stroke count, by
//! [`Radical`] (部首, the radical a dictionary files the character under:
//! 龍 finds 𪚥 among zhe2's 128) and to the extension blocks.
//!
//! The data is parsed on first use (about 10 ms in a release build; see
//! [`init`]) into an index of about 1.7 MB of heap; a search then takes a
//! few microseconds.

//! The Unicode block table ([`Block`]) is always built; the readings data and the search
//! come with the default `readings` feature, so that a browser build can share the table
//! without the data.

mod block;
#[cfg(feature = "readings")]
mod filter;
#[cfg(feature = "readings")]
mod index;
#[cfg(feature = "readings")]
mod picker;
#[cfg(feature = "readings")]
mod pinyin;

pub use block::{code_point_label, Block};
#[cfg(feature = "readings")]
pub use filter::*;
#[cfg(feature = "readings")]
pub use picker::*;
