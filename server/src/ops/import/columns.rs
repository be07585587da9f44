//! The columns of an import file and the validation of one row, with the same domain types
//! the web application uses ([`IdType`], [`IdNumber`], [`HolderName`]). Each problem names
//! its column and says what is wrong, in Chinese or English.

use app::domain::identity::Ymd;
use app::domain::{CertificateRecord, CertificateStatus};
use app::domain::{HolderName, IdNumber, IdType};
use app::i18n::{Lang, Msg};
use std::borrow::Cow;
use time::{Date, Month};

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

/// Longest certificate number accepted, in characters.
pub const MAX_NUMBER_CHARS: usize = 64;
/// Longest qualification, level, specialty or issuer, in characters.
pub const MAX_TEXT_CHARS: usize = 100;
/// Longest revocation reason, in characters.
pub const MAX_REASON_CHARS: usize = 200;
/// No certificate of this system predates this day.
pub const EARLIEST_DATE: Date = time::macros::date!(1950 - 01 - 01);

/// What is wrong with a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A domain rule of the web application, with its message.
    Domain(Msg),
    Missing,
    TooLong(usize),
    ControlChars,
    Whitespace,
    UnknownIdType,
    BadDate,
    DateInFuture,
    DateTooEarly,
    BadYesNo,
    BadStatus,
    RevokedWithoutDate,
    RevokedBeforeIssued,
    RevocationOnValid,
    /// The same certificate number on an earlier line of the file.
    Duplicate(u64),
    NotUtf8,
    /// The row has `got` fields where the header has `want`.
    FieldCount {
        got: usize,
        want: usize,
    },
    BadJson(String),
    NotAnObject,
    NotAString,
    UnknownColumn(String),
}

impl Problem {
    pub fn text(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Problem::Domain(msg) => msg.text(lang).to_string(),
            Problem::Missing => pick(zh, "缺少必填值", "a value is required"),
            Problem::TooLong(max) => {
                if zh {
                    format!("超过 {max} 个字符")
                } else {
                    format!("longer than {max} characters")
                }
            }
            Problem::ControlChars => pick(zh, "含有控制字符", "contains control characters"),
            Problem::Whitespace => pick(zh, "不能含有空格", "must not contain spaces"),
            Problem::UnknownIdType => pick(
                zh,
                "证件类型无效（可用：resident 居民身份证、hkmo 港澳居民来往内地通行证、tw 台湾居民来往大陆通行证、passport 护照、foreign 外国人永久居留身份证）",
                "unknown ID type (use resident, hkmo, tw, passport, foreign or the Chinese name)",
            ),
            Problem::BadDate => pick(
                zh,
                "不是 YYYY-MM-DD 格式的有效日期",
                "not a real date in the form YYYY-MM-DD",
            ),
            Problem::DateInFuture => pick(zh, "日期晚于今天", "the date is in the future"),
            Problem::DateTooEarly => pick(zh, "日期早于 1950-01-01", "the date is before 1950-01-01"),
            Problem::BadYesNo => pick(
                zh,
                "应为 是/否（yes/no、true/false、1/0）",
                "expected yes or no (also true/false, 1/0, 是/否)",
            ),
            Problem::BadStatus => pick(
                zh,
                "证书状态应为 有效（valid）或 已撤销（revoked）",
                "status must be valid (有效) or revoked (已撤销)",
            ),
            Problem::RevokedWithoutDate => pick(
                zh,
                "已撤销的证书须填写撤销日期",
                "a revoked certificate needs its revocation date",
            ),
            Problem::RevokedBeforeIssued => pick(
                zh,
                "撤销日期早于签发日期",
                "the revocation date is before the issue date",
            ),
            Problem::RevocationOnValid => pick(
                zh,
                "证书状态为有效，却填写了撤销日期或撤销原因",
                "revocation date or reason given for a valid certificate",
            ),
            Problem::Duplicate(line) => {
                if zh {
                    format!("管理号与第 {line} 行重复（同一文件中只导入第一次出现的行）")
                } else {
                    format!("same certificate number as line {line} (only the first occurrence in a file is imported)")
                }
            }
            Problem::NotUtf8 => pick(
                zh,
                "不是 UTF-8 编码（GBK 文件请先转换：iconv -f GBK -t UTF-8）",
                "not UTF-8 (convert a GBK file first: iconv -f GBK -t UTF-8)",
            ),
            Problem::FieldCount { got, want } => {
                if zh {
                    format!("该行有 {got} 个字段，表头有 {want} 列")
                } else {
                    format!("the row has {got} fields, the header {want} columns")
                }
            }
            Problem::BadJson(err) => {
                if zh {
                    format!("不是有效的 JSON：{err}")
                } else {
                    format!("not valid JSON: {err}")
                }
            }
            Problem::NotAnObject => pick(zh, "每行应为一个 JSON 对象", "each line must be a JSON object"),
            Problem::NotAString => pick(
                zh,
                "值应为字符串",
                "the value must be a string",
            ),
            Problem::UnknownColumn(name) => {
                if zh {
                    format!("未知的列 {name}")
                } else {
                    format!("unknown column {name}")
                }
            }
        }
    }
}

fn pick(zh: bool, zh_text: &str, en_text: &str) -> String {
    if zh { zh_text } else { en_text }.to_string()
}

/// The raw values of one row, by [`Column::index`]; `None` when the file has no such column.
pub type RawRow<'a> = [Option<Cow<'a, str>>; COLUMNS];

/// A column with its problem.
pub type RowProblems = Vec<(Column, Problem)>;

/// Parses `YYYY-MM-DD` strictly (a real calendar day).
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r.clone()]
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| s[r].parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    Date::from_calendar_date(y as i32, Month::try_from(m as u8).ok()?, d as u8).ok()
}

fn date_in_range(s: &str, today: Date) -> Result<Date, Problem> {
    let date = parse_date(s).ok_or(Problem::BadDate)?;
    if date > today {
        return Err(Problem::DateInFuture);
    }
    if date < EARLIEST_DATE {
        return Err(Problem::DateTooEarly);
    }
    Ok(date)
}

/// A free-text column: trimmed, no control characters, at most `max` characters.
fn text(value: Option<&str>, required: bool, max: usize) -> Result<String, Problem> {
    let value = value.unwrap_or("").trim();
    if value.is_empty() && required {
        return Err(Problem::Missing);
    }
    if value.chars().any(char::is_control) {
        return Err(Problem::ControlChars);
    }
    if value.chars().count() > max {
        return Err(Problem::TooLong(max));
    }
    Ok(value.to_string())
}

fn yes_no(value: &str) -> Result<bool, Problem> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "no" | "n" | "false" | "0" | "否" => Ok(false),
        "yes" | "y" | "true" | "1" | "是" => Ok(true),
        _ => Err(Problem::BadYesNo),
    }
}

/// The certificate number: trimmed, no inner spaces or control characters, at most 64
/// characters. Checked first so that duplicates can be found even in otherwise bad rows.
pub fn cert_number(raw: &RawRow<'_>) -> Result<String, Problem> {
    let value = raw[Column::CertNumber.index()]
        .as_deref()
        .unwrap_or("")
        .trim();
    if value.is_empty() {
        return Err(Problem::Missing);
    }
    if value.chars().any(char::is_control) {
        return Err(Problem::ControlChars);
    }
    if value.chars().any(char::is_whitespace) {
        return Err(Problem::Whitespace);
    }
    if value.chars().count() > MAX_NUMBER_CHARS {
        return Err(Problem::TooLong(MAX_NUMBER_CHARS));
    }
    Ok(value.to_string())
}

/// Keeps the value, or records the problem of `col`.
fn keep<T>(problems: &mut RowProblems, col: Column, result: Result<T, Problem>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(p) => {
            problems.push((col, p));
            None
        }
    }
}

/// Validates the rest of a row whose number is `number`, collecting every problem.
pub fn validate(
    raw: &RawRow<'_>,
    number: Result<String, Problem>,
    today: Date,
) -> Result<CertificateRecord, RowProblems> {
    let get = |c: Column| raw[c.index()].as_deref();
    let mut problems: RowProblems = Vec::new();
    let p = &mut problems;
    let number = keep(p, Column::CertNumber, number);

    let ymd: Ymd = (today.year(), today.month() as u8, today.day());
    let id_type = match get(Column::IdType).map(str::trim).unwrap_or("") {
        "" => Err(Problem::Missing),
        s => IdType::parse(s).map_err(|_| Problem::UnknownIdType),
    };
    let holder_id = match keep(p, Column::IdType, id_type) {
        Some(t) => {
            let parsed = IdNumber::parse(t, get(Column::IdNumber).unwrap_or(""), ymd);
            keep(p, Column::IdNumber, parsed.map_err(Problem::Domain))
        }
        None => None,
    };
    let name = HolderName::parse(get(Column::HolderName).unwrap_or("")).map_err(Problem::Domain);
    let holder_name = keep(p, Column::HolderName, name);
    let field = |p: &mut RowProblems, col: Column, required: bool, max: usize| {
        keep(p, col, text(get(col), required, max))
    };
    let qualification = field(p, Column::Qualification, true, MAX_TEXT_CHARS);
    let level = field(p, Column::Level, false, MAX_TEXT_CHARS);
    let specialty = field(p, Column::Specialty, false, MAX_TEXT_CHARS);
    let issuer = field(p, Column::Issuer, true, MAX_TEXT_CHARS);
    let reason = field(p, Column::RevokeReason, false, MAX_REASON_CHARS);
    let issued_on = match get(Column::IssuedOn).map(str::trim).unwrap_or("") {
        "" => Err(Problem::Missing),
        s => date_in_range(s, today),
    };
    let issued_on = keep(p, Column::IssuedOn, issued_on);
    let electronic = keep(
        p,
        Column::Electronic,
        yes_no(get(Column::Electronic).unwrap_or("")),
    );
    let status_text = get(Column::Status)
        .map(str::trim)
        .unwrap_or("")
        .to_ascii_lowercase();
    let revoked = match status_text.as_str() {
        "" | "valid" | "有效" => Ok(false),
        "revoked" | "已撤销" | "撤销" => Ok(true),
        _ => Err(Problem::BadStatus),
    };
    let revoked = keep(p, Column::Status, revoked);
    let revoked_on_text = get(Column::RevokedOn).map(str::trim).unwrap_or("");
    let status = match revoked {
        Some(false) => {
            if !revoked_on_text.is_empty() {
                p.push((Column::RevokedOn, Problem::RevocationOnValid));
            } else if reason.as_deref().is_some_and(|r| !r.is_empty()) {
                p.push((Column::RevokeReason, Problem::RevocationOnValid));
            }
            Some(CertificateStatus::Valid)
        }
        Some(true) if revoked_on_text.is_empty() => {
            p.push((Column::RevokedOn, Problem::RevokedWithoutDate));
            None
        }
        Some(true) => match date_in_range(revoked_on_text, today) {
            Ok(on) if issued_on.is_some_and(|issued| on < issued) => {
                p.push((Column::RevokedOn, Problem::RevokedBeforeIssued));
                None
            }
            Ok(on) => Some(CertificateStatus::Revoked {
                on,
                reason: reason.clone().unwrap_or_default(),
            }),
            Err(e) => {
                p.push((Column::RevokedOn, e));
                None
            }
        },
        None => None,
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    match (
        number,
        holder_id,
        holder_name,
        qualification,
        level,
        specialty,
        issued_on,
        issuer,
        electronic,
        status,
    ) {
        (
            Some(number),
            Some(holder_id),
            Some(holder_name),
            Some(qualification),
            Some(level),
            Some(specialty),
            Some(issued_on),
            Some(issuer),
            Some(electronic),
            Some(status),
        ) => Ok(CertificateRecord {
            number,
            holder_id,
            holder_name,
            qualification,
            level,
            specialty,
            issued_on,
            issuer,
            electronic,
            status,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 26);

    fn row(values: &[(Column, &'static str)]) -> RawRow<'static> {
        let mut raw: RawRow<'static> = Default::default();
        for (c, v) in values {
            raw[c.index()] = Some(Cow::Borrowed(*v));
        }
        raw
    }

    fn good() -> Vec<(Column, &'static str)> {
        vec![
            (Column::CertNumber, "2023110100123456"),
            (Column::IdType, "居民身份证"),
            (Column::IdNumber, "11010519491231002X"),
            (Column::HolderName, "张𪚥"),
            (Column::Qualification, "卫生专业技术资格"),
            (Column::Level, "中级"),
            (Column::Specialty, "儿科学"),
            (Column::IssuedOn, "2023-06-30"),
            (Column::Issuer, "国家卫生健康委员会人才交流服务中心"),
            (Column::Electronic, "是"),
            (Column::Status, "有效"),
        ]
    }

    fn check(values: Vec<(Column, &'static str)>) -> Result<CertificateRecord, RowProblems> {
        let raw = row(&values);
        validate(&raw, cert_number(&raw), TODAY)
    }

    fn with(col: Column, value: &'static str) -> Vec<(Column, &'static str)> {
        let mut values = good();
        values.retain(|(c, _)| *c != col);
        values.push((col, value));
        values
    }

    fn problems(values: Vec<(Column, &'static str)>) -> RowProblems {
        check(values).expect_err("refused")
    }

    #[test]
    fn a_good_row_becomes_a_record() {
        let record = check(good()).unwrap();
        assert_eq!(record.holder_id.id_type(), IdType::ResidentIdCard);
        assert_eq!(record.holder_name.as_str(), "张𪚥");
        assert!(record.electronic);
        assert_eq!(record.status, CertificateStatus::Valid);
    }

    #[test]
    fn every_kind_of_mistake_names_its_column() {
        use Column as C;
        type Case = (Vec<(Column, &'static str)>, Column, Problem);
        let cases: Vec<Case> = vec![
            (
                with(C::IdNumber, "110105194912310021"),
                C::IdNumber,
                Problem::Domain(Msg::ResidentIdCheckChar),
            ),
            (with(C::IdType, "驾驶证"), C::IdType, Problem::UnknownIdType),
            (
                with(C::HolderName, " 张三"),
                C::HolderName,
                Problem::Domain(Msg::NameOuterSpaces),
            ),
            (
                with(C::IssuedOn, "2023-02-30"),
                C::IssuedOn,
                Problem::BadDate,
            ),
            (
                with(C::IssuedOn, "2023/06/30"),
                C::IssuedOn,
                Problem::BadDate,
            ),
            (
                with(C::IssuedOn, "2099-01-01"),
                C::IssuedOn,
                Problem::DateInFuture,
            ),
            (
                with(C::IssuedOn, "1900-01-01"),
                C::IssuedOn,
                Problem::DateTooEarly,
            ),
            (
                with(C::Electronic, "maybe"),
                C::Electronic,
                Problem::BadYesNo,
            ),
            (with(C::Status, "expired"), C::Status, Problem::BadStatus),
            (
                with(C::Status, "revoked"),
                C::RevokedOn,
                Problem::RevokedWithoutDate,
            ),
            (
                with(C::RevokedOn, "2024-01-01"),
                C::RevokedOn,
                Problem::RevocationOnValid,
            ),
            (
                with(C::CertNumber, "2023 1101"),
                C::CertNumber,
                Problem::Whitespace,
            ),
            (with(C::CertNumber, ""), C::CertNumber, Problem::Missing),
            (
                with(C::Qualification, ""),
                C::Qualification,
                Problem::Missing,
            ),
            (with(C::Issuer, "a\u{7}b"), C::Issuer, Problem::ControlChars),
        ];
        for (values, column, problem) in cases {
            let found = problems(values);
            assert!(
                found.contains(&(column, problem.clone())),
                "{column:?} {problem:?}: {found:?}"
            );
        }
    }

    #[test]
    fn revoked_rows_need_a_date_not_before_issue() {
        let mut values = with(Column::Status, "已撤销");
        values.push((Column::RevokedOn, "2020-01-01"));
        assert_eq!(
            problems(values),
            vec![(Column::RevokedOn, Problem::RevokedBeforeIssued)]
        );
        let mut values = with(Column::Status, "revoked");
        values.push((Column::RevokedOn, "2024-03-01"));
        values.push((Column::RevokeReason, "考试违纪"));
        let record = check(values).unwrap();
        assert_eq!(
            record.status,
            CertificateStatus::Revoked {
                on: date!(2024 - 03 - 01),
                reason: "考试违纪".into()
            }
        );
    }

    #[test]
    fn all_problems_of_a_row_are_reported() {
        let mut values = with(Column::IdNumber, "123");
        values.retain(|(c, _)| *c != Column::IssuedOn);
        values.push((Column::IssuedOn, "yesterday"));
        let found = problems(values);
        assert_eq!(found.len(), 2, "{found:?}");
    }

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
    fn texts_exist_in_both_languages() {
        for p in [Problem::Missing, Problem::Duplicate(3), Problem::BadDate] {
            assert!(!p.text(Lang::Zh).is_empty() && !p.text(Lang::En).is_empty());
            assert_ne!(p.text(Lang::Zh), p.text(Lang::En));
        }
    }
}
