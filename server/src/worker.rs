//! The annotation workers: take queued annotations from the database, have the copy produced
//! (what it prints and how it is signed is [`crate::copy`]), and store it, retrying failures
//! with backoff. The queue lives in the database, so nothing is lost when the process dies: a
//! job whose worker vanished is taken again when its lease runs out, and only the worker that
//! holds the lease can complete it, so each annotation is completed once.

use crate::copy::Producer;
use app::annotations::views::copy_file_name;
use app::state::AppState;
use certpdf::IssuerKey;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How workers behave; the defaults suit production.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// Workers per process.
    pub workers: usize,
    /// How long a claimed job is reserved for its worker.
    pub lease: Duration,
    /// How often idle workers look for work queued by other processes and for retries.
    pub poll: Duration,
    /// Attempts before an annotation is marked failed.
    pub max_attempts: i64,
    /// First retry delay; doubled for each further attempt.
    pub backoff: Duration,
    /// Test only (needs test controls): time a production takes, to crash a server
    /// mid-production on purpose.
    pub test_delay: Option<Duration>,
    /// Test only: make every production fail.
    pub test_fail: bool,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            workers: 2,
            lease: Duration::from_secs(10),
            poll: Duration::from_millis(500),
            max_attempts: 5,
            backoff: Duration::from_secs(2),
            test_delay: None,
            test_fail: false,
        }
    }
}

/// Starts the workers; they stop when `shutdown` is cancelled, after finishing the job in hand.
pub fn spawn(
    state: AppState,
    issuer: Arc<IssuerKey>,
    config: WorkerConfig,
    shutdown: CancellationToken,
) -> Vec<tokio::task::JoinHandle<()>> {
    let producer = Arc::new(Producer::new(state.clone(), issuer));
    let process = format!("{}-{}", std::process::id(), app::infra::new_public_id());
    (0..config.workers)
        .map(|n| {
            let worker = Worker {
                name: format!("{}/{n}", &process[..process.len().min(20)]),
                state: state.clone(),
                producer: producer.clone(),
                config: config.clone(),
                shutdown: shutdown.clone(),
            };
            tokio::spawn(worker.run())
        })
        .collect()
}

struct Worker {
    name: String,
    state: AppState,
    producer: Arc<Producer>,
    config: WorkerConfig,
    shutdown: CancellationToken,
}

impl Worker {
    async fn run(self) {
        tracing::info!(worker = %self.name, "annotation worker started");
        while !self.shutdown.is_cancelled() {
            match self.step().await {
                Ok(true) => continue,
                Ok(false) => {
                    tokio::select! {
                        _ = self.state.jobs.notified() => {}
                        _ = tokio::time::sleep(self.config.poll) => {}
                        _ = self.shutdown.cancelled() => {}
                    }
                }
                Err(err) => {
                    tracing::error!(worker = %self.name, error = %format!("{err:#}"), "worker step failed");
                    tokio::select! {
                        _ = tokio::time::sleep(self.config.poll * 4) => {}
                        _ = self.shutdown.cancelled() => {}
                    }
                }
            }
        }
        tracing::info!(worker = %self.name, "annotation worker stopped");
    }

    /// Takes and produces one job; `Ok(false)` when there was none.
    async fn step(&self) -> anyhow::Result<bool> {
        let now = self.state.clock.now();
        let lease_ms = self.config.lease.as_millis() as i64;
        let Some((annotation, certificate)) = self
            .state
            .storage
            .claim_annotation(&self.name, now, lease_ms)
            .await?
        else {
            return Ok(false);
        };
        let started = std::time::Instant::now();
        if let Some(delay) = self.config.test_delay {
            tokio::time::sleep(delay).await;
        }
        let producer = self.producer.clone();
        let (a, c) = (annotation.clone(), certificate.clone());
        let produced_at = self.state.clock.now();
        let fail = self.config.test_fail;
        let result = tokio::task::spawn_blocking(move || {
            if fail {
                anyhow::bail!("production disabled by test control");
            }
            producer.produce(&a, &c, produced_at)
        })
        .await
        .map_err(anyhow::Error::from)
        .and_then(|r| r);
        match result {
            Ok(produced) => {
                let completed = self
                    .state
                    .storage
                    .complete_annotation(annotation.id, &self.name, &produced)
                    .await?;
                if completed {
                    tracing::info!(
                        worker = %self.name,
                        annotation = annotation.id.0,
                        file = %copy_file_name(&certificate.record.number, &annotation.number),
                        bytes = produced.pdf.len(),
                        ms = started.elapsed().as_millis() as u64,
                        wait_ms = produced_at - annotation.applied_at,
                        "annotation ready"
                    );
                } else {
                    tracing::warn!(
                        worker = %self.name,
                        annotation = annotation.id.0,
                        "lease lost before completion; another worker owns the job"
                    );
                }
            }
            Err(err) => {
                let attempts = annotation.attempts;
                let retry_at = (attempts < self.config.max_attempts).then(|| {
                    let delay =
                        self.config.backoff * 2u32.saturating_pow((attempts - 1).max(0) as u32);
                    self.state.clock.now() + delay.as_millis() as i64
                });
                tracing::error!(
                    worker = %self.name,
                    annotation = annotation.id.0,
                    attempts,
                    final_failure = retry_at.is_none(),
                    error = %format!("{err:#}"),
                    "annotation production failed"
                );
                self.state
                    .storage
                    .fail_annotation_attempt(
                        annotation.id,
                        &self.name,
                        &format!("{err:#}"),
                        retry_at,
                        self.state.clock.now(),
                    )
                    .await?;
            }
        }
        Ok(true)
    }
}
