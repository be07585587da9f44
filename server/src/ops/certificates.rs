//! `server revoke|reinstate|attach|detach|files`: one certificate at a time. Each change is
//! one transaction with its audit line. The web pages and verification read the certificate's
//! status on every request, so a revocation takes effect at once: the holder sees 已撤销 and
//! annotated copies of the certificate no longer verify as valid.

use crate::ops::{actor, open};
use app::domain::{CertificateStatus, FileMeta};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use time::Date;

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The certificate number (管理号).
    pub number: String,

    /// Why (shown to the holder as 撤销原因).
    #[arg(long)]
    pub reason: String,

    /// The revocation date, YYYY-MM-DD [default: today in China].
    #[arg(long, value_parser = parse_date_arg)]
    pub date: Option<Date>,
}

#[derive(Debug, Args)]
pub struct ReinstateArgs {
    /// The certificate number (管理号).
    pub number: String,

    /// Why (kept in the audit log).
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct AttachArgs {
    /// The certificate number (管理号).
    pub number: String,

    /// The file: PDF, JPEG, PNG or OFD (recognised by its content).
    pub file: PathBuf,

    /// The name the holder sees [default: the file's name].
    #[arg(long)]
    pub name: Option<String>,

    /// The type, if given: must agree with the content (application/pdf, image/jpeg,
    /// image/png, application/ofd).
    #[arg(long)]
    pub content_type: Option<String>,
}

#[derive(Debug, Args)]
pub struct DetachArgs {
    /// The file's public id (as `server files NUMBER` lists it).
    pub file_id: String,
}

#[derive(Debug, Args)]
pub struct FilesArgs {
    /// The certificate number (管理号).
    pub number: String,
}

fn parse_date_arg(s: &str) -> Result<Date, String> {
    crate::ops::import::values::parse_date(s.trim())
        .ok_or_else(|| format!("{s:?} is not a date in the form YYYY-MM-DD"))
}

/// Free text given on the command line: trimmed, not empty, no control characters.
fn reason_text(reason: &str) -> anyhow::Result<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        anyhow::bail!("the reason must not be empty");
    }
    if reason.chars().any(char::is_control) {
        anyhow::bail!("the reason must not contain control characters");
    }
    let max = crate::ops::import::values::MAX_REASON_CHARS;
    if reason.chars().count() > max {
        anyhow::bail!("the reason is longer than {max} characters");
    }
    Ok(reason.to_string())
}

pub async fn revoke(url: &str, args: RevokeArgs) -> anyhow::Result<ExitCode> {
    let reason = reason_text(&args.reason)?;
    let clock = app::infra::Clock::default();
    let date = args.date.unwrap_or_else(|| clock.today());
    if date > clock.today() {
        anyhow::bail!("the revocation date {date} is in the future");
    }
    let storage = open(url).await?;
    let Some(current) = storage.certificate_by_number(&args.number).await? else {
        anyhow::bail!("no certificate has the number {:?}", args.number);
    };
    if date < current.record.issued_on {
        anyhow::bail!(
            "the revocation date {date} is before the certificate's issue date {}",
            current.record.issued_on
        );
    }
    let status = CertificateStatus::Revoked {
        on: date,
        reason: reason.clone(),
    };
    if let CertificateStatus::Revoked { on, reason: old } = &current.record.status {
        if current.record.status == status {
            println!(
                "certificate {} is already revoked on {on} ({old}); nothing changed",
                args.number
            );
            return Ok(ExitCode::SUCCESS);
        }
        anyhow::bail!(
            "certificate {} is already revoked on {on} ({old}); reinstate it first to record \
             another revocation",
            args.number
        );
    }
    let change = storage
        .set_certificate_status(&args.number, status, None, clock.now(), &actor())
        .await?
        .ok_or_else(|| anyhow::anyhow!("certificate {} disappeared", args.number))?;
    println!(
        "certificate {} ({}) revoked on {date}: {reason}",
        args.number, change.after.record.holder_name
    );
    println!("its annotated copies no longer verify as valid; the holder sees it as 已撤销");
    Ok(ExitCode::SUCCESS)
}

pub async fn reinstate(url: &str, args: ReinstateArgs) -> anyhow::Result<ExitCode> {
    let note = args.reason.as_deref().map(reason_text).transpose()?;
    let storage = open(url).await?;
    let change = storage
        .set_certificate_status(
            &args.number,
            CertificateStatus::Valid,
            note.as_deref(),
            app::infra::Clock::default().now(),
            &actor(),
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("no certificate has the number {:?}", args.number))?;
    if change.before.record.status == CertificateStatus::Valid {
        println!(
            "certificate {} is not revoked; nothing changed",
            args.number
        );
    } else {
        println!(
            "certificate {} ({}) is valid again",
            args.number, change.after.record.holder_name
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The largest file accepted (a scan of a certificate is far smaller).
pub const MAX_FILE_BYTES: usize = 50 * 1024 * 1024;

/// The type of a certificate file, from its first bytes. OFD (GB/T 33190) is a ZIP package
/// whose entry `OFD.xml` names its documents.
pub fn sniff_content_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"PK\x03\x04") && contains(bytes, b"OFD.xml") {
        Some("application/ofd")
    } else {
        None
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn extension_of(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => "ofd",
    }
}

/// The name the holder sees: the given one (or the file's), with the type's extension.
fn display_name(
    given: Option<&str>,
    path: &std::path::Path,
    content_type: &str,
) -> anyhow::Result<String> {
    let name = match given {
        Some(name) => name.trim().to_string(),
        None => path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string(),
    };
    if name.is_empty() {
        anyhow::bail!("the file name must not be empty (give --name)");
    }
    if name
        .chars()
        .any(|c| c.is_control() || c == '/' || c == '\\')
    {
        anyhow::bail!("the file name must not contain control characters or slashes");
    }
    if name.chars().count() > 120 {
        anyhow::bail!("the file name is longer than 120 characters");
    }
    let ext = extension_of(content_type);
    let has_ext = name
        .rsplit_once('.')
        .map(|(_, e)| {
            let e = e.to_ascii_lowercase();
            e == ext || (ext == "jpg" && e == "jpeg")
        })
        .unwrap_or(false);
    Ok(if has_ext {
        name
    } else {
        format!("{name}.{ext}")
    })
}

pub async fn attach(url: &str, args: AttachArgs) -> anyhow::Result<ExitCode> {
    let meta = std::fs::metadata(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    if meta.len() as usize > MAX_FILE_BYTES {
        anyhow::bail!(
            "{} is larger than {} MB",
            args.file.display(),
            MAX_FILE_BYTES / 1024 / 1024
        );
    }
    let bytes = std::fs::read(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    if bytes.is_empty() {
        anyhow::bail!("{} is empty", args.file.display());
    }
    let Some(sniffed) = sniff_content_type(&bytes) else {
        anyhow::bail!(
            "{} is not a PDF, JPEG, PNG or OFD file (judged by its content)",
            args.file.display()
        );
    };
    if let Some(given) = args.content_type.as_deref() {
        let given = given.trim().to_ascii_lowercase();
        let given = if given == "image/jpg" {
            "image/jpeg".to_string()
        } else {
            given
        };
        if given != sniffed {
            anyhow::bail!("--content-type {given} does not match the file's content ({sniffed})");
        }
    }
    let name = display_name(args.name.as_deref(), &args.file, sniffed)?;
    let storage = open(url).await?;
    if storage.certificate_by_number(&args.number).await?.is_none() {
        anyhow::bail!("no certificate has the number {:?}", args.number);
    }
    // The bytes first: a blob without a file row is harmless and is reused by a retry.
    let sha256 = storage.put_blob(&bytes).await?;
    let public_id = storage
        .attach_file(
            &args.number,
            crate::ops::store::NewFile {
                file_name: &name,
                content_type: sniffed,
                size: bytes.len() as i64,
                sha256: &sha256,
            },
            app::infra::Clock::default().now(),
            &actor(),
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("no certificate has the number {:?}", args.number))?;
    println!(
        "attached {name} ({sniffed}, {} bytes) to certificate {} as file {public_id}",
        bytes.len(),
        args.number
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn detach(url: &str, args: DetachArgs) -> anyhow::Result<ExitCode> {
    let storage = open(url).await?;
    let Some((file, number)) = storage
        .detach_file(
            args.file_id.trim(),
            app::infra::Clock::default().now(),
            &actor(),
        )
        .await?
    else {
        anyhow::bail!("no certificate file has the id {:?}", args.file_id);
    };
    println!(
        "detached {} ({}) from certificate {number}",
        file.file_name, file.public_id
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn files(url: &str, args: FilesArgs) -> anyhow::Result<ExitCode> {
    let storage = open(url).await?;
    let Some(certificate) = storage.certificate_by_number(&args.number).await? else {
        anyhow::bail!("no certificate has the number {:?}", args.number);
    };
    let files = storage.files_of_certificate(certificate.id).await?;
    if files.is_empty() {
        println!("certificate {} has no electronic files", args.number);
    }
    for FileMeta {
        public_id,
        file_name,
        content_type,
        size,
        created_at,
        ..
    } in files
    {
        println!(
            "{public_id}  {content_type:<16} {size:>10} bytes  {}  {file_name}",
            app::domain::time::china_minute(created_at)
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_judged_by_content() {
        assert_eq!(sniff_content_type(b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(
            sniff_content_type(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some("image/jpeg")
        );
        assert_eq!(
            sniff_content_type(b"\x89PNG\r\n\x1a\n...."),
            Some("image/png")
        );
        assert_eq!(
            sniff_content_type(b"PK\x03\x04....OFD.xml...."),
            Some("application/ofd")
        );
        assert_eq!(sniff_content_type(b"PK\x03\x04 just a zip"), None);
        assert_eq!(sniff_content_type(b"<html>"), None);
    }

    #[test]
    fn names_get_the_type_extension() {
        let path = std::path::Path::new("/tmp/scan");
        assert_eq!(display_name(None, path, "image/png").unwrap(), "scan.png");
        assert_eq!(
            display_name(Some("证书扫描件.PDF"), path, "application/pdf").unwrap(),
            "证书扫描件.PDF"
        );
        assert_eq!(
            display_name(Some("photo.jpeg"), path, "image/jpeg").unwrap(),
            "photo.jpeg"
        );
        assert!(display_name(Some("a/b"), path, "image/png").is_err());
    }
}
