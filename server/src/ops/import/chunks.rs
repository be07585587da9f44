//! From a raw row to the writer: each row is validated ([`values::validate`]) and checked
//! against the earlier rows of the file (a certificate number counts once), and the valid
//! rows travel to the writer in chunks over a bounded channel, with where the reader stands.
//!
//! [`values::validate`]: super::values::validate

use super::columns::{Column, RawRow};
use super::problems::{Problem, RowProblems};
use super::values;
use crate::ops::store::ImportRow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use time::Date;

/// Rows the reader hands over at a time (a batch is one or more chunks): bounds the memory
/// whatever the batch size.
pub(super) const CHUNK_ROWS: u64 = 5_000;

/// A chunk of valid rows and where the reader stands after it.
pub(super) struct Chunk {
    pub(super) rows: Vec<ImportRow>,
    /// Last line read (inclusive).
    pub(super) end_line: u64,
    /// Bytes of the file read, for the progress bar.
    pub(super) end_byte: u64,
    /// Data rows read so far, and of these rejected.
    pub(super) rows_read: u64,
    pub(super) rejected: u64,
}

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

/// Sends a chunk to the writer; `false` when the writer is gone or a stop was asked.
fn send(tx: &tokio::sync::mpsc::Sender<Chunk>, chunk: Chunk, stop: &AtomicBool) -> bool {
    !stop.load(Ordering::Relaxed) && tx.blocking_send(chunk).is_ok()
}

/// Validates rows, collects the valid ones into chunks for the writer, and keeps the counts.
pub(super) struct Chunker<'a> {
    tx: tokio::sync::mpsc::Sender<Chunk>,
    /// Set when the import must stop (Ctrl-C, or the writer failed).
    pub(super) stop: &'a AtomicBool,
    size: usize,
    rows: Vec<ImportRow>,
    /// Data rows read so far, valid or not.
    pub(super) rows_read: u64,
    seen: Seen,
    today: Date,
    /// The keys each valid row's holder ID is hashed and sealed with.
    keys: &'a app::storage::DataKeys,
}

impl<'a> Chunker<'a> {
    /// Chunks of `size` rows, validated as of `today`.
    pub(super) fn new(
        tx: tokio::sync::mpsc::Sender<Chunk>,
        stop: &'a AtomicBool,
        size: usize,
        today: Date,
        keys: &'a app::storage::DataKeys,
    ) -> Self {
        Chunker {
            keys,
            tx,
            stop,
            size,
            rows: Vec::with_capacity(size),
            rows_read: 0,
            seen: Seen::default(),
            today,
        }
    }

    /// Validates a row; returns its problems if it is rejected.
    pub(super) fn row(&mut self, line: u64, raw: &RawRow<'_>) -> Option<RowProblems> {
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
                    let holder = self
                        .keys
                        .seal_id(app::storage::CERTIFICATE_ID_NUMBER, &record.holder_id);
                    let hash = record.content_hash(&holder.lookup);
                    self.rows.push(ImportRow {
                        line,
                        record,
                        holder,
                        hash,
                        public_id: app::infra::new_public_id(),
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
    pub(super) fn flush(&mut self, last: bool, line: u64, byte: u64, rejected: u64) -> bool {
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
}
