//! The public JSON answers byte for byte: each verdict, each error body and the OpenAPI
//! document are compared with the reviewed snapshots in `snapshots/`, so a change to what
//! other sites parse shows up as a diff to review. Both backends share one snapshot per case:
//! the answer must not depend on the database.
//!
//! What varies per run (timestamps, generated numbers, the random port) is redacted; the
//! redaction also checks the value's shape, so a redacted field cannot silently vanish or
//! change type. To accept a deliberate change: `INSTA_UPDATE=always cargo test -p server
//! --test api api_snapshots`, then read the diff of the `.snap` files.

use crate::accounts::resident_id;
use crate::fixtures::example_record;
use crate::helpers::{spawn_app, Db, TestApp};
use crate::on_both_backends;
use crate::verification::{
    api_file, api_get, api_manual, append_page, produced_copy, NAME, NUMBER,
};
use insta::internals::Content;
use reqwest::StatusCode;
use serde_json::{json, Value};
use time::macros::date;

/// A redaction that first checks the value is a string of the expected shape.
fn redact_string(label: &'static str, shape: fn(&str) -> bool) -> insta::internals::Redaction {
    insta::dynamic_redaction(move |value: Content, path| {
        let text = value
            .as_str()
            .unwrap_or_else(|| panic!("{path} is not a string: {value:?}"))
            .to_string();
        assert!(shape(&text), "{path} has an unexpected shape: {text:?}");
        format!("[{label}]")
    })
}

/// A local date and time as shown to people, e.g. `2026-12-02 12:41`.
fn is_local_time(s: &str) -> bool {
    s.len() >= 10 && s[..10].bytes().filter(|b| *b == b'-').count() == 2
}

/// A message with the times of day in it (e.g. when to try again) masked as `[HH:MM]`.
fn mask_clock_times(value: Content, _: insta::internals::ContentPath<'_>) -> String {
    let text = value.as_str().expect("a message is a string");
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let window = &chars[i..chars.len().min(i + 5)];
        let is_time = window.len() == 5
            && window[2] == ':'
            && [0, 1, 3, 4].iter().all(|&k| window[k].is_ascii_digit());
        if is_time {
            out.push_str("[HH:MM]");
            i += 5;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn is_annotation_number(s: &str) -> bool {
    !s.is_empty() && s.is_ascii() && !s.contains(char::is_whitespace)
}

/// Compares a verification answer with its snapshot, redacting what depends on the run.
macro_rules! assert_answer {
    ($name:expr, $value:expr) => {
        insta::assert_json_snapshot!($name, $value, {
            ".body.checked_at" => redact_string("checked_at", is_local_time),
            ".body.annotation.number" => redact_string("annotation number", is_annotation_number),
            ".body.annotation.valid_from" => redact_string("valid_from", is_local_time),
            ".body.annotation.valid_until" => redact_string("valid_until", is_local_time),
            ".body.error.message" => insta::dynamic_redaction(mask_clock_times),
            ".body.error.message_zh" => insta::dynamic_redaction(mask_clock_times),
        })
    };
}

/// A status and its JSON body, snapshotted together so a status change is a diff too.
fn answered(status: StatusCode, body: Value) -> Value {
    json!({ "status": status.as_u16(), "body": body })
}

async fn verdicts_by_code(db: Db) {
    let app = spawn_app(db).await;
    let (_, code, _) = produced_copy(&app, 71).await;

    let (status, body) = api_get(&app, &format!("/api/v1/verify/{code}")).await;
    assert_answer!("code_valid", answered(status, body));

    let (status, body) = api_get(&app, "/api/v1/verify/nosuchcode2345678abcdefghij").await;
    assert_answer!("code_not_genuine", answered(status, body));

    // An e-certificate issued before the cut-off is checked by its own code.
    let old = example_record()
        .number("2020000000000071")
        .holder(&resident_id(71), NAME)
        .issued_on(date!(2020 - 05 - 01))
        .build();
    app.state.storage.upsert_certificate(&old, 1).await.unwrap();
    let old_id = app
        .state
        .storage
        .certificate_by_number("2020000000000071")
        .await
        .unwrap()
        .unwrap()
        .public_id;
    let (status, body) = api_get(&app, &format!("/api/v1/verify/e-{old_id}")).await;
    assert_answer!("code_certificate_valid", answered(status, body));

    // A paper certificate has no e-certificate: its would-be code is simply unknown.
    let paper = example_record()
        .number("2020000000000072")
        .holder(&resident_id(71), NAME)
        .issued_on(date!(2020 - 05 - 01))
        .electronic(false)
        .build();
    app.state
        .storage
        .upsert_certificate(&paper, 1)
        .await
        .unwrap();
    let paper_id = app
        .state
        .storage
        .certificate_by_number("2020000000000072")
        .await
        .unwrap()
        .unwrap()
        .public_id;
    let (status, body) = api_get(&app, &format!("/api/v1/verify/e-{paper_id}")).await;
    assert_answer!("code_not_genuine", answered(status, body));

    app.state.clock.advance(31 * 86_400_000);
    let (status, body) = api_get(&app, &format!("/api/v1/verify/{code}")).await;
    assert_answer!("code_expired", answered(status, body));

    let revoked = example_record()
        .number(NUMBER)
        .holder(&resident_id(71), NAME)
        .revoked(date!(2026 - 06 - 01), "撤销")
        .build();
    app.state
        .storage
        .upsert_certificate(&revoked, 2)
        .await
        .unwrap();
    let (status, body) = api_get(&app, &format!("/api/v1/verify/{code}")).await;
    assert_answer!("code_revoked", answered(status, body));
}

async fn manual_and_file_answers(db: Db) {
    let app = spawn_app(db).await;
    let (_, code, pdf) = produced_copy(&app, 72).await;
    let (annotation, _) = app
        .state
        .storage
        .annotation_with_certificate(&code)
        .await
        .unwrap()
        .unwrap();
    let client = reqwest::Client::new();
    let manual = |body: Value| api_manual(&app, &client, body);

    let (status, body) =
        manual(json!({ "certificate_number": NUMBER, "holder_name": NAME, "purpose": "入职审核" }))
            .await;
    assert_answer!("manual_certificate_valid", answered(status, body));
    let (status, body) = manual(json!({
        "certificate_number": NUMBER, "holder_name": NAME, "annotation_number": annotation.number
    }))
    .await;
    assert_answer!("manual_valid", answered(status, body));
    let (status, body) =
        manual(json!({ "certificate_number": NUMBER, "holder_name": "张三" })).await;
    assert_answer!("manual_not_genuine", answered(status, body));
    let (status, body) = manual(json!({ "certificate_number": "", "holder_name": "" })).await;
    assert_answer!("manual_invalid_input_422", answered(status, body));
    let (status, body) = manual(json!({ "unexpected": 1 })).await;
    assert_answer!("manual_bad_request_400", answered(status, body));

    let (status, body) = api_file(&app, pdf.clone()).await;
    assert_answer!("file_valid", answered(status, body));
    let mut one_byte = pdf.clone();
    let middle = one_byte.len() / 3;
    one_byte[middle] ^= 0x01;
    let (status, body) = api_file(&app, one_byte).await;
    assert_answer!("file_modified", answered(status, body));
    let (status, body) = api_file(&app, append_page(&pdf)).await;
    assert_answer!("file_modified_by_appending", answered(status, body));
    let at = pdf
        .windows(b"/ByteRange".len())
        .position(|w| w == b"/ByteRange")
        .expect("signed PDF has a byte range");
    let mut stripped = pdf.clone();
    stripped[at + 1..at + 10].copy_from_slice(b"Stripped_");
    let (status, body) = api_file(&app, stripped).await;
    assert_answer!("file_no_signature", answered(status, body));
    let (status, body) = api_file(&app, b"GIF89a not a pdf".to_vec()).await;
    assert_answer!("file_not_pdf_422", answered(status, body));
    let mut huge = b"%PDF-1.7\n".to_vec();
    huge.resize(5 * 1024 * 1024 + 10, b' ');
    let (status, body) = api_file(&app, huge).await;
    assert_answer!("file_too_large_422", answered(status, body));
}

async fn rate_limited_and_not_found_errors(db: Db) {
    let app = spawn_app(db).await;
    let client = reqwest::Client::new();
    let body = json!({ "certificate_number": "1", "holder_name": "王五" });
    for _ in 0..app::infra::MANUAL_LIMIT {
        api_manual(&app, &client, body.clone()).await;
    }
    let (status, body) = api_manual(&app, &client, body).await;
    assert_answer!("manual_rate_limited_429", answered(status, body));

    // A holder's own data asked for by someone else: the server function's JSON error.
    let (certificate_id, _, _) = produced_copy(&app, 73).await;
    let other = crate::accounts::another_holder(&app, &resident_id(74), "别人").await;
    let response = other
        .post(app.url("/api/verify/log"))
        .header("accept", "application/json")
        .form(&[("certificate", certificate_id.as_str())])
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_answer!("verification_log_not_found_404", answered(status, body));
}

/// The two refusals of an API key: unknown or revoked (401), and its daily quota used (429).
async fn api_key_errors(db: Db) {
    let app = spawn_app(db).await;
    let get = |key: String| {
        let url = app.url("/api/v1/verify/nosuchcode2345678abcdefghij");
        async move {
            let response = reqwest::Client::new()
                .get(url)
                .header("authorization", format!("Bearer {key}"))
                .send()
                .await
                .unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        }
    };
    let (status, body) = get("cvk_nosuchkeynosuchkeynosuch".into()).await;
    assert_answer!("api_key_invalid_401", answered(status, body));

    let (key, prefix) = app::verification::api_keys::generate();
    app.state
        .storage
        .create_api_key(
            &app::storage::NewApiKey {
                name: "snapshot".into(),
                prefix,
                key_hash: app::verification::api_keys::key_hash(&key),
                daily_quota: 1,
            },
            app.state.clock.now(),
            "operator:tester",
        )
        .await
        .unwrap();
    assert_eq!(get(key.clone()).await.0, StatusCode::OK);
    let (status, body) = get(key).await;
    assert_answer!("api_key_quota_exceeded_429", answered(status, body));
}

async fn the_openapi_document(db: Db) {
    let app: TestApp = spawn_app(db).await;
    let (status, doc) = api_get(&app, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let base = app.base.clone();
    insta::assert_json_snapshot!("openapi", doc, {
        ".servers[].url" => insta::dynamic_redaction(move |value, _| {
            assert_eq!(value.as_str(), Some(base.as_str()), "the server is the public URL");
            "[public url]"
        }),
    });
}

on_both_backends!(
    api_key_errors,
    verdicts_by_code,
    manual_and_file_answers,
    rate_limited_and_not_found_errors,
    the_openapi_document,
);
