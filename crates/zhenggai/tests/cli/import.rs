//! `zhenggai import feedback FILE` (and the older `import --input FILE`) as an operator runs it: a
//! workbook named `.xls` that is really xlsx, with a title row and a bad row; a GBK CSV of the same
//! messages; a file without a text column; the real 附件3 where it is present.

use super::{text, zhenggai};
use app::testkit::{Kind, TestDb, World};
use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

const HEADER: [&str; 4] = ["工单编号", "诉求标题", "诉求内容", "受理时间"];
const ROWS: [[&str; 4]; 3] = [
    ["GD-1", "路灯不亮", "幸福路路灯坏了一周", "2023/9/1 10:20:00"],
    ["GD-2", "噪音", "工地夜间施工", "2023年9月2日"],
    ["GD-3", "积水", "下雨后小区门口积水", "下周"],
];

fn workbook() -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "12345热线工单导出（2023年9月）").unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    for (r, row) in ROWS.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(2 + r as u32, c as u16, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

fn gbk_csv() -> Vec<u8> {
    let mut text = HEADER.join(",") + "\r\n";
    for row in ROWS {
        text += &(row.join(",") + "\r\n");
    }
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    bytes.into_owned()
}

async fn import_feedback_reports_bad_rows_and_adds_nothing_twice(kind: Kind) {
    let Some(db) = TestDb::new(kind, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()).await else {
        return;
    };
    World::new(&db.app).await;
    let dir = tempfile::tempdir().unwrap();
    let xls = dir.path().join("工单.xls");
    std::fs::write(&xls, workbook()).unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["--database-url", db.url.as_str(), "import"];
        all.extend_from_slice(args);
        zhenggai(&all)
    };
    let first = run(&["feedback", xls.to_str().unwrap()]);
    assert_eq!(first.status.code(), Some(3), "imported, with a row rejected: {}", text(&first));
    let said = text(&first);
    assert!(said.contains("新增 2，更新 0，未变 0，拒绝 1"), "{said}");
    assert!(said.contains("2 new, 0 updated, 0 unchanged, 1 rejected"), "{said}");
    assert!(said.contains("第 5 行“受理时间”列：无法识别的时间“下周”"), "{said}");
    let again = run(&["feedback", xls.to_str().unwrap()]);
    assert!(text(&again).contains("新增 0，更新 0，未变 2，拒绝 1"), "{}", text(&again));
    // The same messages as GBK text, by the older form of the command, from the same source.
    let csv = dir.path().join("gbk.csv");
    std::fs::write(&csv, gbk_csv()).unwrap();
    let legacy = run(&["--input", csv.to_str().unwrap(), "--source", "file:工单.xls"]);
    assert!(text(&legacy).contains("新增 0，更新 0，未变 2，拒绝 1"), "{}", text(&legacy));
    assert!(text(&legacy).contains("第 4 行"), "no title row in the CSV: {}", text(&legacy));
    // No column for the text: refused, naming what it looked for, nothing imported.
    let bare = dir.path().join("bare.csv");
    std::fs::write(&bare, "工单编号,备注\nGD-9,无\n").unwrap();
    let refused = run(&["feedback", bare.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("留言详情") && !text(&refused).contains("新增"), "{}", text(&refused));
    let named = run(&["feedback", bare.to_str().unwrap(), "--text-column", "备注"]);
    assert!(text(&named).contains("新增 1，"), "{}", text(&named));
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_real_workbook_imports_every_message_once() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/citizen-messages/tipdm2020-c/附件3.xlsx");
    if !path.exists() {
        eprintln!("skipping: {} is absent (the real data set is not in this checkout)", path.display());
        return;
    }
    let Some(db) = TestDb::new(Kind::Sqlite, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()).await else {
        return;
    };
    World::new(&db.app).await;
    let run = || zhenggai(&["--database-url", &db.url, "import", "feedback", path.to_str().unwrap()]);
    let first = run();
    assert!(first.status.success(), "{}", text(&first));
    assert!(text(&first).contains("新增 4326，更新 0，未变 0，拒绝 0"), "{}", text(&first));
    let again = run();
    assert!(text(&again).contains("新增 0，更新 0，未变 4326，拒绝 0"), "{}", text(&again));
    db.cleanup().await;
}

both!(import_feedback_reports_bad_rows_and_adds_nothing_twice);
