//! The issuer's signing key. Given as PEM files in the configuration, or, when none is given,
//! a development key generated once under the data directory. Its certificate (never the
//! private key) is recorded in the database registry, so copies signed with it keep
//! verifying after a later key is made active.

use anyhow::Context;
use app::domain::SigningKeyRecord;
use app::storage::DynStorage;
use certpdf::IssuerKey;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Subject of the generated development certificate: plainly not an official one.
pub const DEV_COMMON_NAME: &str = "证书查询验证系统开发用签名证书 (development key)";
pub const DEV_ORGANIZATION: &str = "Certificate Portal (open source)";

/// Where a key pair is kept under the data directory, named by its certificate's fingerprint.
pub fn store_paths(data_dir: &Path, fingerprint: &str) -> (PathBuf, PathBuf) {
    let dir = data_dir.join("keys");
    (
        dir.join(format!("{fingerprint}.key.pem")),
        dir.join(format!("{fingerprint}.cert.pem")),
    )
}

/// What to pass instead of a development key, for the messages that refuse one.
const REAL_KEY_OPTIONS: &str = "pass the issuer's key with --issuer-key and --issuer-cert \
     (PORTAL_ISSUER_KEY, PORTAL_ISSUER_CERT), or register one with `server keys import KEY \
     CERT` or `server keys generate`; a development key is only for a demonstration \
     (--demo or --demo-data)";

/// Whether `issuer` is a development key this module generated (by its subject).
pub fn is_development_key(issuer: &IssuerKey) -> bool {
    issuer.subject_common_name().as_deref() == Some(DEV_COMMON_NAME)
}

/// The key new copies are signed with: the configured files if given (recorded as the
/// active key), else the active key of the registry, else, in a demonstration only
/// (`allow_development_key`), a development key generated now. Outside a demonstration a
/// development key is refused, whether generated now or earlier; so is a retired key.
pub async fn load_active(
    storage: &DynStorage,
    data_dir: &Path,
    key_file: Option<&Path>,
    cert_file: Option<&Path>,
    now: i64,
    allow_development_key: bool,
) -> anyhow::Result<IssuerKey> {
    let issuer = match (key_file, cert_file) {
        (Some(key), Some(cert)) => read(key, cert)?,
        (None, None) => {
            let keys = storage
                .signing_keys()
                .await
                .context("reading the key registry")?;
            match keys.iter().find(|k| k.active) {
                Some(active) => {
                    let (key, cert) = store_paths(data_dir, &active.fingerprint);
                    read(&key, &cert).with_context(|| {
                        format!(
                            "the active signing key {} has no key file under {}; pass \
                             --issuer-key/--issuer-cert or copy the key there",
                            active.fingerprint,
                            data_dir.join("keys").display()
                        )
                    })?
                }
                None if !allow_development_key => anyhow::bail!(
                    "no signing key is configured, and a generated development key is refused \
                     outside a demonstration: {REAL_KEY_OPTIONS}"
                ),
                None => {
                    let issuer =
                        IssuerKey::generate_self_signed(DEV_COMMON_NAME, DEV_ORGANIZATION, 3650)
                            .context("generating the development signing key")?;
                    store(&issuer, data_dir)?;
                    tracing::warn!(
                        "generated a development signing key; configure --issuer-key and \
                         --issuer-cert (or `server keys import`) in production"
                    );
                    issuer
                }
            }
        }
        _ => anyhow::bail!("--issuer-key and --issuer-cert must be given together"),
    };
    if is_development_key(&issuer) && !allow_development_key {
        anyhow::bail!(
            "the signing key {} is a generated development key, refused outside a \
             demonstration: {REAL_KEY_OPTIONS}",
            hex(&issuer.fingerprint_sha256())
        );
    }
    let fingerprint = hex(&issuer.fingerprint_sha256());
    // Verifiers refuse a signature made outside the certificate's dates: a copy signed
    // now with an expired (or not yet valid) certificate would never verify.
    let now_system = SystemTime::now();
    if issuer.not_after() < now_system || issuer.not_before() > now_system {
        anyhow::bail!(
            "the signing certificate {fingerprint} is valid only from {} to {} (UTC): copies \
             signed with it now would not verify; make a current key active (`server keys \
             rotate`, or `server keys import KEY CERT --activate`)",
            date_of(millis(issuer.not_before())),
            date_of(millis(issuer.not_after()))
        );
    }
    if storage
        .signing_key_retired(&fingerprint)
        .await
        .context("reading the key registry")?
    {
        anyhow::bail!(
            "the signing key {fingerprint} was retired (`server keys retire`): what it signs \
             would not verify; {REAL_KEY_OPTIONS}"
        );
    }
    register_active(storage, &issuer, now).await?;
    Ok(issuer)
}

/// Keeps a copy of the key pair in the data directory's key store.
pub fn store(issuer: &IssuerKey, data_dir: &Path) -> anyhow::Result<()> {
    let (key, cert) = store_paths(data_dir, &hex(&issuer.fingerprint_sha256()));
    write_pair(issuer, &key, &cert)
}

fn read(key: &Path, cert: &Path) -> anyhow::Result<IssuerKey> {
    let key_pem = std::fs::read_to_string(key)
        .with_context(|| format!("reading the issuer key {}", key.display()))?;
    let cert_pem = std::fs::read_to_string(cert)
        .with_context(|| format!("reading the issuer certificate {}", cert.display()))?;
    IssuerKey::from_pem(&key_pem, &cert_pem)
        .with_context(|| format!("loading the issuer key pair {}", key.display()))
}

/// Creates the key store directory `dir`, its owner's alone (an existing directory is left as
/// it is): every private key file is written into it.
fn create_key_store(dir: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))
}

/// Writes a key pair, the private key readable by its owner only, without ever leaving a
/// half-written file under the final name.
pub fn write_pair(issuer: &IssuerKey, key: &Path, cert: &Path) -> anyhow::Result<()> {
    let (key_pem, cert_pem) = issuer.to_pem();
    if let Some(dir) = key.parent() {
        create_key_store(dir)?;
    }
    write_atomically(key, key_pem.as_bytes(), 0o600)?;
    write_atomically(cert, cert_pem.as_bytes(), 0o644)?;
    Ok(())
}

fn write_atomically(path: &Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(mode);
        }
        #[cfg(not(unix))]
        let _ = mode;
        let mut file = options
            .open(&tmp)
            .with_context(|| format!("writing {}", tmp.display()))?;
        // The mode applies only to a file created now, not to a stale temporary one.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        }
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn date_of(ms: i64) -> String {
    app::domain::time::datetime(ms).date().to_string()
}

fn millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The registry entry for `issuer`'s certificate.
pub fn record(issuer: &IssuerKey, active: bool, now: i64) -> SigningKeyRecord {
    SigningKeyRecord {
        fingerprint: hex(&issuer.fingerprint_sha256()),
        subject: issuer.subject_common_name().unwrap_or_default(),
        cert_pem: issuer.to_pem().1,
        not_before: millis(issuer.not_before()),
        not_after: millis(issuer.not_after()),
        added_at: now,
        active,
        retired_at: None,
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Records `issuer` as the active signing key.
pub async fn register_active(
    storage: &DynStorage,
    issuer: &IssuerKey,
    now: i64,
) -> anyhow::Result<()> {
    storage
        .register_signing_key(&record(issuer, true, now))
        .await
        .context("recording the signing certificate")?;
    Ok(())
}

/// Where a credential signing key (an Ed25519 seed, hex) is kept under the data directory,
/// named by its public key (Multikey).
pub fn credential_key_path(data_dir: &Path, public_key: &str) -> PathBuf {
    data_dir
        .join("keys")
        .join(format!("credential-{public_key}.ed25519"))
}

/// Writes a credential key to the key store, readable by its owner only.
pub fn store_credential_key(key: &vcred::Key, data_dir: &Path) -> anyhow::Result<String> {
    let public_key = key.public_multibase();
    let path = credential_key_path(data_dir, &public_key);
    if let Some(dir) = path.parent() {
        create_key_store(dir)?;
    }
    write_atomically(&path, format!("{}\n", hex(&key.seed())).as_bytes(), 0o600)?;
    Ok(public_key)
}

/// Reads the credential key with this public key from the key store.
pub fn read_credential_key(data_dir: &Path, public_key: &str) -> anyhow::Result<vcred::Key> {
    let path = credential_key_path(data_dir, public_key);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading the credential key {}", path.display()))?;
    let text = text.trim();
    let seed: Vec<u8> = (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<_>>()
        .unwrap_or_default();
    let seed: [u8; 32] = seed.try_into().map_err(|_| {
        anyhow::anyhow!("{} is not an Ed25519 seed (64 hex digits)", path.display())
    })?;
    let key = vcred::Key::from_seed(&seed);
    if key.public_multibase() != public_key {
        anyhow::bail!("{} holds another key than its name says", path.display());
    }
    Ok(key)
}

/// The key verifiable credentials are signed with: the active key of the registry, else, in
/// a demonstration only, a key generated now (an Ed25519 key needs no certificate: the
/// issuer's DID document is what makes it the issuer's). Outside a demonstration one must
/// be made with `server keys credential generate` first.
pub async fn load_credential_key(
    storage: &DynStorage,
    data_dir: &Path,
    now: i64,
    allow_generated: bool,
) -> anyhow::Result<app::credentials::CredentialSigner> {
    let keys = storage
        .credential_keys()
        .await
        .context("reading the credential key registry")?;
    if let Some(active) = keys.iter().find(|k| k.active) {
        let key = read_credential_key(data_dir, &active.public_key).with_context(|| {
            format!(
                "the active credential key {} has no key file under {}; copy the key there \
                 or make another key active (`server keys credential rotate`)",
                active.public_key,
                data_dir.join("keys").display()
            )
        })?;
        return Ok(app::credentials::CredentialSigner::new(key));
    }
    if !allow_generated {
        anyhow::bail!(
            "no credential signing key is registered: create one with `server keys credential \
             generate` (a key is generated at start-up only for a demonstration, --demo)"
        );
    }
    let key = vcred::Key::generate().map_err(|e| anyhow::anyhow!("no random source: {e}"))?;
    let public_key = store_credential_key(&key, data_dir)?;
    storage
        .register_credential_key(&public_key, now, true)
        .await
        .context("recording the credential key")?;
    tracing::warn!(
        key = %public_key,
        "generated a credential signing key for this demonstration; use `server keys \
         credential generate` in production"
    );
    Ok(app::credentials::CredentialSigner::new(key))
}
