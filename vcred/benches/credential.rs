//! Issuing one credential: building the RDF of the document and of the proof options,
//! RDFC-1.0 canonicalisation of both, SHA-256 and the Ed25519 signature (issue 16's target:
//! under 2 ms median on one core). And verifying one, which does the same work again.

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Map, Value};
use vcred::{sign, verify, Key, Profile};

fn profile() -> Profile {
    Profile::with_vocabulary(
        "https://certs.example.org/ns/certificate#",
        &["AnnotatedCopyCredential", "AnnotatedCopy"],
        &[
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
        ],
    )
}

fn credential(profile: &Profile) -> Map<String, Value> {
    json!({
        "@context": profile.context(),
        "id": "https://certs.example.org/verify/a-9f3c2e7b1d",
        "type": ["VerifiableCredential", "AnnotatedCopyCredential"],
        "issuer": {"id": "did:web:certs.example.org", "name": "证书发放机构"},
        "name": "专业技术人员职业资格证书（加注件）",
        "validFrom": "2026-12-01T08:00:00Z",
        "validUntil": "2027-03-01T08:00:00Z",
        "credentialSubject": {
            "type": "AnnotatedCopy",
            "holderName": "张𪚥",
            "maskedIdNumber": "1101**********123X",
            "qualification": "一级建造师",
            "level": "一级",
            "specialty": "建筑工程",
            "certificateNumber": "BJ2023-000123",
            "issuedOn": "2023-06-01",
            "issuingBody": "人力资源和社会保障部",
            "scenario": "本人调用",
            "annotationNumber": "JZ20261201000123"
        },
        "credentialStatus": {
            "id": "https://certs.example.org/credentials/status/1#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://certs.example.org/credentials/status/1"
        }
    })
    .as_object()
    .unwrap()
    .clone()
}

fn bench(c: &mut Criterion) {
    let profile = profile();
    let key = Key::from_seed(&[42; 32]);
    let method = format!("did:web:certs.example.org#{}", key.public_multibase());
    let doc = credential(&profile);
    c.bench_function("issue one credential (eddsa-rdfc-2022)", |b| {
        b.iter(|| sign(&profile, doc.clone(), &key, &method, "2026-12-01T08:00:00Z").unwrap())
    });
    let signed = sign(&profile, doc, &key, &method, "2026-12-01T08:00:00Z").unwrap();
    let public = vcred::parse_multikey(&key.public_multibase()).unwrap();
    c.bench_function("verify one credential", |b| {
        b.iter(|| verify(&profile, &signed, |_| Some(public)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
