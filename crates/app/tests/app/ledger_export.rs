//! The ledger exported as units keep it: read back with the project's own reader, the layout holds
//! (title, headers in the standard order, one row per measure with the problem's cells merged over
//! them), the CSV says the same, and a unit exports only the problems it may see.

use crate::drive::{act, new_problem, problem_in, t};
use crate::{both, date, setup};
use domain::ledger::LedgerColumn;
use domain::workflow::{State, Status};
use sheets::{Limits, find_header, read};
use zhenggai_app::ledger_export::{write_csv, write_xlsx};
use zhenggai_app::problems::ProblemQuery;
use zhenggai_app::rectification::{MeasureInput, NoteInput};
use zhenggai_app::transitions::TransitionInput;

async fn the_ledger_exports_in_the_units_layout_and_only_what_the_reader_sees(kind: zhenggai_app::testkit::Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let id = new_problem(app, &w).await;
    let assign = TransitionInput {
        lead_unit_id: Some(w.dept_a.id),
        deadline: Some(date(2026, 12, 31)),
        responsible_person: Some("王五".into()),
        ..t("assign")
    };
    act(app, &w.office, id, assign).await.unwrap();
    for (what, who) in [("排查施工时间", Some("张三")), ("约谈施工单位", None)] {
        let input = MeasureInput {
            description: what.into(),
            owner_unit_id: None,
            owner_name: who.map(str::to_string),
            deadline: None,
            status: None,
        };
        app.add_measure(&w.liaison_a, id, &input).await.unwrap();
    }
    app.add_note(&w.liaison_a, id, &NoteInput { body: "已约谈，夜间停工".into() }).await.unwrap();
    let other = problem_in(app, &w, State::new(Status::New, None)).await;

    let ledger = app.ledger(&w.office, &ProblemQuery::default()).await.unwrap();
    assert_eq!(ledger.problems.len(), 2);
    let book = read(&write_xlsx(&ledger).unwrap(), Limits::default()).unwrap();
    let rows = &book.sheets[0].rows;
    assert!(rows[0][0].text().contains("整改台账（截至2026年11月2日）"), "{:?}", rows[0]);
    assert!(!rows[0][0].text().contains("整改整改"), "{:?}", rows[0]);
    let header = find_header(rows, LedgerColumn::from_header, 10).unwrap();
    assert_eq!(header.row, 1);
    let order: Vec<LedgerColumn> = header.columns.iter().map(|(_, c)| *c).collect();
    assert_eq!(order, LedgerColumn::ALL, "every column, in the standard order");
    let col = |c: LedgerColumn| header.column(c).unwrap();
    let ours: Vec<&Vec<sheets::Cell>> = rows[header.row + 1..]
        .iter()
        .filter(|r| r.get(col(LedgerColumn::Measure)).is_some_and(|m| !m.is_blank()))
        .collect();
    assert_eq!(ours.len(), 2, "one row per measure");
    let problem = app.get_problem(&w.office, id).await.unwrap().summary;
    for (row, (measure, person)) in ours.iter().zip([("排查施工时间", "张三"), ("约谈施工单位", "王五")])
    {
        // The problem's cells are merged over both rows, so each reads them.
        assert_eq!(row[col(LedgerColumn::Number)].text(), problem.number.as_str());
        assert_eq!(row[col(LedgerColumn::Unit)].text(), w.dept_a.name);
        assert_eq!(row[col(LedgerColumn::Deadline)].text(), "2026年12月31日");
        assert_eq!(row[col(LedgerColumn::Progress)].text(), "已约谈，夜间停工");
        assert_eq!(row[col(LedgerColumn::Status)].text(), "整改中");
        assert_eq!(row[col(LedgerColumn::Measure)].text(), measure);
        assert_eq!(row[col(LedgerColumn::Person)].text(), person, "the measure's person, else the problem's");
    }
    // The CSV: a BOM, the same headers, the same rows.
    let csv = write_csv(&ledger).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let text = read(&csv, Limits::default()).unwrap();
    let csv_rows = &text.sheets[0].rows;
    let headers: Vec<String> = csv_rows[0].iter().map(|c| c.text().into_owned()).collect();
    assert_eq!(headers, LedgerColumn::ALL.iter().map(|c| c.header_zh().to_string()).collect::<Vec<_>>());
    assert_eq!(csv_rows.len(), 1 + 2 + 1, "two measure rows and one for the problem without measures");

    // A unit's liaison exports the problems it may see, and nothing of the others.
    let theirs = app.ledger(&w.liaison_a, &ProblemQuery::default()).await.unwrap();
    let numbers: Vec<&str> = theirs.problems.iter().map(|p| p.number.as_str()).collect();
    assert_eq!(numbers, vec![problem.number.as_str()]);
    let other_number = app.get_problem(&w.office, other).await.unwrap().summary.number;
    let bytes = write_xlsx(&theirs).unwrap();
    let all_text: String = read(&bytes, Limits::default()).unwrap().sheets[0]
        .rows
        .iter()
        .flatten()
        .map(|c| c.text().into_owned())
        .collect();
    assert!(!all_text.contains(other_number.as_str()), "an unseen problem is never named");
    // Filtered like the list.
    let q = ProblemQuery { status: Some(domain::workflow::Statuses::from([Status::New])), ..Default::default() };
    let new_only = app.ledger(&w.office, &q).await.unwrap();
    assert_eq!(new_only.problems.iter().map(|p| p.number.clone()).collect::<Vec<_>>(), vec![other_number]);
    db.cleanup().await;
}

both!(the_ledger_exports_in_the_units_layout_and_only_what_the_reader_sees);
