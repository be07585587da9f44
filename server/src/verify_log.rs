//! Writes the verification log. Checks only enqueue their record (so a check by code stays
//! one read); this writer stores them in batches, one transaction each, and drains the queue
//! on shutdown.

use app::state::AppState;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Records written per transaction, at most.
const BATCH: usize = 1000;
/// How long the writer lets records accumulate before a write.
const GATHER: Duration = Duration::from_millis(50);

pub fn spawn(state: AppState, shutdown: CancellationToken) -> Option<tokio::task::JoinHandle<()>> {
    let mut rx = state.verification_log.take_receiver()?;
    Some(tokio::spawn(async move {
        let mut batch = Vec::with_capacity(BATCH);
        loop {
            let received = tokio::select! {
                n = rx.recv_many(&mut batch, BATCH) => n,
                _ = shutdown.cancelled() => 0,
            };
            if received == 0 && batch.is_empty() {
                if shutdown.is_cancelled() {
                    while let Ok(record) = rx.try_recv() {
                        batch.push(record);
                    }
                    write(&state, &mut batch).await;
                }
                break;
            }
            tokio::time::sleep(GATHER).await;
            while batch.len() < BATCH {
                match rx.try_recv() {
                    Ok(record) => batch.push(record),
                    Err(_) => break,
                }
            }
            write(&state, &mut batch).await;
        }
    }))
}

async fn write(state: &AppState, batch: &mut Vec<app::domain::VerificationRecord>) {
    if batch.is_empty() {
        return;
    }
    for attempt in 0..2 {
        match state.storage.append_verifications(batch).await {
            Ok(()) => {
                batch.clear();
                return;
            }
            Err(err) => {
                tracing::error!(
                    attempt,
                    records = batch.len(),
                    error = %app::error::ssr::ErrorChain(&err),
                    "writing the verification log failed"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    batch.clear();
}
