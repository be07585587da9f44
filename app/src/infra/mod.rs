//! Server infrastructure that the services lean on but that holds no domain rule: the clock,
//! random identifiers and digests, per-address rate limits and the verification log queue.

mod clock;
mod ids;
mod log_queue;
mod rate_limit;

pub use clock::Clock;
pub use ids::{new_public_id, sha256_hex};
pub use log_queue::VerificationQueue;
pub use rate_limit::{LimitKind, RateLimits, FILE_LIMIT, LIMIT_WINDOW_MS, MANUAL_LIMIT};
