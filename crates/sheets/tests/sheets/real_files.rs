//! The citizen-message files under `../shared/data/citizen-messages/` (not in the repository: their
//! licence is unknown) read with the right number of rows, the same from the workbook as from its
//! CSV, and the same from a GBK copy of the CSV as from the UTF-8 one. Skipped, with a message,
//! where the data is absent.

use std::path::PathBuf;
use zhenggai_sheets::{Cell, Kind, Limits, TextEncoding, parse_date, read};

fn data_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/citizen-messages");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent", dir.display());
        None
    }
}

/// Each file with messages and the number of data rows its README gives.
const FILES: &[(&str, usize)] = &[
    ("tipdm2020-c/附件1", 517),
    ("tipdm2020-c/附件3", 4_326),
    ("tipdm2020-c/附件4", 2_816),
    ("tipdm2020-c/测试数据", 2_801),
    ("tipdm2020-c/示例数据/附件2", 495),
    ("tipdm2020-c/示例数据/附件3", 30),
    ("tipdm2020-c/示例数据/附件4", 120),
];

const CSV_ONLY: &[(&str, usize)] = &[
    ("msgabench/情感分类.train.csv", 9_224),
    ("msgabench/Government affairs Q&A service scenario.政务问答.csv", 2_081),
    ("msgabench/Government affairs Q&A service scenario.自然语言理解.csv", 233),
];

fn rows_of(path: &std::path::Path) -> Vec<Vec<Cell>> {
    let bytes = std::fs::read(path).unwrap();
    let mut book = read(&bytes, Limits::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    book.sheets.swap_remove(0).rows
}

/// Two cells say the same: equal text, or the same date written two ways.
fn same(a: &Cell, b: &Cell) -> bool {
    a.text() == b.text() || matches!((parse_date(a), parse_date(b)), (Some(x), Some(y)) if x == y)
}

#[test]
fn every_workbook_reads_as_its_csv_with_the_published_row_count() {
    let Some(dir) = data_dir() else { return };
    for (stem, expected) in FILES {
        let xlsx = rows_of(&dir.join(format!("{stem}.xlsx")));
        let csv = rows_of(&dir.join(format!("{stem}.csv")));
        assert_eq!(xlsx.len() - 1, *expected, "{stem}.xlsx data rows");
        assert_eq!(csv.len() - 1, *expected, "{stem}.csv data rows");
        for (r, (a, b)) in xlsx.iter().zip(&csv).enumerate() {
            let width = a.len().max(b.len());
            for c in 0..width {
                let (x, y) = (a.get(c).cloned().unwrap_or_default(), b.get(c).cloned().unwrap_or_default());
                assert!(same(&x, &y), "{stem} row {r} column {c}: {x:?} in the workbook, {y:?} in the CSV");
            }
        }
    }
    for (name, expected) in CSV_ONLY {
        assert_eq!(rows_of(&dir.join(name)).len() - 1, *expected, "{name} data rows");
    }
}

#[test]
fn a_gbk_copy_reads_as_the_utf8_original() {
    let Some(dir) = data_dir() else { return };
    let original = std::fs::read_to_string(dir.join("tipdm2020-c/附件3.csv")).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&original);
    let bytes = if unmappable { encoding_rs::GB18030.encode(&original).0 } else { gbk };
    let copy = read(&bytes, Limits::default()).unwrap();
    assert_eq!(copy.kind, Kind::Text);
    assert_eq!(copy.encoding, Some(TextEncoding::Gb18030));
    assert_eq!(copy.sheets[0].rows, read(original.as_bytes(), Limits::default()).unwrap().sheets[0].rows);
}
