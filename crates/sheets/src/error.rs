//! Why a file could not be read, in both languages (the caller shows the reader's).

use std::fmt;

/// A file that cannot be read as a spreadsheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetError {
    /// Text in none of the encodings read: where the first bad sequence starts, as UTF-8 and as
    /// GB18030 (a superset of GBK).
    Encoding { utf8_offset: usize, gb18030_offset: usize },
    /// A workbook that is damaged or not what it claims (a truncated zip, say).
    Damaged { kind: &'static str, detail: String },
    /// More than the limits allow (cells, expanded size): refused before it is read.
    TooLarge { what: &'static str, limit: u64 },
    /// A workbook without a single worksheet.
    NoSheet,
    /// CSV that cannot be split into records.
    Csv { line: u64, detail: String },
}

impl SheetError {
    /// The message in Chinese.
    pub fn zh(&self) -> String {
        match self {
            SheetError::Encoding { utf8_offset, gb18030_offset } => format!(
                "文件编码无法识别：既不是 UTF-8（第 {utf8_offset} 字节处出错），也不是 GBK/GB18030（第 {gb18030_offset} 字节处出错）"
            ),
            SheetError::Damaged { kind, detail } => format!("{kind} 文件已损坏或格式不对，无法读取（{detail}）"),
            SheetError::TooLarge { what, limit } => format!("文件过大：{} 超过上限 {limit}", what_zh(what)),
            SheetError::NoSheet => "工作簿中没有工作表".to_string(),
            SheetError::Csv { line, detail } => format!("CSV 第 {line} 行无法解析（{detail}）"),
        }
    }

    /// The message in English.
    pub fn en(&self) -> String {
        match self {
            SheetError::Encoding { utf8_offset, gb18030_offset } => format!(
                "the file's encoding is not recognised: not UTF-8 (bad byte at offset {utf8_offset}) nor GBK/GB18030 (bad sequence at offset {gb18030_offset})"
            ),
            SheetError::Damaged { kind, detail } => {
                format!("the {kind} file is damaged or not what it claims ({detail})")
            }
            SheetError::TooLarge { what, limit } => format!("the file is too large: {what} over the limit of {limit}"),
            SheetError::NoSheet => "the workbook has no worksheet".to_string(),
            SheetError::Csv { line, detail } => format!("CSV line {line} cannot be read ({detail})"),
        }
    }
}

fn what_zh(what: &str) -> &str {
    match what {
        "cells" => "单元格数",
        "expanded size" => "解压后大小",
        "bytes" => "字节数",
        other => other,
    }
}

impl fmt::Display for SheetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

impl std::error::Error for SheetError {}
