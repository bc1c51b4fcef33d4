//! The goal pages' forms: the office sets and changes a goal and adds milestones; the owner
//! unit reports progress and marks milestones reached. Each goes back to the goal's page saying
//! what was done, or shows the refusal there with what was typed kept.

use super::{Kept, TreeParams, goal_with, tree_with};
use crate::AppState;
use crate::pages::fields::{date, filled, number, text};
use crate::pages::kit::{CsrfForm, PageCtx, see_other};
use app::goals::{GoalInput, MilestoneInput, ProgressInput};
use axum::extract::{Path, State};
use axum::response::Response;
use domain::{CampaignId, GoalId, MilestoneId};
use std::collections::HashMap;

/// The goal form as the browser sends it.
#[derive(serde::Deserialize, Default)]
pub(super) struct GoalFields {
    campaign_id: Option<String>,
    parent_id: Option<String>,
    kind: Option<String>,
    title: Option<String>,
    description: Option<String>,
    owner_unit_id: Option<String>,
    responsible_leader_id: Option<String>,
    starts_on: Option<String>,
    deadline: Option<String>,
    weight: Option<String>,
    published: Option<String>,
    /// Problem numbers, separated by spaces, commas or new lines.
    problems: Option<String>,
    /// The measures ticked, and whether the form listed measures at all (the goal page's edit
    /// form does; the new-goal form does not, and then leaves them as they are).
    #[serde(default)]
    measure_ids: Vec<String>,
    measures_listed: Option<String>,
    version: Option<String>,
}

impl GoalFields {
    fn kept(&self) -> Kept {
        let pairs = [
            ("parent_id", &self.parent_id),
            ("kind", &self.kind),
            ("title", &self.title),
            ("description", &self.description),
            ("owner_unit_id", &self.owner_unit_id),
            ("responsible_leader_id", &self.responsible_leader_id),
            ("starts_on", &self.starts_on),
            ("deadline", &self.deadline),
            ("weight", &self.weight),
            ("problems", &self.problems),
        ];
        let mut kept: HashMap<String, String> =
            pairs.iter().map(|(k, v)| (k.to_string(), (*v).clone().unwrap_or_default())).collect();
        kept.insert("published".into(), if self.published.is_some() { "on".into() } else { String::new() });
        Kept(kept)
    }

    async fn input(&self, s: &AppState, ctx: &PageCtx) -> Result<GoalInput, domain::Error> {
        let required = |v: &Option<String>, field: &str| {
            number(v, field)?
                .ok_or_else(|| domain::Error::invalid_with_code(domain::Code::Required, field, "请选择", "choose one"))
        };
        let weight = filled(&self.weight)
            .map(|w| {
                w.parse::<f64>().map_err(|_| {
                    domain::Error::invalid(
                        "weight",
                        format!("权重须是数字（收到“{w}”）"),
                        format!("the weight is a number (got \"{w}\")"),
                    )
                })
            })
            .transpose()?;
        let problem_ids = super::problem_ids(s, ctx, &self.problems).await?;
        let mut measure_ids = Vec::new();
        for m in &self.measure_ids {
            measure_ids.extend(number(&Some(m.clone()), "measure_ids")?.map(domain::MeasureId::new));
        }
        Ok(GoalInput {
            campaign_id: CampaignId::new(required(&self.campaign_id, "campaign_id")?),
            parent_id: number(&self.parent_id, "parent_id")?.map(GoalId::new),
            kind: crate::pages::fields::choice(&self.kind, "kind")?,
            title: self.title.clone().unwrap_or_default(),
            description: text(&self.description),
            owner_unit_id: domain::UnitId::new(required(&self.owner_unit_id, "owner_unit_id")?),
            responsible_leader_id: number(&self.responsible_leader_id, "responsible_leader_id")?
                .map(domain::UserId::new),
            starts_on: date(&self.starts_on, "starts_on")?,
            deadline: date(&self.deadline, "deadline")?,
            weight,
            reported_percent: None,
            published: self.published.is_some(),
            problem_ids: Some(problem_ids),
            measure_ids: self.measures_listed.is_some().then_some(measure_ids),
            version: number(&self.version, "version")?,
        })
    }
}

pub(super) async fn create(State(s): State<AppState>, ctx: PageCtx, CsrfForm(f): CsrfForm<GoalFields>) -> Response {
    let made = match f.input(&s, &ctx).await {
        Ok(input) => s.app.create_goal(&ctx.actor, &input).await,
        Err(e) => Err(e),
    };
    match made {
        Ok(g) => see_other(&format!("/goals/{}?done=create", g.id)),
        Err(e) => {
            let q = TreeParams { campaign_id: f.campaign_id.clone(), done: None };
            tree_with(&s, &ctx, &q, Some(&e), f.kept()).await
        }
    }
}

pub(super) async fn edit(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<GoalFields>,
) -> Response {
    let id = GoalId::new(id);
    let saved = match f.input(&s, &ctx).await {
        Ok(input) => s.app.update_goal(&ctx.actor, id, &input).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => see_other(&format!("/goals/{id}?done=edit")),
        Err(e) => goal_with(&s, &ctx, id, None, Some(("edit", &e, f.kept()))).await,
    }
}

#[derive(serde::Deserialize)]
pub(super) struct ProgressFields {
    reported_percent: Option<String>,
    version: i64,
}

pub(super) async fn progress(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ProgressFields>,
) -> Response {
    let id = GoalId::new(id);
    let result = async {
        let p = number(&f.reported_percent, "reported_percent")?.ok_or_else(|| {
            domain::Error::invalid_with_code(
                domain::Code::Required,
                "reported_percent",
                "请填写进展",
                "give the progress",
            )
        })?;
        let p = u8::try_from(p).map_err(|_| {
            domain::Error::invalid(
                "reported_percent",
                format!("进展须在 0 到 100 之间（收到 {p}）"),
                format!("progress is between 0 and 100 (got {p})"),
            )
        })?;
        s.app.report_goal_progress(&ctx.actor, id, &ProgressInput { reported_percent: p, version: f.version }).await
    }
    .await;
    match result {
        Ok(_) => see_other(&format!("/goals/{id}?done=progress")),
        Err(e) => {
            let kept =
                Kept(HashMap::from([("reported_percent".to_string(), f.reported_percent.clone().unwrap_or_default())]));
            goal_with(&s, &ctx, id, None, Some(("progress", &e, kept))).await
        }
    }
}

#[derive(serde::Deserialize)]
pub(super) struct MilestoneFields {
    title: Option<String>,
    due_on: Option<String>,
    done_on: Option<String>,
}

impl MilestoneFields {
    fn input(&self) -> Result<MilestoneInput, domain::Error> {
        Ok(MilestoneInput {
            title: self.title.clone().unwrap_or_default(),
            due_on: date(&self.due_on, "due_on")?.ok_or_else(|| {
                domain::Error::invalid_with_code(
                    domain::Code::Required,
                    "due_on",
                    "请填写计划完成日期",
                    "give the due date",
                )
            })?,
            done_on: date(&self.done_on, "done_on")?,
        })
    }

    fn kept(&self) -> Kept {
        let v = |x: &Option<String>| x.clone().unwrap_or_default();
        Kept(HashMap::from([
            ("m_title".to_string(), v(&self.title)),
            ("due_on".to_string(), v(&self.due_on)),
            ("done_on".to_string(), v(&self.done_on)),
        ]))
    }
}

pub(super) async fn add_milestone(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<MilestoneFields>,
) -> Response {
    let id = GoalId::new(id);
    let added = match f.input() {
        Ok(input) => s.app.add_milestone(&ctx.actor, id, &input).await,
        Err(e) => Err(e),
    };
    match added {
        Ok(_) => see_other(&format!("/goals/{id}?done=milestone")),
        Err(e) => goal_with(&s, &ctx, id, None, Some(("milestone", &e, f.kept()))).await,
    }
}

/// Marks a milestone reached on the day given (today when not given).
pub(super) async fn milestone_done(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path((id, milestone)): Path<(i64, i64)>,
    CsrfForm(f): CsrfForm<MilestoneFields>,
) -> Response {
    let id = GoalId::new(id);
    let result = async {
        let mut input = f.input()?;
        input.done_on = input.done_on.or(Some(s.app.clock.today()));
        s.app.update_milestone(&ctx.actor, id, MilestoneId::new(milestone), &input).await
    }
    .await;
    match result {
        Ok(_) => see_other(&format!("/goals/{id}?done=reached")),
        Err(e) => goal_with(&s, &ctx, id, None, Some(("reached", &e, f.kept()))).await,
    }
}
