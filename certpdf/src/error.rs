//! The crate's error type.

/// Errors from loading fonts and keys and from rendering.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {0}: {1}")]
    Io(String, #[source] std::io::Error),
    #[error("font error: {0}")]
    Font(String),
    #[error("no CJK font available (install fonts-noto-cjk or pass a CJK font)")]
    NoCjkFont,
    #[error("key or certificate error: {0}")]
    Key(String),
    #[error("PDF error: {0}")]
    Pdf(String),
    #[error("invalid input: {0}")]
    InvalidInput(String),
}
