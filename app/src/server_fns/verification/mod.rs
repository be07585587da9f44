//! Server functions for verification, one per file.

mod check_code;
mod check_manual;
mod verification_log;

pub use check_code::*;
pub use check_manual::*;
pub use verification_log::*;
