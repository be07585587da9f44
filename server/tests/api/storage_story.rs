//! One story through the storage interface, run on both backends, so they behave the same.

use crate::fixtures::{example_record, id_number};
use crate::helpers::{Db, TestDb};
use crate::on_both_backends;
use app::domain::{
    AuditEntry, CertificateRecord, CertificateStatus, NewCertificateFile, NewHolder, UpsertOutcome,
};
use app::domain::{HolderName, IdNumber, Mobile};
use app::storage::StorageError;
use time::macros::date;

fn id(number: &str) -> IdNumber {
    id_number(number)
}

fn record(number: &str, name: &str) -> CertificateRecord {
    example_record()
        .health_professional()
        .issuer("发证机构")
        .number(number)
        .holder("11010519491231002X", name)
        .build()
}

async fn holders_certificates_files_and_audit(db: Db) {
    let test_db = TestDb::new(db).await;
    let storage = server::open_storage(&test_db.url).await.unwrap();

    // Holders: insert, find by login, duplicate refused, rare characters kept exactly.
    let holder = NewHolder {
        id_number: id("11010519491231002X"),
        name: HolderName::parse("张𪚥").unwrap(),
        mobile: Mobile::parse("13800138000").unwrap(),
        password_hash: "$argon2id$placeholder".into(),
        created_at: 1_700_000_000_000,
    };
    let holder_id = storage.insert_holder(&holder).await.unwrap();
    let found = storage
        .holder_by_login(&holder.id_number)
        .await
        .unwrap()
        .expect("holder found");
    assert_eq!(found.id, holder_id);
    assert_eq!(found.name.as_str(), "张𪚥");
    assert!(matches!(
        storage.insert_holder(&holder).await,
        Err(StorageError::Conflict)
    ));
    assert_eq!(storage.count_holders().await.unwrap(), 1);
    assert!(storage
        .holder_by_login(&id("110105194912310011"))
        .await
        .unwrap()
        .is_none());

    // Certificates: insert, re-import unchanged, correction updates.
    let mut cert = record("2023000000000001", "张𪚥");
    let (cert_id, outcome) = storage.upsert_certificate(&cert, 1).await.unwrap();
    assert_eq!(outcome, UpsertOutcome::Inserted);
    let (same_id, outcome) = storage.upsert_certificate(&cert, 2).await.unwrap();
    assert_eq!((same_id, outcome), (cert_id, UpsertOutcome::Unchanged));
    cert.status = CertificateStatus::Revoked {
        on: date!(2024 - 01 - 02),
        reason: "撤销原因".into(),
    };
    let (_, outcome) = storage.upsert_certificate(&cert, 3).await.unwrap();
    assert_eq!(outcome, UpsertOutcome::Updated);
    let stored = storage
        .certificate_by_number("2023000000000001")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.record, cert);
    assert_eq!((stored.created_at, stored.updated_at), (1, 3));
    assert_eq!(stored.public_id.len(), 26);

    // Files: bytes in the content-addressed blob store, metadata listed without them.
    let sha256 = storage.put_blob(b"%PDF-1.7 test").await.unwrap();
    assert_eq!(sha256, app::infra::sha256_hex(b"%PDF-1.7 test"));
    assert_eq!(
        storage.put_blob(b"%PDF-1.7 test").await.unwrap(),
        sha256,
        "idempotent"
    );
    assert_eq!(
        storage.get_blob(&sha256).await.unwrap().as_deref(),
        Some(&b"%PDF-1.7 test"[..])
    );
    assert!(storage.get_blob("00").await.unwrap().is_none());
    let public_id = storage
        .insert_certificate_file(&NewCertificateFile {
            certificate_id: cert_id,
            file_name: "证书扫描件.pdf".into(),
            content_type: "application/pdf".into(),
            size: 13,
            sha256,
            created_at: 5,
        })
        .await
        .unwrap();
    let files = storage.files_of_certificate(cert_id).await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].public_id, public_id);
    assert_eq!(files[0].size, 13);
    assert_eq!(files[0].sha256, app::infra::sha256_hex(b"%PDF-1.7 test"));

    // Audit log.
    let entry = AuditEntry {
        at: 9,
        actor: "operator:test".into(),
        action: "revoke".into(),
        subject: "certificate:2023000000000001".into(),
        detail: r#"{"reason":"撤销原因"}"#.into(),
    };
    storage.append_audit(&entry).await.unwrap();
    assert_eq!(
        storage
            .audit_entries("certificate:2023000000000001")
            .await
            .unwrap(),
        vec![entry]
    );
    storage.close().await;
}

async fn demo_data_loads_once(db: Db) {
    let test_db = TestDb::new(db).await;
    let storage = server::open_storage(&test_db.url).await.unwrap();
    let state = server::app_state(storage.clone(), Default::default()).expect("app state");
    let first = server::demo::load(&state).await.unwrap();
    assert_eq!(first.holders_created, server::demo::DEMO_LOGINS.len());
    assert!(first.certificates_changed >= 5);
    assert!(first.files_attached >= 1);
    let second = server::demo::load(&state).await.unwrap();
    assert_eq!(
        (
            second.holders_created,
            second.certificates_changed,
            second.files_attached
        ),
        (0, 0, 0)
    );
    storage.close().await;
}

async fn rate_limit_windows_count_restart_and_expire(db: Db) {
    use app::storage::WindowCount;
    let test_db = TestDb::new(db).await;
    let storage = server::open_storage(&test_db.url).await.unwrap();
    const WINDOW: i64 = 1_000;
    let at = |count, window_start| WindowCount {
        count,
        window_start,
    };
    assert_eq!(
        storage.count_check("a", 5_000, WINDOW).await.unwrap(),
        at(1, 5_000)
    );
    assert_eq!(
        storage.count_check("a", 5_500, WINDOW).await.unwrap(),
        at(2, 5_000)
    );
    assert_eq!(
        storage.count_check("b", 5_600, WINDOW).await.unwrap(),
        at(1, 5_600)
    );
    assert_eq!(
        storage.count_check("a", 5_999, WINDOW).await.unwrap(),
        at(3, 5_000)
    );
    // The window has passed: a new one starts with this check.
    assert_eq!(
        storage.count_check("a", 6_000, WINDOW).await.unwrap(),
        at(1, 6_000)
    );
    // Only windows that started at or before the cut are removed.
    assert_eq!(storage.delete_expired_rate_limits(5_600).await.unwrap(), 1);
    assert_eq!(
        storage.count_check("b", 5_700, WINDOW).await.unwrap(),
        at(1, 5_700)
    );
    assert_eq!(
        storage.count_check("a", 6_100, WINDOW).await.unwrap(),
        at(2, 6_000)
    );
    storage.close().await;
}

/// An account's deletion: its sessions and audit details go, its certificate stays, a second
/// deletion finds nothing, and the same ID number can be registered again.
async fn deleting_a_holder_keeps_the_certificates(db: Db) {
    let test_db = TestDb::new(db).await;
    let storage = server::open_storage(&test_db.url).await.unwrap();
    let holder = NewHolder {
        id_number: id("11010519491231002X"),
        name: HolderName::parse("张𪚥").unwrap(),
        mobile: Mobile::parse("13800138000").unwrap(),
        password_hash: "$argon2id$placeholder".into(),
        created_at: 1_700_000_000_000,
    };
    let holder_id = storage.insert_holder(&holder).await.unwrap();
    storage
        .upsert_certificate(&record("2023000000000009", "张𪚥"), 1)
        .await
        .unwrap();
    storage
        .create_session(&app::domain::NewSession {
            token_hash: "t".repeat(64),
            holder: holder_id,
            created_at: 1_700_000_000_000,
            expires_at: 1_800_000_000_000,
        })
        .await
        .unwrap();
    assert_eq!(storage.sessions_of(holder_id).await.unwrap().len(), 1);
    let subject = format!("holder:{}", holder_id.0);
    storage
        .append_audit(&AuditEntry {
            at: 1_700_000_000_001,
            actor: subject.clone(),
            action: "holder.name_corrected".into(),
            subject: subject.clone(),
            detail: r#"{"before":"张三","after":"张𪚥"}"#.into(),
        })
        .await
        .unwrap();
    let deletion_line = AuditEntry {
        at: 1_700_000_000_002,
        actor: "deleted:abc".into(),
        action: "holder.deleted".into(),
        subject: "deleted:abc".into(),
        detail: "{}".into(),
    };
    let deletion = app::storage::HolderDeletion {
        holder: holder_id,
        now: 1_700_000_000_002,
        throttle_keys: &[],
        mobile: "13800138000",
        pseudonym: "deleted:abc",
        audit: &deletion_line,
    };
    let summary = storage.delete_holder(&deletion).await.unwrap();
    assert_eq!(summary.sessions_ended, 1);
    assert_eq!(summary.audit_lines_anonymised, 1);
    assert!(storage.audit_entries(&subject).await.unwrap().is_empty());
    let kept = storage.audit_entries("deleted:abc").await.unwrap();
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[0].detail, app::storage::ANONYMISED_DETAIL);
    assert!(storage.sessions_of(holder_id).await.unwrap().is_empty());
    assert!(matches!(
        storage.delete_holder(&deletion).await,
        Err(StorageError::NotFound)
    ));
    assert_eq!(storage.count_holders().await.unwrap(), 0);
    assert!(storage
        .certificate_by_number("2023000000000009")
        .await
        .unwrap()
        .is_some());
    storage.insert_holder(&holder).await.unwrap();
    assert!(storage
        .withdrawn_copy("nosuchcode")
        .await
        .unwrap()
        .is_none());
    storage.close().await;
}

on_both_backends!(
    holders_certificates_files_and_audit,
    demo_data_loads_once,
    rate_limit_windows_count_restart_and_expire,
    deleting_a_holder_keeps_the_certificates
);
