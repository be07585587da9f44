//! The optional real-name check (运营商三要素核验): whether a name, an ID number and a mobile
//! number belong to one person according to the mobile operator. One interface; the adapter
//! for a provider lives in the server crate (which owns the HTTP client), and none is
//! configured by default. When one is, registration and 更换手机号 ask it before a code is
//! sent, and fail closed: a check that cannot be made sends no code.

use crate::domain::{HolderName, IdNumber, Mobile};
use async_trait::async_trait;

/// What the operator says about a name, an ID number and a mobile number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RealNameOutcome {
    /// The three belong to one person.
    Match,
    /// They do not (or the operator has no record that they do).
    Mismatch,
    /// No answer could be had (network, provider error, quota): the reason, for the log only.
    Unavailable(String),
}

#[async_trait]
pub trait RealNameCheck: Send + Sync {
    /// Asks whether `name`, `id` and `mobile` belong together. Only resident ID cards
    /// (居民身份证) are known to the operators; callers check nothing else.
    async fn check(&self, name: &HolderName, id: &IdNumber, mobile: &Mobile) -> RealNameOutcome;

    /// For the start-up log line.
    fn name(&self) -> &'static str;
}
