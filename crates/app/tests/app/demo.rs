//! The demo a newcomer sees (issue 11, item 16): each problem's measures and public reply speak of
//! its own matter, a closed problem has every measure done, and published ones show the site
//! before and after; and (issue 13) the rest of the campaign is filled, study in every unit.

use crate::{both, date};
use zhenggai_app::generate::{DemoSpec, demo};
use zhenggai_app::testkit::{Kind, TestDb};

async fn the_demo_answers_each_problem_about_its_own_matter(kind: Kind) {
    let Some(db) = TestDb::new(kind, date(2026, 11, 2)).await else { return };
    let app = &db.app;
    demo(app, &DemoSpec { feedback: 400, problems: 40, ..DemoSpec::default() }, None).await.unwrap();
    let office = app.act_as("office").await.unwrap();
    let page = app
        .list_problems(&office, &zhenggai_app::problems::ProblemQuery { limit: Some(200), ..Default::default() })
        .await
        .unwrap();
    // What each category's reply must speak of.
    let about: [(&str, &[&str]); 5] = [
        ("噪音污染", &["施工", "噪声"]),
        ("油烟扰民", &["油烟"]),
        ("物业管理", &["物业", "车位"]),
        ("拖欠工资", &["工资"]),
        ("入学问题", &["入学"]),
    ];
    let (mut checked, mut before_and_after) = (0, 0);
    for item in &page.items {
        let p = app.get_problem(&office, item.id).await.unwrap();
        let category = p.summary.category.as_ref().map(|c| c.name.clone()).unwrap_or_default();
        if let (Some(reply), Some((_, words))) = (&p.public_reply, about.iter().find(|(c, _)| *c == category)) {
            assert!(words.iter().any(|w| reply.contains(w)), "{category}: {reply}");
            checked += 1;
        }
        if p.summary.published {
            let public = app.public_problem(p.summary.number.as_str()).await.unwrap();
            let shows = |phase| public.photos.iter().any(|ph| ph.phase == phase);
            if shows(domain::problem::EvidencePhase::Before) && shows(domain::problem::EvidencePhase::After) {
                before_and_after += 1;
            }
        }
        if p.summary.status == domain::workflow::Status::Closed {
            assert!(!p.measures.is_empty(), "{} closed without measures", p.summary.number);
            assert!(
                p.measures.iter().all(|m| m.status == domain::problem::MeasureStatus::Done),
                "{} closed with measures not done",
                p.summary.number
            );
        }
    }
    assert!(checked >= 5, "{checked} replies checked");
    assert!(before_and_after >= 1, "a published problem shows the site before and after");

    // The rest of the campaign (issue 13): goals with milestones, research turned into problems,
    // root causes, mechanisms issued and a return after one; the campaign page shows every section.
    let campaign = app.list_campaigns(&office).await.unwrap()[0].id;
    let o = app.campaign_overview(&office, campaign).await.unwrap();
    let tree = app.goal_tree(&office, campaign).await.unwrap();
    assert!(tree.len() >= 5 && tree.iter().any(|g| g.parent_id.is_some()) && !o.goals.is_empty(), "{tree:?}");
    assert!(tree.iter().any(|g| g.milestones.iter().any(|m| m.late)), "a late milestone");
    assert!(tree.iter().any(|g| g.progress_source == domain::goals::ProgressSource::LinkedProblems));
    assert!(tree.iter().any(|g| !g.measures.is_empty()), "measures serve goals beside their problems");
    assert!(!app.public_projects().await.unwrap().is_empty(), "a published project");
    assert!(o.research.topics >= 2 && o.research.converted >= 3 && o.research.closed >= 1, "{:?}", o.research);
    assert!(o.mechanisms.issued >= 1 && o.mechanisms.returns_after >= 1, "{:?}", o.mechanisms);
    assert!(o.mechanisms.blind_spots >= 1, "{:?}", o.mechanisms);
    assert!(o.problems.total > 0 && o.problems.overdue > 0);
    // Every unit of the campaign has studied; a session found a problem; one has its material.
    assert!(o.study.sessions as usize >= o.study.by_unit.len() && o.study.units_without.is_empty(), "{:?}", o.study);
    assert!(o.study.problems_found >= 1 && o.study.attendance > o.study.sessions, "{:?}", o.study);
    let sessions = app.list_study_sessions(&office, &Default::default()).await.unwrap();
    assert!(sessions.iter().any(|s| !s.materials.is_empty()), "a session with its material");
    let issued = app.list_mechanisms(&office).await.unwrap();
    let first = issued.iter().find(|m| !m.recurrences_after.is_empty()).expect("a return after a mechanism");
    assert!(!first.root_causes.is_empty());
    assert!(!first.documents.is_empty(), "the issued mechanism has its document");
    let with_causes = app.get_problem(&office, first.problems[0].id).await.unwrap();
    assert!(!with_causes.root_causes.is_empty(), "its problems' causes were analysed");
    db.cleanup().await;
}

both!(the_demo_answers_each_problem_about_its_own_matter);
