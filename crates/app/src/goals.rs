//! 目标任务 as a reader meets them: a campaign's goal tree, each goal with its progress and where
//! that comes from, its overdue and at-risk flags, its milestones, and the linked problems the
//! reader may see. A goal's figures count only those problems, so that no reader learns of a
//! problem they may not see (its progress may read lower for a unit than for the office).

use crate::views::Named;
use crate::{Actor, App};
use chrono::NaiveDate;
use domain::goals::{GoalKind, GoalNode, LinkedProblems, Milestone, ProgressSource, roll_up};
use domain::workflow::Status;
use domain::{CampaignId, GoalId, MilestoneId, ProblemId, Result, UnitId};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MilestoneView {
    pub id: MilestoneId,
    pub title: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GoalView {
    pub id: GoalId,
    pub parent_id: Option<GoalId>,
    pub kind: GoalKind,
    pub title: String,
    pub description: Option<String>,
    pub owner_unit: Named<UnitId>,
    pub starts_on: NaiveDate,
    pub deadline: Option<NaiveDate>,
    pub weight: Option<f64>,
    /// 0–1.
    pub progress: f64,
    pub progress_source: ProgressSource,
    pub overdue: bool,
    pub at_risk: bool,
    pub milestones: Vec<MilestoneView>,
    /// The linked problems the reader may see.
    pub problems: Vec<ProblemId>,
    /// Of those, signed off.
    pub problems_closed: u32,
}

impl App {
    /// The goal tree of a campaign, in the order the goals were made, as `actor` may see it.
    pub async fn goal_tree(&self, actor: &Actor, campaign: CampaignId) -> Result<Vec<GoalView>> {
        let principal = actor.user()?.clone();
        self.get_campaign(actor, campaign).await?;
        let names = self.names().await?;
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let rows = store::goals::goals_of_campaign(&mut c, campaign).await?;
        let ids: Vec<GoalId> = rows.iter().map(|g| g.id).collect();
        let mut milestones: HashMap<GoalId, Vec<MilestoneView>> = HashMap::new();
        for m in store::goals::milestones_of(&mut c, &ids).await? {
            let view = MilestoneView { id: m.id, title: m.title, due_on: m.due_on, done_on: m.done_on };
            milestones.entry(m.goal_id).or_default().push(view);
        }
        // Only what the reader may see counts.
        let mut linked: HashMap<GoalId, (Vec<ProblemId>, u32)> = HashMap::new();
        for (goal, problem, status) in store::goals::linked_problems(&mut c, &ids).await? {
            if matches!(status, Status::Dismissed | Status::Merged)
                || Self::visible_problem(&mut c, &principal, problem).await?.is_none()
            {
                continue;
            }
            let entry = linked.entry(goal).or_default();
            entry.0.push(problem);
            entry.1 += u32::from(status == Status::Closed);
        }
        let index: HashMap<GoalId, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let nodes: Vec<GoalNode> = rows
            .iter()
            .map(|g| {
                let (problems, closed) = linked.get(&g.id).cloned().unwrap_or_default();
                GoalNode {
                    children: rows
                        .iter()
                        .filter(|x| x.parent_id == Some(g.id))
                        .filter_map(|x| index.get(&x.id).copied())
                        .collect(),
                    weight: g.weight,
                    starts_on: g.starts_on,
                    deadline: g.deadline,
                    milestones: milestones
                        .get(&g.id)
                        .map(|ms| ms.iter().map(|m| Milestone { due: m.due_on, done_on: m.done_on }).collect())
                        .unwrap_or_default(),
                    linked: LinkedProblems { counted: problems.len() as u32, closed },
                    reported: g.reported_percent.map(|p| p as f64 / 100.0),
                }
            })
            .collect();
        let states = roll_up(&nodes, self.clock.today());
        Ok(rows
            .into_iter()
            .zip(nodes.iter().zip(states))
            .map(|(g, (node, state))| {
                let (problems, closed) = linked.remove(&g.id).unwrap_or_default();
                GoalView {
                    id: g.id,
                    parent_id: g.parent_id,
                    kind: g.kind,
                    title: g.title,
                    description: g.description,
                    owner_unit: Named { id: g.owner_unit_id, name: names.unit(g.owner_unit_id) },
                    starts_on: g.starts_on,
                    deadline: g.deadline,
                    weight: g.weight,
                    progress: state.progress,
                    progress_source: node.source(),
                    overdue: state.overdue,
                    at_risk: state.at_risk,
                    milestones: milestones.remove(&g.id).unwrap_or_default(),
                    problems,
                    problems_closed: closed,
                }
            })
            .collect())
    }
}
