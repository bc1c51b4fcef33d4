//! 学习记录: sessions recorded by a unit's liaison or by the office, counted by unit and by month
//! to the hand-computed figures of the fixture below, with their materials and the problems found
//! in them named and counted only for readers who may see them; the formats kept by the admin; bad
//! input and the wrong people refused with nothing written — on both databases.

use crate::{both, date, setup};
use domain::{Code, ProblemId, StudyFormatId};
use zhenggai_app::App;
use zhenggai_app::study::{SessionInput, SessionQuery, StudyFormatInput};
use zhenggai_app::testkit::{Kind, TestDb, World};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// A problem led by `unit`.
async fn led_by(app: &App, db: &TestDb, w: &World, unit: domain::UnitId, title: &str) -> ProblemId {
    let input = crate::problem_input(w.campaign.id, title, &format!("{title}，群众反映强烈"));
    let id = app.create_problem(&w.office, &input).await.unwrap().summary.id;
    db.raw(&format!("update problems set lead_unit_id = {unit} where id = {id}")).await;
    id
}

fn session(w: &World, unit: domain::UnitId, format: StudyFormatId, day: (u32, u32), present: u32) -> SessionInput {
    SessionInput {
        campaign_id: w.campaign.id,
        unit_id: unit,
        held_on: date(2026, day.0, day.1),
        format_id: format,
        topic: "以学促干：聚焦群众急难愁盼问题".into(),
        present,
        summary: Some("逐一发言，对照查摆问题".into()),
        problem_ids: vec![],
        version: None,
    }
}

async fn study_is_counted_by_unit_and_month_and_names_only_what_the_reader_may_see(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 20)).await else { return };
    let app = &db.app;
    let formats = app.list_study_formats(&w.viewer_a).await.unwrap();
    assert_eq!(
        formats.iter().map(|f| f.name.as_str()).take(4).collect::<Vec<_>>(),
        ["集中学习", "读书班", "专题党课", "研讨交流"]
    );
    let f = formats[0].id;
    let pa = led_by(app, &db, &w, w.dept_a.id, "楼道照明损坏").await;
    let pb = led_by(app, &db, &w, w.dept_b.id, "垃圾站清运不及时").await;
    // The fixture, by hand: department A met on 10-05 (30 present), 10-20 (12, finding problem
    // A) and 11-02 (25); department B on 10-31 (8, finding problem B); the city and A's
    // sub-unit not at all. A in October: 2 sessions, 42 attendance; A in November: 1, 25;
    // B in October: 1, 8; in all 4 sessions, 75 attendance, 2 problems found.
    let s1 = app.create_study_session(&w.liaison_a, &session(&w, w.dept_a.id, f, (10, 5), 30)).await.unwrap();
    let found = SessionInput { problem_ids: vec![pa, pa], ..session(&w, w.dept_a.id, formats[2].id, (10, 20), 12) };
    let s2 = app.create_study_session(&w.leader_a, &found).await.unwrap();
    assert_eq!(s2.problems.iter().map(|p| p.id).collect::<Vec<_>>(), [pa], "once");
    assert!(s2.actions.edit);
    app.create_study_session(&w.liaison_a, &session(&w, w.dept_a.id, f, (11, 2), 25)).await.unwrap();
    let sb = SessionInput { problem_ids: vec![pb], ..session(&w, w.dept_b.id, f, (10, 31), 8) };
    app.create_study_session(&w.office, &sb).await.unwrap();

    let counts = app.study_counts(&w.office, w.campaign.id).await.unwrap();
    let monthly: Vec<_> =
        counts.by_unit_and_month.iter().map(|m| (m.unit.id, m.month.as_str(), m.sessions, m.attendance)).collect();
    assert_eq!(
        monthly,
        [(w.dept_a.id, "2026-10", 2, 42), (w.dept_a.id, "2026-11", 1, 25), (w.dept_b.id, "2026-10", 1, 8)]
    );
    assert_eq!((counts.sessions, counts.attendance, counts.problems_found), (4, 75, 2));
    let mut without: Vec<_> = counts.units_without.iter().map(|u| u.id).collect();
    without.sort();
    let mut expected = vec![w.city.id, w.dept_a_sub.id];
    expected.sort();
    assert_eq!(without, expected);
    let a = counts.by_unit.iter().find(|u| u.unit.id == w.dept_a.id).unwrap();
    assert_eq!((a.sessions, a.attendance, a.problems_found), (3, 67, 1));
    // Department A's liaison counts and sees only its own problem; B's session stays listed.
    let theirs = app.study_counts(&w.liaison_a, w.campaign.id).await.unwrap();
    assert_eq!((theirs.sessions, theirs.problems_found), (4, 1));
    let listed = app.list_study_sessions(&w.liaison_a, &SessionQuery::default()).await.unwrap();
    assert_eq!(listed.len(), 4);
    assert!(listed.iter().flat_map(|s| &s.problems).all(|p| p.id != pb), "another unit's problem is never named");
    assert!(!listed.iter().find(|s| s.unit.id == w.dept_b.id).unwrap().actions.edit);
    // Filters: a unit with those under it, a month, both.
    let q = |unit: Option<domain::UnitId>, month: Option<&str>| SessionQuery {
        campaign_id: Some(w.campaign.id),
        unit_id: unit,
        month: month.map(str::to_string),
    };
    let n = |v: Vec<_>| v.len();
    assert_eq!(n(app.list_study_sessions(&w.office, &q(Some(w.dept_a.id), None)).await.unwrap()), 3);
    assert_eq!(n(app.list_study_sessions(&w.office, &q(None, Some("2026-10"))).await.unwrap()), 3);
    assert_eq!(n(app.list_study_sessions(&w.office, &q(Some(w.dept_a.id), Some("2026-11"))).await.unwrap()), 1);
    assert_eq!(n(app.list_study_sessions(&w.office, &q(Some(w.dept_a_sub.id), None)).await.unwrap()), 0);
    // A material is kept by its hash and read back by any signed-in reader.
    let with = app.add_study_material(&w.liaison_a, s1.id, "辅导课件.pdf", PDF).await.unwrap();
    assert_eq!((with.materials.len(), with.materials[0].content_type.as_str()), (1, "application/pdf"));
    let file = app.study_material(&w.liaison_b, with.materials[0].id).await.unwrap();
    assert_eq!(std::fs::read(&file.path).unwrap(), PDF);
    // Edited with the version read; audited.
    let edit = SessionInput { present: 31, version: Some(s1.version), ..session(&w, w.dept_a.id, f, (10, 5), 30) };
    assert_eq!(app.update_study_session(&w.liaison_a, s1.id, &edit).await.unwrap().present, 31);
    let actions: Vec<String> =
        app.history("study_session", s1.id.get()).await.unwrap().into_iter().map(|r| r.action).collect();
    assert_eq!(actions, ["study.session.create", "study.material.create", "study.session.update"]);
    db.cleanup().await;
}

both!(study_is_counted_by_unit_and_month_and_names_only_what_the_reader_may_see);

async fn bad_study_input_and_the_wrong_people_write_nothing(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 20)).await else { return };
    let app = &db.app;
    let f = app.list_study_formats(&w.office).await.unwrap()[0].id;
    let retire = StudyFormatInput { name: "现场观摩".into(), description: None, active: Some(false) };
    let retired = app.create_study_format(&w.admin, &retire).await.unwrap();
    let pb = led_by(app, &db, &w, w.dept_b.id, "垃圾站清运不及时").await;
    let s = app.create_study_session(&w.liaison_a, &session(&w, w.dept_a.id, f, (10, 5), 30)).await.unwrap();
    let audit = app.verify_audit().await.unwrap().rows_checked;
    let base = || session(&w, w.dept_a.id, f, (10, 5), 30);
    let bad = [
        ("topic", SessionInput { topic: "  ".into(), ..base() }),
        ("present", SessionInput { present: 0, ..base() }),
        ("present", SessionInput { present: 1_000_000, ..base() }),
        ("held_on", SessionInput { held_on: date(2026, 11, 21), ..base() }),
        ("format_id", SessionInput { format_id: StudyFormatId::new(999), ..base() }),
        ("format_id", SessionInput { format_id: retired.id, ..base() }),
        ("problem_ids", SessionInput { problem_ids: vec![ProblemId::new(999)], ..base() }),
        ("problem_ids", SessionInput { problem_ids: vec![pb], ..base() }),
        ("unit_id", SessionInput { unit_id: domain::UnitId::new(999), ..base() }),
    ];
    for (name, input) in bad {
        let e = app.create_study_session(&w.liaison_a, &input).await.unwrap_err();
        assert_eq!(e.field(), Some(name), "{e:?}");
    }
    for who in [&w.liaison_b, &w.viewer_a, &w.supervisor] {
        let e = app.create_study_session(who, &base()).await.unwrap_err();
        assert_eq!(e.code(), Code::Forbidden, "{e:?}");
        let e = app.update_study_session(who, s.id, &SessionInput { version: Some(1), ..base() }).await.unwrap_err();
        assert_eq!(e.code(), Code::Forbidden);
        assert_eq!(app.add_study_material(who, s.id, "a.pdf", PDF).await.unwrap_err().code(), Code::Forbidden);
    }
    let e = app.update_study_session(&w.liaison_a, s.id, &base()).await.unwrap_err();
    assert_eq!((e.code(), e.field()), (Code::Required, Some("version")));
    let stale = SessionInput { version: Some(s.version + 1), ..base() };
    assert_eq!(app.update_study_session(&w.liaison_a, s.id, &stale).await.unwrap_err().code(), Code::StaleVersion);
    let e = app.add_study_material(&w.liaison_a, s.id, "notes.pdf", b"not a pdf at all").await.unwrap_err();
    assert_eq!(e.code(), Code::UnsupportedFileType);
    let e = app.add_study_material(&w.liaison_a, s.id, "slides.docx", PDF).await.unwrap_err();
    assert_eq!(e.code(), Code::FileTypeMismatch);
    let missing = domain::StudySessionId::new(999);
    assert_eq!(app.get_study_session(&w.office, missing).await.unwrap_err().code(), Code::NotFound);
    let bad_month = SessionQuery { month: Some("2026-13".into()), ..Default::default() };
    let e = app.list_study_sessions(&w.office, &bad_month).await.unwrap_err();
    assert_eq!(e.field(), Some("month"));
    // Formats: the admin's, each name once.
    let again = StudyFormatInput { name: "集中学习".into(), description: None, active: None };
    assert_eq!(app.create_study_format(&w.admin, &again).await.unwrap_err().code(), Code::Conflict);
    assert_eq!(app.create_study_format(&w.office, &retire).await.unwrap_err().code(), Code::Forbidden);
    assert_eq!(app.verify_audit().await.unwrap().rows_checked, audit, "nothing written");
    let now = app.get_study_session(&w.office, s.id).await.unwrap();
    assert_eq!((now.present, now.materials.len(), now.version), (30, 0, s.version));
    db.cleanup().await;
}

both!(bad_study_input_and_the_wrong_people_write_nothing);
