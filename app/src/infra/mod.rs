//! Server infrastructure that the services lean on but that holds no domain rule: the clock,
//! random identifiers and digests, the client address and its rate limits, the verification
//! log queue, the bound on concurrent password hashing and the message gateway.

mod client;
mod clock;
mod hash_gate;
mod ids;
mod log_queue;
mod messages;
mod private_file;
mod rate_limit;

pub use client::{client_addr, limit_key, ClientAddr, TrustedProxies};
pub use clock::Clock;
pub use hash_gate::HashGate;
pub use ids::{new_public_id, sha256_hex};
pub use log_queue::VerificationQueue;
pub use messages::{CodePurpose, DevOutbox, GatewayError, MessageGateway};
pub use private_file::{create_private, ensure_private, narrow_private, PRIVATE_MODE};
pub use rate_limit::{
    count_check, counter_key, LimitKind, FILE_LIMIT, LIMIT_WINDOW_MS, MANUAL_LIMIT,
};
