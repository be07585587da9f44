//! The client address of every request, decided once, early: the TCP peer, or — when the peer
//! is a trusted reverse proxy (`--trusted-proxy`) — the client its forwarding headers name
//! (`app::infra::client_addr`). Everything after this layer (the session layer, plain routes,
//! server functions, the rate limits) reads the [`ClientAddr`] extension it sets.

use super::ServerState;
use app::infra::{client_addr, ClientAddr};
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;

pub async fn attach_client(
    State(state): State<ServerState>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    if let Some(peer) = peer {
        let client = client_addr(peer, request.headers(), &state.app.settings.trusted_proxies);
        request.extensions_mut().insert(ClientAddr(client));
    }
    next.run(request).await
}
