//! Server infrastructure that the services lean on but that holds no domain rule: the clock,
//! random identifiers and digests, the client address and its rate limits, and the
//! verification log queue.

mod client;
mod clock;
mod ids;
mod log_queue;
mod rate_limit;

pub use client::{client_addr, limit_key, ClientAddr, TrustedProxies};
pub use clock::Clock;
pub use ids::{new_public_id, sha256_hex};
pub use log_queue::VerificationQueue;
pub use rate_limit::{
    count_check, counter_key, LimitKind, FILE_LIMIT, LIMIT_WINDOW_MS, MANUAL_LIMIT,
};
