//! 目标任务 written: the office sets goals, tasks and 为民办实事 projects with milestones and linked
//! problems; the owner unit's liaison reports progress and marks milestones reached; everyone
//! else is refused, every refusal names its field and code and writes nothing, every write is
//! audited; the portal shows only published projects and counts only published problems.

use crate::{both, date, setup};
use domain::goals::GoalKind;
use domain::{Code, GoalId, ProblemId};
use zhenggai_app::goals::{GoalInput, MilestoneInput, ProgressInput};
use zhenggai_app::testkit::{Kind, World};

fn goal(w: &World, title: &str) -> GoalInput {
    GoalInput {
        campaign_id: w.campaign.id,
        parent_id: None,
        kind: None,
        title: title.into(),
        description: Some("让群众看得见变化".into()),
        owner_unit_id: w.dept_a.id,
        responsible_leader_id: Some(w.user("leader_a").id),
        starts_on: Some(date(2026, 10, 1)),
        deadline: Some(date(2026, 12, 31)),
        weight: None,
        reported_percent: None,
        published: false,
        problem_ids: None,
        measure_ids: None,
        version: None,
    }
}

fn milestone(title: &str, due: chrono::NaiveDate) -> MilestoneInput {
    MilestoneInput { title: title.into(), due_on: due, done_on: None }
}

async fn goals_are_set_by_the_office_and_reported_by_their_unit(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 16)).await else { return };
    let app = &db.app;
    let root = app.create_goal(&w.office, &goal(&w, "老旧小区环境明显改善")).await.unwrap();
    assert_eq!((root.kind, root.depth, root.version), (GoalKind::Goal, 0, 1));
    let task = app
        .create_goal(&w.office, &GoalInput { parent_id: Some(root.id), weight: Some(2.0), ..goal(&w, "垃圾清运") })
        .await
        .unwrap();
    assert_eq!((task.kind, task.depth, task.parent_id), (GoalKind::Task, 1, Some(root.id)));
    // Milestones: the office adds them; 10-31 is late on 11-16.
    app.add_milestone(&w.office, task.id, &milestone("摸排", date(2026, 10, 31))).await.unwrap();
    let task = app.add_milestone(&w.office, task.id, &milestone("清运完毕", date(2026, 12, 15))).await.unwrap();
    assert!(task.at_risk && task.milestones[0].late && task.progress == 0.0, "{task:?}");
    // The unit's liaison marks the first reached: half done, no longer late.
    let first = task.milestones[0].id;
    let done = MilestoneInput { done_on: Some(date(2026, 10, 30)), ..milestone("摸排", date(2026, 10, 31)) };
    let task = app.update_milestone(&w.liaison_a, task.id, first, &done).await.unwrap();
    assert_eq!((task.progress, task.milestones[0].late, task.version), (0.5, false, 4));
    // A second leaf reports 30%; the root rolls up (2 × 0.5 + 1 × 0.3) / 3.
    let talk =
        app.create_goal(&w.office, &GoalInput { parent_id: Some(root.id), ..goal(&w, "入户宣传") }).await.unwrap();
    let talk = app
        .report_goal_progress(&w.liaison_a, talk.id, &ProgressInput { reported_percent: 30, version: talk.version })
        .await
        .unwrap();
    assert_eq!(talk.reported_percent, Some(30));
    let root = app.get_goal(&w.office, root.id).await.unwrap();
    assert!((root.progress - (2.0 * 0.5 + 0.3) / 3.0).abs() < 1e-12, "{root:?}");

    // Linked problems: the set given is the set the editor may see.
    let mut problems: Vec<ProblemId> = Vec::new();
    for n in 0..2 {
        let input = crate::problem_input(w.campaign.id, &format!("楼道堆物{n}"), "楼道杂物堆放");
        problems.push(app.create_problem(&w.office, &input).await.unwrap().summary.id);
    }
    let edited =
        GoalInput { problem_ids: Some(problems.clone()), version: Some(talk.version), ..goal(&w, "入户宣传") };
    let talk = app.update_goal(&w.office, talk.id, &GoalInput { parent_id: Some(root.id), ..edited }).await.unwrap();
    assert_eq!(talk.problems.iter().map(|p| p.id).collect::<Vec<_>>(), problems);
    assert_eq!(talk.progress_source, domain::goals::ProgressSource::LinkedProblems);
    let fewer = GoalInput {
        parent_id: Some(root.id),
        problem_ids: Some(vec![problems[1]]),
        version: Some(talk.version),
        ..goal(&w, "入户宣传")
    };
    let talk = app.update_goal(&w.office, talk.id, &fewer).await.unwrap();
    assert_eq!(talk.problems.iter().map(|p| p.id).collect::<Vec<_>>(), vec![problems[1]]);

    // Every write is in the audit chain, and the chain holds.
    let actions: Vec<String> =
        app.history("goal", task.id.get()).await.unwrap().into_iter().map(|r| r.action).collect();
    assert_eq!(actions, ["goal.create", "goal.milestone.create", "goal.milestone.create", "goal.milestone.update"]);
    let actions: Vec<String> =
        app.history("goal", talk.id.get()).await.unwrap().into_iter().map(|r| r.action).collect();
    assert_eq!(actions, ["goal.create", "goal.progress", "goal.update", "goal.update"]);
    assert!(app.verify_audit().await.unwrap().ok());

    // The listing: every campaign's, or one campaign's; a campaign that does not exist is 404.
    assert_eq!(app.list_goals(&w.viewer_a, None).await.unwrap().len(), 3);
    assert_eq!(app.list_goals(&w.viewer_a, Some(w.campaign.id)).await.unwrap().len(), 3);
    let missing = app.list_goals(&w.office, Some(domain::CampaignId::new(999))).await.unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    db.cleanup().await;
}

both!(goals_are_set_by_the_office_and_reported_by_their_unit);

async fn who_may_not_write_a_goal_is_refused_and_nothing_is_written(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 16)).await else { return };
    let app = &db.app;
    let root = app.create_goal(&w.office, &goal(&w, "老旧小区环境明显改善")).await.unwrap();
    let app_audit = app.verify_audit().await.unwrap().rows_checked;
    for who in [&w.liaison_a, &w.leader_a, &w.viewer_a, &w.supervisor, &w.liaison_b] {
        let e = app.create_goal(who, &goal(&w, "越权")).await.unwrap_err();
        assert_eq!(e.code(), Code::Forbidden, "{who:?}");
        let e = app.add_milestone(who, root.id, &milestone("越权", date(2026, 12, 1))).await.unwrap_err();
        assert_eq!(e.code(), Code::Forbidden);
    }
    for who in [&w.leader_a, &w.viewer_a, &w.supervisor, &w.liaison_b] {
        let e = app
            .report_goal_progress(who, root.id, &ProgressInput { reported_percent: 10, version: root.version })
            .await
            .unwrap_err();
        assert_eq!(e.code(), Code::Forbidden, "{who:?}");
    }
    let e = app.get_goal(&w.office, GoalId::new(999)).await.unwrap_err();
    assert_eq!(e.code(), Code::NotFound);
    assert_eq!(app.list_goals(&w.office, None).await.unwrap().len(), 1);
    assert_eq!(app.verify_audit().await.unwrap().rows_checked, app_audit, "nothing audited");
    db.cleanup().await;
}

both!(who_may_not_write_a_goal_is_refused_and_nothing_is_written);

async fn bad_goals_are_refused_naming_the_field_and_nothing_is_written(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 16)).await else { return };
    let app = &db.app;
    let root = app.create_goal(&w.office, &goal(&w, "老旧小区环境明显改善")).await.unwrap();
    let child = app.create_goal(&w.office, &GoalInput { parent_id: Some(root.id), ..goal(&w, "清运") }).await.unwrap();
    let other = app
        .create_campaign(
            &w.admin,
            &zhenggai_app::campaigns::CampaignInput {
                unit_id: w.city.id,
                name: "另一项工作".into(),
                kind: "巡视整改".into(),
                code_prefix: "LY".into(),
                starts_on: date(2026, 1, 1),
                ends_on: None,
                phases: vec![],
                goals: None,
            },
        )
        .await
        .unwrap();
    let elsewhere =
        app.create_goal(&w.office, &GoalInput { campaign_id: other.id, ..goal(&w, "别处的目标") }).await.unwrap();
    let audit = app.verify_audit().await.unwrap().rows_checked;
    let bad: Vec<(&str, Code, GoalInput)> = vec![
        ("title", Code::Required, goal(&w, "  ")),
        ("title", Code::ValidationFailed, goal(&w, "两行\n标题")),
        ("deadline", Code::ValidationFailed, GoalInput { deadline: Some(date(2026, 9, 1)), ..goal(&w, "倒挂") }),
        ("weight", Code::ValidationFailed, GoalInput { weight: Some(0.0), ..goal(&w, "零权重") }),
        ("weight", Code::ValidationFailed, GoalInput { weight: Some(-2.0), ..goal(&w, "负权重") }),
        ("weight", Code::ValidationFailed, GoalInput { weight: Some(1e9), ..goal(&w, "超大权重") }),
        ("reported_percent", Code::ValidationFailed, GoalInput { reported_percent: Some(101), ..goal(&w, "超百") }),
        ("parent_id", Code::ValidationFailed, GoalInput { parent_id: Some(GoalId::new(999)), ..goal(&w, "无父") }),
        ("parent_id", Code::ValidationFailed, GoalInput { parent_id: Some(elsewhere.id), ..goal(&w, "跨工作") }),
        ("published", Code::ValidationFailed, GoalInput { published: true, ..goal(&w, "非项目公开") }),
        (
            "campaign_id",
            Code::UnknownCampaign,
            GoalInput { campaign_id: domain::CampaignId::new(999), ..goal(&w, "无工作") },
        ),
        (
            "owner_unit_id",
            Code::UnknownUnit,
            GoalInput { owner_unit_id: domain::UnitId::new(999), ..goal(&w, "无单位") },
        ),
        (
            "responsible_leader_id",
            Code::ValidationFailed,
            GoalInput { responsible_leader_id: Some(w.user("liaison_a").id), ..goal(&w, "非领导") },
        ),
        (
            "problem_ids",
            Code::ValidationFailed,
            GoalInput { problem_ids: Some(vec![ProblemId::new(999)]), ..goal(&w, "无问题") },
        ),
    ];
    for (name, code, input) in bad {
        let e = app.create_goal(&w.office, &input).await.unwrap_err();
        assert_eq!((e.code(), e.field()), (code, Some(name)), "{input:?}: {e:?}");
        let m = e.message();
        assert!(!m.zh.is_empty() && !m.en.is_empty());
    }
    // Edits: a goal under its own child, a stale version, no version, another campaign.
    let under_child = GoalInput { parent_id: Some(child.id), version: Some(root.version), ..goal(&w, "循环") };
    let e = app.update_goal(&w.office, root.id, &under_child).await.unwrap_err();
    assert_eq!((e.code(), e.field()), (Code::ValidationFailed, Some("parent_id")));
    let e = app
        .update_goal(&w.office, root.id, &GoalInput { version: Some(root.version + 5), ..goal(&w, "旧版本") })
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::StaleVersion);
    let e = app.update_goal(&w.office, root.id, &goal(&w, "无版本")).await.unwrap_err();
    assert_eq!((e.code(), e.field()), (Code::Required, Some("version")));
    let moved = GoalInput { campaign_id: other.id, version: Some(root.version), ..goal(&w, "搬走") };
    let e = app.update_goal(&w.office, root.id, &moved).await.unwrap_err();
    assert_eq!(e.field(), Some("campaign_id"));
    // Milestones: reached in the future, one of another goal, blank.
    let with = app.add_milestone(&w.office, root.id, &milestone("摸排", date(2026, 12, 1))).await.unwrap();
    let audit = audit + 1;
    let m = with.milestones[0].id;
    let future = MilestoneInput { done_on: Some(date(2026, 11, 17)), ..milestone("摸排", date(2026, 12, 1)) };
    let e = app.update_milestone(&w.office, root.id, m, &future).await.unwrap_err();
    assert_eq!((e.code(), e.field()), (Code::ValidationFailed, Some("done_on")));
    let e = app.update_milestone(&w.office, child.id, m, &milestone("摸排", date(2026, 12, 1))).await.unwrap_err();
    assert_eq!(e.code(), Code::NotFound);
    let e = app.add_milestone(&w.office, root.id, &milestone(" ", date(2026, 12, 1))).await.unwrap_err();
    assert_eq!((e.code(), e.field()), (Code::Required, Some("title")));
    let e = app
        .report_goal_progress(&w.office, root.id, &ProgressInput { reported_percent: 120, version: with.version })
        .await
        .unwrap_err();
    assert_eq!(e.field(), Some("reported_percent"));

    // Nothing of any of it was written.
    assert_eq!(app.list_goals(&w.office, Some(w.campaign.id)).await.unwrap().len(), 2);
    let now = app.get_goal(&w.office, root.id).await.unwrap();
    assert_eq!(
        (now.title.as_str(), now.parent_id, now.version, now.milestones.len()),
        ("老旧小区环境明显改善", None, 2, 1)
    );
    assert_eq!(app.verify_audit().await.unwrap().rows_checked, audit);
    db.cleanup().await;
}

both!(bad_goals_are_refused_naming_the_field_and_nothing_is_written);

/// Measures serve a goal beside its problems; each reader sees only the measures of problems they
/// may open; a measure that does not exist is refused naming the field; an empty set clears them.
async fn measures_serve_a_goal_and_are_named_only_to_readers_of_their_problem(kind: Kind) {
    let Some((db, w)) = setup(kind, date(2026, 11, 2)).await else { return };
    let app = &db.app;
    let led = async |title: &str, unit: domain::UnitId| {
        let input = crate::problem_input(w.campaign.id, title, "群众反映强烈");
        let id = app.create_problem(&w.office, &input).await.unwrap().summary.id;
        db.raw(&format!("update problems set lead_unit_id = {unit} where id = {id}")).await;
        let measure = zhenggai_app::rectification::MeasureInput {
            description: format!("{title}：限期清理"),
            owner_unit_id: None,
            owner_name: None,
            deadline: None,
            status: None,
        };
        (id, app.add_measure(&w.office, id, &measure).await.unwrap().id)
    };
    let (pa, ma) = led("楼道堆物", w.dept_a.id).await;
    let (pb, mb) = led("河道垃圾", w.dept_b.id).await;
    let input =
        GoalInput { problem_ids: Some(vec![pa, pb]), measure_ids: Some(vec![mb, ma]), ..goal(&w, "环境整治") };
    let g = app.create_goal(&w.office, &input).await.unwrap();
    let ids = |g: &zhenggai_app::goals::GoalView| g.measures.iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(ids(&g), [ma, mb]);
    assert_eq!((g.measures[0].problem.id, g.measures[0].done), (pa, false));
    assert_eq!(ids(&app.get_goal(&w.liaison_a, g.id).await.unwrap()), [ma]);
    assert_eq!(ids(&app.get_goal(&w.liaison_b, g.id).await.unwrap()), [mb]);
    let audit = app.verify_audit().await.unwrap().rows_checked;
    let bad =
        GoalInput { measure_ids: Some(vec![domain::MeasureId::new(999)]), version: Some(g.version), ..input.clone() };
    let e = app.update_goal(&w.office, g.id, &bad).await.unwrap_err();
    assert_eq!(e.field(), Some("measure_ids"), "{e:?}");
    assert_eq!(app.verify_audit().await.unwrap().rows_checked, audit, "nothing written");
    // Unlinking a problem takes its measures off the goal too.
    let without_b =
        GoalInput { problem_ids: Some(vec![pa]), measure_ids: None, version: Some(g.version), ..input.clone() };
    let g = app.update_goal(&w.office, g.id, &without_b).await.unwrap();
    assert_eq!(ids(&g), [ma]);
    let none = GoalInput { measure_ids: Some(vec![]), version: Some(g.version), ..input };
    assert!(app.update_goal(&w.office, g.id, &none).await.unwrap().measures.is_empty());
    db.cleanup().await;
}

both!(measures_serve_a_goal_and_are_named_only_to_readers_of_their_problem);
