//! The annotated copy as a W3C Verifiable Credential 2.0 (issue 16): what goes into it, the
//! issuer's `did:web` and its keys, the revocation status list, and checking an uploaded
//! credential. The cryptography and the JSON-LD are the `vcred` crate's; this module decides
//! the content, as `server/src/copy.rs` does for the PDF.
//!
//! The credential carries the same data as the PDF copy: the certificate (name as
//! registered, masked ID number, qualification, level, specialty, number, issue date, issuing
//! body) and the annotation (scenario, number), `validFrom`/`validUntil` = the annotation's
//! window, its `id` the copy's verification link, and a `BitstringStatusListEntry` (purpose
//! `revocation`) whose bit is set while the copy must not be used: its certificate revoked,
//! the copy cancelled (作废) or withdrawn with its holder's account.

use crate::domain::{Annotation, Certificate, Millis};
use crate::storage::DynStorage;
use serde_json::{json, Map, Value};
use vcred::{Key, Profile};

/// The issuer's own classes, defined in the credential's inline context.
pub const CLASSES: &[&str] = &["AnnotatedCopyCredential", "AnnotatedCopy"];
/// The issuer's own properties (plain strings), defined in the credential's inline context.
pub const PROPERTIES: &[&str] = &[
    "holderName",
    "maskedIdNumber",
    "qualification",
    "level",
    "specialty",
    "certificateNumber",
    "issuedOn",
    "issuingBody",
    "scenario",
    "annotationNumber",
];

/// Where the issuer's terms live: under its public URL.
pub fn vocabulary(public_url: &str) -> String {
    format!("{public_url}/ns/certificate#")
}

/// The profile of an annotated copy credential issued at `public_url`.
pub fn copy_profile(public_url: &str) -> Profile {
    Profile::with_vocabulary(&vocabulary(public_url), CLASSES, PROPERTIES)
}

/// The issuer's DID: `did:web` of the public URL.
pub fn did(public_url: &str) -> String {
    vcred::did_web(public_url).unwrap_or_else(|| format!("did:web:{public_url}"))
}

/// The verification method id of a key (`did#<publicKeyMultibase>`).
pub fn verification_method(public_url: &str, public_key: &str) -> String {
    format!("{}#{public_key}", did(public_url))
}

/// The key credentials are signed with, and its public Multikey.
pub struct CredentialSigner {
    key: Key,
    public_key: String,
}

impl CredentialSigner {
    pub fn new(key: Key) -> Self {
        let public_key = key.public_multibase();
        CredentialSigner { key, public_key }
    }

    /// `z6Mk…`, as the registry and the DID document name it.
    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    fn sign(&self, public_url: &str, profile: &Profile, doc: Value, now: Millis) -> Value {
        let Value::Object(doc) = doc else {
            unreachable!("credentials are objects")
        };
        let method = verification_method(public_url, &self.public_key);
        match vcred::sign(profile, doc, &self.key, &method, &vcred::date_time(now)) {
            Ok(signed) => Value::Object(signed),
            // Only a document outside the profile fails, which these functions never build.
            Err(err) => panic!("signing a credential of the wrong shape: {err}"),
        }
    }
}

/// The file name of a copy's credential: `<certificate number>_<annotation number>.jsonld`.
pub fn file_name(certificate_number: &str, annotation_number: &str) -> String {
    format!("{certificate_number}_{annotation_number}.jsonld")
}

/// The signed credential of a ready copy, with its status-list entry `(list, index)`.
pub fn annotated_copy(
    public_url: &str,
    signer: &CredentialSigner,
    annotation: &Annotation,
    certificate: &Certificate,
    (list, index): (i64, i64),
    now: Millis,
) -> Value {
    let profile = copy_profile(public_url);
    let r = &certificate.record;
    let status_list = crate::urls::credential_status_list_at(public_url, list);
    let scenario = annotation.scenario.label();
    let doc = json!({
        "@context": profile.context(),
        "id": crate::urls::verify_code_at(public_url, &annotation.code),
        "type": ["VerifiableCredential", "AnnotatedCopyCredential"],
        "issuer": did(public_url),
        "name": format!("{}（电子证书加注件）", r.qualification),
        "validFrom": vcred::date_time(annotation.valid_from.unwrap_or(now)),
        "validUntil": vcred::date_time(annotation.valid_until.unwrap_or(now)),
        "credentialSubject": {
            "type": "AnnotatedCopy",
            "holderName": r.holder_name.as_str(),
            "maskedIdNumber": r.holder_id.masked(),
            "qualification": r.qualification,
            "level": r.level,
            "specialty": r.specialty,
            "certificateNumber": r.number,
            "issuedOn": r.issued_on.to_string(),
            "issuingBody": r.issuer,
            "scenario": scenario.text(crate::i18n::Lang::Zh),
            "annotationNumber": annotation.number,
        },
        "credentialStatus": {
            "id": format!("{status_list}#{index}"),
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": index.to_string(),
            "statusListCredential": status_list,
        },
    });
    signer.sign(public_url, &profile, doc, now)
}

/// The signed status list credential `list`, with the bits of `revoked` set.
pub fn status_list(
    public_url: &str,
    signer: &CredentialSigner,
    list: i64,
    revoked: &[i64],
    now: Millis,
) -> Value {
    let mut bits = vcred::status::Bitstring::default();
    for index in revoked {
        if let Ok(index) = u32::try_from(*index) {
            bits.set(index);
        }
    }
    let url = crate::urls::credential_status_list_at(public_url, list);
    let profile = Profile::credentials_v2();
    let doc = json!({
        "@context": profile.context(),
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did(public_url),
        "validFrom": vcred::date_time(now),
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": bits.encode(),
        },
    });
    signer.sign(public_url, &profile, doc, now)
}

/// The issuer's DID document: every credential key not retired, so that what older keys
/// signed keeps verifying after a rotation; a retired key is left out.
pub async fn did_document(
    storage: &DynStorage,
    public_url: &str,
) -> Result<Value, crate::storage::StorageError> {
    let keys: Vec<String> = storage
        .credential_keys()
        .await?
        .into_iter()
        .filter(|k| k.retired_at.is_none())
        .map(|k| k.public_key)
        .collect();
    Ok(vcred::did_document(&did(public_url), &keys))
}

/// Whether an upload looks like a JSON document rather than a PDF.
pub fn looks_like_json(bytes: &[u8]) -> bool {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    start
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{')
}

/// What checking a credential's proof found.
#[derive(Debug, PartialEq, Eq)]
pub enum Checked {
    /// Genuine: issued by this issuer with a trusted key, for the copy with this code.
    Copy {
        code: String,
    },
    NoProof,
    /// Another issuer, or a key this issuer never had.
    UnknownIssuer,
    /// Signed with a key the issuer has retired.
    RetiredKey,
    /// Changed after signing, or not a credential of the expected shape.
    Modified,
    /// Genuine, but naming no copy of this site.
    UnknownDocument,
}

/// Checks an uploaded credential's issuer and proof against the registered keys (retired
/// ones included, for their own answer).
pub async fn check(
    storage: &DynStorage,
    public_url: &str,
    doc: &Map<String, Value>,
) -> Result<Checked, crate::storage::StorageError> {
    let issuer_did = did(public_url);
    let issuer = match doc.get("issuer") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(Value::Object(o)) => o.get("id").and_then(Value::as_str),
        _ => None,
    };
    if issuer != Some(issuer_did.as_str()) {
        return Ok(Checked::UnknownIssuer);
    }
    let keys = storage.credential_keys().await?;
    let prefix = format!("{issuer_did}#");
    let mut retired = false;
    let verified = vcred::verify(&copy_profile(public_url), doc, |method| {
        let fragment = method.strip_prefix(&prefix)?;
        let key = keys.iter().find(|k| k.public_key == fragment)?;
        retired = key.retired_at.is_some();
        vcred::parse_multikey(&key.public_key)
    });
    match verified {
        Ok(_) if retired => return Ok(Checked::RetiredKey),
        Ok(_) => {}
        Err(vcred::VerifyError::NoProof) => return Ok(Checked::NoProof),
        Err(vcred::VerifyError::UnknownKey) => return Ok(Checked::UnknownIssuer),
        Err(err) => {
            tracing::info!(%err, "uploaded credential does not verify");
            return Ok(Checked::Modified);
        }
    }
    let link_prefix = crate::urls::verify_code_at(public_url, "");
    Ok(
        match doc
            .get("id")
            .and_then(Value::as_str)
            .and_then(|id| id.strip_prefix(&link_prefix))
        {
            Some(code) if !code.is_empty() => Checked::Copy {
                code: code.to_string(),
            },
            _ => Checked::UnknownDocument,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_told_from_pdf() {
        assert!(looks_like_json(b"  \n{\"a\":1}"));
        assert!(looks_like_json(b"\xEF\xBB\xBF{}"));
        assert!(!looks_like_json(b"%PDF-1.7"));
        assert!(!looks_like_json(b""));
    }

    #[test]
    fn file_names_and_ids() {
        assert_eq!(file_name("C-1", "JZ1"), "C-1_JZ1.jsonld");
        assert_eq!(did("http://127.0.0.1:3000"), "did:web:127.0.0.1%3A3000");
        assert_eq!(
            verification_method("https://x.org", "z6Mkabc"),
            "did:web:x.org#z6Mkabc"
        );
    }
}

/// How long a wallet link, and the QR code that holds it, fetches the credential.
pub const WALLET_LINK_MINUTES: i64 = 10;

/// What a wallet link's tag is made for ([`crate::storage::DataKeys::tag`]).
const WALLET_LINK_PURPOSE: &str = "wallet-link";

/// A link for a digital wallet to take the holder's credential without the holder's session:
/// a wallet on the holder's phone scans it off the copy's page. It names the copy and when it
/// stops working, with a keyed tag showing that this deployment made it for the copy's owner,
/// so nothing is stored and a changed code or time is refused. Each fetch checks the copy
/// again (ready, unexpired, not cancelled, its certificate standing), like the download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalletLink {
    pub code: String,
    pub until: Millis,
}

impl WalletLink {
    /// A link to the copy `code`, working for [`WALLET_LINK_MINUTES`] from `now`.
    pub fn new(code: &str, now: Millis) -> WalletLink {
        WalletLink {
            code: code.to_string(),
            until: now + WALLET_LINK_MINUTES * 60_000,
        }
    }

    /// The link's path segment: `<code>.<until>.<tag>`.
    pub fn token(&self, keys: &crate::storage::DataKeys) -> String {
        let signed = self.signed_part();
        let tag = keys.tag(WALLET_LINK_PURPOSE, &signed);
        format!("{signed}.{tag}")
    }

    /// The link a token stands for, if this deployment made it; expired or not.
    pub fn parse(token: &str, keys: &crate::storage::DataKeys) -> Option<WalletLink> {
        let (signed, tag) = token.rsplit_once('.')?;
        let (code, until) = signed.split_once('.')?;
        let link = WalletLink {
            code: code.to_string(),
            until: until.parse().ok()?,
        };
        // Only the exact text that was tagged (no sign, no leading zeros) is accepted.
        (link.signed_part() == signed && keys.tag_matches(WALLET_LINK_PURPOSE, signed, tag))
            .then_some(link)
    }

    pub fn expired(&self, now: Millis) -> bool {
        now >= self.until
    }

    fn signed_part(&self) -> String {
        format!("{}.{}", self.code, self.until)
    }
}

#[cfg(test)]
mod wallet_link_tests {
    use super::*;
    use crate::storage::DataKeys;

    fn keys() -> DataKeys {
        DataKeys::parse(&DataKeys::generate_text()).unwrap()
    }

    #[test]
    fn a_link_parses_back_only_unchanged_and_with_its_deployments_key() {
        let keys = keys();
        let link = WalletLink::new("abcdefghjk23456789", 1_000);
        assert_eq!(link.until, 1_000 + 600_000);
        let token = link.token(&keys);
        assert_eq!(WalletLink::parse(&token, &keys), Some(link.clone()));
        assert!(!link.expired(600_999));
        assert!(link.expired(601_000));

        let later = token.replace(".601000.", ".999999999.");
        assert_eq!(WalletLink::parse(&later, &keys), None, "a moved expiry");
        let other = token.replace("abcdefghjk", "bbcdefghjk");
        assert_eq!(WalletLink::parse(&other, &keys), None, "another copy");
        let padded = token.replace(".601000.", ".0601000.");
        assert_eq!(
            WalletLink::parse(&padded, &keys),
            None,
            "the same time written otherwise"
        );
        assert_eq!(
            WalletLink::parse(&token, &self::keys()),
            None,
            "another deployment"
        );
        for junk in ["", ".", "..", "a.b.c", "abc.1", &token[..token.len() - 1]] {
            assert_eq!(WalletLink::parse(junk, &keys), None, "{junk}");
        }
    }
}
