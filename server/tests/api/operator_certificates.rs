//! The operator's single-certificate commands through the real binary, against a running
//! application: revoking flips what the holder sees and what verification reads at once,
//! reinstating flips it back; attached files appear for the holder and detached ones are
//! gone; every change is in the audit log; bad arguments are refused with a message.

use crate::accounts::signed_up;
use crate::helpers::{inner_text, spawn_app, Db, TestApp};
use crate::on_both_backends;
use crate::operator::{good_row, resident_id, run, stderr, stdout, write, HEADER};
use reqwest::StatusCode;
use std::time::{Duration, Instant};

/// Imports one post-cut-off e-certificate for a signed-up holder; returns its public id.
async fn holder_with_certificate(
    app: &TestApp,
    dir: &std::path::Path,
    seq: u32,
    name: &str,
    number: &str,
) -> String {
    signed_up(app, &resident_id(seq), name).await;
    let file = write(
        dir,
        "one.csv",
        &format!("{HEADER}\n{}\n", good_row(number, seq, name)),
    );
    let output = run(&app.db_url(), dir, &["import", file.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    app.state
        .storage
        .certificate_by_number(number)
        .await
        .unwrap()
        .unwrap()
        .public_id
}

/// Applies for an annotation as the holder and waits until it is produced; returns its code.
async fn produced_annotation(app: &TestApp, certificate: &str, number: &str) -> String {
    let response = app
        .post_form(
            &format!("/certificates/{certificate}/annotate"),
            &[
                ("certificate", certificate),
                ("scenario", "self_use"),
                ("validity_days", "90"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let id = app
        .state
        .storage
        .certificate_by_number(number)
        .await
        .unwrap()
        .unwrap()
        .id;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let annotations = app
            .state
            .storage
            .annotations_of_certificate(id)
            .await
            .unwrap();
        if let Some(a) = annotations
            .iter()
            .find(|a| a.state == app::domain::AnnotationState::Ready)
        {
            return a.code.clone();
        }
        assert!(Instant::now() < deadline, "annotation not produced");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// What the list says under a revoked certificate (the word 已撤销 alone is also in the
/// page's explanation of the two clocks).
const REVOKED_NOTE: &str = "请联系证书发放机构：国家卫生健康委员会人才交流服务中心";

async fn list_text(app: &TestApp) -> String {
    let (status, html) = app.get_text("/certificates").await;
    assert_eq!(status, StatusCode::OK);
    inner_text(&html)
}

async fn revoke_and_reinstate_take_effect_at_once(db: Db) {
    let app = spawn_app(db).await;
    let dir = tempfile::tempdir().unwrap();
    let url = app.db_url();
    let number = "2024000000000061";
    let certificate = holder_with_certificate(&app, dir.path(), 61, "韩梅梅", number).await;
    let code = produced_annotation(&app, &certificate, number).await;
    let download = format!("/annotations/{code}/download");
    assert_eq!(app.get(&download).await.status(), StatusCode::OK);
    assert!(!list_text(&app).await.contains(REVOKED_NOTE));

    let output = run(
        &url,
        dir.path(),
        &[
            "revoke",
            number,
            "--reason",
            "以不正当手段取得证书",
            "--date",
            "2025-01-02",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("revoked on 2025-01-02"));

    // The holder sees it revoked, and the annotated copy is refused, at once.
    let text = list_text(&app).await;
    assert!(text.contains(REVOKED_NOTE), "{text}");
    assert_eq!(app.get(&download).await.status(), StatusCode::SEE_OTHER);
    // What verification reads for the copy: its certificate, revoked.
    let (_, read) = app
        .state
        .storage
        .annotation_with_certificate(&code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        read.record.status,
        app::domain::CertificateStatus::Revoked {
            on: time::macros::date!(2025 - 01 - 02),
            reason: "以不正当手段取得证书".into()
        }
    );

    // Revoking again the same way changes nothing; another way is refused.
    let same = run(
        &url,
        dir.path(),
        &[
            "revoke",
            number,
            "--reason",
            "以不正当手段取得证书",
            "--date",
            "2025-01-02",
        ],
    );
    assert!(same.status.success());
    assert!(stdout(&same).contains("nothing changed"));
    let other = run(
        &url,
        dir.path(),
        &["revoke", number, "--reason", "别的原因"],
    );
    assert_eq!(other.status.code(), Some(1));
    assert!(stderr(&other).contains("reinstate it first"));

    let output = run(
        &url,
        dir.path(),
        &["reinstate", number, "--reason", "复核后恢复"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!list_text(&app).await.contains(REVOKED_NOTE));
    assert_eq!(app.get(&download).await.status(), StatusCode::OK);
    let (_, read) = app
        .state
        .storage
        .annotation_with_certificate(&code)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.record.status, app::domain::CertificateStatus::Valid);

    let audit = app
        .state
        .storage
        .audit_entries(&format!("certificate:{number}"))
        .await
        .unwrap();
    let actions: Vec<(&str, &str)> = audit
        .iter()
        .map(|e| (e.action.as_str(), e.actor.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("certificate.revoke", "operator:tester"),
            ("certificate.reinstate", "operator:tester")
        ]
    );
    let revoke: serde_json::Value = serde_json::from_str(&audit[0].detail).unwrap();
    assert_eq!(
        revoke["changed"]["revoke_reason"]["after"],
        "以不正当手段取得证书"
    );
    let reinstate: serde_json::Value = serde_json::from_str(&audit[1].detail).unwrap();
    assert_eq!(reinstate["note"], "复核后恢复");

    // Bad arguments: a clear message and a non-zero exit code, nothing changed.
    for (args, code, message) in [
        (
            vec!["revoke", "NO-SUCH", "--reason", "x"],
            1,
            "no certificate has the number",
        ),
        (
            vec!["revoke", number, "--reason", "x", "--date", "2025-13-01"],
            2,
            "not a date",
        ),
        (
            vec!["revoke", number, "--reason", "x", "--date", "2099-01-01"],
            1,
            "in the future",
        ),
        (
            vec!["revoke", number, "--reason", "x", "--date", "2020-01-01"],
            1,
            "before the certificate's issue date",
        ),
        (
            vec!["revoke", number, "--reason", "  "],
            1,
            "must not be empty",
        ),
        (vec!["revoke", number], 2, "--reason"),
        (
            vec!["reinstate", "NO-SUCH"],
            1,
            "no certificate has the number",
        ),
    ] {
        let output = run(&url, dir.path(), &args);
        assert_eq!(
            output.status.code(),
            Some(code),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    assert_eq!(
        app.state
            .storage
            .audit_entries(&format!("certificate:{number}"))
            .await
            .unwrap()
            .len(),
        2
    );
}

async fn attached_files_appear_for_the_holder_and_detached_ones_are_gone(db: Db) {
    let app = spawn_app(db).await;
    let dir = tempfile::tempdir().unwrap();
    let url = app.db_url();
    let number = "2024000000000062";
    let certificate = holder_with_certificate(&app, dir.path(), 62, "李雷", number).await;
    let pdf = write(dir.path(), "scan", "%PDF-1.4\n% a scanned certificate\n");
    let output = run(
        &url,
        dir.path(),
        &[
            "attach",
            number,
            pdf.to_str().unwrap(),
            "--name",
            "证书扫描件",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let file_id = stdout(&output)
        .split_whitespace()
        .last()
        .unwrap()
        .to_string();
    assert!(stdout(&output).contains("证书扫描件.pdf (application/pdf"));

    let page = format!("/certificates/{certificate}/download");
    let (_, html) = app.get_text(&page).await;
    assert!(inner_text(&html).contains("证书扫描件.pdf"));
    let served = app.get(&format!("/files/{file_id}")).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "application/pdf");
    assert_eq!(
        served.bytes().await.unwrap().as_ref(),
        b"%PDF-1.4\n% a scanned certificate\n"
    );
    let listed = run(&url, dir.path(), &["files", number]);
    assert!(stdout(&listed).contains(&file_id), "{}", stdout(&listed));

    // The type is judged by the content; a mismatch or an unknown type is refused.
    let text = write(dir.path(), "notes.pdf", "just text");
    let refused = run(
        &url,
        dir.path(),
        &["attach", number, text.to_str().unwrap()],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("not a PDF, JPEG, PNG or OFD file"));
    let mismatch = run(
        &url,
        dir.path(),
        &[
            "attach",
            number,
            pdf.to_str().unwrap(),
            "--content-type",
            "image/png",
        ],
    );
    assert_eq!(mismatch.status.code(), Some(1));
    assert!(stderr(&mismatch).contains("does not match"));
    let nowhere = run(
        &url,
        dir.path(),
        &["attach", "NO-SUCH", pdf.to_str().unwrap()],
    );
    assert_eq!(nowhere.status.code(), Some(1));

    let output = run(&url, dir.path(), &["detach", &file_id]);
    assert!(output.status.success(), "{}", stderr(&output));
    let (_, html) = app.get_text(&page).await;
    assert!(!inner_text(&html).contains("证书扫描件.pdf"));
    assert_eq!(
        app.get(&format!("/files/{file_id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let again = run(&url, dir.path(), &["detach", &file_id]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("no certificate file has the id"));

    let audit = app
        .state
        .storage
        .audit_entries(&format!("certificate:{number}"))
        .await
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["certificate.attach_file", "certificate.detach_file"]
    );
    let detached: serde_json::Value = serde_json::from_str(&audit[1].detail).unwrap();
    assert_eq!(detached["file"], file_id.as_str());
    assert_eq!(detached["bytes_removed"], true);
}

async fn help_lists_every_command_and_failed_annotations_are_listed(db: Db) {
    let app = spawn_app(db).await;
    let dir = tempfile::tempdir().unwrap();
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    let text = stdout(&help);
    for command in [
        "serve",
        "migrate",
        "demo-data",
        "import",
        "gen-import",
        "revoke",
        "reinstate",
        "attach",
        "detach",
        "files",
        "keys",
        "annotations",
    ] {
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with(&format!("{command} "))),
            "{command} in {text}"
        );
    }
    let unknown = run(&app.db_url(), dir.path(), &["frobnicate"]);
    assert_eq!(unknown.status.code(), Some(2));

    let none = run(&app.db_url(), dir.path(), &["annotations", "--failed"]);
    assert!(none.status.success(), "{}", stderr(&none));
    assert!(stdout(&none).contains("no failed annotations"));
    let neither = run(&app.db_url(), dir.path(), &["annotations"]);
    assert_eq!(neither.status.code(), Some(2));
}

on_both_backends!(
    revoke_and_reinstate_take_effect_at_once,
    attached_files_appear_for_the_holder_and_detached_ones_are_gone,
    help_lists_every_command_and_failed_annotations_are_listed
);
