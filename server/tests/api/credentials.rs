//! The annotated copy as a W3C Verifiable Credential (issue 16), over HTTP on both backends:
//! the owner downloads it (another holder and a visitor get not found, an expired or cancelled
//! copy is refused), the DID document names its key, the uploaded credential verifies with
//! the PDF's verdicts (valid, expired, revoked, cancelled, not genuine when changed, unknown
//! issuer), the status list's bit follows the copy, and `server keys credential` rotates and
//! retires keys, and a wallet takes the credential by the short-lived link on the copy's
//! page. Interoperability with a verifier nobody here wrote is the Playwright test's
//! (`end2end/tests/annotations/verifiable_credential.spec.ts`).

use crate::accounts::{another_holder, resident_id};
use crate::fixtures::example_record;
use crate::helpers::{client_for, Db, TestApp};
use crate::on_both_backends;
use crate::verification::{produced_copy, NAME, NUMBER};
use reqwest::StatusCode;
use serde_json::{json, Map, Value};
use time::macros::date;

async fn download(client: &reqwest::Client, app: &TestApp, code: &str) -> reqwest::Response {
    client
        .get(app.url(&format!("/annotations/{code}/credential")))
        .send()
        .await
        .unwrap()
}

async fn credential_of(app: &TestApp, code: &str) -> Value {
    let response = download(&app.client, app, code).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// The app behind a trusted proxy, so that each check can come from its own client and the
/// per-address limit of file checks (10 in 10 minutes) stays out of the way.
async fn spawn(db: Db) -> TestApp {
    crate::helpers::spawn_app_with(
        db,
        crate::helpers::Options {
            trusted_proxies: vec!["127.0.0.0/8".parse().unwrap()],
            ..Default::default()
        },
    )
    .await
}

static CLIENTS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);

/// `POST /api/v1/verify/file` with the credential as the body, from a new client address.
async fn verify(app: &TestApp, credential: &Value) -> (StatusCode, Value) {
    let n = CLIENTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/verify/file"))
        .header(
            "x-forwarded-for",
            format!("10.9.{}.{}", n / 250, n % 250 + 1),
        )
        .header("content-type", "application/vc+ld+json")
        .body(credential.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// The status list credential the credential points at, and whether its bit is set.
async fn status_bit(app: &TestApp, credential: &Value) -> bool {
    let entry = &credential["credentialStatus"];
    let url = entry["statusListCredential"].as_str().unwrap();
    let path = url
        .strip_prefix(app.state.settings.public_url.as_str())
        .unwrap();
    let response = reqwest::get(app.url(path)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/vc+ld+json");
    let list: Value = response.json().await.unwrap();
    assert_eq!(
        list["type"],
        json!(["VerifiableCredential", "BitstringStatusListCredential"])
    );
    assert_eq!(list["issuer"], credential["issuer"]);
    // The list is signed by the issuer's key, like the credential.
    let did_doc = did_document(app).await;
    let method = list["proof"]["verificationMethod"]
        .as_str()
        .unwrap()
        .to_string();
    let key = did_doc["verificationMethod"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == method.as_str())
        .expect("the list's key is in the DID document")["publicKeyMultibase"]
        .as_str()
        .unwrap()
        .to_string();
    vcred::verify(
        &vcred::Profile::credentials_v2(),
        list.as_object().unwrap(),
        |_| vcred::parse_multikey(&key),
    )
    .expect("the status list verifies");
    let bits = vcred::status::Bitstring::decode(
        list["credentialSubject"]["encodedList"].as_str().unwrap(),
    )
    .expect("a list of 131,072 entries");
    let index: u32 = entry["statusListIndex"].as_str().unwrap().parse().unwrap();
    bits.get(index)
}

/// [作废此加注件] → [确认作废], as the holder does without JavaScript.
async fn cancel_copy(app: &TestApp, code: &str) {
    let cancelled = app
        .client
        .post(app.url(&format!("/annotations/{code}")))
        .form(&[("code", code)])
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), StatusCode::SEE_OTHER);
}

/// The issuer's DID document, as any verifier fetches it.
async fn did_document(app: &TestApp) -> Value {
    reqwest::get(app.url("/.well-known/did.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn changed(credential: &Value, change: impl FnOnce(&mut Map<String, Value>)) -> Value {
    let mut doc = credential.as_object().unwrap().clone();
    change(&mut doc);
    Value::Object(doc)
}

async fn the_owner_downloads_a_credential_that_verifies(db: Db) {
    let app = spawn(db).await;
    let (_, code, _) = produced_copy(&app, 71).await;

    let response = download(&app.client, &app, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/vc+ld+json");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(
        disposition.contains(&format!("{NUMBER}_JZ")) && disposition.contains(".jsonld"),
        "{disposition}"
    );
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    let credential: Value = response.json().await.unwrap();
    let did = vcred::did_web(&app.state.settings.public_url).unwrap();
    assert_eq!(credential["issuer"], did.as_str());
    assert_eq!(
        credential["type"],
        json!(["VerifiableCredential", "AnnotatedCopyCredential"])
    );
    assert_eq!(
        credential["id"],
        format!("{}/verify/{code}", app.state.settings.public_url).as_str()
    );
    let subject = &credential["credentialSubject"];
    assert_eq!(subject["holderName"], NAME);
    assert_eq!(subject["certificateNumber"], NUMBER);
    assert_eq!(subject["scenario"], "本人调用");
    assert!(subject["maskedIdNumber"]
        .as_str()
        .unwrap()
        .contains("**********"));
    assert!(
        !credential.to_string().contains(&resident_id(71)),
        "the ID number is masked"
    );
    assert_eq!(credential["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    assert_eq!(
        credential["credentialStatus"]["statusPurpose"],
        "revocation"
    );
    let index: u32 = credential["credentialStatus"]["statusListIndex"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(index < 131_072);
    // A second download keeps the copy's status entry.
    let again = credential_of(&app, &code).await;
    assert_eq!(again["credentialStatus"], credential["credentialStatus"]);

    // The DID document names the key; CORS lets any site read it.
    let did_doc = reqwest::Client::new()
        .get(app.url("/.well-known/did.json"))
        .header("origin", "https://wallet.example")
        .send()
        .await
        .unwrap();
    assert_eq!(did_doc.headers()["access-control-allow-origin"], "*");
    let did_doc: Value = did_doc.json().await.unwrap();
    assert_eq!(did_doc["id"], did.as_str());
    assert_eq!(
        did_doc["assertionMethod"][0],
        credential["proof"]["verificationMethod"]
    );
    assert_eq!(did_doc["verificationMethod"][0]["type"], "Multikey");

    // Another holder, and a visitor, find nothing there.
    let other = another_holder(&app, &resident_id(72), "别人").await;
    assert_eq!(
        download(&other, &app, &code).await.status(),
        StatusCode::NOT_FOUND
    );
    let visitor = client_for(&app.base);
    assert_eq!(
        download(&visitor, &app, &code).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        download(&app.client, &app, "nosuchcode2345678abcdefghij")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Verified as uploaded: valid, with the certificate, and logged for the holder.
    let (status, answer) = verify(&app, &credential).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["verdict"], "valid", "{answer}");
    assert_eq!(answer["certificate"]["number"], NUMBER);
    assert!(!answer["annotation"].is_null());

    // Changed in any field, it is not genuine.
    for tampered in [
        changed(&credential, |d| {
            d["credentialSubject"]["holderName"] = json!("李四");
        }),
        changed(&credential, |d| {
            d["validUntil"] = json!("2099-01-01T00:00:00Z");
        }),
        changed(&credential, |d| {
            d["credentialSubject"]["extra"] = json!("x");
        }),
        changed(&credential, |d| {
            d["credentialStatus"]["statusListIndex"] = json!("1");
        }),
    ] {
        let (status, answer) = verify(&app, &tampered).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(answer["verdict"], "not_genuine", "{answer}");
        assert_eq!(answer["file_problem"], "modified", "{answer}");
        assert!(answer["certificate"].is_null());
    }
    // Another issuer, or no proof.
    let foreign = changed(&credential, |d| {
        d["issuer"] = json!("did:web:certs.example.org");
    });
    let (_, answer) = verify(&app, &foreign).await;
    assert_eq!(answer["verdict"], "not_genuine");
    assert_eq!(answer["file_problem"], "unknown_signer");
    let unsigned = changed(&credential, |d| {
        d.remove("proof");
    });
    let (_, answer) = verify(&app, &unsigned).await;
    assert_eq!(answer["file_problem"], "no_signature");
    // Not JSON at all, or JSON of another kind: a clear refusal, never a 500.
    for body in ["{not json", "{\"a\": 1}", "[1, 2]"] {
        let response = reqwest::Client::new()
            .post(app.url("/api/v1/verify/file"))
            .header("x-forwarded-for", "10.8.0.1")
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_client_error() || response.status() == StatusCode::OK);
        let answer: Value = response.json().await.unwrap();
        assert!(answer["verdict"] != "valid", "{body}: {answer}");
    }

    // The status bit follows the certificate: set by a revocation, cleared when reinstated.
    assert!(!status_bit(&app, &credential).await);
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
    assert!(
        status_bit(&app, &credential).await,
        "revoked: the bit is set"
    );
    let (_, answer) = verify(&app, &credential).await;
    assert_eq!(answer["verdict"], "revoked");
    assert_eq!(
        download(&app.client, &app, &code).await.status(),
        StatusCode::SEE_OTHER,
        "a revoked certificate's copy is not handed out"
    );
    let reinstated = example_record()
        .number(NUMBER)
        .holder(&resident_id(71), NAME)
        .issued_on(date!(2024 - 01 - 12))
        .build();
    app.state
        .storage
        .upsert_certificate(&reinstated, 3)
        .await
        .unwrap();
    assert!(!status_bit(&app, &credential).await, "reinstated: cleared");

    // Expired: refused for download (to the copy's page, which says so), verified as expired.
    app.state.clock.advance(31 * 86_400_000);
    let relogin = crate::accounts::login(&app, &resident_id(71), crate::accounts::PASSWORD).await;
    assert_eq!(relogin.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        download(&app.client, &app, &code).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, answer) = verify(&app, &credential).await;
    assert_eq!(answer["verdict"], "expired");

    // The checks are in the verification log the holder sees (written in batches).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let verdicts =
            crate::helpers::scalar_strings(&app, "SELECT verdict FROM verification_log").await;
        if ["valid", "revoked", "expired"]
            .iter()
            .all(|v| verdicts.iter().any(|l| l == v))
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not logged: {verdicts:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn a_cancelled_copy_is_refused_and_its_bit_set(db: Db) {
    let app = spawn(db).await;
    let (_, code, _) = produced_copy(&app, 73).await;
    let credential = credential_of(&app, &code).await;
    assert!(!status_bit(&app, &credential).await);
    cancel_copy(&app, &code).await;
    assert_eq!(
        download(&app.client, &app, &code).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, answer) = verify(&app, &credential).await;
    assert_eq!(answer["verdict"], "cancelled");
    assert!(
        status_bit(&app, &credential).await,
        "cancelled: the bit is set"
    );
    // A list nobody uses, and nonsense, are not found.
    for path in [
        "/credentials/status/999",
        "/credentials/status/x",
        "/credentials/status/-1",
    ] {
        assert_eq!(
            reqwest::get(app.url(path)).await.unwrap().status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

async fn credential_keys_rotate_and_retire(db: Db) {
    use crate::operator::{run, stderr, stdout};
    let app = spawn(db).await;
    let (_, code, _) = produced_copy(&app, 75).await;
    let credential = credential_of(&app, &code).await;
    let url = app.db_url();
    let data = app.keys_path.clone();
    let first = app.state.storage.credential_keys().await.unwrap();
    assert_eq!(first.len(), 1);
    let old = first[0].public_key.clone();

    let rotated = run(&url, &data, &["keys", "credential", "rotate"]);
    assert_eq!(rotated.status.code(), Some(0), "{}", stderr(&rotated));
    let listed = stdout(&run(&url, &data, &["keys", "credential", "list"]));
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with("* ") && !l.contains(&old)),
        "{listed}"
    );
    // Both keys are in the DID document: what the old one signed keeps verifying.
    let did_doc = did_document(&app).await;
    assert_eq!(did_doc["assertionMethod"].as_array().unwrap().len(), 2);
    assert_eq!(verify(&app, &credential).await.1["verdict"], "valid");

    // The active key cannot be retired; the old one can, and then leaves the document.
    let new = app
        .state
        .storage
        .credential_keys()
        .await
        .unwrap()
        .into_iter()
        .find(|k| k.active)
        .unwrap()
        .public_key;
    let refused = run(&url, &data, &["keys", "credential", "retire", &new]);
    assert_ne!(refused.status.code(), Some(0));
    let retired = run(
        &url,
        &data,
        &["keys", "credential", "retire", &old, "--reason", "test"],
    );
    assert_eq!(retired.status.code(), Some(0), "{}", stderr(&retired));
    let did_doc = did_document(&app).await;
    assert!(!did_doc.to_string().contains(&old));
    let (_, answer) = verify(&app, &credential).await;
    assert_eq!(answer["verdict"], "not_genuine");
    assert_eq!(answer["file_problem"], "retired_key");
}

/// The value of `attribute` in the first tag of `html` that carries `marker`.
fn attribute_of(html: &str, marker: &str, attribute: &str) -> Option<String> {
    let at = html.find(marker)?;
    let start = html[..at].rfind('<')?;
    let tag = &html[start..start + html[start..].find('>')?];
    let value = tag.split(&format!("{attribute}=\"")).nth(1)?;
    Some(value[..value.find('"')?].to_string())
}

/// The wallet link and its QR code's path on the copy's page, as `client` sees it.
async fn wallet_offer(
    app: &TestApp,
    client: &reqwest::Client,
    code: &str,
) -> Option<(String, String)> {
    let page = client
        .get(app.url(&format!("/annotations/{code}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let link = attribute_of(&page, "id=\"wallet-link\"", "value")?;
    let qr = attribute_of(&page, "data-testid=\"wallet-qr\"", "src")?;
    let path = link
        .strip_prefix(app.state.settings.public_url.as_str())
        .expect("a link on the public site")
        .to_string();
    Some((path, qr))
}

async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> reqwest::Response {
    client.get(app.url(path)).send().await.unwrap()
}

async fn a_wallet_takes_the_credential_by_the_link_on_the_copys_page(db: Db) {
    let app = spawn(db).await;
    let (_, code, _) = produced_copy(&app, 77).await;
    let owners = credential_of(&app, &code).await;
    let (link, qr) = wallet_offer(&app, &app.client, &code)
        .await
        .expect("the ready copy's page offers a wallet link");
    assert!(link.starts_with("/credentials/copy/"), "{link}");
    assert_eq!(qr, format!("{link}/qr.svg"));

    // A wallet has no session: the link alone gives the same credential, readable cross-site.
    let wallet = client_for(&app.base);
    let response = get(&wallet, &app, &link).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/vc+ld+json");
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    let credential: Value = response.json().await.unwrap();
    assert_eq!(credential["id"], owners["id"]);
    assert_eq!(credential["credentialStatus"], owners["credentialStatus"]);
    assert_eq!(verify(&app, &credential).await.1["verdict"], "valid");
    let image = get(&wallet, &app, &qr).await;
    assert_eq!(image.status(), StatusCode::OK);
    assert_eq!(image.headers()["content-type"], "image/svg+xml");
    assert!(image.text().await.unwrap().contains("<svg"));

    // A link changed anywhere is not this server's: not found, like nonsense.
    let token = link.rsplit('/').next().unwrap().to_string();
    let (signed, tag) = token.rsplit_once('.').unwrap();
    let (copy_code, until) = signed.split_once('.').unwrap();
    let flipped = if tag.starts_with('0') { "1" } else { "0" };
    let later: i64 = until.parse::<i64>().unwrap() + 86_400_000;
    for forged in [
        format!("{signed}.{flipped}{}", &tag[1..]),
        format!("{copy_code}.{later}.{tag}"),
        format!("nosuchcode2345678abcdefghij.{until}.{tag}"),
        "x".to_string(),
        "..".to_string(),
    ] {
        for path in [
            format!("/credentials/copy/{forged}"),
            format!("/credentials/copy/{forged}/qr.svg"),
        ] {
            let response = get(&wallet, &app, &path).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        }
    }

    // Another holder's page of the copy offers nothing.
    let other = another_holder(&app, &resident_id(78), "别人").await;
    assert!(wallet_offer(&app, &other, &code).await.is_none());

    // After ten minutes the link is gone, and says why in the reader's language.
    app.state.clock.advance(10 * 60_000);
    let expired = get(&wallet, &app, &link).await;
    assert_eq!(expired.status(), StatusCode::GONE);
    assert_eq!(expired.headers()["access-control-allow-origin"], "*");
    assert!(expired.text().await.unwrap().contains("钱包链接已过期"));
    let english = wallet
        .get(app.url(&link))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap();
    assert_eq!(english.status(), StatusCode::GONE);
    assert!(english
        .text()
        .await
        .unwrap()
        .contains("wallet link has expired"));
    assert_eq!(get(&wallet, &app, &qr).await.status(), StatusCode::GONE);

    // The page, reloaded, makes a new link; cancelling the copy ends it at once.
    let (fresh, _) = wallet_offer(&app, &app.client, &code).await.unwrap();
    assert_ne!(fresh, link);
    assert_eq!(get(&wallet, &app, &fresh).await.status(), StatusCode::OK);
    cancel_copy(&app, &code).await;
    let refused = get(&wallet, &app, &fresh).await;
    assert_eq!(refused.status(), StatusCode::GONE);
    assert!(refused.text().await.unwrap().contains("已作废"));
    assert!(
        wallet_offer(&app, &app.client, &code).await.is_none(),
        "a cancelled copy's page offers no wallet link"
    );
}

on_both_backends!(
    the_owner_downloads_a_credential_that_verifies,
    a_cancelled_copy_is_refused_and_its_bit_set,
    credential_keys_rotate_and_retire,
    a_wallet_takes_the_credential_by_the_link_on_the_copys_page,
);
