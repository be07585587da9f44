//! The reader thread: streams the file (CSV with a header row, or JSON Lines) row by row
//! into raw values by column, hands each row to the [`Chunker`], which sends the valid ones
//! to the writer, and writes the rejected ones to the [`Rejects`] file. It stops at the end
//! of the file, when the writer is gone, or when asked to stop.

use super::chunks::{Chunk, Chunker};
use super::columns::{self, Column, RawRow, COLUMNS};
use super::problems::{Problem, RowProblems};
use super::rejects::Rejects;
use super::Format;
use app::i18n::Lang;
use std::borrow::Cow;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use time::Date;

/// What the reader thread needs besides the file.
pub(super) struct ReaderConfig {
    pub(super) format: Format,
    /// Rows per chunk.
    pub(super) chunk_rows: usize,
    pub(super) rejects_path: PathBuf,
    /// Language of the reasons in the rejects file.
    pub(super) lang: Lang,
    /// Dates after this day are refused.
    pub(super) today: Date,
    /// The keys each row's holder ID is sealed and hashed with.
    pub(super) keys: app::storage::DataKeys,
}

/// What the reader saw in the whole file.
#[derive(Debug, Default)]
pub(super) struct ReadResult {
    pub(super) rows_read: u64,
    pub(super) rejected: u64,
    /// The first rejects, formatted for stderr.
    pub(super) samples: Vec<String>,
}

/// The reader thread's body: reads the whole file (or until a stop), sending the valid rows
/// over `tx` and writing the rejected ones to the rejects file.
pub(super) fn read_file(
    file: File,
    config: ReaderConfig,
    tx: tokio::sync::mpsc::Sender<Chunk>,
    stop: &AtomicBool,
) -> anyhow::Result<ReadResult> {
    let mut chunker = Chunker::new(tx, stop, config.chunk_rows, config.today, &config.keys);
    let mut rejects = Rejects::new(config.rejects_path, config.lang);
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

/// CSV: the header row names the columns ([`columns::map_header`]); a row with another
/// number of fields than the header is rejected whole.
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

/// JSON Lines: one object per line, keyed by column names; blank lines are skipped.
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
