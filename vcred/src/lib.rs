//! W3C Verifiable Credentials 2.0 secured with a Data Integrity proof of the cryptosuite
//! `eddsa-rdfc-2022` (Ed25519 over RDFC-1.0 canonical N-Quads), the issuer's `did:web`
//! document with its keys as Multikeys, and Bitstring Status Lists. Knows nothing of the
//! portal: the caller builds the document (its own terms in a [`Profile`]).
//!
//! Specifications: VC Data Model 2.0, VC Data Integrity 1.0, Data Integrity EdDSA
//! Cryptosuites 1.0 (§3.2 eddsa-rdfc-2022), Bitstring Status List 1.0, Controlled
//! Identifiers 1.0 (Multikey), did:web.

pub mod jsonld;
pub mod status;

pub use jsonld::{Profile, ShapeError, CREDENTIALS_V2};

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

pub const CRYPTOSUITE: &str = "eddsa-rdfc-2022";
/// The media type of a credential secured with an embedded proof.
pub const MEDIA_TYPE: &str = "application/vc+ld+json";

/// An issuer's Ed25519 key.
pub struct Key(SigningKey);

impl Key {
    /// A new key from the operating system's random source.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut seed = [0u8; 32];
        getrandom::getrandom(&mut seed)?;
        Ok(Key(SigningKey::from_bytes(&seed)))
    }

    /// The key of a 32-byte Ed25519 seed (RFC 8032 private key).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Key(SigningKey::from_bytes(seed))
    }

    pub fn seed(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The public key as a Multikey `publicKeyMultibase` (`z6Mk…`).
    pub fn public_multibase(&self) -> String {
        multikey(&self.0.verifying_key())
    }
}

/// The multicodec prefix of an Ed25519 public key (`ed25519-pub`, 0xed as a varint).
const ED25519_PUB: [u8; 2] = [0xed, 0x01];

/// `z` + base58btc(0xed01 ‖ key): the Multikey encoding of an Ed25519 public key.
pub fn multikey(key: &VerifyingKey) -> String {
    let mut bytes = ED25519_PUB.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    format!("z{}", bs58::encode(bytes).into_string())
}

/// The Ed25519 key of a Multikey `publicKeyMultibase`.
pub fn parse_multikey(multibase: &str) -> Option<VerifyingKey> {
    let bytes = bs58::decode(multibase.strip_prefix('z')?).into_vec().ok()?;
    let key: [u8; 32] = bytes.strip_prefix(&ED25519_PUB)?.try_into().ok()?;
    VerifyingKey::from_bytes(&key).ok()
}

/// Why a credential does not verify.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifyError {
    #[error("not a credential of the expected shape: {0}")]
    Shape(#[from] ShapeError),
    #[error("the credential has no eddsa-rdfc-2022 proof")]
    NoProof,
    #[error("the proof's key is not one of the issuer's")]
    UnknownKey,
    #[error("the signature does not match the credential")]
    BadSignature,
    #[error("canonicalisation failed")]
    Canonicalization,
}

/// What a verified proof says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The proof's `verificationMethod` (`did:…#…`).
    pub verification_method: String,
    pub created: Option<String>,
}

fn canonical_hash(profile: &Profile, doc: &Map<String, Value>) -> Result<[u8; 32], VerifyError> {
    let dataset = profile.to_dataset(doc)?;
    let nquads = jsonld::canonical(&dataset).map_err(|_| VerifyError::Canonicalization)?;
    Ok(Sha256::digest(nquads.as_bytes()).into())
}

/// hashData of eddsa-rdfc-2022: SHA-256 of the canonical proof configuration (with the
/// document's `@context`), then SHA-256 of the canonical unsecured document.
fn hash_data(
    profile: &Profile,
    unsecured: &Map<String, Value>,
    proof_config: &Map<String, Value>,
) -> Result<[u8; 64], VerifyError> {
    let mut config = proof_config.clone();
    config.insert("@context".into(), profile.context().clone());
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&canonical_hash(profile, &config)?);
    out[32..].copy_from_slice(&canonical_hash(profile, unsecured)?);
    Ok(out)
}

/// Adds an `eddsa-rdfc-2022` proof (purpose `assertionMethod`) to `doc`, made with `key`,
/// named by `verification_method`, dated `created` (an `xsd:dateTime`).
pub fn sign(
    profile: &Profile,
    mut doc: Map<String, Value>,
    key: &Key,
    verification_method: &str,
    created: &str,
) -> Result<Map<String, Value>, VerifyError> {
    doc.remove("proof");
    let Value::Object(mut proof) = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }) else {
        unreachable!()
    };
    let data = hash_data(profile, &doc, &proof)?;
    let signature = key.0.sign(&data);
    proof.insert(
        "proofValue".into(),
        Value::String(format!(
            "z{}",
            bs58::encode(signature.to_bytes()).into_string()
        )),
    );
    doc.insert("proof".into(), Value::Object(proof));
    Ok(doc)
}

/// Verifies the one `eddsa-rdfc-2022` proof of `doc`; `key_of` names the public key of a
/// verification method (`None`: not the issuer's).
pub fn verify(
    profile: &Profile,
    doc: &Map<String, Value>,
    key_of: impl FnOnce(&str) -> Option<VerifyingKey>,
) -> Result<Verified, VerifyError> {
    let Some(Value::Object(proof)) = doc.get("proof") else {
        return Err(VerifyError::NoProof);
    };
    if proof.get("type") != Some(&json!("DataIntegrityProof"))
        || proof.get("cryptosuite") != Some(&json!(CRYPTOSUITE))
        || proof.get("proofPurpose") != Some(&json!("assertionMethod"))
    {
        return Err(VerifyError::NoProof);
    }
    let (Some(Value::String(method)), Some(Value::String(value))) =
        (proof.get("verificationMethod"), proof.get("proofValue"))
    else {
        return Err(VerifyError::NoProof);
    };
    let key = key_of(method).ok_or(VerifyError::UnknownKey)?;
    let signature: [u8; 64] = value
        .strip_prefix('z')
        .and_then(|v| bs58::decode(v).into_vec().ok())
        .and_then(|b| b.try_into().ok())
        .ok_or(VerifyError::BadSignature)?;
    let mut unsecured = doc.clone();
    unsecured.remove("proof");
    let mut config = proof.clone();
    config.remove("proofValue");
    let data = hash_data(profile, &unsecured, &config)?;
    key.verify_strict(&data, &ed25519_dalek::Signature::from_bytes(&signature))
        .map_err(|_| VerifyError::BadSignature)?;
    Ok(Verified {
        verification_method: method.clone(),
        created: proof
            .get("created")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

/// The `did:web` identifier of a site: `https://example.org:8443/portal` is
/// `did:web:example.org%3A8443:portal`. `None` for something that is not an http(s) URL.
pub fn did_web(public_url: &str) -> Option<String> {
    let rest = public_url
        .strip_prefix("https://")
        .or_else(|| public_url.strip_prefix("http://"))?;
    let rest = rest.trim_end_matches('/');
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if authority.is_empty() || authority.contains(['@', '?', '#']) {
        return None;
    }
    let mut did = format!("did:web:{}", authority.replace(':', "%3A"));
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        did.push(':');
        did.push_str(segment);
    }
    Some(did)
}

/// The DID document of `did` with these Ed25519 keys (Multikey), each usable to assert
/// credentials; verification method ids are `did#<publicKeyMultibase>`.
pub fn did_document(did: &str, keys: &[String]) -> Value {
    let methods: Vec<Value> = keys
        .iter()
        .map(|k| {
            json!({
                "id": format!("{did}#{k}"),
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": k,
            })
        })
        .collect();
    let ids: Vec<Value> = keys.iter().map(|k| json!(format!("{did}#{k}"))).collect();
    json!({
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/multikey/v1"
        ],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
    })
}

/// An `xsd:dateTime` (UTC, whole seconds) of milliseconds since the epoch.
pub fn date_time(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> Profile {
        Profile::with_vocabulary(
            "https://example.org/ns#",
            &["CopyCredential"],
            &["holderName", "number"],
        )
    }

    fn credential() -> Map<String, Value> {
        let p = profile();
        json!({
            "@context": p.context(),
            "id": "https://example.org/verify/abc",
            "type": ["VerifiableCredential", "CopyCredential"],
            "issuer": "did:web:example.org",
            "validFrom": "2026-01-01T00:00:00Z",
            "validUntil": "2026-03-01T00:00:00Z",
            "credentialSubject": {"holderName": "张𪚥", "number": "A-1"},
            "credentialStatus": {
                "id": "https://example.org/status/1#7",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "7",
                "statusListCredential": "https://example.org/status/1"
            }
        })
        .as_object()
        .unwrap()
        .clone()
    }

    #[test]
    fn signs_and_verifies_and_notices_changes() {
        let key = Key::from_seed(&[7u8; 32]);
        let method = format!("did:web:example.org#{}", key.public_multibase());
        let public = parse_multikey(&key.public_multibase()).unwrap();
        let signed = sign(
            &profile(),
            credential(),
            &key,
            &method,
            "2026-01-01T00:00:00Z",
        )
        .unwrap();
        let verified = verify(&profile(), &signed, |m| (m == method).then_some(public)).unwrap();
        assert_eq!(verified.verification_method, method);
        // Key order does not matter; values do.
        let reordered: Map<String, Value> = signed.clone().into_iter().rev().collect();
        assert!(verify(&profile(), &reordered, |_| Some(public)).is_ok());
        let mut changed = signed.clone();
        changed["credentialSubject"]["number"] = json!("A-2");
        assert_eq!(
            verify(&profile(), &changed, |_| Some(public)),
            Err(VerifyError::BadSignature)
        );
        let mut later = signed.clone();
        later["validUntil"] = json!("2027-03-01T00:00:00Z");
        assert_eq!(
            verify(&profile(), &later, |_| Some(public)),
            Err(VerifyError::BadSignature)
        );
        let other = Key::from_seed(&[8u8; 32]);
        let other_public = parse_multikey(&other.public_multibase()).unwrap();
        assert_eq!(
            verify(&profile(), &signed, |_| Some(other_public)),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            verify(&profile(), &signed, |_| None),
            Err(VerifyError::UnknownKey)
        );
        let mut unsigned = signed.clone();
        unsigned.remove("proof");
        assert_eq!(
            verify(&profile(), &unsigned, |_| Some(public)),
            Err(VerifyError::NoProof)
        );
    }

    #[test]
    fn multikeys_round_trip() {
        let key = Key::from_seed(&[1u8; 32]);
        let mb = key.public_multibase();
        assert!(mb.starts_with("z6Mk"), "{mb}");
        assert_eq!(
            parse_multikey(&mb).unwrap().as_bytes(),
            SigningKey::from_bytes(&[1u8; 32])
                .verifying_key()
                .as_bytes()
        );
        assert!(parse_multikey("zabc").is_none());
    }

    #[test]
    fn did_web_of_urls() {
        assert_eq!(
            did_web("https://certs.example.org").as_deref(),
            Some("did:web:certs.example.org")
        );
        assert_eq!(
            did_web("http://127.0.0.1:3000/").as_deref(),
            Some("did:web:127.0.0.1%3A3000")
        );
        assert_eq!(
            did_web("https://example.org/portal/x").as_deref(),
            Some("did:web:example.org:portal:x")
        );
        assert_eq!(did_web("ftp://x"), None);
    }

    #[test]
    fn date_times() {
        assert_eq!(date_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(date_time(1_780_000_000_123), "2026-05-28T20:26:40Z");
    }
}
