//! Example data shared by the tests: one certificate record with sensible defaults, changed
//! only where a test cares, so that a new field of `CertificateRecord` is added in one place.

use app::domain::{CertificateRecord, CertificateStatus, HolderName, IdNumber, IdType};
use time::macros::date;

/// The date ID numbers are checked against (a holder must be born before it).
const ID_CHECKED_ON: (i32, u8, u8) = (2026, 1, 1);

/// A valid resident ID number (passes the check digit) for test data.
pub const EXAMPLE_ID: &str = "11010519491231002X";

/// An electronic, valid pharmacist certificate issued on 2024-01-12 (after the e-certificate
/// cut-off); see [`CertificateRecordBuilder`] for what can be changed.
pub fn example_record() -> CertificateRecordBuilder {
    CertificateRecordBuilder {
        record: CertificateRecord {
            number: "2024000000000001".to_string(),
            holder_id: id_number(EXAMPLE_ID),
            holder_name: HolderName::parse("张𪚥").expect("example name"),
            qualification: "执业药师职业资格".into(),
            level: "执业药师".into(),
            specialty: "药学类".into(),
            issued_on: date!(2024 - 01 - 12),
            issuer: "国家药品监督管理局执业药师资格认证中心".into(),
            electronic: true,
            status: CertificateStatus::Valid,
        },
    }
}

/// A resident ID number, panicking on a typo in the test.
pub fn id_number(number: &str) -> IdNumber {
    IdNumber::parse(IdType::ResidentIdCard, number, ID_CHECKED_ON)
        .unwrap_or_else(|e| panic!("test ID number {number}: {e:?}"))
}

/// Builds a [`CertificateRecord`] from [`example_record`]'s defaults.
#[derive(Clone, Debug)]
pub struct CertificateRecordBuilder {
    record: CertificateRecord,
}

impl CertificateRecordBuilder {
    pub fn number(mut self, number: &str) -> Self {
        self.record.number = number.to_string();
        self
    }

    /// The holder's resident ID number.
    pub fn holder_id(mut self, id: &str) -> Self {
        self.record.holder_id = id_number(id);
        self
    }

    pub fn holder_name(mut self, name: &str) -> Self {
        self.record.holder_name =
            HolderName::parse(name).unwrap_or_else(|e| panic!("test holder name {name}: {e:?}"));
        self
    }

    /// The holder, both ID number and name.
    pub fn holder(self, id: &str, name: &str) -> Self {
        self.holder_id(id).holder_name(name)
    }

    pub fn issued_on(mut self, date: time::Date) -> Self {
        self.record.issued_on = date;
        self
    }

    pub fn electronic(mut self, electronic: bool) -> Self {
        self.record.electronic = electronic;
        self
    }

    pub fn status(mut self, status: CertificateStatus) -> Self {
        self.record.status = status;
        self
    }

    /// Revoked on `on` for `reason`.
    pub fn revoked(self, on: time::Date, reason: &str) -> Self {
        self.status(CertificateStatus::Revoked {
            on,
            reason: reason.into(),
        })
    }

    /// What the certificate attests: qualification, level and specialty.
    pub fn qualification(mut self, qualification: &str, level: &str, specialty: &str) -> Self {
        self.record.qualification = qualification.into();
        self.record.level = level.into();
        self.record.specialty = specialty.into();
        self
    }

    pub fn issuer(mut self, issuer: &str) -> Self {
        self.record.issuer = issuer.into();
        self
    }

    /// A mid-level health professional's certificate (the other kind the tests use), issued on
    /// 2023-06-30.
    pub fn health_professional(self) -> Self {
        self.qualification("卫生专业技术资格", "中级", "儿科学")
            .issuer("国家卫生健康委员会人才交流服务中心")
            .issued_on(date!(2023 - 06 - 30))
    }

    pub fn build(self) -> CertificateRecord {
        self.record
    }
}
