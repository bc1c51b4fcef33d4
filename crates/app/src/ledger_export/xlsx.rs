//! The ledger as an .xlsx workbook in the layout units use: a title row with the campaign and the
//! date, the headers in the standard order (frozen), widths and wrapped text, one row per measure
//! with the problem's own cells merged over them, the state coloured and the supervision colour on
//! the deadline.

use super::{Ledger, LedgerProblem, chinese_date};
use crate::Result;
use chrono::NaiveDate;
use domain::Error;
use domain::ledger::LedgerColumn;
use domain::supervision::Colour;
use domain::workflow::Status;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

const RED: u32 = 0xFFC7CE;
const YELLOW: u32 = 0xFFEB9C;
const BLUE: u32 = 0xBDD7EE;
const GREEN: u32 = 0xC6EFCE;
const GREY: u32 = 0xE7E6E6;

fn width(column: LedgerColumn) -> f64 {
    match column {
        LedgerColumn::Seq => 6.0,
        LedgerColumn::Description => 40.0,
        LedgerColumn::Measure => 36.0,
        LedgerColumn::Progress => 30.0,
        LedgerColumn::Goal | LedgerColumn::Evidence | LedgerColumn::Mechanism => 20.0,
        LedgerColumn::Number | LedgerColumn::Unit => 16.0,
        LedgerColumn::Deadline | LedgerColumn::SignedOffAt | LedgerColumn::Category => 14.0,
        _ => 11.0,
    }
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::internal_from("xlsx", e)
}

/// The body format with each fill a cell may take, made once (a format is cloned and looked up
/// on every write otherwise).
struct Fills {
    red: Format,
    yellow: Format,
    blue: Format,
    green: Format,
    grey: Format,
}

impl Fills {
    fn new(body: &Format) -> Self {
        let filled = |rgb: u32| body.clone().set_background_color(Color::RGB(rgb));
        Self { red: filled(RED), yellow: filled(YELLOW), blue: filled(BLUE), green: filled(GREEN), grey: filled(GREY) }
    }

    fn of(&self, rgb: u32) -> &Format {
        match rgb {
            RED => &self.red,
            YELLOW => &self.yellow,
            BLUE => &self.blue,
            GREEN => &self.green,
            _ => &self.grey,
        }
    }
}

/// The fill a state shows: done green, set aside grey, overdue red.
fn status_fill(p: &LedgerProblem) -> Option<u32> {
    match p.status {
        Status::Closed => Some(GREEN),
        Status::Dismissed | Status::Merged => Some(GREY),
        _ if p.overdue => Some(RED),
        _ => None,
    }
}

fn colour_fill(c: Option<Colour>) -> Option<u32> {
    c.map(|c| match c {
        Colour::Red => RED,
        Colour::Yellow => YELLOW,
        Colour::Blue => BLUE,
    })
}

/// A ledger workbook written a chunk of problems at a time: finished rows go to a temporary file
/// (constant-memory mode), so that a hundred thousand problems never sit in memory as cells.
pub struct XlsxLedger {
    book: Workbook,
    body: Format,
    fills: Fills,
    /// The next row to write.
    row: u32,
    /// The 序号 of the next problem.
    seq: usize,
}

impl XlsxLedger {
    /// A workbook with its title row and frozen headers.
    pub fn new(title: &str, as_of: NaiveDate) -> Result<Self> {
        let mut book = Workbook::new();
        let body = Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin)
            .set_font_name("宋体")
            .set_font_size(10.5);
        let header = body.clone().set_bold().set_align(FormatAlign::Center).set_background_color(Color::RGB(0xD9D9D9));
        let heading = Format::new().set_bold().set_font_size(16).set_font_name("黑体").set_align(FormatAlign::Center);
        let sheet = book.add_worksheet_with_constant_memory().map_err(xlsx_err)?;
        sheet.set_name("整改台账").map_err(xlsx_err)?;
        let columns = LedgerColumn::ALL;
        let last = (columns.len() - 1) as u16;
        sheet
            .merge_range(0, 0, 0, last, &format!("{title}（截至{}）", chinese_date(as_of)), &heading)
            .map_err(xlsx_err)?;
        sheet.set_row_height(0, 30).map_err(xlsx_err)?;
        for (i, c) in columns.iter().enumerate() {
            sheet.write_string_with_format(1, i as u16, c.header_zh(), &header).map_err(xlsx_err)?;
            sheet.set_column_width(i as u16, width(*c)).map_err(xlsx_err)?;
        }
        sheet.set_freeze_panes(2, 0).map_err(xlsx_err)?;
        // Printed as offices print a ledger: A4 landscape, every column on the page's width, the
        // title and headers on every page.
        sheet.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0);
        sheet.set_repeat_rows(0, 1).map_err(xlsx_err)?;
        Ok(Self { book, fills: Fills::new(&body), body, row: 2, seq: 1 })
    }

    /// The next problems, each on its measure rows.
    pub fn push(&mut self, problems: &[LedgerProblem]) -> Result<()> {
        let sheet = self.book.worksheet_from_index(0).map_err(xlsx_err)?;
        let (body, fills) = (&self.body, &self.fills);
        for p in problems {
            let (row, seq) = (self.row, self.seq);
            let rows = p.measures.len() as u32;
            for (k, height) in row_heights(p, seq).into_iter().enumerate() {
                sheet.set_row_height(row + k as u32, height).map_err(xlsx_err)?;
            }
            // Row by row, left to right: a finished row is written out (constant memory), so a
            // cell is never written above the current row; a merged cell is set on its first
            // row and reaches ahead into the rows below.
            for (k, m) in p.measures.iter().enumerate() {
                let r = row + k as u32;
                for (i, c) in LedgerColumn::ALL.iter().enumerate() {
                    let col = i as u16;
                    let fill = match c {
                        LedgerColumn::Status => status_fill(p),
                        LedgerColumn::Deadline => colour_fill(p.colour),
                        _ => None,
                    };
                    let format = fill.map_or(body, |rgb| fills.of(rgb));
                    if LedgerProblem::per_measure(*c) {
                        write(sheet, r, col, &p.row_cell(*c, seq, m), format)?;
                    } else if k == 0 && rows > 1 {
                        sheet.merge_range(r, col, r + rows - 1, col, &p.cell(*c, seq), format).map_err(xlsx_err)?;
                    } else if k == 0 {
                        write(sheet, r, col, &p.cell(*c, seq), format)?;
                    }
                }
            }
            self.row += rows;
            self.seq += 1;
        }
        Ok(())
    }

    /// The workbook's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>> {
        self.book.save_to_buffer().map_err(xlsx_err)
    }
}

/// The workbook's bytes.
pub fn write_xlsx(ledger: &Ledger) -> Result<Vec<u8>> {
    let mut out = XlsxLedger::new(&ledger.title, ledger.as_of)?;
    out.push(&ledger.problems)?;
    out.finish()
}

/// Points per line of 10.5-point text.
const LINE: f64 = 14.0;

/// How many lines `text` takes wrapped in a column `width` characters wide (a Chinese character
/// is two of Excel's width units, a Latin one about one).
fn lines(text: &str, width: f64) -> usize {
    let room = (width - 1.0).max(2.0);
    text.split('\n')
        .map(|para| {
            let units: f64 = para.chars().map(|c| if c.is_ascii() { 1.1 } else { 2.0 }).sum();
            (units / room).ceil().max(1.0) as usize
        })
        .sum()
}

/// The heights of a problem's rows. Excel and LibreOffice fit a row to its wrapped text but not
/// to a merged cell's, so the rows are given the height their merged cells need, shared between
/// them, and at least what each row's own cells need.
fn row_heights(p: &LedgerProblem, seq: usize) -> Vec<f64> {
    let shared = LedgerColumn::ALL
        .iter()
        .filter(|c| !LedgerProblem::per_measure(**c))
        .map(|c| lines(&p.cell(*c, seq), width(*c)))
        .max()
        .unwrap_or(1);
    let own: Vec<usize> = p
        .measures
        .iter()
        .map(|m| {
            LedgerColumn::ALL
                .iter()
                .filter(|c| LedgerProblem::per_measure(**c))
                .map(|c| lines(&p.row_cell(*c, seq, m), width(*c)))
                .max()
                .unwrap_or(1)
        })
        .collect();
    let each = shared.div_ceil(own.len().max(1));
    own.into_iter().map(|n| n.max(each) as f64 * LINE + 4.0).collect()
}

fn write(sheet: &mut Worksheet, row: u32, col: u16, text: &str, format: &Format) -> Result<()> {
    sheet.write_string_with_format(row, col, text, format).map_err(xlsx_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_text_is_counted_in_lines() {
        assert_eq!(lines("", 10.0), 1);
        assert_eq!(lines("路灯不亮", 10.0), 1);
        assert_eq!(lines("路灯不亮路灯不亮", 10.0), 2, "16 units in 9");
        assert_eq!(lines("一\n二\n三", 40.0), 3, "each line break starts a line");
        assert_eq!(lines("abcdefghij", 11.0), 2);
    }
}
