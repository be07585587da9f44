mod accept_terms;
mod account_overview;
mod change_password;
mod codes;
mod log_in;
mod log_out;
mod register_holder;
mod request_account_deletion;

pub use accept_terms::*;
pub use account_overview::*;
pub use change_password::*;
pub use codes::*;
pub use log_in::*;
pub use log_out::*;
pub use register_holder::*;
pub use request_account_deletion::*;
