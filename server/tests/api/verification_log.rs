//! The verification log as the holder reads it: only checks of codes that exist, repeats from
//! one source counted on one line, a flood from one source unable to push the others out of
//! view, no line for a HEAD request or a link preview, and old lines swept after the
//! retention time (moved clock).

use crate::helpers::{
    client_for, inner_text, scalar_strings, spawn_app_with, Db, Options, TestApp,
};
use crate::on_both_backends;
use crate::verification::{produced_copy, NAME, NUMBER};
use app::storage::LogLine;
use reqwest::StatusCode;
use std::time::{Duration, Instant};

/// The app behind a trusted "proxy" (the test itself), so each check can come from the client
/// address its `X-Forwarded-For` names.
pub(crate) fn behind_proxy() -> Options {
    Options {
        trusted_proxies: vec!["127.0.0.0/8".parse().unwrap()],
        ..Options::default()
    }
}

/// `GET /api/v1/verify/{code}?purpose=…` from `from`, with a `User-Agent` if given.
async fn check(
    app: &TestApp,
    code: &str,
    from: &str,
    purpose: &str,
    agent: Option<&str>,
) -> StatusCode {
    let mut request = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/verify/{code}")))
        .query(&[("purpose", purpose)])
        .header("x-forwarded-for", from);
    if let Some(agent) = agent {
        request = request.header("user-agent", agent);
    }
    request.send().await.unwrap().status()
}

/// Every check the log holds: its lines plus their repeats.
async fn logged_checks(app: &TestApp) -> i64 {
    scalar_strings(
        app,
        "SELECT CAST(COUNT(*) + COALESCE(SUM(repeats), 0) AS TEXT) FROM verification_log",
    )
    .await[0]
        .parse()
        .unwrap()
}

/// Waits until the log holds `expected` checks, then makes sure no more arrive.
async fn settle(app: &TestApp, expected: i64) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let n = logged_checks(app).await;
        if n == expected {
            break;
        }
        assert!(n < expected, "{n} checks logged, expected {expected}");
        assert!(
            Instant::now() < deadline,
            "{n} checks logged, expected {expected}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(logged_checks(app).await, expected, "a late line was logged");
}

/// The certificate's log as its holder is shown it.
async fn holder_view(app: &TestApp) -> Vec<LogLine> {
    let certificate = app
        .state
        .storage
        .certificate_by_number(NUMBER)
        .await
        .unwrap()
        .unwrap();
    app.state
        .storage
        .verifications_of_certificate(
            certificate.id,
            app::domain::LOG_LINES,
            app::domain::LOG_LINES_PER_SOURCE,
        )
        .await
        .unwrap()
}

fn purposes(lines: &[LogLine]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l.record.purpose.clone().unwrap_or_default())
        .collect()
}

async fn only_checks_of_codes_that_exist_are_logged(db: Db) {
    let app = spawn_app_with(db, behind_proxy()).await;
    let (_, code, _) = produced_copy(&app, 71).await;
    // Codes nobody was given: answered (not genuine), never logged.
    for i in 0..40 {
        let guess = format!("{i:02}nosuchcodeabcdefghijklmnop");
        assert_eq!(
            check(&app, &guess, "198.51.100.9", "", None).await,
            StatusCode::OK
        );
    }
    assert_eq!(
        check(&app, "not-even-a-code", "198.51.100.9", "", None).await,
        StatusCode::OK
    );
    let page = client_for(&app.base)
        .get(app.url("/verify/zzzzzznosuchcodeabcdefghij"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    // A manual check whose name does not match finds nothing either.
    let (status, answer) = crate::verification::api_manual(
        &app,
        &reqwest::Client::new(),
        serde_json::json!({ "certificate_number": NUMBER, "holder_name": "李四" }),
    )
    .await;
    assert_eq!(
        (status, answer["verdict"].as_str()),
        (StatusCode::OK, Some("not_genuine"))
    );
    // The one real check is the only line (and, written after the others, shows they are done).
    assert_eq!(
        check(&app, &code, "198.51.100.9", "入职", None).await,
        StatusCode::OK
    );
    settle(&app, 1).await;
    let lines = holder_view(&app).await;
    assert_eq!(purposes(&lines), ["入职"]);
    assert_eq!(lines[0].more, 0);
}

async fn repeats_from_one_source_are_counted_on_one_line(db: Db) {
    let app = spawn_app_with(db, behind_proxy()).await;
    let (certificate_id, code, _) = produced_copy(&app, 72).await;
    // Start at the beginning of a window, so that all of these fall in it.
    let now = app.state.clock.now();
    let window = app::domain::REPEAT_WINDOW_MS;
    app.state
        .clock
        .advance(window - now.rem_euclid(window) + 1000);
    for _ in 0..6 {
        check(&app, &code, "203.0.113.5", "背景调查", None).await;
    }
    // Another address of the same IPv6 /64 is the same source.
    check(&app, &code, "2001:db8:5::1", "背景调查", None).await;
    check(&app, &code, "2001:db8:5::2", "背景调查", None).await;
    // A different purpose, or another source, is another line.
    check(&app, &code, "203.0.113.5", "入职", None).await;
    check(&app, &code, "203.0.113.6", "背景调查", None).await;
    settle(&app, 10).await;
    let mut lines: Vec<(String, i64)> = holder_view(&app)
        .await
        .into_iter()
        .map(|l| (l.record.purpose.unwrap_or_default(), l.more))
        .collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            ("入职".to_string(), 0),
            ("背景调查".to_string(), 0),
            ("背景调查".to_string(), 1),
            ("背景调查".to_string(), 5),
        ]
    );
    // The holder's page says how many more.
    let text = {
        let (_, html) = app
            .get_text(&format!("/certificates/{certificate_id}"))
            .await;
        inner_text(&html)
    };
    // (the page is the holder's; `produced_copy` signed this client in)
    assert!(text.contains("另有 5 次重复查验"), "{text}");
    assert!(text.contains("另有 1 次重复查验"), "{text}");

    // In the next window the same check is a line of its own again.
    app.state.clock.advance(window);
    check(&app, &code, "203.0.113.5", "背景调查", None).await;
    settle(&app, 11).await;
    assert_eq!(holder_view(&app).await.len(), 5);
}

async fn a_flood_from_one_source_does_not_push_the_others_out(db: Db) {
    let app = spawn_app_with(db, behind_proxy()).await;
    let (certificate_id, code, _) = produced_copy(&app, 73).await;
    for (i, from) in ["198.51.100.1", "198.51.100.2", "2001:db8:7::1"]
        .iter()
        .enumerate()
    {
        check(&app, &code, from, &format!("真实用途{i}"), None).await;
    }
    // 130 crafted checks from one address, each with another purpose so that none repeats.
    let flood: Vec<_> = (0..130)
        .map(|i| {
            let app = &app;
            let code = &code;
            async move { check(app, code, "203.0.113.66", &format!("刷屏{i:03}"), None).await }
        })
        .collect();
    for status in futures::future::join_all(flood).await {
        assert_eq!(status, StatusCode::OK);
    }
    settle(&app, 133).await;
    let lines = holder_view(&app).await;
    let shown = purposes(&lines);
    for genuine in ["真实用途0", "真实用途1", "真实用途2"] {
        assert!(
            shown.contains(&genuine.to_string()),
            "{genuine} pushed out: {shown:?}"
        );
    }
    let flood_lines: Vec<&LogLine> = lines
        .iter()
        .filter(|l| {
            l.record
                .purpose
                .as_deref()
                .is_some_and(|p| p.starts_with("刷屏"))
        })
        .collect();
    assert_eq!(flood_lines.len() as i64, app::domain::LOG_LINES_PER_SOURCE);
    // Its last line shown counts the rest of the flood: every check is accounted for.
    let counted: i64 = flood_lines.iter().map(|l| 1 + l.more).sum();
    assert_eq!(counted, 130);
    let text = {
        let (_, html) = app
            .get_text(&format!("/certificates/{certificate_id}"))
            .await;
        inner_text(&html)
    };
    assert!(
        text.contains("真实用途0") && text.contains("真实用途2"),
        "{text}"
    );
    assert!(text.contains("另有 120 次重复查验"), "{text}");
}

async fn head_requests_and_link_previews_are_not_logged(db: Db) {
    let app = spawn_app_with(db, behind_proxy()).await;
    let (_, code, _) = produced_copy(&app, 74).await;
    let anonymous = reqwest::Client::new();
    for path in [format!("/api/v1/verify/{code}"), format!("/verify/{code}")] {
        let head = anonymous
            .head(app.url(&path))
            .header("x-forwarded-for", "198.51.100.20")
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), StatusCode::OK, "HEAD {path}");
    }
    for agent in [
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "TelegramBot (like TwitterBot)",
        "WhatsApp/2.23.20.0",
        "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    ] {
        // The QR link's page, as a chat app fetches it for a preview card…
        let page = anonymous
            .get(app.url(&format!("/verify/{code}")))
            .header("user-agent", agent)
            .header("x-forwarded-for", "198.51.100.21")
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(
            page.text().await.unwrap().contains(NAME),
            "the preview still gets the page"
        );
        // …and the API.
        assert_eq!(
            check(&app, &code, "198.51.100.21", "", Some(agent)).await,
            StatusCode::OK
        );
    }
    // A person opening the link is logged (and shows the others were not).
    let person = client_for(&app.base)
        .get(app.url(&format!("/verify/{code}")))
        .header(
            "user-agent",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.44",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(person.status(), StatusCode::OK);
    settle(&app, 1).await;
    assert_eq!(
        holder_view(&app).await[0].record.method,
        app::domain::Method::Code
    );
}

async fn lines_older_than_the_retention_time_are_swept(db: Db) {
    let app = spawn_app_with(
        db,
        Options {
            verification_log_retention_days: 30,
            ..behind_proxy()
        },
    )
    .await;
    let (_, code, _) = produced_copy(&app, 75).await;
    let day = 24 * 60 * 60 * 1000;
    check(&app, &code, "198.51.100.30", "早的", None).await;
    settle(&app, 1).await;
    app.state.clock.advance(29 * day);
    check(&app, &code, "198.51.100.31", "晚的", None).await;
    settle(&app, 2).await;
    server::application::sweep_verification_log(&app.state).await;
    assert_eq!(purposes(&holder_view(&app).await), ["晚的", "早的"]);
    // 30 days and a bit after the first check: it goes, the later one stays.
    app.state.clock.advance(day + 60_000);
    server::application::sweep_verification_log(&app.state).await;
    assert_eq!(purposes(&holder_view(&app).await), ["晚的"]);
    app.state.clock.advance(30 * day);
    server::application::sweep_verification_log(&app.state).await;
    assert!(holder_view(&app).await.is_empty());
}

on_both_backends!(
    only_checks_of_codes_that_exist_are_logged,
    repeats_from_one_source_are_counted_on_one_line,
    a_flood_from_one_source_does_not_push_the_others_out,
    head_requests_and_link_previews_are_not_logged,
    lines_older_than_the_retention_time_are_swept,
);
