//! Writing 目标任务: the campaign office sets the goals, their weights and the problems that serve
//! them; the owner unit's liaison reports how far a goal has come and marks its milestones reached.
//! Every write is checked whole before anything is stored, and audited.

use super::GoalView;
use crate::{Actor, App};
use chrono::NaiveDate;
use domain::access::{Intent, Principal};
use domain::goals::GoalKind;
use domain::unit::UnitPath;
use domain::user::Role;
use domain::{CampaignId, Code, Error, GoalId, MilestoneId, ProblemId, Result, UnitId, UserId};
use serde::Deserialize;
use store::Conn;
use store::goals::{GoalRow, MilestoneRow};

/// A goal as the office writes it. On an edit, `problem_ids` (when given) is the whole set of
/// linked problems the editor may see; links to problems they may not see are kept.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalInput {
    pub campaign_id: CampaignId,
    pub parent_id: Option<GoalId>,
    /// `goal`, `task` or `project` (为民办实事); a task when it has a parent, else a goal.
    pub kind: Option<GoalKind>,
    pub title: String,
    pub description: Option<String>,
    pub owner_unit_id: UnitId,
    pub responsible_leader_id: Option<UserId>,
    /// Today when not given.
    pub starts_on: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    /// Its share among its siblings (1 when not given).
    pub weight: Option<f64>,
    /// 0–100: how far the owner reports it has come, for a goal without milestones or problems.
    pub reported_percent: Option<u8>,
    /// Shown on the portal (为民办实事 projects only).
    #[serde(default)]
    pub published: bool,
    pub problem_ids: Option<Vec<ProblemId>>,
    /// The rectification measures that serve it: on an edit, when given, the whole set of those
    /// the editor may see (like `problem_ids`).
    #[serde(default)]
    pub measure_ids: Option<Vec<domain::MeasureId>>,
    /// Required when editing: the version read.
    pub version: Option<i64>,
}

/// A milestone as written; `done_on` marks it reached.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneInput {
    pub title: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

/// How far a goal has come, as its owner reports it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressInput {
    /// 0–100.
    pub reported_percent: u8,
    /// The version read.
    pub version: i64,
}

/// The largest weight a goal may have among its siblings.
const MAX_WEIGHT: f64 = 1000.0;

/// What a reader may do with a goal: the office that runs the campaign sets and changes goals and
/// their milestones (`edit`); it and the owner unit's liaison report progress and mark
/// milestones reached (`report`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, utoipa::ToSchema)]
pub struct GoalActions {
    pub edit: bool,
    pub report: bool,
}

impl GoalActions {
    pub(crate) fn of(p: &Principal, campaign_unit: &UnitPath, owner_unit: &UnitPath) -> Self {
        let edit = p.may_run_list_in(campaign_unit);
        GoalActions { edit, report: edit || (p.role == Role::Liaison && p.covers(owner_unit)) }
    }
}

fn forbidden_to_plan() -> Error {
    Error::forbidden("只有专班办公室可以制定和修改目标任务", "only the campaign office may set and change goals")
}

impl App {
    /// The campaign office that runs `campaign` (or the admin): it sets the goals.
    pub(crate) async fn planner(&self, c: &mut Conn<'_>, actor: &Actor, campaign: CampaignId) -> Result<Principal> {
        let p = actor.user_for(Intent::Write)?.clone();
        let row = store::campaigns::get_campaign(c, campaign).await?.ok_or_else(|| {
            Error::invalid_with_code(
                Code::UnknownCampaign,
                "campaign_id",
                format!("专项工作 {campaign} 不存在"),
                format!("campaign {campaign} does not exist"),
            )
        })?;
        let unit = self.known_unit(row.unit_id).await?.unit_path()?;
        if !GoalActions::of(&p, &unit, &unit).edit {
            return Err(forbidden_to_plan());
        }
        Ok(p)
    }

    /// Whether `actor` sets the goals of `campaign` (the page offers the form only then).
    pub async fn may_plan_goals(&self, actor: &Actor, campaign: CampaignId) -> Result<bool> {
        let mut pooled = self.db.acquire().await?;
        Ok(self.planner(&mut pooled.conn(), actor, campaign).await.is_ok())
    }

    /// The office, or the liaison of the goal's owner unit: they report its progress.
    async fn reporter(&self, c: &mut Conn<'_>, actor: &Actor, goal: &GoalRow) -> Result<()> {
        let p = actor.user_for(Intent::Write)?;
        if self.goal_actions(c, p, goal).await?.report {
            return Ok(());
        }
        Err(Error::forbidden(
            "只有专班办公室或责任单位的联络员可以报告进展",
            "only the campaign office or the owner unit's liaison may report progress",
        ))
    }

    pub(crate) async fn goal_actions(&self, c: &mut Conn<'_>, p: &Principal, goal: &GoalRow) -> Result<GoalActions> {
        let campaign =
            store::campaigns::get_campaign(c, goal.campaign_id).await?.ok_or_else(|| Error::not_found("campaign"))?;
        let campaign_unit = self.known_unit(campaign.unit_id).await?.unit_path()?;
        let owner = self.known_unit(goal.owner_unit_id).await?.unit_path()?;
        Ok(GoalActions::of(p, &campaign_unit, &owner))
    }

    /// `input` checked whole against what is stored, as the row it makes (`id` 0 for a new goal).
    async fn goal_row(&self, c: &mut Conn<'_>, input: &GoalInput, id: GoalId) -> Result<GoalRow> {
        let title = domain::text::title("title", &input.title)?;
        let description = domain::text::optional_text(
            "description",
            input.description.as_deref(),
            self.settings.text.max_text_chars,
        )?;
        let owner = input.owner_unit_id;
        self.known_unit(owner).await.map_err(|_| {
            Error::invalid_with_code(
                Code::UnknownUnit,
                "owner_unit_id",
                format!("单位 {owner} 不存在"),
                format!("unit {owner} does not exist"),
            )
        })?;
        if let Some(leader) = input.responsible_leader_id {
            self.check_responsible_leader(c, leader, Some(input.owner_unit_id)).await?;
        }
        if let Some(parent) = input.parent_id {
            check_parent(c, input.campaign_id, id, parent).await?;
        }
        let kind = input.kind.unwrap_or(if input.parent_id.is_some() { GoalKind::Task } else { GoalKind::Goal });
        if input.published && kind != GoalKind::Project {
            return Err(Error::invalid(
                "published",
                "只有为民办实事项目可以在门户公开",
                "only 为民办实事 projects are shown on the portal",
            ));
        }
        let starts_on = input.starts_on.unwrap_or(self.clock.today());
        if let Some(deadline) = input.deadline.filter(|d| *d < starts_on) {
            return Err(Error::invalid(
                "deadline",
                format!("完成时限 {deadline} 早于开始日期 {starts_on}"),
                format!("the deadline {deadline} is before the start {starts_on}"),
            ));
        }
        if let Some(w) = input.weight.filter(|w| !(w.is_finite() && *w > 0.0 && *w <= MAX_WEIGHT)) {
            return Err(Error::invalid(
                "weight",
                format!("权重须大于 0、不超过 {MAX_WEIGHT}（收到 {w}）"),
                format!("a weight is more than 0 and at most {MAX_WEIGHT} (got {w})"),
            ));
        }
        let reported_percent = input.reported_percent.map(check_percent).transpose()?;
        let now = self.clock.now();
        Ok(GoalRow {
            id,
            campaign_id: input.campaign_id,
            parent_id: input.parent_id,
            kind,
            title,
            description,
            owner_unit_id: input.owner_unit_id,
            responsible_leader_id: input.responsible_leader_id,
            starts_on,
            deadline: input.deadline,
            weight: input.weight,
            reported_percent,
            published: input.published,
            created_at: now,
            updated_at: now,
            version: input.version.unwrap_or(0),
        })
    }

    /// Makes the linked problems the editor may see exactly `wanted`: each one they may see and on
    /// the goal's campaign.
    async fn relink(&self, c: &mut Conn<'_>, p: &Principal, goal: &GoalRow, wanted: &[ProblemId]) -> Result<()> {
        for &id in wanted {
            let seen = Self::visible_problem(c, p, id).await?;
            if seen.is_none_or(|(_, row)| row.campaign_id != goal.campaign_id) {
                return Err(Error::invalid(
                    "problem_ids",
                    format!("问题 {id} 不存在或不属于本专项工作"),
                    format!("problem {id} does not exist or is not on this campaign"),
                ));
            }
            store::goals::link_problem(c, goal.id, id).await?;
        }
        for (g, id, _) in store::goals::linked_problems(c, &[goal.id]).await? {
            if !wanted.contains(&id) && Self::visible_problem(c, p, id).await?.is_some() {
                store::goals::unlink_problem(c, g, id).await?;
            }
        }
        Ok(())
    }

    /// Makes the linked measures the editor may see exactly `wanted`: each a measure of a problem
    /// they may see on the goal's campaign.
    async fn relink_measures(
        &self,
        c: &mut Conn<'_>,
        p: &Principal,
        goal: &GoalRow,
        wanted: &[domain::MeasureId],
    ) -> Result<()> {
        for &id in wanted {
            let measure = store::rectification::get_measure(c, id).await?;
            let seen = match &measure {
                Some(m) => Self::visible_problem(c, p, m.problem_id).await?,
                None => None,
            };
            if seen.is_none_or(|(_, row)| row.campaign_id != goal.campaign_id) {
                return Err(Error::invalid(
                    "measure_ids",
                    format!("整改措施 {id} 不存在或不属于本专项工作"),
                    format!("measure {id} does not exist or is not on this campaign"),
                ));
            }
            store::goals::set_measure_link(c, goal.id, id, true).await?;
        }
        for m in store::goals::linked_measures(c, &[goal.id]).await? {
            if !wanted.contains(&m.measure_id) && Self::visible_problem(c, p, m.problem_id).await?.is_some() {
                store::goals::set_measure_link(c, goal.id, m.measure_id, false).await?;
            }
        }
        Ok(())
    }

    async fn goal_audited(
        &self,
        tx: &mut store::Tx,
        actor: &Actor,
        action: &str,
        before: Option<&GoalRow>,
        after: &GoalRow,
    ) -> Result<()> {
        let mut entry = crate::audit::Entry::new(actor, action, "goal", Some(after.id.get()));
        if let Some(b) = before {
            entry = entry.before(&audited(b))?;
        }
        entry.after(&audited(after))?.record(&mut tx.conn(), self.clock.now()).await
    }

    pub async fn create_goal(&self, actor: &Actor, input: &GoalInput) -> Result<GoalView> {
        let mut tx = self.db.begin().await?;
        let p = self.planner(&mut tx.conn(), actor, input.campaign_id).await?;
        let row = self.goal_row(&mut tx.conn(), input, GoalId::new(0)).await?;
        let row = store::goals::insert_goal(&mut tx.conn(), &row).await?;
        self.relink(&mut tx.conn(), &p, &row, input.problem_ids.as_deref().unwrap_or_default()).await?;
        self.relink_measures(&mut tx.conn(), &p, &row, input.measure_ids.as_deref().unwrap_or_default()).await?;
        self.goal_audited(&mut tx, actor, "goal.create", None, &row).await?;
        self.commit(tx).await?;
        self.get_goal(actor, row.id).await
    }

    pub async fn update_goal(&self, actor: &Actor, id: GoalId, input: &GoalInput) -> Result<GoalView> {
        let version = input.version.ok_or_else(Error::version_required)?;
        let mut tx = self.db.begin().await?;
        let before = self.readable_goal(&mut tx.conn(), actor, id).await?;
        let p = self.planner(&mut tx.conn(), actor, before.campaign_id).await?;
        if input.campaign_id != before.campaign_id {
            return Err(Error::invalid(
                "campaign_id",
                "目标任务不能移到另一个专项工作",
                "a goal cannot move to another campaign",
            ));
        }
        let mut row = self.goal_row(&mut tx.conn(), input, id).await?;
        row.created_at = before.created_at;
        row.version = version;
        row.version = store::goals::update_goal(&mut tx.conn(), &row).await?;
        if let Some(wanted) = &input.problem_ids {
            self.relink(&mut tx.conn(), &p, &row, wanted).await?;
        }
        if let Some(wanted) = &input.measure_ids {
            self.relink_measures(&mut tx.conn(), &p, &row, wanted).await?;
        }
        self.goal_audited(&mut tx, actor, "goal.update", Some(&before), &row).await?;
        self.commit(tx).await?;
        self.get_goal(actor, id).await
    }

    /// The owner's report of how far a goal has come.
    pub async fn report_goal_progress(&self, actor: &Actor, id: GoalId, input: &ProgressInput) -> Result<GoalView> {
        let mut tx = self.db.begin().await?;
        let before = self.readable_goal(&mut tx.conn(), actor, id).await?;
        self.reporter(&mut tx.conn(), actor, &before).await?;
        let mut row = before.clone();
        row.reported_percent = Some(check_percent(input.reported_percent)?);
        row.updated_at = self.clock.now();
        row.version = input.version;
        row.version = store::goals::update_goal(&mut tx.conn(), &row).await?;
        self.goal_audited(&mut tx, actor, "goal.progress", Some(&before), &row).await?;
        self.commit(tx).await?;
        self.get_goal(actor, id).await
    }

    pub async fn add_milestone(&self, actor: &Actor, goal: GoalId, input: &MilestoneInput) -> Result<GoalView> {
        let mut tx = self.db.begin().await?;
        let row = self.readable_goal(&mut tx.conn(), actor, goal).await?;
        self.planner(&mut tx.conn(), actor, row.campaign_id).await?;
        let (title, done_on) = self.milestone_fields(input)?;
        let m = store::goals::insert_milestone(&mut tx.conn(), goal, &title, input.due_on, done_on).await?;
        store::goals::touch_goal(&mut tx.conn(), goal, self.clock.now()).await?;
        self.milestone_audited(&mut tx, actor, "goal.milestone.create", None, &m).await?;
        self.commit(tx).await?;
        self.get_goal(actor, goal).await
    }

    /// A milestone changed: reached (or not), renamed or moved.
    pub async fn update_milestone(
        &self,
        actor: &Actor,
        goal: GoalId,
        id: MilestoneId,
        input: &MilestoneInput,
    ) -> Result<GoalView> {
        let mut tx = self.db.begin().await?;
        let row = self.readable_goal(&mut tx.conn(), actor, goal).await?;
        let before = store::goals::get_milestone(&mut tx.conn(), id)
            .await?
            .filter(|m| m.goal_id == goal)
            .ok_or_else(|| Error::not_found("milestone"))?;
        self.reporter(&mut tx.conn(), actor, &row).await?;
        let (title, done_on) = self.milestone_fields(input)?;
        let after = MilestoneRow { title, due_on: input.due_on, done_on, ..before.clone() };
        store::goals::update_milestone(&mut tx.conn(), &after).await?;
        store::goals::touch_goal(&mut tx.conn(), goal, self.clock.now()).await?;
        self.milestone_audited(&mut tx, actor, "goal.milestone.update", Some(&before), &after).await?;
        self.commit(tx).await?;
        self.get_goal(actor, goal).await
    }

    fn milestone_fields(&self, input: &MilestoneInput) -> Result<(String, Option<NaiveDate>)> {
        let title = domain::text::title("title", &input.title)?;
        let today = self.clock.today();
        if let Some(done) = input.done_on.filter(|d| *d > today) {
            return Err(Error::invalid(
                "done_on",
                format!("完成日期 {done} 在未来（今天是 {today}）"),
                format!("{done} is in the future (today is {today})"),
            ));
        }
        Ok((title, input.done_on))
    }

    async fn milestone_audited(
        &self,
        tx: &mut store::Tx,
        actor: &Actor,
        action: &str,
        before: Option<&MilestoneRow>,
        after: &MilestoneRow,
    ) -> Result<()> {
        let mut entry = crate::audit::Entry::new(actor, action, "goal", Some(after.goal_id.get()));
        if let Some(b) = before {
            entry = entry.before(&audited_milestone(b))?;
        }
        entry.after(&audited_milestone(after))?.record(&mut tx.conn(), self.clock.now()).await
    }

    /// The stored goal, or not found for one that does not exist.
    async fn readable_goal(&self, c: &mut Conn<'_>, actor: &Actor, id: GoalId) -> Result<GoalRow> {
        actor.user_for(Intent::Read)?;
        store::goals::get_goal(c, id).await?.ok_or_else(|| Error::not_found("goal"))
    }
}

fn check_percent(p: u8) -> Result<i64> {
    if p > 100 {
        return Err(Error::invalid(
            "reported_percent",
            format!("进展须在 0 到 100 之间（收到 {p}）"),
            format!("progress is between 0 and 100 (got {p})"),
        ));
    }
    Ok(i64::from(p))
}

/// A parent on the same campaign that is neither the goal itself nor below it.
async fn check_parent(c: &mut Conn<'_>, campaign: CampaignId, id: GoalId, parent: GoalId) -> Result<()> {
    let rows = store::goals::goals_of_campaign(c, campaign).await?;
    let parent_of = |g: GoalId| rows.iter().find(|r| r.id == g).map(|r| r.parent_id);
    let refuse = |zh: String, en: String| Err(Error::invalid("parent_id", zh, en));
    if parent_of(parent).is_none() {
        return refuse(
            format!("上级目标 {parent} 不存在或不属于本专项工作"),
            format!("the parent goal {parent} does not exist or is not on this campaign"),
        );
    }
    let mut at = Some(parent);
    while let Some(g) = at {
        if g == id {
            return refuse(
                "目标不能放在它自己或它的下级之下".into(),
                "a goal cannot sit under itself or below it".into(),
            );
        }
        at = parent_of(g).flatten();
    }
    Ok(())
}

/// What the audit chain keeps of a goal.
fn audited(g: &GoalRow) -> serde_json::Value {
    serde_json::json!({
        "campaign_id": g.campaign_id, "parent_id": g.parent_id, "kind": g.kind, "title": g.title,
        "description": g.description, "owner_unit_id": g.owner_unit_id,
        "responsible_leader_id": g.responsible_leader_id, "starts_on": g.starts_on, "deadline": g.deadline,
        "weight": g.weight, "reported_percent": g.reported_percent, "published": g.published,
        "version": g.version,
    })
}

fn audited_milestone(m: &MilestoneRow) -> serde_json::Value {
    serde_json::json!({ "milestone_id": m.id, "title": m.title, "due_on": m.due_on, "done_on": m.done_on })
}
