//! What the operator is told: progress on stderr while the import runs, the summary at
//! the end (human lines, or one JSON line with `--json`), and the run's line in the audit
//! log.

use super::{ImportArgs, ProgressMode};
use crate::ops::store::ImportContext;
use crate::ops::thousands;
use app::domain::AuditEntry;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

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

/// Writes the run's audit line (best effort: the rows are already committed).
pub(super) async fn record_run(
    storage: &crate::ops::store::DynOperations,
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

/// The summary on stdout, or with `--json` one JSON line on stdout and the human lines on
/// stderr.
pub(super) fn print_summary(summary: &ImportSummary, args: &ImportArgs) {
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

/// Progress on stderr: a bar with rate and ETA on a terminal, a line every few seconds
/// otherwise.
pub(super) struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: bool,
    /// Size of the file, in bytes.
    total: u64,
    /// When the import started, for the rate.
    started: Instant,
    last_line: Instant,
}

impl Progress {
    pub(super) fn new(mode: ProgressMode, total: u64, started: Instant) -> Progress {
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
            started,
            last_line: Instant::now(),
        }
    }

    /// The reader is at `bytes` of the file, after `rows` data rows.
    pub(super) fn update(&mut self, bytes: u64, rows: u64) {
        let elapsed = self.started.elapsed().as_secs_f64().max(1e-3);
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

    pub(super) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
