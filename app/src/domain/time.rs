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
