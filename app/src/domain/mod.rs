//! Domain types, built for both the server and the browser so that both validate input with the
//! same code. Each `parse` returns the message key that tells the user what exactly is wrong.

pub mod annotation;
pub mod contact;
pub mod identity;
pub mod name;

pub use contact::{Mobile, NewPassword};
pub use identity::{mask_id_number, IdNumber, IdType};
pub use name::HolderName;
