//! The database going away and coming back: requests that need it answer a clean 503 within
//! the pool's acquire timeout (10 s, `app/src/storage/postgres.rs`), the server stays up, and
//! everything works again once the database is back, without a restart.
//!
//! PostgreSQL only, and only when `TEST_DATABASE_URL` is set (without it the test returns at
//! once): a SQLite file cannot become unreachable the way a database server can. The app
//! talks to PostgreSQL through a TCP relay in this test, which the test cuts (new connections
//! refused, open ones closed, as when the server is down) and restores.

use crate::accounts::{resident_id, signed_up};
use crate::fixtures::example_record;
use crate::helpers::{client_for, inner_text, spawn_app_via, Db, Options, TestApp, TestDb};
use reqwest::StatusCode;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::macros::date;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{AbortHandle, JoinHandle};

/// The pool's acquire timeout; a request waits at most about this long per database call.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// Forwards TCP connections from a local port to `target` until cut.
struct Relay {
    port: u16,
    target: SocketAddr,
    accept: Option<JoinHandle<()>>,
    connections: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Relay {
    async fn start(target: SocketAddr) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind relay");
        let mut relay = Relay {
            port: listener.local_addr().expect("relay addr").port(),
            target,
            accept: None,
            connections: Arc::default(),
        };
        relay.serve(listener);
        relay
    }

    fn serve(&mut self, listener: TcpListener) {
        let (target, connections) = (self.target, self.connections.clone());
        self.accept = Some(tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    continue;
                };
                let forward = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                connections
                    .lock()
                    .expect("relay connections")
                    .push(forward.abort_handle());
            }
        }));
    }

    /// The database becomes unreachable: the port refuses connections and every open
    /// connection is closed.
    async fn cut(&mut self) {
        if let Some(accept) = self.accept.take() {
            accept.abort();
            // Once the task is gone its listener is closed.
            let _ = accept.await;
        }
        let open: Vec<AbortHandle> = std::mem::take(&mut *self.connections.lock().unwrap());
        for connection in open {
            connection.abort();
        }
    }

    /// The database is back on the same address.
    async fn restore(&mut self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port))
            .await
            .expect("rebind relay");
        self.serve(listener);
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if let Some(accept) = self.accept.take() {
            accept.abort();
        }
        for connection in self.connections.lock().unwrap().drain(..) {
            connection.abort();
        }
    }
}

/// `url` with its `host:port` replaced by the relay's, and the address it named.
async fn through_relay(url: &str) -> (SocketAddr, impl Fn(u16) -> String) {
    let (scheme_and_user, rest) = url.split_once('@').expect("user@host in the URL");
    let (host_port, database) = rest.split_once('/').expect("/database in the URL");
    let target = tokio::net::lookup_host(host_port)
        .await
        .expect("resolve the PostgreSQL host")
        .next()
        .expect("an address for the PostgreSQL host");
    let (scheme_and_user, database) = (scheme_and_user.to_string(), database.to_string());
    (target, move |port| {
        format!("{scheme_and_user}@127.0.0.1:{port}/{database}")
    })
}

/// Sends a GET and returns status, body and how long the answer took.
async fn timed_get(client: &reqwest::Client, url: &str) -> (StatusCode, String, Duration) {
    let started = Instant::now();
    let response = client.get(url).send().await.expect("an answer, not a hang");
    let status = response.status();
    let body = response.text().await.expect("body");
    (status, body, started.elapsed())
}

/// What must never reach a client, whatever broke.
fn assert_clean(what: &str, body: &str) {
    for internal in [
        "sqlx",
        "SELECT",
        "pool timed out",
        "PoolTimedOut",
        "onnection refused",
        "os error",
        "panicked",
        "127.0.0.1:",
    ] {
        assert!(
            !body.contains(internal),
            "{what}: the body shows internals ({internal:?}): {body}"
        );
    }
}

/// The app on a fresh PostgreSQL database reached through a relay, with a signed-in holder
/// (`app.client`) who has a pre-cut-off e-certificate; returns the certificate's number and
/// public id too.
async fn app_behind_relay() -> Option<(Relay, TestApp, String, String)> {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        eprintln!("skipped: the outage tests need PostgreSQL (TEST_DATABASE_URL)");
        return None;
    }
    let test_db = TestDb::new(Db::Postgres).await;
    let (target, url_for) = through_relay(&test_db.url).await;
    let relay = Relay::start(target).await;
    let app: TestApp = spawn_app_via(
        url_for(relay.port),
        test_db,
        Options {
            workers: 0,
            ..Options::default()
        },
    )
    .await;
    let id = resident_id(81);
    signed_up(&app, &id, "张𪚥").await;
    let record = example_record()
        .number("2020000000000081")
        .holder(&id, "张𪚥")
        .issued_on(date!(2020 - 05 - 01))
        .build();
    app.state
        .storage
        .upsert_certificate(&record, 1)
        .await
        .unwrap();
    let public_id = app
        .state
        .storage
        .certificate_by_number(&record.number)
        .await
        .unwrap()
        .unwrap()
        .public_id;
    let (status, body, _) = timed_get(&app.client, &app.url("/certificates")).await;
    assert_eq!(status, StatusCode::OK, "before the outage");
    assert!(body.contains(&record.number));
    Some((relay, app, record.number, public_id))
}

/// Within the acquire timeout, with a margin for a loaded machine.
fn assert_prompt(what: &str, took: Duration) {
    assert!(
        took < ACQUIRE_TIMEOUT + Duration::from_secs(5),
        "{what} took {took:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_answers_503_and_the_app_recovers() {
    let Some((mut relay, app, number, public_id)) = app_behind_relay().await else {
        return;
    };
    let anonymous = client_for(&app.base);
    let verify = app.url(&format!("/api/v1/verify/e-{public_id}"));
    let page = app.url(&format!("/verify/e-{public_id}"));
    let health = app.url("/healthz");
    for url in [&verify, &page, &health] {
        let (status, body, _) = timed_get(&anonymous, url).await;
        assert_eq!(status, StatusCode::OK, "before the outage, {url}: {body}");
    }

    relay.cut().await;

    let (status, body, took) = timed_get(&anonymous, &verify).await;
    eprintln!("outage: GET /api/v1/verify/{{code}} → {status} in {took:?}: {body}");
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).expect("a JSON error");
    assert_eq!(json["error"]["code"], "unavailable");
    assert_clean("verify API", &body);
    assert_prompt("verify API", took);

    let (status, body, took) = timed_get(&anonymous, &page).await;
    eprintln!("outage: GET /verify/{{code}} → {status} in {took:?}");
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(inner_text(&body).contains("系统暂时无法处理请求"));
    assert_clean("verify page", &body);
    assert_prompt("verify page", took);

    let (status, body, took) = timed_get(&anonymous, &health).await;
    eprintln!("outage: GET /healthz → {status} in {took:?}: {body}");
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_clean("healthz", &body);
    assert_prompt("healthz", took);

    relay.restore().await;

    // The pool reconnects on its own; the first request may still be waiting out a backoff.
    let deadline = Instant::now() + ACQUIRE_TIMEOUT + Duration::from_secs(5);
    loop {
        let (status, _, _) = timed_get(&anonymous, &health).await;
        if status == StatusCode::OK {
            break;
        }
        assert!(Instant::now() < deadline, "not healthy again: {status}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for url in [&verify, &page] {
        let (status, body, _) = timed_get(&anonymous, url).await;
        assert_eq!(status, StatusCode::OK, "after the outage, {url}: {body}");
    }
    let (status, body, _) = timed_get(&app.client, &app.url("/certificates")).await;
    assert_eq!(status, StatusCode::OK, "signed in after the outage");
    assert!(body.contains(&number));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_page_answers_503_in_an_outage() {
    let Some((mut relay, app, number, _)) = app_behind_relay().await else {
        return;
    };
    relay.cut().await;
    let started = Instant::now();
    let response = app.get("/certificates").await;
    let took = started.elapsed();
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap_or_default().to_string());
    let body = response.text().await.unwrap();
    eprintln!(
        "outage: GET /certificates (signed in) → {status} in {took:?}, location {location:?}"
    );
    assert_clean("signed-in list", &body);
    assert_eq!(
        status,
        StatusCode::SERVICE_UNAVAILABLE,
        "location {location:?}"
    );
    assert_prompt("signed-in list", took);

    relay.restore().await;
    let deadline = Instant::now() + ACQUIRE_TIMEOUT + Duration::from_secs(5);
    loop {
        let (status, body) = app.get_text("/certificates").await;
        if status == StatusCode::OK {
            assert!(body.contains(&number));
            break;
        }
        assert!(Instant::now() < deadline, "not back: {status}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
