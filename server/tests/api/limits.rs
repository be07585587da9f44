//! Who the client is and how much it may ask: forwarding headers believed only from trusted
//! proxies, verification limits counted in the database (atomic under a burst, shared by
//! processes, IPv6 by /64), the header deadline and connection caps, and bounded
//! server-function bodies.

use crate::helpers::{client_for, spawn_app_with, spawn_on, Db, Options, TestApp};
use crate::on_both_backends;
use crate::verification::{api_file, api_manual};
use app::infra::{FILE_LIMIT, MANUAL_LIMIT};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::connections::ConnectionLimits;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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

async fn ipv6_clients_are_counted_by_their_64(db: Db) {
    let app = spawn_app_with(db, behind_loopback_proxy()).await;
    for n in 0..MANUAL_LIMIT {
        // Every check from another address of the same /64, half of them as RFC 7239 says.
        let address = format!("2001:db8:1:2::{:x}", n + 1);
        let status = if n % 2 == 0 {
            manual_with(&app, &[("x-forwarded-for", &address)]).await
        } else {
            let forwarded = format!("for=\"[{address}]:4711\"");
            manual_with(&app, &[("forwarded", &forwarded)]).await
        };
        assert_eq!(status, StatusCode::OK, "check {n}");
    }
    assert_eq!(
        manual_with(
            &app,
            &[("x-forwarded-for", "2001:db8:1:2:ffff:ffff:ffff:ffff")]
        )
        .await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        manual_with(&app, &[("x-forwarded-for", "2001:db8:1:3::1")]).await,
        StatusCode::OK,
        "the next /64 is another client"
    );
}

async fn a_burst_from_one_client_gets_exactly_the_limit(db: Db) {
    // Room for the burst's connections: this is about the counter, not the connection cap.
    let app = spawn_app_with(
        db,
        Options {
            connections: ConnectionLimits {
                max_per_address: 1000,
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .await;
    let client = reqwest::Client::new();
    let started = Instant::now();
    let tasks: Vec<_> = (0..300)
        .map(|_| {
            let (client, url) = (client.clone(), app.url("/api/v1/verify/manual"));
            tokio::spawn(async move {
                client
                    .post(url)
                    .json(&check())
                    .send()
                    .await
                    .expect("POST")
                    .status()
            })
        })
        .collect();
    let mut ok = 0;
    let mut limited = 0;
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::OK => ok += 1,
            StatusCode::TOO_MANY_REQUESTS => limited += 1,
            other => panic!("unexpected {other}"),
        }
    }
    eprintln!("{db:?}: 300 concurrent checks in {:?}", started.elapsed());
    assert_eq!((ok, limited), (MANUAL_LIMIT, 300 - MANUAL_LIMIT));
}

async fn two_processes_share_the_limit(db: Db) {
    let first = spawn_app_with(db, Options::default()).await;
    let second = spawn_on(&first, Options::default()).await;
    let client = reqwest::Client::new();
    for n in 0..MANUAL_LIMIT {
        let app = if n % 2 == 0 { &first } else { &second };
        let (status, _) = api_manual(app, &client, check()).await;
        assert_eq!(status, StatusCode::OK, "check {n}");
    }
    for app in [&first, &second] {
        let (status, body) = api_manual(app, &client, check()).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(body["error"]["code"], "rate_limited");
    }
    // The stored keys are digests, not addresses.
    let keys: Vec<String> = match db {
        Db::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&first.db_url()).await.unwrap();
            sqlx::query_scalar("SELECT limit_key FROM rate_limits")
                .fetch_all(&pool)
                .await
                .unwrap()
        }
        Db::Postgres => {
            let pool = sqlx::PgPool::connect(&first.db_url()).await.unwrap();
            sqlx::query_scalar("SELECT limit_key FROM rate_limits")
                .fetch_all(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].len(), 64);
    assert!(!keys[0].contains("127.0.0.1"));
    // Passed windows are swept; a new one starts.
    let now = first.state.clock.now();
    let swept = first
        .state
        .storage
        .delete_expired_rate_limits(now)
        .await
        .unwrap();
    assert_eq!(swept, 1);
    let (status, _) = api_manual(&second, &client, check()).await;
    assert_eq!(status, StatusCode::OK);
}

async fn an_upload_over_the_limit_is_refused_before_it_is_read(db: Db) {
    let app = spawn_app_with(db, Options::default()).await;
    for n in 0..FILE_LIMIT {
        let (status, _) = api_file(&app, b"%PDF-1.7 not signed".to_vec()).await;
        assert_eq!(status, StatusCode::OK, "check {n}");
    }
    // Only the head of a 5 MB upload is sent: the answer comes without the body.
    let port = port_of(&app);
    for (path, content_type) in [
        ("/api/v1/verify/file", "application/pdf"),
        ("/verify", "multipart/form-data; boundary=x"),
    ] {
        let mut raw = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: test\r\nOrigin: {}\r\nContent-Type: {content_type}\r\n\
             Content-Length: 5000000\r\n\r\n",
            app.base
        );
        raw.write_all(head.as_bytes()).await.unwrap();
        let mut answer = vec![0u8; 64];
        let read = tokio::time::timeout(Duration::from_secs(10), raw.read(&mut answer))
            .await
            .expect("answered before the body was sent")
            .unwrap();
        let answer = String::from_utf8_lossy(&answer[..read]).to_string();
        assert!(answer.starts_with("HTTP/1.1 429"), "{path}: {answer}");
    }
}

/// Reads until the server closes the connection (or `limit` passes); how long that took.
async fn time_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(
            limit.saturating_sub(started.elapsed()),
            stream.read(&mut buf),
        )
        .await
        {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => continue,
        }
    }
}

/// The answer to one request, or the error that ended the connection (a connection the server
/// refused at its cap is reset, possibly before the request is even written).
async fn send_request(stream: &mut TcpStream) -> String {
    if let Err(error) = stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .await
    {
        return format!("not sent: {error}");
    }
    let mut answer = Vec::new();
    if let Err(error) =
        tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
            .await
            .expect("answered")
    {
        return format!("no answer: {error}");
    }
    String::from_utf8_lossy(&answer).to_string()
}

fn port_of(app: &TestApp) -> u16 {
    app.base.rsplit(':').next().unwrap().parse().unwrap()
}

async fn a_half_sent_request_is_closed_at_the_header_deadline(db: Db) {
    let app = spawn_app_with(
        db,
        Options {
            connections: ConnectionLimits {
                header_read_timeout: Duration::from_secs(1),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .await;
    let mut slow = TcpStream::connect(("127.0.0.1", port_of(&app)))
        .await
        .unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: te")
        .await
        .unwrap();
    let closed = time_until_closed(&mut slow, Duration::from_secs(10))
        .await
        .expect("a half-sent request is not kept open");
    assert!(closed >= Duration::from_millis(900), "{closed:?}");
    // A silent connection too.
    let mut silent = TcpStream::connect(("127.0.0.1", port_of(&app)))
        .await
        .unwrap();
    assert!(time_until_closed(&mut silent, Duration::from_secs(10))
        .await
        .is_some());
    // A prompt request is served.
    let mut prompt = TcpStream::connect(("127.0.0.1", port_of(&app)))
        .await
        .unwrap();
    assert!(send_request(&mut prompt).await.starts_with("HTTP/1.1 200"));
}

async fn connections_beyond_the_per_address_cap_are_closed(db: Db) {
    let limits = ConnectionLimits {
        max_per_address: 4,
        ..Default::default()
    };
    let app = spawn_app_with(
        db,
        Options {
            connections: limits.clone(),
            ..Default::default()
        },
    )
    .await;
    let port = port_of(&app);
    let mut open = Vec::new();
    for _ in 0..4 {
        open.push(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
    }
    let mut extra = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let closed = time_until_closed(&mut extra, Duration::from_secs(5)).await;
    assert!(closed.is_some(), "the fifth connection is closed at once");
    // The four are served; once one closes, a new connection is accepted again.
    assert!(send_request(&mut open[0]).await.starts_with("HTTP/1.1 200"));
    drop(open.remove(0));
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut again = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        if send_request(&mut again).await.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(Instant::now() < deadline, "the slot is never freed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A trusted proxy carries many clients: it is not capped.
    let proxied = spawn_app_with(
        db,
        Options {
            connections: limits,
            ..behind_loopback_proxy()
        },
    )
    .await;
    let mut many = Vec::new();
    for _ in 0..6 {
        many.push(
            TcpStream::connect(("127.0.0.1", port_of(&proxied)))
                .await
                .unwrap(),
        );
    }
    for stream in &mut many {
        assert!(send_request(stream).await.starts_with("HTTP/1.1 200"));
    }
}

async fn undecodable_or_oversized_server_function_bodies_are_client_errors(db: Db) {
    let app = spawn_app_with(db, Options::default()).await;
    let client = client_for(&app.base);
    let post = |body: Vec<u8>| {
        client
            .post(app.url("/api/verify/manual"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body)
    };
    for garbage in [
        b"%%%\xff\xfe".to_vec(),
        b"form[certificate_number]=1".to_vec(),
        b"form=1&form=2&&&".to_vec(),
    ] {
        let response = post(garbage.clone()).send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::BAD_REQUEST,
            "{}",
            String::from_utf8_lossy(&garbage)
        );
        let error: Value = response.json().await.unwrap();
        assert_eq!(error, json!("BadRequest"));
    }
    let json_garbage = client
        .post(app.url("/api/verify/manual"))
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(json_garbage.status(), StatusCode::BAD_REQUEST);

    let response = post(vec![b'a'; 200 * 1024]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // A body without a declared length is cut off as it streams in.
    let mut raw = TcpStream::connect(("127.0.0.1", port_of(&app)))
        .await
        .unwrap();
    let head = format!(
        "POST /api/verify/manual HTTP/1.1\r\nHost: test\r\nOrigin: {}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n",
        app.base
    );
    raw.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'a'; 16 * 1024];
    let mut answer = Vec::new();
    for _ in 0..8 {
        let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
        if raw.write_all(&framed).await.is_err() {
            break;
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(10), raw.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    // A well-formed call is unaffected.
    let fine = post(b"form[certificate_number]=1&form[holder_name]=%E7%8E%8B%E4%BA%94".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(fine.status(), StatusCode::OK);
}

on_both_backends!(
    forwarded_clients_are_believed_only_from_a_trusted_proxy,
    an_upload_over_the_limit_is_refused_before_it_is_read,
    ipv6_clients_are_counted_by_their_64,
    a_burst_from_one_client_gets_exactly_the_limit,
    two_processes_share_the_limit,
    a_half_sent_request_is_closed_at_the_header_deadline,
    connections_beyond_the_per_address_cap_are_closed,
    undecodable_or_oversized_server_function_bodies_are_client_errors,
);
