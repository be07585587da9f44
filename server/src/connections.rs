//! Accepting connections: HTTP/1.1 with a deadline for a request's headers, a cap on open
//! connections in all and per client address, and a graceful stop.
//!
//! `axum::serve` takes no settings, so the application serves through hyper directly:
//! - **Header deadline**: a connection that has not sent a complete request head within
//!   [`ConnectionLimits::header_read_timeout`] is closed (a half-sent request, or an idle
//!   keep-alive connection, cannot hold a socket for long). The request body and the handler
//!   are bounded by the router's timeout layer.
//! - **All connections**: at [`ConnectionLimits::max_connections`], no further connection is
//!   accepted until one closes (they wait in the kernel's backlog).
//! - **Per address**: a peer (IPv4 address, or IPv6 /64, as for the rate limits) with
//!   [`ConnectionLimits::max_per_address`] connections open has further ones closed at once.
//!   Trusted proxies are exempt: all clients behind them share their address.
//!
//! HTTP/1.1 only: this server speaks plain HTTP (TLS ends at the proxy in front), where
//! browsers never use HTTP/2, and HTTP/2's version sniffing would wait on a silent client
//! with no deadline.

use app::infra::{limit_key, TrustedProxies};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

/// How many connections the server keeps open, and how long it waits for a request's head.
#[derive(Clone, Debug)]
pub struct ConnectionLimits {
    pub max_connections: usize,
    pub max_per_address: usize,
    pub header_read_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 4096,
            max_per_address: 256,
            header_read_timeout: Duration::from_secs(15),
        }
    }
}

/// Open connections per address key.
#[derive(Default)]
struct PerAddress(Mutex<HashMap<String, usize>>);

/// One open connection counted against its address; uncounted when dropped.
struct AddressSlot {
    table: Arc<PerAddress>,
    key: String,
}

impl PerAddress {
    fn take(table: &Arc<PerAddress>, ip: IpAddr, max: usize) -> Option<AddressSlot> {
        let key = limit_key(ip);
        let mut open = table.0.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(key.clone()).or_insert(0);
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(AddressSlot {
            table: table.clone(),
            key,
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self.table.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

/// Serves `router` on `listener` until `shutdown` is cancelled, then stops accepting, lets
/// the requests in flight finish and returns when every connection has closed.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    trusted: TrustedProxies,
    shutdown: CancellationToken,
) {
    let all = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let per_address = Arc::new(PerAddress::default());
    let graceful = GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let mut warned_full = false;
    loop {
        let permit = match all.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                if !warned_full {
                    tracing::warn!(
                        max = limits.max_connections,
                        "connection limit reached: new connections wait"
                    );
                    warned_full = true;
                }
                tokio::select! {
                    permit = all.clone().acquire_owned() => match permit {
                        Ok(permit) => permit,
                        Err(_) => break,
                    },
                    _ = shutdown.cancelled() => break,
                }
            }
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = shutdown.cancelled() => break,
        };
        let slot = if trusted.contains(peer.ip()) {
            None
        } else {
            match PerAddress::take(&per_address, peer.ip(), limits.max_per_address) {
                Some(slot) => Some(slot),
                None => {
                    tracing::debug!("too many connections from one address: closed");
                    drop(stream);
                    continue;
                }
            }
        };
        if all.available_permits() > limits.max_connections / 2 {
            warned_full = false;
        }
        let _ = stream.set_nodelay(true);
        let service = router
            .clone()
            .map_request(move |request: hyper::Request<Incoming>| {
                let mut request = request.map(Body::new);
                request
                    .extensions_mut()
                    .insert(ConnectInfo::<SocketAddr>(peer));
                request
            });
        let connection =
            builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
            drop(slot);
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}
