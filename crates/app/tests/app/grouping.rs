//! Grouping at intake: a report of an open problem joins it, a close one is proposed with its
//! score and the text that matched, the same template about another estate stays apart, a report
//! after sign-off is flagged as a recurrence, and a second app node on the same database sees the
//! same fingerprints.

use crate::{both, date, setup};
use domain::UnitId;
use domain::feedback::Channel;
use std::sync::Arc;
use zhenggai_app::App;
use zhenggai_app::feedback::FeedbackInput;
use zhenggai_app::grouping::GroupingSettings;
use zhenggai_app::public::PublicSubmission;
use zhenggai_app::testkit::{Kind, test_settings};

const PROBLEM_TEXT: &str = "万家丽南路丽发新城小区旁边的混凝土搅拌站每天晚上施工到凌晨，噪音和粉尘严重影响居民休息，\
    多次投诉没有结果，请相关部门尽快处理。";

fn report(unit: UnitId, body: &str) -> FeedbackInput {
    FeedbackInput { unit_id: Some(unit), ..FeedbackInput::new(Channel::Hotline, body) }
}

async fn open_problem(app: &App, w: &zhenggai_app::testkit::World) -> i64 {
    let input = crate::problem_input(w.campaign.id, "丽发新城搅拌站扰民", PROBLEM_TEXT);
    app.create_problem(&w.office, &input).await.unwrap().summary.id.get()
}

async fn a_report_of_an_open_problem_joins_it_and_another_estate_stays_apart(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let problem = open_problem(app, &w).await;
    let same = PROBLEM_TEXT.replace("请相关部门尽快处理", "希望政府管一管");
    let (f, _) = app.create_feedback(&w.office, &report(w.dept_a.id, &same)).await.unwrap();
    assert_eq!(f.problem_id, Some(domain::ProblemId::new(problem)), "the same report joins the open problem");
    let found = app.feedback_matches(&w.office, f.id).await.unwrap();
    assert_eq!(found[0].relation, "linked");
    assert!(found[0].score >= 0.5, "{found:?}");
    assert_eq!(found[0].problem.as_ref().unwrap().id.get(), problem);
    assert!(found[0].matched_text.contains("搅拌站"), "{found:?}");

    // The same template about another estate is another problem: no link, no proposal.
    let other = PROBLEM_TEXT.replace("丽发新城", "金色家园");
    let (g, _) = app.create_feedback(&w.office, &report(w.dept_a.id, &other)).await.unwrap();
    assert_eq!(g.problem_id, None);
    let found = app.feedback_matches(&w.office, g.id).await.unwrap();
    assert!(found.iter().all(|m| m.problem.as_ref().is_none_or(|p| p.id.get() != problem)), "{found:?}");

    // Something else entirely stays alone.
    let (h, _) = app.create_feedback(&w.office, &report(w.dept_a.id, "公交站台的座椅坏了很久。")).await.unwrap();
    assert_eq!(h.problem_id, None);
    assert!(app.feedback_matches(&w.office, h.id).await.unwrap().is_empty());
    db.cleanup().await;
}

async fn between_the_thresholds_a_match_is_proposed_on_any_node(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let problem = open_problem(&db.app, &w).await;
    // A second node on the same database, whose install links only near-identical reports: it
    // finds the fingerprint the first node wrote, and proposes instead of linking.
    let settings = zhenggai_app::Settings {
        grouping: GroupingSettings { link: 0.99, ..GroupingSettings::default() },
        ..test_settings(db.dir.path())
    };
    let node = App::new(db.app.db.clone(), db.clock.clone() as Arc<dyn domain::Clock>, settings);
    let close = PROBLEM_TEXT.replace("请相关部门尽快处理", "希望政府管一管");
    let (f, _) = node.create_feedback(&w.office, &report(w.dept_a.id, &close)).await.unwrap();
    assert_eq!(f.problem_id, None, "below this install's link threshold");
    let found = node.feedback_matches(&w.office, f.id).await.unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].relation, "proposed");
    assert_eq!(found[0].problem.as_ref().unwrap().id.get(), problem);
    assert!(found[0].score >= GroupingSettings::default().propose && found[0].score < 0.99, "{found:?}");
    // A liaison of another unit may not read the item, nor its matches.
    assert!(db.app.feedback_matches(&w.liaison_b, f.id).await.is_err());
    db.cleanup().await;
}

async fn a_report_after_sign_off_is_flagged_as_a_recurrence_on_both(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let problem = open_problem(app, &w).await;
    // Signed off a month ago (the whole sign-off is tested elsewhere; here only its outcome counts).
    db.raw(&format!("update problems set status = 'closed', closed_at = '2026-10-01T00:00:00Z' where id = {problem}"))
        .await;
    let (f, _) = app.create_feedback(&w.office, &report(w.dept_a.id, PROBLEM_TEXT)).await.unwrap();
    assert_eq!(f.problem_id, None, "a signed-off problem is not joined");
    let found = app.feedback_matches(&w.office, f.id).await.unwrap();
    assert_eq!(found[0].relation, "recurrence", "{found:?}");
    let detail = app.get_problem(&w.office, domain::ProblemId::new(problem)).await.unwrap();
    assert_eq!(detail.recurrences.len(), 1);
    assert!(detail.recurrences[0].matched_text.contains("搅拌站"));
    let listed = app.recurrences(&w.office, 100).await.unwrap();
    assert_eq!(listed.iter().map(|m| m.feedback_id).collect::<Vec<_>>(), vec![f.id]);
    assert!(app.recurrences(&w.liaison_b, 100).await.unwrap().is_empty(), "not another unit's");
    db.cleanup().await;
}

/// Reports of different wording that the office joined to one problem are that one hot problem,
/// shown once; one person writing twice is one reporter; the rows come in the order of the heat
/// they show.
async fn a_hot_problem_shows_once_and_counts_people_not_messages(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let problem = domain::ProblemId::new(open_problem(app, &w).await);
    // Worded apart (two clusters of their own), both joined to the problem by the office.
    for text in [
        "搅拌站的大货车整夜进出，路面全是泥浆，轮胎声吵得睡不着。",
        "丽发新城北门粉尘太大了，窗户不敢开，孩子一直咳嗽。",
    ] {
        let (f, _) = app.create_feedback(&w.office, &report(w.dept_a.id, text)).await.unwrap();
        app.link_feedback(&w.office, f.id, Some(problem)).await.unwrap();
    }
    // The same person twice about the street lights, and someone else once.
    for (contact, text) in [
        ("13911110000", "幸福路的路灯坏了三天了，晚上一片漆黑，行人和电动车都看不清路。"),
        ("13911110000", "幸福路的路灯坏了好几天了，晚上一片漆黑，行人和电动车都看不清路。"),
        ("13922220000", "幸福路的路灯坏了快一周了，晚上一片漆黑，行人和电动车都看不清路。"),
    ] {
        let input = FeedbackInput { reporter_contact: Some(contact.into()), ..report(w.dept_a.id, text) };
        app.create_feedback(&w.office, &input).await.unwrap();
    }
    let hot = app.hot_problems(&w.office, 90, 10).await.unwrap();
    let of_problem: Vec<_> = hot.iter().filter(|h| h.problem.as_ref().is_some_and(|p| p.id == problem)).collect();
    assert_eq!(of_problem.len(), 1, "one row for the problem: {hot:?}");
    assert_eq!(of_problem[0].reports, 2, "both of its reports in that row");
    let lights = hot.iter().find(|h| h.title.contains("路灯")).expect("the street lights");
    assert_eq!((lights.reports, lights.reporters), (3, 2), "one person writing twice is one reporter");
    assert!(hot.windows(2).all(|p| p[0].heat >= p[1].heat), "in the order of the heat shown: {hot:?}");
    assert!(hot.iter().enumerate().all(|(i, h)| h.rank == i + 1));
    db.cleanup().await;
}

async fn hot_problems_rank_the_most_reported_cluster_first(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let problem = open_problem(app, &w).await;
    let endings = ["请尽快处理", "希望管一管", "太吵了", "请给个说法", "受不了了"];
    for (i, end) in endings.iter().enumerate() {
        let text = PROBLEM_TEXT.replace("请相关部门尽快处理", end);
        let input = FeedbackInput {
            reporter_contact: Some(format!("1390000000{i}")),
            likes: Some(3),
            ..report(w.dept_a.id, &text)
        };
        app.create_feedback(&w.office, &input).await.unwrap();
    }
    for text in [
        "幸福路的路灯坏了三天了，晚上一片漆黑，行人和电动车都看不清路。",
        "幸福路的路灯坏了好几天了，晚上一片漆黑，行人和电动车都看不清路。",
    ] {
        app.create_feedback(&w.office, &report(w.dept_a.id, text)).await.unwrap();
    }
    app.create_feedback(&w.office, &report(w.dept_a.id, "公交站台的座椅坏了很久。")).await.unwrap();
    let hot = app.hot_problems(&w.office, 90, 10).await.unwrap();
    assert_eq!(hot[0].rank, 1);
    assert_eq!(hot[0].reports, 5, "{hot:?}");
    assert_eq!(hot[0].reporters, 5);
    assert_eq!(hot[0].net_likes, 15);
    assert_eq!(hot[0].problem.as_ref().map(|p| p.id.get()), Some(problem));
    assert_eq!(hot[1].reports, 2, "the two street-light reports are one cluster: {hot:?}");
    assert_eq!(hot.iter().map(|h| h.reports).sum::<usize>(), 8);
    // Another unit's liaison sees none of it; bad windows are refused.
    assert!(app.hot_problems(&w.liaison_b, 90, 10).await.unwrap().is_empty());
    assert!(app.hot_problems(&w.office, 0, 10).await.is_err());
    assert!(app.hot_problems(&w.office, 90, 0).await.is_err());
    db.cleanup().await;
}

async fn a_batch_is_matched_within_itself_and_a_failed_one_leaves_no_fingerprint(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let elevator = "金色家园小区3栋电梯经常困人，物业维修不及时，老人小孩出行很危险。";
    // A batch that fails: nothing of it is written, and no node remembers its fingerprints.
    let failed = [
        report(w.dept_a.id, elevator),
        report(w.dept_a.id, "人民路路灯不亮已经一个星期了，晚上走路看不见。"),
        report(w.dept_a.id, "   "),
    ];
    assert!(app.import_feedback(&w.office, &failed).await.is_err());
    // A batch whose second item repeats the first: matched with it before either is committed.
    let batch = [report(w.dept_a.id, elevator), report(w.dept_a.id, &elevator.replace("很危险", "十分危险"))];
    let ids = app.import_feedback(&w.office, &batch).await.unwrap().ids;
    let first = app.feedback_matches(&w.office, domain::FeedbackId::new(ids[0])).await.unwrap();
    assert!(first.is_empty(), "the failed batch left a fingerprint: {first:?}");
    let second = app.feedback_matches(&w.office, domain::FeedbackId::new(ids[1])).await.unwrap();
    assert_eq!(second.len(), 1, "{second:?}");
    assert_eq!(
        (second[0].relation.as_str(), second[0].other_feedback_id),
        ("proposed", Some(domain::FeedbackId::new(ids[0])))
    );
    db.cleanup().await;
}

/// Reports from the public that arrive together are written by the node's intake writer in one
/// transaction: each is grouped as if it had come alone — joined to the open problem, or proposed
/// with the earlier report of the same batch it repeats, quoting that report's words — every match
/// is numbered as stored, and the audit chain records the links with those numbers.
async fn public_reports_arriving_together_are_grouped_as_if_one_by_one(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    let problem = domain::ProblemId::new(open_problem(app, &w).await);
    let lamp = "人民路和解放路交叉口的路灯已经坏了一个多星期，晚上行人过马路很危险，请尽快修好。";
    let texts = [
        PROBLEM_TEXT.replace("请相关部门尽快处理", "希望政府管一管"),
        lamp.to_string(),
        PROBLEM_TEXT.replace("多次投诉没有结果", "投诉了好几次都没有结果"),
        lamp.replace("很危险", "十分危险"),
    ];
    let submission = |body: &str| PublicSubmission {
        body: body.into(),
        title: None,
        kind: None,
        campaign_id: Some(w.campaign.id),
        address: None,
        latitude: None,
        longitude: None,
        reporter_name: None,
        reporter_contact: None,
    };
    let posted = texts.iter().map(|t| submission(t)).collect::<Vec<_>>();
    let (a, b, c, d) = tokio::join!(
        app.public_submit(&posted[0], None),
        app.public_submit(&posted[1], None),
        app.public_submit(&posted[2], None),
        app.public_submit(&posted[3], None),
    );
    let codes: Vec<String> = [a, b, c, d].into_iter().map(|r| r.unwrap().tracking_code).collect();
    let all = app.list_feedback(&w.office, &Default::default()).await.unwrap().items;
    let by_code = |code: &str| all.iter().find(|f| f.tracking_code.as_str() == code).expect("every report is stored");
    let stored: Vec<_> = codes.iter().map(|c| by_code(c)).collect();
    for (f, text) in stored.iter().zip(&texts) {
        assert_eq!(&f.body, text);
    }
    assert_eq!((stored[0].problem_id, stored[2].problem_id), (Some(problem), Some(problem)), "both join the problem");
    assert_eq!((stored[1].problem_id, stored[3].problem_id), (None, None));
    // The two lamp reports: whichever was written second proposes the first, quoting its words.
    let lamp_matches = [
        app.feedback_matches(&w.office, stored[1].id).await.unwrap(),
        app.feedback_matches(&w.office, stored[3].id).await.unwrap(),
    ];
    let (later, earlier) = if lamp_matches[0].is_empty() { (3, 1) } else { (1, 3) };
    let found = &lamp_matches[usize::from(later == 3)];
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].relation.as_str(), found[0].other_feedback_id), ("proposed", Some(stored[earlier].id)));
    assert_eq!(found[0].matched_text, texts[earlier], "the match quotes the other report");
    assert!(lamp_matches[usize::from(later != 3)].is_empty(), "the earlier one had nothing to match");

    // Every match is numbered, and the audit record of each link names the stored numbers.
    let mut pooled = app.db.acquire().await.unwrap();
    let mut numbers = Vec::new();
    for f in [stored[0], stored[2]] {
        let rows = store::grouping::matches_of_feedback(&mut pooled.conn(), f.id).await.unwrap();
        assert_eq!(rows.iter().filter(|m| m.relation == "linked").count(), 1, "{rows:?}");
        let history = store::audit::rows_for_entity(&mut pooled.conn(), "feedback", f.id.get()).await.unwrap();
        let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
        assert_eq!(actions, ["feedback.grouped", "feedback.submit"]);
        let grouped: serde_json::Value = serde_json::from_str(history[0].after_json.as_deref().unwrap()).unwrap();
        assert_eq!(grouped["problem_id"], problem.get());
        let recorded: Vec<i64> =
            grouped["matches"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect();
        assert_eq!(recorded, rows.iter().map(|m| m.id.get()).collect::<Vec<_>>());
        numbers.extend(recorded);
    }
    assert!(numbers.iter().all(|n| *n > 0));
    drop(pooled);
    assert!(app.verify_audit().await.unwrap().ok(), "the chain holds across a batch");
    db.cleanup().await;
}

both!(
    public_reports_arriving_together_are_grouped_as_if_one_by_one,
    a_batch_is_matched_within_itself_and_a_failed_one_leaves_no_fingerprint,
    hot_problems_rank_the_most_reported_cluster_first,
    a_hot_problem_shows_once_and_counts_people_not_messages,
    a_report_of_an_open_problem_joins_it_and_another_estate_stays_apart,
    between_the_thresholds_a_match_is_proposed_on_any_node,
    a_report_after_sign_off_is_flagged_as_a_recurrence_on_both,
);
