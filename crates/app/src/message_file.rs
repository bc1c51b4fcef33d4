//! A file of messages to import — xlsx, xls or CSV in any encoding offices save in — read into
//! messages: the header row found below any title rows, each column found by its name (the names
//! of `domain::ledger::MessageColumn`, or one the caller gives), each row checked, and every bad
//! row reported with its row number, column and reason instead of stopping the file.

use crate::import::ImportMessage;
use chrono::{DateTime, TimeZone, Utc};
use domain::ledger::MessageColumn;
use domain::{Error, Msg, Result};
use sheets::{Cell, Limits, find_header, normalise_name, parse_date};

/// Headers the caller names for columns whose names are not among the known ones.
#[derive(Debug, Clone, Default)]
pub struct MessageColumns {
    pub key: Option<String>,
    pub title: Option<String>,
    pub body: Option<String>,
    pub received_at: Option<String>,
    pub likes: Option<String>,
}

impl MessageColumns {
    fn named(&self, column: MessageColumn) -> Option<&str> {
        match column {
            MessageColumn::Key => self.key.as_deref(),
            MessageColumn::Title => self.title.as_deref(),
            MessageColumn::Body => self.body.as_deref(),
            MessageColumn::ReceivedAt => self.received_at.as_deref(),
            MessageColumn::Likes => self.likes.as_deref(),
        }
    }
}

/// A row that was not taken, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectedRow {
    /// The row's number as the spreadsheet shows it (the header's row is counted).
    pub row: usize,
    /// The column's header as the file has it.
    pub column: String,
    pub reason: Msg,
}

/// What a file holds.
#[derive(Debug, Clone)]
pub struct MessageFile {
    pub messages: Vec<ImportMessage>,
    pub rejected: Vec<RejectedRow>,
    /// Rows without any text, passed over.
    pub blank: usize,
    /// What the file was found to be.
    pub kind: sheets::Kind,
    /// The header row's names, in order (blank ones left out).
    pub headers: Vec<String>,
}

/// The messages of `bytes`. A file that cannot be read, or has no column for the id or the text,
/// is an error that says which; a bad row is reported and the others are kept.
pub fn read_message_file(bytes: &[u8], named: &MessageColumns) -> Result<MessageFile> {
    let book = read_workbook(bytes)?;
    let known = |name: &str| column_named(MessageColumn::ALL, |c| named.named(c), MessageColumn::from_header, name);
    // The first sheet with a header that names the text; a workbook may open on a cover sheet.
    let found = book.sheets.iter().find_map(|s| {
        find_header(&s.rows, known, 1).filter(|h| h.column(MessageColumn::Body).is_some()).map(|h| (s, h))
    });
    let Some((sheet, header)) = found else {
        return Err(missing(MessageColumn::Body, named));
    };
    let key_col = header.column(MessageColumn::Key).ok_or_else(|| missing(MessageColumn::Key, named))?;
    let body_col = header.column(MessageColumn::Body).ok_or_else(|| missing(MessageColumn::Body, named))?;
    let title_col = header.column(MessageColumn::Title);
    let time_col = header.column(MessageColumn::ReceivedAt);
    let likes_col = header.column(MessageColumn::Likes);
    let header_row = &sheet.rows[header.row];
    let name_of = |col: usize| header_row.get(col).map(|c| c.text().into_owned()).unwrap_or_default();
    let headers = header_row.iter().map(|c| c.text().trim().to_string()).filter(|t| !t.is_empty()).collect();
    let mut out = MessageFile { messages: Vec::new(), rejected: Vec::new(), blank: 0, kind: book.kind, headers };
    for (i, row) in sheet.rows.iter().enumerate().skip(header.row + 1) {
        let cell = |col: usize| row.get(col).cloned().unwrap_or_default();
        if row.iter().all(Cell::is_blank) {
            out.blank += 1;
            continue;
        }
        let number = i + 1;
        let mut reject = |col: usize, zh: String, en: String| {
            out.rejected.push(RejectedRow { row: number, column: name_of(col), reason: Msg::new(zh, en) })
        };
        let body = cell(body_col).text().into_owned();
        if body.is_empty() {
            reject(body_col, "内容为空".into(), "the text is empty".into());
            continue;
        }
        let key = cell(key_col).text().into_owned();
        if key.is_empty() {
            reject(key_col, "编号为空".into(), "the id is empty".into());
            continue;
        }
        let received_at = match time_col.map(|c| (c, cell(c))).filter(|(_, v)| !v.is_blank()) {
            None => None,
            Some((c, v)) => match with_offset(&v.text()).or_else(|| parse_date(&v).and_then(|d| beijing(d.datetime())))
            {
                Some(t) => Some(t),
                None => {
                    reject(c, format!("无法识别的时间“{}”", v.text()), format!("\"{}\" is not a time", v.text()));
                    continue;
                }
            },
        };
        let likes = match likes_col.map(|c| (c, cell(c))).filter(|(_, v)| !v.is_blank()) {
            None => 0,
            Some((c, v)) => match v.text().parse::<i64>() {
                Ok(n) if n >= 0 => n,
                _ => {
                    reject(c, format!("点赞数“{}”不是非负整数", v.text()), format!("\"{}\" is not a count", v.text()));
                    continue;
                }
            },
        };
        let title = title_col.map(|c| cell(c).text().into_owned()).filter(|t| !t.is_empty());
        out.messages.push(ImportMessage { key, title, body, received_at, likes });
    }
    Ok(out)
}

/// The headers a person would map by hand when none is recognised: of the first sheet's first 30
/// rows, the one with the most filled cells (the first of equals). Empty when the file cannot be
/// read at all.
pub fn likely_headers(bytes: &[u8]) -> Vec<String> {
    let Ok(book) = read_workbook(bytes) else { return Vec::new() };
    let Some(sheet) = book.sheets.first() else { return Vec::new() };
    let filled = |row: &Vec<Cell>| row.iter().filter(|c| !c.is_blank()).count();
    let best = sheet.rows.iter().take(30).fold(None::<&Vec<Cell>>, |best, row| match best {
        Some(b) if filled(b) >= filled(row) => Some(b),
        _ => Some(row),
    });
    best.map(|row| row.iter().map(|c| c.text().trim().to_string()).filter(|t| !t.is_empty()).collect())
        .unwrap_or_default()
}

/// A workbook read, or an error that says why in both languages.
pub(crate) fn read_workbook(bytes: &[u8]) -> Result<sheets::Workbook> {
    sheets::read(bytes, Limits::default()).map_err(|e| {
        Error::invalid("file", format!("无法读取文件：{}", e.zh()), format!("cannot read the file: {}", e.en()))
    })
}

/// The column a (normalised) header names: the one the caller named by that header, else the
/// one whose known names include it, unless the caller named that column by another header.
pub(crate) fn column_named<'a, C: Copy + PartialEq>(
    all: &[C],
    named: impl Fn(C) -> Option<&'a str>,
    from_header: impl Fn(&str) -> Option<C>,
    name: &str,
) -> Option<C> {
    all.iter()
        .copied()
        .find(|c| named(*c).is_some_and(|n| normalise_name(n) == name))
        .or_else(|| from_header(name).filter(|c| named(*c).is_none()))
}

/// A time written without a zone is Beijing time.
/// A time written with its offset, as other systems export it (RFC 3339: `2026-10-22T04:54:23+00:00`),
/// is that instant; a time without one is read as Beijing time ([`beijing`]).
pub(crate) fn with_offset(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim()).ok().map(|t| t.with_timezone(&Utc))
}

pub(crate) fn beijing(t: chrono::NaiveDateTime) -> Option<DateTime<Utc>> {
    domain::clock::CHINA.from_local_datetime(&t).single().map(|d| d.with_timezone(&Utc))
}

fn missing(column: MessageColumn, named: &MessageColumns) -> Error {
    match named.named(column) {
        Some(name) => Error::invalid(
            "column",
            format!("文件中没有名为“{name}”的列"),
            format!("the file has no column named \"{name}\""),
        ),
        None => Error::invalid(
            "column",
            format!("找不到{}列（可用的列名：{}），请指定列名", column.label_zh(), column.names().join("、")),
            format!("no {} column (known names: {}); name it", column.label_en(), column.names().join(", ")),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> MessageFile {
        read_message_file(text.as_bytes(), &MessageColumns::default()).unwrap()
    }

    #[test]
    fn columns_are_found_by_any_of_their_names_below_a_title() {
        let file = read(
            "12345热线工单导出\n工单编号,诉求标题,诉求内容,受理时间,附议数\nA1,路灯,路灯不亮,2019/2/28 11:25:05,3\n\
             A2,路灯,路灯还是不亮,2019-02-28T11:25:05+08:00,0\nA3,路灯,路灯不亮了,2019-02-28T03:25:05Z,0\n",
        );
        assert_eq!(file.rejected, vec![]);
        // Written with an offset, a time is that instant: these are all the same moment.
        let at: Vec<_> = file.messages.iter().map(|m| m.received_at.unwrap()).collect();
        assert_eq!((at[0], at[0]), (at[1], at[2]), "{at:?}");
        let m = &file.messages[0];
        assert_eq!((m.key.as_str(), m.title.as_deref(), m.body.as_str(), m.likes), ("A1", Some("路灯"), "路灯不亮", 3));
        assert_eq!(m.received_at.unwrap().to_rfc3339(), "2019-02-28T03:25:05+00:00");
    }

    #[test]
    fn bad_rows_are_reported_with_row_column_and_reason_and_the_rest_kept() {
        let file = read(
            "留言编号,留言详情,留言时间,点赞数\n1,好,2019-08-01,0\n,无编号,,\n3,,,\n4,时间坏,明天,\n5,赞坏,,-1\n\n6,好,,\n",
        );
        let keys: Vec<&str> = file.messages.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, vec!["1", "6"]);
        let said: Vec<(usize, &str, &str)> =
            file.rejected.iter().map(|r| (r.row, r.column.as_str(), r.reason.zh.as_str())).collect();
        assert_eq!(
            said,
            vec![
                (3, "留言编号", "编号为空"),
                (4, "留言详情", "内容为空"),
                (5, "留言时间", "无法识别的时间“明天”"),
                (6, "点赞数", "点赞数“-1”不是非负整数"),
            ]
        );
        assert_eq!(file.blank, 1);
    }

    #[test]
    fn a_named_column_wins_and_a_missing_one_is_said() {
        let named = MessageColumns { key: Some("序列".into()), body: Some("正文".into()), ..Default::default() };
        let file = read_message_file("序列,正文\n9,内容\n".as_bytes(), &named).unwrap();
        assert_eq!(file.messages[0].key, "9");
        let err = read_message_file("甲,乙\n1,2\n".as_bytes(), &MessageColumns::default()).unwrap_err();
        assert!(err.to_string().contains("留言详情") || format!("{err:?}").contains("留言详情"), "{err:?}");
        let named = MessageColumns { body: Some("不存在".into()), ..Default::default() };
        let err = read_message_file("留言编号,留言详情\n1,2\n".as_bytes(), &named).unwrap_err();
        assert!(format!("{err:?}").contains("不存在"), "{err:?}");
    }
}
