//! Verification (查询验证): anyone checks whether a certificate or an annotated copy is
//! genuine and usable, by the QR code's link, by typing the certificate number and name, or
//! by uploading the PDF. Every check is logged and the holder can see the log.

#[cfg(feature = "ssr")]
pub mod api_keys;
#[cfg(feature = "ssr")]
pub mod checker;
pub mod forms;
#[cfg(feature = "ssr")]
pub mod service;
pub mod views;
