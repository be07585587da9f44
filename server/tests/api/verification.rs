//! Verification: each verdict by each way in, tampered files refused, identical answers for
//! a wrong name and an unknown number, the rate limit, the holder's log, and the public API.

use crate::accounts::{resident_id, signed_up};
use crate::fixtures::example_record;
use crate::helpers::{client_for, inner_text, spawn_app, Db, TestApp};
use crate::on_both_backends;
use app::domain::{AnnotationState, CertificateRecord};
use reqwest::StatusCode;
use serde_json::Value;
use std::time::{Duration, Instant};
use time::macros::date;

pub(crate) const NUMBER: &str = "2024000000000061";
pub(crate) const NAME: &str = "张𪚥";

fn record(id: &str, issued_on: time::Date) -> CertificateRecord {
    example_record()
        .number(NUMBER)
        .holder(id, NAME)
        .issued_on(issued_on)
        .build()
}

/// A holder with a certificate and one produced copy; returns (certificate id, code, PDF).
pub(crate) async fn produced_copy(app: &TestApp, seq: u32) -> (String, String, Vec<u8>) {
    let id = resident_id(seq);
    signed_up(app, &id, NAME).await;
    app.state
        .storage
        .upsert_certificate(&record(&id, date!(2024 - 01 - 12)), 1)
        .await
        .unwrap();
    let certificate = app
        .state
        .storage
        .certificate_by_number(NUMBER)
        .await
        .unwrap()
        .unwrap();
    let applied = app
        .post_form(
            &format!("/certificates/{}/annotate", certificate.public_id),
            &[
                ("certificate", &certificate.public_id),
                ("scenario", "self_use"),
                ("validity_days", "30"),
            ],
        )
        .await;
    assert_eq!(applied.status(), StatusCode::SEE_OTHER);
    let deadline = Instant::now() + Duration::from_secs(20);
    let annotation = loop {
        let list = app
            .state
            .storage
            .annotations_of_certificate(certificate.id)
            .await
            .unwrap();
        if let Some(a) = list.into_iter().find(|a| a.state == AnnotationState::Ready) {
            break a;
        }
        assert!(Instant::now() < deadline, "copy not produced");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let pdf = app
        .state
        .storage
        .annotation_pdf(annotation.id)
        .await
        .unwrap()
        .unwrap();
    (certificate.public_id, annotation.code, pdf)
}

pub(crate) async fn api_get(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .get(app.url(path))
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

pub(crate) async fn api_manual(
    app: &TestApp,
    client: &reqwest::Client,
    body: Value,
) -> (StatusCode, Value) {
    let response = client
        .post(app.url("/api/v1/verify/manual"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

pub(crate) async fn api_file(app: &TestApp, bytes: Vec<u8>) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/verify/file?purpose=%E5%85%A5%E8%81%8C"))
        .header("content-type", "application/pdf")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// The answer without its timestamp, to compare two answers.
fn timeless(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("checked_at");
    v
}

async fn each_verdict_by_code(db: Db) {
    let app = spawn_app(db).await;
    let (certificate_id, code, _) = produced_copy(&app, 61).await;

    let (status, valid) = api_get(&app, &format!("/api/v1/verify/{code}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(valid["verdict"], "valid");
    assert_eq!(valid["certificate"]["holder_name"], NAME);
    assert_eq!(valid["certificate"]["number"], NUMBER);
    assert!(valid["certificate"]["masked_id_number"]
        .as_str()
        .unwrap()
        .contains("**********"));
    assert!(
        !valid.to_string().contains(&resident_id(61)),
        "the ID number is masked"
    );

    // The QR link's page, without an account.
    let (status, html) = {
        let r = client_for(&app.base)
            .get(app.url(&format!("/verify/{code}")))
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    };
    assert_eq!(status, StatusCode::OK);
    let text = inner_text(&html);
    assert!(text.contains("真实有效") && text.contains(NUMBER) && text.contains(NAME));

    let (_, unknown) = api_get(&app, "/api/v1/verify/nosuchcode2345678abcdefghij").await;
    assert_eq!(unknown["verdict"], "not_genuine");
    assert!(unknown["certificate"].is_null());

    // 31 days later the 30-day copy has expired.
    app.state.clock.advance(31 * 86_400_000);
    let (_, expired) = api_get(&app, &format!("/api/v1/verify/{code}")).await;
    assert_eq!(expired["verdict"], "expired");

    // Revoked: at once, whatever the copy.
    let revoked = example_record()
        .number(NUMBER)
        .holder(&resident_id(61), NAME)
        .revoked(date!(2026 - 06 - 01), "撤销")
        .build();
    app.state
        .storage
        .upsert_certificate(&revoked, 2)
        .await
        .unwrap();
    let (_, answer) = api_get(&app, &format!("/api/v1/verify/{code}")).await;
    assert_eq!(answer["verdict"], "revoked");
    assert_eq!(answer["certificate"]["revoked_on"], "2026-06-01");
    let html = client_for(&app.base)
        .get(app.url(&format!("/verify/{code}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(inner_text(&html).contains("证书已撤销"));
    let _ = certificate_id;
}

async fn a_pre_cut_off_e_certificate_verifies_by_its_code(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(62);
    signed_up(&app, &id, NAME).await;
    app.state
        .storage
        .upsert_certificate(&record(&id, date!(2020 - 05 - 01)), 1)
        .await
        .unwrap();
    let certificate = app
        .state
        .storage
        .certificate_by_number(NUMBER)
        .await
        .unwrap()
        .unwrap();
    let pdf = app
        .get(&format!(
            "/certificates/{}/e-certificate/download",
            certificate.public_id
        ))
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let (_, by_code) = api_get(&app, &format!("/api/v1/verify/e-{}", certificate.public_id)).await;
    assert_eq!(by_code["verdict"], "certificate_valid");
    let (_, by_file) = api_file(&app, pdf).await;
    assert_eq!(by_file["verdict"], "certificate_valid");
}

async fn manual_checks_need_both_and_answer_alike_when_they_do_not_match(db: Db) {
    let app = spawn_app(db).await;
    let (_, code, _) = produced_copy(&app, 63).await;
    let (a, _) = app
        .state
        .storage
        .annotation_with_certificate(&code)
        .await
        .unwrap()
        .unwrap();
    let client = reqwest::Client::new();

    let (status, ok) = api_manual(
        &app,
        &client,
        serde_json::json!({
            "certificate_number": NUMBER, "holder_name": NAME, "purpose": "入职审核"
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ok["verdict"], "certificate_valid");
    // A purpose that would read differently in the holder's log than it was stored: refused.
    let (status, refused) = api_manual(
        &app,
        &client,
        serde_json::json!({
            "certificate_number": NUMBER, "holder_name": NAME, "purpose": "入职\u{202E}审核"
        }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (_, with_copy) = api_manual(
        &app,
        &client,
        serde_json::json!({
            "certificate_number": NUMBER, "holder_name": NAME, "annotation_number": a.number
        }),
    )
    .await;
    assert_eq!(with_copy["verdict"], "valid");
    assert_eq!(with_copy["annotation"]["number"], a.number.as_str());

    // A wrong name, an unknown number, a wrong annotation number: the same answer.
    let (_, wrong_name) = api_manual(
        &app,
        &client,
        serde_json::json!({
            "certificate_number": NUMBER, "holder_name": "张三"
        }),
    )
    .await;
    let (_, unknown_number) = api_manual(
        &app,
        &client,
        serde_json::json!({
            "certificate_number": "2099000000000000", "holder_name": NAME
        }),
    )
    .await;
    let (_, wrong_copy) = api_manual(
        &app,
        &client,
        serde_json::json!({
            "certificate_number": NUMBER, "holder_name": NAME, "annotation_number": "JZ000"
        }),
    )
    .await;
    assert_eq!(wrong_name["verdict"], "not_genuine");
    assert_eq!(timeless(wrong_name.clone()), timeless(unknown_number));
    assert_eq!(timeless(wrong_name), timeless(wrong_copy));

    // The page's form, without JavaScript.
    let page = client_for(&app.base)
        .post(app.url("/verify"))
        .form(&[
            ("certificate_number", NUMBER),
            ("holder_name", "张三"),
            ("annotation_number", ""),
            ("purpose", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(inner_text(&html).contains("无法验证为真实"));
    assert!(
        !inner_text(&html).contains("执业药师职业资格"),
        "nothing about the real certificate"
    );

    let (status, invalid) = api_manual(
        &app,
        &client,
        serde_json::json!({
            "certificate_number": "", "holder_name": ""
        }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(invalid["error"]["code"], "invalid_input");
    assert_eq!(invalid["error"]["fields"].as_array().unwrap().len(), 2);
    let (status, _) = api_manual(&app, &client, serde_json::json!({ "unexpected": 1 })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn manual_and_file_checks_are_rate_limited_per_address(db: Db) {
    let app = spawn_app(db).await;
    let client = reqwest::Client::new();
    let body = serde_json::json!({ "certificate_number": "1", "holder_name": "王五" });
    for n in 0..app::infra::MANUAL_LIMIT {
        let (status, _) = api_manual(&app, &client, body.clone()).await;
        assert_eq!(status, StatusCode::OK, "check {n}");
    }
    let (status, limited) = api_manual(&app, &client, body).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited["error"]["code"], "rate_limited");
    assert!(limited["error"]["message_zh"]
        .as_str()
        .unwrap()
        .contains("查询过于频繁"));
    // Checks by code are not limited (the code cannot be guessed).
    let (status, _) = api_get(&app, "/api/v1/verify/abc").await;
    assert_eq!(status, StatusCode::OK);
    // The window passes.
    app.state.clock.advance(app::infra::LIMIT_WINDOW_MS);
    let (status, _) = api_manual(
        &app,
        &client,
        serde_json::json!({ "certificate_number": "1", "holder_name": "王五" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

/// A minimal incremental update adding a page object, as an attacker appending content would.
pub(crate) fn append_page(pdf: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(pdf);
    let startxref = text
        .rsplit("startxref")
        .next()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let mut out = pdf.to_vec();
    let at = out.len();
    out.extend_from_slice(b"\n300 0 obj\n<</Type/Page/MediaBox[0 0 595 842]>>\nendobj\n");
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n300 1\n{at:010} 00000 n \ntrailer\n<</Size 301/Root 1 0 R/Prev {startxref}>>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

/// Only e-certificate files the system handed out verify: a file signed with the trusted key
/// and carrying the certificate's `e-` code, but never downloaded (re-signed, or altered and
/// re-signed), is "not produced by this system"; a signed file an operator attached verifies.
async fn only_e_certificate_files_the_system_produced_verify(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(69);
    signed_up(&app, &id, NAME).await;
    app.state
        .storage
        .upsert_certificate(&record(&id, date!(2020 - 05 - 01)), 1)
        .await
        .unwrap();
    let certificate = app
        .state
        .storage
        .certificate_by_number(NUMBER)
        .await
        .unwrap()
        .unwrap();
    let download = format!(
        "/certificates/{}/e-certificate/download",
        certificate.public_id
    );
    let first = app.get(&download).await.bytes().await.unwrap().to_vec();
    let second = app.get(&download).await.bytes().await.unwrap().to_vec();
    assert_ne!(first, second, "each download is signed afresh");
    for pdf in [first.clone(), second] {
        let (_, answer) = api_file(&app, pdf).await;
        assert_eq!(answer["verdict"], "certificate_valid");
    }

    // The same page signed again with the issuer's own key: never handed out.
    let doc = server::copy::e_certificate(&app.state.settings.public_url, &certificate);
    let resigned = certpdf::render_certificate_pdf(&app.state.fonts, &app.issuer, &doc).unwrap();
    let (_, answer) = api_file(&app, resigned.clone()).await;
    assert_eq!(
        (answer["verdict"].clone(), answer["file_problem"].clone()),
        ("not_genuine".into(), "not_produced".into())
    );
    assert!(answer["certificate"].is_null());
    // Altered (another qualification printed) and re-signed with the trusted key.
    let mut altered = doc.clone();
    altered.certificate.qualification = "主任医师".into();
    let forged = certpdf::render_certificate_pdf(&app.state.fonts, &app.issuer, &altered).unwrap();
    let (_, answer) = api_file(&app, forged).await;
    assert_eq!(answer["file_problem"], "not_produced");
    // A downloaded file with a byte changed: its signature fails first.
    let mut flipped = first.clone();
    let middle = flipped.len() / 3;
    flipped[middle] ^= 0x01;
    let (_, answer) = api_file(&app, flipped).await;
    assert_eq!(answer["verdict"], "not_genuine");
    let page = client_for(&app.base)
        .post(app.url("/verify"))
        .multipart(
            reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(resigned.clone())
                    .file_name("e.pdf")
                    .mime_str("application/pdf")
                    .unwrap(),
            ),
        )
        .send()
        .await
        .unwrap();
    assert!(inner_text(&page.text().await.unwrap()).contains("不是本系统生成的"));

    // What the database holds: one hash per download, never the file.
    let stored = crate::helpers::scalar_strings(&app, "SELECT sha256 FROM produced_files").await;
    assert_eq!(stored.len(), 2);
    assert!(stored.contains(&app::infra::sha256_hex(&first)));

    // A signed file an operator attached to the certificate verifies.
    let data = tempfile::tempdir().unwrap();
    let path = data.path().join("电子证书.pdf");
    std::fs::write(&path, &resigned).unwrap();
    let attached = crate::operator::run(
        &app.db_url(),
        data.path(),
        &["attach", NUMBER, path.to_str().unwrap()],
    );
    assert!(
        attached.status.success(),
        "{}",
        crate::operator::stderr(&attached)
    );
    let (_, answer) = api_file(&app, resigned).await;
    assert_eq!(answer["verdict"], "certificate_valid");
}

async fn uploaded_files_are_checked_and_tampering_is_refused(db: Db) {
    let app = spawn_app(db).await;
    let (_, code, pdf) = produced_copy(&app, 64).await;
    let (status, genuine) = api_file(&app, pdf.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(genuine["verdict"], "valid");

    let mut one_byte = pdf.clone();
    let middle = one_byte.len() / 3;
    one_byte[middle] ^= 0x01;
    let (_, answer) = api_file(&app, one_byte).await;
    assert_eq!(
        (answer["verdict"].clone(), answer["file_problem"].clone()),
        ("not_genuine".into(), "modified".into())
    );

    let (_, answer) = api_file(&app, append_page(&pdf)).await;
    assert_eq!(answer["verdict"], "not_genuine");
    assert_eq!(answer["file_problem"], "modified");

    // The signature dictionary made unrecognisable: no signature left.
    let at = pdf
        .windows(b"/ByteRange".len())
        .position(|w| w == b"/ByteRange")
        .expect("signed PDF has a byte range");
    let mut stripped = pdf.clone();
    stripped[at + 1..at + 10].copy_from_slice(b"Stripped_");
    let (_, answer) = api_file(&app, stripped).await;
    assert_eq!(answer["verdict"], "not_genuine");
    assert_eq!(answer["file_problem"], "no_signature");

    // A genuine-looking copy signed with someone else's key.
    let forger =
        certpdf::IssuerKey::generate_self_signed("国家药品监督管理局", "Forger", 30).unwrap();
    let (a, c) = app
        .state
        .storage
        .annotation_with_certificate(&code)
        .await
        .unwrap()
        .unwrap();
    let doc = server::copy::annotated_copy(
        &app.state.settings.public_url,
        &a,
        &c,
        a.produced_at.unwrap(),
        a.valid_until.unwrap(),
    );
    let forged = certpdf::render_certificate_pdf(&app.state.fonts, &forger, &doc).unwrap();
    let (_, answer) = api_file(&app, forged).await;
    assert_eq!(answer["file_problem"], "unknown_signer");

    // Our own key, but a copy that was never issued (same code, different bytes).
    let replay = certpdf::render_certificate_pdf(&app.state.fonts, &app.issuer, &doc).unwrap();
    let (_, answer) = api_file(&app, replay).await;
    assert_eq!(answer["file_problem"], "not_produced");

    let (status, not_pdf) = api_file(&app, b"GIF89a not a pdf".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(not_pdf["error"]["message_zh"]
        .as_str()
        .unwrap()
        .contains("只能上传 PDF"));
    let mut huge = b"%PDF-1.7\n".to_vec();
    huge.resize(5 * 1024 * 1024 + 10, b' ');
    let (status, too_big) = api_file(&app, huge).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_big["error"]["message_zh"]
        .as_str()
        .unwrap()
        .contains("文件过大"));

    // The page's upload form.
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(pdf)
                .file_name("copy.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        )
        .text("purpose", "入职审核");
    let page = client_for(&app.base)
        .post(app.url("/verify"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(inner_text(&page.text().await.unwrap()).contains("真实有效"));
}

async fn copies_signed_with_an_older_key_keep_verifying(db: Db) {
    let app = spawn_app(db).await;
    let (_, _, old_copy) = produced_copy(&app, 65).await;
    let newer = certpdf::IssuerKey::generate_self_signed("新签名证书", "Issuer", 365).unwrap();
    server::keys::register_active(&app.state.storage, &newer, app.state.clock.now())
        .await
        .unwrap();
    let (_, answer) = api_file(&app, old_copy).await;
    assert_eq!(answer["verdict"], "valid");
}

async fn the_holder_sees_who_checked_and_why(db: Db) {
    let app = spawn_app(db).await;
    let (certificate_id, code, _) = produced_copy(&app, 66).await;
    api_get(
        &app,
        &format!("/api/v1/verify/{code}?purpose=%E5%85%A5%E8%81%8C%E5%AE%A1%E6%A0%B8"),
    )
    .await;
    client_for(&app.base)
        .get(app.url(&format!("/verify/{code}")))
        .send()
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, html) = app
            .get_text(&format!("/certificates/{certificate_id}"))
            .await;
        let text = inner_text(&html);
        if text.contains("入职审核") && text.contains("扫码") {
            assert!(text.contains("接口查询"));
            assert!(text.contains("真实有效"));
            break;
        }
        assert!(Instant::now() < deadline, "log not shown: {text}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Another holder cannot read this log.
    let other = crate::accounts::another_holder(&app, &resident_id(67), "别人").await;
    let response = other
        .post(app.url("/api/verify/log"))
        .header("accept", "application/json")
        .form(&[("certificate", certificate_id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

async fn the_api_is_documented_and_open_to_other_sites(db: Db) {
    let app = spawn_app(db).await;
    let (status, doc) = api_get(&app, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/api/v1/verify/{code}",
        "/api/v1/verify/manual",
        "/api/v1/verify/file",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    let cors = reqwest::Client::new()
        .get(app.url("/api/v1/verify/abc"))
        .header("origin", "https://employer.example")
        .send()
        .await
        .unwrap();
    assert_eq!(cors.headers()["access-control-allow-origin"], "*");
    let preflight = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/verify/manual"))
        .header("origin", "https://employer.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    // A cross-site POST to the API is allowed (no cookies involved); to the site, it is not.
    let (status, _) = api_manual(
        &app,
        &reqwest::Client::new(),
        serde_json::json!({
            "certificate_number": "1", "holder_name": "王五"
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

on_both_backends!(
    each_verdict_by_code,
    a_pre_cut_off_e_certificate_verifies_by_its_code,
    manual_checks_need_both_and_answer_alike_when_they_do_not_match,
    manual_and_file_checks_are_rate_limited_per_address,
    uploaded_files_are_checked_and_tampering_is_refused,
    only_e_certificate_files_the_system_produced_verify,
    copies_signed_with_an_older_key_keep_verifying,
    the_holder_sees_who_checked_and_why,
    the_api_is_documented_and_open_to_other_sites,
);
