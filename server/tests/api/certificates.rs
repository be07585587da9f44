//! The holder's certificates and electronic files: whose they are, what the pages say, and how
//! files are served (types, names, ranges). Nobody reaches what is not theirs.

use crate::accounts::{resident_id, signed_up};
use crate::fixtures::example_record;
use crate::helpers::{client_for, inner_text, raw_execute, spawn_app, Db, TestApp};
use crate::on_both_backends;
use app::domain::identity::mod11_2_check;
use app::domain::{CertificateRecord, CertificateStatus, NewCertificateFile};
use reqwest::StatusCode;
use time::macros::date;

fn record(number: &str, id: &str, name: &str) -> CertificateRecord {
    example_record()
        .health_professional()
        .number(number)
        .holder(id, name)
        .build()
}

pub async fn add_certificate(app: &TestApp, record: &CertificateRecord) -> String {
    app.state
        .storage
        .upsert_certificate(record, 1)
        .await
        .unwrap();
    app.state
        .storage
        .certificate_by_number(&record.number)
        .await
        .unwrap()
        .unwrap()
        .public_id
}

pub async fn add_file(
    app: &TestApp,
    number: &str,
    name: &str,
    content_type: &str,
    bytes: &[u8],
) -> String {
    let certificate = app
        .state
        .storage
        .certificate_by_number(number)
        .await
        .unwrap()
        .unwrap();
    let sha256 = app.state.blobs.put_blob(bytes).await.unwrap();
    app.state
        .storage
        .insert_certificate_file(&NewCertificateFile {
            certificate_id: certificate.id,
            file_name: name.to_string(),
            content_type: content_type.to_string(),
            size: bytes.len() as i64,
            sha256,
            created_at: 2,
        })
        .await
        .unwrap()
}

async fn my_numbers(app: &TestApp) -> Vec<String> {
    let response = app
        .client
        .post(app.url("/api/certificates/mine"))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let list: serde_json::Value = response.json().await.unwrap();
    let mut numbers: Vec<String> = list["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_str().unwrap().to_string())
        .collect();
    numbers.sort();
    numbers
}

async fn certificates_belong_to_the_matching_id_and_name(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(21);
    // Loaded before the holder registers…
    add_certificate(&app, &record("C-BEFORE", &id, "张𪚥")).await;
    // …same ID number but another name, and another person's: never shown.
    add_certificate(&app, &record("C-OTHER-NAME", &id, "张哲")).await;
    add_certificate(&app, &record("C-OTHER-ID", &resident_id(22), "张𪚥")).await;
    signed_up(&app, &id, "张𪚥").await;
    // …and after.
    add_certificate(&app, &record("C-AFTER", &id, "张𪚥")).await;
    assert_eq!(my_numbers(&app).await, vec!["C-AFTER", "C-BEFORE"]);

    let (status, html) = app.get_text("/certificates").await;
    assert_eq!(status, StatusCode::OK);
    let text = inner_text(&html);
    assert!(text.contains("C-AFTER") && text.contains("C-BEFORE"));
    assert!(!text.contains("C-OTHER"));
    assert!(text.contains("有效"));
}

/// Older certificates carry the 15-digit number of a first-generation ID card; the holder
/// registers with today's 18-character card (or the other way round). Both name one person.
async fn first_generation_id_numbers_find_the_same_certificates(db: Db) {
    let app = spawn_app(db).await;
    // 110105 19900101 021 + check character, and its first-generation form.
    let new_card = resident_id(21);
    let old_card = format!("{}{}", &new_card[..6], &new_card[8..17]);
    assert_eq!(old_card.len(), 15);
    add_certificate(&app, &record("C-OLD-CARD", &old_card, "王芳")).await;
    signed_up(&app, &new_card, "王芳").await;
    assert_eq!(my_numbers(&app).await, vec!["C-OLD-CARD"]);
}

/// Residence permits of Hong Kong, Macao and Taiwan residents are resident ID numbers whose
/// region code is a whole "province": 810000, 820000, 830000.
async fn residence_permit_holders_register_and_find_theirs(db: Db) {
    let app = spawn_app(db).await;
    let first17 = "81000019900101003";
    let permit = format!("{first17}{}", mod11_2_check(first17.as_bytes()));
    add_certificate(&app, &record("C-PERMIT", &permit, "陈大文")).await;
    signed_up(&app, &permit, "陈大文").await;
    assert_eq!(my_numbers(&app).await, vec!["C-PERMIT"]);
}

async fn the_list_explains_revoked_and_empty(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(23);
    signed_up(&app, &id, "李明").await;
    let (_, html) = app.get_text("/certificates").await;
    let text = inner_text(&html);
    assert!(text.contains("暂无证书信息"));
    for reason in [
        "未取得证书",
        "证书信息暂未上线",
        "更正过您的姓名或证件号码",
        "2016年度以前",
    ] {
        assert!(text.contains(reason), "{reason}");
    }

    let mut revoked = record("C-REVOKED", &id, "李明");
    revoked.status = CertificateStatus::Revoked {
        on: date!(2024 - 03 - 01),
        reason: "考试违纪".into(),
    };
    let public_id = add_certificate(&app, &revoked).await;
    let (_, html) = app.get_text("/certificates").await;
    let text = inner_text(&html);
    assert!(text.contains("已撤销"));
    assert!(text.contains("请联系证书发放机构：国家卫生健康委员会人才交流服务中心"));
    assert!(
        !html.contains(&format!("/certificates/{public_id}/download")),
        "no [下载]"
    );

    let (status, html) = app.get_text(&format!("/certificates/{public_id}")).await;
    assert_eq!(status, StatusCode::OK);
    let text = inner_text(&html);
    assert!(text.contains("2024年3月1日") && text.contains("考试违纪"));
}

async fn details_show_every_field(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(24);
    signed_up(&app, &id, "王芳").await;
    let public_id = add_certificate(&app, &record("2023110100123456", &id, "王芳")).await;
    let (status, html) = app.get_text(&format!("/certificates/{public_id}")).await;
    assert_eq!(status, StatusCode::OK);
    let text = inner_text(&html);
    for expected in [
        "王芳",
        &app::domain::mask_id_number(&id),
        "卫生专业技术资格",
        "中级",
        "儿科学",
        "2023110100123456",
        // Dates in Chinese text are written 年月日.
        "2023年6月30日",
        "国家卫生健康委员会人才交流服务中心",
        "须经加注",
    ] {
        assert!(text.contains(expected), "{expected}");
    }
    assert!(!text.contains(&id), "the ID number is masked");
}

async fn nobody_reaches_another_holders_certificate_or_file(db: Db) {
    let app = spawn_app(db).await;
    let owner_id = resident_id(25);
    signed_up(&app, &owner_id, "赵一").await;
    let public_id = add_certificate(&app, &record("C-OWNED", &owner_id, "赵一")).await;
    let file_id = add_file(
        &app,
        "C-OWNED",
        "扫描件.pdf",
        "application/pdf",
        b"%PDF-1.4 owned",
    )
    .await;
    assert_eq!(
        app.get(&format!("/files/{file_id}")).await.status(),
        StatusCode::OK
    );

    let other_id = resident_id(26);
    let other = crate::accounts::another_holder(&app, &other_id, "钱二").await;
    let visitor = client_for(&app.base);

    let body_of = |r: reqwest::Response| async move {
        let status = r.status();
        (status, inner_text(&r.text().await.unwrap()))
    };
    for client in [&other, &visitor] {
        let missing = client
            .get(app.url("/files/doesnotexist234567abcdefgh"))
            .send()
            .await
            .unwrap();
        let missing_file = body_of(missing).await;
        assert_eq!(missing_file.0, StatusCode::NOT_FOUND);
        for path in [
            format!("/files/{file_id}"),
            format!("/files/{file_id}/download"),
        ] {
            let answer = body_of(client.get(app.url(&path)).send().await.unwrap()).await;
            assert_eq!(
                answer, missing_file,
                "{path}: same answer as a missing file"
            );
        }
    }
    for path in [
        format!("/certificates/{public_id}"),
        format!("/certificates/{public_id}/download"),
        format!("/certificates/{public_id}/files/{file_id}"),
    ] {
        let answer = other.get(app.url(&path)).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(!inner_text(&answer.text().await.unwrap()).contains("C-OWNED"));
    }
    let via_function = other
        .post(app.url("/api/certificates/details"))
        .header("accept", "application/json")
        .form(&[("id", public_id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(via_function.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        via_function.json::<serde_json::Value>().await.unwrap(),
        "NotFound"
    );
}

async fn files_are_served_with_type_name_length_and_ranges(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(27);
    signed_up(&app, &id, "孙三").await;
    let certificate = add_certificate(&app, &record("C-FILES", &id, "孙三")).await;
    let pdf: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let file_id = add_file(&app, "C-FILES", "证书 扫描件.pdf", "application/pdf", &pdf).await;

    let inline = app.get(&format!("/files/{file_id}")).await;
    assert_eq!(inline.status(), StatusCode::OK);
    let h = inline.headers().clone();
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(h["content-length"], "5000");
    assert_eq!(h["accept-ranges"], "bytes");
    assert!(h["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("inline;"));
    assert!(h["content-disposition"]
        .to_str()
        .unwrap()
        .contains("filename*=UTF-8''%E8%AF%81%E4%B9%A6%20%E6%89%AB%E6%8F%8F%E4%BB%B6.pdf"));
    assert_eq!(inline.bytes().await.unwrap().as_ref(), pdf.as_slice());

    let download = app.get(&format!("/files/{file_id}/download")).await;
    assert!(download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    let etag = download.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(etag, format!("\"{}\"", app::infra::sha256_hex(&pdf)));

    // Files are compressed already: even a client that accepts compression gets the exact
    // stored bytes, so lengths, ranges and hashes stay true.
    let accepting = app
        .client
        .get(app.url(&format!("/files/{file_id}")))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert!(!accepting.headers().contains_key("content-encoding"));
    assert_eq!(accepting.bytes().await.unwrap().as_ref(), pdf.as_slice());

    let ranged = app
        .client
        .get(app.url(&format!("/files/{file_id}")))
        .header("range", "bytes=100-199")
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(ranged.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(ranged.headers()["content-range"], "bytes 100-199/5000");
    assert_eq!(ranged.headers()["content-length"], "100");
    assert_eq!(ranged.bytes().await.unwrap().as_ref(), &pdf[100..200]);

    let tail = app
        .client
        .get(app.url(&format!("/files/{file_id}")))
        .header("range", "bytes=-10")
        .send()
        .await
        .unwrap();
    assert_eq!(tail.bytes().await.unwrap().as_ref(), &pdf[4990..]);

    let beyond = app
        .client
        .get(app.url(&format!("/files/{file_id}")))
        .header("range", "bytes=6000-")
        .send()
        .await
        .unwrap();
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(beyond.headers()["content-range"], "bytes */5000");

    let stale = app
        .client
        .get(app.url(&format!("/files/{file_id}")))
        .header("range", "bytes=0-9")
        .header("if-range", "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(
        stale.status(),
        StatusCode::OK,
        "If-Range mismatch sends the whole file"
    );

    let cached = app
        .client
        .get(app.url(&format!("/files/{file_id}")))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);

    let ofd = add_file(
        &app,
        "C-FILES",
        "证书.ofd",
        "application/ofd",
        b"PK\x03\x04ofd",
    )
    .await;
    let ofd_view = app.get(&format!("/files/{ofd}")).await;
    assert!(
        ofd_view.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;"),
        "OFD is always a download"
    );
    // [查看文件] of an OFD says how to open it, with the download and the checksum.
    let (status, page) = app
        .get_text(&format!("/certificates/{certificate}/files/{ofd}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = inner_text(&page);
    assert!(
        text.contains("OFD 阅读器") && text.contains("SHA-256"),
        "{text}"
    );
    assert!(page.contains(&format!("/files/{ofd}/download")));
    let (_, list) = app
        .get_text(&format!("/certificates/{certificate}/download"))
        .await;
    assert!(
        list.contains(&format!("/certificates/{certificate}/files/{ofd}")),
        "an OFD has [查看文件] too"
    );
}

async fn files_of_revoked_certificates_are_withdrawn(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(28);
    signed_up(&app, &id, "周四").await;
    let mut cert = record("C-WITHDRAWN", &id, "周四");
    add_certificate(&app, &cert).await;
    let file_id = add_file(&app, "C-WITHDRAWN", "a.pdf", "application/pdf", b"%PDF-1.4").await;
    assert_eq!(
        app.get(&format!("/files/{file_id}")).await.status(),
        StatusCode::OK
    );
    cert.status = CertificateStatus::Revoked {
        on: date!(2025 - 01 - 01),
        reason: "撤销".into(),
    };
    app.state
        .storage
        .upsert_certificate(&cert, 3)
        .await
        .unwrap();
    assert_eq!(
        app.get(&format!("/files/{file_id}")).await.status(),
        StatusCode::NOT_FOUND
    );
}

async fn corrupted_file_bytes_are_never_served(db: Db) {
    let app = spawn_app(db).await;
    let id = resident_id(29);
    signed_up(&app, &id, "吴五").await;
    add_certificate(&app, &record("C-CORRUPT", &id, "吴五")).await;
    let file_id = add_file(
        &app,
        "C-CORRUPT",
        "a.pdf",
        "application/pdf",
        b"%PDF-1.4 good",
    )
    .await;
    let corrupt = match db {
        Db::Sqlite => "UPDATE file_blobs SET content = X'0001'",
        Db::Postgres => "UPDATE file_blobs SET content = '\\x0001'::bytea",
    };
    raw_execute(&app.db_url(), corrupt).await;
    let response = app.get(&format!("/files/{file_id}")).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.text().await.unwrap();
    assert!(!body.contains("%PDF"), "no corrupted bytes");
    assert!(!body.contains("blob"), "no internals");
}

async fn the_annotation_cut_off_is_a_setting_and_the_texts_say_it(db: Db) {
    // An operator moves the day to 2024-06-01: a pharmacist's e-certificate issued on
    // 2024-01-12 is then viewed directly, and every text names the day configured.
    let app = crate::helpers::spawn_app_with(
        db,
        crate::helpers::Options {
            annotation_cutoff: Some(date!(2024 - 06 - 01)),
            ..Default::default()
        },
    )
    .await;
    let id = resident_id(29);
    signed_up(&app, &id, "吴九").await;
    let certificate = add_certificate(&app, &example_record().holder(&id, "吴九").build()).await;
    let (_, page) = app
        .get_text(&format!("/certificates/{certificate}/download"))
        .await;
    let text = inner_text(&page);
    assert!(
        text.contains("电子证书（2024年6月1日之前制发），可直接查看和下载"),
        "{text}"
    );
    assert!(page.contains(r#"<meta name="annotation-cutoff" content="2024-06-01">"#));
    let refused = crate::annotations::apply(&app, &app.client, &certificate, "90").await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(inner_text(&refused.text().await.unwrap()).contains("2024年6月1日之前制发的电子证书"));
    let (_, terms) = app.get_text("/terms").await;
    assert!(inner_text(&terms).contains("2024年6月1日（含）以后制发的电子证书"));
}

on_both_backends!(
    the_annotation_cut_off_is_a_setting_and_the_texts_say_it,
    certificates_belong_to_the_matching_id_and_name,
    first_generation_id_numbers_find_the_same_certificates,
    residence_permit_holders_register_and_find_theirs,
    the_list_explains_revoked_and_empty,
    details_show_every_field,
    nobody_reaches_another_holders_certificate_or_file,
    files_are_served_with_type_name_length_and_ranges,
    files_of_revoked_certificates_are_withdrawn,
    corrupted_file_bytes_are_never_served,
);
