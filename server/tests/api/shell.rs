//! The app shell: pages render in both languages, the language switch, 404s, health, request
//! ids, cross-site refusal, test controls off by default, and a clean 503 when the database
//! goes away.

use crate::helpers::{inner_text, spawn_app, spawn_app_with, Db, Options};
use crate::on_both_backends;
use reqwest::StatusCode;

async fn healthz_reports_the_backend(db: Db) {
    let app = spawn_app(db).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().contains_key("x-request-id"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(
        body["database"],
        match db {
            Db::Sqlite => "sqlite",
            Db::Postgres => "postgres",
        }
    );
}

async fn home_page_is_chinese_by_default_and_english_on_request(db: Db) {
    let app = spawn_app(db).await;
    let (status, html) = app.get_text("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"<html lang="zh-CN""#));
    assert!(inner_text(&html).contains("专业技术人员职业资格证书查询验证系统"));

    let switch = app.get("/lang/en?next=%2F").await;
    assert_eq!(switch.status(), StatusCode::SEE_OTHER);
    assert_eq!(switch.headers()["location"], "/");
    let cookie = switch.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("lang=en;") && cookie.contains("Max-Age=31536000"));

    let (_, html) = app.get_text("/").await;
    assert!(html.contains(r#"<html lang="en""#));
    let text = inner_text(&html);
    assert!(text.contains("Professional Qualification Certificate Query and Verification"));
    assert!(
        !text.contains("证书查询、下载与验证"),
        "no Chinese page text left in English"
    );
}

async fn language_switch_only_returns_to_this_site(db: Db) {
    let app = spawn_app(db).await;
    for next in [
        "https%3A%2F%2Fevil.example%2F",
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
    ] {
        let response = app.get(&format!("/lang/en?next={next}")).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()["location"], "/", "for next={next}");
    }
    assert_eq!(app.get("/lang/fr").await.status(), StatusCode::NOT_FOUND);
}

async fn unknown_pages_get_a_404_in_the_users_language(db: Db) {
    let app = spawn_app(db).await;
    let (status, html) = app.get_text("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(inner_text(&html).contains("页面不存在"));
    app.get("/lang/en").await;
    let (status, html) = app.get_text("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(inner_text(&html).contains("Page not found"));
}

async fn cross_site_posts_are_refused(db: Db) {
    let app = spawn_app(db).await;
    let foreign = reqwest::Client::new();
    let response = foreign
        .post(app.url("/logout"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("请求来源无效"));
    let no_origin = foreign.post(app.url("/logout")).send().await.unwrap();
    assert_eq!(no_origin.status(), StatusCode::FORBIDDEN);
    // The same request from the site itself passes the guard (and reaches the route).
    let own = app.post_form("/no-such-form", &[]).await;
    assert_ne!(own.status(), StatusCode::FORBIDDEN);
}

async fn test_controls_are_off_unless_enabled(db: Db) {
    let app = spawn_app(db).await;
    let response = app
        .client
        .post(app.url("/__test/clock"))
        .json(&serde_json::json!({ "advance_ms": 86_400_000 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.state.clock.offset(), 0, "the clock did not move");
    let seed = app
        .client
        .post(app.url("/__test/certificates"))
        .json(&serde_json::json!({ "number": "X" }))
        .send()
        .await
        .unwrap();
    assert_eq!(seed.status(), StatusCode::NOT_FOUND, "no seeding either");

    let enabled = spawn_app_with(
        db,
        Options {
            test_controls: true,
            ..Default::default()
        },
    )
    .await;
    let response = enabled
        .client
        .post(enabled.url("/__test/clock"))
        .json(&serde_json::json!({ "advance_ms": 86_400_000 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(enabled.state.clock.offset(), 86_400_000);
}

async fn a_lost_database_gives_a_clean_503(db: Db) {
    let app = spawn_app(db).await;
    app.state.storage.close().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = response.text().await.unwrap();
    assert!(body.contains("unavailable"));
    assert!(!body.to_lowercase().contains("sqlx") && !body.to_lowercase().contains("pool"));
    // Pages that need no data still render.
    assert_eq!(app.get("/").await.status(), StatusCode::OK);
}

async fn pages_travel_compressed_when_the_browser_accepts_it(db: Db) {
    let app = spawn_app(db).await;
    let plain = app.get("/").await;
    assert!(!plain.headers().contains_key("content-encoding"));
    let plain_len = plain.bytes().await.unwrap().len();

    let gzipped = app
        .client
        .get(app.url("/"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.status(), StatusCode::OK);
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    let body = gzipped.bytes().await.unwrap();
    assert_eq!(&body[..2], &[0x1f, 0x8b], "a gzip stream");
    assert!(body.len() * 2 < plain_len, "{} vs {plain_len}", body.len());
}

async fn the_sample_copy_and_the_about_page_are_public(db: Db) {
    let app = spawn_app(db).await;
    let visitor = crate::helpers::client_for(&app.base);
    let sample = visitor.get(app.url("/sample")).send().await.unwrap();
    assert_eq!(sample.status(), StatusCode::OK);
    let html = sample.text().await.unwrap();
    assert!(inner_text(&html).contains("加注后的电子证书样式"));
    assert!(inner_text(&html).contains("不是有效证书"));
    assert!(html.contains(r#"src="/sample/preview.svg""#));

    let drawing = visitor
        .get(app.url("/sample/preview.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(drawing.status(), StatusCode::OK);
    assert_eq!(drawing.headers()["content-type"], "image/svg+xml");
    let svg = drawing.text().await.unwrap();
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    assert!(
        svg.contains("样式 · SAMPLE"),
        "marked as a sample across its face"
    );
    // Drawn once: a second answer is the same drawing.
    let again = visitor
        .get(app.url("/sample/preview.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.text().await.unwrap(), svg);

    let about = visitor.get(app.url("/about")).send().await.unwrap();
    assert_eq!(about.status(), StatusCode::OK);
    let text = inner_text(&about.text().await.unwrap());
    assert!(text.contains("关于本系统") && text.contains("MIT 或 Apache-2.0"));
}

on_both_backends!(
    the_sample_copy_and_the_about_page_are_public,
    pages_travel_compressed_when_the_browser_accepts_it,
    healthz_reports_the_backend,
    home_page_is_chinese_by_default_and_english_on_request,
    language_switch_only_returns_to_this_site,
    unknown_pages_get_a_404_in_the_users_language,
    cross_site_posts_are_refused,
    test_controls_are_off_unless_enabled,
    a_lost_database_gives_a_clean_503,
);
