//! What the responses tell the browser: every page's Content-Security-Policy and the nonce on
//! its scripts, the headers on pages, files and the public API, HSTS and the `__Host-` session
//! cookie behind an https address, and a fresh session token after a password change.

use crate::accounts::{login, register, resident_id, PASSWORD};
use crate::annotations::{apply, holder_with_e_certificate, settled};
use crate::certificates::add_file;
use crate::helpers::{spawn_app, spawn_app_with, Db, Options, TestApp};
use crate::on_both_backends;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::collections::HashSet;

/// The nonce of a page's `script-src`, after checking the rest of the page policy.
fn page_nonce(path: &str, headers: &HeaderMap) -> String {
    let policy = headers
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{path}: no Content-Security-Policy"))
        .to_str()
        .unwrap();
    for directive in [
        "default-src 'self'",
        "object-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ] {
        assert!(
            policy.contains(directive),
            "{path}: {directive} in {policy}"
        );
    }
    assert!(
        !policy.contains("'unsafe-inline'") && !policy.contains("'unsafe-eval'"),
        "{path}: {policy}"
    );
    let script_src = policy
        .split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix("script-src "))
        .unwrap_or_else(|| panic!("{path}: no script-src in {policy}"));
    let nonce = script_src
        .split_whitespace()
        .find_map(|s| s.strip_prefix("'nonce-")?.strip_suffix('\''))
        .unwrap_or_else(|| panic!("{path}: no nonce in {script_src}"));
    assert!(nonce.len() >= 22, "{path}: 128 bits at least: {nonce}");
    assert!(
        script_src.contains("'strict-dynamic'") && !script_src.contains("'self'"),
        "{path}: only scripts with the nonce, and what they load: {script_src}"
    );
    nonce.to_string()
}

/// The opening tags of every `<script>` of `html`.
fn script_tags(html: &str) -> Vec<&str> {
    html.match_indices("<script")
        .map(|(at, _)| {
            let rest = &html[at..];
            &rest[..rest.find('>').map_or(rest.len(), |end| end + 1)]
        })
        .collect()
}

/// The headers every response has, whatever it is.
fn assert_common_headers(path: &str, headers: &HeaderMap, resource_policy: &str) {
    let expect = |name: &str, value: &str| {
        assert_eq!(
            headers.get(name).and_then(|v| v.to_str().ok()),
            Some(value),
            "{path}: {name}"
        );
    };
    expect("x-content-type-options", "nosniff");
    expect("referrer-policy", "same-origin");
    expect("cross-origin-opener-policy", "same-origin");
    expect("cross-origin-resource-policy", resource_policy);
    let permissions = headers["permissions-policy"].to_str().unwrap();
    for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()"] {
        assert!(permissions.contains(feature), "{path}: {feature}");
    }
    assert!(
        !headers.contains_key("strict-transport-security"),
        "{path}: no HSTS over plain HTTP"
    );
}

/// Fetches a page and checks its policy and scripts; returns the page's nonce.
async fn checked_page(app: &TestApp, path: &str, method_post: Option<&[(&str, &str)]>) -> String {
    let response = match method_post {
        None => app.get(path).await,
        Some(form) => app.post_form(path, form).await,
    };
    let status = response.status();
    assert!(
        status.is_success() || status.is_client_error(),
        "{path}: {status}"
    );
    let headers = response.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{path}: a page"
    );
    let nonce = page_nonce(path, &headers);
    assert_common_headers(path, &headers, "same-origin");
    assert_eq!(headers["x-frame-options"], "DENY", "{path}");
    let html = response.text().await.unwrap();
    let scripts = script_tags(&html);
    assert!(
        scripts.iter().any(|tag| tag.contains(r#"type="module""#)),
        "{path}: the island script is there: {scripts:?}"
    );
    for tag in &scripts {
        assert!(
            tag.contains(&format!(r#"nonce="{nonce}""#)),
            "{path}: every script carries this response's nonce: {tag}"
        );
    }
    assert!(!html.contains(" style=\""), "{path}: no inline style");
    nonce
}

async fn every_page_has_a_policy_whose_fresh_nonce_is_on_all_its_scripts(db: Db) {
    let app = spawn_app(db).await;
    let mut nonces = HashSet::new();
    let mut seen = |path: &str, nonce: String| {
        assert!(nonces.insert(nonce), "{path}: a nonce is never used twice");
    };

    for path in [
        "/",
        "/",
        "/login",
        "/register",
        "/verify",
        "/faq",
        "/rare-chars",
    ] {
        seen(path, checked_page(&app, path, None).await);
    }
    // A page the router does not know, and a code nobody issued.
    seen(
        "/no/such/page",
        checked_page(&app, "/no/such/page", None).await,
    );
    seen(
        "/verify/NOSUCHCODE",
        checked_page(&app, "/verify/NOSUCHCODE", None).await,
    );
    // A form posted without JavaScript and shown again with its errors.
    let login_again = [
        ("id_type", "resident"),
        ("id_number", "nobody"),
        ("password", "x"),
        ("next", ""),
    ];
    seen(
        "POST /login",
        checked_page(&app, "/login", Some(&login_again)).await,
    );

    let number = "2024320100000888";
    let cert = holder_with_e_certificate(&app, 81, "张𪚥", number).await;
    let file = add_file(&app, number, "扫描件.pdf", "application/pdf", b"%PDF-1.4 x").await;
    assert_eq!(
        apply(&app, &app.client, &cert, "30").await.status(),
        StatusCode::SEE_OTHER
    );
    let code = settled(&app, number).await[0].code.clone();
    for path in [
        "/terms".to_string(),
        "/certificates".to_string(),
        format!("/certificates/{cert}"),
        format!("/certificates/{cert}/download"),
        format!("/certificates/{cert}/annotate"),
        format!("/certificates/{cert}/files/{file}"),
        format!("/annotations/{code}"),
        format!("/verify/{code}"),
        "/account".to_string(),
        // A plain route's answer for what is not there: the app's not-found page.
        "/files/doesnotexist234567abcdefgh".to_string(),
    ] {
        seen(&path, checked_page(&app, &path, None).await);
    }
    let wrong_password = [
        ("current", "not-it-1"),
        ("password", "New-passw0rd"),
        ("password2", "New-passw0rd"),
    ];
    seen(
        "POST /account",
        checked_page(&app, "/account", Some(&wrong_password)).await,
    );
}

async fn files_the_api_and_other_answers_have_the_headers_too(db: Db) {
    let app = spawn_app(db).await;
    let number = "2024320100000889";
    let cert = holder_with_e_certificate(&app, 82, "李四", number).await;
    let file = add_file(&app, number, "扫描件.pdf", "application/pdf", b"%PDF-1.4 x").await;
    apply(&app, &app.client, &cert, "30").await;
    let code = settled(&app, number).await[0].code.clone();

    // Files and copies: shown inside this site's pages, so framable by this site only.
    for path in [
        format!("/files/{file}"),
        format!("/annotations/{code}/pdf"),
        format!("/annotations/{code}/preview.svg"),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_common_headers(&path, response.headers(), "same-origin");
        assert_eq!(
            response.headers()["x-frame-options"],
            "SAMEORIGIN",
            "{path}"
        );
    }
    // A drawn SVG keeps its own policy: nothing runs in it even when opened directly.
    let preview = app.get(&format!("/annotations/{code}/preview.svg")).await;
    assert_eq!(
        preview.headers()["content-security-policy"],
        "default-src 'none'"
    );

    // The public API may be read from any site.
    let api = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/verify/{code}")))
        .header("origin", "https://verifier.example")
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::OK);
    assert_eq!(api.headers()["access-control-allow-origin"], "*");
    assert_common_headers("/api/v1/verify", api.headers(), "cross-origin");
    assert!(!api.headers().contains_key("content-security-policy"));

    // Server functions, health, refusals: the same basics.
    let overview = app
        .client
        .post(app.url("/api/accounts/overview"))
        .send()
        .await
        .unwrap();
    assert_common_headers("server function", overview.headers(), "same-origin");
    assert_common_headers(
        "/healthz",
        app.get("/healthz").await.headers(),
        "same-origin",
    );
    let refused = reqwest::Client::new()
        .post(app.url("/logout"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_common_headers("refused", refused.headers(), "same-origin");
}

const HTTPS_SITE: &str = "https://certs.example.test";

/// A client as a browser on the https site would be, without a cookie store: the test hands
/// the cookie over itself (a store would not send a `Secure` cookie to the plain-HTTP
/// listener).
fn https_browser() -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert("origin", HTTPS_SITE.parse().unwrap());
    headers.insert("accept", "text/html".parse().unwrap());
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

async fn behind_https_the_cookie_is_host_locked_and_hsts_is_sent(db: Db) {
    let app = spawn_app_with(
        db,
        Options {
            public_url: Some(HTTPS_SITE.to_string()),
            ..Default::default()
        },
    )
    .await;
    let browser = https_browser();
    let home = browser.get(app.url("/")).send().await.unwrap();
    assert_eq!(
        home.headers()["strict-transport-security"],
        "max-age=31536000"
    );

    let id = resident_id(83);
    // The form, then the code: the second step signs the holder in.
    let registered = crate::accounts::register_with(&browser, &app, &id, "王五").await;
    assert_eq!(registered.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        registered.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let cookie = registered.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-sid="), "{cookie}");
    assert!(
        cookie.contains("; Secure") && cookie.contains("; Path=/") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("__Host-sid=")
        .to_string();

    let terms_with = |cookie: String| {
        let browser = browser.clone();
        let url = app.url("/terms");
        async move {
            browser
                .get(url)
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(
        terms_with(format!("__Host-sid={token}")).await,
        StatusCode::OK,
        "signed in by the __Host- cookie"
    );
    assert_eq!(
        terms_with(format!("sid={token}")).await,
        StatusCode::FOUND,
        "the plain name is not read when the site is https"
    );

    // Logging out clears the same cookie.
    let out = browser
        .post(app.url("/logout"))
        .header("cookie", format!("__Host-sid={token}"))
        .send()
        .await
        .unwrap();
    let cleared = out.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cleared.starts_with("__Host-sid=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
}

/// The session cookie `name=value` a response sets.
fn session_pair(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("sid="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_string()
}

async fn a_password_change_gives_this_browser_a_new_session_token(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(84);
    let registered = register(&app, &id, "赵六").await;
    let first = session_pair(&registered);
    app.post_form("/terms", &[("next", "")]).await;

    let account_with = |cookie: String| {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let url = app.url("/account");
        async move {
            client
                .get(url)
                .header("accept", "text/html")
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(account_with(first.clone()).await, StatusCode::OK);

    // Without JavaScript: the form post.
    let changed = app
        .post_form(
            "/account",
            &[
                ("current", PASSWORD),
                ("password", "New-passw0rd"),
                ("password2", "New-passw0rd"),
            ],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let second = session_pair(&changed);
    assert_ne!(second, first);
    assert_eq!(
        account_with(first).await,
        StatusCode::FOUND,
        "the old token no longer works"
    );
    assert_eq!(account_with(second.clone()).await, StatusCode::OK);

    // With JavaScript: the server function does the same.
    let body = serde_urlencoded::to_string([
        ("form[current]", "New-passw0rd"),
        ("form[password]", "Newer-passw0rd"),
        ("form[password2]", "Newer-passw0rd"),
    ])
    .unwrap();
    let changed = app
        .client
        .post(app.url("/api/accounts/change-password"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    let third = session_pair(&changed);
    assert_ne!(third, second);
    assert_eq!(account_with(second).await, StatusCode::FOUND);
    assert_eq!(account_with(third).await, StatusCode::OK);
    assert_eq!(
        app.get("/account").await.status(),
        StatusCode::OK,
        "the browser itself carries on with the new token"
    );
    assert_eq!(
        login(&app, &id, "Newer-passw0rd").await.status(),
        StatusCode::SEE_OTHER
    );
}

on_both_backends!(
    every_page_has_a_policy_whose_fresh_nonce_is_on_all_its_scripts,
    files_the_api_and_other_answers_have_the_headers_too,
    behind_https_the_cookie_is_host_locked_and_hsts_is_sent,
    a_password_change_gives_this_browser_a_new_session_token,
);
