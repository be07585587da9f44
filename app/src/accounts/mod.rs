//! Holder accounts: registration, login, sessions, service terms.

#[cfg(feature = "ssr")]
pub mod codes;
pub mod forms;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod personal_data;
#[cfg(feature = "ssr")]
pub mod service;
