//! Server functions of the rare-character picker, one per file.

mod search_rare_chars;

pub use search_rare_chars::*;
