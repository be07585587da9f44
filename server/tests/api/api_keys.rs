//! API keys of bulk verifiers: `server api-keys create|list|revoke` through the real binary,
//! the daily quota counted exactly under a burst and renewed on the next China day (moved
//! clock), unknown, malformed and revoked keys refused with 401 (never answered as anonymous),
//! keyed requests free of the per-address limits while anonymous ones keep them, and the CORS
//! preflight allowing the key's headers.

use crate::helpers::{spawn_app, spawn_app_with, Db, Options, TestApp};
use crate::on_both_backends;
use crate::operator::{run, stderr, stdout};
use app::infra::MANUAL_LIMIT;
use app::storage::NewApiKey;
use app::verification::api_keys::{generate, key_hash, next_china_day};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A key with `quota` made straight in storage (the CLI has its own test).
async fn key_with_quota(app: &TestApp, quota: i64) -> String {
    let (key, prefix) = generate();
    app.state
        .storage
        .create_api_key(
            &NewApiKey {
                name: "测试人事系统".into(),
                prefix,
                key_hash: key_hash(&key),
                daily_quota: quota,
            },
            app.state.clock.now(),
            "operator:tester",
        )
        .await
        .unwrap();
    key
}

/// `GET /api/v1/verify/{code}` with extra headers: status, `Retry-After`, body.
async fn get_with(app: &TestApp, headers: &[(&str, &str)]) -> (StatusCode, Option<u64>, Value) {
    let mut request =
        reqwest::Client::new().get(app.url("/api/v1/verify/abcdefghijklmnopqrstuvwxyz"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    (status, retry, response.json().await.unwrap())
}

fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

async fn the_operator_creates_lists_and_revokes_keys(db: Db) {
    let app = spawn_app(db).await;
    let data = tempfile::tempdir().unwrap();
    let url = app.db_url();

    let created = run(
        &url,
        data.path(),
        &[
            "api-keys",
            "create",
            "--name",
            "某某人事系统",
            "--daily-quota",
            "50",
        ],
    );
    assert_eq!(created.status.code(), Some(0), "{}", stderr(&created));
    let key = stdout(&created).trim().to_string();
    assert!(key.starts_with("cvk_") && key.len() == 30, "{key:?}");
    assert!(stderr(&created).contains("printed once"));
    let prefix = &key[..12];
    // Only its digest is stored.
    let stored = crate::helpers::scalar_strings(&app, "SELECT key_hash FROM api_keys").await;
    assert_eq!(stored, [key_hash(&key)]);

    let default = run(
        &url,
        data.path(),
        &["api-keys", "create", "--name", "默认额度"],
    );
    assert_eq!(default.status.code(), Some(0), "{}", stderr(&default));
    let other_key = stdout(&default).trim().to_string();

    for bad in [
        vec!["api-keys", "create", "--name", "x", "--daily-quota", "0"],
        vec!["api-keys", "create", "--name", "  "],
        vec!["api-keys", "create"],
    ] {
        let refused = run(&url, data.path(), &bad);
        assert_ne!(refused.status.code(), Some(0), "{bad:?}");
    }

    let (status, _, _) = get_with(&app, &[("authorization", &bearer(&key))]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = get_with(&app, &[("x-api-key", &key)]).await;
    assert_eq!(status, StatusCode::OK);

    let listed = stdout(&run(&url, data.path(), &["api-keys", "list"]));
    let line = listed
        .lines()
        .find(|l| l.contains(prefix))
        .unwrap_or_else(|| panic!("{listed}"));
    let fields: Vec<&str> = line.split('\t').collect();
    assert_eq!(&fields[1..5], [prefix, "某某人事系统", "50", "2"], "{line}");
    assert_eq!(fields[6], "-", "not revoked: {line}");
    assert!(listed.contains("默认额度\t10000\t0"), "{listed}");
    assert!(
        !listed.contains(&key),
        "the key itself is never shown again"
    );

    let revoked = run(&url, data.path(), &["api-keys", "revoke", prefix]);
    assert_eq!(revoked.status.code(), Some(0), "{}", stderr(&revoked));
    let (status, _, body) = get_with(&app, &[("authorization", &bearer(&key))]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "invalid_api_key");
    let listed = stdout(&run(&url, data.path(), &["api-keys", "list"]));
    let line = listed.lines().find(|l| l.contains(prefix)).unwrap();
    assert_ne!(line.split('\t').nth(6), Some("-"), "revoked: {line}");

    // By id, too; an unknown one is an error.
    let id = listed
        .lines()
        .find(|l| l.contains("默认额度"))
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        run(&url, data.path(), &["api-keys", "revoke", &id])
            .status
            .code(),
        Some(0)
    );
    let (status, _, _) = get_with(&app, &[("x-api-key", &other_key)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let unknown = run(&url, data.path(), &["api-keys", "revoke", "cvk_nosuchkey"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("no API key"));

    let audit = crate::helpers::scalar_strings(
        &app,
        "SELECT action FROM audit_log WHERE action LIKE 'api_key.%' ORDER BY id",
    )
    .await;
    assert_eq!(
        audit,
        [
            "api_key.create",
            "api_key.create",
            "api_key.revoke",
            "api_key.revoke"
        ]
    );

    // The retention option is documented where operators look.
    let help = run(&url, data.path(), &["--help"]);
    assert!(
        stdout(&help).contains("--verification-log-retention-days"),
        "{}",
        stdout(&help)
    );
}

async fn a_burst_gets_exactly_the_quota(db: Db) {
    let app = spawn_app(db).await;
    let key = key_with_quota(&app, 50).await;
    let auth = bearer(&key);
    let burst: Vec<_> = (0..120)
        .map(|i| {
            let app = &app;
            let auth = auth.as_str();
            let key = key.as_str();
            async move {
                // Both ways of presenting the key count against the one quota.
                if i % 2 == 0 {
                    get_with(app, &[("authorization", auth)]).await
                } else {
                    get_with(app, &[("x-api-key", key)]).await
                }
            }
        })
        .collect();
    let answers = futures::future::join_all(burst).await;
    let ok = answers
        .iter()
        .filter(|(s, _, _)| *s == StatusCode::OK)
        .count();
    assert_eq!(ok, 50);
    for (status, retry, body) in answers.iter().filter(|(s, _, _)| *s != StatusCode::OK) {
        assert_eq!(*status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(body["error"]["code"], "quota_exceeded");
        assert!(
            body["error"]["message_zh"]
                .as_str()
                .unwrap()
                .contains("50 次"),
            "{body}"
        );
        let retry = retry.expect("Retry-After");
        assert!((1..=86_400).contains(&retry), "{retry}");
    }
    let keys = app
        .state
        .storage
        .api_keys(app::verification::api_keys::china_day(
            app.state.clock.now(),
        ))
        .await
        .unwrap();
    assert_eq!(keys[0].used, 50);
}

async fn the_quota_renews_on_the_next_china_day(db: Db) {
    let app = spawn_app(db).await;
    let key = key_with_quota(&app, 3).await;
    let auth = bearer(&key);
    for _ in 0..3 {
        assert_eq!(
            get_with(&app, &[("authorization", &auth)]).await.0,
            StatusCode::OK
        );
    }
    let (status, retry, _) = get_with(&app, &[("authorization", &auth)]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let now = app.state.clock.now();
    let expected = (next_china_day(now) - now) / 1000;
    let retry = retry.unwrap() as i64;
    assert!(
        (expected - 2..=expected + 2).contains(&retry),
        "{retry} vs {expected}"
    );
    // Just before midnight in China: still used up.
    app.state.clock.advance(next_china_day(now) - now - 1_000);
    assert_eq!(
        get_with(&app, &[("authorization", &auth)]).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Midnight in China (16:00 UTC): a new day, a new quota.
    app.state.clock.advance(1_500);
    for _ in 0..3 {
        assert_eq!(
            get_with(&app, &[("authorization", &auth)]).await.0,
            StatusCode::OK
        );
    }
    assert_eq!(
        get_with(&app, &[("authorization", &auth)]).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
}

async fn bad_keys_are_refused_not_taken_as_anonymous(db: Db) {
    let app = spawn_app(db).await;
    let key = key_with_quota(&app, 10).await;
    let (revoked_key, revoked_prefix) = {
        let k = key_with_quota(&app, 10).await;
        let prefix = k[..12].to_string();
        (k, prefix)
    };
    app.state
        .storage
        .revoke_api_key(&revoked_prefix, app.state.clock.now(), "operator:tester")
        .await
        .unwrap()
        .unwrap();
    let wrong = format!("{}x", &key[..key.len() - 1]);
    for headers in [
        vec![("authorization", bearer(&wrong))],
        vec![("authorization", bearer(&revoked_key))],
        vec![("authorization", format!("Basic {key}"))],
        vec![("authorization", "Bearer".to_string())],
        vec![("x-api-key", "".to_string())],
        vec![("x-api-key", "not-a-key".to_string())],
        vec![("x-api-key", revoked_key.clone())],
    ] {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let (status, _, body) = get_with(&app, &headers).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{headers:?}");
        assert_eq!(body["error"]["code"], "invalid_api_key");
        assert!(body["error"]["message_zh"]
            .as_str()
            .unwrap()
            .contains("API 密钥无效"));
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown or revoked"));
    }
    // The other endpoints too, before any body is read.
    let file = reqwest::Client::new()
        .post(app.url("/api/v1/verify/file"))
        .header("content-type", "application/pdf")
        .header("authorization", bearer(&revoked_key))
        .body(b"%PDF-1.7".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), StatusCode::UNAUTHORIZED);
    assert!(file.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    let manual = reqwest::Client::new()
        .post(app.url("/api/v1/verify/manual"))
        .header("x-api-key", "cvk_guessedguessedguessedgu")
        .json(&json!({ "certificate_number": "1", "holder_name": "王五" }))
        .send()
        .await
        .unwrap();
    assert_eq!(manual.status(), StatusCode::UNAUTHORIZED);
    // Without a key at all: anonymous, as before.
    assert_eq!(get_with(&app, &[]).await.0, StatusCode::OK);
}

async fn manual(app: &TestApp, key: Option<&str>) -> StatusCode {
    let mut request = reqwest::Client::new()
        .post(app.url("/api/v1/verify/manual"))
        .header("x-forwarded-for", "203.0.113.40")
        .json(&json!({ "certificate_number": "1", "holder_name": "王五" }));
    if let Some(key) = key {
        request = request.header("authorization", bearer(key));
    }
    request.send().await.unwrap().status()
}

async fn keys_are_free_of_the_per_address_limit_and_anonymous_checks_are_not(db: Db) {
    let app = spawn_app_with(
        db,
        Options {
            trusted_proxies: vec!["127.0.0.0/8".parse().unwrap()],
            ..Options::default()
        },
    )
    .await;
    let key = key_with_quota(&app, 100).await;
    // An HR system behind one address checks far more than the address's limit.
    for _ in 0..MANUAL_LIMIT + 10 {
        assert_eq!(manual(&app, Some(&key)).await, StatusCode::OK);
    }
    // Anonymous checks from that address still have their whole limit, and no more.
    for _ in 0..MANUAL_LIMIT {
        assert_eq!(manual(&app, None).await, StatusCode::OK);
    }
    assert_eq!(manual(&app, None).await, StatusCode::TOO_MANY_REQUESTS);
    // The key is not held to it.
    assert_eq!(manual(&app, Some(&key)).await, StatusCode::OK);
}

async fn other_sites_may_send_the_key(db: Db) {
    let app = spawn_app(db).await;
    let preflight = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/verify/manual"))
        .header("origin", "https://hr.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,x-api-key,content-type",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    let allowed = preflight.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    for header in ["authorization", "x-api-key", "content-type"] {
        assert!(allowed.contains(header), "{allowed}");
    }
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    // A refusal is readable cross-origin, Retry-After included.
    let key = key_with_quota(&app, 1).await;
    let first = get_with(
        &app,
        &[
            ("authorization", &bearer(&key)),
            ("origin", "https://hr.example"),
        ],
    )
    .await;
    assert_eq!(first.0, StatusCode::OK);
    let response = reqwest::Client::new()
        .get(app.url("/api/v1/verify/abcdefghijklmnopqrstuvwxyz"))
        .header("origin", "https://hr.example")
        .header("authorization", bearer(&key))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert!(response.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase()
        .contains("retry-after"));
}

on_both_backends!(
    the_operator_creates_lists_and_revokes_keys,
    a_burst_gets_exactly_the_quota,
    the_quota_renews_on_the_next_china_day,
    bad_keys_are_refused_not_taken_as_anonymous,
    keys_are_free_of_the_per_address_limit_and_anonymous_checks_are_not,
    other_sites_may_send_the_key,
);
