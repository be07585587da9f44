//! 账号申诉: an appeal by someone whose ID number another person registered, filed once the
//! appellant's mobile number is proven by a code, and decided by the operator.

pub mod forms;
#[cfg(feature = "ssr")]
pub mod service;
pub mod views;
