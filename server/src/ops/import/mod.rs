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
//!
//! Where things are: the command line and the whole run ([`import`]) here; [`columns`] for the
//! accepted column names, [`values`] for the checks of each value and [`problems`] for what
//! a rejected row is told; the reader thread in `reader`, which hands rows to `chunks` for
//! validation and the duplicate check and writes the rejected ones with `rejects`; the
//! transactions and Ctrl-C in `writer`; progress, summary and audit line in `report`.

pub mod columns;
pub mod problems;
pub mod values;

mod chunks;
mod reader;
mod rejects;
mod report;
mod writer;

pub use report::ImportSummary;

use crate::ops::store::ImportContext;
use crate::ops::{thousands, EXIT_INTERRUPTED, EXIT_REJECTED_ROWS};
use app::i18n::Lang;
use chunks::{Chunk, CHUNK_ROWS};
use clap::{Args, ValueEnum};
use reader::{ReadResult, ReaderConfig};
use report::{print_summary, record_run, Progress};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

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
    storage: &crate::ops::store::DynOperations,
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
    let today = app::infra::Clock::default().today();
    let stop = Arc::new(AtomicBool::new(false));
    let interrupted = Arc::new(AtomicBool::new(false));
    let signals = writer::watch_ctrl_c(stop.clone(), interrupted.clone());

    let (tx, rx) = tokio::sync::mpsc::channel::<Chunk>(2);
    let reader = {
        let stop = stop.clone();
        let config = ReaderConfig {
            format,
            chunk_rows: args.batch_size.min(CHUNK_ROWS) as usize,
            rejects_path: rejects_path.clone(),
            lang,
            today,
            keys: storage.data_keys().clone(),
        };
        std::thread::Builder::new()
            .name("import-reader".into())
            .spawn(move || reader::read_file(file, config, tx, &stop))?
    };

    let ctx = ImportContext {
        now: app::infra::Clock::default().now(),
        actor: actor.to_string(),
        source: args.file.display().to_string(),
    };
    let mut progress = Progress::new(args.progress, total_bytes, started);
    let written =
        writer::write_batches(storage, rx, args, &ctx, &stop, &interrupted, &mut progress).await;
    let read = reader
        .join()
        .map_err(|_| anyhow::anyhow!("the import reader thread panicked"))?;
    signals.abort();
    progress.finish();

    let write_error = written.error;
    let mut summary = ImportSummary {
        file: args.file.display().to_string(),
        inserted: written.totals.inserted,
        updated: written.totals.updated,
        unchanged: written.totals.unchanged,
        ..Default::default()
    };
    (
        summary.committed_through_line,
        summary.rows,
        summary.rejected,
    ) = written.committed;
    summary.interrupted = interrupted.load(Ordering::Relaxed);
    if !summary.interrupted && write_error.is_none() {
        // The reader's own final counts (its last chunk's, unless that was not sent).
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
