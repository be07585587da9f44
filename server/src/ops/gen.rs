//! `server gen-import FILE --rows N [--seed S]`: writes an import file of valid, realistic
//! certificate records for tests and benchmarks: resident ID numbers with correct check
//! characters (and the other document types), some names with rare characters outside the
//! Basic Multilingual Plane or with the middle dot, some revoked certificates. The same seed
//! gives the same file; numbers depend only on the row index, so two seeds give two versions
//! of the same certificates (an import of the second updates them).
//!
//! With `--holders H` the rows belong to H people, row `i` to person `i % H`, as in a real
//! registry where one person holds several certificates: [`holder_identity`] gives person
//! `h`'s document and name (the same for every seed), so a benchmark can register the holders
//! of an imported file and check which certificates each one sees.

use crate::ops::import::columns::Column;
use crate::ops::import::Format;
use crate::ops::thousands;
use app::domain::identity::mod11_2_check;
use clap::Args;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Args)]
pub struct GenArgs {
    /// The file to write (CSV, or JSON Lines for .jsonl/.ndjson).
    pub file: PathBuf,

    /// How many rows.
    #[arg(long, default_value_t = 1000)]
    pub rows: u64,

    /// Seed of the random choices (same seed, same file).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Override the format guessed from the extension.
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// How many people hold the certificates (row `i` is person `i % H`'s); without it,
    /// every row has its own random holder.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=MAX_HOLDERS))]
    pub holders: Option<u64>,
}

/// The most people `--holders` can number uniquely (birth dates × sequence numbers of one
/// region, see [`holder_identity`]).
pub const MAX_HOLDERS: u64 = 51 * 12 * 28 * 1000;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "欧阳", "司马", "诸葛",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "英", "华", "慧", "建", "国", "平", "红", "文", "玉", "兰", "志", "新", "春", "海",
];
/// Characters of real names that many input methods and fonts lack (Extensions A to F).
const RARE: &[&str] = &[
    "𪚥", "𠀾", "𡒄", "㛃", "䶮", "𬌗", "𫖯", "𬘭", "𬬭", "𠮷", "㙦",
];
const MINORITY: &[&str] = &[
    "阿依古丽·买买提",
    "艾力·吐尔逊",
    "古丽娜尔·阿不都",
    "迪丽热巴·木合塔尔",
    "买买提·艾则孜",
];
const LATIN_GIVEN: &[&str] = &["JOHN", "MARIA", "DAVID", "ANNA", "PETER", "SOPHIE", "KENJI"];
const LATIN_FAMILY: &[&str] = &["SMITH", "GARCIA", "MÜLLER", "O'NEIL", "TANAKA", "DUPONT"];
const PROVINCES: &[u32] = &[11, 12, 13, 31, 32, 33, 35, 37, 41, 42, 44, 51, 53, 61, 65];

/// (qualification, level, specialty, issuer)
const QUALIFICATIONS: &[(&str, &str, &str, &str)] = &[
    (
        "卫生专业技术资格",
        "中级",
        "儿科学（主治医师）",
        "国家卫生健康委员会人才交流服务中心",
    ),
    (
        "卫生专业技术资格",
        "初级（师）",
        "临床医学检验技术",
        "国家卫生健康委员会人才交流服务中心",
    ),
    (
        "经济专业技术资格",
        "初级",
        "人力资源管理",
        "人力资源和社会保障部人事考试中心",
    ),
    (
        "计算机技术与软件专业技术资格",
        "中级",
        "系统集成项目管理工程师",
        "人力资源和社会保障部人事考试中心",
    ),
    (
        "执业药师职业资格",
        "执业药师",
        "药学类",
        "国家药品监督管理局执业药师资格认证中心",
    ),
    (
        "社会工作者职业资格",
        "中级",
        "社会工作师",
        "人力资源和社会保障部人事考试中心",
    ),
    (
        "翻译专业资格（水平）",
        "二级",
        "英语笔译",
        "人力资源和社会保障部人事考试中心",
    ),
    ("会计专业技术资格", "中级", "会计", "财政部会计资格评价中心"),
];
const REASONS: &[&str] = &["考试违纪，成绩无效", "以不正当手段取得证书", "本人申请注销"];

/// One generated row, by [`Column`]: its holder is random, or person `index % holders`.
pub fn row(rng: &mut StdRng, index: u64, holders: Option<u64>) -> [String; 13] {
    let year = rng.gen_range(1995..=2025);
    let issued = format!(
        "{year}-{:02}-{:02}",
        rng.gen_range(1..=12),
        rng.gen_range(1..=28)
    );
    let (id_type, id_number, name) = match holders {
        Some(holders) => holder_identity(index % holders),
        None => random_identity(rng),
    };
    let (qualification, level, specialty, issuer) =
        QUALIFICATIONS[rng.gen_range(0..QUALIFICATIONS.len())];
    let electronic = if year >= 2016 {
        rng.gen_bool(0.8)
    } else {
        rng.gen_bool(0.1)
    };
    let (status, revoked_on, reason) = if rng.gen_range(0..100) < 2 && year < 2025 {
        (
            "revoked",
            format!(
                "{}-{:02}-{:02}",
                year + 1,
                rng.gen_range(1..=12),
                rng.gen_range(1..=28)
            ),
            REASONS[rng.gen_range(0..REASONS.len())],
        )
    } else {
        ("valid", String::new(), "")
    };
    [
        format!("{}{index:012}", 2000 + index % 26),
        id_type.to_string(),
        id_number,
        name,
        qualification.to_string(),
        level.to_string(),
        specialty.to_string(),
        issued,
        issuer.to_string(),
        if electronic { "yes" } else { "no" }.to_string(),
        status.to_string(),
        revoked_on,
        reason.to_string(),
    ]
}

/// Person `h`'s ID document type, number and name: the same for every seed and file. The
/// number is unique per person (it encodes `h`); the rest is drawn from a generator seeded by
/// `h`. `h` must be below [`MAX_HOLDERS`].
pub fn holder_identity(h: u64) -> (&'static str, String, String) {
    let mut rng = StdRng::seed_from_u64(0x5eed_0000_0000 ^ h);
    match rng.gen_range(0..100) {
        0..=89 => {
            let number = resident_number(&mut rng, |_| {
                [
                    1950 + (h / (12 * 28 * 1000)) % 51,
                    (h / (28 * 1000)) % 12 + 1,
                    (h / 1000) % 28 + 1,
                    h % 1000,
                ]
            });
            ("resident", number, chinese_name(&mut rng))
        }
        90..=93 => ("passport", format!("E{h:08}"), latin_name(&mut rng)),
        94..=96 => ("hkmo", format!("H{h:08}"), chinese_name(&mut rng)),
        97..=98 => ("tw", format!("{h:08}"), chinese_name(&mut rng)),
        _ => ("foreign", format!("USA{h:012}"), latin_name(&mut rng)),
    }
}

/// A resident ID number: a random region (drawn first), then the birth year, month, day and
/// sequence number that `birth_and_sequence` gives, then the check character.
fn resident_number(
    rng: &mut StdRng,
    birth_and_sequence: impl FnOnce(&mut StdRng) -> [u64; 4],
) -> String {
    let region = (
        PROVINCES[rng.gen_range(0..PROVINCES.len())],
        rng.gen_range(1..=9),
        rng.gen_range(1..=20),
    );
    let [year, month, day, sequence] = birth_and_sequence(rng);
    let first17 = format!(
        "{}{:02}{:02}{year}{month:02}{day:02}{sequence:03}",
        region.0, region.1, region.2
    );
    let check = mod11_2_check(first17.as_bytes());
    format!("{first17}{check}")
}

/// A random holder: ID document type, number and name.
fn random_identity(rng: &mut StdRng) -> (&'static str, String, String) {
    match rng.gen_range(0..100) {
        0..=89 => {
            // The literals are i32 as they always were: the same seed gives the same file.
            let number = resident_number(rng, |rng| {
                [
                    rng.gen_range(1950..=2000) as u64,
                    rng.gen_range(1..=12) as u64,
                    rng.gen_range(1..=28) as u64,
                    rng.gen_range(0..1000) as u64,
                ]
            });
            ("resident", number, chinese_name(rng))
        }
        90..=93 => (
            "passport",
            format!("E{:08}", rng.gen_range(0..100_000_000)),
            latin_name(rng),
        ),
        94..=96 => (
            "hkmo",
            format!("H{:08}", rng.gen_range(0..100_000_000)),
            chinese_name(rng),
        ),
        97..=98 => (
            "tw",
            format!("{:08}", rng.gen_range(0..100_000_000)),
            chinese_name(rng),
        ),
        _ => (
            "foreign",
            format!("USA{:012}", rng.gen_range(0..1_000_000_000_000u64)),
            latin_name(rng),
        ),
    }
}

fn chinese_name(rng: &mut StdRng) -> String {
    match rng.gen_range(0..1000) {
        0..=9 => MINORITY[rng.gen_range(0..MINORITY.len())].to_string(),
        10..=24 => format!(
            "{}{}",
            SURNAMES[rng.gen_range(0..SURNAMES.len())],
            RARE[rng.gen_range(0..RARE.len())]
        ),
        n => {
            let mut name = SURNAMES[rng.gen_range(0..SURNAMES.len())].to_string();
            for _ in 0..(1 + n % 2) {
                name.push_str(GIVEN[rng.gen_range(0..GIVEN.len())]);
            }
            name
        }
    }
}

fn latin_name(rng: &mut StdRng) -> String {
    format!(
        "{} {}",
        LATIN_GIVEN[rng.gen_range(0..LATIN_GIVEN.len())],
        LATIN_FAMILY[rng.gen_range(0..LATIN_FAMILY.len())]
    )
}

pub fn run(args: GenArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let format = args.format.unwrap_or_else(|| Format::of(&args.file));
    let file = std::fs::File::create(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", args.file.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut rng = StdRng::seed_from_u64(args.seed);
    let names = Column::ALL.map(|c| c.name());
    match format {
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(&mut out);
            writer.write_record(names)?;
            for index in 0..args.rows {
                writer.write_record(row(&mut rng, index, args.holders))?;
            }
            writer.flush()?;
        }
        Format::Jsonl => {
            for index in 0..args.rows {
                let values = row(&mut rng, index, args.holders);
                let object: serde_json::Map<String, serde_json::Value> = names
                    .iter()
                    .zip(values)
                    .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
                    .collect();
                serde_json::to_writer(&mut out, &object)?;
                out.write_all(b"\n")?;
            }
        }
    }
    out.flush()?;
    let size = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    println!(
        "wrote {} rows to {} ({:.1} MB) in {:.1} s",
        thousands(args.rows),
        args.file.display(),
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::import::columns::RawRow;
    use crate::ops::import::values::{cert_number, validate};
    use std::borrow::Cow;

    #[test]
    fn every_generated_row_is_valid_and_some_names_are_rare() {
        let mut rng = StdRng::seed_from_u64(7);
        let today = time::macros::date!(2026 - 11 - 26);
        let (mut rare, mut dotted, mut revoked) = (0, 0, 0);
        for index in 0..20_000 {
            let values = row(&mut rng, index, None);
            let mut raw: RawRow<'_> = Default::default();
            for (i, v) in values.iter().enumerate() {
                raw[i] = Some(Cow::Borrowed(v.as_str()));
            }
            let record = validate(&raw, cert_number(&raw), today)
                .unwrap_or_else(|p| panic!("row {index} {values:?}: {p:?}"));
            if !record.holder_name.rare_characters().is_empty() {
                rare += 1;
            }
            if record.holder_name.as_str().contains('·') {
                dotted += 1;
            }
            if record.status.code() == "revoked" {
                revoked += 1;
            }
        }
        assert!(
            rare > 50 && dotted > 50 && revoked > 100,
            "{rare} {dotted} {revoked}"
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_rows() {
        let a: Vec<_> = (0..50)
            .map({
                let mut rng = StdRng::seed_from_u64(3);
                move |i| row(&mut rng, i, None)
            })
            .collect();
        let b: Vec<_> = (0..50)
            .map({
                let mut rng = StdRng::seed_from_u64(3);
                move |i| row(&mut rng, i, None)
            })
            .collect();
        assert_eq!(a, b);
    }

    #[test]
    fn with_holders_each_person_holds_every_nth_row_under_one_unique_identity() {
        let today = time::macros::date!(2026 - 11 - 26);
        let mut rng = StdRng::seed_from_u64(5);
        let rows: Vec<_> = (0..30).map(|i| row(&mut rng, i, Some(7))).collect();
        for (i, values) in rows.iter().enumerate() {
            let owner = &rows[i % 7];
            assert_eq!(values[1..4], owner[1..4], "row {i} is person {}'s", i % 7);
            let mut raw: RawRow<'_> = Default::default();
            for (c, v) in values.iter().enumerate() {
                raw[c] = Some(Cow::Borrowed(v.as_str()));
            }
            validate(&raw, cert_number(&raw), today)
                .unwrap_or_else(|p| panic!("row {i} {values:?}: {p:?}"));
        }
        // Every person has a number of their own, including the last that can be numbered.
        let mut numbers = std::collections::HashSet::new();
        for h in (0..300_000).chain(MAX_HOLDERS - 1_000..MAX_HOLDERS) {
            let (id_type, number, _) = holder_identity(h);
            assert!(numbers.insert((id_type, number)), "person {h}");
        }
    }
}
