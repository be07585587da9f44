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
    let storage = server::open_storage(&test_db.url, crate::helpers::data_keys())
        .await
        .unwrap();

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
    let storage = server::open_storage(&test_db.url, crate::helpers::data_keys())
        .await
        .unwrap();
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
    let storage = server::open_storage(&test_db.url, crate::helpers::data_keys())
        .await
        .unwrap();
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

/// Signing keys retire once, never the active one; produced files are known per certificate.
async fn retired_keys_and_produced_files(db: Db) {
    let test_db = TestDb::new(db).await;
    let storage = server::open_storage(&test_db.url, crate::helpers::data_keys())
        .await
        .unwrap();
    let first = certpdf::IssuerKey::generate_self_signed("第一", "", 30).unwrap();
    let second = certpdf::IssuerKey::generate_self_signed("第二", "", 30).unwrap();
    server::keys::register_active(&storage, &first, 1)
        .await
        .unwrap();
    let fp = server::ops::keys::fingerprint(&first);
    let audit = AuditEntry {
        at: 2,
        actor: "operator:story".into(),
        action: "signing_key.retire".into(),
        subject: format!("signing_key:{fp}"),
        detail: "{}".into(),
    };
    assert!(matches!(
        storage.retire_signing_key(&fp, 2, &audit).await,
        Err(StorageError::Conflict)
    ));
    assert!(matches!(
        storage.retire_signing_key("00ff", 2, &audit).await,
        Err(StorageError::NotFound)
    ));
    server::keys::register_active(&storage, &second, 2)
        .await
        .unwrap();
    assert!(!storage.signing_key_retired(&fp).await.unwrap());
    assert!(storage.retire_signing_key(&fp, 3, &audit).await.unwrap());
    assert!(!storage.retire_signing_key(&fp, 4, &audit).await.unwrap());
    assert!(storage.signing_key_retired(&fp).await.unwrap());
    assert!(!storage.signing_key_retired("unknown").await.unwrap());
    let keys = storage.signing_keys().await.unwrap();
    assert_eq!(keys[0].retired_at, Some(3));
    assert_eq!(keys[1].retired_at, None);
    assert_eq!(
        storage
            .audit_entries(&format!("signing_key:{fp}"))
            .await
            .unwrap()
            .len(),
        1
    );

    let (a, _) = storage
        .upsert_certificate(&record("2023000000000001", "张三"), 1)
        .await
        .unwrap();
    let (b, _) = storage
        .upsert_certificate(&record("2023000000000002", "张三"), 1)
        .await
        .unwrap();
    let hash = "ab".repeat(32);
    assert!(!storage.is_produced_file(&hash, a).await.unwrap());
    storage.record_produced_file(&hash, a, 5).await.unwrap();
    storage.record_produced_file(&hash, a, 6).await.unwrap();
    assert!(storage.is_produced_file(&hash, a).await.unwrap());
    assert!(
        !storage.is_produced_file(&hash, b).await.unwrap(),
        "another certificate's file"
    );
    storage.close().await;
}

async fn api_keys_count_up_to_their_quota_per_day(db: Db) {
    use app::storage::NewApiKey;
    let test_db = TestDb::new(db).await;
    let storage = server::open_storage(&test_db.url, crate::helpers::data_keys())
        .await
        .unwrap();
    let new = |prefix: &str| NewApiKey {
        name: "人事系统".into(),
        prefix: prefix.into(),
        key_hash: format!("hash-{prefix}"),
        daily_quota: 2,
    };
    let id = storage
        .create_api_key(&new("cvk_aaaaaaaa"), 1_000, "operator:t")
        .await
        .unwrap();
    let other = storage
        .create_api_key(&new("cvk_bbbbbbbb"), 1_000, "operator:t")
        .await
        .unwrap();
    // The same prefix or digest twice is refused.
    assert!(storage
        .create_api_key(&new("cvk_aaaaaaaa"), 1_000, "operator:t")
        .await
        .is_err());
    assert!(storage.count_api_key_use(id, 7, 2).await.unwrap());
    assert!(storage.count_api_key_use(id, 7, 2).await.unwrap());
    assert!(
        !storage.count_api_key_use(id, 7, 2).await.unwrap(),
        "past the quota"
    );
    assert!(
        storage.count_api_key_use(id, 8, 2).await.unwrap(),
        "a new day"
    );
    assert!(
        storage.count_api_key_use(other, 7, 2).await.unwrap(),
        "per key"
    );
    let found = storage
        .api_key_by_hash("hash-cvk_aaaaaaaa", 7)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.id, found.used, found.revoked_at), (id, 2, None));
    assert!(storage
        .api_key_by_hash("hash-nothing", 7)
        .await
        .unwrap()
        .is_none());
    let revoked = storage
        .revoke_api_key("cvk_aaaaaaaa", 2_000, "operator:t")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(revoked.revoked_at, Some(2_000));
    // Again: nothing changes, by id as by prefix.
    let again = storage
        .revoke_api_key(&id.to_string(), 3_000, "operator:t")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.revoked_at, Some(2_000));
    assert!(storage
        .revoke_api_key("cvk_zzzzzzzz", 3_000, "operator:t")
        .await
        .unwrap()
        .is_none());
    let listed = storage.api_keys(8).await.unwrap();
    let used: Vec<(i64, i64)> = listed.iter().map(|k| (k.id, k.used)).collect();
    assert_eq!(used, [(id, 1), (other, 0)]);
    assert_eq!(storage.delete_api_key_use_before(8).await.unwrap(), 2);
    assert_eq!(
        storage
            .audit_entries("api_key:cvk_aaaaaaaa")
            .await
            .unwrap()
            .len(),
        2
    );
    storage.close().await;
}

async fn the_verification_log_folds_repeats_and_shows_a_few_lines_per_source(db: Db) {
    use app::domain::{Method, Verdict, VerificationRecord, REPEAT_WINDOW_MS};
    let test_db = TestDb::new(db).await;
    let storage = server::open_storage(&test_db.url, crate::helpers::data_keys())
        .await
        .unwrap();
    storage
        .upsert_certificate(&record("2024000000000099", "王五"), 1)
        .await
        .unwrap();
    let certificate = storage
        .certificate_by_number("2024000000000099")
        .await
        .unwrap()
        .unwrap();
    let check = |at: i64, source: &str, purpose: &str| VerificationRecord {
        at,
        method: Method::ApiCode,
        certificate: certificate.id,
        annotation: None,
        verdict: Verdict::CertificateValid,
        purpose: Some(purpose.to_string()),
        source: source.to_string(),
    };
    let t = 100 * REPEAT_WINDOW_MS;
    // A repeat in the batch, and one in a later batch: one line.
    storage
        .append_verifications(&[check(t, "a", "入职"), check(t + 1, "a", "入职")])
        .await
        .unwrap();
    storage
        .append_verifications(&[check(t + 2, "a", "入职"), check(t + 3, "b", "入职")])
        .await
        .unwrap();
    let lines = storage
        .verifications_of_certificate(certificate.id, 100, 3)
        .await
        .unwrap();
    let shape: Vec<(String, i64)> = lines
        .iter()
        .map(|l| (l.record.source.clone(), l.more))
        .collect();
    assert_eq!(shape, [("b".to_string(), 0), ("a".to_string(), 2)]);
    // Five more lines from "c": three are shown, the third counting the other two.
    let flood: Vec<_> = (0..5)
        .map(|i| check(t + 10 + i, "c", &format!("p{i}")))
        .collect();
    storage.append_verifications(&flood).await.unwrap();
    let lines = storage
        .verifications_of_certificate(certificate.id, 100, 3)
        .await
        .unwrap();
    let shape: Vec<(String, i64)> = lines
        .iter()
        .map(|l| (l.record.source.clone(), l.more))
        .collect();
    let expected = [("c", 0), ("c", 0), ("c", 2), ("b", 0), ("a", 2)];
    assert_eq!(shape, expected.map(|(s, n)| (s.to_string(), n)));
    // The limit, and the sweep by age.
    assert_eq!(
        storage
            .verifications_of_certificate(certificate.id, 2, 3)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        storage.delete_verifications_before(t + 10).await.unwrap(),
        2
    );
    assert_eq!(
        storage
            .verifications_of_certificate(certificate.id, 100, 10)
            .await
            .unwrap()
            .len(),
        5
    );
    storage.close().await;
}

/// An account's deletion: its sessions and audit details go, its certificate stays, a second
/// deletion finds nothing, and the same ID number can be registered again.
async fn deleting_a_holder_keeps_the_certificates(db: Db) {
    let test_db = TestDb::new(db).await;
    let storage = server::open_storage(&test_db.url, crate::helpers::data_keys())
        .await
        .unwrap();
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

/// Appeals: a draft with its photo, filed once; one pending per ID number; approval locks the
/// account (sessions end, login and sessions skip it) and frees the ID number for a new one;
/// expired drafts go with their photos.
async fn appeals_lock_the_account_and_free_the_id_number(db: Db) {
    use app::domain::appeal::{AppealDecision, AppealState, NewAppealDraft, PhotoType};
    let test_db = TestDb::new(db).await;
    let storage = server::open_storage(&test_db.url, crate::helpers::data_keys())
        .await
        .unwrap();
    let squatter = NewHolder {
        id_number: id("11010519491231002X"),
        name: HolderName::parse("冒用").unwrap(),
        mobile: Mobile::parse("13800138000").unwrap(),
        password_hash: "$argon2id$placeholder".into(),
        created_at: 1,
    };
    let squatter_id = storage.insert_holder(&squatter).await.unwrap();
    storage
        .create_session(&app::domain::NewSession {
            token_hash: "tok".into(),
            holder: squatter_id,
            created_at: 1,
            expires_at: i64::MAX / 2,
        })
        .await
        .unwrap();
    let draft = |ticket: &str| NewAppealDraft {
        ticket: ticket.into(),
        id_number: id("11010519491231002X"),
        name: HolderName::parse("张三").unwrap(),
        mobile: Mobile::parse("13900139000").unwrap(),
        statement: "不是我注册的".into(),
        photo_type: PhotoType::Png,
        created_at: 2,
    };
    let first = storage
        .insert_appeal_draft(&draft("t1"), b"\x89PNG one")
        .await
        .unwrap();
    let second = storage
        .insert_appeal_draft(&draft("t2"), b"\x89PNG two")
        .await
        .unwrap();
    assert!(
        storage.appeals(None, 10).await.unwrap().is_empty(),
        "drafts are not listed"
    );
    storage.file_appeal(first, "AAAAAAAAAA", 3).await.unwrap();
    assert!(matches!(
        storage.file_appeal(second, "BBBBBBBBBB", 3).await,
        Err(StorageError::Conflict)
    ));
    assert!(matches!(
        storage.file_appeal(first, "CCCCCCCCCC", 3).await,
        Err(StorageError::NotFound)
    ));
    let filed = storage
        .appeal_by_number("AAAAAAAAAA")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((filed.id, filed.state), (first, AppealState::Pending));
    assert_eq!(filed.photo_type, PhotoType::Png);

    let decided = storage
        .decide_appeal(
            first,
            &AppealDecision::Approve { note: None },
            "operator:t",
            4,
        )
        .await
        .unwrap();
    assert_eq!(decided.locked_holder, Some(squatter_id));
    assert_eq!(decided.sessions_ended, 1);
    assert!(matches!(
        storage
            .decide_appeal(
                first,
                &AppealDecision::Reject { reason: "x".into() },
                "operator:t",
                5
            )
            .await,
        Err(StorageError::Conflict)
    ));
    assert!(storage.session("tok").await.unwrap().is_none());
    let id_number = id("11010519491231002X");
    assert!(storage.holder_by_login(&id_number).await.unwrap().is_none());
    let locked = storage
        .locked_holder_by_login(&id_number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(locked.id, squatter_id);
    // The ID number registers again; once more is a conflict.
    let owner = NewHolder {
        name: HolderName::parse("张三").unwrap(),
        ..squatter.clone()
    };
    let owner_id = storage.insert_holder(&owner).await.unwrap();
    assert_ne!(owner_id, squatter_id);
    assert!(matches!(
        storage.insert_holder(&owner).await,
        Err(StorageError::Conflict)
    ));
    assert_eq!(
        storage
            .holder_by_login(&id_number)
            .await
            .unwrap()
            .unwrap()
            .id,
        owner_id
    );
    let audit = storage.audit_entries("appeal:AAAAAAAAAA").await.unwrap();
    assert_eq!(audit[0].action, "appeal.approved");
    assert_eq!(
        storage
            .audit_entries(&format!("holder:{}", squatter_id.0))
            .await
            .unwrap()[0]
            .action,
        "holder.locked"
    );

    // The second draft (its code gone) and its photo are swept; the filed one's photo stays.
    let photo_two = app::infra::sha256_hex(b"\x89PNG two");
    assert_eq!(storage.purge_appeal_drafts(10).await.unwrap(), 1);
    assert!(storage.get_blob(&photo_two).await.unwrap().is_none());
    assert!(storage
        .get_blob(&filed.photo_sha256)
        .await
        .unwrap()
        .is_some());
    storage.close().await;
}

/// Credential keys (one active, the active one not retirable) and status-list entries: one
/// per copy code, kept, at distinct indexes; a code with no annotation (withdrawn) counts as
/// revoked.
async fn credential_keys_and_status_entries(db: Db) {
    let test_db = TestDb::new(db).await;
    let storage = server::open_storage(&test_db.url, crate::helpers::data_keys())
        .await
        .unwrap();
    storage
        .register_credential_key("z6MkFirst", 1, true)
        .await
        .unwrap();
    storage
        .register_credential_key("z6MkSecond", 2, false)
        .await
        .unwrap();
    storage
        .register_credential_key("z6MkFirst", 3, true)
        .await
        .unwrap();
    let keys = storage.credential_keys().await.unwrap();
    assert_eq!(
        keys.iter()
            .map(|k| (k.public_key.as_str(), k.active))
            .collect::<Vec<_>>(),
        [("z6MkFirst", true), ("z6MkSecond", false)]
    );
    let audit = AuditEntry {
        at: 4,
        actor: "operator:story".into(),
        action: "credential_key.retire".into(),
        subject: "credential_key:z6MkFirst".into(),
        detail: "{}".into(),
    };
    assert!(matches!(
        storage.retire_credential_key("z6MkFirst", 4, &audit).await,
        Err(StorageError::Conflict)
    ));
    assert!(matches!(
        storage.retire_credential_key("z6MkNone", 4, &audit).await,
        Err(StorageError::NotFound)
    ));
    assert!(storage
        .retire_credential_key("z6MkSecond", 4, &audit)
        .await
        .unwrap());
    assert!(!storage
        .retire_credential_key("z6MkSecond", 5, &audit)
        .await
        .unwrap());
    assert_eq!(
        storage.credential_keys().await.unwrap()[1].retired_at,
        Some(4)
    );

    assert!(!storage.status_list_exists(1).await.unwrap());
    let mut seen = std::collections::HashSet::new();
    for n in 0..50 {
        let code = format!("code{n}");
        let (list, index) = storage.credential_status_entry(&code, 6).await.unwrap();
        assert_eq!(list, 1);
        assert!((0..app::storage::STATUS_LIST_SIZE).contains(&index));
        assert!(seen.insert(index), "distinct indexes");
        assert_eq!(
            storage.credential_status_entry(&code, 7).await.unwrap(),
            (list, index),
            "kept"
        );
    }
    assert!(storage.status_list_exists(1).await.unwrap());
    // No annotation has these codes: as a withdrawn copy's, every bit is set.
    assert_eq!(storage.revoked_status_indexes(1).await.unwrap().len(), 50);
    assert!(storage.revoked_status_indexes(2).await.unwrap().is_empty());
    storage.close().await;
}

on_both_backends!(
    credential_keys_and_status_entries,
    holders_certificates_files_and_audit,
    demo_data_loads_once,
    rate_limit_windows_count_restart_and_expire,
    retired_keys_and_produced_files,
    api_keys_count_up_to_their_quota_per_day,
    the_verification_log_folds_repeats_and_shows_a_few_lines_per_source,
    deleting_a_holder_keeps_the_certificates,
    appeals_lock_the_account_and_free_the_id_number,
);
