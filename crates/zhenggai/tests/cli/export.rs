//! `zhenggai export ledger` as an operator runs it: .xlsx and .csv by the file's name, the list's
//! filters, and clear refusals.

use super::{text, zhenggai};
use app::testkit::{Kind, TestDb, World};
use app::transitions::{Assignment, Transition, TransitionRequest};
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

/// `export feedback` as the office and as a unit's liaison: the file carries what each may see
/// (the phone for the office only, nothing of another unit's), and it imports into another
/// install as the same messages.
async fn export_feedback_writes_what_the_user_may_see_in_the_import_layout(kind: Kind) {
    let Some(db) = TestDb::new(kind, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()).await else {
        return;
    };
    let w = World::new(&db.app).await;
    let input = app::feedback::FeedbackInput {
        unit_id: Some(w.dept_a.id),
        title: Some("路灯不亮".into()),
        reporter_name: Some("张三".into()),
        reporter_contact: Some("13800000009".into()),
        ..app::feedback::FeedbackInput::new(Channel::Hotline, "幸福路路灯坏了一周，晚上很黑")
    };
    db.app.create_feedback(&w.office, &input).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let export = |name: &str, user: &str| {
        let path = dir.path().join(name);
        let out =
            zhenggai(&["--database-url", &db.url, "export", "feedback", "-o", path.to_str().unwrap(), "--as", user]);
        assert!(out.status.success(), "{}", text(&out));
        (text(&out), std::fs::read_to_string(&path).unwrap_or_default())
    };
    let (said, office) = export("office.csv", "office");
    assert!(said.contains("已导出 1 条诉求"), "{said}");
    assert!(
        office.starts_with('\u{feff}') && office.contains("留言编号,留言主题,留言详情,留言时间,点赞数"),
        "{office}"
    );
    assert!(
        office.contains("13800000009") && office.contains("张三") && office.contains("幸福路路灯坏了一周"),
        "{office}"
    );
    let (_, liaison_a) = export("a.csv", "liaison_a");
    assert!(liaison_a.contains("幸福路路灯坏了一周") && !liaison_a.contains("13800000009"), "{liaison_a}");
    let (said, liaison_b) = export("b.csv", "liaison_b");
    assert!(said.contains("已导出 0 条诉求") && !liaison_b.contains("幸福路"), "{said}");
    let xlsx = dir.path().join("office.xlsx");
    let out =
        zhenggai(&["--database-url", &db.url, "export", "feedback", "-o", xlsx.to_str().unwrap(), "--as", "office"]);
    assert!(out.status.success(), "{}", text(&out));
    // Into another install: the same message.
    let Some(other) = TestDb::new(kind, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()).await else { return };
    World::new(&other.app).await;
    let out = zhenggai(&["--database-url", &other.url, "import", "feedback", xlsx.to_str().unwrap()]);
    assert!(text(&out).contains("新增 1，更新 0，未变 0，拒绝 0"), "{}", text(&out));
    other.cleanup().await;
    db.cleanup().await;
}

both!(export_feedback_writes_what_the_user_may_see_in_the_import_layout);

/// `zhenggai report` as an operator runs it: the weekly report as .docx and as a page, in
/// Chinese and in English, over what the named user may see; clear refusals for a file type it
/// does not write and a campaign that is not there, with no file left behind.
async fn report_writes_the_weekly_report_as_docx_and_html(kind: Kind) {
    let Some(db) = TestDb::new(kind, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()).await else {
        return;
    };
    let w = World::new(&db.app).await;
    for (title, unit) in [("窗口排长队", w.dept_a.id), ("河道排污口偷排", w.dept_b.id)] {
        let input = app::problems::NewProblemInput {
            category_id: Some(w.category.id),
            ..app::problems::NewProblemInput::new(w.campaign.id, title, "群众反映强烈", Channel::Hotline)
        };
        let p = db.app.create_problem(&w.office, &input).await.unwrap();
        let assign = Transition::Assign(Assignment::to(unit));
        db.app.transition(&w.office, p.summary.id, &TransitionRequest::new(p.summary.version, assign)).await.unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, extra: &[&str]| {
        let path = dir.path().join(name);
        let mut args = vec!["--database-url", &db.url, "report", "weekly", "--campaign", "ZT", "--from", "2026-11-02"];
        args.extend_from_slice(&["-o", path.to_str().unwrap()]);
        args.extend_from_slice(extra);
        (zhenggai(&args), path)
    };
    let (out, docx) = run("通报.docx", &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("已生成本周进展通报（2026-11-02 至 2026-11-08）"), "{}", text(&out));
    let bytes = std::fs::read(&docx).unwrap();
    assert!(bytes.starts_with(b"PK"), "a .docx is a zip");
    let (out, html) = run("通报.html", &["--as", "liaison_a"]);
    assert!(out.status.success(), "{}", text(&out));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("新受理问题1个") && page.contains("窗口排长队"), "{page}");
    assert!(!page.contains("河道排污口偷排"), "the liaison's report names only its unit's problems");
    assert!(!page.contains("href=\"/problems"), "a file read away from the server links nowhere");
    let (out, english) = run("weekly.html", &["--lang", "en"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(std::fs::read_to_string(&english).unwrap().contains("2 problems were received"));
    let (out, pdf) = run("通报.pdf", &[]);
    assert!(!out.status.success() && text(&out).contains(".docx"), "{}", text(&out));
    assert!(!pdf.exists());
    let path = dir.path().join("none.docx");
    let out = zhenggai(&[
        "--database-url",
        &db.url,
        "report",
        "summary",
        "--campaign",
        "没有的专项",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(!out.status.success() && text(&out).contains("没有专项工作“没有的专项”"), "{}", text(&out));
    assert!(!path.exists());
    db.cleanup().await;
}

both!(report_writes_the_weekly_report_as_docx_and_html);
