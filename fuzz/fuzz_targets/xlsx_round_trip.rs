//! Cells written to a workbook (some merged) read back as written: the bytes are split into cell
//! texts, laid out on a sheet, saved with rust_xlsxwriter and read with the project's reader.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rust_xlsxwriter::{Format, Workbook};
use sheets::{Cell, Limits, read};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let cells: Vec<&str> = text.split('|').take(60).collect();
    let width = 1 + (data.first().copied().unwrap_or(0) % 6) as usize;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let mut expected = Vec::new();
    for (i, value) in cells.iter().enumerate() {
        // Excel's own limit on a cell's text.
        if value.trim().is_empty() || value.chars().count() > 32_767 {
            continue;
        }
        let (row, col) = ((i / width) as u32, (i % width) as u16);
        if sheet.write_string(row, col, *value).is_ok() {
            expected.push((row as usize, col as usize, value.to_string()));
        }
    }
    // A merged region below everything written, with its value in its first cell.
    let below = (cells.len() / width + 2) as u32;
    let merged = sheet.merge_range(below, 0, below + 1, 1, "合并", &Format::new()).is_ok();
    let Ok(bytes) = book.save_to_buffer() else { return };
    let read = read(&bytes, Limits::default()).expect("a workbook rust_xlsxwriter wrote reads");
    let rows = &read.sheets[0].rows;
    for (row, col, value) in expected {
        let got = rows.get(row).and_then(|r| r.get(col));
        assert_eq!(got, Some(&Cell::Text(value.clone())), "cell ({row}, {col})");
    }
    if merged {
        for (r, c) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            let got = rows.get(below as usize + r).and_then(|row| row.get(c));
            assert_eq!(got, Some(&Cell::Text("合并".into())), "merged cell ({r}, {c})");
        }
    }
});
