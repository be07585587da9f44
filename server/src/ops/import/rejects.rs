//! The rejects file: the rows that failed, each with its line, column(s) and reason, in the
//! input's own format so that it can be corrected and imported again; and the first few
//! rejects, echoed on stderr.

use super::columns::COLUMNS;
use super::problems::RowProblems;
use app::i18n::Lang;
use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// How many rejected rows are echoed on stderr (all are in the rejects file).
const SAMPLES: usize = 20;

/// A CSV cell as written to the rejects file: one a spreadsheet would take for a formula
/// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, so that
/// opening the file runs nothing (OWASP, CSV injection). The rows that failed are exactly
/// the ones whose content nobody vouched for.
fn neutralised(cell: &[u8]) -> Cow<'_, [u8]> {
    match cell.first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => {
            let mut safe = Vec::with_capacity(cell.len() + 1);
            safe.push(b'\'');
            safe.extend_from_slice(cell);
            Cow::Owned(safe)
        }
        _ => Cow::Borrowed(cell),
    }
}

/// The rows that failed, in the input's format with `_line`, `_column` and `_reason` first,
/// so the file can be corrected and imported again. Created at the first reject.
pub(super) struct Rejects {
    path: PathBuf,
    lang: Lang,
    /// The CSV header of the input, written after the three extra columns.
    pub(super) header: Vec<Vec<u8>>,
    /// Positions of the input's `_` columns, which are not copied.
    pub(super) ignored: Vec<usize>,
    csv: Option<csv::Writer<File>>,
    jsonl: Option<BufWriter<File>>,
    /// Rows rejected so far.
    pub(super) count: u64,
    /// The first rejects, formatted for stderr.
    pub(super) samples: Vec<String>,
}

impl Rejects {
    /// Nothing is written to `path` before the first reject.
    pub(super) fn new(path: PathBuf, lang: Lang) -> Self {
        Rejects {
            path,
            lang,
            header: Vec::new(),
            ignored: Vec::new(),
            csv: None,
            jsonl: None,
            count: 0,
            samples: Vec::new(),
        }
    }

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

    pub(super) fn csv_row(
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
            writer.write_record(header.iter().map(|h| neutralised(h)))?;
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
        writer.write_record(fields.iter().map(|f| neutralised(f)))?;
        Ok(())
    }

    pub(super) fn json_row(
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

    /// Owner-only: the rows carry ID numbers and names.
    fn create(&self) -> anyhow::Result<File> {
        app::infra::create_private(&self.path)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", self.path.display()))
    }

    pub(super) fn finish(&mut self) -> anyhow::Result<()> {
        if let Some(writer) = self.csv.as_mut() {
            writer.flush()?;
        }
        if let Some(writer) = self.jsonl.as_mut() {
            writer.flush()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::neutralised;

    #[test]
    fn formula_cells_are_neutralised() {
        for (cell, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("张三", "张三"),
            ("2023-06-30", "2023-06-30"),
            ("", ""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(
                neutralised(cell.as_bytes()).as_ref(),
                written.as_bytes(),
                "{cell:?}"
            );
        }
    }
}
