use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};

fn lookup(c: &mut Criterion) {
    hanzi::init();
    c.bench_function("search yan (limit 50)", |b| {
        b.iter(|| hanzi::search(black_box("yan"), 50).unwrap())
    });
    c.bench_function("search yan (all)", |b| {
        b.iter(|| hanzi::search(black_box("yan"), usize::MAX).unwrap())
    });
    c.bench_function("search zhe2 (all)", |b| {
        b.iter(|| hanzi::search(black_box("zhe2"), usize::MAX).unwrap())
    });
    c.bench_function("search yǎn (limit 50)", |b| {
        b.iter(|| hanzi::search(black_box("yǎn"), 50).unwrap())
    });
    let long = hanzi::Filter {
        radical: hanzi::Radical::of_form('龍'),
        ..hanzi::Filter::default()
    };
    c.bench_function("search_filtered zhe2 radical 龍 (all)", |b| {
        b.iter(|| {
            hanzi::search_filtered(black_box("zhe2"), &long)
                .unwrap()
                .count()
        })
    });
    let water = hanzi::Filter {
        radical: hanzi::Radical::of_form('氵'),
        strokes: Some(10..=10),
        ..hanzi::Filter::default()
    };
    c.bench_function(
        "search_filtered no pinyin, radical 氵, 10 strokes (all)",
        |b| {
            b.iter(|| {
                hanzi::search_filtered(black_box(""), &water)
                    .unwrap()
                    .count()
            })
        },
    );
    c.bench_function("readings 𪚥", |b| {
        b.iter(|| hanzi::readings(black_box('𪚥')))
    });
}

fn init(c: &mut Criterion) {
    let mut g = c.benchmark_group("init");
    g.sample_size(20);
    g.bench_function("build index", |b| b.iter(hanzi::__bench_build_index));
    g.finish();
}

criterion_group!(benches, lookup, init);
criterion_main!(benches);
