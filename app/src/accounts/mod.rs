//! Holder accounts: registration, login, sessions, service terms.

pub mod forms;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod service;
