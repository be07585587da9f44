//! `server keys …`: the issuer's signing keys. Key pairs live as files under
//! `<data-dir>/keys/<fingerprint>.key.pem|.cert.pem` (the private key readable by its owner
//! only); their certificates are in the database registry, one of them active. New copies are
//! signed with the active key (read by a server when it starts); every registered certificate
//! stays trusted, so copies signed with an older key keep verifying after a rotation.

use crate::keys::{hex, record, store, store_paths};
use crate::ops::store::DynOperations;
use crate::ops::{actor, open};
use app::domain::{AuditEntry, SigningKeyRecord};
use certpdf::IssuerKey;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Generate a new signing key and self-signed certificate and register it (active if
    /// no key is active yet, or with --activate).
    Generate(GenerateArgs),
    /// Import a key pair from PEM files (PKCS#8 or SEC 1 key, X.509 certificate for it).
    Import(ImportKeyArgs),
    /// Show the active signing key.
    Show,
    /// List every registered signing certificate.
    List,
    /// Generate a new key and make it the active one; older copies keep verifying.
    Rotate(SubjectArgs),
    /// Make a registered key (whose key file is in the data directory) the active one.
    Activate {
        /// The certificate fingerprint (hex SHA-256, as `keys list` shows; a unique prefix
        /// of at least 8 characters will do).
        fingerprint: String,
    },
    /// The Ed25519 keys that sign verifiable credentials (`did:web` of the public URL).
    #[command(subcommand)]
    Credential(CredentialKeysCommand),
    /// Retire a key that is no longer trusted (compromised, or withdrawn): copies signed
    /// with it stop verifying as valid. Not the active key: activate or rotate first.
    Retire {
        /// The certificate fingerprint (as for `activate`).
        fingerprint: String,
        /// Why (kept in the audit log).
        #[arg(long, default_value = "")]
        reason: String,
    },
}

/// `server keys credential …`: the keys of the verifiable credentials. Each is an Ed25519
/// key pair whose private half is a file under `<data-dir>/keys/credential-<public key>.ed25519`
/// (its owner's only) and whose public half (a Multikey) is in the registry and, until
/// retired, in the issuer's DID document (`/.well-known/did.json`).
#[derive(Debug, Subcommand)]
pub enum CredentialKeysCommand {
    /// Generate a key and register it (active if none is active yet, or with --activate).
    Generate {
        #[arg(long)]
        activate: bool,
    },
    /// Generate a key and make it the active one; credentials signed with older keys keep
    /// verifying (their keys stay in the DID document).
    Rotate,
    /// List every registered credential key.
    List,
    /// Retire a key that is no longer trusted: it leaves the DID document, and credentials
    /// signed with it stop verifying. Not the active key: rotate first.
    Retire {
        /// The public key (`z6Mk…`, as `list` shows; a unique prefix of at least 12 characters).
        public_key: String,
        /// Why (kept in the audit log).
        #[arg(long, default_value = "")]
        reason: String,
    },
}

async fn credential_keys(
    storage: &DynOperations,
    data_dir: &Path,
    now: i64,
    command: CredentialKeysCommand,
) -> anyhow::Result<()> {
    let add = |active: bool, action: &'static str| async move {
        let key = vcred::Key::generate().map_err(|e| anyhow::anyhow!("no random source: {e}"))?;
        // The file first: a registered active key without its file would stop servers.
        let public_key = crate::keys::store_credential_key(&key, data_dir)?;
        storage
            .register_credential_key(&public_key, now, active)
            .await?;
        storage
            .append_audit(&AuditEntry {
                at: now,
                actor: actor(),
                action: action.to_string(),
                subject: format!("credential_key:{public_key}"),
                detail: serde_json::json!({ "active": active }).to_string(),
            })
            .await?;
        println!("public key:  {public_key}");
        println!("active:      {}", if active { "yes" } else { "no" });
        println!(
            "key file:    {}",
            crate::keys::credential_key_path(data_dir, &public_key).display()
        );
        anyhow::Ok(())
    };
    match command {
        CredentialKeysCommand::Generate { activate } => {
            let none_active = !storage.credential_keys().await?.iter().any(|k| k.active);
            add(activate || none_active, "credential_key.generate").await?;
        }
        CredentialKeysCommand::Rotate => {
            add(true, "credential_key.rotate").await?;
            println!("older keys stay in the DID document: what they signed keeps verifying");
            println!("running servers sign with the new key once restarted");
        }
        CredentialKeysCommand::List => {
            let keys = storage.credential_keys().await?;
            if keys.is_empty() {
                println!("no credential keys registered");
            }
            for key in keys {
                println!(
                    "{} {}  added {}{}{}",
                    if key.active { "*" } else { " " },
                    key.public_key,
                    date_of(key.added_at),
                    if crate::keys::credential_key_path(data_dir, &key.public_key).is_file() {
                        ""
                    } else {
                        "  (no key file here)"
                    },
                    key.retired_at
                        .map(|at| format!("  (retired {})", date_of(at)))
                        .unwrap_or_default()
                );
            }
        }
        CredentialKeysCommand::Retire { public_key, reason } => {
            let wanted = public_key.trim();
            if wanted.len() < 12 {
                anyhow::bail!("give at least 12 characters of the public key");
            }
            let matching: Vec<_> = storage
                .credential_keys()
                .await?
                .into_iter()
                .filter(|k| k.public_key.starts_with(wanted))
                .collect();
            let key = match matching.as_slice() {
                [one] => one.public_key.clone(),
                [] => anyhow::bail!("no registered credential key is {wanted}"),
                _ => anyhow::bail!("{wanted} matches several keys; give more characters"),
            };
            let audit = AuditEntry {
                at: now,
                actor: actor(),
                action: "credential_key.retire".to_string(),
                subject: format!("credential_key:{key}"),
                detail: serde_json::json!({ "reason": reason.trim() }).to_string(),
            };
            match storage.retire_credential_key(&key, now, &audit).await {
                Ok(true) => println!(
                    "retired {key}: it left the DID document; credentials signed with it no \
                     longer verify"
                ),
                Ok(false) => println!("{key} was already retired"),
                Err(app::storage::StorageError::Conflict) => anyhow::bail!(
                    "{key} is the active credential key: rotate first (`server keys credential \
                     rotate`), then retire it"
                ),
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct SubjectArgs {
    /// The certificate's common name (CN).
    #[arg(long, default_value = "证书查询验证系统电子证书签名")]
    pub common_name: String,

    /// The certificate's organization (O).
    #[arg(long, default_value = "证书发放机构")]
    pub organization: String,

    /// Validity of the certificate in days.
    #[arg(long, default_value_t = 1825, value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub days: u32,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub subject: SubjectArgs,

    /// Make it the active key at once (that is `keys rotate`).
    #[arg(long)]
    pub activate: bool,
}

#[derive(Debug, Args)]
pub struct ImportKeyArgs {
    /// The private key (PEM).
    pub key: PathBuf,

    /// The certificate (PEM) of that key.
    pub cert: PathBuf,

    /// Make it the active key.
    #[arg(long)]
    pub activate: bool,
}

pub async fn run(url: &str, data_dir: &Path, command: KeysCommand) -> anyhow::Result<ExitCode> {
    let storage = open(url).await?;
    let now = app::infra::Clock::default().now();
    match command {
        KeysCommand::Credential(command) => {
            credential_keys(&storage, data_dir, now, command).await?;
        }
        KeysCommand::Generate(args) => {
            let active = args.activate || active_key(&storage).await?.is_none();
            let issuer = generate(&args.subject)?;
            add(
                &storage,
                data_dir,
                &issuer,
                active,
                now,
                "signing_key.generate",
            )
            .await?;
        }
        KeysCommand::Rotate(subject) => {
            let previous = active_key(&storage).await?;
            let issuer = generate(&subject)?;
            add(&storage, data_dir, &issuer, true, now, "signing_key.rotate").await?;
            if let Some(previous) = previous {
                println!(
                    "previous key {} stays registered: copies signed with it keep verifying",
                    previous.fingerprint
                );
            }
            println!("running servers sign with the new key once restarted");
        }
        KeysCommand::Import(args) => {
            let issuer = read_pair(&args.key, &args.cert)?;
            let now_system = std::time::SystemTime::now();
            if issuer.not_after() <= now_system {
                anyhow::bail!(
                    "the certificate expired on {}; it cannot sign new copies",
                    when(issuer.not_after())
                );
            }
            if issuer.not_before() > now_system {
                eprintln!(
                    "warning: the certificate is valid only from {}",
                    when(issuer.not_before())
                );
            }
            let active = args.activate || active_key(&storage).await?.is_none();
            add(
                &storage,
                data_dir,
                &issuer,
                active,
                now,
                "signing_key.import",
            )
            .await?;
        }
        KeysCommand::Show => {
            let Some(key) = active_key(&storage).await? else {
                eprintln!(
                    "no active signing key: a server starting now would generate a development \
                     key; create one with `server keys generate` or `server keys import`"
                );
                return Ok(ExitCode::FAILURE);
            };
            print_key(&key, data_dir);
            let keys = storage.signing_keys().await?;
            let retired = keys.iter().filter(|k| k.retired()).count();
            let others = keys.len() - 1 - retired;
            println!("older keys:  {others} (still trusted for verification)");
            if retired > 0 {
                println!("retired:     {retired} (no longer trusted)");
            }
        }
        KeysCommand::List => {
            let keys = storage.signing_keys().await?;
            if keys.is_empty() {
                println!("no signing keys registered");
            }
            for key in keys {
                println!(
                    "{} {}  {} … {}  {}{}{}",
                    if key.active { "*" } else { " " },
                    key.fingerprint,
                    date_of(key.not_before),
                    date_of(key.not_after),
                    key.subject,
                    if key_file_present(data_dir, &key.fingerprint) {
                        ""
                    } else {
                        "  (no key file here)"
                    },
                    key.retired_at
                        .map(|at| format!("  (retired {})", date_of(at)))
                        .unwrap_or_default()
                );
            }
        }
        KeysCommand::Retire {
            fingerprint,
            reason,
        } => {
            let key = find_key(&storage, &fingerprint).await?;
            let audit = AuditEntry {
                at: now,
                actor: actor(),
                action: "signing_key.retire".to_string(),
                subject: format!("signing_key:{}", key.fingerprint),
                detail: serde_json::json!({
                    "subject": key.subject,
                    "reason": reason.trim(),
                })
                .to_string(),
            };
            match storage
                .retire_signing_key(&key.fingerprint, now, &audit)
                .await
            {
                Ok(true) => println!(
                    "retired {}: copies signed with it no longer verify as valid",
                    key.fingerprint
                ),
                Ok(false) => println!("{} was already retired", key.fingerprint),
                Err(app::storage::StorageError::Conflict) => anyhow::bail!(
                    "{} is the active signing key: make another key active first \
                     (`server keys rotate` or `server keys activate`), then retire it",
                    key.fingerprint
                ),
                Err(e) => return Err(e.into()),
            }
        }
        KeysCommand::Activate { fingerprint } => {
            let key = &find_key(&storage, &fingerprint).await?;
            if key.retired() {
                anyhow::bail!(
                    "{} was retired: what it signs would not verify; it cannot be active again",
                    key.fingerprint
                );
            }
            let (key_path, cert_path) = store_paths(data_dir, &key.fingerprint);
            let issuer = read_pair(&key_path, &cert_path).map_err(|e| {
                anyhow::anyhow!(
                    "{e:#}; the key file must be in {} for servers to sign with it",
                    data_dir.join("keys").display()
                )
            })?;
            add(
                &storage,
                data_dir,
                &issuer,
                true,
                now,
                "signing_key.activate",
            )
            .await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The registered key a fingerprint (or a unique prefix of 8 characters or more) names.
async fn find_key(storage: &DynOperations, fingerprint: &str) -> anyhow::Result<SigningKeyRecord> {
    let wanted = fingerprint.trim().to_ascii_lowercase();
    if wanted.len() < 8 {
        anyhow::bail!("give at least 8 characters of the fingerprint");
    }
    let mut matching: Vec<SigningKeyRecord> = storage
        .signing_keys()
        .await?
        .into_iter()
        .filter(|k| k.fingerprint.starts_with(&wanted))
        .collect();
    match matching.len() {
        1 => Ok(matching.remove(0)),
        0 => anyhow::bail!("no registered key has the fingerprint {wanted}"),
        _ => anyhow::bail!("{wanted} matches several keys; give more characters"),
    }
}

fn generate(subject: &SubjectArgs) -> anyhow::Result<IssuerKey> {
    if subject.common_name.trim().is_empty() {
        anyhow::bail!("--common-name must not be empty");
    }
    Ok(IssuerKey::generate_self_signed(
        subject.common_name.trim(),
        subject.organization.trim(),
        subject.days,
    )?)
}

fn read_pair(key: &Path, cert: &Path) -> anyhow::Result<IssuerKey> {
    let key_pem = std::fs::read_to_string(key)
        .map_err(|e| anyhow::anyhow!("cannot read the key {}: {e}", key.display()))?;
    let cert_pem = std::fs::read_to_string(cert)
        .map_err(|e| anyhow::anyhow!("cannot read the certificate {}: {e}", cert.display()))?;
    IssuerKey::from_pem(&key_pem, &cert_pem).map_err(|e| {
        anyhow::anyhow!(
            "{} and {} are not a usable key pair: {e}",
            key.display(),
            cert.display()
        )
    })
}

async fn active_key(storage: &DynOperations) -> anyhow::Result<Option<SigningKeyRecord>> {
    Ok(storage.signing_keys().await?.into_iter().find(|k| k.active))
}

fn key_file_present(data_dir: &Path, fingerprint: &str) -> bool {
    let (key, cert) = store_paths(data_dir, fingerprint);
    key.is_file() && cert.is_file()
}

/// Stores the pair under the data directory, registers its certificate and writes the
/// audit line. The files come first: a registered active key without its file would stop
/// servers from starting.
async fn add(
    storage: &DynOperations,
    data_dir: &Path,
    issuer: &IssuerKey,
    active: bool,
    now: i64,
    action: &str,
) -> anyhow::Result<()> {
    store(issuer, data_dir)?;
    let entry = record(issuer, active, now);
    storage.register_signing_key(&entry).await?;
    storage
        .append_audit(&AuditEntry {
            at: now,
            actor: actor(),
            action: action.to_string(),
            subject: format!("signing_key:{}", entry.fingerprint),
            detail: serde_json::json!({
                "subject": entry.subject,
                "not_before": entry.not_before,
                "not_after": entry.not_after,
                "active": active,
            })
            .to_string(),
        })
        .await?;
    let stored = storage
        .signing_keys()
        .await?
        .into_iter()
        .find(|k| k.fingerprint == entry.fingerprint)
        .unwrap_or(entry);
    print_key(&stored, data_dir);
    Ok(())
}

fn print_key(key: &SigningKeyRecord, data_dir: &Path) {
    let (key_path, cert_path) = store_paths(data_dir, &key.fingerprint);
    println!("fingerprint: {}", key.fingerprint);
    println!("subject:     CN={}", key.subject);
    println!(
        "valid:       {} … {}",
        date_time_of(key.not_before),
        date_time_of(key.not_after)
    );
    println!("active:      {}", if key.active { "yes" } else { "no" });
    if let Some(at) = key.retired_at {
        println!("retired:     {} (no longer trusted)", date_time_of(at));
    }
    if key_file_present(data_dir, &key.fingerprint) {
        println!("key file:    {}", key_path.display());
        println!("certificate: {}", cert_path.display());
    } else {
        println!(
            "key file:    missing in {} (servers using this data directory cannot sign with it)",
            data_dir.join("keys").display()
        );
    }
}

fn when(t: std::time::SystemTime) -> String {
    let ms = t
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    date_time_of(ms)
}

fn date_time_of(ms: i64) -> String {
    let t = app::domain::time::datetime(ms);
    format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute())
}

fn date_of(ms: i64) -> String {
    app::domain::time::datetime(ms).date().to_string()
}

/// The fingerprint of a key pair, as the registry names it.
pub fn fingerprint(issuer: &IssuerKey) -> String {
    hex(&issuer.fingerprint_sha256())
}
