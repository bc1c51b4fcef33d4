//! 热点问题: the hot issues ranked by heat, each named by its place or group of people and its
//! matter; an issue's page lists its messages and lets the office put those not yet on the list
//! on it as one problem.

use super::fields::number;
use super::kit::{CsrfForm, Layout, PageCtx, domain_error, render, see_other};
use super::list::{Opt, opts};
use crate::AppState;
use app::hot::{HotIssue, HotIssueDetail};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::feedback::{Channel, FeedbackKind};
use domain::{CampaignId, CategoryId, FeedbackId};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/hot", get(ranking))
        .route("/hot/{key}", get(issue))
        .route("/hot/{key}/problem", post(make_problem))
        .route("/hot/{key}/join", post(join_problem))
}

/// The window a ranking covers unless the reader chooses another.
const DEFAULT_DAYS: i64 = 90;

/// One hot issue as a row of the ranking and as the head of its page.
struct Row {
    rank: usize,
    /// The heat the rows are ordered by, as shown.
    heat: String,
    place: String,
    matter: String,
    /// Where the issue's page is.
    href: String,
    reports: usize,
    reporters: usize,
    net_likes: i64,
    span: String,
    problem: Option<(i64, String)>,
    /// "3条待立项", or empty when every message is on the list.
    unlinked: String,
}

impl Row {
    fn of(tr: super::i18n::Tr, h: &HotIssue, days: i64) -> Self {
        let label = h.label();
        Self {
            rank: h.rank,
            heat: format!("{:.2}", h.heat),
            place: h.place.clone(),
            // Without a phrase of its own the issue is called as its messages are.
            matter: if h.matter.trim().is_empty() { label } else { h.matter.clone() },
            href: format!("/hot/{}?days={days}", h.key),
            reports: h.reports,
            reporters: h.reporters,
            net_likes: h.net_likes,
            span: match (h.first_at, h.last_at) {
                (Some(a), Some(b)) => format!("{} – {}", tr.date(&a.date_naive()), tr.date(&b.date_naive())),
                _ => String::new(),
            },
            problem: h.problem.as_ref().map(|p| (p.id.get(), p.number.to_string())),
            unlinked: if h.unlinked > 0 { tr.n("hot-unlinked", h.unlinked as i64) } else { String::new() },
        }
    }
}

#[derive(Template)]
#[template(path = "hot.html")]
struct RankingPage {
    layout: Layout,
    days: i64,
    rows: Vec<Row>,
}

#[derive(serde::Deserialize, Default)]
struct Window {
    days: Option<i64>,
}

async fn ranking(State(s): State<AppState>, ctx: PageCtx, Query(w): Query<Window>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let days = w.days.unwrap_or(DEFAULT_DAYS);
    let issues = match s.app.hot_problems(&ctx.actor, days, 50).await {
        Ok(c) => c,
        Err(e) => return domain_error(tr, &e),
    };
    let rows = issues.iter().map(|h| Row::of(tr, h, days)).collect();
    render(&RankingPage { layout: ctx.layout(tr.t("hot-title"), "hot"), days, rows })
}

struct Message {
    received: String,
    title: String,
    opening: String,
    problem: Option<(i64, String)>,
    on_a_problem: bool,
}

#[derive(Template)]
#[template(path = "hot_issue.html")]
struct IssuePage {
    layout: Layout,
    days: i64,
    key: i64,
    head: Row,
    messages: Vec<Message>,
    /// The messages not on a problem yet, which a problem made here joins.
    unlinked_ids: Vec<i64>,
    may_make_problem: bool,
    /// The headings and the button, counted.
    messages_heading: String,
    make_explain: String,
    make_button: String,
    campaigns: Vec<Opt>,
    categories: Vec<Opt>,
    /// The new problem's title and description as proposed.
    title: String,
    description: String,
    /// The channel and kind most of its messages have, which the problem keeps.
    channel: String,
    kind: String,
}

async fn issue(State(s): State<AppState>, ctx: PageCtx, Path(key): Path<i64>, Query(w): Query<Window>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let days = w.days.unwrap_or(DEFAULT_DAYS);
    let loaded = async {
        let detail = s.app.hot_issue(&ctx.actor, days, FeedbackId::new(key)).await?;
        let (campaigns, categories) = if detail.may_make_problem && detail.issue.unlinked > 0 {
            (s.app.list_campaigns(&ctx.actor).await?, s.app.list_categories(&ctx.actor).await?)
        } else {
            (vec![], vec![])
        };
        Ok::<_, domain::Error>((detail, campaigns, categories))
    };
    let (detail, campaigns, categories) = match loaded.await {
        Ok(loaded) => loaded,
        Err(e) => return domain_error(tr, &e),
    };
    let HotIssueDetail { issue, messages, may_make_problem, channel, kind } = detail;
    let head = Row::of(tr, &issue, days);
    let description = proposed_description(tr, &issue, &messages);
    let unlinked = messages.iter().filter(|m| !m.on_a_problem).count() as i64;
    render(&IssuePage {
        messages_heading: tr.n("hot-messages", messages.len() as i64),
        make_explain: tr.n("hot-make-explain", unlinked),
        make_button: tr.n("hot-make-button", unlinked),
        layout: ctx.layout(format!("{}：{}", tr.t("hot-issue-title"), issue.label()), "hot"),
        days,
        key,
        unlinked_ids: messages.iter().filter(|m| !m.on_a_problem).map(|m| m.id.get()).collect(),
        messages: messages
            .into_iter()
            .map(|m| Message {
                received: tr.time(&m.received_at),
                title: m.title,
                opening: m.opening,
                problem: m.problem.map(|p| (p.id.get(), p.number.to_string())),
                on_a_problem: m.on_a_problem,
            })
            .collect(),
        may_make_problem,
        campaigns: opts(None, campaigns.iter().map(|c| (c.id.to_string(), c.name.clone()))),
        categories: opts(None, categories.iter().map(|c| (c.id.to_string(), c.name.clone()))),
        title: issue.label(),
        description,
        channel: channel.as_str().to_string(),
        kind: kind.as_str().to_string(),
        head,
    })
}

/// What the problem made from an issue says at first: the issue in a line, how many of the
/// messages that join it there are, and their titles (the office edits it before it is made).
fn proposed_description(tr: super::i18n::Tr, issue: &HotIssue, messages: &[app::hot::HotMessage]) -> String {
    let joining: Vec<&app::hot::HotMessage> = messages.iter().filter(|m| !m.on_a_problem).collect();
    let mut lines = vec![issue.label(), tr.n("hot-make-count", joining.len() as i64)];
    let mut seen = std::collections::BTreeSet::new();
    for m in joining {
        let line = if m.title.is_empty() { m.opening.clone() } else { m.title.clone() };
        if seen.insert(line.clone()) && seen.len() <= 20 {
            lines.push(format!("· {line}"));
        }
    }
    lines.join("\n")
}

#[derive(serde::Deserialize)]
struct MakeForm {
    campaign_id: CampaignId,
    title: String,
    description: String,
    category_id: Option<String>,
    channel: Channel,
    kind: FeedbackKind,
    /// The messages the page showed as not yet on a problem: exactly these join it.
    #[serde(default)]
    feedback_ids: Vec<FeedbackId>,
}

/// 立为一个问题: the issue's messages not yet on the list become one problem, which they all join.
async fn make_problem(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(_key): Path<i64>,
    CsrfForm(f): CsrfForm<MakeForm>,
) -> Response {
    let made = async {
        let input = app::problems::NewProblemInput {
            category_id: number(&f.category_id, "category_id")?.map(CategoryId::new),
            kind: Some(f.kind),
            feedback_ids: f.feedback_ids.clone(),
            ..app::problems::NewProblemInput::new(f.campaign_id, f.title.clone(), f.description.clone(), f.channel)
        };
        s.app.create_problem(&ctx.actor, &input).await
    };
    match made.await {
        Ok(p) => see_other(&format!("/problems/{}?done=create", p.summary.id)),
        Err(e) => domain_error(ctx.tr, &e),
    }
}

#[derive(serde::Deserialize)]
struct JoinForm {
    problem_id: domain::ProblemId,
    /// The messages the page showed as not yet on a problem: exactly these join it.
    #[serde(default)]
    feedback_ids: Vec<FeedbackId>,
}

/// 并入已有问题: the issue's messages not yet on the list join the problem most of it is on, one
/// by one as the intake card would add each; a refusal stops there and says why (those added
/// before it stay added, each with its audit entry).
async fn join_problem(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(_key): Path<i64>,
    CsrfForm(f): CsrfForm<JoinForm>,
) -> Response {
    for id in &f.feedback_ids {
        if let Err(e) = s.app.link_feedback(&ctx.actor, *id, Some(f.problem_id)).await {
            return domain_error(ctx.tr, &e);
        }
    }
    see_other(&format!("/problems/{}?done=joined", f.problem_id))
}
