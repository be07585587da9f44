//! 账号申诉 over HTTP, as a browser without JavaScript posts it, and the operator's
//! `server appeals` through the real binary: the whole story from the appeal to the
//! appellant's certificate, a rejection with its reason, wrong codes, bad uploads, lookups
//! with the wrong ID number, a second appeal while one is pending, and the per-client limit.

use crate::accounts::{
    code_sent_to, location, login, register_with, resident_id, signed_up, ticket_of, PASSWORD,
};
use crate::fixtures::example_record;
use crate::helpers::{client_for, inner_text, scalar_strings, spawn_app, Db, TestApp};
use crate::on_both_backends;
use crate::operator::{run, stderr, stdout};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;

/// The first bytes of a JPEG file, then filler: what a phone's photo looks like to the check.
fn jpeg(size: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.resize(size, 0x42);
    bytes
}

/// The appeal form as the page posts it (multipart), with the photo under `file_name` as
/// `mime`.
async fn appeal(
    client: &reqwest::Client,
    app: &TestApp,
    id: &str,
    name: &str,
    mobile: &str,
    photo: Vec<u8>,
    (file_name, mime): (&str, &str),
) -> reqwest::Response {
    let form = Form::new()
        .text("id_type", "resident")
        .text("id_number", id.to_string())
        .text("name", name.to_string())
        .text("mobile", mobile.to_string())
        .text(
            "statement",
            "我从未注册过这个账号，发现证件号码已被他人注册。",
        )
        .part(
            "photo",
            Part::bytes(photo)
                .file_name(file_name.to_string())
                .mime_str(mime)
                .unwrap(),
        );
    client
        .post(app.url("/appeal"))
        .multipart(form)
        .send()
        .await
        .expect("POST /appeal")
}

async fn confirm(
    client: &reqwest::Client,
    app: &TestApp,
    ticket: &str,
    code: &str,
) -> reqwest::Response {
    client
        .post(app.url(&app::urls::appeal_confirm(ticket)))
        .form(&[("ticket", ticket), ("code", code), ("intent", "confirm")])
        .send()
        .await
        .expect("POST /appeal/confirm")
}

async fn status(
    client: &reqwest::Client,
    app: &TestApp,
    number: &str,
    id: &str,
) -> (StatusCode, String) {
    let response = client
        .post(app.url("/appeal/status"))
        .form(&[
            ("number", number),
            ("id_type", "resident"),
            ("id_number", id),
        ])
        .send()
        .await
        .expect("POST /appeal/status");
    let code = response.status();
    (code, inner_text(&response.text().await.unwrap()))
}

/// Appeals and files with the code sent to `mobile`; answers the appeal number.
pub(crate) async fn filed_appeal(
    client: &reqwest::Client,
    app: &TestApp,
    id: &str,
    name: &str,
    mobile: &str,
) -> String {
    let submitted = appeal(
        client,
        app,
        id,
        name,
        mobile,
        jpeg(2048),
        ("id.jpg", "image/jpeg"),
    )
    .await;
    assert_eq!(
        submitted.status(),
        StatusCode::SEE_OTHER,
        "appeal submitted"
    );
    let ticket = ticket_of(&submitted);
    let code = code_sent_to(app, mobile).await;
    let filed = confirm(client, app, &ticket, &code).await;
    assert_eq!(filed.status(), StatusCode::SEE_OTHER, "appeal filed");
    let to = location(&filed);
    to.strip_prefix("/appeal/status?filed=")
        .unwrap_or_else(|| panic!("not the filed page: {to}"))
        .to_string()
}

fn operator(app: &TestApp, dir: &tempfile::TempDir, args: &[&str]) -> std::process::Output {
    run(&app.db_url(), dir.path(), args)
}

async fn count(app: &TestApp, sql: &str) -> usize {
    scalar_strings(app, sql).await.len()
}

async fn the_whole_story_from_appeal_to_certificate(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(801);
    let number = "APPEAL-CERT-801";
    crate::certificates::add_certificate(
        &app,
        &example_record()
            .health_professional()
            .number(number)
            .holder(&id, "李四")
            .build(),
    )
    .await;
    // Someone else registered the ID number (with another name) and is signed in.
    signed_up(&app, &id, "冒用者").await;
    assert_eq!(app.get("/account").await.status(), StatusCode::OK);

    // The register-taken page, the login page and the FAQ lead to the appeal.
    for page in ["/register/taken", "/login", "/faq"] {
        let response = client_for(&app.base)
            .get(app.url(page))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{page}");
        let body = response.text().await.unwrap();
        assert!(
            body.contains("href=\"/appeal\""),
            "{page} links to the appeal"
        );
    }

    let appellant = client_for(&app.base);
    let page = appellant.get(app.url("/appeal")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("enctype=\"multipart/form-data\""));
    let mobile = "13800008011";
    let photo = jpeg(300 * 1024);
    let submitted = appeal(
        &appellant,
        &app,
        &id,
        "李四",
        mobile,
        photo.clone(),
        ("id.jpg", "image/jpeg"),
    )
    .await;
    assert_eq!(submitted.status(), StatusCode::SEE_OTHER);
    assert!(location(&submitted).starts_with("/appeal/confirm?ticket="));
    let code_page = appellant
        .get(app.url(&location(&submitted)))
        .send()
        .await
        .unwrap();
    assert_eq!(code_page.status(), StatusCode::OK);
    // Nothing is filed before the code.
    assert!(app
        .state
        .storage
        .appeals(None, 10)
        .await
        .unwrap()
        .is_empty());

    let ticket = ticket_of(&submitted);
    let code = code_sent_to(&app, mobile).await;
    let filed = confirm(&appellant, &app, &ticket, &code).await;
    assert_eq!(filed.status(), StatusCode::SEE_OTHER);
    let appeal_number = location(&filed)
        .strip_prefix("/appeal/status?filed=")
        .expect("filed")
        .to_string();
    assert_eq!(appeal_number.len(), 10);
    let filed_page = appellant
        .get(app.url(&location(&filed)))
        .send()
        .await
        .unwrap();
    assert!(inner_text(&filed_page.text().await.unwrap()).contains(&appeal_number));

    let (code, text) = status(&appellant, &app, &appeal_number, &id).await;
    assert_eq!(code, StatusCode::OK);
    assert!(text.contains("待处理"), "{text}");
    // Typed in lower case with a hyphen, it is the same appeal.
    let typed = format!("{}-{}", &appeal_number[..5], &appeal_number[5..]).to_lowercase();
    assert_eq!(
        status(&appellant, &app, &typed, &id).await.0,
        StatusCode::OK
    );

    // The operator lists, reads, saves the photo and approves.
    let dir = tempfile::tempdir().unwrap();
    let listed = operator(&app, &dir, &["appeals", "list", "--state", "pending"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let listed = stdout(&listed);
    assert!(
        listed.contains(&appeal_number) && listed.contains("pending"),
        "{listed}"
    );
    assert!(
        !listed.contains(&id),
        "the list masks the ID number: {listed}"
    );
    let n = listed.split_whitespace().next().unwrap().to_string();
    let saved = dir.path().join("photo.jpg");
    let shown = operator(
        &app,
        &dir,
        &[
            "appeals",
            "show",
            &n,
            "--save-photo",
            saved.to_str().unwrap(),
        ],
    );
    assert!(shown.status.success(), "{}", stderr(&shown));
    let shown = stdout(&shown);
    assert!(
        shown.contains(&id) && shown.contains(mobile) && shown.contains("image/jpeg"),
        "{shown}"
    );
    assert!(shown.contains("我从未注册过这个账号"), "{shown}");
    assert_eq!(std::fs::read(&saved).unwrap(), photo);
    let approved = operator(
        &app,
        &dir,
        &["appeals", "approve", &n, "--note", "证件核对一致"],
    );
    assert!(approved.status.success(), "{}", stderr(&approved));
    assert!(
        stdout(&approved).contains("1 session(s) ended"),
        "{}",
        stdout(&approved)
    );
    // A second decision is refused.
    let again = operator(&app, &dir, &["appeals", "reject", &n, "--reason", "x"]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("decided already"),
        "{}",
        stderr(&again)
    );

    // The other account: its session answers as signed out, its login is refused with why.
    assert_eq!(app.get("/account").await.status(), StatusCode::FOUND);
    let refused = login(&app, &id, PASSWORD).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(inner_text(&refused.text().await.unwrap()).contains("该账号已因账号申诉被冻结"));
    // A wrong password learns nothing about the lock.
    let wrong = login(&app, &id, "Wrong-pass1").await;
    assert!(!inner_text(&wrong.text().await.unwrap()).contains("冻结"));

    let (_, text) = status(&appellant, &app, &appeal_number, &id).await;
    assert!(text.contains("已通过"), "{text}");

    // The appellant registers (two steps, with a code) and sees the certificate.
    app.state.clock.advance(61_000);
    let registered = register_with(&appellant, &app, &id, "李四").await;
    assert_eq!(registered.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&registered), "/terms");
    let terms = appellant
        .post(app.url("/terms"))
        .form(&[("next", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(terms.status(), StatusCode::SEE_OTHER);
    let list = appellant
        .get(app.url("/certificates"))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::OK);
    assert!(list.text().await.unwrap().contains(number));

    // Both accounts are kept: the locked one for the audit trail.
    let names = scalar_strings(
        &app,
        // Accounts are stored under the lookup hash of their ID number (`DataKeys`).
        &format!(
            "SELECT name FROM holders WHERE id_number = '{}' ORDER BY id",
            crate::helpers::data_keys().id_lookup(&crate::fixtures::id_number(&id))
        ),
    )
    .await;
    assert_eq!(names, ["冒用者", "李四"]);
    let audit = app
        .state
        .storage
        .audit_entries(&format!("appeal:{appeal_number}"))
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "appeal.approved");
    assert_eq!(audit[0].actor, "operator:tester");
    assert!(audit[0].detail.contains("证件核对一致"));
}

async fn a_rejection_shows_its_reason(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(802);
    signed_up(&app, &id, "王五").await;
    let appellant = client_for(&app.base);
    let number = filed_appeal(&appellant, &app, &id, "王五", "13800008021").await;
    let dir = tempfile::tempdir().unwrap();
    let n = app
        .state
        .storage
        .appeal_by_number(&number)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();

    // A reason is required.
    let bare = operator(&app, &dir, &["appeals", "reject", &n, "--reason", "  "]);
    assert!(!bare.status.success());
    assert!(
        stderr(&bare).contains("reason is required"),
        "{}",
        stderr(&bare)
    );
    let rejected = operator(
        &app,
        &dir,
        &[
            "appeals",
            "reject",
            &n,
            "--reason",
            "证件照片不清晰，请重新提交",
        ],
    );
    assert!(rejected.status.success(), "{}", stderr(&rejected));

    let (code, text) = status(&appellant, &app, &number, &id).await;
    assert_eq!(code, StatusCode::OK);
    assert!(
        text.contains("未通过") && text.contains("证件照片不清晰，请重新提交"),
        "{text}"
    );
    // The account is untouched, and after a rejection a new appeal may be filed.
    assert_eq!(app.get("/account").await.status(), StatusCode::OK);
    let listed = stdout(&operator(
        &app,
        &dir,
        &["appeals", "list", "--state", "rejected"],
    ));
    assert!(listed.contains(&number), "{listed}");
    assert_eq!(
        stdout(&operator(
            &app,
            &dir,
            &["appeals", "list", "--state", "pending"]
        ))
        .trim(),
        "no appeals"
    );
    app.state.clock.advance(61_000);
    filed_appeal(&appellant, &app, &id, "王五", "13800008021").await;
    let missing = operator(&app, &dir, &["appeals", "show", "999"]);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("no filed appeal 999"),
        "{}",
        stderr(&missing)
    );
    let help = operator(&app, &dir, &["appeals", "--help"]);
    let help = stdout(&help);
    for command in ["list", "show", "approve", "reject"] {
        assert!(help.contains(command), "{help}");
    }
}

async fn a_wrong_code_files_nothing_and_the_draft_goes_with_its_code(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(803);
    signed_up(&app, &id, "赵六").await;
    let appellant = client_for(&app.base);
    let submitted = appeal(
        &appellant,
        &app,
        &id,
        "赵六",
        "13800008031",
        jpeg(4096),
        ("id.jpg", "image/jpeg"),
    )
    .await;
    let ticket = ticket_of(&submitted);
    let code = code_sent_to(&app, "13800008031").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let answer = confirm(&appellant, &app, &ticket, wrong).await;
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(inner_text(&answer.text().await.unwrap()).contains("验证码错误"));
    assert!(app
        .state
        .storage
        .appeals(None, 10)
        .await
        .unwrap()
        .is_empty());

    // Unconfirmed, the draft and its photo go once the code has expired.
    let draft = app
        .state
        .storage
        .appeal_draft(&ticket)
        .await
        .unwrap()
        .expect("draft");
    let now = app.state.clock.now();
    assert_eq!(app.state.storage.purge_appeal_drafts(now).await.unwrap(), 0);
    assert_eq!(
        app.state
            .storage
            .purge_appeal_drafts(now + 6 * 60 * 1000)
            .await
            .unwrap(),
        1
    );
    assert!(app
        .state
        .storage
        .get_blob(&draft.photo_sha256)
        .await
        .unwrap()
        .is_none());
    assert_eq!(count(&app, "SELECT ticket FROM appeals").await, 0);
}

async fn an_oversized_photo_is_413_and_nothing_is_stored(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(804);
    signed_up(&app, &id, "孙七").await;
    let appellant = client_for(&app.base);
    let mobile = "13800008041";
    let big = jpeg(5 * 1024 * 1024 + 1);
    let answer = appeal(
        &appellant,
        &app,
        &id,
        "孙七",
        mobile,
        big,
        ("id.jpg", "image/jpeg"),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let text = inner_text(&answer.text().await.unwrap());
    assert!(text.contains("证件照片过大：最大 5 MB"), "{text}");
    // In English for an English reader.
    let english = client_for(&app.base);
    english
        .get(app.url("/lang/en?next=/appeal"))
        .send()
        .await
        .unwrap();
    let answer = appeal(
        &english,
        &app,
        &id,
        "孙七",
        mobile,
        jpeg(5 * 1024 * 1024 + 1),
        ("id.jpg", "image/jpeg"),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(inner_text(&answer.text().await.unwrap()).contains("too large: at most 5 MB"));

    assert_eq!(count(&app, "SELECT ticket FROM appeals").await, 0);
    assert_eq!(count(&app, "SELECT sha256 FROM file_blobs").await, 0);
    assert!(app
        .state
        .storage
        .outbox(Some(mobile), 10)
        .await
        .unwrap()
        .is_empty());
}

async fn a_photo_of_another_type_is_400(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(805);
    signed_up(&app, &id, "周八").await;
    let appellant = client_for(&app.base);
    // A GIF named and labelled as a JPEG: the bytes decide.
    let gif = b"GIF89a\x01\x00\x01\x00".to_vec();
    let answer = appeal(
        &appellant,
        &app,
        &id,
        "周八",
        "13800008051",
        gif,
        ("id.jpg", "image/jpeg"),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let html = answer.text().await.unwrap();
    assert!(inner_text(&html).contains("证件照片只能是 JPEG、PNG 或 PDF 文件"));
    // The typed fields come back.
    assert!(html.contains("13800008051"));
    // Missing statement and photo: each said at its field.
    let form = Form::new()
        .text("id_type", "resident")
        .text("id_number", id.clone())
        .text("name", "周八")
        .text("mobile", "13800008051")
        .text("statement", "");
    let answer = appellant
        .post(app.url("/appeal"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = inner_text(&answer.text().await.unwrap());
    assert!(
        text.contains("请填写申诉说明") && text.contains("请选择证件照片"),
        "{text}"
    );
    // A PNG and a PDF are accepted.
    for (bytes, name, mime, mobile) in [
        (
            b"\x89PNG\r\n\x1a\n0000".to_vec(),
            "id.png",
            "image/png",
            "13800008052",
        ),
        (
            b"%PDF-1.7\n0000".to_vec(),
            "id.pdf",
            "application/pdf",
            "13800008053",
        ),
    ] {
        let answer = appeal(&appellant, &app, &id, "周八", mobile, bytes, (name, mime)).await;
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{name}");
    }
    assert_eq!(
        count(&app, "SELECT ticket FROM appeals WHERE state = 'pending'").await,
        0
    );
}

async fn a_lookup_with_another_id_answers_like_a_missing_appeal(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(806);
    signed_up(&app, &id, "吴九").await;
    let appellant = client_for(&app.base);
    let number = filed_appeal(&appellant, &app, &id, "吴九", "13800008061").await;

    let stranger = client_for(&app.base);
    let (other_id, other_text) = status(&stranger, &app, &number, &resident_id(807)).await;
    let (missing, missing_text) = status(&stranger, &app, "ABCDEFGH23", &id).await;
    let (malformed, malformed_text) = status(&stranger, &app, "???", &id).await;
    for (code, text) in [
        (other_id, &other_text),
        (missing, &missing_text),
        (malformed, &malformed_text),
    ] {
        assert_eq!(code, StatusCode::NOT_FOUND);
        assert!(
            text.contains("未找到该申诉，请核对申诉编号和证件号码"),
            "{text}"
        );
        assert!(!text.contains("待处理"));
    }
    // The status lookups are limited per client.
    let mut last = StatusCode::OK;
    for _ in 0..20 {
        last = status(&stranger, &app, "ABCDEFGH23", &id).await.0;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

async fn a_second_appeal_is_refused_while_one_is_pending(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(808);
    signed_up(&app, &id, "郑十").await;
    let first = client_for(&app.base);
    filed_appeal(&first, &app, &id, "郑十", "13800008081").await;

    let second = client_for(&app.base);
    let submitted = appeal(
        &second,
        &app,
        &id,
        "郑十",
        "13800008082",
        jpeg(1024),
        ("id.jpg", "image/jpeg"),
    )
    .await;
    let ticket = ticket_of(&submitted);
    let code = code_sent_to(&app, "13800008082").await;
    let refused = confirm(&second, &app, &ticket, &code).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(inner_text(&refused.text().await.unwrap()).contains("该证件号码已有一项申诉正在处理中"));
    assert_eq!(app.state.storage.appeals(None, 10).await.unwrap().len(), 1);
    assert_eq!(
        count(&app, "SELECT ticket FROM appeals WHERE state = 'draft'").await,
        0
    );
}

async fn an_appeal_for_an_unregistered_id_says_to_register(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(809);
    let appellant = client_for(&app.base);
    let submitted = appeal(
        &appellant,
        &app,
        &id,
        "钱一",
        "13800008091",
        jpeg(1024),
        ("id.jpg", "image/jpeg"),
    )
    .await;
    assert_eq!(submitted.status(), StatusCode::SEE_OTHER);
    let code = code_sent_to(&app, "13800008091").await;
    let answer = confirm(&appellant, &app, &ticket_of(&submitted), &code).await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&answer), "/appeal/status?unregistered=1");
    let page = appellant
        .get(app.url(&location(&answer)))
        .send()
        .await
        .unwrap();
    assert!(inner_text(&page.text().await.unwrap()).contains("该证件号码尚未注册"));
    assert_eq!(count(&app, "SELECT ticket FROM appeals").await, 0);
    assert_eq!(count(&app, "SELECT sha256 FROM file_blobs").await, 0);
}

async fn appeals_are_limited_per_client_before_the_upload_is_read(db: Db) {
    let app = spawn_app(db).await;
    let client = client_for(&app.base);
    let id = resident_id(810);
    let mut statuses = Vec::new();
    for _ in 0..11 {
        // Invalid (no name): each still counts.
        let answer = appeal(
            &client,
            &app,
            &id,
            "",
            "13800008101",
            jpeg(64),
            ("id.jpg", "image/jpeg"),
        )
        .await;
        statuses.push(answer.status());
    }
    assert!(
        statuses[..10]
            .iter()
            .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{statuses:?}"
    );
    assert_eq!(statuses[10], StatusCode::TOO_MANY_REQUESTS);
}

on_both_backends!(
    the_whole_story_from_appeal_to_certificate,
    a_rejection_shows_its_reason,
    a_wrong_code_files_nothing_and_the_draft_goes_with_its_code,
    an_oversized_photo_is_413_and_nothing_is_stored,
    a_photo_of_another_type_is_400,
    a_lookup_with_another_id_answers_like_a_missing_appeal,
    a_second_appeal_is_refused_while_one_is_pending,
    an_appeal_for_an_unregistered_id_says_to_register,
    appeals_are_limited_per_client_before_the_upload_is_read,
);

/// The SQLite migration rebuilds `holders` (its inline UNIQUE cannot be dropped): a database
/// with accounts, sessions and annotations from before keeps every row and reference.
#[tokio::test]
async fn the_sqlite_rebuild_of_holders_keeps_sessions_and_references() {
    use sqlx::{Connection, Executor};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    let options = <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(&url)
        .unwrap()
        .create_if_missing(true)
        .foreign_keys(true);
    {
        let mut conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .unwrap();
        let all = sqlx::migrate!("../app/migrations/sqlite");
        let before = sqlx::migrate::Migrator {
            migrations: std::borrow::Cow::Owned(
                all.iter().filter(|m| m.version < 8).cloned().collect(),
            ),
            ..sqlx::migrate::Migrator::DEFAULT
        };
        before.run(&mut conn).await.unwrap();
        conn.execute(
            "INSERT INTO holders (id, id_type, id_number, name, mobile, password_hash, created_at) \
             VALUES (7, 'resident', '11010519491231002X', '张三', '13900000000', 'h', 1); \
             INSERT INTO sessions (token_hash, holder_id, created_at, last_seen_at, expires_at) \
             VALUES ('t', 7, 1, 1, 9999999999999);",
        )
        .await
        .unwrap();
        conn.close().await.unwrap();
    }
    let storage = app::storage::connect(&url, crate::helpers::data_keys())
        .await
        .expect("migrated");
    let session = storage
        .session("t")
        .await
        .unwrap()
        .expect("the session survives");
    assert_eq!(session.holder.0, 7);
    // The ID number is still unique among unlocked accounts.
    let holder = storage
        .holder_by_login(&crate::fixtures::id_number("11010519491231002X"))
        .await
        .unwrap()
        .expect("the account");
    assert_eq!(holder.name.as_str(), "张三");
    storage.close().await;
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    let schema: String =
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = 'sessions'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert!(schema.contains("REFERENCES holders"), "{schema}");
}
