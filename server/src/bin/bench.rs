//! The project's own benchmark tool, driven by `scripts/bench.sh`:
//!
//! - `bench data`   seeds a database with N certificates and N ready annotations (and one
//!   holder with a list of certificates), and writes the annotation codes to a file;
//! - `bench render` times render + sign of annotated copies on one thread;
//! - `bench queue`  submits annotations all at once and measures submission-to-ready latency
//!   through the real queue and workers;
//! - `bench bare`   serves the bare lookup (one axum handler, one query, JSON) that the
//!   verification API is compared with.
//!
//! Every command prints one JSON object on its last line.

use anyhow::Context;
use app::domain::annotation::{Scenario, ValidityDays};
use app::domain::{
    ApplyOutcome, CertificateRecord, CertificateStatus, HolderName, IdNumber, IdType, Mobile,
    NewAnnotation, NewHolder, NewPassword,
};
use app::storage::SqliteStorage;
use clap::{Parser, Subcommand};
use serde_json::json;
use server::copy;
use std::path::PathBuf;
use std::time::{Duration, Instant};

// Both binaries use the same allocator, so the bare handler stays a fair limit.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "bench", about = "Benchmark helpers for scripts/bench.sh")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Seed a SQLite database for the HTTP benchmarks.
    Data {
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 100_000)]
        certificates: usize,
        /// File to write one annotation code per line to.
        #[arg(long)]
        codes: PathBuf,
        /// The data directory the benchmarked server will use: its development data key
        /// is made (or reused) there, so the server reads what this seeds.
        #[arg(long)]
        data_dir: PathBuf,
    },
    /// Time render + sign of annotated copies on this thread.
    Render {
        #[arg(long, default_value_t = 300)]
        count: usize,
    },
    /// Submit annotations at once and measure submission-to-ready latency.
    Queue {
        #[arg(long, default_value_t = 100)]
        annotations: usize,
        #[arg(long, default_value_t = 2)]
        workers: usize,
    },
    /// Serve the bare verification lookup for comparison.
    Bare {
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: std::net::SocketAddr,
    },
}

/// The holder whose list page the HTTP benchmark loads, and its password.
pub const BENCH_HOLDER_ID: &str = "110105198001010016";
pub const BENCH_PASSWORD: &str = "Bench2026pass";

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::telemetry::init("warn", server::telemetry::LogFormat::Text);
    match Cli::parse().command {
        Command::Data {
            database_url,
            certificates,
            codes,
            data_dir,
        } => data(&database_url, certificates, &codes, &data_dir).await,
        Command::Render { count } => render(count),
        Command::Queue {
            annotations,
            workers,
        } => queue(annotations, workers).await,
        Command::Bare {
            database_url,
            listen,
        } => bare(&database_url, listen).await,
    }
}

async fn data(
    url: &str,
    certificates: usize,
    codes_file: &std::path::Path,
    data_dir: &std::path::Path,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let keys = server::data_key::resolve(None, data_dir, server::data_key::Use::Demo)?;
    let storage = SqliteStorage::connect(url, keys).await?;
    let pool = storage.pool();
    let holder_id = IdNumber::parse(IdType::ResidentIdCard, BENCH_HOLDER_ID, (2026, 1, 1))
        .map_err(|m| anyhow::anyhow!("{m:?}"))?;
    let password =
        NewPassword::parse(BENCH_PASSWORD, None).map_err(|m| anyhow::anyhow!("{m:?}"))?;
    let hash =
        app::accounts::password::hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let holder = app::storage::HolderStore::insert_holder(
        &storage,
        &NewHolder {
            id_number: holder_id.clone(),
            name: HolderName::parse("张伟").map_err(|m| anyhow::anyhow!("{m:?}"))?,
            mobile: Mobile::parse("13800138000").map_err(|m| anyhow::anyhow!("{m:?}"))?,
            password_hash: hash,
            created_at: 0,
        },
    )
    .await?;
    app::storage::HolderStore::accept_terms(&storage, holder, 1, 0).await?;

    let now = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
    let mut codes = Vec::with_capacity(certificates);
    let mut tx = pool.begin().await?;
    // The first 20 certificates are the bench holder's (the list page); the rest belong to
    // other people, as in a real registry.
    for chunk_start in (0..certificates).step_by(500) {
        let chunk_end = (chunk_start + 500).min(certificates);
        let mut sql = String::from(
            "INSERT INTO certificates (public_id, cert_number, holder_id_type, holder_id_number, \
             holder_id_number_enc, holder_name, qualification, level, specialty, issued_on, \
             issuer, electronic, status, content_hash, created_at, updated_at) VALUES ",
        );
        for n in chunk_start..chunk_end {
            let (id_number, name) = if n < 20 {
                (BENCH_HOLDER_ID.to_string(), "张伟".to_string())
            } else {
                (format!("B{n:017}"), format!("持证人{n}"))
            };
            // Stored as the portal stores it: the keyed lookup hash and the sealed number.
            let holder = storage.keys().seal_id(
                app::storage::CERTIFICATE_ID_NUMBER,
                &IdNumber::from_trusted(IdType::ResidentIdCard, id_number),
            );
            let (lookup, sealed) = (holder.lookup, holder.sealed);
            if n > chunk_start {
                sql.push(',');
            }
            sql.push_str(&format!(
                "('{}', 'BENCH{n:011}', 'resident', '{lookup}', '{sealed}', '{name}', '卫生专业技术资格', \
                 '中级', '儿科学', '2023-06-30', '国家卫生健康委员会人才交流服务中心', 1, 'valid', \
                 'h{n}', 0, 0)",
                app::infra::new_public_id()
            ));
        }
        sqlx::query(&sql).execute(&mut *tx).await?;
    }
    tx.commit().await?;

    let mut tx = pool.begin().await?;
    for chunk_start in (0..certificates).step_by(500) {
        let chunk_end = (chunk_start + 500).min(certificates);
        let mut sql = String::from(
            "INSERT INTO annotations (code, annotation_number, certificate_id, holder_id, scenario, \
             validity_days, applied_at, applied_on, state, attempts, next_attempt_at, produced_at, \
             valid_from, valid_until, pdf_sha256, key_fingerprint) VALUES ",
        );
        for n in chunk_start..chunk_end {
            let code = app::infra::new_public_id();
            if n > chunk_start {
                sql.push(',');
            }
            sql.push_str(&format!(
                "('{code}', 'JZB{n:011}', {}, {}, 'self_use', 90, {now}, '2026-01-01', 'ready', 1, \
                 {now}, {now}, {now}, {}, 'x', 'x')",
                n + 1,
                holder.0,
                now + 90 * 86_400_000
            ));
            codes.push(code);
        }
        sqlx::query(&sql).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    std::fs::write(codes_file, codes.join("\n") + "\n")?;
    println!(
        "{}",
        json!({
            "certificates": certificates,
            "annotations": certificates,
            "seconds": started.elapsed().as_secs_f64(),
            "holder": BENCH_HOLDER_ID,
        })
    );
    Ok(())
}

fn render(count: usize) -> anyhow::Result<()> {
    let fonts = server::fonts()?;
    let key = certpdf::IssuerKey::generate_self_signed("Bench issuer", "Bench", 30)?;
    let doc = render_sample()?;
    // Warm up: first use maps fonts and builds caches.
    let mut size = 0;
    for _ in 0..10 {
        size = certpdf::render_certificate_pdf(&fonts, &key, &doc)?.len();
    }
    let mut times = Vec::with_capacity(count);
    for _ in 0..count {
        let t = Instant::now();
        let pdf = certpdf::render_certificate_pdf(&fonts, &key, &doc)?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        size = pdf.len();
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{}",
        json!({
            "count": count,
            "median_ms": percentile(&times, 50.0),
            "p95_ms": percentile(&times, 95.0),
            "bytes": size,
        })
    );
    Ok(())
}

/// The copy `render` signs: the demo holder 张𪚥's pharmacist certificate with a 90-day
/// annotation, printed as the copy module prints every copy.
fn render_sample() -> anyhow::Result<certpdf::CertificateDocument> {
    let record = CertificateRecord {
        number: "2024320100000777".into(),
        holder_id: IdNumber::parse(IdType::ResidentIdCard, "320102199203154522", (2026, 1, 1))
            .map_err(|m| anyhow::anyhow!("{m:?}"))?,
        holder_name: HolderName::parse("张𪚥").map_err(|m| anyhow::anyhow!("{m:?}"))?,
        qualification: "执业药师职业资格".into(),
        level: "执业药师".into(),
        specialty: "药学类".into(),
        issued_on: time::macros::date!(2024 - 01 - 12),
        issuer: "国家药品监督管理局执业药师资格认证中心".into(),
        electronic: true,
        status: CertificateStatus::Valid,
    };
    let produced_at = time::macros::datetime!(2026-11-26 10:00:00 +8).unix_timestamp() * 1000;
    let valid_until = ValidityDays::from_trusted(90).end_from(produced_at);
    let code = "3s5nrrlw6w2ajwbvwjofgq7gdu";
    Ok(certpdf::CertificateDocument {
        certificate: copy::certificate_face(&record),
        annotation: Some(copy::annotation_face(
            "JZ2026112600000001",
            Scenario::SelfUse,
            produced_at,
            valid_until,
        )),
        verify_url: copy::verify_url("https://certs.example.org", code),
        verification_code: code.into(),
    })
}

async fn queue(count: usize, workers: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("queue.db").display());
    let keys = server::data_key::resolve(None, dir.path(), server::data_key::Use::Demo)?;
    let storage = server::open_storage(&url, keys).await?;
    let state = server::app_state(storage.clone(), Default::default())?;
    let issuer = std::sync::Arc::new(
        server::keys::load_active(&storage, dir.path(), None, None, state.clock.now(), true)
            .await?,
    );
    let holder_number = IdNumber::parse(IdType::ResidentIdCard, BENCH_HOLDER_ID, (2026, 1, 1))
        .map_err(|m| anyhow::anyhow!("{m:?}"))?;
    let holder = storage
        .insert_holder(&NewHolder {
            id_number: holder_number.clone(),
            name: HolderName::parse("张伟").map_err(|m| anyhow::anyhow!("{m:?}"))?,
            mobile: Mobile::parse("13800138000").map_err(|m| anyhow::anyhow!("{m:?}"))?,
            password_hash: "x".into(),
            created_at: 0,
        })
        .await?;
    // Three annotations per certificate (the limit).
    let mut certificates = Vec::new();
    for n in 0..count.div_ceil(3) {
        let record = app::domain::CertificateRecord {
            number: format!("Q{n:015}"),
            holder_id: holder_number.clone(),
            holder_name: HolderName::parse("张伟").map_err(|m| anyhow::anyhow!("{m:?}"))?,
            qualification: "执业药师职业资格".into(),
            level: "执业药师".into(),
            specialty: "药学类".into(),
            issued_on: time::macros::date!(2024 - 01 - 12),
            issuer: "国家药品监督管理局执业药师资格认证中心".into(),
            electronic: true,
            status: app::domain::CertificateStatus::Valid,
        };
        certificates.push(storage.upsert_certificate(&record, 0).await?.0);
    }
    let shutdown = tokio_util::sync::CancellationToken::new();
    server::worker::spawn(
        state.clone(),
        issuer,
        server::worker::WorkerConfig {
            workers,
            ..Default::default()
        },
        shutdown.clone(),
    );
    // Let the workers start and go idle, as on a running server.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let submissions: Vec<_> = (0..count)
        .map(|n| {
            let storage = storage.clone();
            let state = state.clone();
            let certificate = certificates[n / 3];
            tokio::spawn(async move {
                let now = state.clock.now();
                let outcome = storage
                    .apply_annotation(&NewAnnotation {
                        code: app::infra::new_public_id(),
                        number: format!("JZQ{n:010}"),
                        certificate,
                        holder,
                        scenario: Scenario::SelfUse,
                        validity: ValidityDays::parse("90").expect("valid"),
                        applied_at: now,
                        applied_on: state.clock.today(),
                    })
                    .await;
                state.jobs.notify_one();
                outcome
            })
        })
        .collect();
    let mut codes = Vec::new();
    for s in submissions {
        match s.await?? {
            ApplyOutcome::Applied(a) => codes.push(a.code),
            ApplyOutcome::QuotaReached { .. } => anyhow::bail!("quota reached"),
        }
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    let latencies = loop {
        let mut ready = Vec::new();
        for code in &codes {
            if let Some((a, _)) = storage.annotation_with_certificate(code).await? {
                if let Some(produced) = a.produced_at {
                    ready.push((produced - a.applied_at) as f64);
                }
            }
        }
        if ready.len() == codes.len() {
            break ready;
        }
        anyhow::ensure!(Instant::now() < deadline, "queue not drained in time");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let total = started.elapsed().as_secs_f64();
    shutdown.cancel();
    let mut sorted = latencies;
    sorted.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{}",
        json!({
            "annotations": count,
            "workers": workers,
            "median_ms": percentile(&sorted, 50.0),
            "p99_ms": percentile(&sorted, 99.0),
            "max_ms": sorted.last().copied().unwrap_or(0.0),
            "drained_seconds": total,
        })
    );
    Ok(())
}

/// The limit the verification API is measured against: one handler, one query, JSON out.
async fn bare(url: &str, listen: std::net::SocketAddr) -> anyhow::Result<()> {
    use axum::extract::{Path, State};
    use axum::routing::get;
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(
            url.parse::<sqlx::sqlite::SqliteConnectOptions>()?
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .read_only(true),
        )
        .await
        .context("opening the database")?;
    async fn lookup(
        State(pool): State<sqlx::SqlitePool>,
        Path(code): Path<String>,
    ) -> axum::Json<serde_json::Value> {
        let row: Option<(String, String, String, i64)> = sqlx::query_as(
            "SELECT a.annotation_number, c.cert_number, c.holder_name, a.valid_until \
             FROM annotations a JOIN certificates c ON c.id = a.certificate_id WHERE a.code = $1",
        )
        .bind(code)
        .fetch_optional(&pool)
        .await
        .ok()
        .flatten();
        axum::Json(match row {
            Some((annotation, number, name, until)) => json!({
                "verdict": "valid", "annotation": annotation, "number": number,
                "holder_name": name, "valid_until": until
            }),
            None => json!({ "verdict": "not_genuine" }),
        })
    }
    let app = axum::Router::new()
        .route("/api/v1/verify/{code}", get(lookup))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(listen).await?;
    println!(
        "{}",
        json!({ "listening": listener.local_addr()?.to_string() })
    );
    axum::serve(listener, app).await?;
    Ok(())
}
