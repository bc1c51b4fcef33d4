//! 目标任务 pages: a campaign's goal tree with each goal's progress, flags and milestones; a
//! goal's own page where the office changes it and adds milestones and the owner unit reports
//! progress and marks milestones reached; the tree as a spreadsheet. Each write comes back to the
//! goal's page saying what was done, or why it was refused with what was typed kept.

use super::fields::number;
use super::i18n::Tr;
use super::kit::{Layout, PageCtx, domain_error, done_message, page_message, render};
use super::list::{LeaderOpt, Opt, leader_opts, opts, unit_tree_opts, vocab_opts};
use crate::AppState;
use app::goals::GoalView;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::goals::{GoalKind, ProgressSource};
use domain::{CampaignId, GoalId};
use std::collections::HashMap;
use writes::{add_milestone, create, edit, milestone_done, progress};

mod writes;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/goals", get(tree_page).post(create))
        .route("/goals.xlsx", get(download))
        .route("/goals/{id}", get(goal_page).post(edit))
        .route("/goals/{id}/progress", post(progress))
        .route("/goals/{id}/milestones", post(add_milestone))
        .route("/goals/{id}/milestones/{milestone}", post(milestone_done))
}

#[derive(serde::Deserialize, Default)]
pub(super) struct TreeParams {
    campaign_id: Option<String>,
    done: Option<String>,
}

/// A goal as a line of the tree, formatted for the page.
pub(super) struct GoalLine {
    pub id: i64,
    pub title: String,
    /// `d0`…`d4`: how far it is indented.
    pub depth: String,
    pub kind: String,
    pub unit: String,
    pub leader: String,
    pub deadline: String,
    pub percent: String,
    /// 0–1 for a `<progress>` element.
    pub value: String,
    pub source: String,
    pub overdue: bool,
    pub at_risk: bool,
    /// “2/4”, or empty when it has none.
    pub milestones: String,
    /// “3/4”, or empty when none is linked.
    pub problems: String,
    pub published: bool,
}

/// The problems named by their numbers in a form's box (separated by spaces, commas or new
/// lines), each one the reader may see.
pub(in crate::pages) async fn problem_ids(
    s: &AppState,
    ctx: &PageCtx,
    numbers: &Option<String>,
) -> Result<Vec<domain::ProblemId>, domain::Error> {
    let mut ids = Vec::new();
    for n in super::fields::filled(numbers)
        .unwrap_or_default()
        .split([' ', ',', '，', '、', '\n', '\r'])
        .filter(|n| !n.is_empty())
    {
        let id = s.app.problem_id_by_number(&ctx.actor, n).await.map_err(|_| {
            domain::Error::invalid("problems", format!("问题编号 {n} 不存在"), format!("no problem numbered {n}"))
        })?;
        ids.push(id);
    }
    Ok(ids)
}

/// The measures of a goal's linked problems, each marked when it serves the goal.
async fn measure_choices(
    s: &AppState,
    ctx: &PageCtx,
    g: &app::goals::GoalView,
) -> Result<Vec<MeasureChoice>, domain::Error> {
    let mut out = Vec::new();
    for p in &g.problems {
        for m in s.app.get_problem(&ctx.actor, p.id).await?.measures {
            out.push(MeasureChoice {
                id: m.id.get(),
                problem: p.number.to_string(),
                description: m.description,
                done: m.status == domain::problem::MeasureStatus::Done,
                linked: g.measures.iter().any(|x| x.id == m.id),
            });
        }
    }
    Ok(out)
}

pub(super) fn percent(p: f64) -> String {
    format!("{:.0}%", p * 100.0)
}

fn source_label(tr: &Tr, s: ProgressSource) -> String {
    tr.t(match s {
        ProgressSource::Milestones => "goal-source-milestones",
        ProgressSource::LinkedProblems => "goal-source-problems",
        ProgressSource::Reported => "goal-source-reported",
        ProgressSource::Children => "goal-source-children",
    })
}

pub(super) fn line(tr: &Tr, g: &GoalView) -> GoalLine {
    let reached = g.milestones.iter().filter(|m| m.done_on.is_some()).count();
    GoalLine {
        id: g.id.get(),
        title: g.title.clone(),
        depth: format!("d{}", g.depth.min(4)),
        kind: tr.label("goal-kind", g.kind.as_str()),
        unit: g.owner_unit.name.clone(),
        leader: g.responsible_leader.as_ref().map(|l| l.name.clone()).unwrap_or_default(),
        deadline: g.deadline.map(|d| d.to_string()).unwrap_or_default(),
        percent: percent(g.progress),
        value: format!("{:.3}", g.progress),
        source: source_label(tr, g.progress_source),
        overdue: g.overdue,
        at_risk: g.at_risk,
        milestones: if g.milestones.is_empty() { String::new() } else { format!("{reached}/{}", g.milestones.len()) },
        problems: if g.problems.is_empty() {
            String::new()
        } else {
            format!("{}/{}", g.problems_closed, g.problems.len())
        },
        published: g.published,
    }
}

/// The choices of the goal form.
struct GoalForm {
    kinds: Vec<Opt>,
    parents: Vec<Opt>,
    units: Vec<Opt>,
    leaders: Vec<LeaderOpt>,
}

async fn goal_form(
    s: &AppState,
    ctx: &PageCtx,
    tree: &[GoalView],
    g: Option<&GoalView>,
) -> Result<GoalForm, domain::Error> {
    let units = s.app.list_units(&ctx.actor).await?;
    let users = s.app.list_users(&ctx.actor).await.unwrap_or_default();
    let current = |v: Option<String>| v;
    Ok(GoalForm {
        kinds: vocab_opts(
            &ctx.tr,
            "goal-kind",
            GoalKind::ALL.iter().map(|k| k.as_str()),
            current(g.map(|g| g.kind.as_str().to_string())).as_deref(),
        ),
        parents: opts(
            g.and_then(|g| g.parent_id).map(|p| p.to_string()).as_deref(),
            tree.iter()
                .filter(|x| Some(x.id) != g.map(|g| g.id))
                .map(|x| (x.id.to_string(), format!("{}{}", "　".repeat(x.depth), x.title))),
        ),
        units: unit_tree_opts(&units, g.map(|g| g.owner_unit.id.to_string()).as_deref()),
        leaders: leader_opts(&users, &units),
    })
}

#[derive(Template)]
#[template(path = "goals.html")]
struct TreePage {
    layout: Layout,
    campaigns: Vec<Opt>,
    campaign_id: String,
    lines: Vec<GoalLine>,
    may_plan: bool,
    form: GoalForm,
    done: String,
    refusal: String,
    kept: Kept,
}

/// What was typed into a refused form, to put back.
#[derive(Default)]
pub(in crate::pages) struct Kept(pub(in crate::pages) HashMap<String, String>);

impl Kept {
    pub(in crate::pages) fn v(&self, name: &str) -> String {
        self.0.get(name).cloned().unwrap_or_default()
    }

    pub(in crate::pages) fn any(&self) -> bool {
        !self.0.is_empty()
    }

    fn values(&self) -> FormValues {
        FormValues {
            title: self.v("title"),
            kind: self.v("kind"),
            parent_id: self.v("parent_id"),
            owner_unit_id: self.v("owner_unit_id"),
            responsible_leader_id: self.v("responsible_leader_id"),
            starts_on: self.v("starts_on"),
            deadline: self.v("deadline"),
            weight: self.v("weight"),
            description: self.v("description"),
            problems: self.v("problems"),
            published: self.v("published"),
        }
    }
}

/// What the goal form's fields hold: what was typed, or the goal as it is.
pub(super) struct FormValues {
    title: String,
    kind: String,
    parent_id: String,
    owner_unit_id: String,
    responsible_leader_id: String,
    starts_on: String,
    deadline: String,
    weight: String,
    description: String,
    problems: String,
    /// `on` when ticked.
    published: String,
}

impl FormValues {
    fn of(g: &GoalView) -> Self {
        FormValues {
            title: g.title.clone(),
            kind: g.kind.as_str().to_string(),
            parent_id: g.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            owner_unit_id: g.owner_unit.id.to_string(),
            responsible_leader_id: g.responsible_leader.as_ref().map(|l| l.id.to_string()).unwrap_or_default(),
            starts_on: g.starts_on.to_string(),
            deadline: g.deadline.map(|d| d.to_string()).unwrap_or_default(),
            weight: g.weight.map(|w| w.to_string()).unwrap_or_default(),
            description: g.description.clone().unwrap_or_default(),
            problems: g.problems.iter().map(|p| p.number.to_string()).collect::<Vec<_>>().join(" "),
            published: if g.published { "on".into() } else { String::new() },
        }
    }
}

async fn tree_page(State(s): State<AppState>, ctx: PageCtx, Query(q): Query<TreeParams>) -> Response {
    tree_with(&s, &ctx, &q, None, Kept::default()).await
}

pub(super) async fn tree_with(
    s: &AppState,
    ctx: &PageCtx,
    q: &TreeParams,
    refusal: Option<&domain::Error>,
    kept: Kept,
) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let built = async {
        let campaigns = s.app.list_campaigns(&ctx.actor).await?;
        let chosen = match number(&q.campaign_id, "campaign_id")? {
            Some(id) => Some(CampaignId::new(id)),
            None => campaigns.first().map(|c| c.id),
        };
        let tree = match chosen {
            Some(id) => s.app.goal_tree(&ctx.actor, id).await?,
            None => Vec::new(),
        };
        let may_plan = match chosen {
            Some(id) => s.app.may_plan_goals(&ctx.actor, id).await?,
            None => false,
        };
        let form = goal_form(s, ctx, &tree, None).await?;
        let chosen = chosen.map(|c| c.to_string()).unwrap_or_default();
        Ok::<_, domain::Error>(TreePage {
            layout: ctx.layout(tr.t("goals-title"), "campaign"),
            campaigns: opts(Some(&chosen), campaigns.iter().map(|c| (c.id.to_string(), c.name.clone()))),
            campaign_id: chosen,
            lines: tree.iter().map(|g| line(&tr, g)).collect(),
            may_plan,
            form,
            done: match q.done.as_deref() {
                Some("create") => tr.t("goal-done-create"),
                _ => String::new(),
            },
            refusal: refusal.map(|e| page_message(tr, e)).unwrap_or_default(),
            kept,
        })
    }
    .await;
    match built {
        Ok(page) => render(&page),
        Err(e) => domain_error(tr, &e),
    }
}

#[derive(Template)]
#[template(path = "goal.html")]
struct GoalPage {
    layout: Layout,
    g: GoalLine,
    campaign_id: String,
    description: String,
    starts_on: String,
    weight: String,
    reported: String,
    version: i64,
    milestones: Vec<MilestoneLine>,
    problems: Vec<ProblemLink>,
    /// The measures of the linked problems, and whether each serves the goal.
    measures: Vec<MeasureChoice>,
    linked_measures: usize,
    may_edit: bool,
    may_report: bool,
    form: GoalForm,
    /// What the edit form holds.
    values: FormValues,
    done: String,
    refusal: String,
    /// Which form was refused (`edit`, `milestone`, `progress`), to open it.
    refused: String,
    kept: Kept,
    today: String,
}

struct MeasureChoice {
    id: i64,
    problem: String,
    description: String,
    done: bool,
    linked: bool,
}

struct MilestoneLine {
    id: i64,
    title: String,
    due_on: String,
    done_on: String,
    late: bool,
}

struct ProblemLink {
    id: i64,
    number: String,
    title: String,
}

#[derive(serde::Deserialize, Default)]
struct GoalParams {
    done: Option<String>,
}

async fn goal_page(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<GoalParams>,
) -> Response {
    goal_with(&s, &ctx, GoalId::new(id), q.done.as_deref(), None).await
}

pub(super) async fn goal_with(
    s: &AppState,
    ctx: &PageCtx,
    id: GoalId,
    done: Option<&str>,
    refused: Option<(&str, &domain::Error, Kept)>,
) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let built = async {
        let g = s.app.get_goal(&ctx.actor, id).await?;
        let tree = s.app.goal_tree(&ctx.actor, g.campaign_id).await?;
        let form = goal_form(s, ctx, &tree, Some(&g)).await?;
        let (refused, refusal, kept) = match refused {
            Some((form, e, kept)) => (form.to_string(), page_message(tr, e), kept),
            None => (String::new(), String::new(), Kept::default()),
        };
        Ok::<_, domain::Error>(GoalPage {
            layout: ctx.layout(g.title.clone(), "campaign"),
            g: line(&tr, &g),
            campaign_id: g.campaign_id.to_string(),
            description: g.description.clone().unwrap_or_default(),
            starts_on: g.starts_on.to_string(),
            weight: g.weight.map(|w| w.to_string()).unwrap_or_default(),
            reported: g.reported_percent.map(|p| p.to_string()).unwrap_or_default(),
            version: g.version,
            milestones: g
                .milestones
                .iter()
                .map(|m| MilestoneLine {
                    id: m.id.get(),
                    title: m.title.clone(),
                    due_on: m.due_on.to_string(),
                    done_on: m.done_on.map(|d| d.to_string()).unwrap_or_default(),
                    late: m.late,
                })
                .collect(),
            problems: g
                .problems
                .iter()
                .map(|p| ProblemLink { id: p.id.get(), number: p.number.to_string(), title: p.title.clone() })
                .collect(),
            linked_measures: g.measures.len(),
            measures: measure_choices(s, ctx, &g).await?,
            may_edit: g.actions.edit,
            may_report: g.actions.report,
            form,
            values: if refused == "edit" { kept.values() } else { FormValues::of(&g) },
            done: done_message(tr, "goal", done),
            refusal,
            refused,
            kept,
            today: s.app.clock.today().to_string(),
        })
    }
    .await;
    match built {
        Ok(page) => render(&page),
        Err(e) => domain_error(tr, &e),
    }
}

async fn download(State(s): State<AppState>, ctx: PageCtx, Query(q): Query<TreeParams>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let written = async {
        let campaign = number(&q.campaign_id, "campaign_id")?.map(CampaignId::new);
        let goals = s.app.list_goals(&ctx.actor, campaign).await?;
        app::goals::write_xlsx(&goals)
    }
    .await;
    super::kit::xlsx_or_error(ctx.tr, written, "goals.xlsx", "目标任务.xlsx")
}
