//! Micro-benchmarks of the input parsers on the registration and import hot paths:
//! `cargo bench -p app --bench domain`.

use app::domain::{HolderName, IdNumber, IdType};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn id_numbers(c: &mut Criterion) {
    c.bench_function("IdNumber::parse resident (valid)", |b| {
        b.iter(|| {
            IdNumber::parse(
                IdType::ResidentIdCard,
                black_box("11010519491231002X"),
                (2026, 11, 26),
            )
        })
    });
    c.bench_function("IdNumber::parse resident (bad check character)", |b| {
        b.iter(|| {
            IdNumber::parse(
                IdType::ResidentIdCard,
                black_box("110105194912310021"),
                (2026, 11, 26),
            )
        })
    });
}

fn names(c: &mut Criterion) {
    c.bench_function("HolderName::parse (Extension B)", |b| {
        b.iter(|| HolderName::parse(black_box("张𪚥")))
    });
    c.bench_function("HolderName::parse (middle dot)", |b| {
        b.iter(|| HolderName::parse(black_box("阿依古丽·买买提")))
    });
}

criterion_group!(benches, id_numbers, names);
criterion_main!(benches);
