//! The supervision colour is computed twice — in Rust for what a page shows, in SQL for the list's
//! colour filter — so the two are checked against each other over deadlines, measure deadlines,
//! sent-back reports, hand-set colours and every state, across a holiday (National Day).

use crate::drive::new_problem;
use crate::{both, date, setup};
use domain::supervision::Colour;
use domain::workflow::{SignoffStage, Status};
use std::collections::BTreeSet;
use zhenggai_app::problems::ProblemQuery;
use zhenggai_app::testkit::Kind;

async fn the_colour_filter_finds_exactly_the_problems_shown_in_that_colour(kind: Kind) {
    let today = date(2026, 9, 28);
    let Some((db, w)) = setup(kind, today).await else {
        return;
    };
    let app = &db.app;
    // A small deterministic generator: the same cases on both databases.
    let mut seed: u64 = 0x5eed;
    let mut pick = |n: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let day = |offset: i64| today + chrono::Duration::days(offset);
    for _ in 0..80 {
        let id = new_problem(app, &w).await;
        let mut pooled = app.db.acquire().await.unwrap();
        let mut row = store::problems::get_problem(&mut pooled.conn(), id).await.unwrap().unwrap();
        row.status = Status::ALL[pick(Status::ALL.len() as u64) as usize];
        row.signoff_stage = (row.status == Status::Submitted).then_some(SignoffStage::Leader);
        row.deadline = (pick(5) > 0).then(|| day(pick(16) as i64 - 4));
        row.next_measure_deadline = (pick(3) == 0).then(|| day(pick(5) as i64 - 2));
        row.awaiting_resubmission = pick(4) == 0;
        row.manual_colour = match pick(6) {
            0 => Some(Colour::Blue),
            1 => Some(Colour::Yellow),
            2 => Some(Colour::Red),
            _ => None,
        };
        store::problems::update_problem(&mut pooled.conn(), &row).await.unwrap();
    }
    let all = app.list_problems(&w.admin, &ProblemQuery { limit: Some(200), ..Default::default() }).await.unwrap();
    assert_eq!(all.items.len(), 80);
    let mut seen = BTreeSet::new();
    for colour in Colour::ALL {
        let shown: BTreeSet<_> = all.items.iter().filter(|p| p.flags.colour == Some(*colour)).map(|p| p.id).collect();
        let query = ProblemQuery { colour: Some(*colour), limit: Some(200), ..Default::default() };
        let filtered: BTreeSet<_> =
            app.list_problems(&w.admin, &query).await.unwrap().items.iter().map(|p| p.id).collect();
        assert_eq!(filtered, shown, "{colour}: the SQL filter and the flags shown disagree");
        assert!(!shown.is_empty(), "{colour}: the cases reach every colour");
        seen.extend(shown);
    }
    assert!(seen.len() < 80, "some problems have no colour");
    db.cleanup().await;
}

both!(the_colour_filter_finds_exactly_the_problems_shown_in_that_colour);
