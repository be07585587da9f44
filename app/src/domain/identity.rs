//! ID documents: the type of document and its number, parsed so that an invalid number cannot
//! exist as an [`IdNumber`]. Each kind of mistake has its own message, because "the check
//! character is wrong" helps a holder and "invalid format" does not.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The kinds of ID document a certificate can be issued against (docs/domain.md, "ID documents").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum IdType {
    /// 居民身份证
    ResidentIdCard,
    /// 港澳居民来往内地通行证
    HkMacaoPermit,
    /// 台湾居民来往大陆通行证
    TaiwanPermit,
    /// 护照
    Passport,
    /// 外国人永久居留身份证
    ForeignPermanentResident,
}

impl IdType {
    pub const ALL: [IdType; 5] = [
        IdType::ResidentIdCard,
        IdType::HkMacaoPermit,
        IdType::TaiwanPermit,
        IdType::Passport,
        IdType::ForeignPermanentResident,
    ];

    /// The stable code stored in the database, CSV files and form values.
    pub fn code(self) -> &'static str {
        match self {
            IdType::ResidentIdCard => "resident",
            IdType::HkMacaoPermit => "hkmo",
            IdType::TaiwanPermit => "tw",
            IdType::Passport => "passport",
            IdType::ForeignPermanentResident => "foreign",
        }
    }

    pub fn from_code(code: &str) -> Option<IdType> {
        IdType::ALL.into_iter().find(|t| t.code() == code)
    }

    /// Also accepts the Chinese names, as legacy import files use them.
    pub fn parse(input: &str) -> Result<IdType, Msg> {
        let input = input.trim();
        if input.is_empty() {
            return Err(Msg::IdTypeMissing);
        }
        IdType::from_code(input)
            .or_else(|| {
                IdType::ALL
                    .into_iter()
                    .find(|t| t.label().text(crate::i18n::Lang::Zh) == input)
            })
            .ok_or(Msg::IdTypeUnknown)
    }

    pub fn label(self) -> Msg {
        match self {
            IdType::ResidentIdCard => Msg::IdTypeResident,
            IdType::HkMacaoPermit => Msg::IdTypeHkMo,
            IdType::TaiwanPermit => Msg::IdTypeTw,
            IdType::Passport => Msg::IdTypePassport,
            IdType::ForeignPermanentResident => Msg::IdTypeForeign,
        }
    }

    /// What a number of this type looks like, shown under the field.
    pub fn hint(self) -> Msg {
        match self {
            IdType::ResidentIdCard => Msg::IdHintResident,
            IdType::HkMacaoPermit => Msg::IdHintHkMo,
            IdType::TaiwanPermit => Msg::IdHintTw,
            IdType::Passport => Msg::IdHintPassport,
            IdType::ForeignPermanentResident => Msg::IdHintForeign,
        }
    }
}

/// A validated ID number, in canonical form (upper case, no spaces). It deserialises through
/// [`IdNumber::parse`] and serialises as `{ "id_type": …, "value": … }`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawIdNumber", into = "RawIdNumber")]
pub struct IdNumber {
    id_type: IdType,
    value: String,
}

/// The serialised form of an [`IdNumber`], before parsing.
#[derive(Serialize, Deserialize)]
struct RawIdNumber {
    id_type: IdType,
    value: String,
}

/// The latest day for the birth-date check of a deserialised number. Deserialisation has no
/// clock, so it checks everything but "not born in the future"; forms parse with today's date.
const NO_CLOCK_TODAY: Ymd = (9999, 12, 31);

impl TryFrom<RawIdNumber> for IdNumber {
    type Error = crate::i18n::Msg;

    fn try_from(raw: RawIdNumber) -> Result<IdNumber, Msg> {
        IdNumber::parse(raw.id_type, &raw.value, NO_CLOCK_TODAY)
    }
}

impl From<IdNumber> for RawIdNumber {
    fn from(number: IdNumber) -> RawIdNumber {
        RawIdNumber {
            id_type: number.id_type,
            value: number.value,
        }
    }
}

/// Province-level codes of GB/T 2260 that begin a resident ID number.
const PROVINCE_CODES: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

/// ISO 7064 MOD 11-2 check character over the first 17 digits (GB 11643).
pub fn mod11_2_check(digits17: &[u8]) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let sum: u32 = digits17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize] as char
}

/// Today's date as (year, month, day), needed to refuse birth dates in the future.
pub type Ymd = (i32, u8, u8);

fn is_real_date(y: i32, m: u8, d: u8) -> bool {
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

fn digits(s: &str) -> Option<u32> {
    s.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| s.parse().ok())
        .flatten()
}

impl IdNumber {
    /// Parses `input` as a number of `id_type`, given today's date.
    pub fn parse(id_type: IdType, input: &str, today: Ymd) -> Result<IdNumber, Msg> {
        if input.is_empty() {
            return Err(Msg::IdNumberMissing);
        }
        if input.chars().any(char::is_whitespace) {
            return Err(Msg::IdNumberHasSpaces);
        }
        if input.chars().count() > 32 {
            return Err(Msg::IdNumberTooLong);
        }
        let mut value = input.to_ascii_uppercase();
        if !value.is_ascii() {
            return Err(Msg::IdNumberNotAscii);
        }
        match id_type {
            IdType::ResidentIdCard if value.len() == 15 => {
                value = Self::upgrade_first_generation(&value)?;
            }
            IdType::ResidentIdCard => Self::check_resident(&value, today)?,
            IdType::HkMacaoPermit => Self::check_hkmo(&value)?,
            IdType::TaiwanPermit => Self::check_tw(&value)?,
            IdType::Passport => Self::check_passport(&value)?,
            IdType::ForeignPermanentResident => Self::check_foreign(&value)?,
        }
        Ok(IdNumber { id_type, value })
    }

    /// A first-generation (15-digit) resident ID number: the region code, the birth date as
    /// `YYMMDD` in the 1900s and a 3-digit sequence, with no check character. GB 11643-1999
    /// turns it into the 18-character number of the same person by writing the century in
    /// full and appending the check character; that number is what is stored and compared, so
    /// a certificate issued against the old card and a holder registering with either card
    /// match (docs/domain.md, "ID documents").
    fn upgrade_first_generation(v: &str) -> Result<String, Msg> {
        if !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Msg::ResidentIdDigits);
        }
        Self::check_region(v)?;
        let (year, month, day) = (
            1900 + digits(&v[6..8]).unwrap_or(0) as i32,
            digits(&v[8..10]).unwrap_or(0) as u8,
            digits(&v[10..12]).unwrap_or(0) as u8,
        );
        if !is_real_date(year, month, day) {
            return Err(Msg::ResidentIdBirthDate);
        }
        let first17 = format!("{}19{}", &v[..6], &v[6..]);
        let check = mod11_2_check(first17.as_bytes());
        Ok(format!("{first17}{check}"))
    }

    /// The first six digits name a region: a province-level code followed by a city/county
    /// code, which may be `0000` only for the residence permits of Hong Kong (81), Macao (82)
    /// and Taiwan (83) residents, whose region codes are 810000, 820000 and 830000.
    fn check_region(v: &str) -> Result<(), Msg> {
        let bytes = v.as_bytes();
        let province = (bytes[0] - b'0') * 10 + (bytes[1] - b'0');
        let whole_province = &v[2..6] == "0000";
        if !PROVINCE_CODES.contains(&province) || (whole_province && !(81..=83).contains(&province))
        {
            return Err(Msg::ResidentIdRegion);
        }
        Ok(())
    }

    fn check_resident(v: &str, today: Ymd) -> Result<(), Msg> {
        if v.len() != 18 {
            return Err(Msg::ResidentIdLength);
        }
        let bytes = v.as_bytes();
        if !bytes[..17].iter().all(u8::is_ascii_digit) {
            return Err(Msg::ResidentIdDigits);
        }
        if !(bytes[17].is_ascii_digit() || bytes[17] == b'X') {
            return Err(Msg::ResidentIdLastChar);
        }
        Self::check_region(v)?;
        let (year, month, day) = (
            digits(&v[6..10]).unwrap_or(0) as i32,
            digits(&v[10..12]).unwrap_or(0) as u8,
            digits(&v[12..14]).unwrap_or(0) as u8,
        );
        if year < 1900 || !is_real_date(year, month, day) {
            return Err(Msg::ResidentIdBirthDate);
        }
        if (year, month, day) > today {
            return Err(Msg::ResidentIdBirthFuture);
        }
        if mod11_2_check(&bytes[..17]) != bytes[17] as char {
            return Err(Msg::ResidentIdCheckChar);
        }
        Ok(())
    }

    fn check_hkmo(v: &str) -> Result<(), Msg> {
        let rest = v.strip_prefix(['H', 'M']).ok_or(Msg::HkMoPrefix)?;
        if !(rest.len() == 8 || rest.len() == 10) || !rest.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Msg::HkMoShape);
        }
        Ok(())
    }

    fn check_tw(v: &str) -> Result<(), Msg> {
        if !(v.len() == 8 || v.len() == 10) || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Msg::TwShape);
        }
        Ok(())
    }

    fn check_passport(v: &str) -> Result<(), Msg> {
        if !(5..=17).contains(&v.len()) || !v.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Msg::PassportShape);
        }
        Ok(())
    }

    fn check_foreign(v: &str) -> Result<(), Msg> {
        let bytes = v.as_bytes();
        // 2017 card: ISO 3166 alpha-3 nationality followed by 12 digits.
        if v.len() == 15 {
            if bytes[..3].iter().all(u8::is_ascii_uppercase)
                && bytes[3..].iter().all(u8::is_ascii_digit)
            {
                return Ok(());
            }
            return Err(Msg::ForeignShape);
        }
        // 2023 card: 18 characters beginning with 9, same check character as resident cards.
        if v.len() == 18 && bytes[0] == b'9' {
            if !bytes[..17].iter().all(u8::is_ascii_digit)
                || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
            {
                return Err(Msg::ForeignShape);
            }
            if mod11_2_check(&bytes[..17]) != bytes[17] as char {
                return Err(Msg::ResidentIdCheckChar);
            }
            return Ok(());
        }
        Err(Msg::ForeignShape)
    }

    /// Rebuilds a number read back from storage, where it was validated on the way in.
    pub fn from_trusted(id_type: IdType, value: String) -> IdNumber {
        IdNumber { id_type, value }
    }

    pub fn id_type(&self) -> IdType {
        self.id_type
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The number with all but its first four and last four characters hidden, for display.
    pub fn masked(&self) -> String {
        mask_id_number(&self.value)
    }
}

/// Hides the middle of an ID number: `110105199003071234` → `1101**********1234`.
pub fn mask_id_number(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    if n <= 4 {
        return "*".repeat(n);
    }
    let keep = if n >= 12 { 4 } else { 2 };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < keep || i >= n - keep { *c } else { '*' })
        .collect()
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deserialising_parses() {
        let json = r#"{"id_type":"ResidentIdCard","value":"11010519491231002x"}"#;
        let number: IdNumber = serde_json::from_str(json).unwrap();
        assert_eq!(
            number.as_str(),
            "11010519491231002X",
            "canonical like parse"
        );
        let back = serde_json::to_string(&number).unwrap();
        assert_eq!(
            back,
            r#"{"id_type":"ResidentIdCard","value":"11010519491231002X"}"#
        );
        assert_eq!(serde_json::from_str::<IdNumber>(&back).unwrap(), number);
        for bad in [
            r#"{"id_type":"ResidentIdCard","value":"110105194912310021"}"#,
            r#"{"id_type":"ResidentIdCard","value":""}"#,
            r#"{"id_type":"Passport","value":"E1"}"#,
        ] {
            assert!(serde_json::from_str::<IdNumber>(bad).is_err(), "{bad}");
        }
    }
    use proptest::prelude::*;

    const TODAY: Ymd = (2026, 11, 26);

    fn resident(s: &str) -> Result<IdNumber, Msg> {
        IdNumber::parse(IdType::ResidentIdCard, s, TODAY)
    }

    /// Builds a valid resident number from 17 digits by computing the check character.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", mod11_2_check(first17.as_bytes()))
    }

    #[test]
    fn known_valid_numbers_pass() {
        // The GB 11643 worked example and a number ending in X.
        assert!(resident("11010519491231002X").is_ok());
        assert!(resident("440524198001010013").is_ok());
        assert_eq!(
            resident("11010519491231002x").unwrap().as_str(),
            "11010519491231002X",
            "lower-case x is accepted and stored upper-case"
        );
    }

    #[test]
    fn first_generation_numbers_become_the_eighteen_character_number() {
        // 110105 491231 002: born 1949-12-31, no check character.
        let old = resident("110105491231002").unwrap();
        let new = resident(&with_check("11010519491231002")).unwrap();
        assert_eq!(old, new, "both cards name the same person");
        assert_eq!(old.as_str().len(), 18);
        assert_eq!(resident("11010549123100X"), Err(Msg::ResidentIdDigits));
        assert_eq!(
            resident("110105490231002"),
            Err(Msg::ResidentIdBirthDate),
            "no 31 February"
        );
        assert_eq!(resident("990105491231002"), Err(Msg::ResidentIdRegion));
        assert_eq!(resident("110000491231002"), Err(Msg::ResidentIdRegion));
    }

    #[test]
    fn residence_permits_of_hong_kong_macao_and_taiwan_residents_parse() {
        for region in ["810000", "820000", "830000"] {
            let number = with_check(&format!("{region}19900101001"));
            assert!(resident(&number).is_ok(), "{number}");
        }
        // Elsewhere a whole province is not a region.
        assert_eq!(
            resident(&with_check("11000019900101001")),
            Err(Msg::ResidentIdRegion)
        );
    }

    #[test]
    fn each_mistake_has_its_own_message() {
        assert_eq!(resident(""), Err(Msg::IdNumberMissing));
        assert_eq!(resident("1101051949123100"), Err(Msg::ResidentIdLength));
        assert_eq!(resident("11010519491231002X1"), Err(Msg::ResidentIdLength));
        assert_eq!(resident("1101051949A231002X"), Err(Msg::ResidentIdDigits));
        assert_eq!(resident("11010519491231002Y"), Err(Msg::ResidentIdLastChar));
        assert_eq!(
            resident(&with_check("99010519491231002")),
            Err(Msg::ResidentIdRegion)
        );
        assert_eq!(
            resident(&with_check("11010519490231002")),
            Err(Msg::ResidentIdBirthDate)
        );
        assert_eq!(
            resident(&with_check("11010518991231002")),
            Err(Msg::ResidentIdBirthDate)
        );
        assert_eq!(
            resident(&with_check("11010520301231002")),
            Err(Msg::ResidentIdBirthFuture)
        );
        assert_eq!(
            resident("110105194912310021"),
            Err(Msg::ResidentIdCheckChar)
        );
        assert_eq!(resident("110105 19491231002X"), Err(Msg::IdNumberHasSpaces));
        assert_eq!(
            resident("１１０１０５１９４９１２３１００２X"),
            Err(Msg::IdNumberNotAscii)
        );
    }

    #[test]
    fn leap_days() {
        assert!(resident(&with_check("11010520000229002")).is_ok());
        assert_eq!(
            resident(&with_check("11010519000229002")),
            Err(Msg::ResidentIdBirthDate)
        );
    }

    #[test]
    fn other_document_shapes() {
        fn p(t: IdType, s: &str) -> Result<IdNumber, Msg> {
            IdNumber::parse(t, s, TODAY)
        }
        assert!(p(IdType::HkMacaoPermit, "H12345678").is_ok());
        assert!(p(IdType::HkMacaoPermit, "m1234567890").is_ok());
        assert_eq!(p(IdType::HkMacaoPermit, "X12345678"), Err(Msg::HkMoPrefix));
        assert_eq!(p(IdType::HkMacaoPermit, "H1234567"), Err(Msg::HkMoShape));
        assert!(p(IdType::TaiwanPermit, "12345678").is_ok());
        assert_eq!(p(IdType::TaiwanPermit, "1234567A"), Err(Msg::TwShape));
        assert!(p(IdType::Passport, "E12345678").is_ok());
        assert_eq!(p(IdType::Passport, "E12-45678"), Err(Msg::PassportShape));
        assert!(p(IdType::ForeignPermanentResident, "USA110012345678").is_ok());
        assert!(p(
            IdType::ForeignPermanentResident,
            &with_check("93184019900101001")
        )
        .is_ok());
        assert_eq!(
            p(IdType::ForeignPermanentResident, "931840199001010012"),
            Err(Msg::ResidentIdCheckChar)
        );
        assert_eq!(
            p(IdType::ForeignPermanentResident, "US110012345678"),
            Err(Msg::ForeignShape)
        );
    }

    #[test]
    fn masking_keeps_only_the_ends() {
        assert_eq!(mask_id_number("11010519491231002X"), "1101**********002X");
        assert_eq!(mask_id_number("H12345678"), "H1*****78");
        assert_eq!(mask_id_number("1234"), "****");
    }

    #[test]
    fn id_type_codes_round_trip() {
        for t in IdType::ALL {
            assert_eq!(IdType::from_code(t.code()), Some(t));
            assert_eq!(IdType::parse(t.code()), Ok(t));
        }
        assert_eq!(IdType::parse("居民身份证"), Ok(IdType::ResidentIdCard));
        assert_eq!(IdType::parse("driver"), Err(Msg::IdTypeUnknown));
    }

    proptest! {
        #[test]
        fn any_number_with_a_correct_check_char_and_real_birth_date_parses(
            seq in 0u32..1000, year in 1900i32..2026, month in 1u8..=12, day in 1u8..=28
        ) {
            let first17 = format!("110105{year:04}{month:02}{day:02}{seq:03}");
            prop_assert!(resident(&with_check(&first17)).is_ok());
        }

        #[test]
        fn changing_one_digit_is_always_caught(
            seq in 0u32..1000, pos in 0usize..17, delta in 1u8..10
        ) {
            let good = with_check(&format!("11010519800101{seq:03}"));
            let mut bytes = good.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let bad = String::from_utf8(bytes).unwrap();
            prop_assert!(resident(&bad).is_err());
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            for t in IdType::ALL {
                let _ = IdNumber::parse(t, &s, TODAY);
            }
        }
    }
}
