//! The values of one row: each column's value is parsed and checked with the same domain
//! types the web application uses ([`IdType`], [`IdNumber`], [`HolderName`]), and
//! [`validate`] turns a whole row into a [`CertificateRecord`] or the list of its problems.

use super::columns::{Column, RawRow};
use super::problems::{Problem, RowProblems};
use app::domain::identity::Ymd;
use app::domain::{CertificateRecord, CertificateStatus};
use app::domain::{HolderName, IdNumber, IdType};
use time::{Date, Month};

/// Longest qualification, level, specialty or issuer, in characters.
pub const MAX_TEXT_CHARS: usize = 100;
/// Longest revocation reason, in characters.
pub const MAX_REASON_CHARS: usize = 200;
/// No certificate of this system predates this day.
pub const EARLIEST_DATE: Date = time::macros::date!(1950 - 01 - 01);

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
    // The manual check parses with the same rule, so every imported number can be checked.
    let value = raw[Column::CertNumber.index()].as_deref().unwrap_or("");
    app::domain::CertificateNumber::parse(value)
        .map(String::from)
        .map_err(|m| match m {
            app::i18n::Msg::CertNumberMissing => Problem::Missing,
            app::i18n::Msg::CertNumberControlChars => Problem::ControlChars,
            app::i18n::Msg::CertNumberHasSpaces => Problem::Whitespace,
            _ => Problem::TooLong(app::domain::certificate::MAX_CERT_NUMBER_CHARS),
        })
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
    use app::i18n::Msg;
    use std::borrow::Cow;
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
}
