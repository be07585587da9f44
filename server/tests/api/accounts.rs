//! Holder accounts over HTTP, as a browser without JavaScript uses them (plain form posts), and
//! through the server functions that API clients call.

use crate::helpers::{client_for, inner_text, spawn_app, Db, TestApp};
use crate::on_both_backends;
use reqwest::StatusCode;

/// A valid resident ID number with a correct check character, distinct per `seq`.
pub fn resident_id(seq: u32) -> String {
    let first17 = format!("11010519900101{:03}", seq % 1000);
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    format!("{first17}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

pub const PASSWORD: &str = "Passw0rd-ok";

pub async fn register(app: &TestApp, id: &str, name: &str) -> reqwest::Response {
    register_with(&app.client, app, id, name).await
}

/// A mobile number of the holder's own, so that the per-number limits of one test's
/// registrations do not meet.
pub fn mobile_for(id: &str) -> String {
    let n = id.bytes().fold(7u64, |h, b| {
        h.wrapping_mul(1_000_003).wrapping_add(u64::from(b))
    });
    format!("139{:08}", n % 100_000_000)
}

/// The newest code in the development outbox for `mobile`.
pub async fn code_sent_to(app: &TestApp, mobile: &str) -> String {
    let messages = app.state.storage.outbox(Some(mobile), 1).await.unwrap();
    let body = &messages.first().expect("a message in the outbox").body;
    body.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .expect("a code in the message")
        .to_string()
}

/// The `ticket` of a redirect to a code step.
pub fn ticket_of(response: &reqwest::Response) -> String {
    let to = location(response);
    to.split_once("ticket=")
        .map(|(_, t)| t.to_string())
        .unwrap_or_else(|| panic!("no ticket in {to}"))
}

/// Registration's first step from `client`, with the holder's own mobile number.
pub async fn register_step(
    client: &reqwest::Client,
    app: &TestApp,
    id: &str,
    name: &str,
) -> reqwest::Response {
    client
        .post(app.url("/register"))
        .form(&[
            ("id_type", "resident"),
            ("id_number", id),
            ("name", name),
            ("mobile", &mobile_for(id)),
            ("password", PASSWORD),
            ("password2", PASSWORD),
        ])
        .send()
        .await
        .expect("POST /register")
}

/// Registration's second step: the code from the outbox.
pub async fn confirm_step(
    client: &reqwest::Client,
    app: &TestApp,
    ticket: &str,
    code: &str,
) -> reqwest::Response {
    // As the page's form posts it: the ticket in the address and in the body.
    client
        .post(app.url(&app::urls::register_confirm(ticket)))
        .form(&[("ticket", ticket), ("code", code), ("intent", "confirm")])
        .send()
        .await
        .expect("POST /register/confirm")
}

/// Registers from `client` (another browser than the app's own): the form, then the code
/// sent to the mobile number. Answers the first step's response if it did not succeed, else
/// the second step's.
pub async fn register_with(
    client: &reqwest::Client,
    app: &TestApp,
    id: &str,
    name: &str,
) -> reqwest::Response {
    let first = register_step(client, app, id, name).await;
    if first.status() != StatusCode::SEE_OTHER {
        return first;
    }
    let ticket = ticket_of(&first);
    let code = code_sent_to(app, &mobile_for(id)).await;
    confirm_step(client, app, &ticket, &code).await
}

/// Registers, accepts the terms: the holder is ready to use the portal.
pub async fn signed_up(app: &TestApp, id: &str, name: &str) {
    let response = register(app, id, name).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "registration");
    let response = app.post_form("/terms", &[("next", "")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "terms");
}

/// Another holder, in a browser of their own, signed up and past the terms.
pub async fn another_holder(app: &TestApp, id: &str, name: &str) -> reqwest::Client {
    let other = crate::helpers::client_for(&app.base);
    let response = register_with(&other, app, id, name).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "registration");
    let response = other
        .post(app.url("/terms"))
        .form(&[("next", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "terms");
    other
}

pub async fn login(app: &TestApp, id: &str, password: &str) -> reqwest::Response {
    app.post_form(
        "/login",
        &[
            ("id_type", "resident"),
            ("id_number", id),
            ("password", password),
            ("next", ""),
        ],
    )
    .await
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

async fn register_accept_terms_logout_login(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(1);
    let response = register(&app, &id, "张𪚥").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/terms");
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("sid=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
    );
    assert!(!cookie.contains("Secure"), "plain HTTP here");

    // Nothing else is reachable before [同意].
    let gated = app.get("/account").await;
    assert_eq!(gated.status(), StatusCode::FOUND);
    assert_eq!(location(&gated), "/terms?next=%2Faccount");
    let (status, html) = app.get_text("/terms").await;
    assert_eq!(status, StatusCode::OK);
    assert!(inner_text(&html).contains("服务须知"));

    let agreed = app.post_form("/terms", &[("next", "/account")]).await;
    assert_eq!(agreed.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&agreed), "/account");
    let holder = app
        .state
        .storage
        .holder_by_login(&app::domain::IdNumber::from_trusted(
            app::domain::IdType::ResidentIdCard,
            id.clone(),
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(holder.terms_version, Some(1));
    assert!(holder.terms_accepted_at.is_some());
    assert_eq!(
        holder.name.as_str(),
        "张𪚥",
        "stored exactly, outside the BMP"
    );

    let (status, html) = app.get_text("/account").await;
    assert_eq!(status, StatusCode::OK);
    let text = inner_text(&html);
    assert!(text.contains("张𪚥"));
    assert!(text.contains(&app::domain::mask_id_number(&id)));
    assert!(!text.contains(&id), "the full ID number is never shown");

    let out = app.post_form("/logout", &[]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert!(out.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(app.get("/account").await.status(), StatusCode::FOUND);

    let again = login(&app, &id, PASSWORD).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&again), "/certificates");
}

async fn logout_ends_the_session_on_the_server(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(2);
    signed_up(&app, &id, "李四").await;
    // Keep a copy of the cookie, as an attacker who stole it would.
    let stolen = client_for(&app.base);
    let jar_cookie = {
        let response = login(&app, &id, PASSWORD).await;
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string()
    };
    let with_stolen = |c: &reqwest::Client, path: &str| {
        c.get(app.url(path))
            .header("cookie", jar_cookie.clone())
            .send()
    };
    assert_eq!(
        with_stolen(&stolen, "/account").await.unwrap().status(),
        StatusCode::OK
    );
    app.post_form("/logout", &[]).await;
    assert_eq!(
        with_stolen(&stolen, "/account").await.unwrap().status(),
        StatusCode::FOUND,
        "the old cookie no longer works"
    );
}

async fn registration_errors_are_per_field_keep_input_and_change_nothing(db: Db) {
    let app = spawn_app(db).await;
    let mut bad_check = resident_id(3);
    bad_check.replace_range(17.., if bad_check.ends_with('1') { "2" } else { "1" });
    let response = app
        .post_form(
            "/register",
            &[
                ("id_type", "resident"),
                ("id_number", &bad_check),
                ("name", "王𠀀明"),
                ("mobile", "12345"),
                ("password", "short1"),
                ("password2", "short1"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    let text = inner_text(&html);
    assert!(
        text.contains("证件号码校验位不正确"),
        "check character message"
    );
    assert!(text.contains("手机号码应为 11 位"));
    assert!(text.contains("密码至少 8 位"));
    assert!(
        html.contains(&format!(r#"value="{bad_check}""#)),
        "typed ID kept"
    );
    assert!(html.contains(r#"value="王𠀀明""#), "typed name kept");
    assert!(!html.contains("short1"), "passwords are never echoed");
    assert_eq!(app.state.storage.count_holders().await.unwrap(), 0);
}

async fn a_registered_id_gets_no_account_and_no_details(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(4);
    assert_eq!(
        register(&app, &id, "赵六").await.status(),
        StatusCode::SEE_OTHER
    );
    // Someone else, with a mobile number of their own: the first step answers exactly as it
    // does for an unregistered ID number.
    let other = crate::helpers::client_for(&app.base);
    let form = |id: &str| {
        vec![
            ("id_type", "resident".to_string()),
            ("id_number", id.to_string()),
            ("name", "别人".to_string()),
            ("mobile", "13800000000".to_string()),
            ("password", "another1pass".to_string()),
            ("password2", "another1pass".to_string()),
        ]
    };
    let taken = other
        .post(app.url("/register"))
        .form(&form(&id))
        .send()
        .await
        .unwrap();
    app.state.clock.advance(61_000);
    let fresh = other
        .post(app.url("/register"))
        .form(&form(&resident_id(40)))
        .send()
        .await
        .unwrap();
    assert_eq!(taken.status(), StatusCode::SEE_OTHER);
    assert_eq!(fresh.status(), taken.status());
    let shape = |r: &reqwest::Response| location(r).split('=').next().unwrap().to_string();
    assert_eq!(shape(&taken), shape(&fresh), "the same answer");

    // Only once the mobile number is proven is the ID number said to be registered.
    let messages = app
        .state
        .storage
        .outbox(Some("13800000000"), 2)
        .await
        .unwrap();
    let code_of = |body: &str| {
        body.split(|c: char| !c.is_ascii_digit())
            .find(|run| run.len() == 6)
            .unwrap()
            .to_string()
    };
    let confirmed = confirm_step(
        &other,
        &app,
        &ticket_of(&taken),
        &code_of(&messages[1].body),
    )
    .await;
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&confirmed), "/register/taken");
    assert!(
        confirmed.headers().get("set-cookie").is_none(),
        "no session"
    );
    let page = other.get(app.url("/register/taken")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let text = inner_text(&page.text().await.unwrap());
    assert!(text.contains("该证件号码已注册") && text.contains("忘记密码"));
    assert!(
        !text.contains("赵六"),
        "nothing about the account is revealed"
    );
    assert_eq!(app.state.storage.count_holders().await.unwrap(), 1);
}

async fn unexpected_or_oversized_input_is_refused_cleanly(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(5);
    let extra = app
        .post_form(
            "/register",
            &[
                ("id_type", "resident"),
                ("id_number", &id),
                ("name", "孙七"),
                ("mobile", "13800000000"),
                ("password", PASSWORD),
                ("password2", PASSWORD),
                ("is_admin", "1"),
            ],
        )
        .await;
    assert_eq!(extra.status(), StatusCode::BAD_REQUEST);
    assert!(inner_text(&extra.text().await.unwrap()).contains("请求无法处理"));
    let huge = "张".repeat(40_000);
    let oversized = register(&app, &id, &huge).await;
    assert_eq!(oversized.status(), StatusCode::BAD_REQUEST);
    let control = register(&app, &id, "孙\u{0}七").await;
    assert_eq!(control.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(inner_text(&control.text().await.unwrap()).contains("控制字符"));
    assert_eq!(app.state.storage.count_holders().await.unwrap(), 0);
}

async fn wrong_credentials_get_one_message_then_a_lock_that_lifts_itself(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(6);
    signed_up(&app, &id, "周八").await;
    app.post_form("/logout", &[]).await;

    let unknown = login(&app, &resident_id(7), PASSWORD).await;
    assert_eq!(unknown.status(), StatusCode::CONFLICT);
    let unknown_text = inner_text(&unknown.text().await.unwrap());
    for attempt in 1..=4 {
        let wrong = login(&app, &id, "Wrong-pass1").await;
        assert_eq!(wrong.status(), StatusCode::CONFLICT, "attempt {attempt}");
        let text = inner_text(&wrong.text().await.unwrap());
        assert!(text.contains("证件号码或密码错误"));
        assert_eq!(
            text.replace(&id, ""),
            unknown_text.replace(&resident_id(7), ""),
            "an unknown account and a wrong password read the same"
        );
    }
    let fifth = login(&app, &id, "Wrong-pass1").await;
    assert_eq!(fifth.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(inner_text(&fifth.text().await.unwrap()).contains("登录失败次数过多，请于"));
    let locked = login(&app, &id, PASSWORD).await;
    assert_eq!(
        locked.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password"
    );

    app.state.clock.advance(16 * 60 * 1000);
    let unlocked = login(&app, &id, PASSWORD).await;
    assert_eq!(
        unlocked.status(),
        StatusCode::SEE_OTHER,
        "the lock lifts by itself"
    );
}

async fn one_client_guessing_many_accounts_is_locked_out(db: Db) {
    let app = spawn_app(db).await;
    for seq in 0..20u32 {
        let response = login(&app, &resident_id(100 + seq), "Guess-pass1").await;
        let expected = if seq < 19 {
            StatusCode::CONFLICT
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(response.status(), expected, "guess {seq}");
    }
    let next_account = login(&app, &resident_id(200), "Guess-pass1").await;
    assert_eq!(next_account.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn sessions_expire_when_idle_and_at_their_lifetime(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(8);
    signed_up(&app, &id, "吴九").await;
    assert_eq!(app.get("/account").await.status(), StatusCode::OK);
    app.state.clock.advance(31 * 60 * 1000);
    let idle = app.get("/account").await;
    assert_eq!(idle.status(), StatusCode::FOUND, "idle for 31 minutes");
    assert!(idle.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));

    assert_eq!(
        login(&app, &id, PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    for _ in 0..28 {
        app.state.clock.advance(25 * 60 * 1000);
        assert_eq!(
            app.get("/account").await.status(),
            StatusCode::OK,
            "active use"
        );
    }
    app.state.clock.advance(25 * 60 * 1000);
    assert_eq!(
        app.get("/account").await.status(),
        StatusCode::FOUND,
        "past 12 hours even when active"
    );
}

async fn logging_in_over_an_expired_session_keeps_the_new_one(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(12);
    signed_up(&app, &id, "冯七").await;
    app.state.clock.advance(31 * 60 * 1000);
    // The browser still sends the expired cookie with the login: the response must set the
    // new session, not clear it.
    let again = login(&app, &id, PASSWORD).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/account").await.status(), StatusCode::OK);
}

async fn login_issues_a_new_session_id(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(9);
    signed_up(&app, &id, "郑十").await;
    let first = login(&app, &id, PASSWORD).await;
    let first_cookie = first.headers()["set-cookie"].to_str().unwrap().to_string();
    let second = login(&app, &id, PASSWORD).await;
    let second_cookie = second.headers()["set-cookie"].to_str().unwrap().to_string();
    assert_ne!(first_cookie, second_cookie);
    let old = client_for(&app.base)
        .get(app.url("/account"))
        .header("cookie", first_cookie.split(';').next().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        old.status(),
        StatusCode::FOUND,
        "the previous session was ended"
    );
}

async fn changing_the_password_ends_other_sessions(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(10);
    signed_up(&app, &id, "钱一").await;
    let phone = client_for(&app.base);
    let phone_login = phone
        .post(app.url("/login"))
        .form(&[
            ("id_type", "resident"),
            ("id_number", id.as_str()),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(phone_login.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        phone
            .get(app.url("/account"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    let wrong = app
        .post_form(
            "/account",
            &[
                ("current", "not-it-1"),
                ("password", "New-passw0rd"),
                ("password2", "New-passw0rd"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(inner_text(&wrong.text().await.unwrap()).contains("当前密码不正确"));

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
    assert!(inner_text(&changed.text().await.unwrap()).contains("密码已修改"));
    assert_eq!(
        app.get("/account").await.status(),
        StatusCode::OK,
        "this session continues"
    );
    assert_eq!(
        phone
            .get(app.url("/account"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FOUND,
        "the other device is logged out"
    );
    app.post_form("/logout", &[]).await;
    assert_eq!(
        login(&app, &id, PASSWORD).await.status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        login(&app, &id, "New-passw0rd").await.status(),
        StatusCode::SEE_OTHER
    );
}

async fn server_functions_work_as_api_clients_call_them(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(11);
    let body = serde_urlencoded::to_string([
        ("form[id_type]", "resident"),
        ("form[id_number]", id.as_str()),
        ("form[name]", "阿依古丽·买买提"),
        ("form[mobile]", "+85291234567"),
        ("form[password]", PASSWORD),
        ("form[password2]", PASSWORD),
    ])
    .unwrap();
    let call = |client: &reqwest::Client, path: &str, body: String| {
        client
            .post(app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body)
            .send()
    };
    let response = call(&app.client, "/api/accounts/register", body.clone())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers().get("set-cookie").is_none(),
        "no account yet"
    );
    let done: serde_json::Value = response.json().await.unwrap();
    let to = done["redirect"].as_str().unwrap().to_string();
    assert!(to.starts_with("/register/confirm?ticket="), "{to}");
    let ticket = to.split_once("ticket=").unwrap().1.to_string();
    let code = code_sent_to(&app, "+85291234567").await;
    let confirm = |ticket: &str, code: &str| {
        serde_urlencoded::to_string([
            ("form[ticket]", ticket),
            ("form[code]", code),
            ("form[intent]", "confirm"),
        ])
        .unwrap()
    };
    let response = call(
        &app.client,
        "/api/accounts/register/confirm",
        confirm(&ticket, &code),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("HttpOnly"));
    let done: serde_json::Value = response.json().await.unwrap();
    assert_eq!(done["redirect"], "/terms");
    assert!(
        !done.to_string().contains("sid"),
        "the token is not in the body"
    );

    // Before the terms, data server functions refuse.
    let overview = app
        .client
        .post(app.url("/api/accounts/overview"))
        .send()
        .await
        .unwrap();
    assert_eq!(overview.status(), StatusCode::FORBIDDEN);
    let error: serde_json::Value = overview.json().await.unwrap();
    assert_eq!(error, serde_json::json!("TermsRequired"));

    // The same number again within a minute: refused, with when to ask again.
    let again = call(&client_for(&app.base), "/api/accounts/register", body)
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::TOO_MANY_REQUESTS);
    let error: serde_json::Value = again.json().await.unwrap();
    assert_eq!(error["RateLimited"]["msg"], "CodeTooSoon");
    // A wrong code through the server function: a field error as JSON, 422, with the tries
    // left; the used ticket is spent.
    let spent = call(
        &app.client,
        "/api/accounts/register/confirm",
        confirm(&ticket, &code),
    )
    .await
    .unwrap();
    assert_eq!(spent.status(), StatusCode::CONFLICT);
    let error: serde_json::Value = spent.json().await.unwrap();
    assert_eq!(error["Refused"]["msg"], "CodeExpired");

    // From another site, refused before it runs.
    let foreign = reqwest::Client::new()
        .post(app.url("/api/accounts/login"))
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("form[id_type]=resident")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    assert!(foreign.text().await.unwrap().contains("请求来源无效"));
    // The refusal is in the reader's language.
    let foreign_en = reqwest::Client::new()
        .post(app.url("/api/accounts/login"))
        .header("origin", "https://evil.example")
        .header("cookie", "lang=en")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("form[id_type]=resident")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign_en.status(), StatusCode::FORBIDDEN);
    assert!(foreign_en
        .text()
        .await
        .unwrap()
        .contains("did not come from this site"));
}

async fn the_picker_finds_rare_characters_and_draws_them(db: Db) {
    let app = spawn_app(db).await;
    let json = |path: &str| {
        app.client
            .get(app.url(path))
            .header("accept", "application/json")
            .send()
    };
    let response = json("/api/rare-chars?q=zhe2").await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let list: serde_json::Value = response.json().await.unwrap();
    let zhe = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["ch"] == "𪚥")
        .expect("𪚥 is found by zhe2");
    assert_eq!(zhe["hex"], "2A6A5");
    assert_eq!(zhe["block_zh"], "扩展B");

    let bad = json("/api/rare-chars?q=zz9").await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Filtered by its radical 龍 (typed in any of its forms), 𪚥 is the only zhe2; with
    // strokes; the radical alone, without pinyin; only the extension blocks.
    let chars = |list: serde_json::Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|c| c["ch"].as_str().unwrap().to_string())
            .collect()
    };
    for path in [
        "/api/rare-chars?q=zhe2&radical=%E9%BE%8D",
        "/api/rare-chars?q=zhe2&radical=%E9%BE%99",
        "/api/rare-chars?q=zhe&radical=%E9%BE%8D&strokes=60-64",
        "/api/rare-chars?radical=%E9%BE%8D&strokes=64",
        "/api/rare-chars?q=zhe2&strokes=64&rare=true",
    ] {
        let response = json(path).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let list: serde_json::Value = response.json().await.unwrap();
        assert_eq!(chars(list.clone()), ["𪚥"], "{path}");
        assert_eq!(list[0]["strokes"], 64);
    }
    let rare: serde_json::Value = json("/api/rare-chars?q=zhe2&rare=true")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(rare.as_array().unwrap().iter().all(|c| c["rare"] == true));
    let rare = chars(rare);
    assert!(
        rare.len() < 100 && rare.iter().any(|c| c == "𪚥"),
        "{rare:?}"
    );

    // Bad filters: 422 with a message per field, in the reader's language; never a 500.
    for (path, expected) in [
        (
            "/api/rare-chars?q=zhe2&strokes=0",
            vec!["笔画数请填写 1 到 64"],
        ),
        (
            "/api/rare-chars?q=zhe2&strokes=65",
            vec!["笔画数请填写 1 到 64"],
        ),
        (
            "/api/rare-chars?q=zhe2&strokes=abc",
            vec!["笔画数请填写 1 到 64"],
        ),
        (
            "/api/rare-chars?q=zhe2&radical=%E6%8A%98",
            vec!["“折”不是部首"],
        ),
        (
            "/api/rare-chars?q=zhe2&radical=ab",
            vec!["部首请只填写一个字"],
        ),
        (
            "/api/rare-chars?q=&strokes=5",
            vec!["请输入拼音，或填写部首"],
        ),
        (
            "/api/rare-chars?q=zz9&strokes=99&radical=x",
            vec!["这不是有效的拼音", "笔画数请填写", "“x”不是部首"],
        ),
    ] {
        let response = json(path).await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}"
        );
        let body = response.text().await.unwrap();
        let error: serde_json::Value = serde_json::from_str(&body).unwrap();
        let texts: Vec<String> = error["Invalid"]
            .as_array()
            .unwrap_or_else(|| panic!("{path}: {body}"))
            .iter()
            .map(|e| {
                serde_json::from_value::<app::error::FieldError>(e.clone())
                    .unwrap()
                    .text
                    .render(app::i18n::Lang::Zh)
            })
            .collect();
        assert_eq!(texts.len(), expected.len(), "{path}: {texts:?}");
        for (text, want) in texts.iter().zip(&expected) {
            assert!(text.contains(want), "{path}: {text}");
        }
    }
    for path in [
        "/api/rare-chars?q=zhe2&strokes=99999999999999999999",
        "/api/rare-chars?q=zhe2&radical=%F4%8F%BF%BF",
        "/api/rare-chars?q=zhe2&rare=maybe",
    ] {
        let status = json(path).await.unwrap().status();
        assert!(status.is_client_error(), "{path}: {status}");
    }

    let (status, html) = app.get_text("/rare-chars?q=zhe2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"value="𪚥""#),
        "no-JS page offers the character to copy"
    );
    assert!(inner_text(&html).contains("U+2A6A5"));

    // Without JavaScript: the filters are a plain GET form, echoed back; bad input is a 422
    // page that keeps what was typed.
    let (status, html) = app
        .get_text("/rare-chars?q=zhe2&radical=%E9%BE%8D&strokes=&rare=1")
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = inner_text(&html);
    assert!(text.contains("找到 1 个字"), "{text}");
    assert!(text.contains("64画"));
    assert!(html.contains(r#"value="龍""#) && html.contains("checked"));
    let (status, html) = app.get_text("/rare-chars?q=zhe2&strokes=70").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(inner_text(&html).contains("笔画数请填写 1 到 64"));
    assert!(html.contains(r#"value="70""#));

    let glyph = app.get("/glyph/2A6A5.svg").await;
    assert_eq!(glyph.status(), StatusCode::OK);
    assert_eq!(glyph.headers()["content-type"], "image/svg+xml");
    assert!(glyph.text().await.unwrap().contains("<path"));
    for bad in [
        "/glyph/ZZ.svg",
        "/glyph/110000.svg",
        "/glyph/2A6A5.png",
        "/glyph/D800.svg",
    ] {
        assert_eq!(app.get(bad).await.status(), StatusCode::NOT_FOUND, "{bad}");
    }
}

on_both_backends!(
    register_accept_terms_logout_login,
    logout_ends_the_session_on_the_server,
    registration_errors_are_per_field_keep_input_and_change_nothing,
    a_registered_id_gets_no_account_and_no_details,
    unexpected_or_oversized_input_is_refused_cleanly,
    wrong_credentials_get_one_message_then_a_lock_that_lifts_itself,
    one_client_guessing_many_accounts_is_locked_out,
    sessions_expire_when_idle_and_at_their_lifetime,
    logging_in_over_an_expired_session_keeps_the_new_one,
    login_issues_a_new_session_id,
    changing_the_password_ends_other_sessions,
    server_functions_work_as_api_clients_call_them,
    the_picker_finds_rare_characters_and_draws_them,
);
