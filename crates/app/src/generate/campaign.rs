//! The rest of a campaign in the demo, beside its problem list: a goal tree with weights,
//! milestones (some reached, one late) and linked problems, and two published 为民办实事 projects,
//! each made through the same use cases an office uses, on the days an office would have.

use super::base::Base;
use crate::goals::{GoalInput, MilestoneInput, ProgressInput};
use crate::{Actor, App};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::FixedClock;
use domain::goals::GoalKind;
use domain::{GoalId, ProblemId, Result};

/// What the demo made that the rest of the campaign draws on: each problem with the department
/// that leads it.
pub(super) struct Made<'a> {
    pub(super) problems: &'a [(ProblemId, usize)],
}

struct Planner<'a> {
    app: &'a App,
    clock: &'a FixedClock,
    base: &'a Base,
    started: DateTime<Utc>,
}

impl Planner<'_> {
    fn day(&self, n: i64) -> NaiveDate {
        domain::clock::china_date(self.started + Duration::days(n))
    }

    fn at(&self, n: i64) {
        self.clock.set(self.started + Duration::days(n) + Duration::hours(2));
    }

    async fn goal(&self, parent: Option<GoalId>, spec: GoalSpec<'_>) -> Result<GoalId> {
        let owner = spec.dept.map(|d| self.base.departments[d]).unwrap_or(self.base.root);
        let leader = spec.dept.map(|d| &self.base.dept_staff[d].1).and_then(Actor::principal).map(|p| p.user_id);
        // The first measure of each of the first two problems serves the goal too.
        let mut measure_ids = Vec::new();
        for problem in spec.problems.iter().take(2) {
            if let Some(m) = self.app.get_problem(&self.base.office, *problem).await?.measures.first() {
                measure_ids.push(m.id);
            }
        }
        let input = GoalInput {
            campaign_id: self.base.campaign,
            parent_id: parent,
            kind: Some(spec.kind),
            title: spec.title.into(),
            description: Some(spec.description.into()),
            owner_unit_id: owner,
            responsible_leader_id: leader,
            starts_on: Some(self.day(1)),
            deadline: Some(self.day(spec.deadline_day)),
            weight: spec.weight,
            reported_percent: None,
            published: spec.kind == GoalKind::Project,
            problem_ids: Some(spec.problems.to_vec()),
            measure_ids: Some(measure_ids),
            version: None,
        };
        Ok(self.app.create_goal(&self.base.office, &input).await?.id)
    }

    /// Milestones as (title, due day, reached on day).
    async fn milestones(&self, goal: GoalId, unit: Option<usize>, steps: &[(&str, i64, Option<i64>)]) -> Result<()> {
        let reporter = unit.map(|d| &self.base.dept_staff[d].0).unwrap_or(&self.base.office);
        for (title, due, _) in steps {
            let input = MilestoneInput { title: (*title).into(), due_on: self.day(*due), done_on: None };
            self.app.add_milestone(&self.base.office, goal, &input).await?;
        }
        let ids: Vec<_> =
            self.app.get_goal(&self.base.office, goal).await?.milestones.into_iter().map(|m| m.id).collect();
        for ((title, due, done), id) in steps.iter().zip(ids) {
            if let Some(done) = done {
                self.at(*done);
                let input =
                    MilestoneInput { title: (*title).into(), due_on: self.day(*due), done_on: Some(self.day(*done)) };
                self.app.update_milestone(reporter, goal, id, &input).await?;
            }
        }
        self.at(2);
        Ok(())
    }
}

struct GoalSpec<'a> {
    kind: GoalKind,
    title: &'a str,
    description: &'a str,
    /// The owner department; the campaign's own unit when none.
    dept: Option<usize>,
    deadline_day: i64,
    weight: Option<f64>,
    problems: &'a [ProblemId],
}

/// Sets the campaign's goals `days` after it started, and lets their units report as time went on.
pub(super) async fn fill(
    app: &App,
    clock: &FixedClock,
    base: &Base,
    started: DateTime<Utc>,
    days: i64,
    made: Made<'_>,
) -> Result<()> {
    let p = Planner { app, clock, base, started };
    let linked = |dept: usize, n: usize| -> Vec<ProblemId> {
        made.problems.iter().filter(|(_, d)| *d == dept).map(|(id, _)| *id).take(n).collect()
    };
    p.at(1);
    let end = days + 40;
    let root = p
        .goal(
            None,
            GoalSpec {
                kind: GoalKind::Goal,
                title: "群众急难愁盼问题明显缓解",
                description: "聚焦住房、环境、出行等群众反映集中的问题，确保检视出的问题按期整改到位、群众满意。",
                dept: None,
                deadline_day: end,
                weight: None,
                problems: &[],
            },
        )
        .await?;
    p.goal(
        Some(root),
        GoalSpec {
            kind: GoalKind::Task,
            title: "老旧小区环境和物业服务问题整治",
            description: "对群众反映的小区环境、物业服务问题逐项销号。",
            dept: Some(0),
            deadline_day: end,
            weight: Some(2.0),
            problems: &linked(0, 12),
        },
    )
    .await?;
    let noise = p
        .goal(
            Some(root),
            GoalSpec {
                kind: GoalKind::Task,
                title: "噪音油烟扰民专项治理",
                description: "摸排噪音、油烟扰民点位，集中整治后开展回头看。",
                dept: Some(1),
                deadline_day: end - 10,
                weight: Some(1.0),
                problems: &[],
            },
        )
        .await?;
    p.milestones(
        noise,
        Some(1),
        &[("摸排扰民点位", 20, Some(18)), ("集中整治", 60, Some(63)), ("回头看", days + 20, None)],
    )
    .await?;
    let bus = p
        .goal(
            Some(root),
            GoalSpec {
                kind: GoalKind::Task,
                title: "公交线路和站点优化",
                description: "根据群众建议调整公交线路、增设站点。",
                dept: Some(2),
                deadline_day: end,
                weight: Some(1.0),
                problems: &[],
            },
        )
        .await?;
    p.at(days - 5);
    let version = app.get_goal(&base.office, bus).await?.version;
    app.report_goal_progress(&base.dept_staff[2].0, bus, &ProgressInput { reported_percent: 40, version }).await?;
    let rules = p
        .goal(
            None,
            GoalSpec {
                kind: GoalKind::Goal,
                title: "建立健全长效机制",
                description: "针对反复出现的问题查找制度漏洞，出台管用的制度机制，防止反弹回潮。",
                dept: None,
                deadline_day: end,
                weight: None,
                problems: &[],
            },
        )
        .await?;
    // The second step is past due and not reached: the goal is flagged at risk.
    p.milestones(
        rules,
        None,
        &[("梳理制度漏洞", 30, Some(28)), ("出台制度文件", days - 10, None), ("评估执行效果", end, None)],
    )
    .await?;
    let lights = p
        .goal(
            None,
            GoalSpec {
                kind: GoalKind::Project,
                title: "背街小巷路灯亮起来",
                description: "为全市背街小巷新装、修复路灯，让群众夜间出行更安全。",
                dept: Some(7),
                deadline_day: end,
                weight: None,
                problems: &[],
            },
        )
        .await?;
    p.milestones(
        lights,
        Some(7),
        &[("排查无灯路段", 25, Some(22)), ("新装修复路灯", days - 20, Some(days - 25)), ("全部亮灯验收", end, None)],
    )
    .await?;
    let canteen = p
        .goal(
            None,
            GoalSpec {
                kind: GoalKind::Project,
                title: "社区老年食堂扩面提质",
                description: "新建社区老年食堂，解决老年人吃饭难问题。",
                dept: Some(9),
                deadline_day: end,
                weight: None,
                problems: &[],
            },
        )
        .await?;
    p.at(days - 3);
    let version = app.get_goal(&base.office, canteen).await?.version;
    app.report_goal_progress(&base.dept_staff[9].0, canteen, &ProgressInput { reported_percent: 60, version }).await?;
    Ok(())
}
