//! 三率与排名 against a fixture computed by hand: two units, problems in every situation the
//! figures tell apart (responded or not, solved, satisfied, closed on time and late, overdue,
//! sent back, extended, reopened, excluded by the office, not taken on), the counts and rates to
//! the last record; and every figure's list filter shows exactly the records it counts.

use crate::drive::{act, new_problem, problem_in, sign_off, t};
use crate::{both, date, setup};
use domain::ProblemId;
use domain::problem::Satisfaction;
use domain::rates::Tally;
use domain::workflow::{SignoffStage, State, Status};
use std::collections::BTreeSet;
use zhenggai_app::problems::ProblemQuery;
use zhenggai_app::rates::{RankingQuery, UnitRanking};
use zhenggai_app::rectification::MeasureInput;
use zhenggai_app::transitions::TransitionInput;
use zhenggai_app::{App, testkit::World};

async fn assigned_to(app: &App, w: &World, unit: domain::UnitId) -> ProblemId {
    let id = new_problem(app, w).await;
    act(app, &w.office, id, TransitionInput { lead_unit_id: Some(unit), ..t("assign") }).await.unwrap();
    id
}

/// The ids the list shows for a unit's figure, through the filter the ranking gives.
async fn listed(app: &App, w: &World, unit: &UnitRanking, tally: Tally) -> BTreeSet<ProblemId> {
    let query = format!("{}&counted={}&limit=200", unit.filter, tally.as_str());
    let q: ProblemQuery = serde_html_form::from_str(&query).unwrap();
    app.list_problems(&w.office, &q).await.unwrap().items.iter().map(|p| p.id).collect()
}

async fn the_rates_agree_with_a_hand_computed_fixture_and_each_figure_lists_its_records(
    kind: zhenggai_app::testkit::Kind,
) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else {
        return;
    };
    let app = &db.app;
    // 市住建局 (with its 物业科, counted with it at the second level of the tree).
    let a1 = problem_in(app, &w, State::new(Status::Assigned, None)).await;
    let measure = MeasureInput {
        description: "排查".into(),
        owner_unit_id: None,
        owner_name: None,
        deadline: None,
        status: None,
    };
    app.add_measure(&w.liaison_a, a1, &measure).await.unwrap();
    let a2 = assigned_to(app, &w, w.dept_a_sub.id).await;
    let a3 = problem_in(app, &w, State::new(Status::Closed, None)).await;
    let rated = TransitionInput { solved: Some(true), satisfaction: Some(Satisfaction::Satisfied), ..t("callback") };
    act(app, &w.office, a3, rated).await.unwrap();
    let a4 = problem_in(app, &w, State::new(Status::Closed, None)).await;
    let unhappy =
        TransitionInput { solved: Some(false), satisfaction: Some(Satisfaction::Dissatisfied), ..t("callback") };
    act(app, &w.office, a4, unhappy).await.unwrap();
    let a5 = problem_in(app, &w, State::new(Status::Submitted, Some(SignoffStage::Verifier))).await;
    act(app, &w.supervisor, a5, TransitionInput { reason: Some("缺照片".into()), ..t("send_back") }).await.unwrap();
    let a6 = problem_in(app, &w, State::new(Status::Assigned, None)).await;
    app.set_scoring_exclusion(&w.office, a6, Some("核实为无理诉求")).await.unwrap();
    assert!(app.set_scoring_exclusion(&w.liaison_a, a1, Some("不想算")).await.is_err(), "only the office excludes");
    let a7 = problem_in(app, &w, State::new(Status::Assigned, None)).await;
    let deadline = app.get_problem(&w.office, a7).await.unwrap().summary.deadline.unwrap();
    let later = deadline + chrono::Duration::days(30);
    let ask = TransitionInput { new_deadline: Some(later), reason: Some("需协调".into()), ..t("request_extension") };
    act(app, &w.liaison_a, a7, ask).await.unwrap();
    act(
        app,
        &w.office,
        a7,
        TransitionInput { approve: Some(true), note: Some("同意".into()), ..t("decide_extension") },
    )
    .await
    .unwrap();
    let a8 = problem_in(app, &w, State::new(Status::Assigned, None)).await;
    // 市生态环境局: one taken on and left alone; one never assigned and one dismissed count nowhere.
    let b1 = assigned_to(app, &w, w.dept_b.id).await;
    problem_in(app, &w, State::new(Status::New, None)).await;
    problem_in(app, &w, State::new(Status::Dismissed, None)).await;
    // Three weeks on, past the first deadlines: a8 is signed off late.
    db.clock.advance(chrono::Duration::days(18));
    sign_off(app, &w, a8).await;
    let a4_open = app.get_problem(&w.office, a4).await.unwrap();
    assert_eq!((a4_open.summary.status, a4_open.reopen_count), (Status::Assigned, 1), "reopened by the rating");

    let ranking = app.ranking(&w.office, &RankingQuery::default()).await.unwrap();
    let names: Vec<&str> = ranking.units.iter().map(|u| u.unit.as_str()).collect();
    assert_eq!(names, vec!["市住建局", "市生态环境局"]);
    let (a, b) = (&ranking.units[0], &ranking.units[1]);
    let set = |ids: &[ProblemId]| ids.iter().copied().collect::<BTreeSet<_>>();
    // By hand: a6 is excluded, so dept A scores a1–a5, a7 and a8.
    let overdue_a = set(&[a1, a2, a4, a5]);
    let expected_a: Vec<(Tally, BTreeSet<ProblemId>)> = vec![
        (Tally::Scored, set(&[a1, a2, a3, a4, a5, a7, a8])),
        (Tally::Responded, set(&[a1, a3, a4, a5, a8])),
        (Tally::RatedSolved, set(&[a3, a4])),
        (Tally::Solved, set(&[a3])),
        (Tally::Rated, set(&[a3, a4])),
        (Tally::Satisfied, set(&[a3])),
        (Tally::Due, overdue_a.union(&set(&[a3, a8])).copied().collect()),
        (Tally::OnTime, set(&[a3])),
        (Tally::Overdue, overdue_a.clone()),
        (Tally::SentBack, set(&[a5])),
        (Tally::Extended, set(&[a7])),
        (Tally::Reopened, set(&[a4])),
        (Tally::Excluded, set(&[a6])),
    ];
    for (tally, ids) in &expected_a {
        assert_eq!(a.count(*tally), ids.len() as i64, "{tally} of 市住建局");
        assert_eq!(&listed(app, &w, a, *tally).await, ids, "the list behind {tally} of 市住建局");
    }
    assert_eq!(a.response_rate, Some(5.0 / 7.0));
    assert_eq!((a.resolution_rate, a.satisfaction_rate), (Some(0.5), Some(0.5)));
    assert_eq!(a.on_time_rate, Some(1.0 / 6.0));
    // 30 × 5/7 + 35 × 1/2 + 35 × 1/2 = 56.43.
    assert_eq!((a.score, a.rank), (Some(56.4), Some(1)));
    for tally in Tally::ALL {
        let expected = match tally {
            Tally::Scored | Tally::Due | Tally::Overdue => set(&[b1]),
            _ => BTreeSet::new(),
        };
        assert_eq!(b.count(*tally), expected.len() as i64, "{tally} of 市生态环境局");
        assert_eq!(listed(app, &w, b, *tally).await, expected, "the list behind {tally} of 市生态环境局");
    }
    assert_eq!((b.response_rate, b.resolution_rate, b.on_time_rate), (Some(0.0), None, Some(0.0)));
    assert_eq!((b.score, b.rank), (Some(0.0), Some(2)), "scored on the response rate alone");
    assert_eq!(ranking.total.count(Tally::Scored), 8);
    // The office puts a6 back: it counts again.
    app.set_scoring_exclusion(&w.office, a6, None).await.unwrap();
    let again = app.ranking(&w.office, &RankingQuery::default()).await.unwrap();
    assert_eq!((again.units[0].count(Tally::Scored), again.units[0].count(Tally::Excluded)), (8, 0));
    let history = app.history("problem", a6.get()).await.unwrap();
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert!(actions.contains(&"problem.exclude_from_scoring") && actions.contains(&"problem.include_in_scoring"));
    // A period holds the problems received in it: all this month, none this week.
    let month = RankingQuery { period: Some(zhenggai_app::rates::Period::Month), ..Default::default() };
    assert_eq!(app.ranking(&w.office, &month).await.unwrap().total.count(Tally::Scored), 9);
    let week = RankingQuery { period: Some(zhenggai_app::rates::Period::Week), ..Default::default() };
    assert!(app.ranking(&w.office, &week).await.unwrap().units.is_empty());
    // A unit's liaison counts only what it may see: its own problem, and those of 市住建局 it
    // cooperates on (all but a2, assigned without it).
    let own = app.ranking(&w.liaison_b, &RankingQuery::default()).await.unwrap();
    let seen: Vec<(&str, i64)> = own.units.iter().map(|u| (u.unit.as_str(), u.count(Tally::Scored))).collect();
    assert_eq!(seen, vec![("市住建局", 7), ("市生态环境局", 1)]);
    db.cleanup().await;
}

both!(the_rates_agree_with_a_hand_computed_fixture_and_each_figure_lists_its_records);
