//! 目标任务 as stored (issue 13, first step): a goal tree with weights, milestones and linked
//! problems written and read back on both databases, and rolled up by `domain::goals` to the
//! hand-computed figures.

use crate::{both, date, setup};
use chrono::{TimeZone, Utc};
use domain::goals::{GoalKind, GoalNode, LinkedProblems, Milestone, roll_up};
use domain::workflow::Status;
use domain::{GoalId, ProblemId};
use store::goals::{
    GoalRow, goals_of_campaign, insert_goal, insert_milestone, link_problem, linked_counts, milestones_of,
};
use zhenggai_app::testkit::Kind;

async fn a_goal_tree_is_stored_and_rolls_up_to_the_hand_computed_figures(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else { return };
    let app = &db.app;
    let mut pooled = app.db.acquire().await.unwrap();
    let mut c = pooled.conn();
    let goal = |parent: Option<GoalId>, title: &str, weight: Option<f64>, reported: Option<i64>| GoalRow {
        id: GoalId::new(0),
        campaign_id: w.campaign.id,
        parent_id: parent,
        kind: if parent.is_none() { GoalKind::Goal } else { GoalKind::Task },
        title: title.into(),
        description: None,
        owner_unit_id: w.dept_a.id,
        responsible_leader_id: Some(w.user("leader_a").id),
        starts_on: date(2026, 9, 1),
        deadline: Some(date(2026, 12, 31)),
        weight,
        reported_percent: reported,
        published: false,
        created_at: Utc.with_ymd_and_hms(2026, 9, 1, 1, 0, 0).unwrap(),
        updated_at: Utc.with_ymd_and_hms(2026, 9, 1, 1, 0, 0).unwrap(),
        version: 0,
    };
    // Root over 整治 (weight 3, over 清运 and 宣传) and 机制 (weight 1, four milestones).
    let root = insert_goal(&mut c, &goal(None, "老旧小区环境明显改善", None, None)).await.unwrap();
    let fix = insert_goal(&mut c, &goal(Some(root.id), "集中整治", Some(3.0), None)).await.unwrap();
    let rules = insert_goal(&mut c, &goal(Some(root.id), "建立长效管理机制", Some(1.0), None)).await.unwrap();
    let haul = insert_goal(&mut c, &goal(Some(fix.id), "垃圾清运", None, None)).await.unwrap();
    let talk = insert_goal(&mut c, &goal(Some(fix.id), "入户宣传", None, Some(50))).await.unwrap();
    assert_eq!((root.version, fix.kind, rules.weight), (1, GoalKind::Task, Some(1.0)));
    for (i, due) in
        [date(2026, 9, 30), date(2026, 10, 31), date(2026, 11, 30), date(2026, 12, 31)].into_iter().enumerate()
    {
        let done = (i == 0).then(|| date(2026, 9, 28));
        insert_milestone(&mut c, rules.id, &format!("第{}阶段", i + 1), due, done).await.unwrap();
    }
    // 清运 serves five problems: three signed off, one still open, one dismissed (not counted).
    let mut problems: Vec<ProblemId> = Vec::new();
    for n in 0..5 {
        let input = crate::problem_input(w.campaign.id, &format!("垃圾堆放{n}"), "小区垃圾无人清运");
        problems.push(app.create_problem(&w.office, &input).await.unwrap().summary.id);
    }
    // The raw updates below take a connection of their own.
    drop(pooled);
    for (id, status) in
        problems.iter().zip([Status::Closed, Status::Closed, Status::Closed, Status::Assigned, Status::Dismissed])
    {
        db.raw(&format!("update problems set status = '{status}' where id = {id}")).await;
    }
    let mut pooled = app.db.acquire().await.unwrap();
    let mut c = pooled.conn();
    for id in &problems {
        link_problem(&mut c, haul.id, *id).await.unwrap();
    }
    link_problem(&mut c, haul.id, problems[0]).await.unwrap();

    // Read back and roll up.
    let rows = goals_of_campaign(&mut c, w.campaign.id).await.unwrap();
    assert_eq!(rows.iter().map(|g| g.id).collect::<Vec<_>>(), vec![root.id, fix.id, rules.id, haul.id, talk.id]);
    assert_eq!(rows[4], talk, "read back as written");
    let ids: Vec<GoalId> = rows.iter().map(|g| g.id).collect();
    let milestones = milestones_of(&mut c, &ids).await.unwrap();
    assert_eq!(milestones.len(), 4);
    assert_eq!(linked_counts(&mut c, &ids).await.unwrap(), vec![(haul.id, 4, 3)], "linking twice counts once");
    let index = |id: GoalId| ids.iter().position(|g| *g == id).unwrap();
    let nodes: Vec<GoalNode> = rows
        .iter()
        .map(|g| GoalNode {
            children: rows.iter().filter(|x| x.parent_id == Some(g.id)).map(|x| index(x.id)).collect(),
            weight: g.weight,
            starts_on: g.starts_on,
            deadline: g.deadline,
            milestones: milestones
                .iter()
                .filter(|m| m.goal_id == g.id)
                .map(|m| Milestone { due: m.due_on, done_on: m.done_on })
                .collect(),
            linked: if g.id == haul.id { LinkedProblems { counted: 4, closed: 3 } } else { LinkedProblems::default() },
            reported: g.reported_percent.map(|p| p as f64 / 100.0),
        })
        .collect();
    let states = roll_up(&nodes, date(2026, 11, 2));
    // By hand: 清运 3/4 = 0.75, 宣传 0.5, 整治 (0.75 + 0.5) / 2 = 0.625, 机制 1/4 = 0.25,
    // root (3 × 0.625 + 0.25) / 4 = 0.53125; 机制's October milestone is late.
    let expected = [0.53125, 0.625, 0.25, 0.75, 0.5];
    for (s, want) in states.iter().zip(expected) {
        assert!((s.progress - want).abs() < 1e-12, "{states:?}");
    }
    assert!(states[index(rules.id)].at_risk && !states[index(haul.id)].at_risk);
    drop(pooled);

    // The tree as readers meet it: the office sees every linked problem and the same figures;
    // another unit's liaison sees none of them, so 清运 falls back to its (empty) report and no
    // problem is counted or named.
    // The tree comes parents first, each followed by its children: root, 整治, 清运, 宣传, 机制.
    let tree = app.goal_tree(&w.office, w.campaign.id).await.unwrap();
    let order: Vec<GoalId> = tree.iter().map(|g| g.id).collect();
    assert_eq!(order, vec![root.id, fix.id, haul.id, talk.id, rules.id]);
    assert_eq!(tree.iter().map(|g| g.depth).collect::<Vec<_>>(), vec![0, 1, 2, 2, 1]);
    let of = |tree: &[zhenggai_app::goals::GoalView], id: GoalId| tree.iter().find(|g| g.id == id).unwrap().clone();
    for (id, want) in ids.iter().zip(expected) {
        assert_eq!(of(&tree, *id).progress, want);
    }
    let haul_view = of(&tree, haul.id);
    assert_eq!((haul_view.problems.len(), haul_view.problems_closed), (4, 3), "the dismissed one is not counted");
    assert_eq!(haul_view.progress_source, domain::goals::ProgressSource::LinkedProblems);
    let rules_view = of(&tree, rules.id);
    assert_eq!((rules_view.milestones.len(), tree[0].owner_unit.name.as_str()), (4, "市住建局"));
    assert!(rules_view.milestones[1].late && !rules_view.milestones[0].late && !rules_view.milestones[2].late);
    assert_eq!(tree[0].responsible_leader.as_ref().map(|l| l.id), Some(w.user("leader_a").id));
    assert!(tree[0].actions.edit && tree[0].actions.report, "the office sets goals");
    let theirs = app.goal_tree(&w.liaison_b, w.campaign.id).await.unwrap();
    assert!(theirs.iter().all(|g| g.problems.is_empty() && g.problems_closed == 0), "{theirs:?}");
    assert!(theirs.iter().all(|g| g.actions == Default::default()), "another unit's liaison only reads");
    let ours = app.goal_tree(&w.liaison_a, w.campaign.id).await.unwrap();
    assert!(ours.iter().all(|g| !g.actions.edit && g.actions.report), "the owner unit's liaison reports");
    // 清运 0, 宣传 0.5, 整治 0.25, 机制 0.25, root (3 × 0.25 + 0.25) / 4 = 0.25.
    for (id, want) in ids.iter().zip([0.25, 0.25, 0.25, 0.0, 0.5]) {
        assert_eq!(of(&theirs, *id).progress, want);
    }
    let missing = app.goal_tree(&w.office, domain::CampaignId::new(999)).await.unwrap_err();
    assert_eq!(missing.code(), domain::Code::NotFound);
    db.cleanup().await;
}

both!(a_goal_tree_is_stored_and_rolls_up_to_the_hand_computed_figures);
