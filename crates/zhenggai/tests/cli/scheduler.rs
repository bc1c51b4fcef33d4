//! 催办 with several nodes (issue 14): two `zhenggai serve` processes on one PostgreSQL, started at
//! a moment past a deadline, make each reminder once; a node killed as it starts is replaced by one
//! that plans what was missed, and nothing is made twice.

use app::notices::{NoticeQuery, NoticeView};
use app::testkit::{Kind, TestDb, World};
use app::transitions::{Assignment, Transition, TransitionRequest};
use chrono::NaiveDate;
use domain::feedback::Channel;
use domain::notice::NoticeKind;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A node serving on a free port with its clock at `now`.
fn node(url: &str, now: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_zhenggai"))
        .args(["--database-url", url, "serve", "--listen", "127.0.0.1:0"])
        .env("ZHENGGAI_TEST_NOW", now)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start zhenggai serve")
}

/// Waits until the day's reminders are planned (by whichever node).
async fn planned(app: &app::App, day: NaiveDate) {
    let started = Instant::now();
    loop {
        let mut pooled = app.db.acquire().await.unwrap();
        if store::notices::run_finished(&mut pooled.conn(), "reminders", day).await.unwrap() {
            return;
        }
        drop(pooled);
        assert!(started.elapsed() < Duration::from_secs(90), "no node planned {day}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The day's notices as (kind, recipient), sorted, and whether any was made twice.
async fn of_day(app: &app::App, w: &World, day: NaiveDate) -> Vec<(NoticeKind, String)> {
    let all: Vec<NoticeView> = app
        .notices(&w.admin, &NoticeQuery { day: Some(day), limit: Some(500), ..NoticeQuery::default() })
        .await
        .unwrap();
    let mut out: Vec<(NoticeKind, String)> =
        all.iter().map(|n| (n.kind, n.recipient.as_ref().map_or("nobody".to_string(), |r| r.name.clone()))).collect();
    out.sort_by_key(|(k, who)| (k.as_str(), who.clone()));
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn two_nodes_on_one_postgresql_send_each_reminder_once() {
    let Some(db) = TestDb::new(Kind::Postgres, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()).await else {
        return;
    };
    let app = &db.app;
    let w = World::new(app).await;
    let p = app
        .create_problem(
            &w.office,
            &app::problems::NewProblemInput::new(w.campaign.id, "路灯不亮", "小区门口路灯坏了", Channel::Hotline),
        )
        .await
        .unwrap();
    let assign = Transition::Assign(Assignment {
        deadline: NaiveDate::from_ymd_opt(2026, 12, 3),
        ..Assignment::to(w.dept_a.id)
    });
    app.transition(&w.office, p.summary.id, &TransitionRequest::new(p.summary.version, assign)).await.unwrap();

    // Friday 12-04, past Thursday's deadline: two nodes start at once.
    let friday = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    let mut a = node(&db.url, "2026-12-04T09:00:00+08:00");
    let mut b = node(&db.url, "2026-12-04T09:00:00+08:00");
    planned(app, friday).await;
    // Let both take a few more turns of the scheduler.
    tokio::time::sleep(Duration::from_secs(7)).await;
    let made = of_day(app, &w, friday).await;
    let mut distinct = made.clone();
    distinct.dedup();
    assert_eq!(made, distinct, "nothing twice");
    let kinds: Vec<NoticeKind> = made.iter().map(|(k, _)| *k).collect();
    assert!(kinds.contains(&NoticeKind::Overdue) && kinds.contains(&NoticeKind::ColourRaised), "{made:?}");
    for child in [&mut a, &mut b] {
        child.kill().unwrap();
        child.wait().unwrap();
    }

    // Monday 12-07: a node killed as it starts (before, during or after its plan: its plan is one
    // transaction), then another started six minutes on, when the dead node's lease has run out.
    let monday = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let mut killed = node(&db.url, "2026-12-07T09:00:00+08:00");
    tokio::time::sleep(Duration::from_millis(700)).await;
    killed.kill().unwrap();
    killed.wait().unwrap();
    let mut next = node(&db.url, "2026-12-07T09:06:00+08:00");
    planned(app, monday).await;
    tokio::time::sleep(Duration::from_secs(6)).await;
    let monday_made = of_day(app, &w, monday).await;
    let mut distinct = monday_made.clone();
    distinct.dedup();
    assert_eq!(monday_made, distinct, "nothing twice after the restart");
    // The same as Friday's but the rise to red, which is said once per deadline.
    let expected: Vec<(NoticeKind, String)> =
        made.iter().filter(|(k, _)| *k != NoticeKind::ColourRaised).cloned().collect();
    assert_eq!(monday_made, expected, "each made once, none missed");
    next.kill().unwrap();
    next.wait().unwrap();
    db.cleanup().await;
}
