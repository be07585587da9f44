//! Annotation: applying, the 3-in-90-days rule under concurrency, production by the queue
//! (including crashes and several workers), the signed copy, and the checks made on every
//! view and download.

use crate::accounts::{resident_id, signed_up};
use crate::fixtures::example_record;
use crate::helpers::{client_for, inner_text, spawn_app, spawn_app_with, Db, Options, TestApp};
use crate::on_both_backends;
use app::domain::annotation::{Scenario, ValidityDays};
use app::domain::{
    AnnotationState, ApplyOutcome, CertificateRecord, CertificateStatus, NewAnnotation, NewHolder,
};
use app::domain::{HolderName, IdNumber, IdType, Mobile};
use reqwest::StatusCode;
use std::time::{Duration, Instant};
use time::macros::date;

fn e_certificate(number: &str, id: &str, name: &str) -> CertificateRecord {
    example_record().number(number).holder(id, name).build()
}

/// A signed-up holder with one post-cut-off e-certificate; returns its public id.
pub async fn holder_with_e_certificate(
    app: &TestApp,
    seq: u32,
    name: &str,
    number: &str,
) -> String {
    let id = resident_id(seq);
    signed_up(app, &id, name).await;
    app.state
        .storage
        .upsert_certificate(&e_certificate(number, &id, name), 1)
        .await
        .unwrap();
    app.state
        .storage
        .certificate_by_number(number)
        .await
        .unwrap()
        .unwrap()
        .public_id
}

pub async fn apply(
    app: &TestApp,
    client: &reqwest::Client,
    certificate: &str,
    days: &str,
) -> reqwest::Response {
    client
        .post(app.url(&format!("/certificates/{certificate}/annotate")))
        .form(&[
            ("certificate", certificate),
            ("scenario", "self_use"),
            ("validity_days", days),
        ])
        .send()
        .await
        .unwrap()
}

/// Applies with "other number of days" chosen and `days` typed in its field.
async fn apply_other(app: &TestApp, certificate: &str, days: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/certificates/{certificate}/annotate")))
        .form(&[
            ("certificate", certificate),
            ("scenario", "self_use"),
            ("validity_days", "other"),
            ("validity_other", days),
        ])
        .send()
        .await
        .unwrap()
}

async fn a_validity_other_than_the_choices_is_typed(db: Db) {
    let app = spawn_app(db).await;
    let cert = holder_with_e_certificate(&app, 46, "赵六", "2024000000000046").await;
    let (_, page) = app
        .get_text(&format!("/certificates/{cert}/annotate"))
        .await;
    for choice in ["90 天（建议）", "60 天", "30 天", "7 天", "其他天数"] {
        assert!(inner_text(&page).contains(choice), "{choice}");
    }
    assert!(
        page.contains(r#"value="90" checked"#),
        "the advised maximum is chosen"
    );

    let applied = apply_other(&app, &cert, "14").await;
    assert_eq!(applied.status(), StatusCode::SEE_OTHER);
    let annotations = settled(&app, "2024000000000046").await;
    assert_eq!(annotations[0].validity, ValidityDays::parse("14").unwrap());
}

async fn a_page_waiting_for_its_copy_reloads_itself_without_scripts(db: Db) {
    // No worker: the copy stays in production.
    let app = spawn_app_with(
        db,
        Options {
            workers: 0,
            ..Default::default()
        },
    )
    .await;
    let cert = holder_with_e_certificate(&app, 47, "钱七", "2024000000000047").await;
    let reload = r#"<noscript><meta http-equiv="refresh" content="2"></noscript>"#;
    let (_, before) = app
        .get_text(&format!("/certificates/{cert}/download"))
        .await;
    assert!(!before.contains(reload), "nothing to wait for yet");

    assert_eq!(
        apply(&app, &app.client, &cert, "90").await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, waiting) = app
        .get_text(&format!("/certificates/{cert}/download"))
        .await;
    assert!(inner_text(&waiting).contains("证书生成中"));
    assert!(waiting.contains(reload), "the download page reloads itself");
    let number = app
        .state
        .storage
        .certificate_by_number("2024000000000047")
        .await
        .unwrap()
        .unwrap();
    let queued = app
        .state
        .storage
        .annotations_of_certificate(number.id)
        .await
        .unwrap();
    let (_, copy_page) = app
        .get_text(&format!("/annotations/{}", queued[0].code))
        .await;
    assert!(copy_page.contains(reload), "and so does the copy's page");
}

/// Waits until every annotation of the certificate is produced (or failed).
pub async fn settled(app: &TestApp, number: &str) -> Vec<app::domain::Annotation> {
    let certificate = app
        .state
        .storage
        .certificate_by_number(number)
        .await
        .unwrap()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let all = app
            .state
            .storage
            .annotations_of_certificate(certificate.id)
            .await
            .unwrap();
        if !all.is_empty() && all.iter().all(|a| a.state != AnnotationState::Queued) {
            return all;
        }
        assert!(
            Instant::now() < deadline,
            "annotations still queued: {all:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is needed (poppler-utils): {e}"));
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

async fn apply_produce_view_and_download(db: Db) {
    let app = spawn_app(db).await;
    let cert = holder_with_e_certificate(&app, 41, "张𪚥", "2024320100000777").await;
    let (_, page) = app
        .get_text(&format!("/certificates/{cert}/download"))
        .await;
    assert!(inner_text(&page).contains("证书加注信息为空"));
    assert!(page.contains(&format!("/certificates/{cert}/annotate")));

    let applied = apply(&app, &app.client, &cert, "90").await;
    assert_eq!(applied.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        applied.headers()["location"],
        format!("/certificates/{cert}/download#annotations").as_str()
    );
    let annotations = settled(&app, "2024320100000777").await;
    assert_eq!(annotations.len(), 1);
    let a = &annotations[0];
    assert_eq!(a.state, AnnotationState::Ready);
    assert_eq!(
        a.valid_until.unwrap() - a.valid_from.unwrap(),
        90 * 86_400_000
    );

    let (_, page) = app
        .get_text(&format!("/certificates/{cert}/download"))
        .await;
    let text = inner_text(&page);
    assert!(
        text.contains(&a.number),
        "{} not on the page: {text}",
        a.number
    );
    assert!(text.contains("有效"));
    assert!(page.contains(&format!("/annotations/{}/download", a.code)));

    let download = app.get(&format!("/annotations/{}/download", a.code)).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    let disposition = download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment;"));
    assert!(disposition.contains(&format!("2024320100000777_{}.pdf", a.number)));
    let pdf = download.bytes().await.unwrap().to_vec();
    assert!(pdf.len() < 60 * 1024, "small: {} bytes", pdf.len());

    let verified = certpdf::verify_signed_pdf(&pdf, &[app.issuer.trusted_cert()]).unwrap();
    assert_eq!(verified.annotation_code, a.code);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let sig = tool("pdfsig", &[path.to_str().unwrap()]);
    assert!(sig.contains("Signature is Valid."), "{sig}");
    assert!(sig.contains("Total document signed"), "{sig}");
    let text = tool("pdftotext", &[path.to_str().unwrap(), "-"]);
    for expected in [
        "张𪚥",
        "2024320100000777",
        a.number.as_str(),
        "本人调用",
        "执业药师职业资格",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    assert!(text.contains(&app::domain::time::china_minute(a.valid_until.unwrap())));

    let inline = app.get(&format!("/annotations/{}/pdf", a.code)).await;
    assert!(inline.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("inline;"));
    let preview = app
        .get(&format!("/annotations/{}/preview.svg", a.code))
        .await;
    assert_eq!(preview.status(), StatusCode::OK);
    assert_eq!(preview.headers()["content-type"], "image/svg+xml");
    assert!(preview.text().await.unwrap().starts_with("<svg"));

    // To share: the copy's page gives its verification link and shows its QR code.
    let link = format!("{}/verify/{}", app.state.settings.public_url, a.code);
    let (_, copy_page) = app.get_text(&format!("/annotations/{}", a.code)).await;
    assert!(
        copy_page.contains(&format!(r#"value="{link}""#)),
        "the link to copy"
    );
    assert!(inner_text(&copy_page).contains("分享给验证方"));
    assert!(copy_page.contains(&format!("/annotations/{}/qr.svg", a.code)));
    let qr = app.get(&format!("/annotations/{}/qr.svg", a.code)).await;
    assert_eq!(qr.status(), StatusCode::OK);
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert_eq!(
        qr.text().await.unwrap(),
        certpdf::qr_svg(&link).unwrap(),
        "the QR code holds the verification link"
    );
}

async fn three_within_ninety_days_even_under_parallel_submissions(db: Db) {
    let app = spawn_app_with(
        db,
        Options {
            workers: 0,
            ..Default::default()
        },
    )
    .await;
    let cert = holder_with_e_certificate(&app, 42, "李雷", "2024000000000042").await;
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let client = app.client.clone();
            let url = app.url(&format!("/certificates/{cert}/annotate"));
            let cert = cert.clone();
            tokio::spawn(async move {
                client
                    .post(url)
                    .form(&[
                        ("certificate", cert.as_str()),
                        ("scenario", "self_use"),
                        ("validity_days", "30"),
                    ])
                    .send()
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut accepted = 0;
    let mut refusals = Vec::new();
    for task in tasks {
        let response = task.await.unwrap();
        match response.status() {
            StatusCode::SEE_OTHER => accepted += 1,
            StatusCode::CONFLICT => refusals.push(inner_text(&response.text().await.unwrap())),
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(accepted, 3, "exactly three accepted");
    assert_eq!(refusals.len(), 7);
    let today = app.state.clock.today();
    let next = (today + time::Duration::days(90)).to_string();
    assert!(
        refusals.iter().all(|r| r.contains(&next)),
        "says when: {next} in {refusals:?}"
    );
    let certificate = app
        .state
        .storage
        .certificate_by_number("2024000000000042")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        app.state
            .storage
            .annotations_of_certificate(certificate.id)
            .await
            .unwrap()
            .len(),
        3
    );
}

async fn every_request_rechecks_ownership_expiry_and_revocation(db: Db) {
    let app = spawn_app(db).await;
    let cert = holder_with_e_certificate(&app, 43, "韩梅梅", "2024000000000043").await;
    assert_eq!(
        apply(&app, &app.client, &cert, "1").await.status(),
        StatusCode::SEE_OTHER
    );
    let a = settled(&app, "2024000000000043").await.remove(0);
    let download = format!("/annotations/{}/download", a.code);
    assert_eq!(app.get(&download).await.status(), StatusCode::OK);

    // Another holder: not found, exactly like a code that does not exist.
    let other = crate::accounts::another_holder(&app, &resident_id(44), "别人").await;
    let copy_paths = [
        download.clone(),
        format!("/annotations/{}/pdf", a.code),
        format!("/annotations/{}/preview.svg", a.code),
        format!("/annotations/{}/qr.svg", a.code),
        format!("/annotations/{}", a.code),
    ];
    for path in &copy_paths {
        let response = other.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // A visitor: the files are not found; the page asks to log in first.
    let visitor = client_for(&app.base);
    for path in &copy_paths[..4] {
        let response = visitor.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let page = visitor.get(app.url(&copy_paths[4])).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::FOUND);

    // One day later the copy has expired, at the boundary exactly (the session has too:
    // log in again).
    app.state
        .clock
        .advance(a.valid_until.unwrap() - app.state.clock.now());
    let relogin = crate::accounts::login(&app, &resident_id(43), crate::accounts::PASSWORD).await;
    assert_eq!(relogin.status(), StatusCode::SEE_OTHER);
    let expired = app.get(&download).await;
    assert_eq!(expired.status(), StatusCode::SEE_OTHER);
    let expired_qr = app.get(&format!("/annotations/{}/qr.svg", a.code)).await;
    assert_eq!(
        expired_qr.status(),
        StatusCode::SEE_OTHER,
        "nothing to share once expired"
    );
    let (_, page) = app.get_text(&format!("/annotations/{}", a.code)).await;
    assert!(inner_text(&page).contains("加注件已过期"));
    let (_, list) = app
        .get_text(&format!("/certificates/{cert}/download"))
        .await;
    assert!(inner_text(&list).contains("加注件已过期"));

    // A new annotation, then the certificate is revoked: nothing can be downloaded.
    assert_eq!(
        apply(&app, &app.client, &cert, "90").await.status(),
        StatusCode::SEE_OTHER
    );
    let fresh = settled(&app, "2024000000000043").await;
    let fresh = fresh.iter().find(|x| x.code != a.code).unwrap();
    assert_eq!(
        app.get(&format!("/annotations/{}/download", fresh.code))
            .await
            .status(),
        StatusCode::OK
    );
    let mut record = e_certificate("2024000000000043", &resident_id(43), "韩梅梅");
    record.status = CertificateStatus::Revoked {
        on: date!(2026 - 01 - 01),
        reason: "撤销".into(),
    };
    app.state
        .storage
        .upsert_certificate(&record, 9)
        .await
        .unwrap();
    assert_eq!(
        app.get(&format!("/annotations/{}/download", fresh.code))
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let again = apply(&app, &app.client, &cert, "90").await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(inner_text(&again.text().await.unwrap()).contains("已撤销"));
    // Every view of the copy says so, and offers nothing to open or download.
    let (status, page) = app.get_text(&format!("/annotations/{}", fresh.code)).await;
    assert_eq!(status, StatusCode::OK);
    let text = inner_text(&page);
    assert!(
        text.contains("已撤销") && text.contains("不能加注、查看或下载"),
        "{text}"
    );
    assert!(!text.contains("✓"), "not shown as valid: {text}");
    assert!(!page.contains(&format!("/annotations/{}/download", fresh.code)));
    let (_, list) = app
        .get_text(&format!("/certificates/{cert}/download"))
        .await;
    assert!(!list.contains(&format!("/annotations/{}/download", fresh.code)));
    assert!(inner_text(&list).contains("不能加注、查看或下载"));
}

async fn bad_applications_are_refused_with_reasons(db: Db) {
    let app = spawn_app_with(
        db,
        Options {
            workers: 0,
            ..Default::default()
        },
    )
    .await;
    let cert = holder_with_e_certificate(&app, 45, "王五", "2024000000000045").await;
    for (days, message) in [
        ("0", "1 至 90 天"),
        ("91", "1 至 90 天"),
        ("abc", "整数天"),
        ("", "请填写加注有效期"),
    ] {
        let response = apply(&app, &app.client, &cert, days).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{days}"
        );
        assert!(
            inner_text(&response.text().await.unwrap()).contains(message),
            "{days}"
        );
    }
    // "Other number of days": the number typed is the one checked, and echoed back.
    for (other, message) in [("91", "1 至 90 天"), ("", "请填写加注有效期")] {
        let response = apply_other(&app, &cert, other).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{other}"
        );
        let html = response.text().await.unwrap();
        assert!(inner_text(&html).contains(message), "{other}");
        assert!(
            html.contains(&format!(r#"name="validity_other" type="number" min="1" max="90" step="1" inputmode="numeric" value="{other}""#)),
            "the typed number is kept: {other}"
        );
        assert!(
            html.contains(r#"value="other" checked"#),
            "other stays chosen"
        );
    }
    let unknown_scenario = app
        .client
        .post(app.url(&format!("/certificates/{cert}/annotate")))
        .form(&[
            ("certificate", cert.as_str()),
            ("scenario", "employer"),
            ("validity_days", "90"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(unknown_scenario.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Issued before the cut-off: viewed directly, no annotation.
    let mut old = e_certificate("2020000000000045", &resident_id(45), "王五");
    old.issued_on = date!(2021 - 12 - 16);
    app.state.storage.upsert_certificate(&old, 1).await.unwrap();
    let old_id = app
        .state
        .storage
        .certificate_by_number("2020000000000045")
        .await
        .unwrap()
        .unwrap()
        .public_id;
    let refused = apply(&app, &app.client, &old_id, "90").await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(inner_text(&refused.text().await.unwrap()).contains("不需要加注"));
    let direct = app
        .get(&format!("/certificates/{old_id}/e-certificate/download"))
        .await;
    assert_eq!(direct.status(), StatusCode::OK);
    let pdf = direct.bytes().await.unwrap();
    let verified = certpdf::verify_signed_pdf(&pdf, &[app.issuer.trusted_cert()]).unwrap();
    assert_eq!(verified.annotation_code, format!("e-{old_id}"));
    // The post-cut-off certificate has no direct e-certificate.
    assert_eq!(
        app.get(&format!("/certificates/{cert}/e-certificate/download"))
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    let app_count = app.state.storage.annotations_of_certificate(
        app.state
            .storage
            .certificate_by_number("2024000000000045")
            .await
            .unwrap()
            .unwrap()
            .id,
    );
    assert!(app_count.await.unwrap().is_empty(), "nothing was queued");
}

async fn a_failing_production_is_retried_then_shown_as_failed(db: Db) {
    let app = spawn_app_with(
        db,
        Options {
            fail_production: true,
            ..Default::default()
        },
    )
    .await;
    let cert = holder_with_e_certificate(&app, 46, "赵六", "2024000000000046").await;
    assert_eq!(
        apply(&app, &app.client, &cert, "90").await.status(),
        StatusCode::SEE_OTHER
    );
    let a = settled(&app, "2024000000000046").await.remove(0);
    assert_eq!(a.state, AnnotationState::Failed);
    assert_eq!(a.attempts, 2, "retried once before giving up");
    assert!(a
        .last_error
        .as_deref()
        .unwrap_or_default()
        .contains("test control"));
    let (_, page) = app
        .get_text(&format!("/certificates/{cert}/download"))
        .await;
    assert!(inner_text(&page).contains("生成失败"));
    assert!(!page.contains("test control"), "the cause stays in the log");
    assert_eq!(
        app.state.storage.failed_annotations().await.unwrap().len(),
        1
    );
    // A failed annotation does not count against the limit.
    assert!(inner_text(&page).contains("还可申请 3 次"));
}

/// Queues `count` annotations directly (three per certificate, the limit), for the queue tests.
pub async fn queue_annotations(storage: &app::storage::DynStorage, count: usize) -> Vec<String> {
    let id = resident_id(47);
    let holder = storage
        .insert_holder(&NewHolder {
            id_number: IdNumber::parse(IdType::ResidentIdCard, &id, (2026, 1, 1)).unwrap(),
            name: HolderName::parse("队列").unwrap(),
            mobile: Mobile::parse("13800000000").unwrap(),
            password_hash: "x".into(),
            created_at: 0,
        })
        .await
        .unwrap();
    let mut codes = Vec::new();
    for n in 0..count {
        let number = format!("Q{:015}", n / 3);
        if n % 3 == 0 {
            storage
                .upsert_certificate(&e_certificate(&number, &id, "队列"), 0)
                .await
                .unwrap();
        }
        let certificate = storage
            .certificate_by_number(&number)
            .await
            .unwrap()
            .unwrap();
        let now = time::OffsetDateTime::now_utc();
        let outcome = storage
            .apply_annotation(&NewAnnotation {
                code: app::infra::new_public_id(),
                number: format!("JZQ{n:08}"),
                certificate: certificate.id,
                holder,
                scenario: Scenario::SelfUse,
                validity: ValidityDays::parse("90").unwrap(),
                applied_at: (now.unix_timestamp_nanos() / 1_000_000) as i64,
                applied_on: now.date(),
            })
            .await
            .unwrap();
        match outcome {
            ApplyOutcome::Applied(a) => codes.push(a.code),
            ApplyOutcome::QuotaReached { .. } => panic!("quota"),
        }
    }
    codes
}

/// How many times each annotation was completed, from the audit log (must be once each).
pub async fn completions(storage: &app::storage::DynStorage, codes: &[String]) -> Vec<usize> {
    let mut counts = Vec::new();
    for code in codes {
        let (a, _) = storage
            .annotation_with_certificate(code)
            .await
            .unwrap()
            .unwrap();
        let entries = storage
            .audit_entries(&format!("annotation:{}", a.id.0))
            .await
            .unwrap();
        counts.push(
            entries
                .iter()
                .filter(|e| e.action == "annotation.ready")
                .count(),
        );
    }
    counts
}

async fn several_workers_share_one_database_safely(db: Db) {
    let first = spawn_app_with(
        db,
        Options {
            workers: 0,
            ..Default::default()
        },
    )
    .await;
    let codes = queue_annotations(&first.state.storage, 30).await;
    // Two more processes' worth of workers on the same database, each slow enough that both
    // get work.
    let mut apps = Vec::new();
    for _ in 0..2 {
        apps.push(
            crate::helpers::spawn_on(
                &first,
                Options {
                    workers: 2,
                    production_delay: Some(Duration::from_millis(20)),
                    ..Default::default()
                },
            )
            .await,
        );
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let counts = completions(&first.state.storage, &codes).await;
        if counts.iter().all(|c| *c >= 1) {
            assert!(
                counts.iter().all(|c| *c == 1),
                "each completed exactly once: {counts:?}"
            );
            break;
        }
        assert!(Instant::now() < deadline, "queue not drained: {counts:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut producers = std::collections::BTreeSet::new();
    for code in &codes {
        let (a, _) = first
            .state
            .storage
            .annotation_with_certificate(code)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(a.state, AnnotationState::Ready);
        producers.insert(
            a.produced_by
                .unwrap()
                .split('/')
                .next()
                .unwrap()
                .to_string(),
        );
    }
    assert!(producers.len() >= 2, "work was shared: {producers:?}");
}

on_both_backends!(
    apply_produce_view_and_download,
    three_within_ninety_days_even_under_parallel_submissions,
    every_request_rechecks_ownership_expiry_and_revocation,
    bad_applications_are_refused_with_reasons,
    a_validity_other_than_the_choices_is_typed,
    a_page_waiting_for_its_copy_reloads_itself_without_scripts,
    a_failing_production_is_retried_then_shown_as_failed,
    several_workers_share_one_database_safely,
);
