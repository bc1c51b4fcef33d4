//! 目标任务 as a reader meets them: a campaign's goal tree, each goal with its progress and where
//! that comes from, its overdue and at-risk flags, its milestones, and the linked problems the
//! reader may see. A goal's figures count only those problems, so that no reader learns of a
//! problem they may not see (its progress may read lower for a unit than for the office, and on
//! the portal, where only published problems count).

mod edit;
mod export;

pub use edit::{GoalActions, GoalInput, MilestoneInput, ProgressInput};
pub use export::write_xlsx;

use crate::views::{Named, ProblemRef};
use crate::{Actor, App};
use chrono::NaiveDate;
use domain::access::{Intent, Principal};
use domain::goals::{GoalKind, GoalNode, LinkedProblems, Milestone, ProgressSource, roll_up};
use domain::workflow::Status;
use domain::{CampaignId, Error, GoalId, MilestoneId, Result, UnitId, UserId};
use serde::Serialize;
use std::collections::HashMap;
use store::Conn;
use store::goals::GoalRow;

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MilestoneView {
    pub id: MilestoneId,
    pub title: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    /// Due and not reached.
    pub late: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GoalView {
    pub id: GoalId,
    pub campaign_id: CampaignId,
    pub parent_id: Option<GoalId>,
    /// How deep in the tree: 0 for a top goal.
    pub depth: usize,
    pub kind: GoalKind,
    pub title: String,
    pub description: Option<String>,
    pub owner_unit: Named<UnitId>,
    pub responsible_leader: Option<Named<UserId>>,
    pub starts_on: NaiveDate,
    pub deadline: Option<NaiveDate>,
    pub weight: Option<f64>,
    /// What the owner last reported (0–100), used for a leaf without milestones or problems.
    pub reported_percent: Option<i64>,
    /// A 为民办实事 project shown on the portal.
    pub published: bool,
    /// 0–1.
    pub progress: f64,
    pub progress_source: ProgressSource,
    pub overdue: bool,
    pub at_risk: bool,
    pub milestones: Vec<MilestoneView>,
    /// The linked problems the reader may see.
    pub problems: Vec<ProblemRef>,
    /// The linked measures of problems the reader may see (none for the public).
    pub measures: Vec<GoalMeasure>,
    /// Of those, signed off.
    pub problems_closed: u32,
    /// What the reader may do with it.
    pub actions: GoalActions,
    pub version: i64,
}

/// 为民办实事 on the portal.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PublicProject {
    pub id: GoalId,
    pub title: String,
    pub description: Option<String>,
    /// The unit that carries it out.
    pub unit: String,
    pub starts_on: NaiveDate,
    pub deadline: Option<NaiveDate>,
    /// 0–1.
    pub progress: f64,
    pub overdue: bool,
    pub milestones: Vec<MilestoneView>,
    /// The published rectifications it has brought about.
    pub problems: Vec<ProblemRef>,
}

/// A rectification measure serving a goal, with its problem.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GoalMeasure {
    pub id: domain::MeasureId,
    pub problem: ProblemRef,
    pub description: String,
    pub done: bool,
}

/// Who reads a goal tree: a signed-in user, who counts the problems they may see, or the public,
/// who counts published problems only.
#[derive(Clone, Copy)]
pub(crate) enum Reader<'a> {
    Staff(&'a Principal),
    Public,
}

impl Reader<'_> {
    async fn sees(&self, c: &mut Conn<'_>, problem: domain::ProblemId) -> Result<Option<ProblemRef>> {
        Ok(match self {
            Reader::Staff(p) => App::visible_problem(c, p, problem).await?.map(|(r, _)| r),
            Reader::Public => match crate::problems::load(c, problem).await {
                Ok(loaded) if loaded.place.published => Some(ProblemRef::of(&loaded.row)),
                _ => None,
            },
        })
    }
}

impl App {
    /// The goal tree of a campaign, parents before their children, as `actor` may see it. Goals
    /// are the campaign's shared plan: every signed-in user reads them (as they read campaigns).
    pub async fn goal_tree(&self, actor: &Actor, campaign: CampaignId) -> Result<Vec<GoalView>> {
        let principal = actor.user_for(Intent::Read)?.clone();
        self.get_campaign(actor, campaign).await?;
        let mut pooled = self.db.acquire().await?;
        self.tree(&mut pooled.conn(), campaign, Reader::Staff(&principal)).await
    }

    /// Every campaign's goals, campaign by campaign.
    pub async fn list_goals(&self, actor: &Actor, campaign: Option<CampaignId>) -> Result<Vec<GoalView>> {
        let campaigns = match campaign {
            Some(id) => vec![id],
            None => self.list_campaigns(actor).await?.into_iter().map(|c| c.id).collect(),
        };
        let mut out = Vec::new();
        for id in campaigns {
            out.extend(self.goal_tree(actor, id).await?);
        }
        Ok(out)
    }

    pub async fn get_goal(&self, actor: &Actor, id: GoalId) -> Result<GoalView> {
        actor.user_for(Intent::Read)?;
        let row = {
            let mut pooled = self.db.acquire().await?;
            store::goals::get_goal(&mut pooled.conn(), id).await?.ok_or_else(|| Error::not_found("goal"))?
        };
        self.goal_tree(actor, row.campaign_id)
            .await?
            .into_iter()
            .find(|g| g.id == id)
            .ok_or_else(|| Error::not_found("goal"))
    }

    /// 为民办实事 as the portal shows them: published projects, their progress counting only
    /// published problems, and only those problems named; no person is named.
    pub async fn public_projects(&self) -> Result<Vec<PublicProject>> {
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let mut out = Vec::new();
        for campaign in store::goals::campaigns_with_published_projects(&mut c).await? {
            let tree = self.tree(&mut c, campaign, Reader::Public).await?;
            out.extend(tree.into_iter().filter(|g| g.kind == GoalKind::Project && g.published).map(|g| {
                PublicProject {
                    id: g.id,
                    title: g.title,
                    description: g.description,
                    unit: g.owner_unit.name,
                    starts_on: g.starts_on,
                    deadline: g.deadline,
                    progress: g.progress,
                    overdue: g.overdue,
                    milestones: g.milestones,
                    problems: g.problems,
                }
            }));
        }
        Ok(out)
    }

    pub(crate) async fn tree(
        &self,
        c: &mut Conn<'_>,
        campaign: CampaignId,
        reader: Reader<'_>,
    ) -> Result<Vec<GoalView>> {
        let names = self.names().await?;
        let rows = ordered(store::goals::goals_of_campaign(c, campaign).await?);
        let ids: Vec<GoalId> = rows.iter().map(|(g, _)| g.id).collect();
        let today = self.clock.today();
        let mut milestones: HashMap<GoalId, Vec<MilestoneView>> = HashMap::new();
        for m in store::goals::milestones_of(c, &ids).await? {
            let late = m.done_on.is_none() && m.due_on < today;
            let view = MilestoneView { id: m.id, title: m.title, due_on: m.due_on, done_on: m.done_on, late };
            milestones.entry(m.goal_id).or_default().push(view);
        }
        // Only what the reader may see counts.
        let mut linked: HashMap<GoalId, (Vec<ProblemRef>, u32)> = HashMap::new();
        for (goal, problem, status) in store::goals::linked_problems(c, &ids).await? {
            if matches!(status, Status::Dismissed | Status::Merged) {
                continue;
            }
            if let Some(seen) = reader.sees(c, problem).await? {
                let entry = linked.entry(goal).or_default();
                entry.0.push(seen);
                entry.1 += u32::from(status == Status::Closed);
            }
        }
        let mut measures: HashMap<GoalId, Vec<GoalMeasure>> = HashMap::new();
        if let Reader::Staff(_) = reader {
            for m in store::goals::linked_measures(c, &ids).await? {
                if let Some(problem) = reader.sees(c, m.problem_id).await? {
                    measures.entry(m.goal_id).or_default().push(GoalMeasure {
                        id: m.measure_id,
                        problem,
                        description: m.description,
                        done: m.status == domain::problem::MeasureStatus::Done,
                    });
                }
            }
        }
        let mut leaders: HashMap<UserId, String> = HashMap::new();
        for id in rows.iter().filter_map(|(g, _)| g.responsible_leader_id) {
            if let std::collections::hash_map::Entry::Vacant(slot) = leaders.entry(id) {
                let user = store::users::get_user(c, id).await?;
                slot.insert(user.map(|u| u.display_name).unwrap_or_default());
            }
        }
        let mut actions: HashMap<GoalId, GoalActions> = HashMap::new();
        if let Reader::Staff(p) = reader {
            // The campaign's unit is read once for the whole tree.
            let campaign_row =
                store::campaigns::get_campaign(c, campaign).await?.ok_or_else(|| Error::not_found("campaign"))?;
            let campaign_unit = self.known_unit(campaign_row.unit_id).await?.unit_path()?;
            for (g, _) in &rows {
                let owner = self.known_unit(g.owner_unit_id).await?.unit_path()?;
                actions.insert(g.id, GoalActions::of(p, &campaign_unit, &owner));
            }
        }
        let index: HashMap<GoalId, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let nodes: Vec<GoalNode> = rows
            .iter()
            .map(|(g, _)| GoalNode {
                children: rows
                    .iter()
                    .filter(|(x, _)| x.parent_id == Some(g.id))
                    .filter_map(|(x, _)| index.get(&x.id).copied())
                    .collect(),
                weight: g.weight,
                starts_on: g.starts_on,
                deadline: g.deadline,
                milestones: milestones
                    .get(&g.id)
                    .map(|ms| ms.iter().map(|m| Milestone { due: m.due_on, done_on: m.done_on }).collect())
                    .unwrap_or_default(),
                linked: linked
                    .get(&g.id)
                    .map(|(p, closed)| LinkedProblems { counted: p.len() as u32, closed: *closed })
                    .unwrap_or_default(),
                reported: g.reported_percent.map(|p| p as f64 / 100.0),
            })
            .collect();
        let states = roll_up(&nodes, today);
        Ok(rows
            .into_iter()
            .zip(nodes.iter().zip(states))
            .map(|((g, depth), (node, state))| {
                let (problems, closed) = linked.remove(&g.id).unwrap_or_default();
                let actions = actions.get(&g.id).copied().unwrap_or_default();
                GoalView {
                    id: g.id,
                    campaign_id: g.campaign_id,
                    parent_id: g.parent_id,
                    depth,
                    kind: g.kind,
                    title: g.title,
                    description: g.description,
                    owner_unit: Named { id: g.owner_unit_id, name: names.unit(g.owner_unit_id) },
                    responsible_leader: g
                        .responsible_leader_id
                        .map(|id| Named { id, name: leaders.get(&id).cloned().unwrap_or_default() }),
                    starts_on: g.starts_on,
                    deadline: g.deadline,
                    weight: g.weight,
                    reported_percent: g.reported_percent,
                    published: g.published,
                    progress: state.progress,
                    progress_source: node.source(),
                    overdue: state.overdue,
                    at_risk: state.at_risk,
                    milestones: milestones.remove(&g.id).unwrap_or_default(),
                    problems,
                    measures: measures.remove(&g.id).unwrap_or_default(),
                    problems_closed: closed,
                    actions,
                    version: g.version,
                }
            })
            .collect())
    }
}

/// The goals in the order of the tree (each parent followed by its children, depth first, in
/// the order they were made), each with its depth. A goal whose parent is missing counts as a top
/// goal, so that nothing stored is hidden.
fn ordered(rows: Vec<GoalRow>) -> Vec<(GoalRow, usize)> {
    let known: std::collections::HashSet<GoalId> = rows.iter().map(|g| g.id).collect();
    let mut children: HashMap<Option<GoalId>, Vec<GoalRow>> = HashMap::new();
    for g in rows {
        let parent = g.parent_id.filter(|p| known.contains(p));
        children.entry(parent).or_default().push(g);
    }
    let mut out = Vec::new();
    let mut stack: Vec<(GoalRow, usize)> =
        children.remove(&None).unwrap_or_default().into_iter().rev().map(|g| (g, 0)).collect();
    while let Some((g, depth)) = stack.pop() {
        if let Some(kids) = children.remove(&Some(g.id)) {
            stack.extend(kids.into_iter().rev().map(|k| (k, depth + 1)));
        }
        out.push((g, depth));
    }
    out
}
