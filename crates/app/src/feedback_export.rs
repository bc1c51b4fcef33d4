//! 导出诉求: the feedback a reader may see, filtered like the feedback list, as .xlsx or CSV with
//! the headers the feedback import reads (留言编号, 留言主题, 留言详情, 留言时间, 点赞数), so that a
//! file exported here imports elsewhere. The reporter's name and contact are filled only for
//! readers who may see them (the text masked otherwise, as on the pages); a linked problem is
//! named by its number only when the reader may see it.

use crate::feedback::FeedbackQuery;
use crate::views::FeedbackView;
use crate::{Actor, App, Result};
use domain::Error;
use std::collections::HashMap;

/// The columns, in order.
const HEADERS: [&str; 12] = [
    "留言编号",
    "留言主题",
    "留言详情",
    "留言时间",
    "点赞数",
    "来源渠道",
    "受理单位",
    "来信人",
    "联系方式",
    "地址",
    "关联问题",
    "查询码",
];

/// The feedback a reader may see, in the list's order, with the numbers of linked problems.
pub struct FeedbackExport {
    pub items: Vec<FeedbackView>,
    pub numbers: HashMap<domain::ProblemId, String>,
}

impl App {
    /// Every item `q` finds among those `actor` may see, page after page.
    pub async fn feedback_export(&self, actor: &Actor, q: &FeedbackQuery) -> Result<FeedbackExport> {
        let mut query = FeedbackQuery { limit: Some(200), cursor: None, ..q.clone() };
        let mut items = Vec::new();
        loop {
            let page = self.list_feedback(actor, &query).await?;
            items.extend(page.items);
            match page.next_cursor {
                Some(c) => query.cursor = Some(c),
                None => break,
            }
        }
        let ids: Vec<domain::ProblemId> = items.iter().filter_map(|f| f.problem_id).collect();
        let mut numbers = HashMap::new();
        let mut pooled = self.db.acquire().await?;
        for chunk in ids.chunks(1000) {
            for p in store::problems::get_problems(&mut pooled.conn(), chunk).await? {
                numbers.insert(p.id, p.number.as_str().to_string());
            }
        }
        Ok(FeedbackExport { items, numbers })
    }
}

fn cells(e: &FeedbackExport, f: &FeedbackView) -> [String; 12] {
    let time = f.received_at.with_timezone(&domain::clock::CHINA).format("%Y-%m-%d %H:%M:%S").to_string();
    [
        f.source_key.clone().unwrap_or_else(|| f.tracking_code.as_str().to_string()),
        f.title.clone().unwrap_or_default(),
        f.body.clone(),
        time,
        f.likes.to_string(),
        f.channel_label.clone(),
        f.unit.name.clone(),
        f.reporter_name.clone().unwrap_or_default(),
        f.reporter_contact.clone().unwrap_or_default(),
        f.address.clone().unwrap_or_default(),
        f.problem_id.and_then(|id| e.numbers.get(&id).cloned()).unwrap_or_default(),
        f.tracking_code.as_str().to_string(),
    ]
}

pub fn write_csv(e: &FeedbackExport) -> Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = ::csv::Writer::from_writer(&mut out);
        let err = |e: ::csv::Error| Error::internal_from("csv", e);
        w.write_record(HEADERS).map_err(err)?;
        for f in &e.items {
            w.write_record(cells(e, f)).map_err(err)?;
        }
        w.flush().map_err(|e| Error::internal_from("csv", e))?;
    }
    Ok(out)
}

pub fn write_xlsx(e: &FeedbackExport) -> Result<Vec<u8>> {
    let err = |e: rust_xlsxwriter::XlsxError| Error::internal_from("xlsx", e);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory().map_err(err)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (i, h) in HEADERS.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(u16::MAX);
        sheet.set_column_width(col, if i == 2 { 60.0 } else { 14.0 }).map_err(err)?;
        sheet.write_with_format(0, col, *h, &bold).map_err(err)?;
    }
    for (n, f) in e.items.iter().enumerate() {
        let row = u32::try_from(n + 1).map_err(|_| Error::invalid("rows", "行数过多", "too many rows"))?;
        for (i, cell) in cells(e, f).iter().enumerate() {
            sheet.write(row, u16::try_from(i).unwrap_or(u16::MAX), cell.as_str()).map_err(err)?;
        }
    }
    book.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::ledger::MessageColumn;

    #[test]
    fn the_headers_are_those_the_import_reads() {
        for (i, column) in MessageColumn::ALL.iter().enumerate() {
            assert_eq!(MessageColumn::from_header(HEADERS[i]), Some(*column), "{}", HEADERS[i]);
        }
    }
}
