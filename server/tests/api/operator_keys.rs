//! `server keys …` through the real binary: generate, show, list, rotate, import, activate.
//! After a rotation new copies are signed with the new key, and a copy signed with the old
//! key still verifies against the registry (every registered certificate is trusted).

use crate::helpers::{spawn_app, Db, TestDb};
use crate::on_both_backends;
use crate::operator::{run, stderr, stdout};
use crate::verification::{api_file, api_get, produced_copy};
use certpdf::{
    AnnotationFace, CertificateDocument, CertificateFace, IssuerKey, TrustedCert, VerifyError,
};

fn fingerprint_in(output: &std::process::Output) -> String {
    stdout(output)
        .lines()
        .find_map(|l| l.strip_prefix("fingerprint: "))
        .unwrap_or_else(|| panic!("no fingerprint in {}", stdout(output)))
        .trim()
        .to_string()
}

/// What a server starting now would sign with.
async fn signing_key(storage: &app::storage::DynStorage, data_dir: &std::path::Path) -> IssuerKey {
    server::keys::load_active(storage, data_dir, None, None, 0, false)
        .await
        .unwrap()
}

fn signed_copy(issuer: &IssuerKey, code: &str) -> Vec<u8> {
    let doc = CertificateDocument {
        certificate: CertificateFace {
            holder_name: "张𪚥".into(),
            masked_id_number: "1101**********002X".into(),
            qualification: "卫生专业技术资格".into(),
            level: "中级".into(),
            specialty: "儿科学".into(),
            number: "2023110100123456".into(),
            issue_date: "2023-06-30".into(),
            issuer: "国家卫生健康委员会人才交流服务中心".into(),
        },
        annotation: Some(AnnotationFace {
            number: "JZ0001".into(),
            scenario: "本人调用".into(),
            valid_from: "2026-01-01 10:00".into(),
            valid_until: "2026-03-31 10:00".into(),
            produced_at: "2026-01-01 10:00:00".into(),
        }),
        verify_url: format!("http://127.0.0.1/verify/{code}"),
        verification_code: code.into(),
    };
    certpdf::render_certificate_pdf(&server::fonts().unwrap(), issuer, &doc).unwrap()
}

async fn registry(storage: &app::storage::DynStorage) -> Vec<TrustedCert> {
    storage
        .signing_keys()
        .await
        .unwrap()
        .iter()
        .map(|k| TrustedCert::from_pem(&k.cert_pem).unwrap())
        .collect()
}

async fn rotation_keeps_old_copies_verifying(db: Db) {
    let test_db = TestDb::new(db).await;
    let data = tempfile::tempdir().unwrap();
    let url = test_db.url.clone();
    let storage = server::open_storage(&url, crate::helpers::data_keys())
        .await
        .unwrap();

    let none = run(&url, data.path(), &["keys", "show"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(stderr(&none).contains("no active signing key"));

    let generated = run(
        &url,
        data.path(),
        &[
            "keys",
            "generate",
            "--common-name",
            "测试签名证书",
            "--organization",
            "测试发证机构",
        ],
    );
    assert!(generated.status.success(), "{}", stderr(&generated));
    let first = fingerprint_in(&generated);
    assert!(
        stdout(&generated).contains("active:      yes"),
        "the first key is active"
    );
    assert!(stdout(&generated).contains("CN=测试签名证书"));
    let key_file = data.path().join("keys").join(format!("{first}.key.pem"));
    assert!(key_file.is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the private key is readable by its owner only"
        );
    }
    let old_key = signing_key(&storage, data.path()).await;
    assert_eq!(server::ops::keys::fingerprint(&old_key), first);
    let old_copy = signed_copy(&old_key, "old-copy");

    let rotated = run(&url, data.path(), &["keys", "rotate"]);
    assert!(rotated.status.success(), "{}", stderr(&rotated));
    let second = fingerprint_in(&rotated);
    assert_ne!(first, second);
    assert!(stdout(&rotated).contains("copies signed with it keep verifying"));

    // New copies are signed with the new key…
    let new_key = signing_key(&storage, data.path()).await;
    assert_eq!(server::ops::keys::fingerprint(&new_key), second);
    let new_copy = signed_copy(&new_key, "new-copy");
    // …and both verify against the registry.
    let trusted = registry(&storage).await;
    assert_eq!(trusted.len(), 2);
    let old = certpdf::verify_signed_pdf(&old_copy, &trusted).unwrap();
    assert_eq!(server::keys::hex(&old.signer_fingerprint), first);
    assert_eq!(old.annotation_code, "old-copy");
    let new = certpdf::verify_signed_pdf(&new_copy, &trusted).unwrap();
    assert_eq!(server::keys::hex(&new.signer_fingerprint), second);
    // Without the old certificate in the registry, the old copy would not verify.
    assert_eq!(
        certpdf::verify_signed_pdf(&old_copy, &[new_key.trusted_cert()]),
        Err(VerifyError::UnknownSigner)
    );

    let show = run(&url, data.path(), &["keys", "show"]);
    assert!(show.status.success());
    assert_eq!(fingerprint_in(&show), second);
    assert!(stdout(&show).contains("older keys:  1"));
    let list = stdout(&run(&url, data.path(), &["keys", "list"]));
    assert!(list.contains(&format!("* {second}")), "{list}");
    assert!(list.contains(&format!("  {first}")), "{list}");

    // Importing PEM files: a matching pair is registered (not active: one already is)…
    let outside = IssuerKey::generate_self_signed("外部签名证书", "外部机构", 365).unwrap();
    let (key_pem, cert_pem) = outside.to_pem();
    let key_path = data.path().join("outside.key.pem");
    let cert_path = data.path().join("outside.cert.pem");
    std::fs::write(&key_path, &key_pem).unwrap();
    std::fs::write(&cert_path, &cert_pem).unwrap();
    let imported = run(
        &url,
        data.path(),
        &[
            "keys",
            "import",
            key_path.to_str().unwrap(),
            cert_path.to_str().unwrap(),
        ],
    );
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert!(stdout(&imported).contains("active:      no"));
    assert_eq!(
        fingerprint_in(&imported),
        server::ops::keys::fingerprint(&outside)
    );
    // …a key with another key's certificate is refused.
    let (_, other_cert) = new_key.to_pem();
    std::fs::write(&cert_path, other_cert).unwrap();
    let mismatched = run(
        &url,
        data.path(),
        &[
            "keys",
            "import",
            key_path.to_str().unwrap(),
            cert_path.to_str().unwrap(),
        ],
    );
    assert_eq!(mismatched.status.code(), Some(1));
    assert!(stderr(&mismatched).contains("not a usable key pair"));

    // Going back to the first key.
    let activated = run(&url, data.path(), &["keys", "activate", &first[..12]]);
    assert!(activated.status.success(), "{}", stderr(&activated));
    let back = signing_key(&storage, data.path()).await;
    assert_eq!(server::ops::keys::fingerprint(&back), first);
    let ambiguous = run(&url, data.path(), &["keys", "activate", "abc"]);
    assert_eq!(ambiguous.status.code(), Some(1));

    let audit = storage
        .audit_entries(&format!("signing_key:{second}"))
        .await
        .unwrap();
    assert_eq!(audit[0].action, "signing_key.rotate");
    assert_eq!(audit[0].actor, "operator:tester");
    storage.close().await;
}

/// A development key is generated in a demonstration only; one generated then is refused
/// when the same data is later served outside a demonstration.
async fn a_development_key_only_in_a_demonstration(db: Db) {
    let test_db = TestDb::new(db).await;
    let data = tempfile::tempdir().unwrap();
    let storage = server::open_storage(&test_db.url, crate::helpers::data_keys())
        .await
        .unwrap();
    let refused = server::keys::load_active(&storage, data.path(), None, None, 0, false)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("--issuer-key") && refused.contains("--demo"),
        "{refused}"
    );
    assert!(storage.signing_keys().await.unwrap().is_empty());

    let dev = server::keys::load_active(&storage, data.path(), None, None, 0, true)
        .await
        .unwrap();
    assert!(server::keys::is_development_key(&dev));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let (key_file, _) =
            server::keys::store_paths(data.path(), &server::ops::keys::fingerprint(&dev));
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode(&key_file),
            0o600,
            "the private key is its owner's only"
        );
        assert_eq!(
            mode(key_file.parent().unwrap()),
            0o700,
            "so is the key store"
        );
    }
    let refused = server::keys::load_active(&storage, data.path(), None, None, 0, false)
        .await
        .unwrap_err()
        .to_string();
    assert!(refused.contains("development key"), "{refused}");

    // An active key whose certificate has expired: what it signed now would never verify.
    let now = std::time::SystemTime::now();
    let day = std::time::Duration::from_secs(86_400);
    let expired =
        IssuerKey::generate_self_signed_between("已过期", "测试", now - 30 * day, now - day)
            .unwrap();
    server::keys::store(&expired, data.path()).unwrap();
    storage
        .register_signing_key(&server::keys::record(&expired, true, 1))
        .await
        .unwrap();
    let refused = server::keys::load_active(&storage, data.path(), None, None, 0, true)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("would not verify") && refused.contains("server keys rotate"),
        "{refused}"
    );

    // A real key made active: served outside a demonstration, it signs.
    let rotated = run(&test_db.url, data.path(), &["keys", "rotate"]);
    assert!(rotated.status.success(), "{}", stderr(&rotated));
    let real = signing_key(&storage, data.path()).await;
    assert!(!server::keys::is_development_key(&real));
    storage.close().await;
}

/// `keys retire`: refused for the active key; once retired, a copy signed with the key no
/// longer verifies, by its file or by its code, and the key cannot be made active again.
async fn a_retired_key_no_longer_verifies(db: Db) {
    let app = spawn_app(db).await;
    let data = tempfile::tempdir().unwrap();
    let (_, code, old_copy) = produced_copy(&app, 67).await;
    let old = server::ops::keys::fingerprint(&app.issuer);
    let (_, answer) = api_file(&app, old_copy.clone()).await;
    assert_eq!(answer["verdict"], "valid");

    let active = run(&app.db_url(), data.path(), &["keys", "retire", &old]);
    assert_eq!(active.status.code(), Some(1));
    assert!(
        stderr(&active).contains("is the active signing key"),
        "{}",
        stderr(&active)
    );

    let rotated = run(&app.db_url(), data.path(), &["keys", "rotate"]);
    assert!(rotated.status.success(), "{}", stderr(&rotated));
    let retired = run(
        &app.db_url(),
        data.path(),
        &["keys", "retire", &old[..16], "--reason", "密钥泄露"],
    );
    assert!(retired.status.success(), "{}", stderr(&retired));
    assert!(stdout(&retired).contains("no longer verify as valid"));
    let again = run(&app.db_url(), data.path(), &["keys", "retire", &old]);
    assert!(again.status.success());
    assert!(stdout(&again).contains("already retired"));

    let (_, by_file) = api_file(&app, old_copy).await;
    assert_eq!(
        (by_file["verdict"].clone(), by_file["file_problem"].clone()),
        ("not_genuine".into(), "retired_key".into())
    );
    assert!(by_file["certificate"].is_null());
    let (_, by_code) = api_get(&app, &format!("/api/v1/verify/{code}")).await;
    assert_eq!(
        (by_code["verdict"].clone(), by_code["file_problem"].clone()),
        ("not_genuine".into(), "retired_key".into())
    );
    let page = app
        .get(&format!("/verify/{code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("签名密钥已被证书发放机构停用"),
        "the page says why"
    );

    let list = stdout(&run(&app.db_url(), data.path(), &["keys", "list"]));
    assert!(list.contains("(retired "), "{list}");
    let reactivated = run(&app.db_url(), data.path(), &["keys", "activate", &old]);
    assert_eq!(reactivated.status.code(), Some(1));
    assert!(stderr(&reactivated).contains("was retired"));

    let audit = app
        .state
        .storage
        .audit_entries(&format!("signing_key:{old}"))
        .await
        .unwrap();
    let line = audit
        .iter()
        .find(|a| a.action == "signing_key.retire")
        .expect("the retirement is audited");
    assert_eq!(line.actor, "operator:tester");
    assert!(line.detail.contains("密钥泄露"));
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.action == "signing_key.retire")
            .count(),
        1,
        "retiring twice writes one line"
    );
}

/// The verifier enforces the signing certificate's dates: a copy signed (by a registered,
/// trusted key) after its certificate expired is not valid.
async fn a_signature_outside_the_certificate_dates_is_not_valid(db: Db) {
    let app = spawn_app(db).await;
    let (_, code, _) = produced_copy(&app, 68).await;
    let now = std::time::SystemTime::now();
    let day = std::time::Duration::from_secs(86_400);
    let expired = IssuerKey::generate_self_signed_between(
        "已过期的签名证书",
        "测试",
        now - 30 * day,
        now - day,
    )
    .unwrap();
    app.state
        .storage
        .register_signing_key(&server::keys::record(&expired, false, 0))
        .await
        .unwrap();
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
    let late = certpdf::render_certificate_pdf(&app.state.fonts, &expired, &doc).unwrap();
    let (_, answer) = api_file(&app, late).await;
    assert_eq!(
        (answer["verdict"].clone(), answer["file_problem"].clone()),
        ("not_genuine".into(), "outside_key_validity".into())
    );
}

on_both_backends!(
    rotation_keeps_old_copies_verifying,
    a_development_key_only_in_a_demonstration,
    a_retired_key_no_longer_verifies,
    a_signature_outside_the_certificate_dates_is_not_valid,
);
