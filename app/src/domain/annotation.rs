//! Annotation (加注) rules: usage scenarios, the validity period, and the limit of three
//! annotations within 90 days per certificate. Pure functions of their inputs (the clock is
//! passed in), so the boundaries can be tested exactly.

use super::account::HolderId;
use super::certificate::CertificateId;
use super::time::Millis;
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

/// Where an annotated copy may be used (使用场景). Today only self use exists; the model
/// allows more.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scenario {
    /// 本人调用
    SelfUse,
}

impl Scenario {
    pub const ALL: [Scenario; 1] = [Scenario::SelfUse];

    pub fn code(self) -> &'static str {
        match self {
            Scenario::SelfUse => "self_use",
        }
    }

    pub fn parse(code: &str) -> Result<Scenario, Msg> {
        if code.is_empty() {
            return Err(Msg::ScenarioMissing);
        }
        Scenario::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or(Msg::ScenarioUnknown)
    }

    pub fn label(self) -> Msg {
        match self {
            Scenario::SelfUse => Msg::ScenarioSelfUse,
        }
    }
}

/// The longest validity an annotation may have, and the default the guide advises.
pub const MAX_VALIDITY_DAYS: u8 = 90;

/// An annotation's validity (加注有效期) in whole days, 1 to 90. It deserialises from the
/// number through [`ValidityDays::parse`] and serialises as the number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct ValidityDays(u8);

impl TryFrom<u8> for ValidityDays {
    type Error = Msg;

    fn try_from(days: u8) -> Result<ValidityDays, Msg> {
        ValidityDays::parse(&days.to_string())
    }
}

impl From<ValidityDays> for u8 {
    fn from(days: ValidityDays) -> u8 {
        days.0
    }
}

impl ValidityDays {
    pub fn parse(input: &str) -> Result<ValidityDays, Msg> {
        let input = input.trim();
        if input.is_empty() {
            return Err(Msg::ValidityMissing);
        }
        if !input.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Msg::ValidityNotWholeDays);
        }
        match input.parse::<u32>() {
            Ok(days) if (1..=u32::from(MAX_VALIDITY_DAYS)).contains(&days) => {
                Ok(ValidityDays(days as u8))
            }
            _ => Err(Msg::ValidityOutOfRange),
        }
    }

    pub fn from_trusted(days: i64) -> ValidityDays {
        ValidityDays(days.clamp(1, i64::from(MAX_VALIDITY_DAYS)) as u8)
    }

    pub fn days(self) -> i64 {
        i64::from(self.0)
    }

    /// The end of a validity that starts at `produced_at` (milliseconds): exactly this many
    /// days later. The copy is valid while `now < end`.
    pub fn end_from(self, produced_at: i64) -> i64 {
        produced_at + self.days() * 86_400_000
    }
}

/// At most this many annotations per certificate…
pub const MAX_IN_WINDOW: usize = 3;
/// …whose application day lies within this many days (the day itself included).
pub const WINDOW_DAYS: i64 = 90;

/// The annotation limit for one certificate on `today`, given the application days of its
/// annotations that count (all but failed ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quota {
    /// Another application is allowed; `remaining` counts it too.
    Open { remaining: usize },
    /// The limit is reached; the first day a new application is possible.
    Reached { next_possible: Date },
}

/// An application on day `A` occupies days `A` to `A + 89`. On `today`, the applications
/// from `today - 89` onwards are in the window; when three are, the next one is possible on
/// the day the third most recent of them leaves it.
pub fn quota(applied_on: &[Date], today: Date) -> Quota {
    let window_start = today - Duration::days(WINDOW_DAYS - 1);
    let mut in_window: Vec<Date> = applied_on
        .iter()
        .copied()
        .filter(|d| *d >= window_start && *d <= today)
        .collect();
    if in_window.len() < MAX_IN_WINDOW {
        return Quota::Open {
            remaining: MAX_IN_WINDOW - in_window.len(),
        };
    }
    in_window.sort_unstable_by(|a, b| b.cmp(a));
    let leaving = in_window[MAX_IN_WINDOW - 1];
    Quota::Reached {
        next_possible: leaving + Duration::days(WINDOW_DAYS),
    }
}

/// The limit on `today` given the state and application day of each of the certificate's
/// annotations. This is the one place that says which annotations count: all but failed ones
/// (a failed production lets the holder apply again). The download page and the locked
/// application transaction in storage (`apply_annotation`) both decide through it.
pub fn quota_of(
    annotations: impl IntoIterator<Item = (AnnotationState, Date)>,
    today: Date,
) -> Quota {
    let counted: Vec<Date> = annotations
        .into_iter()
        .filter(|(state, _)| *state != AnnotationState::Failed)
        .map(|(_, day)| day)
        .collect();
    quota(&counted, today)
}

/// Whether a copy valid until `valid_until` (exclusive) may still be used at `now`.
pub fn is_current(valid_until: i64, now: i64) -> bool {
    now < valid_until
}

// ---- annotations as stored ----

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AnnotationId(pub i64);

/// Where an annotation is in its life. Expiry is not a state: it follows from the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnnotationState {
    /// Applied for, waiting for (or in) production: 证书生成中.
    Queued,
    /// Produced and signed; valid from `valid_from` until `valid_until`.
    Ready,
    /// Production failed repeatedly; the holder may apply again.
    Failed,
}

impl AnnotationState {
    pub fn code(self) -> &'static str {
        match self {
            AnnotationState::Queued => "queued",
            AnnotationState::Ready => "ready",
            AnnotationState::Failed => "failed",
        }
    }
}

/// An application for an annotation.
#[derive(Clone, Debug)]
pub struct NewAnnotation {
    /// Opaque code for the verification URL and the signed PDF.
    pub code: String,
    /// 加注编号, printed on the copy.
    pub number: String,
    pub certificate: CertificateId,
    pub holder: HolderId,
    pub scenario: Scenario,
    pub validity: ValidityDays,
    pub applied_at: Millis,
    /// The application day in China, which the 3-in-90-days rule counts.
    pub applied_on: Date,
}

/// An annotation as stored (without its PDF bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    pub id: AnnotationId,
    pub code: String,
    pub number: String,
    pub certificate: CertificateId,
    pub holder: HolderId,
    pub scenario: Scenario,
    pub validity: ValidityDays,
    pub applied_at: Millis,
    pub applied_on: Date,
    pub state: AnnotationState,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub produced_at: Option<Millis>,
    pub valid_from: Option<Millis>,
    pub valid_until: Option<Millis>,
    pub pdf_sha256: Option<String>,
    pub key_fingerprint: Option<String>,
    pub produced_by: Option<String>,
    /// When its holder cancelled (作废) the copy early; it then verifies as cancelled.
    pub cancelled_at: Option<Millis>,
}

/// What applying did: the annotation is queued, or the 3-in-90-days limit refused it.
#[derive(Clone, Debug)]
pub enum ApplyOutcome {
    Applied(Box<Annotation>),
    QuotaReached { next_possible: Date },
}

/// A produced, signed copy to store.
#[derive(Clone, Debug)]
pub struct ProducedAnnotation {
    pub pdf: Vec<u8>,
    pub pdf_sha256: String,
    pub key_fingerprint: String,
    pub produced_at: Millis,
    pub valid_from: Millis,
    pub valid_until: Millis,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn validity_deserialises_through_parse() {
        let days: ValidityDays = serde_json::from_str("90").unwrap();
        assert_eq!(days.days(), 90);
        assert_eq!(serde_json::to_string(&days).unwrap(), "90");
        assert_eq!(serde_json::from_str::<ValidityDays>("1").unwrap().days(), 1);
        for bad in ["0", "91", "255", "-1", "\"30\""] {
            assert!(serde_json::from_str::<ValidityDays>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn validity_is_whole_days_from_one_to_ninety() {
        assert_eq!(ValidityDays::parse("90").unwrap().days(), 90);
        assert_eq!(ValidityDays::parse("1").unwrap().days(), 1);
        assert_eq!(ValidityDays::parse(" 30 ").unwrap().days(), 30);
        assert_eq!(ValidityDays::parse(""), Err(Msg::ValidityMissing));
        assert_eq!(ValidityDays::parse("0"), Err(Msg::ValidityOutOfRange));
        assert_eq!(ValidityDays::parse("91"), Err(Msg::ValidityOutOfRange));
        assert_eq!(
            ValidityDays::parse("99999999999"),
            Err(Msg::ValidityOutOfRange)
        );
        assert_eq!(ValidityDays::parse("1.5"), Err(Msg::ValidityNotWholeDays));
        assert_eq!(ValidityDays::parse("-3"), Err(Msg::ValidityNotWholeDays));
    }

    #[test]
    fn validity_ends_exactly_n_days_after_production() {
        let produced = 1_800_000_000_000;
        let end = ValidityDays::parse("90").unwrap().end_from(produced);
        assert_eq!(end - produced, 90 * 86_400_000);
        assert!(is_current(end, end - 1));
        assert!(!is_current(end, end), "expired at the boundary itself");
    }

    #[test]
    fn three_applications_within_ninety_days_close_the_window() {
        let today = date!(2026 - 11 - 26);
        assert_eq!(quota(&[], today), Quota::Open { remaining: 3 });
        let two = [date!(2026 - 11 - 01), date!(2026 - 11 - 20)];
        assert_eq!(quota(&two, today), Quota::Open { remaining: 1 });
        let three = [
            date!(2026 - 09 - 01),
            date!(2026 - 11 - 01),
            date!(2026 - 11 - 20),
        ];
        assert_eq!(
            quota(&three, today),
            Quota::Reached {
                next_possible: date!(2026 - 11 - 30)
            },
            "2026-09-01 + 90 days"
        );
    }

    #[test]
    fn the_window_boundary_is_exact() {
        let first = date!(2026 - 09 - 01);
        let three = [first, first, first];
        // Day 90 counted from the application day is still in the window…
        assert!(matches!(
            quota(&three, first + Duration::days(89)),
            Quota::Reached { .. }
        ));
        // …the next day it is not.
        assert_eq!(
            quota(&three, first + Duration::days(90)),
            Quota::Open { remaining: 3 }
        );
    }

    #[test]
    fn the_next_date_is_when_the_third_most_recent_leaves() {
        let today = date!(2026 - 12 - 31);
        let apps = [
            date!(2026 - 10 - 10),
            date!(2026 - 10 - 12),
            date!(2026 - 12 - 01),
            date!(2026 - 12 - 02),
        ];
        assert_eq!(
            quota(&apps, today),
            Quota::Reached {
                next_possible: date!(2027 - 01 - 10)
            }
        );
    }

    #[test]
    fn scenarios_round_trip() {
        assert_eq!(Scenario::parse("self_use"), Ok(Scenario::SelfUse));
        assert_eq!(Scenario::parse(""), Err(Msg::ScenarioMissing));
        assert_eq!(Scenario::parse("employer"), Err(Msg::ScenarioUnknown));
    }
}
