//! The holder's personal data (PIPL): the export of everything held about the account (查阅
//! 复制), the account's deletion (个人信息删除) with password and code, and the optional
//! real-name check (运营商三要素核验) against a local stand-in for the provider.

use crate::accounts::{
    another_holder, code_sent_to, location, login, mobile_for, register_step, resident_id,
    signed_up, ticket_of, PASSWORD,
};
use crate::helpers::{client_for, inner_text, spawn_app, spawn_app_with, Db, Options, TestApp};
use crate::on_both_backends;
use crate::verification::{api_get, produced_copy, NAME, NUMBER};
use reqwest::StatusCode;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The export as `client` downloads it: status, headers checked, the document.
pub(crate) async fn export_of(app: &TestApp, client: &reqwest::Client) -> Value {
    let response = client
        .get(app.url("/account/export.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains(".json"),
        "{disposition}"
    );
    assert!(headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("no-store"));
    let text = response.text().await.unwrap();
    for secret in ["$argon2", "password_hash", "token_hash", "code_hash"] {
        assert!(!text.contains(secret), "{secret} in the export");
    }
    serde_json::from_str(&text).unwrap()
}

/// Waits until the verification log of the certificate has `n` entries.
async fn logged(app: &TestApp, number: &str, n: usize) {
    let certificate = app
        .state
        .storage
        .certificate_by_number(number)
        .await
        .unwrap()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while app
        .state
        .storage
        .verifications_of_certificate(certificate.id, 100, 100)
        .await
        .unwrap()
        .len()
        < n
    {
        assert!(Instant::now() < deadline, "log not written");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn the_export_holds_everything_of_the_holder_and_nothing_of_anyone_else(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(81);
    let (_, code, _) = produced_copy(&app, 81).await;
    let (status, _) = api_get(
        &app,
        &format!("/api/v1/verify/{code}?purpose=%E5%85%A5%E8%81%8C"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    logged(&app, NUMBER, 1).await;

    // Someone who shares nothing with the first holder, with a certificate of their own.
    let other_id = resident_id(82);
    let other = another_holder(&app, &other_id, "韩二").await;
    app.state
        .storage
        .upsert_certificate(
            &crate::fixtures::example_record()
                .number("2024000000000082")
                .holder(&other_id, "韩二")
                .build(),
            1,
        )
        .await
        .unwrap();

    let mine = export_of(&app, &app.client).await;
    assert_eq!(mine["format"], "certportal.personal-data/1");
    assert_eq!(mine["account"]["name"], NAME);
    assert_eq!(mine["account"]["id_type"], "resident");
    assert_eq!(mine["account"]["id_number"], id.as_str());
    assert_eq!(mine["account"]["mobile"], mobile_for(&id).as_str());
    assert!(mine["account"]["terms_accepted_at"].is_string());
    let certificates = mine["certificates"].as_array().unwrap();
    assert_eq!(certificates.len(), 1);
    assert_eq!(certificates[0]["number"], NUMBER);
    assert_eq!(certificates[0]["status"], "valid");
    let annotations = mine["annotations"].as_array().unwrap();
    assert_eq!(annotations.len(), 1);
    assert_eq!(annotations[0]["code"], code.as_str());
    assert_eq!(annotations[0]["scenario"], "self_use");
    assert_eq!(annotations[0]["validity_days"], 30);
    assert_eq!(annotations[0]["state"], "ready");
    let log = mine["verification_log"].as_array().unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["method"], "api_code");
    assert_eq!(log[0]["purpose"], "入职");
    assert_eq!(log[0]["verdict"], "valid");
    let sessions = mine["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert!(sessions[0]["last_seen_at"].is_string());
    let text = mine.to_string();
    for theirs in [
        other_id.as_str(),
        "韩二",
        "2024000000000082",
        &mobile_for(&other_id),
    ] {
        assert!(
            !text.contains(theirs),
            "{theirs} in another holder's export"
        );
    }

    // Through the other holder's session: theirs only.
    let theirs = export_of(&app, &other).await;
    assert_eq!(theirs["account"]["id_number"], other_id.as_str());
    assert_eq!(theirs["certificates"][0]["number"], "2024000000000082");
    assert!(theirs["annotations"].as_array().unwrap().is_empty());
    assert!(theirs["verification_log"].as_array().unwrap().is_empty());
    let text = theirs.to_string();
    for mine in [id.as_str(), NAME, NUMBER, code.as_str(), &mobile_for(&id)] {
        assert!(!text.contains(mine), "{mine} in another holder's export");
    }

    // Without a session: log in first, then come back.
    let response = client_for(&app.base)
        .get(app.url("/account/export.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/login?next=%2Faccount%2Fexport.json"));

    // Modestly limited per account: ten an hour (one is spent above).
    for _ in 0..9 {
        export_of(&app, &app.client).await;
    }
    let refused = app
        .client
        .get(app.url("/account/export.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.text().await.unwrap().contains("下载次数过多"));
    // The other holder's allowance is their own.
    export_of(&app, &other).await;
}

/// The first step of the deletion: the current password.
async fn ask_to_delete(
    app: &TestApp,
    client: &reqwest::Client,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/account/delete"))
        .form(&[("current", password)])
        .send()
        .await
        .unwrap()
}

async fn confirm(
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

async fn audit_lines(app: &TestApp) -> Vec<String> {
    crate::helpers::scalar_strings(
        app,
        "SELECT actor || ' ' || action || ' ' || subject || ' ' || detail FROM audit_log ORDER BY id",
    )
    .await
}

async fn deleting_the_account_removes_it_and_keeps_the_issuers_records(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(83);
    let mobile = mobile_for(&id);
    let (certificate_id, code, pdf) = produced_copy(&app, 83).await;
    let holder = app
        .state
        .storage
        .holder_by_login(
            &app::domain::IdNumber::parse(app::domain::IdType::ResidentIdCard, &id, (2026, 1, 1))
                .unwrap(),
        )
        .await
        .unwrap()
        .unwrap();

    // An audited change of the account: the new number is named (masked) in its line.
    let new_mobile = "13912345683";
    let response = app
        .post_form(
            "/account/mobile",
            &[("current", PASSWORD), ("mobile", new_mobile)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let ticket = ticket_of(&response);
    let sent = code_sent_to(&app, new_mobile).await;
    let response = confirm(&app, &app.client, &ticket, &sent).await;
    assert_eq!(location(&response), "/account?changed=mobile");
    assert_eq!(
        app.state
            .storage
            .audit_entries(&format!("holder:{}", holder.id.0))
            .await
            .unwrap()
            .len(),
        1
    );

    // A second browser of the same holder.
    let elsewhere = client_for(&app.base);
    let response = elsewhere
        .post(app.url("/login"))
        .form(&[
            ("id_type", "resident"),
            ("id_number", id.as_str()),
            ("password", PASSWORD),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap()
    );

    // The page explains what goes and what stays.
    let (status, page) = app.get_text("/account/delete").await;
    assert_eq!(status, StatusCode::OK);
    let text = inner_text(&page);
    assert!(
        text.contains("将被删除的信息") && text.contains("将保留的信息"),
        "{text}"
    );

    // …in English too.
    app.client.get(app.url("/lang/en")).send().await.unwrap();
    let (_, page) = app.get_text("/account/delete").await;
    let text = inner_text(&page);
    assert!(
        text.contains("What is deleted") && text.contains("What is kept"),
        "{text}"
    );
    let (_, page) = app.get_text("/account").await;
    assert!(inner_text(&page).contains("Download my personal data"));
    app.client.get(app.url("/lang/zh")).send().await.unwrap();

    // A wrong password: refused, no code, nothing changes.
    let before = app
        .state
        .storage
        .outbox(Some(new_mobile), 100)
        .await
        .unwrap()
        .len();
    let refused = ask_to_delete(&app, &app.client, "Wrong-passw0rd").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(inner_text(&refused.text().await.unwrap()).contains("当前密码不正确"));
    assert_eq!(
        app.state
            .storage
            .outbox(Some(new_mobile), 100)
            .await
            .unwrap()
            .len(),
        before
    );
    assert_eq!(app.state.storage.count_holders().await.unwrap(), 1);

    // The right password: a code to the registered (new) number, then the confirm step (a
    // minute after the last code to that number).
    app.state.clock.advance(61_000);
    let response = ask_to_delete(&app, &app.client, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let ticket = ticket_of(&response);
    assert!(location(&response).starts_with("/account/confirm?ticket="));
    let sent = code_sent_to(&app, new_mobile).await;
    let message = &app.state.storage.outbox(Some(new_mobile), 1).await.unwrap()[0].body;
    assert!(message.contains("注销账号"), "{message}");

    // A wrong code changes nothing.
    let wrong = if sent == "000000" { "111111" } else { "000000" };
    let refused = confirm(&app, &app.client, &ticket, wrong).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.state.storage.count_holders().await.unwrap(), 1);

    // Another holder holding the ticket and the code gets nowhere.
    let other = another_holder(&app, &resident_id(84), "韩四").await;
    let refused = confirm(&app, &other, &ticket, &sent).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(app.state.storage.count_holders().await.unwrap(), 2);

    // The right code: the account is gone, this browser signed out, the home page says so.
    let done = confirm(&app, &app.client, &ticket, &sent).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/?deleted=1");
    let cleared = done.headers()["set-cookie"].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let (_, home) = app.get_text("/?deleted=1").await;
    assert!(inner_text(&home).contains("您的账号已注销"));
    assert_eq!(app.state.storage.count_holders().await.unwrap(), 1);

    // The other browser's session ended with it, and the password no longer logs in.
    let response = elsewhere.get(app.url("/account")).send().await.unwrap();
    let (status, page) = (response.status(), response.text().await.unwrap());
    assert!(
        status.is_redirection() || inner_text(&page).contains("请先登录"),
        "{status}"
    );
    let response = elsewhere
        .get(app.url("/account/export.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "signed out");
    let refused = login(&app, &id, PASSWORD).await;
    assert!(inner_text(&refused.text().await.unwrap()).contains("证件号码或密码错误"));

    // Nothing personal is left in the tables the account used.
    for (table, column, value) in [
        ("sessions", "holder_id", holder.id.0.to_string()),
        ("annotations", "holder_id", holder.id.0.to_string()),
        ("message_outbox", "mobile", new_mobile.to_string()),
    ] {
        let left = crate::helpers::scalar_strings(
            &app,
            &format!("SELECT CAST({column} AS TEXT) FROM {table} WHERE CAST({column} AS TEXT) = '{value}'"),
        )
        .await;
        assert!(left.is_empty(), "{table}: {left:?}");
    }
    let codes = crate::helpers::scalar_strings(&app, "SELECT payload FROM one_time_codes").await;
    assert!(
        codes
            .iter()
            .all(|p| !p.contains(&format!("\"holder\":{},", holder.id.0))),
        "{codes:?}"
    );

    // The audit keeps anonymous lines: the change and the deletion, naming no one.
    let lines = audit_lines(&app).await;
    let about = |needle: &str| lines.iter().filter(|l| l.contains(needle)).count();
    assert_eq!(about("holder.mobile_changed"), 1, "{lines:?}");
    assert_eq!(about("holder.deleted"), 1, "{lines:?}");
    for line in &lines {
        if line.contains("holder.mobile_changed") || line.contains("holder.deleted") {
            assert!(line.starts_with("deleted:"), "{line}");
            assert!(!line.contains(&format!("holder:{}", holder.id.0)), "{line}");
        }
        for personal in [id.as_str(), NAME, &mobile, new_mobile, "5683"] {
            assert!(!line.contains(personal), "{personal} in {line}");
        }
    }

    // The certificate stays (the issuer's record); the copy is withdrawn, and checking it
    // says so without showing anything of the person.
    assert!(app
        .state
        .storage
        .certificate_by_number(NUMBER)
        .await
        .unwrap()
        .is_some());
    let (status, answer) = api_get(&app, &format!("/api/v1/verify/{code}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["verdict"], "withdrawn", "{answer}");
    assert!(answer["certificate"].is_null() && answer["annotation"].is_null());
    let (_, page) = app.get_text(&format!("/verify/{code}")).await;
    let text = inner_text(&page);
    assert!(
        text.contains("加注件已撤回") && !text.contains(NAME),
        "{text}"
    );
    let (_, answer) = crate::verification::api_file(&app, pdf).await;
    assert_eq!(answer["verdict"], "withdrawn", "{answer}");

    // The same ID number can register again, and sees the certificate again.
    signed_up(&app, &id, NAME).await;
    let (status, page) = app.get_text("/certificates").await;
    assert_eq!(status, StatusCode::OK);
    assert!(inner_text(&page).contains(NUMBER));
    let (status, _) = app
        .get_text(&format!("/certificates/{certificate_id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    // The withdrawn copy still counts towards the certificate's 3 in 90 days.
    for _ in 0..2 {
        let applied = crate::annotations::apply(&app, &app.client, &certificate_id, "30").await;
        assert_eq!(applied.status(), StatusCode::SEE_OTHER);
    }
    let refused = crate::annotations::apply(&app, &app.client, &certificate_id, "30").await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
}

/// The requests the stand-in provider received, as their parameters.
type Received = crate::helpers::AliyunReceived;

const TEST_SECRET: &str = "testSecret";
const AUTH_CODE: &str = "QASDW-test";
/// The stand-in says this number's operator limits it (an error shape).
const LIMITED_MOBILE: &str = "13700000009";

/// A stand-in for Alibaba Cloud's number service: checks each ThreeElementsVerification
/// request as the documentation describes it (method, parameters, signature 1.0) and answers
/// as the service does. The three belong together when the mobile number is the one the
/// tests give that ID number ([`mobile_for`]) and the name is not "冒名".
async fn fake_dytns() -> (String, Received) {
    use axum::extract::{RawQuery, State};
    use axum::http::StatusCode as S;
    use axum::response::IntoResponse;
    let received: Received = Arc::default();
    async fn verify(
        State(received): State<Received>,
        RawQuery(query): RawQuery,
    ) -> axum::response::Response {
        let params = match crate::helpers::aliyun_signed_params(
            query,
            &[
                ("Action", Some("ThreeElementsVerification")),
                ("Version", Some("2020-02-17")),
                ("SignatureMethod", Some("HMAC-SHA1")),
                ("SignatureVersion", Some("1.0")),
                ("Format", Some("JSON")),
                ("AccessKeyId", Some("testId")),
                ("AuthCode", Some(AUTH_CODE)),
                ("Mask", Some("NORMAL")),
                ("SignatureNonce", None),
                ("Timestamp", None),
                ("InputNumber", None),
                ("CertCode", None),
                ("Name", None),
            ],
            TEST_SECRET,
        ) {
            Ok(params) => params,
            Err(answer) => return *answer,
        };
        assert_eq!(params.len(), 14, "no other parameters: {params:?}");
        let (number, id, name) = (
            params["InputNumber"].as_str(),
            params["CertCode"].as_str(),
            params["Name"].as_str(),
        );
        let consistent = number == mobile_for(id) && name != "冒名";
        let limited = number == LIMITED_MOBILE;
        received.lock().unwrap().push(params.clone());
        if limited {
            return (S::OK, r#"{"Code":"OperatorLimit","Message":"The number is limited by the operator.","RequestId":"r2"}"#).into_response();
        }
        let body = serde_json::json!({
            "Code": "OK",
            "Message": "OK",
            "RequestId": "r3",
            "Data": { "IsConsistent": if consistent { 1 } else { 0 } },
        });
        (S::OK, body.to_string()).into_response()
    }
    let router = axum::Router::new()
        .route("/", axum::routing::get(verify))
        .with_state(received.clone());
    (crate::helpers::serve_stand_in(router).await, received)
}

fn dytns(endpoint: &str, secret: &str) -> Arc<dyn app::infra::RealNameCheck> {
    Arc::new(
        server::real_name::aliyun::AliyunRealName::new(server::real_name::aliyun::DytnsConfig {
            endpoint: endpoint.to_string(),
            auth_code: AUTH_CODE.into(),
            access_key_id: "testId".into(),
            access_key_secret: secret.into(),
        })
        .unwrap(),
    )
}

async fn register_as(
    app: &TestApp,
    id: &str,
    name: &str,
    mobile: &str,
    lang: &str,
) -> reqwest::Response {
    client_for(&app.base)
        .post(app.url("/register"))
        .header("cookie", format!("lang={lang}"))
        .form(&[
            ("id_type", "resident"),
            ("id_number", id),
            ("name", name),
            ("mobile", mobile),
            ("password", PASSWORD),
            ("password2", PASSWORD),
        ])
        .send()
        .await
        .unwrap()
}

async fn the_real_name_check_lets_only_matching_people_get_a_code(db: Db) {
    let (endpoint, received) = fake_dytns().await;
    let app = spawn_app_with(
        db,
        Options {
            real_name: Some(dytns(&endpoint, TEST_SECRET)),
            ..Options::default()
        },
    )
    .await;

    // Name, ID number and mobile belong together: the code goes out.
    let id = resident_id(85);
    let response = register_step(&app.client, &app, &id, "韩五").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    code_sent_to(&app, &mobile_for(&id)).await;
    let asked = received.lock().unwrap().last().cloned().unwrap();
    assert_eq!(asked["Name"], "韩五");
    assert_eq!(asked["CertCode"], id.as_str());
    assert_eq!(asked["InputNumber"], mobile_for(&id).as_str());

    // They do not: a clear message in the reader's language, no code, no account.
    let id = resident_id(86);
    let other_mobile = "13900000086";
    let refused = register_as(&app, &id, "韩六", other_mobile, "zh").await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(inner_text(&refused.text().await.unwrap()).contains("不属于同一人"));
    let refused = register_as(&app, &id, "冒名", &mobile_for(&id), "en").await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(inner_text(&refused.text().await.unwrap()).contains("do not belong together"));
    assert!(app
        .state
        .storage
        .outbox(Some(other_mobile), 10)
        .await
        .unwrap()
        .is_empty());
    assert!(app
        .state
        .storage
        .outbox(Some(&mobile_for(&id)), 10)
        .await
        .unwrap()
        .is_empty());

    // The provider cannot answer: "try again later", no code (it fails closed).
    let refused = register_as(&app, &resident_id(87), "韩七", LIMITED_MOBILE, "zh").await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(inner_text(&refused.text().await.unwrap()).contains("实名核验暂时无法完成"));
    assert!(app
        .state
        .storage
        .outbox(Some(LIMITED_MOBILE), 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(app.state.storage.count_holders().await.unwrap(), 0);

    // 更换手机号 is checked too: a number that is not the holder's own gets no code.
    let id = resident_id(88);
    signed_up(&app, &id, "韩八").await;
    let refused = app
        .post_form(
            "/account/mobile",
            &[("current", PASSWORD), ("mobile", "13900000088")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(inner_text(&refused.text().await.unwrap()).contains("不属于同一人"));
    assert!(app
        .state
        .storage
        .outbox(Some("13900000088"), 10)
        .await
        .unwrap()
        .is_empty());
}

async fn real_name_checks_are_capped_per_id_number_a_day(db: Db) {
    let (endpoint, received) = fake_dytns().await;
    let app = spawn_app_with(
        db,
        Options {
            real_name: Some(dytns(&endpoint, TEST_SECRET)),
            ..Options::default()
        },
    )
    .await;
    // Someone trying mobile numbers against one ID number: each try is charged and tells
    // something, so after ten the form stops asking the provider.
    let id = resident_id(90);
    for n in 0..10 {
        let refused = register_as(&app, &id, "韩十", &format!("1390000{n:04}"), "zh").await;
        assert_eq!(refused.status(), StatusCode::CONFLICT);
    }
    let capped = register_as(&app, &id, "韩十", &mobile_for(&id), "zh").await;
    assert_eq!(capped.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(inner_text(&capped.text().await.unwrap()).contains("明天再试"));
    let asked = received.lock().unwrap();
    assert_eq!(asked.iter().filter(|p| p["CertCode"] == id).count(), 10);
}

async fn a_real_name_check_with_a_refused_signature_sends_no_code(db: Db) {
    let (endpoint, received) = fake_dytns().await;
    let app = spawn_app_with(
        db,
        Options {
            real_name: Some(dytns(&endpoint, "not-the-secret")),
            ..Options::default()
        },
    )
    .await;
    let id = resident_id(89);
    let refused = register_as(&app, &id, "韩九", &mobile_for(&id), "en").await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let text = inner_text(&refused.text().await.unwrap());
    assert!(text.contains("cannot be completed right now") && !text.contains("Signature"));
    assert!(
        received.lock().unwrap().is_empty(),
        "refused by the endpoint"
    );
    assert!(app
        .state
        .storage
        .outbox(Some(&mobile_for(&id)), 10)
        .await
        .unwrap()
        .is_empty());
}

on_both_backends!(
    the_export_holds_everything_of_the_holder_and_nothing_of_anyone_else,
    deleting_the_account_removes_it_and_keeps_the_issuers_records,
    the_real_name_check_lets_only_matching_people_get_a_code,
    real_name_checks_are_capped_per_id_number_a_day,
    a_real_name_check_with_a_refused_signature_sends_no_code,
);
