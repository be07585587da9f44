pub mod certificate;
pub mod error_view;
pub mod guards;
pub mod id_type_select;
pub mod layout;
pub mod rare_chars;
