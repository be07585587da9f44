//! Verification of uploaded (untrusted) signed PDFs.
//!
//! Deliberately narrow: only files shaped like the ones this crate writes
//! are accepted. The signature must cover the whole file except its own
//! /Contents hex string, so any appended incremental update, second
//! signature or edit is refused before any cryptography runs.

use cms::cert::CertificateChoices;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{SignedData, SignerIdentifier};
use der::asn1::OctetString;
use der::{Decode, Encode, Reader, SliceReader};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::DerSignature;
use sha2::{Digest, Sha256};
use spki::ObjectIdentifier;

use crate::sign::{
    SigningCertificateV2, TrustedCert, OID_CONTENT_TYPE, OID_DATA, OID_ECDSA_SHA256,
    OID_MESSAGE_DIGEST, OID_SHA256, OID_SIGNED_DATA, OID_SIGNING_CERT_V2,
};

/// Files larger than this are refused without being examined further.
pub const MAX_PDF_LEN: usize = 16 * 1024 * 1024;
/// Upper bound of the /Contents hex string (our CMS objects are ~1 KB).
const MAX_CONTENTS_HEX: usize = 32 * 1024;
const MAX_CODE_LEN: usize = 64;

/// Why a PDF was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("not a PDF file")]
    NotPdf,
    #[error("the PDF carries no digital signature")]
    NoSignature,
    #[error("the PDF carries more than one signature")]
    MultipleSignatures,
    #[error("the PDF was changed after signing (content outside the signed byte range)")]
    Modified,
    #[error("the signature was not made by a trusted issuer certificate")]
    UnknownSigner,
    #[error("the signed content does not match the signature's digest (the file was altered)")]
    BadDigest,
    #[error("the cryptographic signature is invalid")]
    BadSignature,
    #[error("the signing time is outside the validity of the signing certificate")]
    OutsideValidity,
    #[error("malformed signature data: {0}")]
    Malformed(&'static str),
}

impl VerifyError {
    /// A short explanation in Chinese for showing to verifiers.
    pub fn message_zh(&self) -> &'static str {
        match self {
            VerifyError::NotPdf => "上传的文件不是 PDF 文件",
            VerifyError::NoSignature => "文件没有数字签名",
            VerifyError::MultipleSignatures => "文件包含多个签名，不是本系统生成的加注件",
            VerifyError::Modified => "文件在签名后被追加或修改",
            VerifyError::UnknownSigner => "签名不是由本系统的发证机构证书生成",
            VerifyError::BadDigest => "文件内容与签名不符，已被篡改",
            VerifyError::BadSignature => "数字签名无效",
            VerifyError::OutsideValidity => "签名时间不在签名证书的有效期内",
            VerifyError::Malformed(_) => "签名数据格式错误",
        }
    }
}

/// What a successful verification establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedPdf {
    /// The code stored (signed) in the document information as `/AnnotationCode`: the
    /// [`crate::CertificateDocument::verification_code`] the file was rendered with.
    pub annotation_code: String,
    /// SHA-256 of the signer certificate (one of the trusted ones).
    pub signer_fingerprint: [u8; 32],
    /// The signature dictionary's /M as `YYYY-MM-DDTHH:MM:SSZ` (or the raw
    /// PDF date if it has an offset), when present.
    pub signed_at: Option<String>,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_ws(b[i]) {
        i += 1;
    }
    i
}

fn parse_uint(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let start = i;
    let mut v: usize = 0;
    let mut j = i;
    while j < b.len() && b[j].is_ascii_digit() {
        if j - start >= 12 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((b[j] - b'0') as usize)?;
        j += 1;
    }
    (j > start).then_some((v, j))
}

fn parse_byte_range(b: &[u8], at: usize) -> Option<[usize; 4]> {
    let mut i = skip_ws(b, at + b"/ByteRange".len());
    if b.get(i) != Some(&b'[') {
        return None;
    }
    let mut out = [0usize; 4];
    i += 1;
    for slot in &mut out {
        i = skip_ws(b, i);
        let (v, j) = parse_uint(b, i)?;
        *slot = v;
        i = j;
    }
    i = skip_ws(b, i);
    (b.get(i) == Some(&b']')).then_some(out)
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Reads a PDF literal string starting at `(`; only the escapes a simple
/// ASCII value can contain are supported.
fn literal_string(b: &[u8], i: usize, max: usize) -> Option<Vec<u8>> {
    if b.get(i) != Some(&b'(') {
        return None;
    }
    let mut out = Vec::new();
    let mut j = i + 1;
    loop {
        let c = *b.get(j)?;
        match c {
            b')' => return Some(out),
            b'(' => return None,
            b'\\' => {
                let e = *b.get(j + 1)?;
                out.push(match e {
                    b'\\' | b'(' | b')' => e,
                    _ => return None,
                });
                j += 2;
            }
            _ => {
                out.push(c);
                j += 1;
            }
        }
        if out.len() > max {
            return None;
        }
    }
}

fn find_key_value(b: &[u8], key: &[u8], max: usize) -> Option<Vec<u8>> {
    let mut it = memchr::memmem::find_iter(b, key);
    let at = it.next()?;
    if it.next().is_some() {
        return None;
    }
    let i = skip_ws(b, at + key.len());
    literal_string(b, i, max)
}

fn pdf_date_to_iso(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw).into_owned();
    let d = s.strip_prefix("D:").unwrap_or(&s);
    let digits = d.as_bytes();
    if digits.len() >= 14
        && digits[..14].iter().all(u8::is_ascii_digit)
        && matches!(&d[14..], "Z" | "" | "+00'00" | "+00'00'")
    {
        format!(
            "{}-{}-{}T{}:{}:{}Z",
            &d[0..4],
            &d[4..6],
            &d[6..8],
            &d[8..10],
            &d[10..12],
            &d[12..14]
        )
    } else {
        s
    }
}

/// A PDF date (`D:YYYYMMDDHHmmSS` with `Z`, no offset or `+00'00`, as this crate writes
/// them, or another `+HH'mm`/`-HH'mm` offset) as a point in time.
fn pdf_date_to_time(raw: &[u8]) -> Option<std::time::SystemTime> {
    let d = raw.strip_prefix(b"D:").unwrap_or(raw);
    if d.len() < 14 || !d[..14].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        std::str::from_utf8(&d[r]).ok()?.parse().ok()
    };
    let local = der::DateTime::new(
        u16::try_from(num(0..4)?).ok()?,
        u8::try_from(num(4..6)?).ok()?,
        u8::try_from(num(6..8)?).ok()?,
        u8::try_from(num(8..10)?).ok()?,
        u8::try_from(num(10..12)?).ok()?,
        u8::try_from(num(12..14)?).ok()?,
    )
    .ok()?
    .to_system_time();
    let offset = &d[14..];
    let (sign, rest) = match offset.first() {
        None | Some(b'Z') => return Some(local),
        Some(b'+') => (1i64, &offset[1..]),
        Some(b'-') => (-1i64, &offset[1..]),
        _ => return None,
    };
    let digits: Vec<u8> = rest.iter().copied().filter(u8::is_ascii_digit).collect();
    if digits.len() < 2 {
        return None;
    }
    let hours: i64 = std::str::from_utf8(&digits[..2]).ok()?.parse().ok()?;
    let minutes: i64 = match digits.get(2..4) {
        Some(m) => std::str::from_utf8(m).ok()?.parse().ok()?,
        None => 0,
    };
    let shift = std::time::Duration::from_secs(((hours * 60 + minutes) * 60) as u64);
    // Local time minus a positive offset is UTC.
    if sign > 0 {
        local.checked_sub(shift)
    } else {
        local.checked_add(shift)
    }
}

/// Verifies a PDF produced by [`crate::render_certificate_pdf`]
/// against the given trusted issuer certificates. Never panics; memory use
/// is bounded by the input size and small fixed limits.
pub fn verify_signed_pdf(
    bytes: &[u8],
    trusted: &[TrustedCert],
) -> Result<VerifiedPdf, VerifyError> {
    if !bytes.starts_with(b"%PDF-") {
        return Err(VerifyError::NotPdf);
    }
    if bytes.len() > MAX_PDF_LEN {
        return Err(VerifyError::Malformed("file too large"));
    }
    let len = bytes.len();

    let mut hits = memchr::memmem::find_iter(bytes, b"/ByteRange");
    let br_at = hits.next().ok_or(VerifyError::NoSignature)?;
    if hits.next().is_some() {
        return Err(VerifyError::MultipleSignatures);
    }
    let [r0, a, b, c] =
        parse_byte_range(bytes, br_at).ok_or(VerifyError::Malformed("unreadable /ByteRange"))?;
    if r0 != 0 || a >= b {
        return Err(VerifyError::Malformed("unexpected /ByteRange"));
    }
    if b.checked_add(c) != Some(len) || b > len {
        return Err(VerifyError::Modified);
    }
    // The gap must be exactly the /Contents hex string of this dictionary.
    let gap = &bytes[a..b];
    if gap.len() < 2 || gap[0] != b'<' || gap[gap.len() - 1] != b'>' {
        return Err(VerifyError::Malformed("/ByteRange gap is not a hex string"));
    }
    if !(br_at + 10 <= a || br_at >= b) {
        return Err(VerifyError::Malformed("/ByteRange inside the unsigned gap"));
    }
    let before = &bytes[..a];
    let key_end = {
        let mut i = a;
        while i > 0 && is_ws(bytes[i - 1]) {
            i -= 1;
        }
        i
    };
    if !before[..key_end].ends_with(b"/Contents") {
        return Err(VerifyError::Malformed("/ByteRange gap is not /Contents"));
    }
    let hex = &gap[1..gap.len() - 1];
    if hex.len() > MAX_CONTENTS_HEX || hex.len() % 2 != 0 {
        return Err(VerifyError::Malformed("bad /Contents length"));
    }
    let mut der_bytes = Vec::with_capacity(hex.len() / 2);
    for pair in hex.chunks_exact(2) {
        match (hex_val(pair[0]), hex_val(pair[1])) {
            (Some(h), Some(l)) => der_bytes.push(h << 4 | l),
            _ => return Err(VerifyError::Malformed("non-hex /Contents")),
        }
    }
    if der_bytes.iter().all(|&x| x == 0) {
        return Err(VerifyError::NoSignature);
    }

    // CMS ContentInfo followed only by zero padding.
    let mut reader = SliceReader::new(&der_bytes).map_err(|_| VerifyError::Malformed("CMS"))?;
    let ci =
        ContentInfo::decode(&mut reader).map_err(|_| VerifyError::Malformed("CMS ContentInfo"))?;
    let rest = reader
        .read_slice(reader.remaining_len())
        .map_err(|_| VerifyError::Malformed("CMS"))?;
    if rest.iter().any(|&x| x != 0) {
        return Err(VerifyError::Malformed("data after CMS"));
    }
    if ci.content_type != OID_SIGNED_DATA {
        return Err(VerifyError::Malformed("not CMS SignedData"));
    }
    let sd: SignedData = ci
        .content
        .decode_as()
        .map_err(|_| VerifyError::Malformed("CMS SignedData"))?;
    if sd.encap_content_info.econtent_type != OID_DATA || sd.encap_content_info.econtent.is_some() {
        return Err(VerifyError::Malformed("not a detached signature"));
    }
    let mut signers = sd.signer_infos.0.iter();
    let si = signers
        .next()
        .ok_or(VerifyError::Malformed("no SignerInfo"))?;
    if signers.next().is_some() {
        return Err(VerifyError::MultipleSignatures);
    }
    if si.digest_alg.oid != OID_SHA256 || si.signature_algorithm.oid != OID_ECDSA_SHA256 {
        return Err(VerifyError::Malformed("unsupported algorithms"));
    }
    let SignerIdentifier::IssuerAndSerialNumber(ias) = &si.sid else {
        return Err(VerifyError::Malformed("unsupported signer identifier"));
    };

    // Identify the signer among the trusted certificates; the embedded
    // certificate is checked against it below.
    let Some(trusted_cert) = trusted.iter().find(|t| {
        let tbs = &t.cert().tbs_certificate;
        tbs.issuer == ias.issuer && tbs.serial_number == ias.serial_number
    }) else {
        return Err(VerifyError::UnknownSigner);
    };
    let fp = trusted_cert.fingerprint_sha256();
    // We always embed exactly the signer certificate; anything else in the
    // (unsigned) certificate set means the CMS was tampered with.
    let embedded = sd
        .certificates
        .as_ref()
        .map(|c| c.0.as_slice())
        .unwrap_or_default();
    match embedded {
        [CertificateChoices::Certificate(c)] => {
            let d = c
                .to_der()
                .map_err(|_| VerifyError::Malformed("certificate"))?;
            if d != trusted_cert.der() {
                return Err(VerifyError::UnknownSigner);
            }
        }
        _ => {
            return Err(VerifyError::Malformed(
                "expected exactly one embedded certificate",
            ))
        }
    }
    if sd.version != CmsVersion::V1
        || si.version != CmsVersion::V1
        || sd.crls.is_some()
        || si.unsigned_attrs.is_some()
        || sd.digest_algorithms.len() != 1
        || sd
            .digest_algorithms
            .iter()
            .any(|d| d.oid != OID_SHA256 || d.parameters.is_some())
        || si.digest_alg.parameters.is_some()
        || si.signature_algorithm.parameters.is_some()
    {
        return Err(VerifyError::Malformed("unexpected CMS structure"));
    }

    let attrs = si
        .signed_attrs
        .as_ref()
        .ok_or(VerifyError::Malformed("no signed attributes"))?;
    let single = |oid: ObjectIdentifier| -> Result<Option<der::Any>, VerifyError> {
        let mut found = attrs.iter().filter(|a| a.oid == oid);
        let Some(attr) = found.next() else {
            return Ok(None);
        };
        if found.next().is_some() || attr.values.len() != 1 {
            return Err(VerifyError::Malformed("repeated signed attribute"));
        }
        Ok(attr.values.iter().next().cloned())
    };
    let ct: ObjectIdentifier = single(OID_CONTENT_TYPE)?
        .ok_or(VerifyError::Malformed("no content-type attribute"))?
        .decode_as()
        .map_err(|_| VerifyError::Malformed("content-type attribute"))?;
    if ct != OID_DATA {
        return Err(VerifyError::Malformed("content-type is not id-data"));
    }
    let md: OctetString = single(OID_MESSAGE_DIGEST)?
        .ok_or(VerifyError::Malformed("no message-digest attribute"))?
        .decode_as()
        .map_err(|_| VerifyError::Malformed("message-digest attribute"))?;
    let scv2: SigningCertificateV2 = single(OID_SIGNING_CERT_V2)?
        .ok_or(VerifyError::Malformed(
            "no signing-certificate-v2 attribute",
        ))?
        .decode_as()
        .map_err(|_| VerifyError::Malformed("signing-certificate-v2 attribute"))?;
    if scv2.certs.first().map(|c| c.cert_hash.as_bytes()) != Some(fp.as_slice()) {
        return Err(VerifyError::UnknownSigner);
    }

    let mut h = Sha256::new();
    h.update(&bytes[..a]);
    h.update(&bytes[b..]);
    if h.finalize().as_slice() != md.as_bytes() {
        return Err(VerifyError::BadDigest);
    }

    let vk = trusted_cert.key().ok_or(VerifyError::Malformed(
        "trusted certificate is not ECDSA P-256",
    ))?;
    let sig =
        DerSignature::from_bytes(si.signature.as_bytes()).map_err(|_| VerifyError::BadSignature)?;
    let signed = attrs
        .to_der()
        .map_err(|_| VerifyError::Malformed("signed attributes"))?;
    vk.verify(&signed, &sig)
        .map_err(|_| VerifyError::BadSignature)?;

    // Everything below reads only signed bytes.
    let code = find_key_value(&bytes[..a], b"/AnnotationCode", MAX_CODE_LEN)
        .or_else(|| find_key_value(&bytes[b..], b"/AnnotationCode", MAX_CODE_LEN))
        .ok_or(VerifyError::Malformed("no annotation code"))?;
    let annotation_code =
        String::from_utf8(code).map_err(|_| VerifyError::Malformed("annotation code"))?;
    if !crate::document::valid_verification_code(&annotation_code) {
        return Err(VerifyError::Malformed("annotation code"));
    }
    // /M lives in the signature dictionary, after /Contents.
    let tail = &bytes[b..];
    let dict_end = memchr::memmem::find(tail, b"endobj").unwrap_or(tail.len());
    let signed_at_raw = find_key_value(&tail[..dict_end], b"/M", 64)
        .ok_or(VerifyError::Malformed("no signing time"))?;
    // The signing time is signed (it follows /Contents inside the byte range): a signature
    // made before the certificate's validity began, or after it ended, is not valid.
    let signing_time =
        pdf_date_to_time(&signed_at_raw).ok_or(VerifyError::Malformed("signing time"))?;
    let validity = &trusted_cert.cert().tbs_certificate.validity;
    if signing_time < validity.not_before.to_system_time()
        || signing_time > validity.not_after.to_system_time()
    {
        return Err(VerifyError::OutsideValidity);
    }
    let signed_at = Some(pdf_date_to_iso(&signed_at_raw));

    Ok(VerifiedPdf {
        annotation_code,
        signer_fingerprint: fp,
        signed_at,
    })
}
