//! The audit chain: every write is in it, and tampering with any row is found and named.

use crate::drive::{act, assign, new_problem, t};
use crate::{both, date, setup};
use domain::feedback::Channel;
use zhenggai_app::testkit::Kind;

async fn every_write_appends_a_row_and_the_chain_verifies(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let before = app.verify_audit().await.unwrap();
    assert!(before.ok());
    let id = new_problem(app, &w).await;
    act(app, &w.office, id, assign(&w)).await.unwrap();
    let after = app.verify_audit().await.unwrap();
    assert!(after.ok(), "{after:?}");
    assert_eq!(after.rows_checked, before.rows_checked + 2);
    let history = app.history("problem", id.get()).await.unwrap();
    assert_eq!(history.iter().map(|h| h.action.as_str()).collect::<Vec<_>>(), vec!["problem.create", "problem.assign"]);
    let assign_row = &history[1];
    assert_eq!(assign_row.actor, "office");
    let before_json: serde_json::Value = serde_json::from_str(assign_row.before_json.as_deref().unwrap()).unwrap();
    let after_json: serde_json::Value = serde_json::from_str(assign_row.after_json.as_deref().unwrap()).unwrap();
    assert_eq!(before_json["status"], "new");
    assert_eq!(after_json["problem"]["status"], "assigned");
    db.cleanup().await;
}

async fn editing_deleting_or_reordering_a_row_is_found_and_named(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    for _ in 0..3 {
        let id = new_problem(app, &w).await;
        act(app, &w.office, id, t("publish")).await.ok();
    }
    let total = app.verify_audit().await.unwrap().rows_checked;
    assert!(total > 10);
    // Edited.
    db.raw("update audit_log set actor = 'someone else' where seq = 5").await;
    let report = app.verify_audit().await.unwrap();
    assert_eq!(report.first_bad.as_ref().map(|b| b.seq), Some(5), "{report:?}");
    assert!(report.first_bad.unwrap().reason.contains("altered"));
    db.raw("update audit_log set actor = 'system:test' where seq = 5").await;
    assert!(app.verify_audit().await.unwrap().ok(), "restoring the value restores the chain");
    // Removed.
    db.raw("delete from audit_log where seq = 7").await;
    let report = app.verify_audit().await.unwrap();
    assert_eq!(report.first_bad.as_ref().map(|b| b.seq), Some(7), "{report:?}");
    assert!(report.first_bad.unwrap().reason.contains("missing"));
    db.cleanup().await;
}

async fn swapping_two_rows_or_dropping_the_last_one_is_found(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    new_problem(app, &w).await;
    new_problem(app, &w).await;
    let total = app.verify_audit().await.unwrap().rows_checked;
    // Reordered: rows 3 and 4 trade places (their contents move, their numbers stay).
    db.raw("update audit_log set seq = -3 where seq = 3").await;
    db.raw("update audit_log set seq = 3 where seq = 4").await;
    db.raw("update audit_log set seq = 4 where seq = -3").await;
    let report = app.verify_audit().await.unwrap();
    assert_eq!(report.first_bad.as_ref().map(|b| b.seq), Some(3), "{report:?}");
    db.raw("update audit_log set seq = -3 where seq = 3").await;
    db.raw("update audit_log set seq = 3 where seq = 4").await;
    db.raw("update audit_log set seq = 4 where seq = -3").await;
    assert!(app.verify_audit().await.unwrap().ok());
    // The newest row removed.
    db.raw(&format!("delete from audit_log where seq = {total}")).await;
    let report = app.verify_audit().await.unwrap();
    assert_eq!(report.first_bad.as_ref().map(|b| b.seq), Some(total), "{report:?}");
    db.cleanup().await;
}

async fn concurrent_writers_never_fork_the_chain(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let app = app.clone();
        let office = w.office.clone();
        let campaign = w.campaign.id;
        tasks.push(tokio::spawn(async move {
            for _ in 0..5 {
                app.create_problem(
                    &office,
                    &zhenggai_app::problems::NewProblemInput::new(campaign, "并发", "并发写入", Channel::Hotline),
                )
                .await
                .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let report = app.verify_audit().await.unwrap();
    assert!(report.ok(), "{report:?}");
    let page = app
        .list_problems(&w.office, &zhenggai_app::problems::ProblemQuery { limit: Some(200), ..Default::default() })
        .await
        .unwrap();
    let mut numbers: Vec<_> = page.items.iter().map(|p| p.number.clone()).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 40, "every problem got its own number");
    db.cleanup().await;
}

both!(
    every_write_appends_a_row_and_the_chain_verifies,
    editing_deleting_or_reordering_a_row_is_found_and_named,
    swapping_two_rows_or_dropping_the_last_one_is_found,
    concurrent_writers_never_fork_the_chain,
);
