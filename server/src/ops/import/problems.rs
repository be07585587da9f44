//! What can be wrong with a row, each problem with its column, and how it is said in
//! Chinese or English (the `_reason` of the rejects file).

use super::columns::Column;
use app::i18n::{Lang, Msg};

/// What is wrong with a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A domain rule of the web application, with its message.
    Domain(Msg),
    Missing,
    TooLong(usize),
    ControlChars,
    Whitespace,
    UnknownIdType,
    BadDate,
    DateInFuture,
    DateTooEarly,
    BadYesNo,
    BadStatus,
    RevokedWithoutDate,
    RevokedBeforeIssued,
    RevocationOnValid,
    /// The same certificate number on an earlier line of the file.
    Duplicate(u64),
    NotUtf8,
    /// The row has `got` fields where the header has `want`.
    FieldCount {
        got: usize,
        want: usize,
    },
    BadJson(String),
    NotAnObject,
    NotAString,
    UnknownColumn(String),
}

impl Problem {
    pub fn text(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Problem::Domain(msg) => msg.text(lang).to_string(),
            Problem::Missing => pick(zh, "缺少必填值", "a value is required"),
            Problem::TooLong(max) => {
                if zh {
                    format!("超过 {max} 个字符")
                } else {
                    format!("longer than {max} characters")
                }
            }
            Problem::ControlChars => pick(zh, "含有控制字符", "contains control characters"),
            Problem::Whitespace => pick(zh, "不能含有空格", "must not contain spaces"),
            Problem::UnknownIdType => pick(
                zh,
                "证件类型无效（可用：resident 居民身份证、hkmo 港澳居民来往内地通行证、tw 台湾居民来往大陆通行证、passport 护照、foreign 外国人永久居留身份证）",
                "unknown ID type (use resident, hkmo, tw, passport, foreign or the Chinese name)",
            ),
            Problem::BadDate => pick(
                zh,
                "不是 YYYY-MM-DD 格式的有效日期",
                "not a real date in the form YYYY-MM-DD",
            ),
            Problem::DateInFuture => pick(zh, "日期晚于今天", "the date is in the future"),
            Problem::DateTooEarly => pick(zh, "日期早于 1950-01-01", "the date is before 1950-01-01"),
            Problem::BadYesNo => pick(
                zh,
                "应为 是/否（yes/no、true/false、1/0）",
                "expected yes or no (also true/false, 1/0, 是/否)",
            ),
            Problem::BadStatus => pick(
                zh,
                "证书状态应为 有效（valid）或 已撤销（revoked）",
                "status must be valid (有效) or revoked (已撤销)",
            ),
            Problem::RevokedWithoutDate => pick(
                zh,
                "已撤销的证书须填写撤销日期",
                "a revoked certificate needs its revocation date",
            ),
            Problem::RevokedBeforeIssued => pick(
                zh,
                "撤销日期早于签发日期",
                "the revocation date is before the issue date",
            ),
            Problem::RevocationOnValid => pick(
                zh,
                "证书状态为有效，却填写了撤销日期或撤销原因",
                "revocation date or reason given for a valid certificate",
            ),
            Problem::Duplicate(line) => {
                if zh {
                    format!("管理号与第 {line} 行重复（同一文件中只导入第一次出现的行）")
                } else {
                    format!("same certificate number as line {line} (only the first occurrence in a file is imported)")
                }
            }
            Problem::NotUtf8 => pick(
                zh,
                "不是 UTF-8 编码（GBK 文件请先转换：iconv -f GBK -t UTF-8）",
                "not UTF-8 (convert a GBK file first: iconv -f GBK -t UTF-8)",
            ),
            Problem::FieldCount { got, want } => {
                if zh {
                    format!("该行有 {got} 个字段，表头有 {want} 列")
                } else {
                    format!("the row has {got} fields, the header {want} columns")
                }
            }
            Problem::BadJson(err) => {
                if zh {
                    format!("不是有效的 JSON：{err}")
                } else {
                    format!("not valid JSON: {err}")
                }
            }
            Problem::NotAnObject => pick(zh, "每行应为一个 JSON 对象", "each line must be a JSON object"),
            Problem::NotAString => pick(
                zh,
                "值应为字符串",
                "the value must be a string",
            ),
            Problem::UnknownColumn(name) => {
                if zh {
                    format!("未知的列 {name}")
                } else {
                    format!("unknown column {name}")
                }
            }
        }
    }
}

fn pick(zh: bool, zh_text: &str, en_text: &str) -> String {
    if zh { zh_text } else { en_text }.to_string()
}

/// A column with its problem.
pub type RowProblems = Vec<(Column, Problem)>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_exist_in_both_languages() {
        for p in [Problem::Missing, Problem::Duplicate(3), Problem::BadDate] {
            assert!(!p.text(Lang::Zh).is_empty() && !p.text(Lang::En).is_empty());
            assert_ne!(p.text(Lang::Zh), p.text(Lang::En));
        }
    }
}
