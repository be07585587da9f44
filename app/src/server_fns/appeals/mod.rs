mod appeal_status;
mod confirm_appeal;

pub use appeal_status::*;
pub use confirm_appeal::*;
