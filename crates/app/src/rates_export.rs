//! The ranking as a table to file or mail: .xlsx (a title row naming the period, frozen headers)
//! or CSV (UTF-8 with a BOM so that Excel opens it). The figures are the ranking's, unchanged.

use crate::Result;
use crate::rates::{Ranking, UnitRanking};
use domain::Error;
use domain::rates::Tally;
use rust_xlsxwriter::{Format, Workbook};

/// The columns after 名次, 单位 and 综合得分: each rate followed by the counts it is made of, then
/// the counts on their own.
enum Column {
    Rate(&'static str, fn(&UnitRanking) -> Option<f64>),
    Count(Tally),
}

const COLUMNS: [Column; 17] = [
    Column::Rate("响应率", |u| u.response_rate),
    Column::Count(Tally::Responded),
    Column::Count(Tally::Scored),
    Column::Rate("解决率", |u| u.resolution_rate),
    Column::Count(Tally::Solved),
    Column::Count(Tally::RatedSolved),
    Column::Rate("满意率", |u| u.satisfaction_rate),
    Column::Count(Tally::Satisfied),
    Column::Count(Tally::Rated),
    Column::Rate("按期率", |u| u.on_time_rate),
    Column::Count(Tally::OnTime),
    Column::Count(Tally::Due),
    Column::Count(Tally::Overdue),
    Column::Count(Tally::SentBack),
    Column::Count(Tally::Extended),
    Column::Count(Tally::Reopened),
    Column::Count(Tally::Excluded),
];

fn headers() -> Vec<&'static str> {
    let mut out = vec!["名次", "单位", "综合得分"];
    out.extend(COLUMNS.iter().map(|c| match c {
        Column::Rate(name, _) => *name,
        Column::Count(t) => t.label_zh(),
    }));
    out
}

fn cells(u: &UnitRanking) -> Vec<String> {
    let mut out = vec![
        u.rank.map(|r| r.to_string()).unwrap_or_default(),
        u.unit.clone(),
        u.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
    ];
    out.extend(COLUMNS.iter().map(|c| match c {
        Column::Rate(_, get) => get(u).map(|r| format!("{:.1}%", r * 100.0)).unwrap_or_default(),
        Column::Count(t) => u.count(*t).to_string(),
    }));
    out
}

/// “三率排名（受理日期 2026-11-01 至 2026-11-30）”.
fn title(r: &Ranking) -> String {
    match (r.from, r.to) {
        (None, None) => "三率排名（全部受理日期）".to_string(),
        (from, to) => format!(
            "三率排名（受理日期 {} 至 {}）",
            from.map(|d| d.to_string()).unwrap_or_default(),
            to.map(|d| d.to_string()).unwrap_or_default()
        ),
    }
}

pub fn write_csv(r: &Ranking) -> Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = ::csv::Writer::from_writer(&mut out);
        let err = |e: ::csv::Error| Error::internal_from("csv", e);
        w.write_record(headers()).map_err(err)?;
        for u in r.units.iter().chain(std::iter::once(&r.total)) {
            w.write_record(cells(u)).map_err(err)?;
        }
        w.flush().map_err(|e| Error::internal_from("csv", e))?;
    }
    Ok(out)
}

pub fn write_xlsx(r: &Ranking) -> Result<Vec<u8>> {
    let err = |e: rust_xlsxwriter::XlsxError| Error::internal_from("xlsx", e);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold();
    let heads = headers();
    sheet.write_with_format(0, 0, title(r), &bold).map_err(err)?;
    for (i, h) in heads.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(u16::MAX);
        sheet.write_with_format(1, col, *h, &bold).map_err(err)?;
        sheet.set_column_width(col, if i == 1 { 18.0 } else { 9.0 }).map_err(err)?;
    }
    sheet.set_freeze_panes(2, 2).map_err(err)?;
    for (n, u) in r.units.iter().chain(std::iter::once(&r.total)).enumerate() {
        let row = u32::try_from(n + 2).unwrap_or(u32::MAX);
        for (i, cell) in cells(u).iter().enumerate() {
            let col = u16::try_from(i).unwrap_or(u16::MAX);
            match cell.parse::<f64>() {
                Ok(v) if i != 1 => sheet.write_number(row, col, v).map_err(err)?,
                _ => sheet.write(row, col, cell.as_str()).map_err(err)?,
            };
        }
    }
    book.save_to_buffer().map_err(err)
}
