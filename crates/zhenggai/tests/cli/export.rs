//! `zhenggai export ledger` as an operator runs it: .xlsx and .csv by the file's name, the list's
//! filters, and clear refusals.

use super::{text, zhenggai};
use app::testkit::{Kind, TestDb, World};
use chrono::NaiveDate;
use domain::feedback::Channel;

async fn export_ledger_writes_the_file_its_name_asks_for(kind: Kind) {
    let Some(db) = TestDb::new(kind, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()).await else {
        return;
    };
    let w = World::new(&db.app).await;
    let input = app::problems::NewProblemInput {
        category_id: Some(w.category.id),
        ..app::problems::NewProblemInput::new(w.campaign.id, "窗口排长队", "办事窗口少，排队两小时", Channel::Hotline)
    };
    let created = db.app.create_problem(&w.office, &input).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, filter: &str| {
        let path = dir.path().join(name);
        let out = zhenggai(&[
            "--database-url",
            &db.url,
            "export",
            "ledger",
            "-o",
            path.to_str().unwrap(),
            "--filter",
            filter,
        ]);
        (out, path)
    };
    let (out, xlsx) = run("台账.xlsx", "");
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("已导出 1 个问题（1 行）"), "{}", text(&out));
    let book = sheets::read(&std::fs::read(&xlsx).unwrap(), sheets::Limits::default()).unwrap();
    assert_eq!(book.kind, sheets::Kind::Xlsx);
    assert!(book.sheets[0].rows.iter().flatten().any(|c| c.text() == created.summary.number.as_str()));
    let (out, csv) = run("台账.csv", "status=new");
    assert!(out.status.success(), "{}", text(&out));
    assert!(std::fs::read(&csv).unwrap().starts_with(b"\xEF\xBB\xBF"));
    let (out, _) = run("none.csv", "status=closed");
    assert!(text(&out).contains("已导出 0 个问题"), "{}", text(&out));
    let (out, pdf) = run("台账.pdf", "");
    assert!(!out.status.success() && text(&out).contains(".xlsx"), "{}", text(&out));
    assert!(!pdf.exists());
    let (out, _) = run("x.xlsx", "colour=purple");
    assert!(!out.status.success() && text(&out).contains("purple"), "{}", text(&out));
    db.cleanup().await;
}

both!(export_ledger_writes_the_file_its_name_asks_for);
