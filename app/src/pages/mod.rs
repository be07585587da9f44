pub mod account;
pub mod home;
pub mod login;
pub mod not_found;
pub mod rare_chars;
pub mod register;
pub mod terms;
