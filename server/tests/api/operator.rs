//! The operator's import, through the real binary on real files: bad rows of every kind are
//! rejected with line, column and reason while the good ones go in; a re-import changes
//! nothing; a corrected row updates its record with an audit line; an import killed or
//! interrupted part-way leaves whole batches and a re-run ends with exactly the full data.

use crate::helpers::{Db, TestDb};
use crate::on_both_backends;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The server binary with the database and data directory of a test, as an operator runs it.
pub fn command(url: &str, data_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .args(args)
        .arg("--database-url")
        .arg(url)
        .arg("--data-dir")
        .arg(data_dir)
        .env("PORTAL_LOG", "warn")
        .env("PORTAL_OPERATOR", "tester")
        .stdin(Stdio::null());
    command
}

/// Runs a command to its end.
pub fn run(url: &str, data_dir: &Path, args: &[&str]) -> Output {
    command(url, data_dir, args)
        .output()
        .expect("run the server binary")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The JSON summary an `import --json` prints as its last stdout line.
pub fn summary(output: &Output) -> serde_json::Value {
    let out = stdout(output);
    let line = out.lines().last().unwrap_or_else(|| {
        panic!("no summary; stderr: {}", stderr(output));
    });
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}"))
}

pub fn counts(summary: &serde_json::Value) -> [u64; 4] {
    ["inserted", "updated", "unchanged", "rejected"].map(|k| summary[k].as_u64().unwrap())
}

/// A valid resident ID number with a correct check character, distinct per `seq`.
pub fn resident_id(seq: u32) -> String {
    crate::accounts::resident_id(seq)
}

pub const HEADER: &str = "cert_number,id_type,id_number,holder_name,qualification,level,specialty,issued_on,issuer,electronic,status,revoked_on,revoke_reason";

/// One good CSV row for certificate `number` of holder `seq`.
pub fn good_row(number: &str, seq: u32, name: &str) -> String {
    format!(
        "{number},resident,{},{name},卫生专业技术资格,中级,儿科学,2023-06-30,国家卫生健康委员会人才交流服务中心,yes,valid,,",
        resident_id(seq)
    )
}

pub fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

async fn count(storage: &app::storage::DynStorage, numbers: &[&str]) -> usize {
    let mut n = 0;
    for number in numbers {
        if storage
            .certificate_by_number(number)
            .await
            .unwrap()
            .is_some()
        {
            n += 1;
        }
    }
    n
}

async fn bad_rows_are_rejected_with_line_column_and_reason(db: Db) {
    let test_db = TestDb::new(db).await;
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        HEADER.to_string(),
        good_row("G-0002", 1, "张𪚥"),                                     // 2 good (rare character)
        good_row("B-0003", 2, "李明").replace(&resident_id(2), "110105199001010021"), // 3 check character
        good_row("B-0004", 3, "王芳").replace("2023-06-30", "2023-02-30"), // 4 no such day
        good_row("B-0005", 4, "赵一").replace("resident", "驾驶证"),        // 5 unknown ID type
        good_row("B-0006", 5, "钱2"),                                      // 6 bad name
        "B-0007,resident,110105199001010053,孙三,卫生专业技术资格".to_string(), // 7 missing columns
        good_row("G-0002", 6, "周五"),                                     // 8 duplicate of line 2
        good_row("B-0009", 7, "吴六").replace(",valid,,", ",revoked,,"),   // 9 revoked, no date
        good_row("B-0010", 8, "郑七").replace(",valid,,", ",expired,,"),   // 10 unknown status
        "G-0011,护照,E12345678,JOHN SMITH,翻译专业资格（水平）,二级,英语笔译,2023-12-01,人力资源和社会保障部人事考试中心,是,有效,,".to_string(), // 11 good
        good_row("G-0012", 9, "阿依古丽·买买提").replace(",valid,,", ",已撤销,2024-03-01,考试违纪"), // 12 good, revoked
        // 13–14: one record whose quoted specialty spans two lines (a control character).
        format!(
            "G-0013,resident,{},冯八,卫生专业技术资格,中级,\"儿科学,\n（主治医师）\",2023-06-30,国家卫生健康委员会人才交流服务中心,no,valid,,",
            resident_id(10)
        ),
        good_row("B-0015", 11, "陈九").replace("2023-06-30", "2099-01-01"), // 15 future date
    ];
    let file = write(dir.path(), "certificates.csv", &(lines.join("\n") + "\n"));
    let output = run(
        &test_db.url,
        dir.path(),
        &["import", file.to_str().unwrap(), "--json", "--lang", "en"],
    );
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let totals = summary(&output);
    assert_eq!(counts(&totals), [3, 0, 0, 10], "{totals}");
    assert_eq!(totals["rows"], 13);

    // The rejects file: the rows as they were, with line, column and reason first.
    let rejects = dir.path().join("certificates.csv.rejects.csv");
    assert_eq!(totals["rejects_file"], rejects.to_str().unwrap());
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&rejects)
        .unwrap();
    assert_eq!(
        &reader.headers().unwrap().iter().take(4).collect::<Vec<_>>(),
        &["_line", "_column", "_reason", "cert_number"]
    );
    let found: Vec<(String, String, String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].into(), r[1].into(), r[2].into(), r[3].into())
        })
        .collect();
    let expected = [
        ("3", "id_number", "check character", "B-0003"),
        ("4", "issued_on", "not a real date", "B-0004"),
        ("5", "id_type", "unknown ID type", "B-0005"),
        ("6", "holder_name", "", "B-0006"),
        ("7", "level", "5 fields, the header 13", "B-0007"),
        (
            "8",
            "cert_number",
            "same certificate number as line 2",
            "G-0002",
        ),
        ("9", "revoked_on", "needs its revocation date", "B-0009"),
        ("10", "status", "valid (有效) or revoked", "B-0010"),
        ("13", "specialty", "control characters", "G-0013"),
        ("15", "issued_on", "in the future", "B-0015"),
    ];
    for (line, column, reason, number) in expected {
        let row = found
            .iter()
            .find(|r| r.0 == line)
            .unwrap_or_else(|| panic!("line {line} not in {found:?}"));
        assert_eq!(row.1, column, "{row:?}");
        assert!(row.2.contains(reason), "{row:?}");
        assert_eq!(row.3, number, "{row:?}");
    }
    assert_eq!(found.len(), 10, "{found:?}");
    // The bad name's reason is the registration form's own message.
    let name_reason = &found.iter().find(|r| r.0 == "6").unwrap().2;
    assert!(!name_reason.is_empty());
    assert!(stderr(&output).contains("rejected line 3: id_number"));

    let storage = server::open_storage(&test_db.url).await.unwrap();
    assert_eq!(
        count(
            &storage,
            &["G-0002", "G-0011", "G-0012", "G-0013", "B-0003"]
        )
        .await,
        3
    );
    let first = storage
        .certificate_by_number("G-0002")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        first.record.holder_name.as_str(),
        "张𪚥",
        "the first occurrence wins"
    );
    let revoked = storage
        .certificate_by_number("G-0012")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(revoked.record.status.code(), "revoked");
    let passport = storage
        .certificate_by_number("G-0011")
        .await
        .unwrap()
        .unwrap();
    assert!(passport.record.electronic);
    assert_eq!(passport.public_id.len(), 26, "random 128-bit public id");

    // Corrected (and the duplicate dropped), the rejects file goes in: its _ columns are
    // ignored.
    let fixed: String = std::fs::read_to_string(&rejects)
        .unwrap()
        .replace("110105199001010021", &resident_id(2))
        .replace("2023-02-30", "2023-02-28")
        .lines()
        .filter(|l| !l.contains("G-0002"))
        .map(|l| format!("{l}\n"))
        .collect();
    let fixed = write(dir.path(), "fixed.csv", &fixed);
    let again = run(
        &test_db.url,
        dir.path(),
        &["import", fixed.to_str().unwrap(), "--json", "--lang", "zh"],
    );
    let again_summary = summary(&again);
    assert_eq!(counts(&again_summary), [2, 0, 0, 7], "{again_summary}");
    // Reasons in Chinese this time.
    let zh = std::fs::read_to_string(dir.path().join("fixed.csv.rejects.csv")).unwrap();
    assert!(zh.contains("已撤销的证书须填写撤销日期"), "{zh}");
    assert!(zh.starts_with("_line,_column,_reason,cert_number,"), "{zh}");

    let runs = storage
        .audit_entries(&format!("import:{}", file.display()))
        .await
        .unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].actor, "operator:tester");
    assert_eq!(runs[0].action, "import.run");
    storage.close().await;
}

async fn a_file_without_required_columns_is_refused_whole(db: Db) {
    let test_db = TestDb::new(db).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "partial.csv",
        "cert_number,id_type,holder_name\nX-1,resident,张三\n",
    );
    let output = run(
        &test_db.url,
        dir.path(),
        &["import", file.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("lacks required columns: id_number (证件号码)"),
        "{}",
        stderr(&output)
    );
    let typo = write(
        dir.path(),
        "typo.csv",
        &format!("{HEADER},statuss\n{},x\n", good_row("X-2", 1, "张三")),
    );
    let output = run(
        &test_db.url,
        dir.path(),
        &["import", typo.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("unknown columns: statuss"));
    let missing = run(
        &test_db.url,
        dir.path(),
        &["import", "/nonexistent/file.csv"],
    );
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("cannot read /nonexistent/file.csv"));
    let bad_flag = run(
        &test_db.url,
        dir.path(),
        &["import", typo.to_str().unwrap(), "--batch-size", "0"],
    );
    assert_eq!(bad_flag.status.code(), Some(2), "clap refuses it");
    let storage = server::open_storage(&test_db.url).await.unwrap();
    assert!(storage
        .certificate_by_number("X-1")
        .await
        .unwrap()
        .is_none());
    assert!(storage
        .certificate_by_number("X-2")
        .await
        .unwrap()
        .is_none());
    storage.close().await;
}

async fn reimport_changes_nothing_and_a_correction_updates_with_its_audit_line(db: Db) {
    let test_db = TestDb::new(db).await;
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        good_row("R-1", 21, "张伟"),
        good_row("R-2", 22, "李娜"),
        good_row("R-3", 23, "王𠮷"),
    ];
    let file = write(
        dir.path(),
        "r.csv",
        &format!("{HEADER}\n{}\n", rows.join("\n")),
    );
    let first = run(
        &test_db.url,
        dir.path(),
        &["import", file.to_str().unwrap(), "--json"],
    );
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert_eq!(counts(&summary(&first)), [3, 0, 0, 0]);
    let storage = server::open_storage(&test_db.url).await.unwrap();
    let before = storage.certificate_by_number("R-2").await.unwrap().unwrap();

    let second = run(
        &test_db.url,
        dir.path(),
        &["import", file.to_str().unwrap(), "--json"],
    );
    assert_eq!(counts(&summary(&second)), [0, 0, 3, 0]);
    assert!(
        !dir.path().join("r.csv.rejects.csv").exists(),
        "no rejects, no file"
    );
    let same = storage.certificate_by_number("R-2").await.unwrap().unwrap();
    assert_eq!(same.updated_at, before.updated_at, "not written at all");
    assert_eq!(same.public_id, before.public_id);

    // The same records as JSON Lines are the same content.
    let jsonl: String = rows
        .iter()
        .map(|row| {
            let values: Vec<&str> = row.split(',').collect();
            let object: serde_json::Map<String, serde_json::Value> = HEADER
                .split(',')
                .zip(values)
                .map(|(k, v)| (k.to_string(), v.into()))
                .collect();
            serde_json::Value::Object(object).to_string() + "\n"
        })
        .collect();
    let json_file = write(dir.path(), "r.jsonl", &jsonl);
    let third = run(
        &test_db.url,
        dir.path(),
        &["import", json_file.to_str().unwrap(), "--json"],
    );
    assert_eq!(counts(&summary(&third)), [0, 0, 3, 0], "{}", stderr(&third));

    // A corrected specialty and a revocation: two updates, each in the audit log.
    let corrected = [
        rows[0].clone(),
        rows[1].replace("儿科学", "儿科学（主治医师）"),
        rows[2].replace(",valid,,", ",revoked,2024-05-06,以不正当手段取得证书"),
    ];
    let file = write(
        dir.path(),
        "r.csv",
        &format!("{HEADER}\n{}\n", corrected.join("\n")),
    );
    let fourth = run(
        &test_db.url,
        dir.path(),
        &["import", file.to_str().unwrap(), "--json"],
    );
    assert_eq!(counts(&summary(&fourth)), [0, 2, 1, 0]);
    let after = storage.certificate_by_number("R-2").await.unwrap().unwrap();
    assert_eq!(after.record.specialty, "儿科学（主治医师）");
    assert!(after.updated_at > before.updated_at);
    assert_eq!(after.public_id, before.public_id);
    let audit = storage.audit_entries("certificate:R-2").await.unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0].action, "certificate.import_update");
    assert_eq!(audit[0].actor, "operator:tester");
    let detail: serde_json::Value = serde_json::from_str(&audit[0].detail).unwrap();
    assert_eq!(detail["line"], 3);
    assert_eq!(
        detail["changed"],
        serde_json::json!({"specialty": {"before": "儿科学", "after": "儿科学（主治医师）"}})
    );
    let revoked = storage.audit_entries("certificate:R-3").await.unwrap();
    let detail: serde_json::Value = serde_json::from_str(&revoked[0].detail).unwrap();
    assert_eq!(detail["changed"]["status"]["before"], "valid");
    assert_eq!(detail["changed"]["status"]["after"], "revoked");
    assert_eq!(detail["changed"]["revoked_on"]["after"], "2024-05-06");
    assert!(storage
        .audit_entries("certificate:R-1")
        .await
        .unwrap()
        .is_empty());

    let fifth = run(
        &test_db.url,
        dir.path(),
        &["import", file.to_str().unwrap(), "--json"],
    );
    assert_eq!(counts(&summary(&fifth)), [0, 0, 3, 0], "idempotent again");
    storage.close().await;
}

/// The (number, hash, name, status) of every certificate, for comparing two databases.
async fn all_rows(url: &str) -> Vec<(String, String, String, String)> {
    use sqlx::Connection;
    let sql = "SELECT cert_number, content_hash, holder_name, status FROM certificates \
               ORDER BY cert_number";
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap()
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap()
    }
}

async fn certificate_count(url: &str) -> i64 {
    use sqlx::Connection;
    let sql = "SELECT COUNT(*) FROM certificates";
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    }
}

/// Starts an import that pauses after each committed batch, and waits until at least
/// `rows` are committed.
async fn import_until(url: &str, dir: &Path, file: &Path, rows: i64) -> Child {
    let child = command(
        url,
        dir,
        &[
            "import",
            file.to_str().unwrap(),
            "--json",
            "--batch-size",
            "1000",
            "--test-pause-ms",
            "300",
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while certificate_count(url).await < rows {
        assert!(Instant::now() < deadline, "the import did not get going");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child
}

async fn an_interrupted_import_is_finished_by_running_it_again(db: Db) {
    const ROWS: i64 = 12_000;
    let test_db = TestDb::new(db).await;
    // Created and migrated before the imports start, for counting their progress.
    let storage = server::open_storage(&test_db.url).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gen.csv");
    let gen = run(
        &test_db.url,
        dir.path(),
        &[
            "gen-import",
            file.to_str().unwrap(),
            "--rows",
            "12000",
            "--seed",
            "5",
        ],
    );
    assert!(gen.status.success(), "{}", stderr(&gen));

    // Killed outright (as by a power cut or the OOM killer): whole batches only.
    let mut killed = import_until(&test_db.url, dir.path(), &file, 2000).await;
    killed.kill().unwrap();
    killed.wait().unwrap();
    let after_kill = certificate_count(&test_db.url).await;
    assert!(after_kill < ROWS, "killed part-way ({after_kill})");
    assert_eq!(after_kill % 1000, 0, "only whole batches: {after_kill}");

    // Ctrl-C: stops after the batch being written, says so, exit code 130.
    let interrupted = import_until(&test_db.url, dir.path(), &file, after_kill + 2000).await;
    let status = Command::new("kill")
        .args(["-INT", &interrupted.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = interrupted.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    let partial = summary(&output);
    assert_eq!(partial["interrupted"], true);
    let after_interrupt = certificate_count(&test_db.url).await;
    assert!(
        after_interrupt < ROWS,
        "interrupted part-way ({after_interrupt})"
    );
    assert_eq!(after_interrupt % 1000, 0);
    assert_eq!(
        partial["inserted"].as_i64().unwrap() + partial["unchanged"].as_i64().unwrap(),
        after_interrupt,
        "{partial}"
    );
    assert!(
        stdout(&output).contains("run the same command again")
            || stderr(&output).contains("run the same command again")
    );

    // Run again: finishes, and the rows already in count as unchanged.
    let output = run(
        &test_db.url,
        dir.path(),
        &["import", file.to_str().unwrap(), "--json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let done = summary(&output);
    assert_eq!(
        counts(&done),
        [
            (ROWS - after_interrupt) as u64,
            0,
            after_interrupt as u64,
            0
        ],
        "{done}"
    );

    // Exactly what one uninterrupted import gives.
    let reference = TestDb::new(db).await;
    let output = run(
        &reference.url,
        dir.path(),
        &[
            "import",
            file.to_str().unwrap(),
            "--json",
            "--rejects",
            dir.path().join("r2").to_str().unwrap(),
        ],
    );
    assert_eq!(counts(&summary(&output)), [ROWS as u64, 0, 0, 0]);
    let resumed = all_rows(&test_db.url).await;
    assert_eq!(resumed.len(), ROWS as usize);
    assert!(resumed == all_rows(&reference.url).await);
    storage.close().await;
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// The rejects file holds ID numbers and names: it is created owner-only, and a cell a
/// spreadsheet would run as a formula is written with a leading `'`. The SQLite database and
/// its -wal/-shm are owner-only too (also one that was created readable by others).
async fn the_rejects_file_and_the_database_are_private_and_run_no_formula(db: Db) {
    let test_db = TestDb::new(db).await;
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        HEADER.to_string(),
        good_row("G-0001", 1, "张三"),
        // Each row is rejected (a bad date at least) and carries a formula-looking cell.
        good_row("=1+2*cmd|' /C calc'!A0", 2, "李四").replace("2023-06-30", "2023-02-30"),
        good_row("B-0003", 3, "+cmd|' /C calc'!A0").replace("2023-06-30", "2023-02-30"),
        good_row("B-0004", 4, "王五")
            .replace("儿科学", "@SUM(1+1)*cmd|' /C calc'!A0")
            .replace("2023-06-30", "2023-02-30"),
        good_row("B-0005", 5, "赵六").replace("2023-06-30", "-2+3"),
        good_row("B-0006", 6, "孙七")
            .replace("resident,", "\tresident,")
            .replace("2023-06-30", "2023-02-30"),
    ];
    let file = write(dir.path(), "formulas.csv", &(lines.join("\n") + "\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Another run's rejects file, readable by everyone, is replaced by a private one.
        let stale = dir.path().join("formulas.csv.rejects.csv");
        std::fs::write(&stale, "old").unwrap();
        std::fs::set_permissions(&stale, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let output = run(
        &test_db.url,
        dir.path(),
        &["import", file.to_str().unwrap(), "--json"],
    );
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let rejects = dir.path().join("formulas.csv.rejects.csv");
    #[cfg(unix)]
    assert_eq!(mode(&rejects), 0o600, "the rejects file is owner-only");

    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&rejects)
        .unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5);
    let cells: Vec<String> = rows
        .iter()
        .flat_map(|r| r.iter().map(str::to_string).collect::<Vec<_>>())
        .collect();
    for cell in &cells {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "a formula cell reached the file: {cell:?}"
        );
    }
    for expected in [
        "'=1+2*cmd|' /C calc'!A0",
        "'+cmd|' /C calc'!A0",
        "'@SUM(1+1)*cmd|' /C calc'!A0",
        "'-2+3",
        "'\tresident",
    ] {
        assert!(
            cells.iter().any(|c| c == expected),
            "{expected:?} not in {cells:?}"
        );
    }

    if db == Db::Sqlite {
        let path = PathBuf::from(test_db.url.trim_start_matches("sqlite://"));
        let storage = server::open_storage(&test_db.url).await.unwrap();
        storage
            .append_audit(&app::domain::AuditEntry {
                at: 1,
                actor: "operator:tester".into(),
                action: "test.write".into(),
                subject: "test".into(),
                detail: "{}".into(),
            })
            .await
            .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for suffix in ["", "-wal", "-shm"] {
                let file = PathBuf::from(format!("{}{suffix}", path.display()));
                assert_eq!(mode(&file), 0o600, "{}", file.display());
            }
            storage.close().await;
            // A database file someone made readable by others is narrowed at the next start.
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let storage = server::open_storage(&test_db.url).await.unwrap();
            assert_eq!(mode(&path), 0o600);
            storage.close().await;
        }
    }
}

on_both_backends!(
    the_rejects_file_and_the_database_are_private_and_run_no_formula,
    bad_rows_are_rejected_with_line_column_and_reason,
    a_file_without_required_columns_is_refused_whole,
    reimport_changes_nothing_and_a_correction_updates_with_its_audit_line,
    an_interrupted_import_is_finished_by_running_it_again
);
