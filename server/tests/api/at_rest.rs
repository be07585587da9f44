//! Personal numbers at rest: holders', certificates' and appeals' ID and mobile numbers are
//! sealed in the database, the login, owner matching and the uniqueness rules work on the
//! keyed lookup hash, no table holds a number in clear after an import, a registration and
//! an appeal (every text column is scanned), the verification log and the limits hold keyed
//! hashes of addresses, rows written in clear are converted when the database is opened,
//! `data-key rotate` re-encrypts, and a wrong key file refuses to open the database. Every
//! look at the tables is a raw query.

use crate::accounts::{
    code_sent_to, confirm_step, location, login, mobile_for, register, register_step, resident_id,
    signed_up, ticket_of, PASSWORD,
};
use crate::fixtures::example_record;
use crate::helpers::{
    data_keys, raw_execute, scalar_strings, spawn_app, spawn_on, Db, Options, TEST_DATA_KEYS,
};
use crate::on_both_backends;
use app::domain::{IdNumber, IdType};
use app::storage::DataKeys;
use reqwest::StatusCode;
use std::sync::Arc;

on_both_backends!(
    registration_stores_no_clear_numbers_and_everything_still_works,
    holders_written_in_clear_are_sealed_when_the_database_opens,
    rotation_reencrypts_and_the_new_key_alone_then_reads_everything,
    a_wrong_key_file_refuses_to_open_the_database,
    a_pending_registration_and_its_limits_hold_no_clear_numbers,
    no_table_holds_a_clear_number_after_import_registration_and_appeal,
    certificates_and_appeals_written_in_clear_are_sealed_when_the_database_opens,
);

/// Every text value of every table, as `(table, value)`: the tables and their text columns
/// from the database's own catalogue, so that a column added later is scanned too.
async fn every_text_value(app: &crate::helpers::TestApp) -> Vec<(String, String)> {
    let columns: Vec<String> = if app.db_url().starts_with("postgres") {
        scalar_strings(
            app,
            "SELECT table_name || '.' || column_name FROM information_schema.columns \
             WHERE table_schema = current_schema() \
             AND data_type IN ('text', 'character varying', 'character')",
        )
        .await
    } else {
        scalar_strings(
            app,
            "SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND upper(p.type) LIKE '%TEXT%'",
        )
        .await
    };
    assert!(columns.len() > 40, "{columns:?}");
    let mut all = Vec::new();
    for column in columns {
        let (table, name) = column.split_once('.').unwrap();
        let sql = format!("SELECT COALESCE({name}, '') FROM {table}");
        for value in scalar_strings(app, &sql).await {
            all.push((column.clone(), value));
        }
    }
    all
}

/// Waits until the verification log's writer has stored `n` lines.
async fn logged_lines(app: &crate::helpers::TestApp, n: usize) -> Vec<String> {
    for _ in 0..100 {
        let sources = scalar_strings(app, "SELECT source FROM verification_log").await;
        if sources.len() >= n {
            return sources;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the verification log did not get {n} lines");
}

async fn no_table_holds_a_clear_number_after_import_registration_and_appeal(db: Db) {
    use crate::operator::{counts, good_row, resident_id as rid, run, summary, write, HEADER};
    let app = spawn_app(db).await;
    let (number, other) = (rid(751), rid(752));
    let mobile = mobile_for(&number);
    let appellant_mobile = mobile_for(&rid(753));

    // The operator imports two records through the real binary.
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "at-rest.csv",
        &format!(
            "{HEADER}\n{}\n{}\n",
            good_row("AT-751-1", 751, "吴十"),
            good_row("AT-752-1", 752, "郑一")
        ),
    );
    let out = run(
        &app.db_url(),
        dir.path(),
        &["import", file.to_str().unwrap(), "--json"],
    );
    assert_eq!(counts(&summary(&out)), [2, 0, 0, 0]);

    // The holder registers: owner matching finds the imported record by the lookup hash.
    signed_up(&app, &number, "吴十").await;
    let (status, html) = app.get_text("/certificates").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("AT-751-1") && !html.contains("AT-752-1"));
    // The export holds the number in full (it is the holder's own copy).
    let export = crate::personal_data::export_of(&app, &app.client)
        .await
        .to_string();
    assert!(
        export.contains("AT-751-1") && export.contains(&number),
        "{export}"
    );
    assert!(!export.contains(&other));

    // A verifier's manual check: the record opens, its number shown masked.
    let (status, answer) = crate::verification::api_manual(
        &app,
        &reqwest::Client::new(),
        serde_json::json!({ "certificate_number": "AT-751-1", "holder_name": "吴十" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["verdict"], "certificate_valid");
    assert_eq!(
        answer["certificate"]["masked_id_number"],
        app::domain::mask_id_number(&number)
    );

    // Someone appeals for the ID number (another phone); the appeal reads back whole.
    let appeal_number = crate::appeals::filed_appeal(
        &crate::helpers::client_for(&app.base),
        &app,
        &number,
        "吴十",
        &appellant_mobile,
    )
    .await;
    let appeal = app
        .state
        .storage
        .appeal_by_number(&appeal_number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(appeal.id_number.as_str(), number);
    assert_eq!(appeal.mobile.as_str(), appellant_mobile);

    // The lookups are the keyed hash shared with the holder's; the content hash is keyed.
    let lookup = data_keys().id_lookup(&id(&number));
    assert_eq!(
        scalar_strings(
            &app,
            "SELECT holder_id_number FROM certificates WHERE cert_number = 'AT-751-1'"
        )
        .await,
        vec![lookup.clone()]
    );
    assert_eq!(
        scalar_strings(&app, "SELECT id_number FROM appeals").await,
        vec![lookup.clone()]
    );
    let stored_hash = scalar_strings(
        &app,
        "SELECT content_hash FROM certificates WHERE cert_number = 'AT-751-1'",
    )
    .await;
    let record = app
        .state
        .storage
        .certificate_by_number("AT-751-1")
        .await
        .unwrap()
        .unwrap()
        .record;
    assert_eq!(stored_hash, vec![record.content_hash(&lookup)]);
    // The log's source and the limit's counter are keyed hashes of the address.
    let sources = logged_lines(&app, 1).await;
    assert_eq!(
        sources,
        vec![data_keys().lookup_hash("verification-log", "address:127.0.0.1")]
    );
    let counters = scalar_strings(&app, "SELECT limit_key FROM rate_limits").await;
    assert!(
        counters.contains(&data_keys().lookup_hash("limit", "manual:127.0.0.1")),
        "{counters:?}"
    );

    // No text column of any table holds an ID number, a mobile number or an address in
    // clear, except the message outbox of the stand-in SMS gateway (demonstrations and
    // tests only: a real gateway's messages are sent, not kept).
    let secrets = [
        number.as_str(),
        &other,
        &mobile,
        &appellant_mobile,
        "127.0.0.1",
    ];
    let mut found = Vec::new();
    for (column, value) in every_text_value(&app).await {
        if let Some(secret) = secrets.iter().find(|s| value.contains(*s)) {
            found.push(format!("{column}: {secret} in {value}"));
        }
    }
    assert!(
        found.iter().all(|f| f.starts_with("message_outbox.")),
        "{found:#?}"
    );
    assert!(!found.is_empty(), "the outbox holds the texts sent");
}

async fn certificates_and_appeals_written_in_clear_are_sealed_when_the_database_opens(db: Db) {
    let app = spawn_app(db).await;
    let number = resident_id(761);
    // Rows as written before encryption at rest: the numbers in clear.
    raw_execute(
        &app.db_url(),
        &format!(
            "INSERT INTO certificates (public_id, cert_number, holder_id_type, holder_id_number, \
             holder_name, qualification, level, specialty, issued_on, issuer, electronic, status, \
             content_hash, created_at, updated_at) VALUES ('clearcert761', 'CLEAR-761', \
             'resident', '{number}', '冯二', '卫生专业技术资格', '中级', '儿科学', '2023-06-30', \
             '国家卫生健康委员会人才交流服务中心', TRUE, 'valid', 'old-hash', 1, 1)"
        ),
    )
    .await;
    raw_execute(
        &app.db_url(),
        &format!(
            "INSERT INTO appeals (appeal_number, ticket, id_type, id_number, name, mobile, \
             statement, photo_sha256, photo_type, photo_size, state, created_at, filed_at) \
             VALUES ('SS-CLEAR-761', 'clear-ticket-761', 'resident', '{number}', '冯二', \
             '13912345761', '不是我注册的', 'x', 'image/jpeg', 4, 'pending', 1, 1)"
        ),
    )
    .await;

    // Opening the database (start-up, `server migrate`) converts them, once.
    let storage = server::open_storage(&app.db_url(), data_keys())
        .await
        .unwrap();
    let lookup = data_keys().id_lookup(&id(&number));
    assert_eq!(
        scalar_strings(&app, "SELECT holder_id_number FROM certificates").await,
        vec![lookup.clone()]
    );
    assert_eq!(
        scalar_strings(&app, "SELECT id_number FROM appeals").await,
        vec![lookup]
    );
    for (column, value) in every_text_value(&app).await {
        assert!(
            !value.contains(&number) && !value.contains("13912345761"),
            "{column}: {value}"
        );
    }
    let certificate = storage
        .certificate_by_number("CLEAR-761")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(certificate.record.holder_id.as_str(), number);
    let appeal = storage
        .appeal_by_number("SS-CLEAR-761")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(appeal.id_number.as_str(), number);
    assert_eq!(appeal.mobile.as_str(), "13912345761");
    assert_eq!(storage.encrypt_clear_certificates().await.unwrap(), 0);
    assert_eq!(storage.encrypt_clear_appeals().await.unwrap(), 0);

    // The holder who registers with the number finds the converted record.
    signed_up(&app, &number, "冯二").await;
    let (_, html) = app.get_text("/certificates").await;
    assert!(
        html.contains("CLEAR-761"),
        "owner matching on the lookup hash"
    );
}

fn id(number: &str) -> IdNumber {
    IdNumber::from_trusted(IdType::ResidentIdCard, number.to_string())
}

/// Every text column of `holders` a clear number could hide in.
async fn holder_columns(app: &crate::helpers::TestApp) -> Vec<String> {
    let mut all = Vec::new();
    for column in ["id_number", "id_number_enc", "mobile", "name"] {
        let sql = format!("SELECT {column} FROM holders");
        all.extend(scalar_strings(app, &sql).await);
    }
    all
}

async fn registration_stores_no_clear_numbers_and_everything_still_works(db: Db) {
    let app = spawn_app(db).await;
    let number = resident_id(701);
    signed_up(&app, &number, "王小明").await;
    crate::certificates::add_certificate(
        &app,
        &example_record()
            .health_professional()
            .number("AT-REST-0001")
            .holder(&number, "王小明")
            .build(),
    )
    .await;

    let stored = holder_columns(&app).await;
    let mobile = mobile_for(&number);
    for value in &stored {
        assert!(!value.contains(&number), "clear ID number stored: {value}");
        assert!(
            !value.contains(&mobile),
            "clear mobile number stored: {value}"
        );
    }
    let lookup = scalar_strings(&app, "SELECT id_number FROM holders").await;
    assert_eq!(lookup, vec![data_keys().id_lookup(&id(&number))]);
    let sealed = scalar_strings(&app, "SELECT mobile FROM holders").await;
    assert!(sealed[0].starts_with(&format!("v1.{}.", data_keys().current_id())));

    // The account reads back whole, the holder's certificates are found by the ID number.
    let holder = app
        .state
        .storage
        .holder_by_login(&id(&number))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(holder.id_number.as_str(), number);
    assert_eq!(holder.mobile.as_str(), mobile);
    let (status, html) = app.get_text("/certificates").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("AT-REST-0001"),
        "the holder's certificate is listed"
    );

    // Signing in again finds the account by its lookup hash.
    let out = app.post_form("/logout", &[]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let again = login(&app, &number, PASSWORD).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&again), "/certificates");
    let wrong = login(&app, &resident_id(702), PASSWORD).await;
    assert_ne!(location_or_empty(&wrong), "/certificates");

    // The same ID number cannot be registered twice.
    let other = crate::helpers::client_for(&app.base);
    let twice = crate::accounts::register_with(&other, &app, &number, "王小明").await;
    assert_ne!(location_or_empty(&twice), "/terms");
    assert_eq!(app.state.storage.count_holders().await.unwrap(), 1);
}

fn location_or_empty(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

async fn holders_written_in_clear_are_sealed_when_the_database_opens(db: Db) {
    let app = spawn_app(db).await;
    let number = resident_id(711);
    // A row as written before encryption at rest: both numbers in clear.
    raw_execute(
        &app.db_url(),
        &format!(
            "INSERT INTO holders (id_type, id_number, name, mobile, password_hash, created_at) \
             VALUES ('resident', '{number}', '李四', '13912345678', 'x', 1)"
        ),
    )
    .await;
    assert!(app
        .state
        .storage
        .holder_by_login(&id(&number))
        .await
        .unwrap()
        .is_none());

    // Opening the database (start-up, `server migrate`) converts it, once.
    let storage = server::open_storage(&app.db_url(), data_keys())
        .await
        .unwrap();
    let holder = storage
        .holder_by_login(&id(&number))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(holder.id_number.as_str(), number);
    assert_eq!(holder.mobile.as_str(), "13912345678");
    for value in holder_columns(&app).await {
        assert!(
            !value.contains(&number) && !value.contains("13912345678"),
            "{value}"
        );
    }
    assert_eq!(
        storage.encrypt_clear_holders().await.unwrap(),
        0,
        "idempotent"
    );
}

/// The tests' key file with a new data key, the old one kept as `previous`.
fn rotated() -> (String, Arc<DataKeys>) {
    let text = data_keys().rotated_text(TEST_DATA_KEYS);
    let keys = Arc::new(DataKeys::parse(&text).unwrap());
    (text, keys)
}

async fn rotation_reencrypts_and_the_new_key_alone_then_reads_everything(db: Db) {
    let app = spawn_app(db).await;
    let number = resident_id(721);
    signed_up(&app, &number, "赵六").await;
    crate::certificates::add_certificate(
        &app,
        &example_record()
            .health_professional()
            .number("AT-REST-0721")
            .holder(&number, "赵六")
            .build(),
    )
    .await;
    let appeal_number = crate::appeals::filed_appeal(
        &crate::helpers::client_for(&app.base),
        &app,
        &number,
        "赵六",
        &mobile_for(&resident_id(723)),
    )
    .await;
    let old_id = data_keys().current_id().to_string();

    // Step 1: a server with the new key file (new `data`, old `previous`) reads old rows and
    // writes new ones under the new key.
    let (text, keys) = rotated();
    assert_ne!(keys.current_id(), old_id);
    let second = spawn_on(
        &app,
        Options {
            data_keys: Some(keys.clone()),
            ..Options::default()
        },
    )
    .await;
    // Every instance runs with the new file before `rotate` (the README's step 2): the one
    // with the old file alone stops.
    app.stop();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let newer = resident_id(722);
    let response = register(&second, &newer, "钱七").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let login_old = login(&second, &number, PASSWORD).await;
    assert_eq!(
        location(&login_old),
        "/certificates",
        "an old row reads during rotation"
    );
    let mobiles = scalar_strings(&app, "SELECT mobile FROM holders ORDER BY id").await;
    assert!(mobiles[0].starts_with(&format!("v1.{old_id}.")));
    assert!(mobiles[1].starts_with(&format!("v1.{}.", keys.current_id())));

    // Step 2: `server data-key rotate` re-encrypts what the old key sealed.
    let before = scalar_strings(
        &app,
        "SELECT CAST(id AS TEXT) || ' ' || mobile FROM holders ORDER BY id",
    )
    .await;
    let key_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(key_file.path(), &text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["data-key", "rotate", "--database-url", &app.db_url()])
        .env("PORTAL_DATA_KEY_FILE", key_file.path())
        .env("PORTAL_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("re-encrypted ") && !said.contains("re-encrypted 0 "),
        "{said}"
    );
    for column in [
        "mobile FROM holders",
        "id_number_enc FROM holders",
        "mobile FROM one_time_codes",
        "payload FROM one_time_codes",
        "holder_id_number_enc FROM certificates",
        "id_number_enc FROM appeals",
        "mobile FROM appeals",
    ] {
        for value in scalar_strings(&app, &format!("SELECT {column}")).await {
            assert!(
                value.starts_with(&format!("v1.{}.", keys.current_id())),
                "{column}: {value} (old {old_id}, new {}, said {said}) before {before:?} after {:?}", keys.current_id(), scalar_strings(&app, "SELECT CAST(id AS TEXT) || ' ' || mobile FROM holders ORDER BY id").await
            );
        }
    }

    // Step 3: the `previous` line can go: the new key alone reads every holder, and the old
    // key file no longer opens the database.
    let alone: String = text
        .lines()
        .filter(|l| !l.starts_with("previous"))
        .collect::<Vec<_>>()
        .join("\n");
    let alone = Arc::new(DataKeys::parse(&alone).unwrap());
    let storage = server::open_storage(&app.db_url(), alone).await.unwrap();
    for n in [&number, &newer] {
        let holder = storage.holder_by_login(&id(n)).await.unwrap().unwrap();
        assert_eq!(holder.mobile.as_str(), mobile_for(n));
    }
    let certificate = storage
        .certificate_by_number("AT-REST-0721")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(certificate.record.holder_id.as_str(), number);
    let appeal = storage
        .appeal_by_number(&appeal_number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(appeal.id_number.as_str(), number);
    assert_eq!(appeal.mobile.as_str(), mobile_for(&resident_id(723)));
    let refused = server::open_storage(&app.db_url(), data_keys())
        .await
        .err()
        .unwrap();
    assert!(
        format!("{refused:#}").contains("wrong key file"),
        "{refused:#}"
    );
}

async fn a_wrong_key_file_refuses_to_open_the_database(db: Db) {
    let app = spawn_app(db).await;
    signed_up(&app, &resident_id(731), "孙八").await;
    let other = Arc::new(DataKeys::parse(&DataKeys::generate_text()).unwrap());
    let refused = server::open_storage(&app.db_url(), other)
        .await
        .err()
        .unwrap();
    let message = format!("{refused:#}");
    assert!(
        message.contains("lookup key") && message.contains("wrong key file"),
        "{message}"
    );

    // The binary says so and stops, as it does without any key outside a demonstration.
    let dir = tempfile::tempdir().unwrap();
    let wrong = dir.path().join("wrong.key");
    std::fs::write(&wrong, DataKeys::generate_text()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["migrate", "--database-url", &app.db_url()])
        .env("PORTAL_DATA_KEY_FILE", &wrong)
        .env("PORTAL_LOG", "warn")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrong key file"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            &app.db_url(),
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .env_remove("PORTAL_DATA_KEY_FILE")
        .env("PORTAL_LOG", "warn")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("no data key file is configured"), "{said}");
}

async fn a_pending_registration_and_its_limits_hold_no_clear_numbers(db: Db) {
    let app = spawn_app(db).await;
    let number = resident_id(741);
    let mobile = mobile_for(&number);
    let first = register_step(&app.client, &app, &number, "周九").await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let ticket = ticket_of(&first);
    // A wrong password once, so that the login throttle has a row for the account.
    let _ = login(&app, &number, "Wrong-passw0rd").await;

    let mut stored = Vec::new();
    for sql in [
        "SELECT mobile FROM one_time_codes",
        "SELECT payload FROM one_time_codes",
        "SELECT limit_key FROM code_send_limits",
        "SELECT throttle_key FROM login_throttle",
    ] {
        stored.extend(scalar_strings(&app, sql).await);
    }
    assert!(stored.len() >= 4, "{stored:?}");
    for value in &stored {
        assert!(
            !value.contains(&number) && !value.contains(&mobile),
            "{value}"
        );
        assert!(!value.contains("周九"), "{value}");
    }
    // The limit keys are keyed hashes: not the plain SHA-256 anyone could compute.
    let limits = scalar_strings(&app, "SELECT limit_key FROM code_send_limits").await;
    let plain = app::infra::sha256_hex(format!("code-mobile:{mobile}").as_bytes());
    assert!(!limits.contains(&plain));
    assert!(limits.contains(&data_keys().lookup_hash("code-mobile", &mobile)));

    // The code still completes the registration: the payload opens.
    let code = code_sent_to(&app, &mobile).await;
    let done = confirm_step(&app.client, &app, &ticket, &code).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let holder = app
        .state
        .storage
        .holder_by_login(&id(&number))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(holder.mobile.as_str(), mobile);
    assert_eq!(holder.name.as_str(), "周九");
}
