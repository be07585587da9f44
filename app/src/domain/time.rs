//! Instants and China time. Instants are stored as milliseconds; the dates the rules count in
//! (application day, validity end) are calendar days in China, which has no daylight saving.

use time::{OffsetDateTime, UtcOffset};

/// Milliseconds since the Unix epoch, UTC. Both backends store instants as this integer, which
/// keeps the SQL identical and the ordering exact.
pub type Millis = i64;

/// China Standard Time.
pub const CHINA_OFFSET: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("valid offset"),
};

/// An instant as a date-time in UTC.
pub fn datetime(ms: Millis) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `YYYY-MM-DD HH:MM` in China time, for showing instants to users.
pub fn china_minute(ms: Millis) -> String {
    let t = datetime(ms).to_offset(CHINA_OFFSET);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// A date (`2026-11-30`) or a date and time (`2026-11-30 14:05`) as the product formats them,
/// written for a reader of `lang`: Chinese text says 2026年11月30日 (14:05), as every Chinese
/// document does; English keeps the unambiguous ISO form. Anything else is returned as it is,
/// so a text argument that merely looks like a date is never mangled.
pub fn written_for(text: &str, lang: crate::i18n::Lang) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    if lang == crate::i18n::Lang::En {
        return Cow::Borrowed(text);
    }
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let is_date = b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10);
    let time = match b.len() {
        10 => "",
        16 if b[10] == b' ' && digits(11..13) && b[13] == b':' && digits(14..16) => &text[10..],
        _ => return Cow::Borrowed(text),
    };
    if !is_date {
        return Cow::Borrowed(text);
    }
    let number = |r: std::ops::Range<usize>| text[r].trim_start_matches('0').to_string();
    Cow::Owned(format!(
        "{}年{}月{}日{time}",
        &text[0..4],
        number(5..7),
        number(8..10)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn chinese_text_writes_dates_with_year_month_day() {
        assert_eq!(written_for("2026-11-30", Lang::Zh), "2026年11月30日");
        assert_eq!(
            written_for("2026-01-05 08:07", Lang::Zh),
            "2026年1月5日 08:07"
        );
        assert_eq!(
            written_for("2026-01-05 08:07", Lang::En),
            "2026-01-05 08:07"
        );
        for not_a_date in [
            "",
            "B-0010",
            "2026-1-5",
            "2026-11-30T14:05",
            "２０２６-11-30",
            "abcd-ef-gh",
        ] {
            assert_eq!(written_for(not_a_date, Lang::Zh), not_a_date);
        }
    }

    #[test]
    fn china_minute_is_the_form_written_for_reads() {
        // 2026-11-30 06:05 UTC is 14:05 in China.
        assert_eq!(china_minute(1_796_018_700_000), "2026-11-30 14:05");
    }
}
