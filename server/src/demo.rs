//! Demo data: a few holders with valid, revoked, pre- and post-cut-off certificates and
//! electronic files, so that every state of the product can be seen right after start-up.
//! Loading is idempotent: running it twice changes nothing.

use app::accounts::password::hash_password;
use app::domain::{CertificateRecord, CertificateStatus, NewCertificateFile, NewHolder};
use app::domain::{HolderName, IdNumber, IdType, Mobile, NewPassword};
use app::state::AppState;
use app::storage::StorageError;
use time::macros::date;
use time::Date;

/// A demo login, printed by the run command.
#[derive(Clone, Debug)]
pub struct DemoLogin {
    pub id_type: IdType,
    pub id_number: &'static str,
    pub name: &'static str,
    pub password: &'static str,
    pub what: &'static str,
}

pub const DEMO_LOGINS: &[DemoLogin] = &[
    DemoLogin {
        id_type: IdType::ResidentIdCard,
        id_number: "110105198001010016",
        name: "张伟",
        password: "Demo2026zw",
        what: "valid, revoked, pre- and post-2021-12-17 certificates, files",
    },
    DemoLogin {
        id_type: IdType::ResidentIdCard,
        id_number: "320102199203154522",
        name: "张𪚥",
        password: "Demo2026zz",
        what: "rare-character name (U+2A6A5), post-cut-off e-certificate",
    },
    DemoLogin {
        id_type: IdType::ResidentIdCard,
        id_number: "650102198807062225",
        name: "阿依古丽·买买提",
        password: "Demo2026ay",
        what: "name with a middle dot",
    },
    DemoLogin {
        id_type: IdType::Passport,
        id_number: "E12345678",
        name: "JOHN SMITH",
        password: "Demo2026js",
        what: "foreign holder with a passport",
    },
    DemoLogin {
        id_type: IdType::ResidentIdCard,
        id_number: "440106199512123319",
        name: "李明",
        password: "Demo2026lm",
        what: "no certificates (the empty list and its reasons)",
    },
];

struct DemoCertificate {
    number: &'static str,
    holder: usize,
    qualification: &'static str,
    level: &'static str,
    specialty: &'static str,
    issued_on: Date,
    issuer: &'static str,
    electronic: bool,
    revoked: Option<(Date, &'static str)>,
    files: &'static [&'static str],
}

const HEALTH_ISSUER: &str = "国家卫生健康委员会人才交流服务中心";
const PERSONNEL_ISSUER: &str = "人力资源和社会保障部人事考试中心";

fn demo_certificates() -> Vec<DemoCertificate> {
    vec![
        DemoCertificate {
            number: "2023110100123456",
            holder: 0,
            qualification: "卫生专业技术资格",
            level: "中级",
            specialty: "儿科学（主治医师）",
            issued_on: date!(2023 - 06 - 30),
            issuer: HEALTH_ISSUER,
            electronic: true,
            revoked: None,
            files: &["成绩合格证明.pdf"],
        },
        DemoCertificate {
            number: "2020110100654321",
            holder: 0,
            qualification: "卫生专业技术资格",
            level: "初级（师）",
            specialty: "临床医学检验技术",
            issued_on: date!(2020 - 09 - 01),
            issuer: HEALTH_ISSUER,
            electronic: true,
            revoked: None,
            files: &[],
        },
        DemoCertificate {
            number: "2015110100777001",
            holder: 0,
            qualification: "经济专业技术资格",
            level: "初级",
            specialty: "人力资源管理",
            issued_on: date!(2015 - 11 - 20),
            issuer: PERSONNEL_ISSUER,
            electronic: false,
            revoked: None,
            files: &["证书扫描件.pdf", "证书扫描件.png"],
        },
        DemoCertificate {
            number: "2019110100888002",
            holder: 0,
            qualification: "计算机技术与软件专业技术资格",
            level: "中级",
            specialty: "系统集成项目管理工程师",
            issued_on: date!(2019 - 12 - 15),
            issuer: PERSONNEL_ISSUER,
            electronic: true,
            revoked: Some((date!(2022 - 03 - 01), "考试违纪，成绩无效")),
            files: &[],
        },
        DemoCertificate {
            number: "2024320100000777",
            holder: 1,
            qualification: "执业药师职业资格",
            level: "执业药师",
            specialty: "药学类",
            issued_on: date!(2024 - 01 - 12),
            issuer: "国家药品监督管理局执业药师资格认证中心",
            electronic: true,
            revoked: None,
            files: &["执业药师资格证书.pdf"],
        },
        DemoCertificate {
            number: "2022650100031415",
            holder: 2,
            qualification: "社会工作者职业资格",
            level: "中级",
            specialty: "社会工作师",
            issued_on: date!(2022 - 08 - 08),
            issuer: PERSONNEL_ISSUER,
            electronic: true,
            revoked: None,
            files: &[],
        },
        DemoCertificate {
            number: "2023000100999999",
            holder: 3,
            qualification: "翻译专业资格（水平）",
            level: "二级",
            specialty: "英语笔译",
            issued_on: date!(2023 - 12 - 01),
            issuer: PERSONNEL_ISSUER,
            electronic: true,
            revoked: None,
            files: &[],
        },
    ]
}

/// What loading did, for the log and the run command's output.
#[derive(Debug, Default)]
pub struct DemoSummary {
    pub holders_created: usize,
    pub certificates_changed: usize,
    pub files_attached: usize,
}

/// Loads the demo data. Safe to run on every start.
pub async fn load(state: &AppState) -> anyhow::Result<DemoSummary> {
    let mut summary = DemoSummary::default();
    let today = state.clock.today();
    let today = (today.year(), today.month() as u8, today.day());
    let now = state.clock.now();
    let mut parsed = Vec::new();
    for login in DEMO_LOGINS {
        let id = IdNumber::parse(login.id_type, login.id_number, today)
            .map_err(|m| anyhow::anyhow!("demo ID {} invalid: {m:?}", login.id_number))?;
        let name = HolderName::parse(login.name)
            .map_err(|m| anyhow::anyhow!("demo name {} invalid: {m:?}", login.name))?;
        parsed.push((id.clone(), name.clone()));
        if state.storage.holder_by_login(&id).await?.is_some() {
            continue;
        }
        let password = NewPassword::parse(login.password, Some(login.id_number))
            .map_err(|m| anyhow::anyhow!("demo password invalid: {m:?}"))?;
        let hash = tokio::task::spawn_blocking(move || hash_password(&password))
            .await?
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?;
        let holder = NewHolder {
            id_number: id,
            name,
            mobile: Mobile::parse("13800138000").expect("valid demo mobile"),
            password_hash: hash,
            created_at: now,
        };
        match state.storage.insert_holder(&holder).await {
            Ok(_) => summary.holders_created += 1,
            Err(StorageError::Conflict) => {}
            Err(e) => return Err(e.into()),
        }
    }
    for cert in demo_certificates() {
        let (holder_id, holder_name) = parsed[cert.holder].clone();
        let record = CertificateRecord {
            number: cert.number.to_string(),
            holder_id,
            holder_name,
            qualification: cert.qualification.to_string(),
            level: cert.level.to_string(),
            specialty: cert.specialty.to_string(),
            issued_on: cert.issued_on,
            issuer: cert.issuer.to_string(),
            electronic: cert.electronic,
            status: match cert.revoked {
                None => CertificateStatus::Valid,
                Some((on, reason)) => CertificateStatus::Revoked {
                    on,
                    reason: reason.to_string(),
                },
            },
        };
        let (id, outcome) = state.storage.upsert_certificate(&record, now).await?;
        if outcome != app::domain::UpsertOutcome::Unchanged {
            summary.certificates_changed += 1;
        }
        let existing = state.storage.files_of_certificate(id).await?;
        for file_name in cert.files {
            if existing.iter().any(|f| f.file_name == *file_name) {
                continue;
            }
            let (content, content_type) = if file_name.ends_with(".png") {
                (demo_scan_png(), "image/png")
            } else {
                (demo_file_pdf(state, &record)?, "application/pdf")
            };
            let sha256 = state.blobs.put_blob(&content).await?;
            state
                .storage
                .insert_certificate_file(&NewCertificateFile {
                    certificate_id: id,
                    file_name: file_name.to_string(),
                    content_type: content_type.to_string(),
                    size: content.len() as i64,
                    sha256,
                    created_at: now,
                })
                .await?;
            summary.files_attached += 1;
        }
    }
    Ok(summary)
}

/// A one-page PDF standing in for a scanned certificate document, in Chinese.
fn demo_file_pdf(state: &AppState, record: &CertificateRecord) -> anyhow::Result<Vec<u8>> {
    // The certificate's fields as a copy prints them.
    let face = crate::copy::certificate_face(record);
    let lines = [
        format!("持证人：{}", face.holder_name),
        format!("资格名称：{}（{}）", face.qualification, face.level),
        format!("专业：{}", face.specialty),
        format!("管理号：{}", face.number),
        format!("签发日期：{}", face.issue_date),
        format!("发证机构：{}", face.issuer),
        "本文件为演示用证书电子文件。".to_string(),
    ];
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    Ok(certpdf::render_document_pdf(
        &state.fonts,
        "证书电子文件",
        &lines,
    )?)
}

/// A stand-in for a scanned paper certificate: a cream sheet with a red frame, a seal and
/// grey lines where the text would be.
fn demo_scan_png() -> Vec<u8> {
    const W: u32 = 640;
    const H: u32 = 452;
    let mut pixels = vec![0u8; (W * H * 3) as usize];
    for y in 0..H {
        for x in 0..W {
            let frame = x < 18 || y < 18 || x >= W - 18 || y >= H - 18;
            let inner_frame = (26..30).contains(&x.min(W - 1 - x)) && (26..H - 26).contains(&y)
                || (26..30).contains(&y.min(H - 1 - y)) && (26..W - 26).contains(&x);
            let line = (110..400).contains(&x)
                && [150, 190, 230, 270, 310]
                    .iter()
                    .any(|l| (*l..l + 10).contains(&y));
            let (dx, dy) = (x as i32 - 500, y as i32 - 330);
            let ring = (3600..4900).contains(&(dx * dx + dy * dy));
            let title = (220..420).contains(&x) && (70..96).contains(&y);
            let rgb = if frame || inner_frame || ring {
                [0xa3, 0x1d, 0x1d]
            } else if title {
                [0x3a, 0x2a, 0x20]
            } else if line {
                [0x9a, 0x9a, 0x9a]
            } else {
                [0xfb, 0xf6, 0xe8]
            };
            let i = ((y * W + x) * 3) as usize;
            pixels[i..i + 3].copy_from_slice(&rgb);
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, W, H);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("in-memory PNG header");
        writer
            .write_image_data(&pixels)
            .expect("in-memory PNG data");
    }
    out
}

/// Prints the demo logins, for the run command.
pub fn print_logins() {
    println!("demo logins (ID type, ID number, password — what to look at):");
    for login in DEMO_LOGINS {
        println!(
            "  {:<9} {:<20} {:<12} {} — {}",
            login.id_type.code(),
            login.id_number,
            login.password,
            login.name,
            login.what
        );
    }
}
