//! The real server binary as a process: killed with SIGKILL mid-production it loses and
//! repeats nothing; stopped with SIGTERM it shuts down cleanly.

use crate::annotations::{completions, queue_annotations};
use crate::helpers::{Db, TestDb};
use crate::on_both_backends;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A demo instance: its one-time codes go to the development outbox.
fn start_server(url: &str, data_dir: &std::path::Path, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .env("PORTAL_DATA_KEY_FILE", crate::helpers::data_key_file())
        .args([
            "serve",
            "--demo",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            url,
        ])
        .arg("--data-dir")
        .arg(data_dir)
        .args(extra)
        .env("LEPTOS_SITE_ROOT", data_dir)
        .env("PORTAL_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server binary")
}

async fn wait_for(what: &str, timeout: Duration, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn a_killed_server_loses_and_repeats_nothing(db: Db) {
    let test_db = TestDb::new(db).await;
    let storage = server::open_storage(&test_db.url, crate::helpers::data_keys())
        .await
        .unwrap();
    let codes = queue_annotations(&storage, 12).await;
    let data = tempfile::tempdir().unwrap();

    // Slow production, so that the kill lands while copies are being made.
    let mut first = start_server(
        &test_db.url,
        data.path(),
        &[
            "--enable-test-controls",
            "--test-production-delay-ms",
            "250",
            "--job-lease-ms",
            "1500",
        ],
    );
    wait_for("the first copies", Duration::from_secs(30), async || {
        completions(&storage, &codes).await.iter().sum::<usize>() >= 2
    })
    .await;
    first.kill().expect("SIGKILL");
    first.wait().unwrap();
    let before = completions(&storage, &codes).await.iter().sum::<usize>();
    assert!(
        before < codes.len(),
        "killed mid-queue ({before} of {} done)",
        codes.len()
    );

    // Started again: the leases of the jobs in hand run out and the queue drains.
    let mut second = start_server(&test_db.url, data.path(), &["--job-lease-ms", "1500"]);
    wait_for("the whole queue", Duration::from_secs(60), async || {
        completions(&storage, &codes).await.iter().all(|c| *c >= 1)
    })
    .await;
    assert!(
        completions(&storage, &codes).await.iter().all(|c| *c == 1),
        "every annotation completed exactly once"
    );
    second.kill().unwrap();
    second.wait().unwrap();
    storage.close().await;
}

async fn sigterm_stops_the_server_cleanly(db: Db) {
    let test_db = TestDb::new(db).await;
    let data = tempfile::tempdir().unwrap();
    let mut child = start_server(&test_db.url, data.path(), &[]);
    // Give it time to start listening and its workers to start.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success(), "clean exit on SIGTERM: {exit:?}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop on SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn without_a_message_gateway_only_a_demo_starts(db: Db) {
    let test_db = TestDb::new(db).await;
    let data = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("PORTAL_DATA_KEY_FILE", crate::helpers::data_key_file())
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            &test_db.url,
        ])
        .arg("--data-dir")
        .arg(data.path())
        .env("PORTAL_LOG", "warn")
        .env_remove("PORTAL_DEMO")
        .env_remove("PORTAL_SMS_GATEWAY")
        .output()
        .expect("run the server binary");
    assert!(!output.status.success(), "refused to start");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no message gateway is configured") && stderr.contains("--demo"),
        "says why and what to do: {stderr}"
    );
    // A half-configured gateway is refused too, naming what is missing.
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("PORTAL_DATA_KEY_FILE", crate::helpers::data_key_file())
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            &test_db.url,
        ])
        .args(["--sms-gateway", "aliyun", "--aliyun-access-key-id", "id"])
        .arg("--data-dir")
        .arg(data.path())
        .env("PORTAL_LOG", "warn")
        .output()
        .expect("run the server binary");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--aliyun-access-key-secret"));
}

/// `server serve` as in production: a real message gateway (unreachable here), no --demo and
/// no test controls; it is expected to refuse to start.
fn production_start(url: &str, data_dir: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .env("PORTAL_DATA_KEY_FILE", crate::helpers::data_key_file())
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", url])
        .args([
            "--sms-gateway",
            "aliyun",
            "--aliyun-sms-endpoint",
            "http://127.0.0.1:9/",
            "--aliyun-access-key-id",
            "id",
            "--aliyun-access-key-secret",
            "secret",
            "--aliyun-sms-sign-name",
            "证书查询",
            "--aliyun-sms-template-register",
            "SMS_1",
            "--aliyun-sms-template-reset",
            "SMS_2",
        ])
        .arg("--data-dir")
        .arg(data_dir)
        .env("PORTAL_LOG", "warn")
        .env_remove("PORTAL_DEMO")
        .env_remove("PORTAL_DEMO_DATA")
        .env_remove("PORTAL_ISSUER_KEY")
        .env_remove("PORTAL_ISSUER_CERT")
        .output()
        .expect("run the server binary")
}

/// A production start (a real message gateway, no --demo) with no signing key configured
/// refuses to generate a development key, and says what to pass instead.
async fn a_development_key_is_refused_outside_a_demo(db: Db) {
    let test_db = TestDb::new(db).await;
    let data = tempfile::tempdir().unwrap();
    let output = production_start(&test_db.url, data.path());
    assert!(!output.status.success(), "refused to start");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("development key")
            && stderr.contains("--issuer-key")
            && stderr.contains("server keys import")
            && stderr.contains("--demo"),
        "says why and what to pass: {stderr}"
    );
    assert!(
        !data.path().join("keys").exists(),
        "no development key was generated"
    );
}

/// With the PDF signing key in place but no credential key, a production start refuses too:
/// a credential key generated at each start would change the issuer's DID document under
/// every credential already handed out. It says which command makes one.
async fn no_credential_key_is_generated_outside_a_demo(db: Db) {
    use crate::operator::{run, stderr};
    let test_db = TestDb::new(db).await;
    let data = tempfile::tempdir().unwrap();
    let pdf_key = run(&test_db.url, data.path(), &["keys", "generate"]);
    assert!(pdf_key.status.success(), "{}", stderr(&pdf_key));

    let output = production_start(&test_db.url, data.path());
    assert!(!output.status.success(), "refused to start");
    let said = stderr(&output);
    assert!(
        said.contains("no credential signing key")
            && said.contains("server keys credential generate"),
        "says why and what to run: {said}"
    );
    let credential_keys = std::fs::read_dir(data.path().join("keys"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("credential-"))
        .count();
    assert_eq!(credential_keys, 0, "no credential key was generated");
}

async fn test_controls_refuse_a_public_listen_address(db: Db) {
    let test_db = TestDb::new(db).await;
    let data = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("PORTAL_DATA_KEY_FILE", crate::helpers::data_key_file())
        .args([
            "serve",
            "--demo",
            "--enable-test-controls",
            "--listen",
            "0.0.0.0:0",
        ])
        .args(["--database-url", &test_db.url])
        .arg("--data-dir")
        .arg(data.path())
        .env("PORTAL_LOG", "warn")
        .output()
        .expect("run the server binary");
    assert!(!output.status.success(), "refused to start");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("test controls need a loopback listen address"),
        "{stderr}"
    );
}

on_both_backends!(
    a_development_key_is_refused_outside_a_demo,
    no_credential_key_is_generated_outside_a_demo,
    test_controls_refuse_a_public_listen_address,
    a_killed_server_loses_and_repeats_nothing,
    sigterm_stops_the_server_cleanly,
    without_a_message_gateway_only_a_demo_starts,
);
