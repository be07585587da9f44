//! `cargo run --example pick -- yan3 [limit]`: prints candidates as a picker would.

fn main() {
    let mut args = std::env::args().skip(1);
    let query = args.next().unwrap_or_else(|| "yan".to_string());
    let limit = args.next().and_then(|n| n.parse().ok()).unwrap_or(40);
    let t = std::time::Instant::now();
    hanzi::init();
    let init = t.elapsed();
    match hanzi::search(&query, limit) {
        Ok(hits) => {
            for c in hits {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    c.ch,
                    c.code_point_label(),
                    c.block.label(),
                    c.common.map_or(String::new(), |n| n.to_string()),
                    c.readings.join(" ")
                );
            }
        }
        Err(e) => println!("error: {e} ({e:?})"),
    }
    eprintln!("init {init:?}; {:?}", hanzi::stats());
}
