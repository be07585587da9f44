//! Who the client is and how much it may ask: forwarding headers believed only from trusted
//! proxies.

use crate::helpers::{spawn_app_with, Db, Options, TestApp};
use crate::on_both_backends;
use app::infra::MANUAL_LIMIT;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn check() -> Value {
    json!({ "certificate_number": "1", "holder_name": "王五" })
}

/// A manual check through the API with extra request headers.
async fn manual_with(app: &TestApp, headers: &[(&str, &str)]) -> StatusCode {
    let mut request = reqwest::Client::new()
        .post(app.url("/api/v1/verify/manual"))
        .json(&check());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("POST").status()
}

fn behind_loopback_proxy() -> Options {
    Options {
        trusted_proxies: vec!["127.0.0.0/8".parse().unwrap()],
        ..Default::default()
    }
}

async fn forwarded_clients_are_believed_only_from_a_trusted_proxy(db: Db) {
    let app = spawn_app_with(db, behind_loopback_proxy()).await;
    let a = [("x-forwarded-for", "198.51.100.1")];
    for n in 0..MANUAL_LIMIT {
        assert_eq!(manual_with(&app, &a).await, StatusCode::OK, "check {n}");
    }
    assert_eq!(manual_with(&app, &a).await, StatusCode::TOO_MANY_REQUESTS);
    // Another client behind the same proxy is not affected…
    assert_eq!(
        manual_with(&app, &[("x-forwarded-for", "198.51.100.2")]).await,
        StatusCode::OK
    );
    // …and A cannot escape by writing another address to the left of its own.
    assert_eq!(
        manual_with(&app, &[("x-forwarded-for", "198.51.100.3, 198.51.100.1")]).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // RFC 7239 and X-Real-IP name the client too.
    assert_eq!(
        manual_with(&app, &[("forwarded", "for=198.51.100.1;proto=https")]).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        manual_with(&app, &[("x-real-ip", "198.51.100.1")]).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // A malformed header is not guessed at: the proxy itself is the client, still fresh.
    assert_eq!(
        manual_with(&app, &[("x-forwarded-for", "198.51.100.1, nonsense")]).await,
        StatusCode::OK
    );

    // Without trusted proxies the same headers are ignored: every check is the peer's.
    let direct = spawn_app_with(db, Options::default()).await;
    for n in 0..MANUAL_LIMIT {
        let forged = format!("198.51.100.{}", n + 10);
        assert_eq!(
            manual_with(&direct, &[("x-forwarded-for", &forged)]).await,
            StatusCode::OK,
            "check {n}"
        );
    }
    assert_eq!(
        manual_with(&direct, &[("x-forwarded-for", "198.51.100.2")]).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        manual_with(&direct, &[("x-real-ip", "198.51.100.9")]).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

on_both_backends!(forwarded_clients_are_believed_only_from_a_trusted_proxy);
