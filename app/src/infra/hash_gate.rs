//! A bound on password hashing. Argon2 takes tens of milliseconds of CPU and 19 MiB of memory
//! per hash; 200 parallel registrations once took the process from 88 MB to 1.2 GB. At most
//! one hash per core runs at a time, a bounded number wait, and the rest are told to come back
//! (503 with Retry-After) instead of queueing without end.

use crate::error::AppError;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use tokio::sync::Semaphore;

#[derive(Debug)]
pub struct HashGate {
    running: Semaphore,
    waiting: AtomicUsize,
    max_waiting: usize,
    /// How many hashes have run (for the tests that count password evaluations).
    runs: AtomicU64,
}

impl Default for HashGate {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        HashGate::new(cores, 64)
    }
}

impl HashGate {
    pub fn new(concurrent: usize, max_waiting: usize) -> HashGate {
        HashGate {
            running: Semaphore::new(concurrent.max(1)),
            waiting: AtomicUsize::new(0),
            max_waiting,
            runs: AtomicU64::new(0),
        }
    }

    /// Runs `hash` on the blocking pool once a slot is free; [`AppError::Unavailable`] when
    /// too many are already waiting.
    pub async fn run<T: Send + 'static>(
        &self,
        hash: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            tracing::warn!("password hashing queue full: answering 503");
            return Err(AppError::Unavailable);
        }
        let permit = self.running.acquire().await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let _permit = permit.map_err(|e| crate::error::ssr::internal(&e))?;
        self.runs.fetch_add(1, Ordering::SeqCst);
        tokio::task::spawn_blocking(hash)
            .await
            .map_err(|e| crate::error::ssr::internal(&e))
    }
}

impl HashGate {
    /// How many hashes have run since start.
    pub fn runs(&self) -> u64 {
        self.runs.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_is_refused_and_nothing_runs_past_the_bound() {
        let gate = Arc::new(HashGate::new(1, 2));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let (gate, running, most) = (gate.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    gate.run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(50));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                })
            })
            .collect();
        let mut refused = 0;
        for task in tasks {
            if task.await.unwrap().is_err() {
                refused += 1;
            }
        }
        assert_eq!(most.load(Ordering::SeqCst), 1, "one hash at a time");
        assert!(
            refused >= 7,
            "at most one running and two waiting: {refused} refused"
        );
    }
}
