//! E-certificate annotation (电子证书加注): applying, the state of each annotation, and access
//! to the produced copy (加注件).

pub mod forms;
#[cfg(feature = "ssr")]
pub mod service;
pub mod views;
