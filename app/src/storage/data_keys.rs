//! Personal numbers at rest: holders' ID numbers and mobile numbers are stored encrypted
//! (AES-256-GCM), and an ID number is found by its keyed hash (HMAC-SHA256), never by its
//! clear text.
//!
//! The keys come from one owner-only key file (`--data-key-file`), lines of `KIND BASE64`
//! (32 bytes each; `#` starts a comment):
//! - `lookup`: the HMAC key of the lookup hashes. It never changes for a database: the
//!   hashes are what the login and the uniqueness rule compare, so a new one would lose
//!   every account. A database records its id and refuses another.
//! - `data`: the current encryption key; new values are sealed with it.
//! - `previous` (any number): older encryption keys, still read. Rotation: a new `data`
//!   line, the old one becomes `previous`, restart, then `server data-key rotate`
//!   re-encrypts every value under the current key; afterwards the `previous` lines can go.
//!
//! A sealed value is text: `v1.KEYID.BASE64(nonce ‖ ciphertext ‖ tag)`, with the table and
//! column as associated data, so a value copied into another column does not open. The
//! key id (the first 8 bytes of SHA-256 of the key, in hex) says which key opens it. The
//! database keeps the ids of the keys its values are sealed with (table `data_keys`), so a
//! key file without them refuses to start instead of failing on the first read.

use super::certificates::{DbCertificate, CERTIFICATE_COLUMNS};
use super::rows::{execute, id_type};
use super::{PgStorage, SqliteStorage, StorageError, StorageResult};
use crate::domain::IdNumber;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Associated data of the encrypted columns: where a sealed value belongs.
pub const HOLDER_ID_NUMBER: &str = "holders.id_number_enc";
pub const HOLDER_MOBILE: &str = "holders.mobile";
pub const CODE_MOBILE: &str = "one_time_codes.mobile";
pub const CODE_PAYLOAD: &str = "one_time_codes.payload";
pub const CERTIFICATE_ID_NUMBER: &str = "certificates.holder_id_number_enc";
pub const APPEAL_ID_NUMBER: &str = "appeals.id_number_enc";
pub const APPEAL_MOBILE: &str = "appeals.mobile";

/// Rows converted or re-encrypted per transaction.
pub const BATCH: i64 = 500;

const SEALED_PREFIX: &str = "v1.";

/// [`DataKeys::tag`]: 128 bits of the HMAC, in hex.
const TAG_HEX_LEN: usize = 32;

/// An ID number as a row stores it: its keyed lookup hash ([`DataKeys::id_lookup`]), which
/// equality and the indexes compare, and the number sealed for its column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedId {
    pub lookup: String,
    pub sealed: String,
}

/// The keys of one process: the lookup key, the current data key and older data keys.
#[derive(Clone)]
pub struct DataKeys {
    lookup: [u8; 32],
    lookup_id: String,
    current: DataKey,
    previous: Vec<DataKey>,
}

#[derive(Clone)]
struct DataKey {
    id: String,
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for DataKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataKeys")
            .field("lookup", &self.lookup_id)
            .field("current", &self.current.id)
            .field(
                "previous",
                &self.previous.iter().map(|k| &k.id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

fn key_id(key: &[u8; 32]) -> String {
    let digest = Sha256::digest([b"certportal key id\0".as_slice(), key].concat());
    hex::encode(&digest[..8])
}

fn decode_key(line: usize, text: &str) -> Result<[u8; 32], String> {
    let bytes = BASE64
        .decode(text.trim())
        .map_err(|_| format!("line {line}: the key is not base64"))?;
    bytes
        .try_into()
        .map_err(|b: Vec<u8>| format!("line {line}: a key is 32 bytes, this one is {}", b.len()))
}

fn data_key(key: [u8; 32]) -> DataKey {
    DataKey {
        id: key_id(&key),
        cipher: Aes256Gcm::new(&key.into()),
    }
}

impl DataKeys {
    /// Reads a key file's text (see the module documentation).
    pub fn parse(text: &str) -> Result<DataKeys, String> {
        let (mut lookup, mut current, mut previous) = (None, None, Vec::new());
        for (n, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            let (kind, value) = line
                .split_once(char::is_whitespace)
                .ok_or_else(|| format!("line {}: expected `KIND BASE64`", n + 1))?;
            let key = decode_key(n + 1, value)?;
            match kind {
                "lookup" if lookup.is_none() => lookup = Some(key),
                "data" if current.is_none() => current = Some(data_key(key)),
                "previous" => previous.push(data_key(key)),
                "lookup" | "data" => return Err(format!("line {}: a second `{kind}` key", n + 1)),
                other => {
                    return Err(format!(
                        "line {}: unknown kind {other:?} (lookup, data or previous)",
                        n + 1
                    ))
                }
            }
        }
        let lookup = lookup.ok_or("no `lookup` key")?;
        Ok(DataKeys {
            lookup_id: key_id(&lookup),
            lookup,
            current: current.ok_or("no `data` key")?,
            previous,
        })
    }

    /// Reads the key file at `path`, narrowing it to its owner if others could read it.
    pub fn load(path: &Path) -> Result<DataKeys, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the data key file {}: {e}", path.display()))?;
        if crate::infra::narrow_private(path).unwrap_or(false) {
            tracing::warn!(file = %path.display(), "data key file was readable by others; now owner-only");
        }
        DataKeys::parse(&text)
            .map_err(|e| format!("the data key file {} is not valid: {e}", path.display()))
    }

    /// The text of a new key file: a fresh lookup key and data key.
    pub fn generate_text() -> String {
        let mut lookup = [0u8; 32];
        let mut data = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut lookup);
        rand::rngs::OsRng.fill_bytes(&mut data);
        format!(
            "# Keys of the personal numbers at rest (see the README, Deploying). Keep this file\n\
             # owner-only and backed up apart from the database; without it the data is lost.\n\
             # The lookup key never changes; to rotate, add a new `data` line and make the old\n\
             # one `previous`, restart, run `server data-key rotate`.\n\
             lookup {}\ndata {}\n",
            BASE64.encode(lookup),
            BASE64.encode(data)
        )
    }

    /// A new key file's text with a fresh `data` key, the current one kept as `previous`
    /// (older `previous` keys stay too).
    pub fn rotated_text(&self, text: &str) -> String {
        let mut data = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut data);
        let mut out = String::new();
        for line in text.lines() {
            match line.trim_start().strip_prefix("data") {
                Some(rest) if rest.starts_with(char::is_whitespace) => {
                    out.push_str(&format!("data {}\nprevious{rest}\n", BASE64.encode(data)));
                }
                _ => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        out
    }

    /// The id of the lookup key.
    pub fn lookup_id(&self) -> &str {
        &self.lookup_id
    }

    /// The id of the key new values are sealed with.
    pub fn current_id(&self) -> &str {
        &self.current.id
    }

    /// Whether a key with this id is loaded (current or previous).
    pub fn has_data_key(&self, id: &str) -> bool {
        self.current.id == id || self.previous.iter().any(|k| k.id == id)
    }

    /// The keyed hash an ID number is looked up by (hex): its type and number.
    pub fn id_lookup(&self, id: &IdNumber) -> String {
        self.lookup_hash("id", &format!("{}:{}", id.id_type().code(), id.as_str()))
    }

    /// An ID number as the row of `column` stores it: one HMAC and one AES-GCM.
    pub fn seal_id(&self, column: &str, id: &IdNumber) -> SealedId {
        SealedId {
            lookup: self.id_lookup(id),
            sealed: self.seal(column, id.as_str()),
        }
    }

    /// A keyed hash (hex) of `value` for the purpose `what`, for any key that must not be
    /// reversible by trying every number (limit and throttle keys).
    pub fn lookup_hash(&self, what: &str, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.lookup).expect("any key length");
        mac.update(what.as_bytes());
        mac.update(b"\0");
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// A tag (hex, 128 bits) showing that this deployment wrote `value` for the purpose
    /// `what`: what a link handed out without a session carries (a wallet's link to a
    /// credential), checked by [`DataKeys::tag_matches`].
    pub fn tag(&self, what: &str, value: &str) -> String {
        let mut tag = self.lookup_hash(what, value);
        tag.truncate(TAG_HEX_LEN);
        tag
    }

    /// Whether `tag` is [`DataKeys::tag`] of `value` for `what`, compared in constant time.
    pub fn tag_matches(&self, what: &str, value: &str, tag: &str) -> bool {
        let Ok(tag) = hex::decode(tag) else {
            return false;
        };
        if tag.len() * 2 != TAG_HEX_LEN {
            return false;
        }
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.lookup).expect("any key length");
        mac.update(what.as_bytes());
        mac.update(b"\0");
        mac.update(value.as_bytes());
        mac.verify_truncated_left(&tag).is_ok()
    }

    /// Seals `clear` for the column named by `column` (its associated data).
    pub fn seal(&self, column: &str, clear: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .current
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: clear.as_bytes(),
                    aad: column.as_bytes(),
                },
            )
            .expect("AES-GCM encrypts any short value");
        format!(
            "{SEALED_PREFIX}{}.{}",
            self.current.id,
            BASE64.encode([nonce.as_slice(), &sealed].concat())
        )
    }

    /// Whether `stored` is sealed with the current key (else it needs re-encrypting).
    pub fn is_current(&self, stored: &str) -> bool {
        stored
            .strip_prefix(SEALED_PREFIX)
            .and_then(|rest| rest.split_once('.'))
            .is_some_and(|(id, _)| id == self.current.id)
    }

    /// Opens a value sealed for `column`; `Corrupt` (naming only the key id) if no loaded
    /// key opens it.
    pub fn open(&self, column: &str, stored: &str) -> StorageResult<String> {
        let corrupt = |why: &str| StorageError::Corrupt(format!("{column}: {why}"));
        let (id, body) = stored
            .strip_prefix(SEALED_PREFIX)
            .and_then(|rest| rest.split_once('.'))
            .ok_or_else(|| corrupt("not a sealed value"))?;
        let key = std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.id == id)
            .ok_or_else(|| corrupt(&format!("sealed with key {id}, which is not loaded")))?;
        let bytes = BASE64.decode(body).map_err(|_| corrupt("bad base64"))?;
        if bytes.len() < 12 {
            return Err(corrupt("too short"));
        }
        let (nonce, sealed) = bytes.split_at(12);
        let clear = key
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: column.as_bytes(),
                },
            )
            .map_err(|_| corrupt(&format!("key {id} does not open it")))?;
        String::from_utf8(clear).map_err(|_| corrupt("not UTF-8"))
    }
}

/// The database's side of the keys: checking a key file against the database, converting
/// rows still in clear, re-encrypting under the current key.
#[async_trait]
pub trait DataKeyStore: Send + Sync {
    /// Refuses a key file whose lookup key is not the database's or that lacks a data key
    /// values are sealed with; records the keys otherwise. Run when the database is opened.
    async fn check_data_keys(&self) -> StorageResult<()>;

    /// Seals the ID and mobile numbers of holders still stored in clear (written before
    /// encryption at rest), in batches; returns how many rows it converted. Idempotent.
    async fn encrypt_clear_holders(&self) -> StorageResult<u64>;

    /// Stores the holder's ID number of certificates still in clear (written before
    /// encryption at rest) as its lookup hash and sealed, with the content hash recomputed
    /// (it is keyed too), in batches; returns how many rows it converted. Idempotent.
    async fn encrypt_clear_certificates(&self) -> StorageResult<u64>;

    /// The same for appeals: ID number as lookup hash and sealed, mobile number sealed.
    async fn encrypt_clear_appeals(&self) -> StorageResult<u64>;

    /// Re-seals under the current data key every value sealed with another one (holders,
    /// certificates and appeals in batches, and pending codes), then forgets the other keys'
    /// ids; returns how many rows it changed.
    /// Idempotent: run it again after an interruption.
    async fn reencrypt_all(&self) -> StorageResult<u64>;

    /// Seals (`reseal`: re-seals under the current key) the mobile number and payload of
    /// one-time codes stored in clear (written before encryption at rest) or, with `reseal`,
    /// under another key. The table holds only codes of the last days (swept), so one pass.
    async fn seal_codes(&self, reseal: bool) -> StorageResult<u64>;
}

/// A holder's sealed columns as read for conversion or re-encryption.
#[derive(sqlx::FromRow)]
struct DbSealedHolder {
    id: i64,
    id_type: String,
    id_number: String,
    id_number_enc: Option<String>,
    mobile: String,
}

macro_rules! impl_data_key_store {
    ($store:ty) => {
        #[async_trait]
        impl DataKeyStore for $store {
            #[tracing::instrument(skip_all)]
            async fn check_data_keys(&self) -> StorageResult<()> {
                let keys = self.keys();
                let known: Vec<(String, String)> =
                    sqlx::query_as("SELECT key_id, kind FROM data_keys")
                        .fetch_all(self.pool())
                        .await?;
                let lookup = known.iter().find(|(_, kind)| kind == "lookup");
                if let Some((id, _)) = lookup {
                    if id != keys.lookup_id() {
                        return Err(StorageError::Keys(format!(
                            "the data key file's lookup key (id {}) is not the one this \
                             database's ID numbers are hashed with (id {id}): wrong key file?",
                            keys.lookup_id()
                        )));
                    }
                }
                if let Some((id, _)) = known
                    .iter()
                    .find(|(id, kind)| kind == "data" && !keys.has_data_key(id))
                {
                    return Err(StorageError::Keys(format!(
                        "this database holds values sealed with data key {id}, which the data \
                         key file does not hold (as `data` or `previous`): wrong key file?"
                    )));
                }
                const RECORD: &str =
                    "INSERT INTO data_keys (key_id, kind) VALUES ($1, $2) ON CONFLICT (key_id) DO NOTHING";
                if lookup.is_none() {
                    execute!(self.pool(), RECORD, keys.lookup_id(), "lookup");
                }
                execute!(self.pool(), RECORD, keys.current_id(), "data");
                Ok(())
            }

            #[tracing::instrument(skip_all)]
            async fn encrypt_clear_holders(&self) -> StorageResult<u64> {
                let keys = self.keys();
                let mut done = 0;
                // Read, then write the batch in a transaction that is always committed (no
                // transaction is left open); each update applies only to the row as read.
                loop {
                    let rows: Vec<DbSealedHolder> = sqlx::query_as(
                        "SELECT id, id_type, id_number, id_number_enc, mobile FROM holders \
                         WHERE id_number_enc IS NULL ORDER BY id LIMIT $1",
                    )
                    .bind(BATCH)
                    .fetch_all(self.pool())
                    .await?;
                    if rows.is_empty() {
                        return Ok(done);
                    }
                    let mut tx = self.pool().begin_with(<Self as super::Dialect>::BEGIN_WRITE).await?;
                    for row in rows {
                        let id = IdNumber::from_trusted(id_type(&row.id_type)?, row.id_number);
                        execute!(
                            &mut *tx,
                            "UPDATE holders SET id_number = $1, id_number_enc = $2, mobile = $3 \
                             WHERE id = $4 AND id_number_enc IS NULL AND mobile = $5",
                            keys.id_lookup(&id),
                            keys.seal(HOLDER_ID_NUMBER, id.as_str()),
                            keys.seal(HOLDER_MOBILE, &row.mobile),
                            row.id,
                            &row.mobile
                        );
                        done += 1;
                    }
                    tx.commit().await?;
                }
            }

            #[tracing::instrument(skip_all)]
            async fn reencrypt_all(&self) -> StorageResult<u64> {
                let keys = self.keys();
                let (mut after, mut done) = (0i64, 0);
                loop {
                    let rows: Vec<DbSealedHolder> = sqlx::query_as(
                        "SELECT id, id_type, id_number, id_number_enc, mobile FROM holders \
                         WHERE id > $1 AND id_number_enc IS NOT NULL ORDER BY id LIMIT $2",
                    )
                    .bind(after)
                    .bind(BATCH)
                    .fetch_all(self.pool())
                    .await?;
                    let Some(last) = rows.last() else { break };
                    after = last.id;
                    let mut tx = self.pool().begin_with(<Self as super::Dialect>::BEGIN_WRITE).await?;
                    for row in rows {
                        let sealed = row.id_number_enc.unwrap_or_default();
                        if keys.is_current(&sealed) && keys.is_current(&row.mobile) {
                            continue;
                        }
                        let number = keys.open(HOLDER_ID_NUMBER, &sealed)?;
                        let mobile = keys.open(HOLDER_MOBILE, &row.mobile)?;
                        // Only the row as read: a mobile number changed meanwhile is already
                        // sealed with the current key.
                        done += execute!(
                            &mut *tx,
                            "UPDATE holders SET id_number_enc = $1, mobile = $2 \
                             WHERE id = $3 AND id_number_enc = $4 AND mobile = $5",
                            keys.seal(HOLDER_ID_NUMBER, &number),
                            keys.seal(HOLDER_MOBILE, &mobile),
                            row.id,
                            &sealed,
                            &row.mobile
                        );
                    }
                    tx.commit().await?;
                }
                done += self.reseal_certificates().await?;
                done += self.reseal_appeals().await?;
                done += self.seal_codes(true).await?;
                execute!(
                    self.pool(),
                    "DELETE FROM data_keys WHERE kind = 'data' AND key_id <> $1",
                    keys.current_id()
                );
                Ok(done)
            }

            #[tracing::instrument(skip_all)]
            async fn encrypt_clear_certificates(&self) -> StorageResult<u64> {
                let keys = self.keys();
                let mut done = 0;
                loop {
                    let sql = format!(
                        "SELECT {CERTIFICATE_COLUMNS} FROM certificates \
                         WHERE holder_id_number_enc IS NULL ORDER BY id LIMIT $1"
                    );
                    let rows: Vec<DbCertificate> =
                        sqlx::query_as(&sql).bind(BATCH).fetch_all(self.pool()).await?;
                    if rows.is_empty() {
                        return Ok(done);
                    }
                    let mut tx = self.pool().begin_with(<Self as super::Dialect>::BEGIN_WRITE).await?;
                    for row in rows {
                        let clear = row.holder_id_number.clone();
                        let certificate = row.into_certificate(keys)?;
                        let record = &certificate.record;
                        let holder = keys.seal_id(CERTIFICATE_ID_NUMBER, &record.holder_id);
                        // Only the row as read: a writer meanwhile stored it sealed already.
                        execute!(
                            &mut *tx,
                            "UPDATE certificates SET holder_id_number = $1, \
                             holder_id_number_enc = $2, content_hash = $3 WHERE id = $4 \
                             AND holder_id_number_enc IS NULL AND holder_id_number = $5",
                            &holder.lookup,
                            &holder.sealed,
                            record.content_hash(&holder.lookup),
                            certificate.id.0,
                            clear
                        );
                        done += 1;
                    }
                    tx.commit().await?;
                }
            }

            #[tracing::instrument(skip_all)]
            async fn encrypt_clear_appeals(&self) -> StorageResult<u64> {
                let keys = self.keys();
                let mut done = 0;
                loop {
                    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
                        "SELECT id, id_type, id_number, mobile FROM appeals \
                         WHERE id_number_enc IS NULL ORDER BY id LIMIT $1",
                    )
                    .bind(BATCH)
                    .fetch_all(self.pool())
                    .await?;
                    if rows.is_empty() {
                        return Ok(done);
                    }
                    let mut tx = self.pool().begin_with(<Self as super::Dialect>::BEGIN_WRITE).await?;
                    for (id, kind, number, mobile) in rows {
                        let number = IdNumber::from_trusted(id_type(&kind)?, number);
                        let sealed = keys.seal_id(APPEAL_ID_NUMBER, &number);
                        execute!(
                            &mut *tx,
                            "UPDATE appeals SET id_number = $1, id_number_enc = $2, mobile = $3 \
                             WHERE id = $4 AND id_number_enc IS NULL AND mobile = $5",
                            &sealed.lookup,
                            &sealed.sealed,
                            keys.seal(APPEAL_MOBILE, &mobile),
                            id,
                            &mobile
                        );
                        done += 1;
                    }
                    tx.commit().await?;
                }
            }

            #[tracing::instrument(skip_all)]
            async fn seal_codes(&self, reseal: bool) -> StorageResult<u64> {
                let keys = self.keys();
                let mut tx = self.pool().begin_with(<Self as super::Dialect>::BEGIN_WRITE).await?;
                let rows: Vec<(String, String, String)> =
                    sqlx::query_as("SELECT ticket, mobile, payload FROM one_time_codes")
                        .fetch_all(&mut *tx)
                        .await?;
                let mut done = 0;
                for (ticket, mobile, payload) in rows {
                    let sealed = mobile.starts_with(SEALED_PREFIX);
                    if sealed && (!reseal || (keys.is_current(&mobile) && keys.is_current(&payload))) {
                        continue;
                    }
                    let (mobile, payload) = if sealed {
                        (keys.open(CODE_MOBILE, &mobile)?, keys.open(CODE_PAYLOAD, &payload)?)
                    } else {
                        (mobile, payload)
                    };
                    execute!(
                        &mut *tx,
                        "UPDATE one_time_codes SET mobile = $1, payload = $2 WHERE ticket = $3",
                        keys.seal(CODE_MOBILE, &mobile),
                        keys.seal(CODE_PAYLOAD, &payload),
                        ticket
                    );
                    done += 1;
                }
                tx.commit().await?;
                Ok(done)
            }
        }
    };
}

impl_data_key_store!(SqliteStorage);
impl_data_key_store!(PgStorage);

/// Re-encryption of the sealed columns of certificates and appeals under the current key, in
/// batches by id; each update applies only to the row as read.
macro_rules! impl_reseal {
    ($store:ty) => {
        impl $store {
            async fn reseal_certificates(&self) -> StorageResult<u64> {
                let keys = self.keys();
                let (mut after, mut done) = (0i64, 0);
                loop {
                    let rows: Vec<(i64, String)> = sqlx::query_as(
                        "SELECT id, holder_id_number_enc FROM certificates WHERE id > $1 \
                         AND holder_id_number_enc IS NOT NULL ORDER BY id LIMIT $2",
                    )
                    .bind(after)
                    .bind(BATCH)
                    .fetch_all(self.pool())
                    .await?;
                    let Some(last) = rows.last() else { break };
                    after = last.0;
                    let mut tx = self
                        .pool()
                        .begin_with(<Self as super::Dialect>::BEGIN_WRITE)
                        .await?;
                    for (id, sealed) in rows {
                        if keys.is_current(&sealed) {
                            continue;
                        }
                        let number = keys.open(CERTIFICATE_ID_NUMBER, &sealed)?;
                        done += execute!(
                            &mut *tx,
                            "UPDATE certificates SET holder_id_number_enc = $1 \
                             WHERE id = $2 AND holder_id_number_enc = $3",
                            keys.seal(CERTIFICATE_ID_NUMBER, &number),
                            id,
                            &sealed
                        );
                    }
                    tx.commit().await?;
                }
                Ok(done)
            }

            async fn reseal_appeals(&self) -> StorageResult<u64> {
                let keys = self.keys();
                let (mut after, mut done) = (0i64, 0);
                loop {
                    let rows: Vec<(i64, String, String)> = sqlx::query_as(
                        "SELECT id, id_number_enc, mobile FROM appeals WHERE id > $1 \
                         AND id_number_enc IS NOT NULL ORDER BY id LIMIT $2",
                    )
                    .bind(after)
                    .bind(BATCH)
                    .fetch_all(self.pool())
                    .await?;
                    let Some(last) = rows.last() else { break };
                    after = last.0;
                    let mut tx = self
                        .pool()
                        .begin_with(<Self as super::Dialect>::BEGIN_WRITE)
                        .await?;
                    for (id, sealed, mobile) in rows {
                        if keys.is_current(&sealed) && keys.is_current(&mobile) {
                            continue;
                        }
                        let number = keys.open(APPEAL_ID_NUMBER, &sealed)?;
                        let clear_mobile = keys.open(APPEAL_MOBILE, &mobile)?;
                        done += execute!(
                            &mut *tx,
                            "UPDATE appeals SET id_number_enc = $1, mobile = $2 \
                             WHERE id = $3 AND id_number_enc = $4 AND mobile = $5",
                            keys.seal(APPEAL_ID_NUMBER, &number),
                            keys.seal(APPEAL_MOBILE, &clear_mobile),
                            id,
                            &sealed,
                            &mobile
                        );
                    }
                    tx.commit().await?;
                }
                Ok(done)
            }
        }
    };
}

impl_reseal!(SqliteStorage);
impl_reseal!(PgStorage);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::IdType;

    fn keys() -> DataKeys {
        DataKeys::parse(&DataKeys::generate_text()).unwrap()
    }

    #[test]
    fn sealed_values_open_only_in_their_column_and_differ_each_time() {
        let keys = keys();
        let a = keys.seal(HOLDER_MOBILE, "13800138000");
        let b = keys.seal(HOLDER_MOBILE, "13800138000");
        assert_ne!(a, b);
        assert!(!a.contains("13800138000"));
        assert_eq!(keys.open(HOLDER_MOBILE, &a).unwrap(), "13800138000");
        assert!(keys.open(HOLDER_ID_NUMBER, &a).is_err());
        assert!(keys.is_current(&a));
    }

    #[test]
    fn another_key_does_not_open_a_value_and_a_previous_key_does() {
        let text = DataKeys::generate_text();
        let old = DataKeys::parse(&text).unwrap();
        let sealed = old.seal(HOLDER_MOBILE, "13800138000");
        assert!(keys().open(HOLDER_MOBILE, &sealed).is_err());
        let new = DataKeys::parse(&old.rotated_text(&text)).unwrap();
        assert_ne!(new.current_id(), old.current_id());
        assert_eq!(new.lookup_id(), old.lookup_id());
        assert!(!new.is_current(&sealed));
        assert_eq!(new.open(HOLDER_MOBILE, &sealed).unwrap(), "13800138000");
    }

    #[test]
    fn lookups_are_keyed_and_name_the_type() {
        let keys = keys();
        let id = IdNumber::from_trusted(IdType::ResidentIdCard, "11010519491231002X".into());
        let lookup = keys.id_lookup(&id);
        assert_eq!(lookup, keys.id_lookup(&id));
        assert_ne!(lookup, self::keys().id_lookup(&id));
        assert!(!lookup.contains("11010519491231002X"));
    }

    #[test]
    fn tags_match_only_their_value_purpose_and_key() {
        let keys = keys();
        let tag = keys.tag("wallet", "abc.1");
        assert_eq!(tag.len(), 32);
        assert!(keys.tag_matches("wallet", "abc.1", &tag));
        assert!(!keys.tag_matches("wallet", "abc.2", &tag));
        assert!(!keys.tag_matches("other", "abc.1", &tag));
        assert!(!self::keys().tag_matches("wallet", "abc.1", &tag));
        assert!(!keys.tag_matches("wallet", "abc.1", &tag[..30]));
        assert!(!keys.tag_matches("wallet", "abc.1", "not hex at all, not hex at all!!"));
        assert!(!keys.tag_matches("wallet", "abc.1", ""));
    }

    #[test]
    fn bad_key_files_are_refused_with_the_reason() {
        assert!(DataKeys::parse("data AAAA")
            .unwrap_err()
            .contains("32 bytes"));
        assert!(DataKeys::parse("").unwrap_err().contains("lookup"));
        let only_lookup = DataKeys::generate_text()
            .lines()
            .filter(|l| !l.starts_with("data"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(DataKeys::parse(&only_lookup).unwrap_err().contains("data"));
    }
}
