//! 催办 (issue 14): the scheduler plans each working day's reminders once, at the run time, under a
//! lease one node holds; a second node plans nothing twice, a node that takes over after another
//! died plans what was missed, and each reminder goes to the people the rule names.

use crate::drive::{act, assign, new_problem, sign_off, t};
use crate::{both, date, setup};
use chrono::Datelike;
use chrono::{DateTime, TimeZone, Utc};
use domain::notice::{NoticeKind, NoticeStatus};
use domain::{Code, ProblemId};
use std::sync::Arc;
use zhenggai_app::App;
use zhenggai_app::feedback::FeedbackQuery;
use zhenggai_app::notices::{NoticeQuery, NoticeView};
use zhenggai_app::problems::NewProblemInput;
use zhenggai_app::public::PublicSubmission;
use zhenggai_app::testkit::{Kind, World};
use zhenggai_app::transitions::TransitionInput;

/// `h:m` Beijing time on a day of 2026.
fn at(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    domain::clock::CHINA.with_ymd_and_hms(2026, m, d, h, min, 0).unwrap().with_timezone(&Utc)
}

/// What each notice is, to whom: (kind, recipient login) sorted.
fn who_got(notices: &[NoticeView], w: &World) -> Vec<(NoticeKind, String)> {
    let mut out: Vec<(NoticeKind, String)> = notices
        .iter()
        .map(|n| {
            let login = n
                .recipient
                .as_ref()
                .and_then(|r| w.users.iter().find(|u| u.id == r.id))
                .map_or("nobody".to_string(), |u| u.username.clone());
            (n.kind, login)
        })
        .collect();
    out.sort_by_key(|(k, who)| (k.as_str(), who.clone()));
    out
}

async fn assigned_due(app: &App, w: &World, deadline: chrono::NaiveDate) -> ProblemId {
    let id = new_problem(app, w).await;
    act(app, &w.office, id, TransitionInput { deadline: Some(deadline), ..assign(w) }).await.unwrap();
    id
}

async fn all(app: &App, w: &World) -> Vec<NoticeView> {
    app.notices(&w.admin, &NoticeQuery::default()).await.unwrap()
}

async fn reminders_are_planned_once_a_working_day_for_the_people_the_rules_name(kind: Kind) {
    // Monday 2026-11-30, 08:00 in Beijing: before the run time.
    let Some((db, w)) = setup(kind, date(2026, 11, 30)).await else {
        return;
    };
    let app = &db.app;
    db.clock.set(at(11, 30, 7, 0));
    // Due on Thursday: three working days away on Monday.
    let id = assigned_due(app, &w, date(2026, 12, 3)).await;
    db.clock.set(at(11, 30, 8, 0));
    let run = app.run_scheduler("node-a").await.unwrap();
    assert!(run.held && !run.planned, "before 08:30 nothing is planned: {run:?}");
    assert!(all(app, &w).await.is_empty());

    db.clock.set(at(11, 30, 8, 31));
    let run = app.run_scheduler("node-a").await.unwrap();
    assert!(run.planned, "{run:?}");
    let monday = all(app, &w).await;
    assert_eq!(
        who_got(&monday, &w),
        [
            (NoticeKind::DailyDigest, "leader_a".into()),
            (NoticeKind::DailyDigest, "liaison_a".into()),
            (NoticeKind::DueSoon, "liaison_a".into()),
        ]
    );
    assert_eq!(run.made, 3);
    let due = monday.iter().find(|n| n.kind == NoticeKind::DueSoon).unwrap();
    assert_eq!(due.status, NoticeStatus::Sent);
    assert_eq!(due.problem.as_ref().map(|p| p.id), Some(id));
    assert_eq!(due.deadline, Some(date(2026, 12, 3)));
    assert!(due.headline_zh.contains("临期提醒") && due.headline_zh.contains("2026-12-03"), "{}", due.headline_zh);
    assert!(due.headline_en.starts_with("Due soon"), "{}", due.headline_en);
    let digest = monday.iter().find(|n| n.kind == NoticeKind::DailyDigest).unwrap();
    assert_eq!(digest.figures.map(|f| (f.open, f.due_soon, f.overdue)), Some((1, 1, 0)));
    assert_eq!(digest.unit.as_ref().map(|u| u.id), Some(w.dept_a.id));

    // The same node again, and a second node, the same day: nothing more.
    let again = app.run_scheduler("node-a").await.unwrap();
    assert!(again.held && !again.planned && again.made == 0, "{again:?}");
    let other = app.run_scheduler("node-b").await.unwrap();
    assert!(!other.held, "the lease is node-a's: {other:?}");
    assert_eq!(all(app, &w).await.len(), 3);

    // Tuesday: the due-soon reminder is not repeated (its key names the deadline); the digest is.
    db.clock.set(at(12, 1, 9, 0));
    let tuesday = app.run_scheduler("node-a").await.unwrap();
    assert_eq!(tuesday.made, 2, "two digests: {tuesday:?}");

    // Friday, past the deadline: node-a has not renewed its lease for days, node-b takes over,
    // chases the liaison and tells the leader the colour rose to red.
    db.clock.set(at(12, 4, 9, 0));
    let friday = app.run_scheduler("node-b").await.unwrap();
    assert!(friday.held && friday.planned, "{friday:?}");
    let new: Vec<NoticeView> = all(app, &w).await.into_iter().filter(|n| n.day == date(2026, 12, 4)).collect();
    assert_eq!(
        who_got(&new, &w),
        [
            // Red goes to the leader: the liaison is chased by the overdue reminder.
            (NoticeKind::ColourRaised, "leader_a".into()),
            (NoticeKind::DailyDigest, "leader_a".into()),
            (NoticeKind::DailyDigest, "liaison_a".into()),
            (NoticeKind::Overdue, "liaison_a".into()),
        ]
    );
    assert!(new.iter().any(|n| n.headline_zh.contains("红色督办")));
    // Saturday: no run at all.
    db.clock.set(at(12, 5, 10, 0));
    let saturday = app.run_scheduler("node-b").await.unwrap();
    assert!(saturday.held && !saturday.planned, "{saturday:?}");

    // Who reads what: the liaison their own, on the problem's timeline too; another unit's
    // liaison none; only the admin the whole record.
    let mine = app.my_notices(&w.liaison_a, None, None).await.unwrap();
    assert_eq!(mine.len(), 5, "{:?}", who_got(&mine, &w));
    assert!(mine.iter().all(|n| n.recipient.as_ref().map(|r| r.id) == Some(w.user("liaison_a").id)));
    assert!(app.my_notices(&w.liaison_b, None, None).await.unwrap().is_empty());
    let err = app.notices(&w.liaison_a, &NoticeQuery::default()).await.unwrap_err();
    assert_eq!(err.code(), Code::Forbidden);
    let on_problem = app.get_problem(&w.office, id).await.unwrap().notices;
    assert_eq!(on_problem.len(), 3, "due soon, overdue and the rise to red: {:?}", who_got(&on_problem, &w));
    let overdue_only = app
        .notices(&w.admin, &NoticeQuery { kind: Some(NoticeKind::Overdue), ..NoticeQuery::default() })
        .await
        .unwrap();
    assert_eq!(overdue_only.len(), 1);
    let bad = app.notices(&w.admin, &NoticeQuery { limit: Some(0), ..NoticeQuery::default() }).await.unwrap_err();
    assert_eq!(bad.code(), Code::ValidationFailed);

    // Moved to another unit, the problem is no longer named in the first liaison's notices.
    db.raw(&format!("update problems set lead_unit_id = {} where id = {id}", w.dept_b.id)).await;
    let mine = app.my_notices(&w.liaison_a, None, None).await.unwrap();
    assert!(mine.iter().all(|n| n.problem.is_none()), "only the digests stay: {:?}", who_got(&mine, &w));
    db.cleanup().await;
}

async fn sign_offs_waiting_callbacks_owed_and_units_with_no_one_are_reminded_of(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 30)).await else {
        return;
    };
    let app = &db.app;
    db.clock.set(at(11, 30, 7, 0));
    // Reported on Monday: waits for the leader's approval.
    let waiting = assigned_due(app, &w, date(2026, 12, 31)).await;
    let report =
        TransitionInput {
            report: Some("已整改".into()), no_evidence_reason: Some("制度类整改".into()), ..t("submit")
        };
    act(app, &w.liaison_a, waiting, report).await.unwrap();
    // A problem sent to a unit no one works in.
    let orphan = new_problem(app, &w).await;
    act(
        app,
        &w.office,
        orphan,
        TransitionInput { lead_unit_id: Some(w.dept_a_sub.id), deadline: Some(date(2026, 12, 2)), ..t("assign") },
    )
    .await
    .unwrap();
    db.clock.set(at(11, 30, 9, 0));
    app.run_scheduler("node-a").await.unwrap();
    let nobody = all(app, &w).await.into_iter().find(|n| n.problem.as_ref().map(|p| p.id) == Some(orphan)).unwrap();
    assert_eq!((nobody.kind, nobody.status), (NoticeKind::DueSoon, NoticeStatus::Failed));
    assert!(nobody.recipient.is_none() && nobody.last_error.as_deref().is_some_and(|e| e.contains("no one")));

    // Thursday: three working days waiting on the leader.
    db.clock.set(at(12, 3, 9, 0));
    app.run_scheduler("node-a").await.unwrap();
    let waits: Vec<NoticeView> =
        all(app, &w).await.into_iter().filter(|n| n.kind == NoticeKind::SignoffWaiting).collect();
    assert_eq!(who_got(&waits, &w), [(NoticeKind::SignoffWaiting, "leader_a".into())]);
    assert!(waits[0].headline_zh.contains("领导审核"), "{}", waits[0].headline_zh);

    // A reporter who left a contact is owed a callback once the problem is signed off: the
    // office is reminded on the day the problem's 回访 clock falls due, not before.
    app.public_submit(
        &PublicSubmission {
            body: "小区门口的路灯坏了一个月了，晚上很黑。".into(),
            title: Some("小区门口路灯不亮".into()),
            kind: None,
            campaign_id: None,
            address: None,
            latitude: None,
            longitude: None,
            reporter_name: None,
            reporter_contact: Some("13911112222".into()),
        },
        None,
    )
    .await
    .unwrap();
    let fid =
        app.list_feedback(&w.office, &FeedbackQuery { linked: Some(false), ..Default::default() }).await.unwrap().items
            [0]
        .id;
    let input = NewProblemInput {
        feedback_ids: vec![fid],
        ..crate::problem_input(w.campaign.id, "小区门口路灯不亮", "路灯坏了一个月。")
    };
    let lamp = app.create_problem(&w.office, &input).await.unwrap().summary.id;
    act(app, &w.office, lamp, TransitionInput { deadline: Some(date(2026, 12, 31)), ..assign(&w) }).await.unwrap();
    sign_off(app, &w, lamp).await;
    let due = app.get_problem(&w.office, lamp).await.unwrap().clocks.callback.due.unwrap();
    let callbacks = |all: Vec<NoticeView>| -> Vec<NoticeView> {
        all.into_iter().filter(|n| n.kind == NoticeKind::CallbackDue).collect()
    };
    let day_before = (1..10)
        .map(|n| due - chrono::Duration::days(n))
        .find(|d| domain::calendar::WorkCalendar::builtin().is_working_day(*d))
        .unwrap();
    if day_before > date(2026, 12, 3) {
        db.clock.set(at(day_before.month(), day_before.day(), 9, 0));
        app.run_scheduler("node-a").await.unwrap();
        assert!(callbacks(all(app, &w).await).is_empty(), "not before {due}");
    }
    db.clock.set(at(due.month(), due.day(), 9, 0));
    app.run_scheduler("node-a").await.unwrap();
    let owed = callbacks(all(app, &w).await);
    assert_eq!(
        who_got(&owed, &w),
        [(NoticeKind::CallbackDue, "office".into()), (NoticeKind::CallbackDue, "office_a".into())]
    );
    assert_eq!(owed[0].deadline, Some(due));
    assert_eq!(owed[0].problem.as_ref().map(|p| p.id), Some(lamp));
    db.cleanup().await;
}

async fn two_nodes_planning_at_once_make_each_reminder_once(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 30)).await else {
        return;
    };
    let app = &db.app;
    db.clock.set(at(11, 30, 7, 0));
    for d in [2, 3, 4] {
        assigned_due(app, &w, date(2026, 12, d)).await;
    }
    // A second node on the same database, with its own clock at the same instant.
    let clock = Arc::new(domain::FixedClock::new(at(11, 30, 9, 0)));
    db.clock.set(at(11, 30, 9, 0));
    let settings = zhenggai_app::testkit::test_settings(&db.dir.path().join("files"));
    let second = App::open(&db.url, clock.clone(), settings).await.unwrap();
    let (a, b) = tokio::join!(app.run_scheduler("node-a"), second.run_scheduler("node-b"));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a.held != b.held, "one node holds the lease: {a:?} {b:?}");
    let first = all(app, &w).await;
    assert_eq!(first.len(), a.made + b.made);
    // The holder dies; the other takes over once the lease has run out and finds the day done.
    for c in [&db.clock, &clock] {
        c.set(at(11, 30, 9, 6));
    }
    let holder_is_a = a.held;
    let survivor = if holder_is_a { &second } else { app };
    let late = survivor.run_scheduler(if holder_is_a { "node-b" } else { "node-a" }).await.unwrap();
    assert!(late.held && !late.planned && late.made == 0, "{late:?}");
    // The next working day both race again: still one of each.
    for c in [&db.clock, &clock] {
        c.set(at(12, 1, 8, 45));
    }
    let (a, b) = tokio::join!(app.run_scheduler("node-a"), second.run_scheduler("node-b"));
    let made = a.unwrap().made + b.unwrap().made;
    let after = all(app, &w).await;
    assert_eq!(after.len(), first.len() + made);
    let mut keys: Vec<(NoticeKind, Option<ProblemId>, chrono::NaiveDate, String)> =
        after.iter().map(|n| (n.kind, n.problem.as_ref().map(|p| p.id), n.day, format!("{:?}", n.recipient))).collect();
    let before = keys.len();
    keys.sort_by_key(|k| format!("{k:?}"));
    keys.dedup();
    assert_eq!(keys.len(), before, "no reminder twice");
    second.db.close().await;
    db.cleanup().await;
}

both!(reminders_are_planned_once_a_working_day_for_the_people_the_rules_name);
both!(sign_offs_waiting_callbacks_owed_and_units_with_no_one_are_reminded_of);
both!(two_nodes_planning_at_once_make_each_reminder_once);
