//! The project's own benchmark tool, driven by `scripts/bench.sh`:
//!
//! - `bench seed`   registers the holders of an imported `gen-import --holders` file and gives
//!   ready annotations to their certificates (SQLite or PostgreSQL), and writes the codes;
//! - `bench check`  spot-checks ownership, the annotation limit and verdicts on that data;
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

/// The database and its data key, as the benchmarked server opens them.
#[derive(clap::Args)]
struct Database {
    #[arg(long)]
    database_url: String,
    /// The data directory the benchmarked server uses (its development data key).
    #[arg(long)]
    data_dir: PathBuf,
    #[arg(long, env = "PORTAL_DATA_KEY_FILE")]
    data_key_file: Option<PathBuf>,
}

impl Database {
    fn keys(&self) -> anyhow::Result<std::sync::Arc<app::storage::DataKeys>> {
        server::data_key::resolve(
            self.data_key_file.as_deref(),
            &self.data_dir,
            server::data_key::Use::Demo,
        )
    }
}

#[derive(Subcommand)]
enum Command {
    /// Register the holders of a file made by `server gen-import --holders H` and imported
    /// by `server import`, and give annotations to their certificates.
    Seed {
        #[command(flatten)]
        database: Database,
        /// As many as the file was generated for.
        #[arg(long)]
        holders: u64,
        #[arg(long)]
        annotations: u64,
        /// File to write one annotation code per line to.
        #[arg(long)]
        codes: PathBuf,
    },
    /// Spot-check ownership, the annotation limit and verdicts on a seeded data set.
    Check {
        #[command(flatten)]
        database: Database,
        /// The running server's address, e.g. http://127.0.0.1:3000.
        #[arg(long)]
        base: String,
        #[arg(long)]
        codes: PathBuf,
        /// The generated file's rows and holders.
        #[arg(long)]
        rows: u64,
        #[arg(long)]
        holders: u64,
        /// The last certificate `seed` annotated (later ones have no annotation yet).
        #[arg(long)]
        last_annotated: i64,
        #[arg(long, default_value_t = 100)]
        samples: usize,
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
        Command::Seed {
            database,
            holders,
            annotations,
            codes,
        } => {
            seed(
                &database.database_url,
                database.keys()?,
                holders,
                annotations,
                &codes,
            )
            .await
        }
        Command::Check {
            database,
            base,
            codes,
            rows,
            holders,
            last_annotated,
            samples,
        } => {
            check(
                &database.database_url,
                database.keys()?,
                &base,
                &codes,
                rows,
                holders,
                last_annotated,
                samples,
            )
            .await
        }
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

/// One of the two backends' pools, for the bulk statements of `seed` and the bare handler.
enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Pool {
    /// Opens the database as the portal does (migrations included) and returns its pool.
    async fn open(url: &str, keys: std::sync::Arc<app::storage::DataKeys>) -> anyhow::Result<Pool> {
        Ok(if url.starts_with("postgres") {
            Pool::Postgres(
                app::storage::PgStorage::connect(url, keys)
                    .await?
                    .pool()
                    .clone(),
            )
        } else {
            Pool::Sqlite(SqliteStorage::connect(url, keys).await?.pool().clone())
        })
    }

    async fn execute(&self, sql: &str) -> anyhow::Result<()> {
        match self {
            Pool::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop)?,
            Pool::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop)?,
        }
        Ok(())
    }

    async fn pairs(&self, sql: &str) -> anyhow::Result<Vec<(i64, i64)>> {
        Ok(match self {
            Pool::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await?,
            Pool::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await?,
        })
    }
}

/// A text as an SQL literal.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Person `h` of `server gen-import --holders`, as the domain types hold them.
fn person(h: u64) -> anyhow::Result<(IdNumber, HolderName)> {
    let (id_type, number, name) = server::ops::gen::holder_identity(h);
    let id_type = IdType::from_code(id_type).context("generated ID type")?;
    Ok((
        IdNumber::from_trusted(id_type, number),
        HolderName::parse(&name).map_err(|m| anyhow::anyhow!("{name}: {m:?}"))?,
    ))
}

async fn seed(
    url: &str,
    keys: std::sync::Arc<app::storage::DataKeys>,
    holders: u64,
    annotations: u64,
    codes_file: &std::path::Path,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let pool = Pool::open(url, keys.clone()).await?;
    // Every holder gets the same password, hashed once (hashing is made to be slow).
    let password =
        NewPassword::parse(BENCH_PASSWORD, None).map_err(|m| anyhow::anyhow!("{m:?}"))?;
    let hash =
        app::accounts::password::hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut login = None;
    for chunk_start in (0..holders).step_by(1000) {
        let mut sql = String::from(
            "INSERT INTO holders (id_type, id_number, id_number_enc, name, mobile, password_hash, \
             terms_version, terms_accepted_at, created_at) VALUES ",
        );
        for h in chunk_start..(chunk_start + 1000).min(holders) {
            let (id_number, name) = person(h)?;
            if login.is_none() && id_number.id_type() == IdType::ResidentIdCard {
                login = Some(id_number.as_str().to_string());
            }
            if h > chunk_start {
                sql.push(',');
            }
            // Stored as the portal stores them: the keyed lookup and the sealed numbers.
            sql.push_str(&format!(
                "('{}', '{}', '{}', {}, '{}', '{hash}', 1, 0, 0)",
                id_number.id_type().code(),
                keys.id_lookup(&id_number),
                keys.seal(app::storage::HOLDER_ID_NUMBER, id_number.as_str()),
                quoted(name.as_str()),
                keys.seal(app::storage::HOLDER_MOBILE, &format!("13{h:09}")),
            ));
        }
        pool.execute(&sql).await?;
    }
    let holders_seconds = started.elapsed().as_secs_f64();

    // One ready annotation on each of the first `annotations` electronic, valid certificates
    // that a registered holder owns (matched as the portal matches: type, number and name).
    let owned = pool
        .pairs(&format!(
            "SELECT c.id, h.id FROM certificates c JOIN holders h ON h.id_type = c.holder_id_type \
             AND h.id_number = c.holder_id_number AND h.name = c.holder_name \
             WHERE c.electronic AND c.status = 'valid' ORDER BY c.id LIMIT {annotations}"
        ))
        .await?;
    // The portal's own clock: milliseconds, and the application day in China.
    let clock = app::infra::Clock::default();
    let (now, today) = (clock.now(), clock.today());
    let mut codes = String::with_capacity(owned.len() * 27);
    for (chunk, pairs) in owned.chunks(1000).enumerate() {
        let mut sql = String::from(
            "INSERT INTO annotations (code, annotation_number, certificate_id, holder_id, scenario, \
             validity_days, applied_at, applied_on, state, attempts, next_attempt_at, produced_at, \
             valid_from, valid_until, pdf_sha256, key_fingerprint) VALUES ",
        );
        for (n, (certificate, holder)) in pairs.iter().enumerate() {
            let code = app::infra::new_public_id();
            if n > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "('{code}', 'JZB{:011}', {certificate}, {holder}, 'self_use', 90, {now}, '{today}', \
                 'ready', 1, {now}, {now}, {now}, {}, 'x', 'x')",
                chunk * 1000 + n,
                now + 90 * 86_400_000
            ));
            codes.push_str(&code);
            codes.push('\n');
        }
        pool.execute(&sql).await?;
    }
    std::fs::write(codes_file, codes)?;
    println!(
        "{}",
        json!({
            "holders": holders,
            "holders_seconds": holders_seconds,
            "annotations": owned.len(),
            "last_annotated_certificate": owned.last().map(|(c, _)| *c).unwrap_or(0),
            "seconds": started.elapsed().as_secs_f64(),
            "login": login,
        })
    );
    Ok(())
}

/// What `check` found wrong, if anything: each check adds a line.
#[derive(Default)]
struct Findings(Vec<String>);

impl Findings {
    fn expect(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.0.push(what());
        }
    }
}

/// Spot checks of the rules on a seeded data set, through the storage interface and the
/// running server's API: which certificates a person sees, the 3-per-90-days limit and the
/// verification verdicts. Fails (exit status 1) on any wrong answer.
#[allow(clippy::too_many_arguments)]
async fn check(
    url: &str,
    keys: std::sync::Arc<app::storage::DataKeys>,
    base: &str,
    codes_file: &std::path::Path,
    rows: u64,
    holders: u64,
    last_annotated: i64,
    samples: usize,
) -> anyhow::Result<()> {
    use rand::seq::SliceRandom;
    use rand::Rng;
    use std::collections::BTreeSet;
    let started = Instant::now();
    let storage = server::open_storage(url, keys).await?;
    let mut rng = rand::thread_rng();
    let mut found = Findings::default();
    let clock = app::infra::Clock::default();

    // Ownership: person h sees exactly the rows h, h + H, h + 2H… of the file, and a person
    // with the same document but another name sees none of them.
    let mut quota_candidate = None;
    for _ in 0..samples {
        let h = rng.gen_range(0..holders);
        let (id_number, name) = person(h)?;
        let owner = app::domain::Owner {
            id_number: id_number.clone(),
            name: name.clone(),
        };
        let seen: BTreeSet<String> = storage
            .certificates_of(&owner)
            .await?
            .into_iter()
            .map(|(c, _)| {
                if c.id.0 > last_annotated
                    && c.record.electronic
                    && c.record.status == CertificateStatus::Valid
                {
                    quota_candidate.get_or_insert((h, c.id));
                }
                c.record.number
            })
            .collect();
        let expected: BTreeSet<String> = (h..rows)
            .step_by(holders as usize)
            .map(|i| format!("{}{i:012}", 2000 + i % 26))
            .collect();
        found.expect(seen == expected, || {
            format!("person {h} sees {seen:?}, the file gives them {expected:?}")
        });
        let impostor = app::domain::Owner {
            id_number,
            name: HolderName::parse("冒名顶替").map_err(|m| anyhow::anyhow!("{m:?}"))?,
        };
        if impostor.name != name {
            let seen = storage.certificates_of(&impostor).await?.len();
            found.expect(seen == 0, || {
                format!("another name on person {h}'s document sees {seen} certificates")
            });
        }
    }

    // The limit: three applications for one certificate in 90 days, the fourth refused.
    let (h, certificate) = quota_candidate.context("no certificate without an annotation")?;
    let holder = storage
        .holder_by_login(&person(h)?.0)
        .await?
        .context("the sampled person has no account")?;
    let mut outcomes = Vec::new();
    for _ in 0..4 {
        let outcome = storage
            .apply_annotation(&NewAnnotation {
                code: app::infra::new_public_id(),
                // Unique across runs of the check on the same data.
                number: format!("JZC{}", &app::infra::new_public_id()[..15]),
                certificate,
                holder: holder.id,
                scenario: Scenario::SelfUse,
                validity: ValidityDays::from_trusted(90),
                applied_at: clock.now(),
                applied_on: clock.today(),
            })
            .await?;
        outcomes.push(matches!(outcome, ApplyOutcome::Applied(_)));
    }
    found.expect(outcomes == [true, true, true, false], || {
        format!("four applications for one certificate gave {outcomes:?} (applied or not)")
    });

    // Verdicts through the running server: sampled codes are valid copies of the certificate
    // the database says, and a code nobody issued is not genuine.
    let codes = std::fs::read_to_string(codes_file)?;
    let codes: Vec<&str> = codes.lines().collect();
    let client = reqwest::Client::new();
    let verdict = |code: String| {
        let client = client.clone();
        async move {
            let body: serde_json::Value = client
                .get(format!("{base}/api/v1/verify/{code}"))
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            anyhow::Ok(body)
        }
    };
    for code in codes.choose_multiple(&mut rng, samples) {
        let body = verdict(code.to_string()).await?;
        let stored = storage.annotation_with_certificate(code).await?;
        let number = stored.map(|(_, c)| c.record.number);
        found.expect(
            body["verdict"] == "valid"
                && body["certificate"]["number"].as_str() == number.as_deref(),
            || format!("code {code}: {body}, the database says certificate {number:?}"),
        );
    }
    let unknown = app::infra::new_public_id();
    let body = verdict(unknown.clone()).await?;
    found.expect(body["verdict"] == "not_genuine", || {
        format!("code nobody issued {unknown}: {body}")
    });

    let checks = samples * 3 + 5;
    println!(
        "{}",
        json!({
            "checks": checks,
            "wrong": found.0.len(),
            "findings": found.0,
            "seconds": started.elapsed().as_secs_f64(),
        })
    );
    anyhow::ensure!(found.0.is_empty(), "{} spot checks failed", found.0.len());
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

/// The limit the verification API is measured against: one handler, one query, JSON out, on
/// either backend.
async fn bare(url: &str, listen: std::net::SocketAddr) -> anyhow::Result<()> {
    use axum::extract::{Path, State};
    use axum::routing::get;
    const LOOKUP: &str = "SELECT a.annotation_number, c.cert_number, c.holder_name, a.valid_until \
         FROM annotations a JOIN certificates c ON c.id = a.certificate_id WHERE a.code = $1";
    type Row = (String, String, String, Option<i64>);
    let pool = if url.starts_with("postgres") {
        Pool::Postgres(
            sqlx::postgres::PgPoolOptions::new()
                .max_connections(8)
                .test_before_acquire(false)
                .connect(url)
                .await
                .context("opening the database")?,
        )
    } else {
        Pool::Sqlite(
            // As the portal's pools: no ping before each query.
            sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(8)
                .test_before_acquire(false)
                .connect_with(
                    url.parse::<sqlx::sqlite::SqliteConnectOptions>()?
                        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                        .read_only(true),
                )
                .await
                .context("opening the database")?,
        )
    };
    async fn lookup(
        State(pool): State<std::sync::Arc<Pool>>,
        Path(code): Path<String>,
    ) -> axum::Json<serde_json::Value> {
        let row: Option<Row> = match pool.as_ref() {
            Pool::Sqlite(pool) => sqlx::query_as(LOOKUP).bind(code).fetch_optional(pool).await,
            Pool::Postgres(pool) => sqlx::query_as(LOOKUP).bind(code).fetch_optional(pool).await,
        }
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
        .with_state(std::sync::Arc::new(pool));
    let listener = tokio::net::TcpListener::bind(listen).await?;
    println!(
        "{}",
        json!({ "listening": listener.local_addr()?.to_string() })
    );
    axum::serve(listener, app).await?;
    Ok(())
}
