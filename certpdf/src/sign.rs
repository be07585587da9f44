//! The issuer's key and certificate, and PAdES B-B (CAdES detached) CMS
//! signatures over a PDF's byte ranges.

use std::time::{Duration, SystemTime};

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{BitString, OctetString, SetOfVec};
use der::{Any, Decode, DecodePem, Encode, EncodePem, Sequence, Tag, Tagged};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey};
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, ObjectIdentifier, SubjectPublicKeyInfoOwned};
use x509_cert::attr::{Attribute, AttributeTypeAndValue};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, KeyUsage, KeyUsages, SubjectKeyIdentifier,
};
use x509_cert::ext::Extension;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use x509_cert::{Certificate, TbsCertificate, Version};

use crate::error::Error;

pub(crate) const OID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
pub(crate) const OID_SIGNED_DATA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
pub(crate) const OID_CONTENT_TYPE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
pub(crate) const OID_MESSAGE_DIGEST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
pub(crate) const OID_SIGNING_CERT_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
pub(crate) const OID_SHA256: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
pub(crate) const OID_ECDSA_SHA256: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const OID_O: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const OID_C: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
const OID_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const OID_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const OID_SKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const OID_AKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");

/// `IssuerSerial` from RFC 5035 (inside ESSCertIDv2).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct IssuerSerial {
    pub issuer: Vec<GeneralName>,
    pub serial_number: SerialNumber,
}

/// `ESSCertIDv2`; `hashAlgorithm` is omitted because SHA-256 is its DER
/// default.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct EssCertIdV2 {
    pub cert_hash: OctetString,
    pub issuer_serial: Option<IssuerSerial>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub(crate) struct SigningCertificateV2 {
    pub certs: Vec<EssCertIdV2>,
}

pub(crate) fn sha256_alg() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: OID_SHA256,
        parameters: None,
    }
}

fn ecdsa_sha256_alg() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: OID_ECDSA_SHA256,
        parameters: None,
    }
}

fn key_err(e: impl std::fmt::Display) -> Error {
    Error::Key(e.to_string())
}

/// A certificate that `verify_signed_pdf` accepts signatures from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedCert {
    der: Vec<u8>,
    fingerprint: [u8; 32],
    /// Parsed once so that verification does not re-parse every trusted
    /// certificate per upload.
    cert: Certificate,
    key: Option<VerifyingKey>,
}

impl TrustedCert {
    pub fn from_der(der: &[u8]) -> Result<TrustedCert, Error> {
        let cert = Certificate::from_der(der).map_err(key_err)?;
        let key = p256_key(&cert);
        Ok(TrustedCert {
            der: der.to_vec(),
            fingerprint: Sha256::digest(der).into(),
            cert,
            key,
        })
    }

    pub fn from_pem(pem: &str) -> Result<TrustedCert, Error> {
        let cert = Certificate::from_pem(pem).map_err(key_err)?;
        TrustedCert::from_der(&cert.to_der().map_err(key_err)?)
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// SHA-256 of the certificate DER.
    pub fn fingerprint_sha256(&self) -> [u8; 32] {
        self.fingerprint
    }

    pub(crate) fn cert(&self) -> &Certificate {
        &self.cert
    }

    /// The certificate's key if it is an ECDSA P-256 key.
    pub(crate) fn key(&self) -> Option<&VerifyingKey> {
        self.key.as_ref()
    }
}

fn p256_key(cert: &Certificate) -> Option<VerifyingKey> {
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    if spki.algorithm.oid != OID_EC_PUBLIC_KEY || curve != Some(OID_P256) {
        return None;
    }
    VerifyingKey::from_sec1_bytes(spki.subject_public_key.raw_bytes()).ok()
}

impl From<&IssuerKey> for TrustedCert {
    fn from(k: &IssuerKey) -> TrustedCert {
        TrustedCert {
            der: k.cert_der.clone(),
            fingerprint: k.fingerprint,
            cert: k.cert.clone(),
            key: Some(*k.signing.verifying_key()),
        }
    }
}

/// An ECDSA P-256 signing key with its X.509 certificate. Parse once and
/// share; signing takes `&self`.
#[derive(Clone)]
pub struct IssuerKey {
    signing: SigningKey,
    cert: Certificate,
    cert_der: Vec<u8>,
    fingerprint: [u8; 32],
    /// The content-type and signing-certificate-v2 attributes, which are
    /// the same for every signature.
    fixed_attrs: [Attribute; 2],
    /// Upper bound of the CMS DER length, for the /Contents placeholder.
    cms_max_len: usize,
}

impl std::fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuerKey")
            .field("subject", &self.cert.tbs_certificate.subject.to_string())
            .field("fingerprint", &hex(&self.fingerprint))
            .finish_non_exhaustive()
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn utf8_any(s: &str) -> Result<Any, Error> {
    Any::new(Tag::Utf8String, s.as_bytes()).map_err(key_err)
}

fn rdn(oid: ObjectIdentifier, value: Any) -> Result<RelativeDistinguishedName, Error> {
    Ok(RelativeDistinguishedName(
        SetOfVec::try_from(vec![AttributeTypeAndValue { oid, value }]).map_err(key_err)?,
    ))
}

fn extension(
    oid: ObjectIdentifier,
    critical: bool,
    value: &impl Encode,
) -> Result<Extension, Error> {
    Ok(Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(value.to_der().map_err(key_err)?).map_err(key_err)?,
    })
}

fn time(t: SystemTime) -> Result<Time, Error> {
    Time::try_from(t).map_err(key_err)
}

impl IssuerKey {
    /// A fresh P-256 key with a self-signed end-entity certificate for
    /// document signing (keyUsage digitalSignature + nonRepudiation,
    /// critical; not a CA). Subject: C=CN, O=`organization`, CN=`common_name`.
    pub fn generate_self_signed(
        common_name: &str,
        organization: &str,
        valid_days: u32,
    ) -> Result<IssuerKey, Error> {
        let now = SystemTime::now();
        // Backdate slightly to tolerate verifiers with a lagging clock.
        let not_before = now - Duration::from_secs(300);
        let not_after = now + Duration::from_secs(u64::from(valid_days.max(1)) * 86_400);
        IssuerKey::generate_self_signed_between(common_name, organization, not_before, not_after)
    }

    /// As [`IssuerKey::generate_self_signed`], with the certificate valid from `not_before`
    /// to `not_after` (e.g. a certificate that has already expired, to test a verifier).
    pub fn generate_self_signed_between(
        common_name: &str,
        organization: &str,
        not_before: SystemTime,
        not_after: SystemTime,
    ) -> Result<IssuerKey, Error> {
        if not_after <= not_before {
            return Err(Error::InvalidInput(
                "not_after must be later than not_before".into(),
            ));
        }
        if common_name.is_empty() {
            return Err(Error::InvalidInput("common_name must not be empty".into()));
        }
        let signing = SigningKey::random(&mut rand_core::OsRng);
        let verifying = VerifyingKey::from(&signing);
        let spki = SubjectPublicKeyInfoOwned::from_key(verifying).map_err(key_err)?;
        let key_id = &Sha256::digest(spki.subject_public_key.raw_bytes())[..20];

        let mut rdns = vec![rdn(
            OID_C,
            Any::new(Tag::PrintableString, b"CN".as_slice()).map_err(key_err)?,
        )?];
        if !organization.is_empty() {
            rdns.push(rdn(OID_O, utf8_any(organization)?)?);
        }
        rdns.push(rdn(OID_CN, utf8_any(common_name)?)?);
        let name: Name = RdnSequence(rdns);

        let mut serial = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut serial);
        serial[0] &= 0x7f;
        serial[0] |= 0x01; // positive and without a leading zero byte
        let extensions = vec![
            extension(
                OID_KEY_USAGE,
                true,
                &KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation),
            )?,
            extension(
                OID_BASIC_CONSTRAINTS,
                true,
                &BasicConstraints {
                    ca: false,
                    path_len_constraint: None,
                },
            )?,
            extension(
                OID_SKI,
                false,
                &SubjectKeyIdentifier(OctetString::new(key_id).map_err(key_err)?),
            )?,
            extension(
                OID_AKI,
                false,
                &AuthorityKeyIdentifier {
                    key_identifier: Some(OctetString::new(key_id).map_err(key_err)?),
                    authority_cert_issuer: None,
                    authority_cert_serial_number: None,
                },
            )?,
        ];
        let tbs = TbsCertificate {
            version: Version::V3,
            serial_number: SerialNumber::new(&serial).map_err(key_err)?,
            signature: ecdsa_sha256_alg(),
            issuer: name.clone(),
            validity: Validity {
                not_before: time(not_before)?,
                not_after: time(not_after)?,
            },
            subject: name,
            subject_public_key_info: spki,
            issuer_unique_id: None,
            subject_unique_id: None,
            extensions: Some(extensions),
        };
        let sig: DerSignature = signing.sign(&tbs.to_der().map_err(key_err)?);
        let cert = Certificate {
            tbs_certificate: tbs,
            signature_algorithm: ecdsa_sha256_alg(),
            signature: BitString::from_bytes(sig.as_bytes()).map_err(key_err)?,
        };
        IssuerKey::assemble(signing, cert)
    }

    /// Loads a PKCS#8 private key (SEC 1 `EC PRIVATE KEY` is accepted too)
    /// and a PEM certificate, checking that the certificate is for this key.
    pub fn from_pem(key_pem: &str, cert_pem: &str) -> Result<IssuerKey, Error> {
        let signing = match SigningKey::from_pkcs8_pem(key_pem) {
            Ok(k) => k,
            Err(e) => p256::SecretKey::from_sec1_pem(key_pem)
                .map(SigningKey::from)
                .map_err(|_| key_err(e))?,
        };
        let cert = Certificate::from_pem(cert_pem).map_err(key_err)?;
        IssuerKey::assemble(signing, cert)
    }

    fn assemble(signing: SigningKey, cert: Certificate) -> Result<IssuerKey, Error> {
        let cert_key = p256_key(&cert)
            .ok_or_else(|| Error::Key("certificate key is not ECDSA P-256".into()))?;
        if cert_key != *signing.verifying_key() {
            return Err(Error::Key(
                "private key does not match the certificate".into(),
            ));
        }
        let cert_der = cert.to_der().map_err(key_err)?;
        let fingerprint: [u8; 32] = Sha256::digest(&cert_der).into();

        let content_type = Attribute {
            oid: OID_CONTENT_TYPE,
            values: SetOfVec::try_from(vec![Any::encode_from(&OID_DATA).map_err(key_err)?])
                .map_err(key_err)?,
        };
        let ess = SigningCertificateV2 {
            certs: vec![EssCertIdV2 {
                cert_hash: OctetString::new(fingerprint.to_vec()).map_err(key_err)?,
                issuer_serial: Some(IssuerSerial {
                    issuer: vec![GeneralName::DirectoryName(
                        cert.tbs_certificate.issuer.clone(),
                    )],
                    serial_number: cert.tbs_certificate.serial_number.clone(),
                }),
            }],
        };
        let signing_cert = Attribute {
            oid: OID_SIGNING_CERT_V2,
            values: SetOfVec::try_from(vec![Any::encode_from(&ess).map_err(key_err)?])
                .map_err(key_err)?,
        };
        let mut key = IssuerKey {
            signing,
            cert,
            cert_der,
            fingerprint,
            fixed_attrs: [content_type, signing_cert],
            cms_max_len: 0,
        };
        // DER ECDSA P-256 signatures are at most 72 bytes; a CMS built with
        // a 72-byte stand-in is therefore the largest this key can produce.
        key.cms_max_len = key.cms_with_signature(&[0u8; 32], &[0x30; 72])?.len();
        Ok(key)
    }

    /// `(PKCS#8 private key PEM, certificate PEM)`.
    pub fn to_pem(&self) -> (String, String) {
        let key = self
            .signing
            .to_pkcs8_pem(LineEnding::LF)
            .map(|z| z.to_string())
            .unwrap_or_default();
        let cert = self
            .cert
            .to_pem(der::pem::LineEnding::LF)
            .unwrap_or_default();
        (key, cert)
    }

    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    /// SHA-256 of the certificate DER.
    pub fn fingerprint_sha256(&self) -> [u8; 32] {
        self.fingerprint
    }

    /// The subject's common name (UTF8String, PrintableString, IA5String or
    /// TeletexString as plain ASCII).
    pub fn subject_common_name(&self) -> Option<String> {
        self.cert
            .tbs_certificate
            .subject
            .0
            .iter()
            .flat_map(|r| r.0.iter())
            .find_map(|atv| {
                if atv.oid != OID_CN {
                    return None;
                }
                let v = &atv.value;
                match v.tag() {
                    Tag::Utf8String
                    | Tag::PrintableString
                    | Tag::Ia5String
                    | Tag::TeletexString => std::str::from_utf8(v.value()).ok().map(str::to_owned),
                    _ => None,
                }
            })
    }

    pub fn not_before(&self) -> SystemTime {
        self.cert
            .tbs_certificate
            .validity
            .not_before
            .to_system_time()
    }

    pub fn not_after(&self) -> SystemTime {
        self.cert
            .tbs_certificate
            .validity
            .not_after
            .to_system_time()
    }

    pub fn trusted_cert(&self) -> TrustedCert {
        TrustedCert::from(self)
    }

    pub(crate) fn cms_max_len(&self) -> usize {
        self.cms_max_len
    }

    fn signed_attrs(&self, digest: &[u8; 32]) -> Result<SetOfVec<Attribute>, Error> {
        let md = Attribute {
            oid: OID_MESSAGE_DIGEST,
            values: SetOfVec::try_from(vec![Any::encode_from(
                &OctetString::new(digest.to_vec()).map_err(key_err)?,
            )
            .map_err(key_err)?])
            .map_err(key_err)?,
        };
        SetOfVec::try_from(vec![
            self.fixed_attrs[0].clone(),
            md,
            self.fixed_attrs[1].clone(),
        ])
        .map_err(key_err)
    }

    fn cms_with_signature(&self, digest: &[u8; 32], sig: &[u8]) -> Result<Vec<u8>, Error> {
        let attrs = self.signed_attrs(digest)?;
        self.assemble_cms(attrs, sig)
    }

    fn assemble_cms(&self, attrs: SetOfVec<Attribute>, sig: &[u8]) -> Result<Vec<u8>, Error> {
        let tbs = &self.cert.tbs_certificate;
        let si = SignerInfo {
            version: CmsVersion::V1,
            sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
                issuer: tbs.issuer.clone(),
                serial_number: tbs.serial_number.clone(),
            }),
            digest_alg: sha256_alg(),
            signed_attrs: Some(attrs),
            signature_algorithm: ecdsa_sha256_alg(),
            signature: OctetString::new(sig).map_err(key_err)?,
            unsigned_attrs: None,
        };
        let sd = SignedData {
            version: CmsVersion::V1,
            digest_algorithms: SetOfVec::try_from(vec![sha256_alg()]).map_err(key_err)?,
            encap_content_info: EncapsulatedContentInfo {
                econtent_type: OID_DATA,
                econtent: None,
            },
            certificates: Some(CertificateSet(
                SetOfVec::try_from(vec![CertificateChoices::Certificate(self.cert.clone())])
                    .map_err(key_err)?,
            )),
            crls: None,
            signer_infos: SignerInfos(SetOfVec::try_from(vec![si]).map_err(key_err)?),
        };
        let ci = ContentInfo {
            content_type: OID_SIGNED_DATA,
            content: Any::encode_from(&sd).map_err(key_err)?,
        };
        ci.to_der().map_err(key_err)
    }

    /// A detached CAdES signature (DER `ContentInfo`) for a SHA-256 digest
    /// of the signed bytes: signed attributes content-type, message-digest
    /// and signing-certificate-v2; no signing-time (PAdES keeps the time in
    /// the signature dictionary's /M).
    pub(crate) fn sign_digest(&self, digest: &[u8; 32]) -> Result<Vec<u8>, Error> {
        let attrs = self.signed_attrs(digest)?;
        let to_sign = attrs.to_der().map_err(key_err)?;
        let sig: DerSignature = self.signing.sign(&to_sign);
        self.assemble_cms(attrs, sig.as_bytes())
    }
}

/// Fills the placeholders left by the PDF writer: first /ByteRange (it is
/// inside the signed bytes), then the CMS over everything but /Contents.
pub(crate) fn apply_signature(
    pdf: &mut [u8],
    slots: &crate::pdf::SigSlots,
    key: &IssuerKey,
) -> Result<(), Error> {
    let a = slots.contents_at;
    let b = a + slots.contents_len;
    let c = pdf
        .len()
        .checked_sub(b)
        .ok_or_else(|| Error::Pdf("Contents beyond EOF".into()))?;
    let mut range = format!("[0 {a} {b} {c}]");
    if range.len() > slots.byte_range_len {
        return Err(Error::Pdf(
            "file too large for the ByteRange placeholder".into(),
        ));
    }
    while range.len() < slots.byte_range_len {
        range.push(' ');
    }
    pdf[slots.byte_range_at..slots.byte_range_at + slots.byte_range_len]
        .copy_from_slice(range.as_bytes());

    let mut h = Sha256::new();
    h.update(&pdf[..a]);
    h.update(&pdf[b..]);
    let digest: [u8; 32] = h.finalize().into();
    let cms = key.sign_digest(&digest)?;
    let hex_room = slots.contents_len - 2;
    if cms.len() * 2 > hex_room {
        return Err(Error::Pdf("signature larger than its placeholder".into()));
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let dst = &mut pdf[a + 1..b - 1];
    for (i, byte) in cms.iter().enumerate() {
        dst[2 * i] = HEX[(byte >> 4) as usize];
        dst[2 * i + 1] = HEX[(byte & 15) as usize];
    }
    dst[cms.len() * 2..].fill(b'0');
    Ok(())
}
