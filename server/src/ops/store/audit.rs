//! The audit lines of the operator's writes; their `detail` is JSON built with `serde_json`.

use super::{ImportContext, ImportRow};
use app::domain::{AuditEntry, CertificateRecord, CertificateStatus, FileMeta, Millis};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The fields of a record by column name, as the import files and the audit log name them.
pub fn record_fields(record: &CertificateRecord) -> [(&'static str, String); 13] {
    let (status, revoked_on, reason) = match &record.status {
        CertificateStatus::Valid => ("valid", String::new(), String::new()),
        CertificateStatus::Revoked { on, reason } => ("revoked", on.to_string(), reason.clone()),
    };
    [
        ("cert_number", record.number.clone()),
        ("id_type", record.holder_id.id_type().code().to_string()),
        ("id_number", record.holder_id.as_str().to_string()),
        ("holder_name", record.holder_name.as_str().to_string()),
        ("qualification", record.qualification.clone()),
        ("level", record.level.clone()),
        ("specialty", record.specialty.clone()),
        ("issued_on", record.issued_on.to_string()),
        ("issuer", record.issuer.clone()),
        (
            "electronic",
            if record.electronic { "yes" } else { "no" }.to_string(),
        ),
        ("status", status.to_string()),
        ("revoked_on", revoked_on),
        ("revoke_reason", reason),
    ]
}

/// A field's value as the audit log keeps it: an ID number masked (the log is read by more
/// people than the accounts, and is not encrypted at rest).
fn audit_value(name: &str, value: String) -> String {
    if name == "id_number" {
        app::domain::mask_id_number(&value)
    } else {
        value
    }
}

/// `{"field": {"before": …, "after": …}}` for each field that differs (compared in full,
/// written as [`audit_value`]).
pub fn changed_fields(before: &CertificateRecord, after: &CertificateRecord) -> Value {
    let mut changed = serde_json::Map::new();
    for ((name, old), (_, new)) in record_fields(before).into_iter().zip(record_fields(after)) {
        if old != new {
            changed.insert(
                name.to_string(),
                json!({ "before": audit_value(name, old), "after": audit_value(name, new) }),
            );
        }
    }
    Value::Object(changed)
}

/// An audit line about the certificate with this number.
pub(super) fn certificate_audit(
    number: &str,
    action: &str,
    now: Millis,
    actor: &str,
    detail: Value,
) -> AuditEntry {
    AuditEntry {
        at: now,
        actor: actor.to_string(),
        action: action.to_string(),
        subject: format!("certificate:{number}"),
        detail: detail.to_string(),
    }
}

/// What an attach or detach line says of the file.
pub(super) fn file_detail(file: &FileMeta) -> serde_json::Map<String, Value> {
    let mut detail = serde_json::Map::new();
    detail.insert("file".into(), json!(file.public_id));
    detail.insert("file_name".into(), json!(file.file_name));
    detail.insert("content_type".into(), json!(file.content_type));
    detail.insert("size".into(), json!(file.size));
    detail.insert("sha256".into(), json!(file.sha256));
    detail
}

/// The audit line of a record that an import changed.
fn import_update_audit(
    ctx: &ImportContext,
    row: &ImportRow,
    before: Option<&CertificateRecord>,
) -> AuditEntry {
    let changed = match before {
        Some(before) => changed_fields(before, &row.record),
        // Changed by someone else between our read and our write (PostgreSQL only; the
        // SQLite writer holds the database lock): the new values are what we know.
        None => Value::Object(
            record_fields(&row.record)
                .into_iter()
                .map(|(k, v)| (k.to_string(), json!({ "after": audit_value(k, v) })))
                .collect(),
        ),
    };
    let detail = json!({ "source": ctx.source, "line": row.line, "changed": changed });
    certificate_audit(
        &row.record.number,
        "certificate.import_update",
        ctx.now,
        &ctx.actor,
        detail,
    )
}

/// The audit lines of the rows of a batch that changed existing records, given the stored
/// records before the change by number.
pub(super) fn audit_for_updates<'a>(
    ctx: &ImportContext,
    updated: impl Iterator<Item = &'a ImportRow>,
    before: &HashMap<String, CertificateRecord>,
) -> Vec<AuditEntry> {
    updated
        .map(|row| import_update_audit(ctx, row, before.get(&row.record.number)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::{HolderName, IdNumber, IdType};

    #[test]
    fn a_changed_id_number_is_listed_but_masked() {
        let record = |number: &str| CertificateRecord {
            holder_id: IdNumber::from_trusted(IdType::ResidentIdCard, number.to_string()),
            holder_name: HolderName::from_trusted("张三".into()),
            ..sample()
        };
        let changed = changed_fields(&record("110105199003071234"), &record("110105199103071234"));
        let text = changed.to_string();
        assert!(changed.get("id_number").is_some(), "{text}");
        assert!(
            !text.contains("199003071234") && !text.contains("199103071234"),
            "{text}"
        );
        assert!(text.contains("1101**********1234"), "{text}");
    }

    fn sample() -> CertificateRecord {
        CertificateRecord {
            number: "N1".into(),
            holder_id: IdNumber::from_trusted(IdType::ResidentIdCard, "110105199003071234".into()),
            holder_name: HolderName::from_trusted("张三".into()),
            qualification: "q".into(),
            level: "l".into(),
            specialty: "s".into(),
            issued_on: time::Date::from_calendar_date(2020, time::Month::January, 1).unwrap(),
            issuer: "i".into(),
            electronic: true,
            status: CertificateStatus::Valid,
        }
    }
}
