//! The queue between a verification and its line in the holder's log.

use crate::domain::VerificationRecord;
use std::sync::Mutex;

/// Verifications waiting to be written to the log. Checks only enqueue (a verification by
/// code must stay a single read); the server's log writer stores them in batches.
#[derive(Debug)]
pub struct VerificationQueue {
    tx: tokio::sync::mpsc::UnboundedSender<VerificationRecord>,
    rx: Mutex<Option<tokio::sync::mpsc::UnboundedReceiver<VerificationRecord>>>,
}

impl Default for VerificationQueue {
    fn default() -> Self {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        VerificationQueue {
            tx,
            rx: Mutex::new(Some(rx)),
        }
    }
}

impl VerificationQueue {
    pub fn record(&self, record: VerificationRecord) {
        // Only fails when the writer has stopped (shutdown); the check itself still answers.
        let _ = self.tx.send(record);
    }

    /// The receiving end, for the one log writer.
    pub fn take_receiver(
        &self,
    ) -> Option<tokio::sync::mpsc::UnboundedReceiver<VerificationRecord>> {
        self.rx.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}
