//! The problem list page: filters (state, unit, category, channel, type, overdue, colour, deadline
//! range, campaign), sorting, paging, saved filters, bulk assign and bulk deadline change, and a
//! print view.

use super::fields::{choice, date, filled, number, text};
use super::i18n::Tr;
use super::kit::{CsrfForm, Layout, PageCtx, domain_error, render, see_other, urlencode};
use crate::AppState;
use app::problems::ProblemQuery;
use app::views::ProblemSummary;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::feedback::Channel;
use domain::problem::RectificationType;
use domain::supervision::Colour;
use domain::workflow::{SignoffStage, Status, Statuses};
use domain::{CampaignId, CategoryId, ProblemId, SavedFilterId, UnitId, UserId};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/problems", get(list))
        .route("/problems/print", get(print))
        .route("/problems/bulk", post(bulk))
        .route("/filters", post(save_filter))
        .route("/filters/{id}/delete", post(delete_filter))
}

/// The list's query as the filter form sends it: every field a string, blank meaning "any".
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub(super) struct ListParams {
    pub status: Option<String>,
    pub unit_id: Option<String>,
    pub category_id: Option<String>,
    pub channel: Option<String>,
    pub rectification_type: Option<String>,
    pub campaign_id: Option<String>,
    pub overdue: Option<String>,
    pub colour: Option<String>,
    pub deadline_from: Option<String>,
    pub deadline_to: Option<String>,
    /// Where the problem stands for the unit: see [`Situation`].
    pub situation: Option<String>,
    pub responsible_leader_id: Option<String>,
    /// The records behind one figure of the ranking (三率排名), received in a window.
    pub counted: Option<String>,
    pub received_from: Option<String>,
    pub received_to: Option<String>,
    /// Signed off in a window (the reports' 办结 figures).
    pub closed_from: Option<String>,
    pub closed_to: Option<String>,
    pub q: Option<String>,
    pub sort: Option<String>,
    pub cursor: Option<String>,
}

/// What a problem waits for, as 我的待办 sorts it into sections and the list filters by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Situation {
    /// 新交办·待签收
    AwaitingSignFor,
    /// 被重新整改
    Reopened,
    /// 被退回
    SentBack,
    /// 待领导审核
    AwaitingLeader,
    /// 待验收
    AwaitingVerifier,
}

impl Situation {
    pub(super) const ALL: [Situation; 5] = [
        Situation::AwaitingSignFor,
        Situation::Reopened,
        Situation::SentBack,
        Situation::AwaitingLeader,
        Situation::AwaitingVerifier,
    ];

    pub(super) fn as_str(self) -> &'static str {
        match self {
            Situation::AwaitingSignFor => "awaiting_sign_for",
            Situation::Reopened => "reopened",
            Situation::SentBack => "sent_back",
            Situation::AwaitingLeader => "awaiting_leader",
            Situation::AwaitingVerifier => "awaiting_verifier",
        }
    }

    fn parse(s: &str) -> Result<Self, domain::Error> {
        Situation::ALL.into_iter().find(|x| x.as_str() == s).ok_or_else(|| {
            domain::Error::invalid("situation", format!("未知的办理情况“{s}”"), format!("unknown situation \"{s}\""))
        })
    }

    /// The list query that finds problems in this situation.
    fn narrow(self, q: ProblemQuery) -> ProblemQuery {
        match self {
            Situation::AwaitingSignFor => ProblemQuery { awaiting_sign_for: Some(true), ..q },
            Situation::Reopened => ProblemQuery { reopened: Some(true), ..q },
            Situation::SentBack => ProblemQuery { sent_back: Some(true), ..q },
            Situation::AwaitingLeader => ProblemQuery {
                status: Some(Statuses::from([Status::Submitted])),
                signoff_stage: Some(SignoffStage::Leader),
                ..q
            },
            Situation::AwaitingVerifier => ProblemQuery {
                status: Some(Statuses::from([Status::Submitted])),
                signoff_stage: Some(SignoffStage::Verifier),
                ..q
            },
        }
    }
}

impl ListParams {
    pub(super) fn to_query(&self, limit: i64) -> Result<ProblemQuery, domain::Error> {
        let query = ProblemQuery {
            status: filled(&self.status).map(Statuses::parse).transpose()?,
            unit_id: number(&self.unit_id, "unit_id")?.map(UnitId::new),
            category_id: number(&self.category_id, "category_id")?.map(CategoryId::new),
            channel: choice(&self.channel, "channel")?,
            rectification_type: choice(&self.rectification_type, "rectification_type")?,
            campaign_id: number(&self.campaign_id, "campaign_id")?.map(CampaignId::new),
            overdue: match filled(&self.overdue) {
                Some("true") => Some(true),
                Some("false") => Some(false),
                _ => None,
            },
            colour: choice(&self.colour, "colour")?,
            deadline_from: date(&self.deadline_from, "deadline_from")?,
            deadline_to: date(&self.deadline_to, "deadline_to")?,
            q: text(&self.q),
            sort: text(&self.sort),
            cursor: text(&self.cursor),
            limit: Some(limit),
            responsible_leader_id: number(&self.responsible_leader_id, "responsible_leader_id")?.map(UserId::new),
            counted: choice(&self.counted, "counted")?,
            received_from: date(&self.received_from, "received_from")?,
            received_to: date(&self.received_to, "received_to")?,
            closed_from: date(&self.closed_from, "closed_from")?,
            closed_to: date(&self.closed_to, "closed_to")?,
            ..ProblemQuery::default()
        };
        Ok(match filled(&self.situation) {
            Some(s) => Situation::parse(s)?.narrow(query),
            None => query,
        })
    }

    /// The query string without the cursor (for paging, saving and printing).
    pub(super) fn without_cursor(&self) -> String {
        let pairs = [
            ("status", &self.status),
            ("unit_id", &self.unit_id),
            ("category_id", &self.category_id),
            ("channel", &self.channel),
            ("rectification_type", &self.rectification_type),
            ("campaign_id", &self.campaign_id),
            ("overdue", &self.overdue),
            ("colour", &self.colour),
            ("deadline_from", &self.deadline_from),
            ("deadline_to", &self.deadline_to),
            ("situation", &self.situation),
            ("responsible_leader_id", &self.responsible_leader_id),
            ("counted", &self.counted),
            ("received_from", &self.received_from),
            ("received_to", &self.received_to),
            ("closed_from", &self.closed_from),
            ("closed_to", &self.closed_to),
            ("q", &self.q),
            ("sort", &self.sort),
        ];
        pairs
            .iter()
            .filter_map(|(k, v)| filled(v).map(|v| format!("{k}={}", urlencode(v))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// An option of a select.
pub(super) struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub(super) fn opts(current: Option<&str>, items: impl IntoIterator<Item = (String, String)>) -> Vec<Opt> {
    items.into_iter().map(|(value, label)| Opt { selected: current == Some(value.as_str()), value, label }).collect()
}

/// Where a unit sorts when the tree is read top to bottom: its path's ids, so that each unit comes
/// right after its parent and before the parent's next sibling.
pub(super) fn tree_key(u: &app::views::UnitView) -> Vec<i64> {
    u.path.split('/').filter_map(|x| x.parse().ok()).collect()
}

/// The units as a tree for a picker: each unit under its parent (a street office under its own
/// district), indented by its depth, siblings in the order they were made.
pub(super) fn unit_tree_opts(units: &[app::views::UnitView], current: Option<&str>) -> Vec<Opt> {
    let mut ordered: Vec<&app::views::UnitView> = units.iter().collect();
    ordered.sort_by_cached_key(|u| tree_key(u));
    // The reader's own subtree may start below the root: indent from its shallowest unit.
    let top = ordered.iter().map(|u| u.depth).min().unwrap_or(1);
    opts(
        current,
        ordered
            .into_iter()
            .map(|u| (u.id.to_string(), format!("{}{}", "　".repeat(u.depth.saturating_sub(top)), u.name))),
    )
}

/// The options of a closed vocabulary (its wire names, from the domain's `ALL`), labelled in the
/// reader's language by the catalogue under `kind`.
pub(super) fn vocab_opts(
    tr: &Tr,
    kind: &str,
    values: impl IntoIterator<Item = &'static str>,
    current: Option<&str>,
) -> Vec<Opt> {
    opts(current, values.into_iter().map(|v| (v.to_string(), tr.label(kind, v))))
}

/// A problem as a row of the list, formatted for the page.
pub(super) struct Row {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub status: String,
    pub stage: String,
    pub lead_unit: String,
    pub category: String,
    pub deadline: String,
    pub countdown: String,
    pub late: bool,
    pub colour: String,
    pub colour_label: String,
    /// Marks beside the status: 待签收, 重新整改.
    pub tags: Vec<String>,
}

pub(super) fn row(tr: &Tr, p: &ProblemSummary) -> Row {
    Row {
        id: p.id.get(),
        number: p.number.to_string(),
        title: p.title.clone(),
        status: tr.label("status", p.status.as_str()),
        stage: p.signoff_stage.map(|s| tr.label("stage", s.as_str())).unwrap_or_default(),
        lead_unit: p.lead_unit.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
        category: p.category.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
        deadline: p.deadline.map(|d| tr.date(&d)).unwrap_or_default(),
        countdown: p.flags.working_days_left.map(|n| tr.countdown(n)).unwrap_or_default(),
        late: p.flags.overdue,
        colour: p.flags.colour.map(|c| c.as_str().to_string()).unwrap_or_default(),
        colour_label: p.flags.colour.map(|c| tr.label("colour", c.as_str())).unwrap_or_default(),
        tags: [(p.awaiting_sign_for, "tag-awaiting-sign-for"), (p.reopened.is_some(), "tag-reopened")]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, key)| tr.t(key))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "problems.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    next_url: Option<String>,
    first_url: Option<String>,
    query: String,
    q: String,
    deadline_from: String,
    deadline_to: String,
    statuses: Vec<Opt>,
    units: Vec<Opt>,
    categories: Vec<Opt>,
    channels: Vec<Opt>,
    types: Vec<Opt>,
    campaigns: Vec<Opt>,
    overdue: Vec<Opt>,
    colours: Vec<Opt>,
    situations: Vec<Opt>,
    responsible_leader_id: String,
    sorts: Vec<Opt>,
    saved: Vec<app::pages_support::SavedFilter>,
    bulk_units: Vec<Opt>,
    can_bulk: bool,
    /// What a drill-down from the ranking shows, and the values it keeps when refiltered.
    figure: Option<String>,
    kept: Vec<(&'static str, String)>,
}

async fn list(State(s): State<AppState>, ctx: PageCtx, Query(params): Query<ListParams>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let (actor, path, lang, csrf) = (ctx.actor.clone(), ctx.path_and_query.clone(), ctx.tr.lang, ctx.csrf.clone());
    crate::cached::html(&s, &actor, &path, lang, &csrf, async || list_page(&s, &ctx, &params).await).await
}

async fn list_page(s: &AppState, ctx: &PageCtx, params: &ListParams) -> Result<Response, Response> {
    let tr = ctx.tr;
    let actor = &ctx.actor;
    let fail = |e: domain::Error| domain_error(tr, &e);
    let query = params.to_query(50).map_err(fail)?;
    let page = s.app.list_problems(actor, &query).await.map_err(fail)?;
    let units = s.app.list_units(actor).await.map_err(fail)?;
    let categories = s.app.list_categories(actor).await.map_err(fail)?;
    let campaigns = s.app.list_campaigns(actor).await.map_err(fail)?;
    let saved = s.app.saved_filters(actor).await.map_err(fail)?;
    let base = params.without_cursor();
    let sep = if base.is_empty() { "" } else { "&" };
    let unit_opts = |current: Option<&str>| unit_tree_opts(&units, current);
    let can_bulk = actor.principal().is_some_and(|p| p.runs_a_list());
    let kept: Vec<(&'static str, String)> = [
        ("counted", &params.counted),
        ("received_from", &params.received_from),
        ("received_to", &params.received_to),
        ("closed_from", &params.closed_from),
        ("closed_to", &params.closed_to),
    ]
    .into_iter()
    .filter_map(|(k, v)| filled(v).map(|v| (k, v.to_string())))
    .collect();
    let figure = (!kept.is_empty()).then(|| {
        let counted = query.counted.map(|c| tr.label("counted", c.as_str())).unwrap_or_default();
        let window = |id: &str, from: Option<chrono::NaiveDate>, to: Option<chrono::NaiveDate>| match (from, to) {
            (None, None) => String::new(),
            (from, to) => tr
                .t(id)
                .replace("{from}", &from.map(|d| d.to_string()).unwrap_or_default())
                .replace("{to}", &to.map(|d| d.to_string()).unwrap_or_default()),
        };
        let received = window("problems-received-window", query.received_from, query.received_to);
        let closed = window("problems-closed-window", query.closed_from, query.closed_to);
        [counted, received, closed].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ")
    });
    let listing = ListPage {
        figure,
        kept,
        layout: ctx.layout(tr.t("problems-title"), "problems"),
        rows: page.items.iter().map(|p| row(&tr, p)).collect(),
        next_url: page.next_cursor.as_ref().map(|c| format!("/problems?{base}{sep}cursor={}", urlencode(c))),
        first_url: filled(&params.cursor).map(|_| format!("/problems?{base}")),
        query: base.clone(),
        q: filled(&params.q).unwrap_or_default().to_string(),
        deadline_from: filled(&params.deadline_from).unwrap_or_default().to_string(),
        deadline_to: filled(&params.deadline_to).unwrap_or_default().to_string(),
        statuses: vocab_opts(&tr, "status", Status::ALL.map(Status::as_str), filled(&params.status)),
        units: unit_opts(filled(&params.unit_id)),
        categories: opts(filled(&params.category_id), categories.iter().map(|c| (c.id.to_string(), c.name.clone()))),
        channels: vocab_opts(&tr, "channel", Channel::ALL.iter().map(|v| v.as_str()), filled(&params.channel)),
        types: vocab_opts(
            &tr,
            "type",
            RectificationType::ALL.iter().map(|v| v.as_str()),
            filled(&params.rectification_type),
        ),
        campaigns: opts(filled(&params.campaign_id), campaigns.iter().map(|c| (c.id.to_string(), c.name.clone()))),
        overdue: opts(
            filled(&params.overdue),
            [("true".into(), tr.t("filter-yes")), ("false".into(), tr.t("filter-no"))],
        ),
        colours: vocab_opts(&tr, "colour", Colour::ALL.iter().rev().map(|v| v.as_str()), filled(&params.colour)),
        situations: vocab_opts(&tr, "situation", Situation::ALL.map(Situation::as_str), filled(&params.situation)),
        responsible_leader_id: filled(&params.responsible_leader_id).unwrap_or_default().to_string(),
        sorts: opts(
            filled(&params.sort),
            [
                ("-created", "sort-created"),
                ("deadline", "sort-deadline"),
                ("-updated", "sort-updated"),
                ("number", "sort-number"),
            ]
            .into_iter()
            .map(|(v, k)| (v.to_string(), tr.t(k))),
        ),
        saved,
        bulk_units: unit_opts(None),
        can_bulk,
    };
    Ok(render(&listing))
}

#[derive(Template)]
#[template(path = "print.html")]
struct PrintPage {
    layout: Layout,
    rows: Vec<Row>,
    printed: String,
}

/// Up to 200 problems of the current filter, for paper.
async fn print(State(s): State<AppState>, ctx: PageCtx, Query(params): Query<ListParams>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let result = async {
        let query = params.to_query(200)?;
        s.app.list_problems(&ctx.actor, &query).await
    }
    .await;
    match result {
        Ok(page) => render(&PrintPage {
            layout: ctx.layout(tr.t("print-title"), "problems"),
            rows: page.items.iter().map(|p| row(&tr, p)).collect(),
            printed: tr.time(&s.app.clock.now()),
        }),
        Err(e) => domain_error(tr, &e),
    }
}

#[derive(serde::Deserialize)]
struct BulkForm {
    #[serde(default)]
    ids: Vec<ProblemId>,
    what: String,
    lead_unit_id: Option<String>,
    deadline: Option<String>,
    back: Option<String>,
}

async fn bulk(State(s): State<AppState>, ctx: PageCtx, CsrfForm(f): CsrfForm<BulkForm>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let deadline = match date(&f.deadline, "deadline") {
        Ok(d) => d,
        Err(e) => return domain_error(tr, &e),
    };
    let outcome = match f.what.as_str() {
        "assign" => match number(&f.lead_unit_id, "lead_unit_id") {
            Ok(Some(unit)) => s.app.bulk_assign(&ctx.actor, &f.ids, UnitId::new(unit), deadline).await,
            Ok(None) => Err(domain::Error::invalid("lead_unit_id", "请选择牵头单位", "choose the lead unit")),
            Err(e) => Err(e),
        },
        "deadline" => match deadline {
            Some(d) => s.app.bulk_deadline(&ctx.actor, &f.ids, d).await,
            None => Err(domain::Error::invalid("deadline", "请填写新的时限", "give the new deadline")),
        },
        _ => Err(domain::Error::invalid("what", "未知的批量操作", "unknown bulk action")),
    };
    match outcome {
        Ok(o) => bulk_report(&s, &ctx, &f, o).await,
        Err(e) => domain_error(tr, &e),
    }
}

/// One row of a bulk action's report.
struct BulkLine {
    /// The problem's id and number, when the reader may see it.
    link: Option<(i64, String)>,
    title: String,
    done: bool,
    /// What was done to it, or why it was left as it was.
    result: String,
}

#[derive(Template)]
#[template(path = "bulk_result.html")]
struct BulkPage {
    layout: Layout,
    summary: String,
    lines: Vec<BulkLine>,
    back: String,
}

/// What a bulk action did to each row and why it refused any, with the way back to the list.
async fn bulk_report(s: &AppState, ctx: &PageCtx, f: &BulkForm, o: app::pages_support::BulkOutcome) -> Response {
    let tr = ctx.tr;
    let mut lines = Vec::new();
    let refused: std::collections::HashMap<ProblemId, &domain::Msg> =
        o.refused.iter().map(|(id, m)| (*id, m)).collect();
    for id in &f.ids {
        // Named only when the reader may see it, like every record a view refers to.
        let seen = s.app.get_problem(&ctx.actor, *id).await.ok();
        let (link, title) = match &seen {
            Some(p) => (Some((p.summary.id.get(), p.summary.number.to_string())), p.summary.title.clone()),
            None => (None, String::new()),
        };
        let line = match refused.get(id) {
            Some(why) => BulkLine { link, title, done: false, result: why.in_lang(tr.lang).to_string() },
            None if o.done_ids.contains(id) => {
                let result = match (f.what.as_str(), &seen) {
                    ("assign", Some(p)) => format!(
                        "{} {}",
                        tr.t("done-assign-to"),
                        p.summary.lead_unit.as_ref().map(|u| u.name.clone()).unwrap_or_default()
                    ),
                    (_, Some(p)) => format!(
                        "{} {}",
                        tr.t("bulk-deadline-now"),
                        p.summary.deadline.map(|d| tr.date(&d)).unwrap_or_default()
                    ),
                    _ => tr.t("done-title"),
                };
                BulkLine { link, title, done: true, result }
            }
            None => continue,
        };
        lines.push(line);
    }
    let summary = format!(
        "{}：{}；{}",
        tr.t(if f.what == "assign" { "problems-bulk-assign" } else { "problems-bulk-deadline" }),
        tr.n("problems-bulk-done", i64::try_from(o.done).unwrap_or(0)),
        tr.n("problems-bulk-refused", i64::try_from(o.refused.len()).unwrap_or(0))
    );
    render(&BulkPage {
        layout: ctx.layout(tr.t("bulk-result-title"), "problems"),
        summary,
        lines,
        back: back_to(f.back.as_deref()),
    })
}

/// Back to the list the form came from (only our own list).
fn back_to(back: Option<&str>) -> String {
    match back {
        Some(b) if b.starts_with("/problems") && !b.starts_with("//") => b.to_string(),
        _ => "/problems".to_string(),
    }
}

#[derive(serde::Deserialize)]
struct SaveFilterForm {
    name: String,
    query: String,
}

async fn save_filter(State(s): State<AppState>, ctx: PageCtx, CsrfForm(f): CsrfForm<SaveFilterForm>) -> Response {
    match s.app.save_filter(&ctx.actor, &f.name, &f.query).await {
        Ok(()) => see_other(&format!("/problems?{}", f.query.trim_start_matches('?'))),
        Err(e) => domain_error(ctx.tr, &e),
    }
}

#[derive(serde::Deserialize)]
struct Empty {}

async fn delete_filter(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<SavedFilterId>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Response {
    match s.app.delete_filter(&ctx.actor, id).await {
        Ok(()) => see_other("/problems"),
        Err(e) => domain_error(ctx.tr, &e),
    }
}

/// A choice of 责任领导 with the units it may lead for (its own unit and those above it), so that
/// the assign form offers only the leaders of the lead unit chosen (the app checks it too).
pub(super) struct LeaderOpt {
    pub value: String,
    pub label: String,
    /// Unit ids, space-separated: the leader's unit and its ancestors.
    pub units: String,
}

/// The users with the leader role the reader may see, in the order of the unit tree.
pub(super) fn leader_opts(users: &[app::views::UserView], units: &[app::views::UnitView]) -> Vec<LeaderOpt> {
    let mut leaders: Vec<(&app::views::UserView, &app::views::UnitView)> = users
        .iter()
        .filter(|u| u.role == domain::user::Role::Leader && u.active)
        .filter_map(|u| units.iter().find(|x| x.id == u.unit.id).map(|unit| (u, unit)))
        .collect();
    leaders.sort_by_cached_key(|(u, unit)| (tree_key(unit), u.display_name.clone()));
    leaders
        .into_iter()
        .map(|(u, unit)| LeaderOpt {
            value: u.id.to_string(),
            label: format!("{}（{}）", u.display_name, unit.name),
            units: unit.path.split('/').filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" "),
        })
        .collect()
}
