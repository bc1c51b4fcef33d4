//! Ledgers imported as offices get them: a unit's own workbook (title rows, 填报单位 line, 序号
//! merged over two measure rows, synonyms, Chinese and serial dates) becomes its problems with all
//! their measures, and again changes nothing; an exported ledger edited updates exactly what was
//! edited, one audit entry per change, and a change to the state is reported, not applied; a
//! wrong name or a number the reader may not see stops the whole file.

use crate::drive::{act, new_problem, t};
use crate::{both, date, setup};
use domain::ProblemId;
use domain::problem::RectificationType;
use rust_xlsxwriter::{Format, FormatAlign, Workbook};
use zhenggai_app::ledger_export::write_csv;
use zhenggai_app::ledger_import::{LedgerColumns, LedgerImportOptions, LedgerImportReport, read_ledger_file};
use zhenggai_app::problems::ProblemQuery;
use zhenggai_app::rectification::MeasureInput;
use zhenggai_app::testkit::World;
use zhenggai_app::transitions::TransitionInput;
use zhenggai_app::{Actor, App};

/// Days since 1899-12-30: how Excel stores a date.
fn excel_serial(d: chrono::NaiveDate) -> f64 {
    (d - date(1899, 12, 30)).num_days() as f64
}

/// A unit's ledger as units make them.
fn units_workbook() -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let centre = Format::new().set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter);
    let dated = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    sheet.merge_range(0, 0, 0, 8, "市住建局主题教育检视问题整改台账", &centre).unwrap();
    sheet.write(1, 0, "填报单位：市住建局　　填报时间：2026年10月").unwrap();
    let headers =
        ["序号", "存在问题", "问题类型", "具体措施", "牵头单位", "责任领导", "具体责任人", "完成时限", "完成情况"];
    for (i, h) in headers.iter().enumerate() {
        sheet.write(2, i as u16, *h).unwrap();
    }
    // One problem over two measure rows: its own cells merged down.
    for (col, text) in [
        (0, "1"),
        (1, "小区电梯长期故障\n幸福里小区3号楼电梯停运两个月"),
        (2, "噪音污染"),
        (4, "市住建局"),
        (5, "leader_a 用户"),
        (8, "已约谈物业公司"),
    ] {
        sheet.merge_range(3, col, 4, col, text, &centre).unwrap();
    }
    sheet.merge_range(3, 7, 4, 7, "", &dated).unwrap();
    sheet.write_number_with_format(3, 7, excel_serial(date(2026, 12, 31)), &dated).unwrap();
    sheet.write(3, 3, "督促物业维修电梯").unwrap();
    sheet.write(4, 3, "建立电梯巡检制度").unwrap();
    sheet.write(3, 6, "张三").unwrap();
    sheet.write(4, 6, "李四").unwrap();
    for (col, text) in [
        (0, "2"),
        (1, "公积金提取材料繁琐"),
        (3, "精简提取材料清单"),
        (4, "市住建局"),
        (6, "王五"),
        (7, "2027年1月15日"),
    ] {
        sheet.write(5, col, text).unwrap();
    }
    for (col, text) in [(0, "3"), (1, "窗口服务态度差"), (3, "开展作风整顿"), (4, "市住建局"), (7, "长期坚持")]
    {
        sheet.write(6, col, text).unwrap();
    }
    book.save_to_buffer().unwrap()
}

async fn import(app: &App, actor: &Actor, bytes: &[u8]) -> LedgerImportReport {
    let file = read_ledger_file(bytes, &LedgerColumns::default()).unwrap();
    app.import_ledger(actor, &file, &LedgerImportOptions::default()).await.unwrap()
}

async fn all_problems(app: &App, w: &World) -> Vec<zhenggai_app::views::ProblemDetail> {
    let page = app.list_problems(&w.office, &ProblemQuery { sort: Some("number".into()), ..Default::default() }).await;
    let mut out = Vec::new();
    for p in page.unwrap().items {
        out.push(app.get_problem(&w.office, p.id).await.unwrap());
    }
    out
}

async fn a_units_own_ledger_imports_with_its_problems_and_all_their_measures(kind: zhenggai_app::testkit::Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let report = import(app, &w.office, &units_workbook()).await;
    assert_eq!((report.created, report.updated, report.unchanged), (3, 0, 0), "{report:?}");
    assert!(report.applied && report.rejected.is_empty() && report.refused.is_empty(), "{report:?}");
    let problems = all_problems(app, &w).await;
    assert_eq!(problems.len(), 3);
    let lift = &problems[0];
    assert_eq!(lift.summary.title, "小区电梯长期故障");
    assert_eq!(lift.description, "幸福里小区3号楼电梯停运两个月");
    assert_eq!(lift.summary.lead_unit.as_ref().map(|u| u.id), Some(w.dept_a.id));
    assert_eq!(lift.summary.category.as_ref().map(|c| c.id), Some(w.category.id));
    assert_eq!(lift.responsible_leader.as_ref().map(|l| l.name.as_str()), Some("leader_a 用户"));
    assert_eq!(lift.responsible_person.as_deref(), Some("张三"));
    assert_eq!(lift.summary.deadline, Some(date(2026, 12, 31)), "an Excel date serial");
    let measures: Vec<(&str, Option<&str>)> =
        lift.measures.iter().map(|m| (m.description.as_str(), m.owner_name.as_deref())).collect();
    assert_eq!(measures, vec![("督促物业维修电梯", None), ("建立电梯巡检制度", Some("李四"))]);
    assert_eq!(lift.notes.iter().map(|n| n.body.as_str()).collect::<Vec<_>>(), vec!["已约谈物业公司"]);
    assert_eq!(problems[1].summary.deadline, Some(date(2027, 1, 15)), "a Chinese date");
    assert_eq!(problems[1].measures.len(), 1);
    assert_eq!(problems[2].summary.rectification_type, RectificationType::Ongoing, "长期坚持");
    // The same file again finds its problems and changes nothing.
    let again = import(app, &w.office, &units_workbook()).await;
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3), "{again:?}");
    assert_eq!(all_problems(app, &w).await.len(), 3);
    db.cleanup().await;
}

async fn a_wrong_name_stops_the_file_and_the_nearest_names_are_suggested(kind: zhenggai_app::testkit::Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let csv = "序号,问题描述,责任单位,整改时限\n1,路灯不亮,市住建局,2026-12-31\n2,井盖缺失,住建局,2026年12月31日\n\
               3,垃圾满溢,市生态环境局,下个月\n4,占道经营,市生态环境局,2026年1月1日\n";
    let report = import(app, &w.office, csv.as_bytes()).await;
    assert!(!report.applied);
    let said: Vec<(usize, &str, &str)> =
        report.rejected.iter().map(|r| (r.row, r.column.as_str(), r.reason.zh.as_str())).collect();
    assert_eq!(said.len(), 3, "{said:?}");
    assert_eq!((said[0].0, said[0].1), (3, "责任单位"));
    assert!(said[0].2.contains("是否指：市住建局"), "{said:?}");
    assert_eq!((said[1].0, said[1].1), (4, "整改时限"));
    assert!(said[1].2.contains("下个月"), "{said:?}");
    assert_eq!((said[2].0, said[2].1), (5, "整改时限"));
    assert!(said[2].2.contains("已经过去"), "{said:?}");
    assert!(all_problems(app, &w).await.is_empty(), "nothing of the file was applied");
    db.cleanup().await;
}

/// Three problems of 市住建局, assigned, each with a measure.
async fn three_assigned(app: &App, w: &World) -> Vec<ProblemId> {
    let mut ids = Vec::new();
    for n in 0..3 {
        let id = new_problem(app, w).await;
        let assign = TransitionInput {
            lead_unit_id: Some(w.dept_a.id),
            deadline: Some(date(2026, 12, 1 + n)),
            responsible_person: Some("王五".into()),
            ..t("assign")
        };
        act(app, &w.office, id, assign).await.unwrap();
        let measure = MeasureInput {
            description: format!("措施{n}"),
            owner_unit_id: None,
            owner_name: None,
            deadline: None,
            status: None,
        };
        app.add_measure(&w.liaison_a, id, &measure).await.unwrap();
        ids.push(id);
    }
    ids
}

/// The export as CSV, each line's cells, with `edit` applied to them.
async fn edited_export(app: &App, w: &World, edit: impl Fn(&mut Vec<Vec<String>>)) -> Vec<u8> {
    let ledger = app.ledger(&w.office, &ProblemQuery::default()).await.unwrap();
    let bytes = write_csv(&ledger).unwrap();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(&bytes[3..]);
    let mut rows: Vec<Vec<String>> =
        reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    edit(&mut rows);
    let mut out = Vec::new();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        for r in &rows {
            writer.write_record(r).unwrap();
        }
    }
    out
}

async fn audit_count(app: &App, id: ProblemId) -> usize {
    app.history("problem", id.get()).await.unwrap().len()
}

async fn an_edited_export_updates_exactly_what_was_edited(kind: zhenggai_app::testkit::Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let ids = three_assigned(app, &w).await;
    let before: Vec<usize> = futures_counts(app, &ids).await;
    let unedited = edited_export(app, &w, |_| {}).await;
    let report = import(app, &w.office, &unedited).await;
    assert_eq!((report.created, report.updated, report.unchanged), (0, 0, 3), "{report:?}");
    assert!(report.changes.is_empty() && report.refused.is_empty(), "{report:?}");
    // The office moves a deadline, writes progress on another, adds a measure row under the first
    // and, by mistake, marks the third signed off.
    let file = edited_export(app, &w, |rows| {
        let header = rows[0].clone();
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        let (deadline, progress, status, number, measure) =
            (col("整改时限"), col("整改进展"), col("状态"), col("问题编号"), col("整改措施"));
        rows[1][deadline] = "2027年1月15日".into();
        rows[2][progress] = "已完成一半".into();
        rows[3][status] = "已销号".into();
        let mut added = vec![String::new(); rows[0].len()];
        added[number] = rows[1][number].clone();
        added[measure] = "新增措施".into();
        rows.push(added);
    })
    .await;
    let report = import(app, &w.office, &file).await;
    assert!(report.applied && report.rejected.is_empty(), "{report:?}");
    assert_eq!((report.created, report.updated, report.unchanged), (0, 2, 1), "{report:?}");
    let changed: Vec<(&str, &str)> = report.changes.iter().map(|c| (c.column.as_str(), c.after.as_str())).collect();
    assert_eq!(changed, vec![("整改时限", "2027年1月15日"), ("整改措施", "新增措施"), ("整改进展", "已完成一半")]);
    let refused: Vec<(usize, &str)> = report.refused.iter().map(|r| (r.row, r.column.as_str())).collect();
    assert_eq!(refused, vec![(4, "状态")], "the state is not changed by sheet: {report:?}");
    let first = app.get_problem(&w.office, ids[0]).await.unwrap();
    assert_eq!(first.summary.deadline, Some(date(2027, 1, 15)));
    assert_eq!(first.measures.iter().map(|m| m.description.as_str()).collect::<Vec<_>>(), vec!["措施0", "新增措施"]);
    let second = app.get_problem(&w.office, ids[1]).await.unwrap();
    assert_eq!(second.notes.iter().map(|n| n.body.as_str()).collect::<Vec<_>>(), vec!["已完成一半"]);
    assert_eq!(second.summary.deadline, Some(date(2026, 12, 2)), "untouched");
    let third = app.get_problem(&w.office, ids[2]).await.unwrap();
    assert_eq!(third.summary.status, domain::workflow::Status::Assigned);
    let after = futures_counts(app, &ids).await;
    assert_eq!(
        after.iter().zip(&before).map(|(a, b)| a - b).collect::<Vec<_>>(),
        vec![2, 1, 0],
        "one audit entry per change"
    );
    // Imported again: nothing more changes.
    let again = import(app, &w.office, &file).await;
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3), "{again:?}");
    assert_eq!(futures_counts(app, &ids).await, after);
    db.cleanup().await;
}

async fn futures_counts(app: &App, ids: &[ProblemId]) -> Vec<usize> {
    let mut out = Vec::new();
    for id in ids {
        out.push(audit_count(app, *id).await);
    }
    out
}

async fn a_unit_changes_only_what_it_may_and_cannot_reach_other_units_problems(kind: zhenggai_app::testkit::Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let ids = three_assigned(app, &w).await;
    let file = edited_export(app, &w, |rows| {
        let header = rows[0].clone();
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        rows[1][col("整改时限")] = "2027年3月1日".into();
        rows[1][col("整改进展")] = "已维修".into();
        rows[2][col("责任人")] = "赵六".into();
    })
    .await;
    // The liaison writes progress and the person carrying it out; the deadline is the office's.
    let report = import(app, &w.liaison_a, &file).await;
    assert!(report.applied, "{report:?}");
    let refused: Vec<&str> = report.refused.iter().map(|r| r.column.as_str()).collect();
    assert_eq!(refused, vec!["整改时限"], "{report:?}");
    let first = app.get_problem(&w.office, ids[0]).await.unwrap();
    assert_eq!(first.summary.deadline, Some(date(2026, 12, 1)));
    assert_eq!(first.notes.len(), 1);
    let second = app.get_problem(&w.office, ids[1]).await.unwrap();
    assert_eq!(second.responsible_person.as_deref(), Some("赵六"));
    // Another unit's liaison reaches none of them, and is not told they exist.
    let report = import(app, &w.liaison_b, &file).await;
    assert!(!report.applied);
    assert_eq!(report.rejected.len(), 3, "{report:?}");
    assert!(report.rejected[0].reason.zh.contains("不存在，或您无权查看"), "{report:?}");
    db.cleanup().await;
}

both!(a_units_own_ledger_imports_with_its_problems_and_all_their_measures);
both!(a_wrong_name_stops_the_file_and_the_nearest_names_are_suggested);
both!(an_edited_export_updates_exactly_what_was_edited);
both!(a_unit_changes_only_what_it_may_and_cannot_reach_other_units_problems);
