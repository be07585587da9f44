//! The columns of an import file and the names a CSV header or JSON key may give them
//! (English, Chinese or an alias); `map_header` checks a CSV header and finds each column.

use std::borrow::Cow;

/// A column of an import file. CSV headers and JSON keys may use the English name or the
/// Chinese one (or a listed alias); `_`-prefixed columns are ignored (the rejects file adds
/// `_line`, `_column`, `_reason`, so it can be corrected and imported again).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    CertNumber,
    IdType,
    IdNumber,
    HolderName,
    Qualification,
    Level,
    Specialty,
    IssuedOn,
    Issuer,
    Electronic,
    Status,
    RevokedOn,
    RevokeReason,
}

pub const COLUMNS: usize = 13;

impl Column {
    pub const ALL: [Column; COLUMNS] = [
        Column::CertNumber,
        Column::IdType,
        Column::IdNumber,
        Column::HolderName,
        Column::Qualification,
        Column::Level,
        Column::Specialty,
        Column::IssuedOn,
        Column::Issuer,
        Column::Electronic,
        Column::Status,
        Column::RevokedOn,
        Column::RevokeReason,
    ];

    /// The English column name (what `gen-import` writes and the README documents).
    pub fn name(self) -> &'static str {
        self.names()[0]
    }

    /// The Chinese column name.
    pub fn zh(self) -> &'static str {
        self.names()[1]
    }

    /// Every accepted spelling: English, Chinese, then aliases.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Column::CertNumber => &["cert_number", "管理号", "number", "certificate_number"],
            Column::IdType => &["id_type", "证件类型"],
            Column::IdNumber => &["id_number", "证件号码"],
            Column::HolderName => &["holder_name", "姓名", "name"],
            Column::Qualification => &["qualification", "资格名称"],
            Column::Level => &["level", "级别"],
            Column::Specialty => &["specialty", "专业"],
            Column::IssuedOn => &["issued_on", "签发日期", "issue_date"],
            Column::Issuer => &["issuer", "发证机构"],
            Column::Electronic => &["electronic", "电子证书"],
            Column::Status => &["status", "证书状态"],
            Column::RevokedOn => &["revoked_on", "撤销日期", "revoked_date"],
            Column::RevokeReason => &["revoke_reason", "撤销原因"],
        }
    }

    /// Columns a file must have; the others default (empty, `no`, `valid`).
    pub fn required(self) -> bool {
        matches!(
            self,
            Column::CertNumber
                | Column::IdType
                | Column::IdNumber
                | Column::HolderName
                | Column::Qualification
                | Column::IssuedOn
                | Column::Issuer
        )
    }

    pub fn from_name(name: &str) -> Option<Column> {
        let name = name
            .trim()
            .trim_start_matches('\u{feff}')
            .to_ascii_lowercase();
        Column::ALL
            .into_iter()
            .find(|c| c.names().contains(&name.as_str()))
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// The raw values of one row, by [`Column::index`]; `None` when the file has no such column.
pub type RawRow<'a> = [Option<Cow<'a, str>>; COLUMNS];

/// Maps the header to columns; refuses a file without a required column, with an unknown
/// column (a misspelt `status` must not import revoked certificates as valid) or with a
/// column twice.
pub(super) fn map_header(
    header: &[String],
) -> anyhow::Result<([Option<usize>; COLUMNS], [String; COLUMNS])> {
    let mut index = [None; COLUMNS];
    let mut names: [String; COLUMNS] = Column::ALL.map(|c| c.name().to_string());
    let mut unknown = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let trimmed = name.trim().trim_start_matches('\u{feff}');
        if trimmed.starts_with('_') {
            continue;
        }
        match Column::from_name(trimmed) {
            Some(col) if index[col.index()].is_some() => {
                anyhow::bail!("the header names the column {} twice", col.name())
            }
            Some(col) => {
                index[col.index()] = Some(i);
                names[col.index()] = trimmed.to_string();
            }
            None => unknown.push(trimmed.to_string()),
        }
    }
    if !unknown.is_empty() {
        anyhow::bail!(
            "the header has unknown columns: {} (known: {}; prefix a column with _ to have it ignored)",
            unknown.join(", "),
            Column::ALL.map(|c| c.name()).join(", ")
        );
    }
    let missing: Vec<String> = Column::ALL
        .into_iter()
        .filter(|c| c.required() && index[c.index()].is_none())
        .map(|c| format!("{} ({})", c.name(), c.zh()))
        .collect();
    if !missing.is_empty() {
        anyhow::bail!(
            "the header lacks required columns: {}; nothing was imported",
            missing.join(", ")
        );
    }
    Ok((index, names))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_english_chinese_and_aliases() {
        assert_eq!(Column::from_name("管理号"), Some(Column::CertNumber));
        assert_eq!(
            Column::from_name("\u{feff}cert_number"),
            Some(Column::CertNumber)
        );
        assert_eq!(Column::from_name(" Holder_Name "), Some(Column::HolderName));
        assert_eq!(Column::from_name("姓名"), Some(Column::HolderName));
        assert_eq!(Column::from_name("colour"), None);
    }

    #[test]
    fn headers_must_be_complete_and_known() {
        let header = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let full = header(&[
            "管理号",
            "证件类型",
            "证件号码",
            "姓名",
            "资格名称",
            "签发日期",
            "发证机构",
            "_note",
        ]);
        let (index, names) = map_header(&full).unwrap();
        assert_eq!(index[Column::IdNumber.index()], Some(2));
        assert_eq!(names[Column::HolderName.index()], "姓名");
        let err = map_header(&header(&["cert_number", "id_type"])).unwrap_err();
        assert!(err.to_string().contains("id_number (证件号码)"), "{err}");
        let mut typo = full.clone();
        typo.push("statuss".into());
        assert!(map_header(&typo)
            .unwrap_err()
            .to_string()
            .contains("statuss"));
    }
}
