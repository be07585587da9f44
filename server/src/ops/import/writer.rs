//! The database side of an import: the reader's chunks are written through the backend's
//! bulk writer into an open transaction, which is committed as a batch once it holds
//! `--batch-size` rows or has been open `--batch-seconds`, at the end of the file, or when
//! Ctrl-C asks to stop. A failed write or commit rolls its batch back and stops the reader;
//! everything committed before it stays.

use super::chunks::Chunk;
use super::report::Progress;
use super::ImportArgs;
use crate::ops::store::{BatchOutcome, ImportContext};
use crate::ops::EXIT_INTERRUPTED;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the writer got into the database.
pub(super) struct Written {
    /// Rows inserted, updated and unchanged, in committed batches.
    pub(super) totals: BatchOutcome,
    /// Where the reader stood after the last committed chunk: the line, the data rows read,
    /// and of these rejected.
    pub(super) committed: (u64, u64, u64),
    /// Why writing stopped before the end (its batch was rolled back).
    pub(super) error: Option<anyhow::Error>,
}

/// Writes the chunks from `rx` until the reader is done, a stop, or an error; sets `stop`
/// to stop the reader when writing fails. Closes the channel when it returns.
pub(super) async fn write_batches(
    storage: &crate::ops::store::DynOperations,
    mut rx: tokio::sync::mpsc::Receiver<Chunk>,
    args: &ImportArgs,
    ctx: &ImportContext,
    stop: &AtomicBool,
    interrupted: &AtomicBool,
    progress: &mut Progress,
) -> Written {
    let mut totals = BatchOutcome::default();
    let mut pending = BatchOutcome::default();
    let mut pending_rows = 0u64;
    let mut pending_since = Instant::now();
    let batch_time = Duration::from_secs_f64(args.batch_seconds.clamp(0.01, 3600.0));
    let mut write_error = None;
    let mut writer = match storage.bulk_writer(ctx).await {
        Ok(writer) => Some(writer),
        Err(e) => {
            write_error = Some(anyhow::Error::new(e).context("opening the database for writing"));
            stop.store(true, Ordering::Relaxed);
            None
        }
    };
    // The line and counts of the reader's position after the last chunk written, and after
    // the last one committed.
    let mut written = (0u64, 0u64, 0u64);
    let mut committed = written;
    while let Some(writer) = writer.as_mut() {
        let chunk = rx.recv().await;
        let last = chunk.is_none();
        let stopping = interrupted.load(Ordering::Relaxed);
        if let Some(chunk) = chunk.filter(|_| !stopping) {
            if !chunk.rows.is_empty() {
                if pending_rows == 0 {
                    pending_since = Instant::now();
                }
                match writer.write_batch(&chunk.rows).await {
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
            progress.update(chunk.end_byte, chunk.rows_read);
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
            committed = written;
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
    Written {
        totals,
        committed,
        error: write_error,
    }
}

/// First Ctrl-C: the reader stops, and the writer commits the batch being written after the
/// chunk in hand and stops. Second: leave at once (the open transaction is rolled back by
/// the database).
pub(super) fn watch_ctrl_c(
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
