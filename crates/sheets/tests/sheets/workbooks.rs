//! Workbooks as units make them, built with rust_xlsxwriter and read back.

use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook as Writer};
use std::io::Write;
use zhenggai_sheets::{Cell, DateValue, Kind, Limits, SheetError, find_header, parse_date, read};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    Seq,
    Problem,
    Measure,
    Deadline,
    Unit,
}

fn known(name: &str) -> Option<Field> {
    match name {
        "序号" => Some(Field::Seq),
        "存在问题" | "问题描述" => Some(Field::Problem),
        "整改措施" => Some(Field::Measure),
        "整改时限" | "完成时限" => Some(Field::Deadline),
        "责任单位" | "牵头单位" => Some(Field::Unit),
        _ => None,
    }
}

/// A unit's ledger: a merged title, a 填报单位 line, the header, one problem over two measure rows
/// (序号, 存在问题 and 责任单位 merged down), a date cell, a serial number and a Chinese date.
fn unit_ledger() -> Vec<u8> {
    let mut book = Writer::new();
    let sheet = book.add_worksheet();
    sheet.set_name("整改台账").unwrap();
    let plain = Format::new();
    sheet.merge_range(0, 0, 0, 4, "XX局主题教育检视问题整改台账", &plain).unwrap();
    sheet.write_string(1, 0, "填报单位：XX局　填报时间：2023年9月1日").unwrap();
    for (c, h) in ["序号", "存在问题", "整改措施", "整改时限", "责任单位"].iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    sheet.merge_range(3, 0, 4, 0, "1", &plain).unwrap();
    sheet.merge_range(3, 1, 4, 1, "路灯长期不亮", &plain).unwrap();
    sheet.merge_range(3, 4, 4, 4, "市城管局", &plain).unwrap();
    sheet.write_string(3, 2, "排查线路").unwrap();
    sheet.write_string(4, 2, "更换灯具").unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_datetime_with_format(3, 3, ExcelDateTime::from_ymd(2023, 10, 31).unwrap(), &date).unwrap();
    sheet.write_number(4, 3, 45291.0).unwrap();
    sheet.write_string(5, 0, "2").unwrap();
    sheet.write_string(5, 1, "窗口办事排长队").unwrap();
    sheet.write_string(5, 2, "增设窗口").unwrap();
    sheet.write_string(5, 3, "2023年12月底前").unwrap();
    sheet.write_string(5, 4, "市政务服务中心").unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn a_units_ledger_reads_with_its_header_merged_cells_and_dates() {
    let book = read(&unit_ledger(), Limits::default()).unwrap();
    assert_eq!(book.kind, Kind::Xlsx);
    let sheet = &book.sheets[0];
    assert_eq!(sheet.name, "整改台账");
    let header = find_header(&sheet.rows, known, 3).unwrap();
    assert_eq!(header.row, 2);
    assert_eq!(header.notes[0], ("填报单位".to_string(), "XX局".to_string()));
    let col = |f| header.column(f).unwrap();
    let data = &sheet.rows[header.row + 1..];
    assert_eq!(data.len(), 3);
    // The merged 序号, problem and unit read on both measure rows.
    for row in &data[..2] {
        assert_eq!(row[col(Field::Seq)].text(), "1");
        assert_eq!(row[col(Field::Problem)].text(), "路灯长期不亮");
        assert_eq!(row[col(Field::Unit)].text(), "市城管局");
    }
    assert_eq!(data[0][col(Field::Measure)].text(), "排查线路");
    assert_eq!(data[1][col(Field::Measure)].text(), "更换灯具");
    let d = |y, m, day| Some(DateValue::Date(NaiveDate::from_ymd_opt(y, m, day).unwrap()));
    assert_eq!(parse_date(&data[0][col(Field::Deadline)]), d(2023, 10, 31), "a date cell");
    assert_eq!(parse_date(&data[1][col(Field::Deadline)]), d(2023, 12, 31), "a serial number");
    assert_eq!(parse_date(&data[2][col(Field::Deadline)]), d(2023, 12, 31), "a Chinese date");
}

#[test]
fn formula_cells_read_as_their_values_and_merged_headers_once() {
    let mut book = Writer::new();
    let sheet = book.add_worksheet();
    let plain = Format::new();
    sheet.merge_range(0, 0, 0, 1, "存在问题", &plain).unwrap();
    sheet.write_string(0, 2, "序号").unwrap();
    sheet.write_number(1, 2, 1.0).unwrap();
    sheet.write_formula(2, 2, "=C2+1").unwrap().set_formula_result(2, 2, "2");
    let bytes = book.save_to_buffer().unwrap();
    let read = read(&bytes, Limits::default()).unwrap();
    let rows = &read.sheets[0].rows;
    assert_eq!(rows[2][2].text(), "2");
    let header = find_header(rows, known, 2).unwrap();
    assert_eq!(header.column(Field::Problem), Some(0));
    assert_eq!(header.column(Field::Seq), Some(2));
}

#[test]
fn the_last_row_and_the_last_column_read() {
    let mut book = Writer::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 16_383, "最后一列").unwrap();
    sheet.write_string(1_048_575, 0, "最后一行").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let sheet = &read(&bytes, Limits::default()).unwrap().sheets[0];
    assert_eq!(sheet.rows.len(), 1_048_576);
    assert_eq!(sheet.rows[0].len(), 16_384);
    assert_eq!(sheet.rows[0][16_383], Cell::Text("最后一列".into()));
    assert_eq!(sheet.rows[1_048_575][0], Cell::Text("最后一行".into()));
}

#[test]
fn a_sheet_too_large_for_the_limits_is_refused() {
    let mut book = Writer::new();
    let sheet = book.add_worksheet();
    for r in 0..100 {
        sheet.write_string(r, 16_383, "x").unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    let limits = Limits { max_cells: 1_000_000, ..Limits::default() };
    assert_eq!(read(&bytes, limits), Err(SheetError::TooLarge { what: "cells", limit: 1_000_000 }));
}

#[test]
fn a_zip_bomb_is_refused_before_it_expands() {
    let mut bytes = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut bytes));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..64 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
    }
    assert!(bytes.len() < 1 << 20, "the archive is small: {}", bytes.len());
    let limits = Limits { max_expanded_bytes: 32 << 20, ..Limits::default() };
    assert_eq!(read(&bytes, limits), Err(SheetError::TooLarge { what: "expanded size", limit: 32 << 20 }));
}

#[test]
fn a_truncated_workbook_is_an_error_whatever_the_cut() {
    let bytes = unit_ledger();
    for cut in [10, 100, bytes.len() / 3, bytes.len() / 2, bytes.len() - 30, bytes.len() - 1] {
        match read(&bytes[..cut], Limits::default()) {
            Err(SheetError::Damaged { .. }) => {}
            other => panic!("cut at {cut}: {other:?}"),
        }
    }
}

/// A 200 MB CSV (a year of a district's 12345 export): read whole, every row, in GBK as in UTF-8's
/// place; past the cell limit it is refused as too large, never cut short.
#[test]
fn a_200_megabyte_csv_reads_whole_or_is_refused_as_too_large() {
    let mut text = String::from("工单编号,诉求标题,诉求内容,受理时间\n");
    let body = "幸福路与建设路交叉口的路灯已经坏了一个多星期，晚上行人和电动车经过很危险，希望尽快修复。".repeat(2);
    let mut rows = 0;
    while text.len() < 200 << 20 {
        text.push_str(&format!("GD-{rows},路灯不亮,{body},2023/9/1 10:20:00\n"));
        rows += 1;
    }
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    let gbk = gbk.into_owned();
    drop(text);
    let book = read(&gbk, Limits::default()).unwrap();
    let sheet = &book.sheets[0];
    assert_eq!(sheet.rows.len(), rows + 1, "every row");
    assert_eq!(sheet.rows[rows][0], Cell::Text(format!("GD-{}", rows - 1)));
    assert_eq!(sheet.rows[rows][2].text(), body.as_str());
    let limits = Limits { max_cells: 1_000_000, ..Limits::default() };
    assert_eq!(read(&gbk, limits), Err(SheetError::TooLarge { what: "cells", limit: 1_000_000 }));
}
