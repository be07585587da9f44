//! One-time codes, password reset and the login throttles, as an attacker would try them:
//! guesses, bursts, another holder's tickets; and the SMS provider adapter against a local
//! endpoint that checks each request as the provider documents it.

use crate::accounts::{
    code_sent_to, confirm_step, location, login, mobile_for, register_step, resident_id, signed_up,
    ticket_of, PASSWORD,
};
use crate::helpers::{client_for, inner_text, spawn_app, spawn_app_with, Db, Options, TestApp};
use crate::on_both_backends;
use reqwest::StatusCode;
use std::sync::Arc;

/// An app with room for a burst's 300 connections from one address: the bursts here are
/// about the counters, not the connection cap (tested in `limits.rs`).
async fn app_for_bursts(db: Db) -> TestApp {
    spawn_app_with(
        db,
        Options {
            connections: server::connections::ConnectionLimits {
                max_per_address: 1000,
                ..Default::default()
            },
            ..Options::default()
        },
    )
    .await
}

async fn a_guess_creates_nothing_and_codes_have_five_tries(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(21);
    let first = register_step(&app.client, &app, &id, "郑一").await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.state.storage.count_holders().await.unwrap(),
        0,
        "nothing yet"
    );
    let ticket = ticket_of(&first);
    let code = code_sent_to(&app, &mobile_for(&id)).await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    for left in (1..=4).rev() {
        let response = confirm_step(&app.client, &app, &ticket, wrong).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(
            html.contains(&format!(r#"name="ticket" value="{ticket}""#)),
            "the page shown again (without JavaScript) keeps the ticket"
        );
        let text = inner_text(&html);
        let expected = format!("验证码错误，还可尝试 {left} 次");
        assert!(
            text.contains(&expected),
            "{}",
            text.lines()
                .filter(|l| l.contains("验证码"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    let fifth = confirm_step(&app.client, &app, &ticket, wrong).await;
    assert_eq!(fifth.status(), StatusCode::CONFLICT);
    // Out of tries: even the right code no longer works.
    let right = confirm_step(&app.client, &app, &ticket, &code).await;
    assert_eq!(right.status(), StatusCode::CONFLICT);
    assert!(inner_text(&right.text().await.unwrap()).contains("验证码已失效"));
    assert_eq!(app.state.storage.count_holders().await.unwrap(), 0);
    // Not a code at all: said so, and no try is spent on it.
    let typo = confirm_step(&app.client, &app, &ticket, "12a4").await;
    assert_eq!(typo.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn codes_expire_resend_waits_a_minute_and_replaces_the_old_code(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(22);
    let mobile = mobile_for(&id);
    let first = register_step(&app.client, &app, &id, "王二").await;
    let ticket = ticket_of(&first);
    let old = code_sent_to(&app, &mobile).await;
    let resend = |ticket: String| {
        app.client
            .post(app.url("/register/confirm"))
            .form(&[("ticket", ticket.as_str()), ("intent", "resend")])
            .send()
    };
    let soon = resend(ticket.clone()).await.unwrap();
    assert_eq!(soon.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(inner_text(&soon.text().await.unwrap()).contains("验证码发送过于频繁"));
    app.state.clock.advance(61_000);
    let again = resend(ticket.clone()).await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert!(inner_text(&again.text().await.unwrap()).contains("新的验证码已发送"));
    let new = code_sent_to(&app, &mobile).await;
    assert_eq!(
        app.state
            .storage
            .outbox(Some(&mobile), 10)
            .await
            .unwrap()
            .len(),
        2
    );
    if new != old {
        let stale = confirm_step(&app.client, &app, &ticket, &old).await;
        assert_eq!(
            stale.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "the old code is void"
        );
    }
    // Five minutes later the new code has expired too.
    app.state.clock.advance(5 * 60 * 1000 + 1);
    let late = confirm_step(&app.client, &app, &ticket, &new).await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    assert!(inner_text(&late.text().await.unwrap()).contains("验证码已失效"));
    assert_eq!(app.state.storage.count_holders().await.unwrap(), 0);
}

async fn a_burst_of_code_requests_sends_one_message(db: Db) {
    let app = app_for_bursts(db).await;
    let requests = (0..300u32).map(|seq| {
        let client = client_for(&app.base);
        let app = &app;
        async move {
            client
                .post(app.url("/register"))
                .form(&[
                    ("id_type", "resident"),
                    ("id_number", resident_id(300 + seq).as_str()),
                    ("name", "冯三"),
                    ("mobile", "13700000001"),
                    ("password", PASSWORD),
                    ("password2", PASSWORD),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures::future::join_all(requests).await;
    let sent = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS || **s == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    assert_eq!(sent, 1, "one code per minute per number: {statuses:?}");
    assert_eq!(
        sent + refused,
        300,
        "every other request refused, none failed"
    );
    let outbox = app
        .state
        .storage
        .outbox(Some("13700000001"), 10)
        .await
        .unwrap();
    assert_eq!(outbox.len(), 1);
}

async fn a_code_is_used_once_even_by_concurrent_requests(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(23);
    let first = register_step(&app.client, &app, &id, "陈四").await;
    let ticket = ticket_of(&first);
    let code = code_sent_to(&app, &mobile_for(&id)).await;
    let attempts = (0..20).map(|_| {
        let client = client_for(&app.base);
        let (app, ticket, code) = (&app, ticket.clone(), code.clone());
        async move { confirm_step(&client, app, &ticket, &code).await.status() }
    });
    let statuses = futures::future::join_all(attempts).await;
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(created, 1, "{statuses:?}");
    assert_eq!(app.state.storage.count_holders().await.unwrap(), 1);
}

async fn concurrent_guesses_get_five_tries_in_all(db: Db) {
    let app = app_for_bursts(db).await;
    let id = resident_id(24);
    let first = register_step(&app.client, &app, &id, "褚五").await;
    let ticket = ticket_of(&first);
    let code = code_sent_to(&app, &mobile_for(&id)).await;
    let guesses = (0..300u32).map(|n| {
        let client = client_for(&app.base);
        let guess = format!("{:06}", (code.parse::<u32>().unwrap() + 1 + n) % 1_000_000);
        let (app, ticket) = (&app, ticket.clone());
        async move { confirm_step(&client, app, &ticket, &guess).await.status() }
    });
    let statuses = futures::future::join_all(guesses).await;
    let evaluated = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert!(
        evaluated <= 4,
        "at most five tries, the fifth ends the ticket: {evaluated}"
    );
    let right = confirm_step(&app.client, &app, &ticket, &code).await;
    assert_eq!(right.status(), StatusCode::CONFLICT, "the ticket is spent");
    assert_eq!(app.state.storage.count_holders().await.unwrap(), 0);
}

/// 忘记密码 with the account's ID number and mobile number.
async fn request_reset(
    client: &reqwest::Client,
    app: &TestApp,
    id: &str,
    mobile: &str,
) -> reqwest::Response {
    client
        .post(app.url("/password/forgot"))
        .form(&[
            ("id_type", "resident"),
            ("id_number", id),
            ("mobile", mobile),
        ])
        .send()
        .await
        .unwrap()
}

async fn reset_with(
    client: &reqwest::Client,
    app: &TestApp,
    ticket: &str,
    code: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/password/reset"))
        .form(&[
            ("ticket", ticket),
            ("code", code),
            ("password", password),
            ("password2", password),
            ("intent", "confirm"),
        ])
        .send()
        .await
        .unwrap()
}

async fn forgot_password_resets_with_a_code_and_ends_every_session(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(25);
    let mobile = mobile_for(&id);
    signed_up(&app, &id, "卫六").await;
    assert_eq!(app.get("/account").await.status(), StatusCode::OK);
    let stranger = client_for(&app.base);
    let outbox_before = app.state.storage.outbox(None, 100).await.unwrap().len();

    // A mobile number that is not the account's: the same answer, and nothing is sent.
    let wrong = request_reset(&stranger, &app, &id, "13611112222").await;
    assert_eq!(wrong.status(), StatusCode::SEE_OTHER);
    assert!(location(&wrong).starts_with("/password/reset?ticket="));
    assert_eq!(
        app.state.storage.outbox(None, 100).await.unwrap().len(),
        outbox_before
    );
    let page = stranger
        .get(app.url(&location(&wrong)))
        .send()
        .await
        .unwrap();
    assert!(inner_text(&page.text().await.unwrap()).contains("如果证件号码和手机号与账户一致"));
    // No code ever works for it.
    let guess = reset_with(&stranger, &app, &ticket_of(&wrong), "123456", "Taken-over1").await;
    assert_ne!(guess.status(), StatusCode::SEE_OTHER);

    // The owner, with the registered number.
    app.state.clock.advance(61_000);
    let owner = client_for(&app.base);
    let asked = request_reset(&owner, &app, &id, &mobile).await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    let ticket = ticket_of(&asked);
    let code = code_sent_to(&app, &mobile).await;
    // The policy still holds: not the ID number, letters and digits.
    let weak = reset_with(&owner, &app, &ticket, &code, &format!("a{id}")).await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let done = reset_with(&owner, &app, &ticket, &code, "Brand-new1").await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/login?reset=done");
    let page = owner
        .get(app.url("/login?reset=done"))
        .send()
        .await
        .unwrap();
    assert!(inner_text(&page.text().await.unwrap()).contains("密码已重设"));

    assert_eq!(
        app.get("/account").await.status(),
        StatusCode::FOUND,
        "sessions ended"
    );
    assert_eq!(
        login(&app, &id, PASSWORD).await.status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        login(&app, &id, "Brand-new1").await.status(),
        StatusCode::SEE_OTHER
    );
    // The ticket is spent.
    let again = reset_with(&owner, &app, &ticket, &code, "Other-new2").await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

async fn a_burst_of_logins_gets_five_evaluations_and_the_owner_still_gets_in(db: Db) {
    let app = app_for_bursts(db).await;
    let id = resident_id(26);
    let mobile = mobile_for(&id);
    signed_up(&app, &id, "蒋七").await;
    app.post_form("/logout", &[]).await;
    let before = app.state.hashing.runs();
    let burst = (0..300).map(|_| {
        let client = client_for(&app.base);
        let (app, id) = (&app, id.clone());
        async move {
            client
                .post(app.url("/login"))
                .form(&[
                    ("id_type", "resident"),
                    ("id_number", id.as_str()),
                    ("password", "Wrong-pass1"),
                    ("next", ""),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures::future::join_all(burst).await;
    let evaluated = app.state.hashing.runs() - before;
    assert!(
        evaluated <= 5,
        "{evaluated} passwords checked for a burst of 300"
    );
    assert!(statuses
        .iter()
        .all(|s| *s == StatusCode::CONFLICT || *s == StatusCode::TOO_MANY_REQUESTS));
    // The right password, last: refused, the lock holds.
    let locked = login(&app, &id, PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(inner_text(&locked.text().await.unwrap()).contains("忘记密码"));

    // The owner proves the mobile number (a minute after the registration's code) and is in
    // again at once.
    app.state.clock.advance(61_000);
    let owner = client_for(&app.base);
    let asked = request_reset(&owner, &app, &id, &mobile).await;
    let code = code_sent_to(&app, &mobile).await;
    let done = reset_with(&owner, &app, &ticket_of(&asked), &code, "Owner-again1").await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let back = owner
        .post(app.url("/login"))
        .form(&[
            ("id_type", "resident"),
            ("id_number", id.as_str()),
            ("password", "Owner-again1"),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        back.status(),
        StatusCode::SEE_OTHER,
        "the owner is not locked out"
    );
}

async fn wrong_current_passwords_are_throttled(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(27);
    signed_up(&app, &id, "沈八").await;
    const WRONG: [(&str, &str); 3] = [
        ("current", "Wrong-pass1"),
        ("password", "Next-pass1"),
        ("password2", "Next-pass1"),
    ];
    let change = || app.post_form("/account", &WRONG);
    let before = app.state.hashing.runs();
    for _ in 0..4 {
        assert_eq!(change().await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(change().await.status(), StatusCode::TOO_MANY_REQUESTS);
    for _ in 0..3 {
        assert_eq!(change().await.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!(
        app.state.hashing.runs() - before,
        5,
        "eight tries, five evaluated"
    );
}

async fn throttles_and_codes_keep_no_clear_numbers(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(28);
    signed_up(&app, &id, "韩九").await;
    app.post_form("/logout", &[]).await;
    login(&app, &id, "Wrong-pass1").await;
    // Every throttle key and every send-limit key is made of 64-hex digests.
    let keys = crate::helpers::scalar_strings(
        &app,
        "SELECT throttle_key FROM login_throttle UNION ALL SELECT limit_key FROM code_send_limits",
    )
    .await;
    assert!(keys.len() >= 3, "{keys:?}");
    for key in keys {
        assert!(
            key.split('/')
                .all(|part| part.len() == 64 && part.bytes().all(|b| b.is_ascii_hexdigit())),
            "{key}"
        );
        assert!(!key.contains(&id[..10]));
    }
}

/// The requests a fake provider received, as their parameters.
type Received = crate::helpers::AliyunReceived;

/// A stand-in for Alibaba Cloud SMS: checks each SendSms request as the provider's
/// documentation describes it and answers as the provider does.
struct FakeAliyun {
    base: String,
    received: Received,
}

const TEST_SECRET: &str = "testSecret";

async fn fake_aliyun() -> FakeAliyun {
    use axum::extract::{RawQuery, State};
    use axum::http::StatusCode as S;
    use axum::response::IntoResponse;
    let received: Received = Arc::default();
    async fn send_sms(
        State(received): State<Received>,
        RawQuery(query): RawQuery,
    ) -> axum::response::Response {
        let params = match crate::helpers::aliyun_signed_params(
            query,
            &[
                ("Action", Some("SendSms")),
                ("Version", Some("2017-05-25")),
                ("SignatureMethod", Some("HMAC-SHA1")),
                ("SignatureVersion", Some("1.0")),
                ("Format", Some("JSON")),
                ("RegionId", Some("cn-hangzhou")),
                ("AccessKeyId", Some("testId")),
                ("SignName", Some("电子证书服务")),
                ("SignatureNonce", None),
                ("Timestamp", None),
                ("PhoneNumbers", None),
                ("TemplateCode", None),
                ("TemplateParam", None),
            ],
            TEST_SECRET,
        ) {
            Ok(params) => params,
            Err(answer) => return *answer,
        };
        assert_eq!(params["Timestamp"].len(), 20, "ISO 8601 UTC to the second");
        let phone = params["PhoneNumbers"].to_string();
        received.lock().unwrap().push(params);
        if phone == "13700000009" {
            return (S::OK, r#"{"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"触发小时级流控Permits:5","RequestId":"r2"}"#).into_response();
        }
        (
            S::OK,
            r#"{"Code":"OK","Message":"OK","BizId":"900619746936498440^0","RequestId":"r3"}"#,
        )
            .into_response()
    }
    let router = axum::Router::new()
        .route("/", axum::routing::get(send_sms))
        .with_state(received.clone());
    let base = crate::helpers::serve_stand_in(router).await;
    FakeAliyun { base, received }
}

fn aliyun_config(endpoint: &str, secret: &str) -> server::sms::aliyun::AliyunConfig {
    server::sms::aliyun::AliyunConfig {
        endpoint: endpoint.to_string(),
        access_key_id: "testId".into(),
        access_key_secret: secret.into(),
        sign_name: "电子证书服务".into(),
        template_register: "SMS_100000001".into(),
        template_reset: "SMS_100000002".into(),
    }
}

async fn registration_codes_go_out_through_the_sms_provider(db: Db) {
    let fake = fake_aliyun().await;
    let gateway =
        server::sms::aliyun::AliyunSms::new(aliyun_config(&fake.base, TEST_SECRET)).unwrap();
    let app = spawn_app_with(
        db,
        Options {
            messages: Some(Arc::new(gateway)),
            ..Options::default()
        },
    )
    .await;
    let id = resident_id(29);
    let first = register_step(&app.client, &app, &id, "杨十").await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let sent = fake
        .received
        .lock()
        .unwrap()
        .last()
        .cloned()
        .expect("a SendSms request");
    assert_eq!(sent["PhoneNumbers"], mobile_for(&id));
    assert_eq!(sent["TemplateCode"], "SMS_100000001");
    let param: serde_json::Value = serde_json::from_str(&sent["TemplateParam"]).unwrap();
    let code = param["code"].as_str().unwrap().to_string();
    assert!(
        app.state.storage.outbox(None, 10).await.unwrap().is_empty(),
        "not the outbox"
    );
    let done = confirm_step(&app.client, &app, &ticket_of(&first), &code).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/terms");

    // The provider's refusal (a flow-control error) reaches the holder as "try later".
    let refused = app
        .client
        .post(app.url("/register"))
        .form(&[
            ("id_type", "resident"),
            ("id_number", resident_id(30).as_str()),
            ("name", "朱一"),
            ("mobile", "13700000009"),
            ("password", PASSWORD),
            ("password2", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(inner_text(&refused.text().await.unwrap()).contains("短信暂时无法发送"));
}

async fn a_wrong_provider_secret_is_a_refused_signature(db: Db) {
    let fake = fake_aliyun().await;
    let gateway =
        server::sms::aliyun::AliyunSms::new(aliyun_config(&fake.base, "not-the-secret")).unwrap();
    let app = spawn_app_with(
        db,
        Options {
            messages: Some(Arc::new(gateway)),
            ..Options::default()
        },
    )
    .await;
    let refused = register_step(&app.client, &app, &resident_id(31), "秦二").await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(
        fake.received.lock().unwrap().is_empty(),
        "the endpoint refused the signature"
    );
    let text = inner_text(&refused.text().await.unwrap());
    assert!(text.contains("短信暂时无法发送") && !text.contains("Signature"));
}

async fn request_change(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client.post(app.url(path)).form(form).send().await.unwrap()
}

async fn confirm_change(
    app: &TestApp,
    client: &reqwest::Client,
    ticket: &str,
    code: &str,
) -> reqwest::Response {
    client
        .post(app.url(&app::urls::account_confirm(ticket)))
        .form(&[("ticket", ticket), ("code", code), ("intent", "confirm")])
        .send()
        .await
        .unwrap()
}

async fn a_holder_changes_the_mobile_number_with_a_code_to_the_new_one(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(32);
    signed_up(&app, &id, "尤三").await;
    let new_mobile = "13566667777";
    let wrong = request_change(
        &app,
        &app.client,
        "/account/mobile",
        &[("current", "Wrong-pass1"), ("mobile", new_mobile)],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(inner_text(&wrong.text().await.unwrap()).contains("当前密码不正确"));
    let same = request_change(
        &app,
        &app.client,
        "/account/mobile",
        &[("current", PASSWORD), ("mobile", &mobile_for(&id))],
    )
    .await;
    assert_eq!(same.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app
        .state
        .storage
        .outbox(Some(new_mobile), 1)
        .await
        .unwrap()
        .is_empty());

    let asked = request_change(
        &app,
        &app.client,
        "/account/mobile",
        &[("current", PASSWORD), ("mobile", new_mobile)],
    )
    .await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    let ticket = ticket_of(&asked);
    assert!(location(&asked).starts_with("/account/confirm?ticket="));
    let code = code_sent_to(&app, new_mobile).await;

    // Another holder cannot use the ticket, not even with the code.
    let other = crate::accounts::another_holder(&app, &resident_id(33), "何四").await;
    let stolen = confirm_change(&app, &other, &ticket, &code).await;
    assert_eq!(stolen.status(), StatusCode::CONFLICT);

    let done = confirm_change(&app, &app.client, &ticket, &code).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/account?changed=mobile");
    let (_, html) = app.get_text("/account?changed=mobile").await;
    let text = inner_text(&html);
    assert!(
        text.contains("手机号已更换") && text.contains("135****7777"),
        "{text}"
    );
    let audit = app
        .state
        .storage
        .audit_entries(&format!("holder:{}", holder_id(&app, &id).await))
        .await
        .unwrap();
    assert!(audit.iter().any(|e| e.action == "holder.mobile_changed"
        && e.detail.contains("135****7777")
        && !e.detail.contains(new_mobile)));
    // 忘记密码 now goes by the new number.
    app.state.clock.advance(61_000);
    let reset = request_reset(&client_for(&app.base), &app, &id, new_mobile).await;
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.state
            .storage
            .outbox(Some(new_mobile), 10)
            .await
            .unwrap()
            .len(),
        2,
        "a reset code went to the new number"
    );
}

async fn holder_id(app: &TestApp, id: &str) -> i64 {
    app.state
        .storage
        .holder_by_login(&app::domain::IdNumber::from_trusted(
            app::domain::IdType::ResidentIdCard,
            id.to_string(),
        ))
        .await
        .unwrap()
        .unwrap()
        .id
        .0
}

async fn a_corrected_name_makes_the_corrected_certificate_match(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(34);
    signed_up(&app, &id, "吕五").await;
    // The issuer corrected the holder's name to one with a rare character (Extension B).
    let record = crate::fixtures::example_record()
        .health_professional()
        .number("NAMEFIX0001")
        .holder(&id, "吕𪚥")
        .build();
    app.state
        .storage
        .upsert_certificate(&record, 1)
        .await
        .unwrap();
    let (_, before) = app.get_text("/certificates").await;
    assert!(!before.contains("NAMEFIX0001"), "not the registered name");

    // (A minute after the registration's code to the same number.)
    app.state.clock.advance(61_000);
    let asked = request_change(
        &app,
        &app.client,
        "/account/name",
        &[("current", PASSWORD), ("name", "吕𪚥")],
    )
    .await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    // The code goes to the registered number.
    let code = code_sent_to(&app, &mobile_for(&id)).await;
    let done = confirm_change(&app, &app.client, &ticket_of(&asked), &code).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/account?changed=name");
    let (_, after) = app.get_text("/certificates").await;
    assert!(
        after.contains("NAMEFIX0001"),
        "the corrected certificate is the holder's now"
    );
    let audit = app
        .state
        .storage
        .audit_entries(&format!("holder:{}", holder_id(&app, &id).await))
        .await
        .unwrap();
    assert!(audit.iter().any(|e| e.action == "holder.name_corrected"
        && e.detail.contains("吕五")
        && e.detail.contains("吕𪚥")));
    // A name that is not a name is refused, and nothing is sent.
    let bad = request_change(
        &app,
        &app.client,
        "/account/name",
        &[("current", PASSWORD), ("name", "吕 𪚥 ")],
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

on_both_backends!(
    a_guess_creates_nothing_and_codes_have_five_tries,
    codes_expire_resend_waits_a_minute_and_replaces_the_old_code,
    a_burst_of_code_requests_sends_one_message,
    a_code_is_used_once_even_by_concurrent_requests,
    concurrent_guesses_get_five_tries_in_all,
    forgot_password_resets_with_a_code_and_ends_every_session,
    a_burst_of_logins_gets_five_evaluations_and_the_owner_still_gets_in,
    wrong_current_passwords_are_throttled,
    throttles_and_codes_keep_no_clear_numbers,
    registration_codes_go_out_through_the_sms_provider,
    a_wrong_provider_secret_is_a_refused_signature,
    a_holder_changes_the_mobile_number_with_a_code_to_the_new_one,
    a_corrected_name_makes_the_corrected_certificate_match,
);
