//! Bulk import: messages become feedback that is searchable and grouped as written — a report of
//! an open problem joins it, a close pair is proposed, another estate stays apart — a second
//! import of the same file adds nothing, and a bad message stops the import before anything is
//! written.

use crate::{both, date, setup};
use domain::feedback::Channel;
use zhenggai_app::import::{ImportMessage, ImportOptions};
use zhenggai_app::testkit::Kind;

const PLANT: &str = "万家丽南路丽发新城小区旁边的混凝土搅拌站每天晚上施工到凌晨，噪音和粉尘严重影响居民休息，\
    多次投诉没有结果，请相关部门尽快处理。";

fn message(key: &str, body: &str) -> ImportMessage {
    ImportMessage { key: key.into(), title: None, body: body.into(), received_at: None, likes: 0 }
}

fn no_progress(_: &str, _: usize, _: usize) {}

/// Messages from the 12345 hotline, received by the city.
fn hotline_options(w: &zhenggai_app::testkit::World) -> ImportOptions {
    ImportOptions { source: "12345".into(), unit: w.city.id, channel: Channel::Hotline }
}

async fn imported_messages_are_indexed_grouped_and_imported_once(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let problem = app
        .create_problem(&w.office, &crate::problem_input(w.campaign.id, "丽发新城搅拌站扰民", PLANT))
        .await
        .unwrap()
        .summary
        .id;
    let options = hotline_options(&w);
    let messages = vec![
        message("a1", &PLANT.replace("请相关部门尽快处理", "希望政府管一管")),
        message(
            "a2",
            "人民路两边流动摊贩占道经营，人行道被完全占用，行人只能走机动车道，非常危险，请城管部门加强管理。",
        ),
        message("a3", "人民路两边流动摊贩占道经营，人行道被完全占用，行人只能走机动车道，十分危险，请城管加强管理。"),
        message("a4", &PLANT.replace("丽发新城", "金色家园")),
    ];
    let summary = app.import_messages(&w.office, &options, &messages, &no_progress).await.unwrap();
    assert_eq!((summary.created, summary.existing, summary.linked), (4, 0, 1), "{summary:?}");

    // Searchable at once, without a catch-up.
    let found = app.search(&w.office, "摊贩", 10).await.unwrap();
    assert_eq!(found.feedback.len(), 2, "{found:?}");
    let plant = app.search(&w.office, "搅拌站 金色家园", 10).await.unwrap();
    assert_eq!(plant.feedback.len(), 1);
    let other_estate = plant.feedback[0].id;

    let linked = app.search(&w.office, "丽发新城 管一管", 10).await.unwrap().feedback[0].id;
    let matches = app.feedback_matches(&w.office, linked).await.unwrap();
    assert_eq!(matches[0].relation, "linked");
    assert_eq!(matches[0].problem.as_ref().map(|p| p.id), Some(problem));
    let second_stall = found.feedback.iter().map(|h| h.id).max().unwrap();
    let matches = app.feedback_matches(&w.office, second_stall).await.unwrap();
    assert_eq!(matches.len(), 1, "{matches:?}");
    assert_eq!(matches[0].other_feedback_id, found.feedback.iter().map(|h| h.id).min());
    let matches = app.feedback_matches(&w.office, other_estate).await.unwrap();
    assert!(matches.iter().all(|m| m.problem.is_none()), "another estate: {matches:?}");

    // The same file again adds nothing.
    let again = app.import_messages(&w.office, &options, &messages, &no_progress).await.unwrap();
    assert_eq!((again.created, again.existing), (0, 4));
    assert_eq!(app.search(&w.office, "摊贩", 10).await.unwrap().feedback.len(), 2);
    db.cleanup().await;
}

async fn a_bad_message_stops_the_import_before_anything_is_written(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let options = hotline_options(&w);
    let too_long = "噪".repeat(app.settings.text.max_text_chars + 1);
    let messages = vec![message("b1", "路灯坏了"), message("b2", &too_long)];
    let err = app.import_messages(&w.office, &options, &messages, &no_progress).await.unwrap_err();
    assert!(err.to_string().contains("b2"), "{err}");
    assert!(app.search(&w.office, "路灯", 10).await.unwrap().feedback.is_empty(), "nothing was written");
    // Only the office imports.
    assert!(app.import_messages(&w.liaison_a, &options, &messages[..1], &no_progress).await.is_err());
    db.cleanup().await;
}

/// Relevance ranks only the newest matches (store::search::RANKED); a match behind thousands of
/// newer messages that do not match is still found, on both databases.
async fn a_ranked_search_finds_a_match_behind_thousands_of_newer_messages(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let options = hotline_options(&w);
    let mut messages = vec![message("old", "小区电梯经常困人，物业不管")];
    let places = ["幸福路", "建设路", "人民路", "解放路", "中山路", "和平路", "文化路", "青年路"];
    for i in 0..6_000 {
        messages.push(message(&format!("n{i}"), &format!("{}工地夜间施工噪音扰民，编号{i}", places[i % places.len()])));
    }
    let summary = app.import_messages(&w.office, &options, &messages, &no_progress).await.unwrap();
    assert_eq!(summary.created, 6_001);
    let found = app.search(&w.office, "电梯 困人", 20).await.unwrap();
    assert_eq!(found.feedback.len(), 1, "{found:?}");
    assert!(found.feedback[0].snippet.iter().any(|p| p.hit), "{found:?}");
    // And a word in every message: the newest come first, a full page of them.
    let lights = app.search(&w.office, "噪音", 20).await.unwrap();
    assert_eq!(lights.feedback.len(), 20);
    // Listed newest first with `q=`, page after page: every match once, in order, none lost at
    // the edges of the windows PostgreSQL looks in.
    let mut seen: Vec<i64> = Vec::new();
    let mut cursor = None;
    loop {
        let query = zhenggai_app::feedback::FeedbackQuery {
            q: Some("夜间 噪音".into()),
            cursor: cursor.clone(),
            limit: Some(200),
            ..Default::default()
        };
        let page = app.list_feedback(&w.office, &query).await.unwrap();
        seen.extend(page.items.iter().map(|f| f.id.get()));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6_000);
    assert!(seen.windows(2).all(|p| p[0] > p[1]), "newest first");
    db.cleanup().await;
}

both!(
    imported_messages_are_indexed_grouped_and_imported_once,
    a_bad_message_stops_the_import_before_anything_is_written,
    a_ranked_search_finds_a_match_behind_thousands_of_newer_messages,
);
