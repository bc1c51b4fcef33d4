//! Reading a file into sheets of cells: xlsx through calamine's streaming cell reader (so that a
//! sheet's memory follows its cells, not its bounding box), xls through calamine's ranges, text as
//! CSV after its encoding is found. Merged regions are filled with their top-left value, as a
//! person reading the sheet sees them.

use crate::encoding::{TextEncoding, decode};
use crate::{Cell, Kind, SheetError};
use calamine::{Data, DataRef, Dimensions, Reader, Xls, Xlsx};
use std::io::Cursor;

/// What a read may take, so that a hostile or mistaken file is refused before it exhausts memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Cells held in all (empty cells before a row's last one count).
    pub max_cells: u64,
    /// The expanded size of an xlsx archive's parts (a zip bomb expands to far more).
    pub max_expanded_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_cells: 20_000_000, max_expanded_bytes: 2 << 30 }
    }
}

/// One worksheet: its rows, each as long as its last non-empty cell.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

/// A file read: its kind, the text encoding when it was text, and its sheets in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Workbook {
    pub kind: Kind,
    pub encoding: Option<TextEncoding>,
    pub sheets: Vec<Sheet>,
}

/// Reads `bytes` as whatever they are.
pub fn read(bytes: &[u8], limits: Limits) -> Result<Workbook, SheetError> {
    let kind = Kind::sniff(bytes);
    match kind {
        Kind::Xlsx => Ok(Workbook { kind, encoding: None, sheets: read_xlsx(bytes, limits)? }),
        Kind::Xls => Ok(Workbook { kind, encoding: None, sheets: read_xls(bytes, limits)? }),
        Kind::Text => {
            let (text, encoding) = decode(bytes)?;
            let sheet = read_csv(&text, limits)?;
            Ok(Workbook { kind, encoding: Some(encoding), sheets: vec![sheet] })
        }
    }
}

fn damaged(kind: &'static str, e: impl std::fmt::Display) -> SheetError {
    SheetError::Damaged { kind, detail: e.to_string() }
}

/// Rows being filled, counting the cells they hold against the limit.
struct Grid {
    rows: Vec<Vec<Cell>>,
    cells: u64,
    max_cells: u64,
}

impl Grid {
    fn new(limits: Limits) -> Self {
        Self { rows: Vec::new(), cells: 0, max_cells: limits.max_cells }
    }

    fn put(&mut self, row: usize, col: usize, cell: Cell) -> Result<(), SheetError> {
        if self.rows.len() <= row {
            self.grow(row + 1 - self.rows.len())?;
            self.rows.resize_with(row + 1, Vec::new);
        }
        let r = &mut self.rows[row];
        if r.len() <= col {
            let more = col + 1 - r.len();
            self.cells += more as u64;
            if self.cells > self.max_cells {
                return Err(SheetError::TooLarge { what: "cells", limit: self.max_cells });
            }
            r.resize(col + 1, Cell::Empty);
        }
        r[col] = cell;
        Ok(())
    }

    /// Empty rows cost a little too.
    fn grow(&mut self, rows: usize) -> Result<(), SheetError> {
        self.cells += rows as u64 / 8;
        if self.cells > self.max_cells {
            return Err(SheetError::TooLarge { what: "cells", limit: self.max_cells });
        }
        Ok(())
    }

    /// Every cell of each merged region takes the region's top-left value.
    fn fill_merged(&mut self, regions: &[Dimensions]) -> Result<(), SheetError> {
        for region in regions {
            let (r0, c0) = (region.start.0 as usize, region.start.1 as usize);
            let (r1, c1) = (region.end.0 as usize, region.end.1 as usize);
            let value = self.rows.get(r0).and_then(|r| r.get(c0)).cloned().unwrap_or_default();
            if value.is_blank() {
                continue;
            }
            for r in r0..=r1 {
                for c in c0..=c1 {
                    if (r, c) != (r0, c0) {
                        self.put(r, c, value.clone())?;
                    }
                }
            }
        }
        Ok(())
    }

    fn into_sheet(mut self, name: String) -> Sheet {
        for row in &mut self.rows {
            while row.last().is_some_and(Cell::is_blank) {
                row.pop();
            }
        }
        while self.rows.last().is_some_and(Vec::is_empty) {
            self.rows.pop();
        }
        Sheet { name, rows: self.rows }
    }
}

/// Refuses an archive whose parts would expand past the limit, before anything is inflated.
fn check_expanded_size(bytes: &[u8], limits: Limits) -> Result<(), SheetError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged("xlsx", e))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let part = archive.by_index_raw(i).map_err(|e| damaged("xlsx", e))?;
        total = total.saturating_add(part.size());
        if total > limits.max_expanded_bytes {
            return Err(SheetError::TooLarge { what: "expanded size", limit: limits.max_expanded_bytes });
        }
    }
    Ok(())
}

/// A workbook's sheet names; a workbook without one is refused.
fn sheet_names(names: Vec<String>) -> Result<Vec<String>, SheetError> {
    if names.is_empty() { Err(SheetError::NoSheet) } else { Ok(names) }
}

fn read_xlsx(bytes: &[u8], limits: Limits) -> Result<Vec<Sheet>, SheetError> {
    check_expanded_size(bytes, limits)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| damaged("xlsx", e))?;
    let names = sheet_names(book.sheet_names())?;
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let merged = book.merge_cells_by_sheet_name(&name).map_err(|e| damaged("xlsx", e))?;
        let mut grid = Grid::new(limits);
        {
            let mut cells = book.worksheet_cells_reader(&name).map_err(|e| damaged("xlsx", e))?;
            while let Some(cell) = cells.next_cell().map_err(|e| damaged("xlsx", e))? {
                let (row, col) = cell.get_position();
                let value = from_data_ref(cell.get_value());
                if !value.is_blank() {
                    grid.put(row as usize, col as usize, value)?;
                }
            }
        }
        grid.fill_merged(&merged)?;
        sheets.push(grid.into_sheet(name));
    }
    Ok(sheets)
}

fn read_xls(bytes: &[u8], limits: Limits) -> Result<Vec<Sheet>, SheetError> {
    let mut book: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| damaged("xls", e))?;
    let names = sheet_names(book.sheet_names())?;
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = book.worksheet_range(&name).map_err(|e| damaged("xls", e))?;
        let (top, left) = range.start().unwrap_or((0, 0));
        let mut grid = Grid::new(limits);
        for (r, c, value) in range.used_cells() {
            let cell = from_data(value);
            if !cell.is_blank() {
                grid.put(top as usize + r, left as usize + c, cell)?;
            }
        }
        let merged = book.merge_cells_by_sheet_name(&name).map_err(|e| damaged("xls", e))?;
        grid.fill_merged(&merged)?;
        sheets.push(grid.into_sheet(name));
    }
    Ok(sheets)
}

fn from_data_ref(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(t) => t.as_datetime().map_or(Cell::Number(t.as_f64()), Cell::DateTime),
        DataRef::Error(e) => Cell::Error(e.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

fn from_data(d: &Data) -> Cell {
    match d {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(t) => t.as_datetime().map_or(Cell::Number(t.as_f64()), Cell::DateTime),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Empty,
    }
}

/// The delimiter of a text file: the most frequent of comma, tab and semicolon on its first line
/// (Excel's "Unicode text" is tab-separated).
fn delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |c: char| first.matches(c).count();
    [b',', b'\t', b';'].into_iter().max_by_key(|&d| (count(d as char), d == b',')).unwrap_or(b',')
}

fn read_csv(text: &str, limits: Limits) -> Result<Sheet, SheetError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut grid = Grid::new(limits);
    let mut record = csv::StringRecord::new();
    let mut row = 0;
    loop {
        let before = reader.position().byte();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                // The csv reader passes over blank lines; a spreadsheet shows each as a row, and
                // row numbers in reports must be the ones people see. They are the line ends
                // before the record's first character (less the `\n` of the previous record's
                // CRLF, on which its position stops).
                let mut lead = text.get(before as usize..).unwrap_or("");
                if before > 0 && text.as_bytes().get(before as usize - 1) == Some(&b'\r') {
                    lead = lead.strip_prefix('\n').unwrap_or(lead);
                }
                let skipped = lead.bytes().take_while(|b| *b == b'\r' || *b == b'\n').filter(|b| *b == b'\n').count();
                if skipped > 0 {
                    grid.grow(skipped)?;
                    row += skipped;
                }
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(SheetError::Csv { line, detail: e.to_string() });
            }
        }
        for (col, field) in record.iter().enumerate() {
            if !field.trim().is_empty() {
                grid.put(row, col, Cell::Text(unescape_controls(field)))?;
            }
        }
        if grid.rows.len() <= row {
            grid.grow(1)?;
            grid.rows.resize_with(row + 1, Vec::new);
        }
        row += 1;
    }
    Ok(grid.into_sheet(String::new()))
}

/// Workbooks escape control characters in text as `_x000D_` (carriage return), `_x000A_` and
/// `_x0009_`; tools that turn a workbook into CSV often leave the escape in (openpyxl does). Those
/// three never mean their letters.
fn unescape_controls(field: &str) -> String {
    if !field.contains("_x000") {
        return field.to_string();
    }
    field.replace("_x000D_", "\r").replace("_x000A_", "\n").replace("_x0009_", "\t")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_quotes_newlines_and_blank_lines() {
        let text = "留言编号,留言主题,留言详情\r\n1,\"路灯, 不亮\",\"\n\t\t第一行\n第二行\"\r\n\r\n2,噪音,夜间施工\r\n";
        let book = read(text.as_bytes(), Limits::default()).unwrap();
        assert_eq!(book.kind, Kind::Text);
        assert_eq!(book.encoding, Some(TextEncoding::Utf8));
        let rows = &book.sheets[0].rows;
        assert_eq!(rows.len(), 4, "the blank line is a row, as a spreadsheet shows it: {rows:?}");
        assert_eq!(rows[1][1].text(), "路灯, 不亮");
        assert_eq!(rows[1][2].text(), "第一行\n第二行");
        assert!(rows[2].is_empty());
        assert_eq!(rows[3][2].text(), "夜间施工");
    }

    #[test]
    fn escaped_control_characters_left_in_by_converters_are_read_as_what_they_stand_for() {
        let book = read("a,b\n1,\"第一行_x000D_\n第二行\"\n".as_bytes(), Limits::default()).unwrap();
        assert_eq!(book.sheets[0].rows[1][1], Cell::Text("第一行\r\n第二行".into()));
    }

    #[test]
    fn tab_separated_text_is_split_on_tabs() {
        let book = read("序号\t问题\n1\t路灯, 不亮\n".as_bytes(), Limits::default()).unwrap();
        assert_eq!(book.sheets[0].rows[1][1].text(), "路灯, 不亮");
    }

    #[test]
    fn too_many_cells_is_refused_not_read() {
        let text = "a,b,c\n".repeat(100);
        let limits = Limits { max_cells: 50, ..Limits::default() };
        assert_eq!(read(text.as_bytes(), limits), Err(SheetError::TooLarge { what: "cells", limit: 50 }));
    }

    #[test]
    fn a_truncated_workbook_is_damaged_not_a_panic() {
        let bytes = b"PK\x03\x04\x14\x00\x00\x00\x08\x00truncated";
        assert!(matches!(read(bytes, Limits::default()), Err(SheetError::Damaged { kind: "xlsx", .. })));
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 1, 2, 3];
        assert!(matches!(read(&ole, Limits::default()), Err(SheetError::Damaged { kind: "xls", .. })));
    }
}
