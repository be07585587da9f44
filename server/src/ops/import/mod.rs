//! `server import FILE`: loads certificate records from a CSV file (header row) or JSON Lines.
//!
//! - **Validation**: every row is checked with the web application's domain types
//!   ([`values::validate`]); a bad row goes to the rejects file with its line number, column
//!   and reason, and never stops the good rows.
//! - **Idempotent**: rows are matched by certificate number and compared by content hash; an
//!   unchanged row is not written at all, a changed one updates its record and writes the
//!   change to the audit log. Within one file, only the first row of a number is imported;
//!   later ones are rejected as duplicates (so a re-run cannot flip a record back and forth).
//! - **Streaming and fast**: one thread reads and validates while the database is written in
//!   batches (one transaction each) by the backend's bulk writer; the reader hands rows over
//!   in chunks of at most 5,000, so memory is bounded by the chunk size whatever the batch
//!   size, plus 16 bytes per row for the duplicate index.
//! - **Interruptible**: Ctrl-C ends the batch being written after the chunk in hand and
//!   commits it; the database holds exactly the rows up to the line the summary names, and
//!   running the same command again finishes the job (rows already in count as unchanged).

pub mod columns;
pub mod problems;
pub mod values;

use crate::ops::{thousands, EXIT_INTERRUPTED, EXIT_REJECTED_ROWS};
use app::i18n::Lang;
use app::storage::operations::{BatchOutcome, ImportContext, ImportRow};
use app::storage::AuditEntry;
use clap::{Args, ValueEnum};
use columns::{Column, RawRow, COLUMNS};
use problems::{Problem, RowProblems};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::Date;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header row (UTF-8).
    Csv,
    /// One JSON object per line, keys as the CSV header names.
    Jsonl,
}

impl Format {
    /// From the file extension: `.jsonl`/`.ndjson`/`.json` are JSON Lines, anything else CSV.
    pub fn of(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jsonl" | "ndjson" | "json") => Format::Jsonl,
            _ => Format::Csv,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReasonLang {
    Zh,
    En,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProgressMode {
    /// A progress bar on a terminal, plain lines otherwise.
    Auto,
    Bar,
    Plain,
    None,
}

#[derive(Debug, Args)]
#[command(after_long_help = IMPORT_HELP)]
pub struct ImportArgs {
    /// The file: CSV with a header row, or JSON Lines (by extension: .jsonl, .ndjson).
    pub file: PathBuf,

    /// Override the format guessed from the extension.
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Where rejected rows are written [default: FILE.rejects.csv, or .rejects.jsonl].
    #[arg(long, value_name = "PATH")]
    pub rejects: Option<PathBuf>,

    /// Rows per transaction (a "batch"): larger is faster. A batch is committed whole or
    /// not at all; Ctrl-C stops at the end of one.
    #[arg(long, default_value_t = 200_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub batch_size: u64,

    /// Longest a batch's transaction stays open, in seconds: servers sharing an SQLite
    /// database wait for it to write.
    #[arg(long, default_value_t = 3.0)]
    pub batch_seconds: f64,

    /// Language of the reasons in the rejects file and messages.
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: ReasonLang,

    /// Print the summary as one JSON line on stdout (for scripts).
    #[arg(long)]
    pub json: bool,

    /// How to show progress (on stderr).
    #[arg(long, value_enum, default_value = "auto")]
    pub progress: ProgressMode,

    /// Test only: pause this long after each committed batch (to interrupt an import on
    /// purpose).
    #[arg(long, hide = true, value_name = "MS")]
    pub test_pause_ms: Option<u64>,
}

const IMPORT_HELP: &str = "\
Columns (CSV header or JSON keys; English or Chinese names):
  cert_number   管理号     required, unique; matches existing records
  id_type       证件类型   required: resident|hkmo|tw|passport|foreign or the Chinese name
  id_number     证件号码   required, checked like registration (check character, birth date…)
  holder_name   姓名       required, as registration accepts it (NFC, rare characters, ·)
  qualification 资格名称   required
  level         级别       optional
  specialty     专业       optional
  issued_on     签发日期   required, YYYY-MM-DD
  issuer        发证机构   required
  electronic    电子证书   yes/no (是/否, true/false, 1/0), default no
  status        证书状态   valid|revoked (有效/已撤销), default valid
  revoked_on    撤销日期   YYYY-MM-DD, required when revoked
  revoke_reason 撤销原因   optional, only when revoked

Exit codes: 0 all rows imported or unchanged; 3 finished, some rows rejected (see the
rejects file); 1 error (nothing after the last committed batch was written); 130
interrupted (re-run the same command to finish).";

/// What an import did, for the summary and the audit log.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct ImportSummary {
    pub file: String,
    /// Data rows read (inserted + updated + unchanged + rejected when complete).
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// Where the rejected rows are (absent when none).
    pub rejects_file: Option<String>,
    pub interrupted: bool,
    /// The last line of the file whose batch is committed.
    pub committed_through_line: u64,
    pub seconds: f64,
    pub rows_per_s: f64,
}

/// Rows the reader hands over at a time (a batch is one or more chunks): bounds the memory
/// whatever the batch size.
const CHUNK_ROWS: u64 = 5_000;

/// A chunk of valid rows and where the reader stands after it.
struct Chunk {
    rows: Vec<ImportRow>,
    /// Last line read (inclusive).
    end_line: u64,
    /// Bytes of the file read, for the progress bar.
    end_byte: u64,
    /// Data rows read so far, and of these rejected.
    rows_read: u64,
    rejected: u64,
}

/// Entry point of `server import`.
pub async fn run(url: &str, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let storage = crate::ops::open(url).await?;
    let summary = import(&storage, &args, &crate::ops::actor()).await?;
    print_summary(&summary, &args);
    Ok(if summary.interrupted {
        ExitCode::from(EXIT_INTERRUPTED)
    } else if summary.rejected > 0 {
        ExitCode::from(EXIT_REJECTED_ROWS)
    } else {
        ExitCode::SUCCESS
    })
}

/// The default rejects file beside the input.
pub fn default_rejects_path(file: &Path, format: Format) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(match format {
        Format::Csv => ".rejects.csv",
        Format::Jsonl => ".rejects.jsonl",
    });
    file.with_file_name(name)
}

/// Imports a file: reads and validates on one thread, writes batches on this task.
pub async fn import(
    storage: &app::storage::operations::DynOperations,
    args: &ImportArgs,
    actor: &str,
) -> anyhow::Result<ImportSummary> {
    let started = Instant::now();
    let format = args.format.unwrap_or_else(|| Format::of(&args.file));
    let file = File::open(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let total_bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    let rejects_path = args
        .rejects
        .clone()
        .unwrap_or_else(|| default_rejects_path(&args.file, format));
    // A rejects file left by an earlier run would describe another run.
    match std::fs::remove_file(&rejects_path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => anyhow::bail!("cannot replace {}: {e}", rejects_path.display()),
    }
    let lang = match args.lang {
        ReasonLang::Zh => Lang::Zh,
        ReasonLang::En => Lang::En,
    };
    let today = app::state::Clock::default().today();
    let stop = Arc::new(AtomicBool::new(false));
    let interrupted = Arc::new(AtomicBool::new(false));
    let signals = watch_ctrl_c(stop.clone(), interrupted.clone());

    let (tx, mut rx) = tokio::sync::mpsc::channel::<Chunk>(2);
    let reader = {
        let stop = stop.clone();
        let config = ReaderConfig {
            format,
            chunk_rows: args.batch_size.min(CHUNK_ROWS) as usize,
            rejects_path: rejects_path.clone(),
            lang,
            today,
        };
        std::thread::Builder::new()
            .name("import-reader".into())
            .spawn(move || read_file(file, config, tx, &stop))?
    };

    let ctx = ImportContext {
        now: app::state::Clock::default().now(),
        actor: actor.to_string(),
        source: args.file.display().to_string(),
    };
    let mut progress = Progress::new(args.progress, total_bytes);
    let mut summary = ImportSummary {
        file: args.file.display().to_string(),
        ..Default::default()
    };
    let mut totals = BatchOutcome::default();
    let mut pending = BatchOutcome::default();
    let mut pending_rows = 0u64;
    let mut pending_since = Instant::now();
    let batch_time = Duration::from_secs_f64(args.batch_seconds.clamp(0.01, 3600.0));
    let mut write_error = None;
    let mut writer = match storage.bulk_writer().await {
        Ok(writer) => Some(writer),
        Err(e) => {
            write_error = Some(anyhow::Error::new(e).context("opening the database for writing"));
            stop.store(true, Ordering::Relaxed);
            None
        }
    };
    // The line and counts of the reader's position after the last chunk written.
    let mut written = (0u64, 0u64, 0u64);
    while let Some(writer) = writer.as_mut() {
        let chunk = rx.recv().await;
        let last = chunk.is_none();
        let stopping = interrupted.load(Ordering::Relaxed);
        if let Some(chunk) = chunk.filter(|_| !stopping) {
            if !chunk.rows.is_empty() {
                if pending_rows == 0 {
                    pending_since = Instant::now();
                }
                match writer.write_batch(&chunk.rows, &ctx).await {
                    Ok(outcome) => {
                        pending.inserted += outcome.inserted;
                        pending.updated += outcome.updated;
                        pending.unchanged += outcome.unchanged;
                        pending_rows += chunk.rows.len() as u64;
                    }
                    Err(e) => {
                        write_error = Some(anyhow::Error::new(e).context(format!(
                            "writing the rows up to line {} (the batch was rolled back)",
                            chunk.end_line
                        )));
                        stop.store(true, Ordering::Relaxed);
                        break;
                    }
                }
            }
            written = (chunk.end_line, chunk.rows_read, chunk.rejected);
            progress.update(chunk.end_byte, chunk.rows_read, started);
        }
        let full = pending_rows >= args.batch_size || pending_since.elapsed() >= batch_time;
        if full || last || stopping {
            if let Err(e) = writer.commit().await {
                write_error = Some(anyhow::Error::new(e).context(format!(
                    "committing the rows up to line {} (the batch was rolled back)",
                    written.0
                )));
                stop.store(true, Ordering::Relaxed);
                break;
            }
            totals.inserted += pending.inserted;
            totals.updated += pending.updated;
            totals.unchanged += pending.unchanged;
            pending = BatchOutcome::default();
            pending_rows = 0;
            (
                summary.committed_through_line,
                summary.rows,
                summary.rejected,
            ) = written;
            if let Some(ms) = args.test_pause_ms {
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
        }
        if last || stopping {
            break;
        }
    }
    drop(writer);
    // Let the reader see the closed channel (or the stop flag) and finish.
    drop(rx);
    let read = reader
        .join()
        .map_err(|_| anyhow::anyhow!("the import reader thread panicked"))?;
    signals.abort();
    progress.finish();

    summary.inserted = totals.inserted;
    summary.updated = totals.updated;
    summary.unchanged = totals.unchanged;
    summary.interrupted = interrupted.load(Ordering::Relaxed);
    if !summary.interrupted && write_error.is_none() {
        // The reader's final counts include rejects after the last batch.
        if let Ok(done) = &read {
            summary.rows = done.rows_read;
            summary.rejected = done.rejected;
        }
    }
    if summary.rejected > 0 || rejects_path.exists() {
        summary.rejects_file = Some(rejects_path.display().to_string());
    }
    summary.seconds = started.elapsed().as_secs_f64();
    summary.rows_per_s = if summary.seconds > 0.0 {
        (summary.rows as f64 / summary.seconds).round()
    } else {
        0.0
    };

    if let Some(err) = write_error {
        record_run(storage, &ctx, &summary, Some(&err)).await;
        return Err(err.context(format!(
            "import stopped; the rows up to line {} are in the database, run the same \
             command again to continue",
            summary.committed_through_line
        )));
    }
    let read = match read {
        Ok(read) => read,
        Err(err) if summary.interrupted => {
            // Stopping the reader mid-way is expected then.
            tracing::debug!("reader stopped: {err:#}");
            ReadResult::default()
        }
        Err(err) => {
            record_run(storage, &ctx, &summary, Some(&err)).await;
            return Err(err);
        }
    };
    for line in &read.samples {
        eprintln!("{line}");
    }
    if read.rejected > read.samples.len() as u64 && !summary.interrupted {
        eprintln!(
            "… {} more rejected rows in {}",
            thousands(read.rejected - read.samples.len() as u64),
            rejects_path.display()
        );
    }
    record_run(storage, &ctx, &summary, None).await;
    Ok(summary)
}

/// Writes the run's audit line (best effort: the rows are already committed).
async fn record_run(
    storage: &app::storage::operations::DynOperations,
    ctx: &ImportContext,
    summary: &ImportSummary,
    error: Option<&anyhow::Error>,
) {
    let mut detail = serde_json::to_value(summary).unwrap_or_default();
    if let Some(err) = error {
        detail["error"] = serde_json::Value::String(format!("{err:#}"));
    }
    let entry = AuditEntry {
        at: ctx.now,
        actor: ctx.actor.clone(),
        action: "import.run".into(),
        subject: format!("import:{}", ctx.source),
        detail: detail.to_string(),
    };
    if let Err(e) = storage.append_audit(&entry).await {
        tracing::warn!("could not write the import's audit line: {e}");
    }
}

fn print_summary(summary: &ImportSummary, args: &ImportArgs) {
    let human = format!(
        "{}: {} rows — inserted {}, updated {}, unchanged {}, rejected {} — {:.1} s, {} rows/s",
        if summary.interrupted {
            "import interrupted"
        } else {
            "import finished"
        },
        thousands(summary.rows),
        thousands(summary.inserted),
        thousands(summary.updated),
        thousands(summary.unchanged),
        thousands(summary.rejected),
        summary.seconds,
        thousands(summary.rows_per_s as u64),
    );
    let mut notes = Vec::new();
    if let Some(rejects) = &summary.rejects_file {
        notes.push(format!(
            "rejected rows (with line, column, reason): {rejects}"
        ));
    }
    if summary.interrupted {
        notes.push(format!(
            "the rows up to line {} are in the database; run the same command again to finish",
            summary.committed_through_line
        ));
    }
    if args.json {
        eprintln!("{human}");
        for note in notes {
            eprintln!("{note}");
        }
        println!(
            "{}",
            serde_json::to_string(summary).unwrap_or_else(|_| "{}".into())
        );
    } else {
        println!("{human}");
        for note in notes {
            println!("{note}");
        }
    }
}

/// First Ctrl-C: the reader stops, and the writer commits the batch being written after the
/// chunk in hand and stops. Second: leave at once (the open transaction is rolled back by
/// the database).
fn watch_ctrl_c(
    stop: Arc<AtomicBool>,
    interrupted: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        interrupted.store(true, Ordering::Relaxed);
        stop.store(true, Ordering::Relaxed);
        eprintln!("\nstopping after the batch being written (Ctrl-C again to stop at once)…");
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("stopped; the batch being written was rolled back");
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
    })
}

/// Progress on stderr: a bar with rate and ETA on a terminal, a line every few seconds
/// otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: bool,
    total: u64,
    last_line: Instant,
}

impl Progress {
    fn new(mode: ProgressMode, total: u64) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let (bar, plain) = match mode {
            ProgressMode::None => (false, false),
            ProgressMode::Bar => (true, false),
            ProgressMode::Plain => (false, true),
            ProgressMode::Auto => (terminal, !terminal),
        };
        let bar = bar.then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(total),
                indicatif::ProgressDrawTarget::stderr(),
            );
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {elapsed_precise} [{wide_bar}] {percent:>3}% {msg} ETA {eta}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar
        });
        Progress {
            bar,
            plain,
            total,
            last_line: Instant::now(),
        }
    }

    fn update(&mut self, bytes: u64, rows: u64, started: Instant) {
        let elapsed = started.elapsed().as_secs_f64().max(1e-3);
        let rate = rows as f64 / elapsed;
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
            bar.set_message(format!(
                "{} rows, {} rows/s",
                thousands(rows),
                thousands(rate as u64)
            ));
        } else if self.plain && self.last_line.elapsed() >= Duration::from_secs(2) {
            self.last_line = Instant::now();
            let fraction = if self.total > 0 {
                bytes as f64 / self.total as f64
            } else {
                0.0
            };
            let eta = if fraction > 0.0 {
                elapsed * (1.0 - fraction) / fraction
            } else {
                0.0
            };
            eprintln!(
                "import: {:>3.0}%  {} rows  {} rows/s  ETA {:.0} s",
                fraction * 100.0,
                thousands(rows),
                thousands(rate as u64),
                eta
            );
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

struct ReaderConfig {
    format: Format,
    /// Rows per chunk.
    chunk_rows: usize,
    rejects_path: PathBuf,
    lang: Lang,
    today: Date,
}

/// What the reader saw in the whole file.
#[derive(Debug, Default)]
struct ReadResult {
    rows_read: u64,
    rejected: u64,
    /// The first rejects, formatted for stderr.
    samples: Vec<String>,
}

/// How many rejected rows are echoed on stderr (all are in the rejects file).
const SAMPLES: usize = 20;

/// An identity hasher for keys that are already hashes.
#[derive(Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Certificate numbers seen in this file, by a 64-bit hash, with the line of their first
/// occurrence: 16 bytes per row, the only memory that grows with the file.
#[derive(Default)]
struct Seen(HashMap<u64, u64, BuildHasherDefault<PreHashed>>);

impl Seen {
    /// The line of an earlier occurrence, or records this one.
    fn first_line(&mut self, number: &str, line: u64) -> Option<u64> {
        // SipHash with fixed keys: well distributed, and the same for the whole run.
        let mut hasher = std::hash::DefaultHasher::new();
        number.hash(&mut hasher);
        let key = hasher.finish();
        match self.0.entry(key) {
            std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(line);
                None
            }
        }
    }
}

/// The rows that failed, in the input's format with `_line`, `_column` and `_reason` first,
/// so the file can be corrected and imported again. Created at the first reject.
struct Rejects {
    path: PathBuf,
    lang: Lang,
    /// The CSV header of the input, written after the three extra columns.
    header: Vec<Vec<u8>>,
    /// Positions of the input's `_` columns, which are not copied.
    ignored: Vec<usize>,
    csv: Option<csv::Writer<File>>,
    jsonl: Option<BufWriter<File>>,
    count: u64,
    samples: Vec<String>,
}

impl Rejects {
    fn describe(&self, problems: &RowProblems, names: &[String; COLUMNS]) -> (String, String) {
        let columns: Vec<&str> = problems
            .iter()
            .map(|(c, _)| names[c.index()].as_str())
            .collect();
        let reasons: Vec<String> = problems.iter().map(|(_, p)| p.text(self.lang)).collect();
        (columns.join("; "), reasons.join("; "))
    }

    fn sample(&mut self, line: u64, columns: &str, reasons: &str) {
        self.count += 1;
        if self.samples.len() < SAMPLES {
            self.samples
                .push(format!("rejected line {line}: {columns}: {reasons}"));
        }
    }

    fn csv_row(
        &mut self,
        line: u64,
        problems: &RowProblems,
        names: &[String; COLUMNS],
        record: &csv::ByteRecord,
    ) -> anyhow::Result<()> {
        let (columns, reasons) = self.describe(problems, names);
        self.sample(line, &columns, &reasons);
        if self.csv.is_none() {
            // Flexible: a row with too few or too many fields is kept as it was.
            let mut writer = csv::WriterBuilder::new()
                .flexible(true)
                .from_writer(self.create()?);
            let mut header: Vec<&[u8]> = vec![b"_line", b"_column", b"_reason"];
            header.extend(
                self.header
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !self.ignored.contains(i))
                    .map(|(_, h)| h.as_slice()),
            );
            writer.write_record(&header)?;
            self.csv = Some(writer);
        }
        let writer = self.csv.as_mut().expect("created above");
        let line = line.to_string();
        let mut fields: Vec<&[u8]> = vec![line.as_bytes(), columns.as_bytes(), reasons.as_bytes()];
        // The input's own `_` columns (an earlier rejects file's) are replaced by ours.
        fields.extend(
            record
                .iter()
                .enumerate()
                .filter(|(i, _)| !self.ignored.contains(i))
                .map(|(_, field)| field),
        );
        writer.write_record(&fields)?;
        Ok(())
    }

    fn json_row(
        &mut self,
        line: u64,
        problems: &RowProblems,
        names: &[String; COLUMNS],
        original: &[u8],
    ) -> anyhow::Result<()> {
        let (columns, reasons) = self.describe(problems, names);
        self.sample(line, &columns, &reasons);
        let mut out = serde_json::Map::new();
        out.insert("_line".into(), line.into());
        out.insert("_column".into(), columns.into());
        out.insert("_reason".into(), reasons.into());
        match serde_json::from_slice::<serde_json::Value>(original) {
            Ok(serde_json::Value::Object(fields)) => {
                out.extend(fields.into_iter().filter(|(k, _)| !k.starts_with('_')))
            }
            _ => {
                out.insert(
                    "_raw".into(),
                    String::from_utf8_lossy(original).into_owned().into(),
                );
            }
        }
        if self.jsonl.is_none() {
            self.jsonl = Some(BufWriter::new(self.create()?));
        }
        let writer = self.jsonl.as_mut().expect("created above");
        serde_json::to_writer(&mut *writer, &serde_json::Value::Object(out))?;
        writer.write_all(b"\n")?;
        Ok(())
    }

    fn create(&self) -> anyhow::Result<File> {
        File::create(&self.path)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", self.path.display()))
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        if let Some(writer) = self.csv.as_mut() {
            writer.flush()?;
        }
        if let Some(writer) = self.jsonl.as_mut() {
            writer.flush()?;
        }
        Ok(())
    }
}

/// Sends a chunk to the writer; `false` when the writer is gone or a stop was asked.
fn send(tx: &tokio::sync::mpsc::Sender<Chunk>, chunk: Chunk, stop: &AtomicBool) -> bool {
    !stop.load(Ordering::Relaxed) && tx.blocking_send(chunk).is_ok()
}

/// Validates rows, collects the valid ones into chunks for the writer, and keeps the counts.
struct Chunker<'a> {
    tx: tokio::sync::mpsc::Sender<Chunk>,
    stop: &'a AtomicBool,
    size: usize,
    rows: Vec<ImportRow>,
    rows_read: u64,
    seen: Seen,
    today: Date,
}

impl Chunker<'_> {
    /// Validates a row; returns its problems if it is rejected.
    fn row(&mut self, line: u64, raw: &RawRow<'_>) -> Option<RowProblems> {
        self.rows_read += 1;
        let number = values::cert_number(raw);
        let duplicate = match &number {
            Ok(n) => self.seen.first_line(n, line),
            Err(_) => None,
        };
        match values::validate(raw, number, self.today) {
            Ok(record) => match duplicate {
                Some(first) => Some(vec![(Column::CertNumber, Problem::Duplicate(first))]),
                None => {
                    let hash = record.content_hash();
                    self.rows.push(ImportRow {
                        line,
                        record,
                        hash,
                        public_id: app::storage::new_public_id(),
                    });
                    None
                }
            },
            Err(mut problems) => {
                if let Some(first) = duplicate {
                    problems.insert(0, (Column::CertNumber, Problem::Duplicate(first)));
                }
                Some(problems)
            }
        }
    }

    /// Sends the chunk if full (or `last`); `false` when the import must stop.
    fn flush(&mut self, last: bool, line: u64, byte: u64, rejected: u64) -> bool {
        if self.rows.len() < self.size && !last {
            return true;
        }
        let rows = std::mem::replace(&mut self.rows, Vec::with_capacity(self.size));
        send(
            &self.tx,
            Chunk {
                rows,
                end_line: line,
                end_byte: byte,
                rows_read: self.rows_read,
                rejected,
            },
            self.stop,
        )
    }
}

fn read_file(
    file: File,
    config: ReaderConfig,
    tx: tokio::sync::mpsc::Sender<Chunk>,
    stop: &AtomicBool,
) -> anyhow::Result<ReadResult> {
    let mut chunker = Chunker {
        tx,
        stop,
        size: config.chunk_rows,
        rows: Vec::with_capacity(config.chunk_rows),
        rows_read: 0,
        seen: Seen::default(),
        today: config.today,
    };
    let mut rejects = Rejects {
        path: config.rejects_path.clone(),
        lang: config.lang,
        header: Vec::new(),
        ignored: Vec::new(),
        csv: None,
        jsonl: None,
        count: 0,
        samples: Vec::new(),
    };
    match config.format {
        Format::Csv => read_csv(file, &mut chunker, &mut rejects)?,
        Format::Jsonl => read_jsonl(file, &mut chunker, &mut rejects)?,
    }
    rejects.finish()?;
    Ok(ReadResult {
        rows_read: chunker.rows_read,
        rejected: rejects.count,
        samples: rejects.samples,
    })
}

fn read_csv(file: File, chunker: &mut Chunker<'_>, rejects: &mut Rejects) -> anyhow::Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .buffer_capacity(1 << 18)
        .from_reader(file);
    let header: Vec<String> = reader
        .byte_headers()
        .map_err(|e| anyhow::anyhow!("cannot read the header row: {e}"))?
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    if header.iter().all(|h| h.trim().is_empty()) {
        anyhow::bail!("the file is empty or has no header row");
    }
    rejects.header = reader.byte_headers()?.iter().map(<[u8]>::to_vec).collect();
    let (index, names) = columns::map_header(&header)?;
    rejects.ignored = header
        .iter()
        .enumerate()
        .filter(|(_, h)| h.trim().trim_start_matches('\u{feff}').starts_with('_'))
        .map(|(i, _)| i)
        .collect();
    let width = header.len();
    let mut record = csv::ByteRecord::new();
    let mut line = 1;
    loop {
        if chunker.stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => anyhow::bail!("cannot read the file after line {line}: {e}"),
        }
        line = record.position().map(|p| p.line()).unwrap_or(line + 1);
        let problems = if record.len() != width {
            chunker.rows_read += 1;
            // The first column (in file order) the row lacks.
            let column = Column::ALL
                .into_iter()
                .filter_map(|c| index[c.index()].map(|i| (c, i)))
                .filter(|(_, i)| *i >= record.len())
                .min_by_key(|(_, i)| *i)
                .map(|(c, _)| c)
                .unwrap_or(Column::CertNumber);
            Some(vec![(
                column,
                Problem::FieldCount {
                    got: record.len(),
                    want: width,
                },
            )])
        } else {
            let mut raw: RawRow<'_> = Default::default();
            let mut bad = Vec::new();
            for col in Column::ALL {
                if let Some(i) = index[col.index()] {
                    match std::str::from_utf8(&record[i]) {
                        Ok(s) => raw[col.index()] = Some(Cow::Borrowed(s)),
                        Err(_) => bad.push((col, Problem::NotUtf8)),
                    }
                }
            }
            if bad.is_empty() {
                chunker.row(line, &raw)
            } else {
                chunker.rows_read += 1;
                Some(bad)
            }
        };
        if let Some(problems) = problems {
            rejects.csv_row(line, &problems, &names, &record)?;
        }
        if !chunker.flush(false, line, reader.position().byte(), rejects.count) {
            return Ok(());
        }
    }
    chunker.flush(true, line, reader.position().byte(), rejects.count);
    Ok(())
}

fn read_jsonl(file: File, chunker: &mut Chunker<'_>, rejects: &mut Rejects) -> anyhow::Result<()> {
    let mut reader = BufReader::with_capacity(1 << 18, file);
    let names: [String; COLUMNS] = Column::ALL.map(|c| c.name().to_string());
    let mut buffer = Vec::new();
    let mut line = 0u64;
    let mut byte = 0u64;
    loop {
        if chunker.stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        buffer.clear();
        let n = reader
            .read_until(b'\n', &mut buffer)
            .map_err(|e| anyhow::anyhow!("cannot read the file after line {line}: {e}"))?;
        if n == 0 {
            break;
        }
        line += 1;
        byte += n as u64;
        let text = buffer.trim_ascii();
        if text.is_empty() {
            continue;
        }
        let problems = match json_row(text) {
            Ok(Ok(raw)) => chunker.row(line, &raw),
            Ok(Err(problems)) | Err(problems) => {
                chunker.rows_read += 1;
                Some(problems)
            }
        };
        if let Some(problems) = problems {
            rejects.json_row(line, &problems, &names, text)?;
        }
        if !chunker.flush(false, line, byte, rejects.count) {
            return Ok(());
        }
    }
    chunker.flush(true, line, byte, rejects.count);
    Ok(())
}

/// One JSON line as raw values: the outer `Err` for a line that is not a JSON object, the
/// inner one for bad keys or values.
fn json_row(text: &[u8]) -> Result<Result<RawRow<'static>, RowProblems>, RowProblems> {
    let value: serde_json::Value = match std::str::from_utf8(text) {
        Err(_) => return Err(vec![(Column::CertNumber, Problem::NotUtf8)]),
        Ok(s) => serde_json::from_str(s)
            .map_err(|e| vec![(Column::CertNumber, Problem::BadJson(e.to_string()))])?,
    };
    let serde_json::Value::Object(fields) = value else {
        return Err(vec![(Column::CertNumber, Problem::NotAnObject)]);
    };
    let mut raw: RawRow<'static> = Default::default();
    let mut problems = Vec::new();
    for (key, value) in fields {
        if key.starts_with('_') {
            continue;
        }
        let Some(col) = Column::from_name(&key) else {
            problems.push((Column::CertNumber, Problem::UnknownColumn(key)));
            continue;
        };
        let text = match value {
            serde_json::Value::String(s) => s,
            serde_json::Value::Null => String::new(),
            serde_json::Value::Bool(b) if col == Column::Electronic => {
                if b { "yes" } else { "no" }.to_string()
            }
            _ => {
                problems.push((col, Problem::NotAString));
                continue;
            }
        };
        raw[col.index()] = Some(Cow::Owned(text));
    }
    for col in Column::ALL {
        if col.required() && raw[col.index()].is_none() && !problems.iter().any(|(c, _)| *c == col)
        {
            problems.push((col, Problem::Missing));
        }
    }
    Ok(if problems.is_empty() {
        Ok(raw)
    } else {
        Err(problems)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_duplicate_index_remembers_the_first_line() {
        let mut seen = Seen::default();
        assert_eq!(seen.first_line("A1", 2), None);
        assert_eq!(seen.first_line("B2", 3), None);
        assert_eq!(seen.first_line("A1", 9), Some(2));
    }

    #[test]
    fn json_lines_map_keys_and_types() {
        let row = json_row(
            br#"{"cert_number":"A1","id_type":"passport","id_number":"E12345678","holder_name":"JOHN SMITH","qualification":"Q","issued_on":"2020-01-01","issuer":"I","electronic":true}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(row[Column::Electronic.index()].as_deref(), Some("yes"));
        let problems = json_row(br#"{"cert_number":"A1","colour":"red"}"#)
            .unwrap()
            .unwrap_err();
        assert!(problems.contains(&(Column::CertNumber, Problem::UnknownColumn("colour".into()))));
        assert!(problems.contains(&(Column::IdNumber, Problem::Missing)));
        assert!(json_row(b"[1,2]").is_err());
        assert!(json_row(b"{not json").is_err());
    }
}
