//! 我的待办: what the signed-in user should do next. For their unit: what is newly assigned and
//! waits to be signed for, what came back (reopened, sent back), what is overdue and what is due
//! this week; for a responsible leader, the reports awaiting approval; for a verifier, those
//! awaiting acceptance; for the office, dissatisfied ratings to check. Each section shows its
//! count, the most urgent first, and links to the whole list when it holds more than it shows.

use super::kit::{Layout, PageCtx, domain_error, render};
use super::list::{ListParams, Row, Situation, row};
use crate::AppState;
use app::problems::ProblemQuery;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{Datelike, Duration, NaiveDate};
use domain::access::Principal;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/", get(todo))
}

/// How many problems a section shows before it links to the whole list.
const SHOWN: i64 = 10;

/// A problem in a section, with what the section says about it.
struct TodoRow {
    row: Row,
    /// The version to sign for, when the reader may sign for it here (签收).
    sign_version: Option<i64>,
    /// Why it came back: the cause and the words given.
    why: String,
}

struct Section {
    id: &'static str,
    title: String,
    count: i64,
    rows: Vec<TodoRow>,
    /// The whole filtered list, when the section holds more than it shows.
    more_url: Option<String>,
    /// Whether the rows carry a 签收 button or a reason column.
    signs: bool,
    explains: bool,
}

/// A dissatisfied public rating waiting for the office (不满意待核实).
struct RatingLine {
    problem_id: i64,
    number: String,
    title: String,
    at: String,
    comment: String,
}

#[derive(Template)]
#[template(path = "todo.html")]
struct TodoPage {
    layout: Layout,
    sections: Vec<Section>,
    /// Shown to those who decide them (the office), even when empty.
    ratings: Option<Vec<RatingLine>>,
    /// The reminders sent to the reader today (催办, 督办, the digest), said at the top.
    reminders_today: String,
}

/// One section: its anchor, its title's message id and the list filter that fills it.
struct Spec {
    id: &'static str,
    title: &'static str,
    params: ListParams,
}

/// The sections this reader has, in the order they are worked through.
fn specs(p: &Principal, today: NaiveDate, is_leader: bool) -> Vec<Spec> {
    let unit = Some(p.unit_id.to_string());
    let mine = |situation: Option<Situation>| ListParams {
        unit_id: unit.clone(),
        situation: situation.map(|s| s.as_str().to_string()),
        sort: Some("deadline".into()),
        ..ListParams::default()
    };
    // Sunday of this week: 本周到期 ends there.
    let week_end = today + Duration::days(6 - i64::from(today.weekday().num_days_from_monday()));
    let mut out = vec![
        Spec { id: "sign-for", title: "todo-sign-for", params: mine(Some(Situation::AwaitingSignFor)) },
        Spec { id: "reopened", title: "todo-reopened", params: mine(Some(Situation::Reopened)) },
        Spec { id: "sent-back", title: "todo-sent-back", params: mine(Some(Situation::SentBack)) },
    ];
    if is_leader {
        out.push(Spec {
            id: "approve",
            title: "todo-approve",
            params: ListParams {
                situation: Some(Situation::AwaitingLeader.as_str().into()),
                responsible_leader_id: Some(p.user_id.to_string()),
                sort: Some("deadline".into()),
                ..ListParams::default()
            },
        });
    }
    if p.verifies() {
        out.push(Spec {
            id: "verify",
            title: "todo-verify",
            params: ListParams {
                situation: Some(Situation::AwaitingVerifier.as_str().into()),
                sort: Some("deadline".into()),
                ..ListParams::default()
            },
        });
    }
    // What waits on the reader's own decision comes before the long lists of deadlines.
    out.extend([
        Spec {
            id: "overdue",
            title: "todo-overdue",
            params: ListParams { status: Some("assigned".into()), overdue: Some("true".into()), ..mine(None) },
        },
        Spec {
            id: "due-week",
            title: "todo-due-week",
            params: ListParams {
                status: Some("assigned".into()),
                deadline_from: Some(today.to_string()),
                deadline_to: Some(week_end.to_string()),
                ..mine(None)
            },
        },
    ]);
    out
}

async fn todo(State(s): State<AppState>, ctx: PageCtx) -> Response {
    let p = match ctx.actor.principal() {
        Some(p) => p.clone(),
        // The site's root: a visitor not signed in is most likely a citizen, so the portal (whose
        // header has the staff sign-in); staff land on their 待办.
        None => return Redirect::to("/portal").into_response(),
    };
    match sections(&s, &ctx, &p).await {
        Ok(page) => render(&page),
        Err(e) => domain_error(ctx.tr, &e),
    }
}

async fn sections(s: &AppState, ctx: &PageCtx, p: &Principal) -> Result<TodoPage, domain::Error> {
    let tr = ctx.tr;
    let app = &s.app;
    let today = app.clock.today();
    // A 责任领导 section only for one: someone named responsible leader of a problem.
    let leads = ProblemQuery { responsible_leader_id: Some(p.user_id), ..ProblemQuery::default() };
    let is_leader = app.count_problems(&ctx.actor, &leads).await? > 0;
    let mut sections = Vec::new();
    for spec in specs(p, today, is_leader) {
        let query = spec.params.to_query(SHOWN)?;
        let page = app.list_problems(&ctx.actor, &query).await?;
        let mut count = app.count_problems(&ctx.actor, &query).await?;
        let mut rows = Vec::with_capacity(page.items.len());
        for item in &page.items {
            // A verifier never verifies their own unit's report: leave those out.
            if spec.id == "verify" && item.lead_unit.as_ref().is_some_and(|u| u.id == p.unit_id) {
                count -= 1;
                continue;
            }
            let sign_version = app.may_sign_for(&ctx.actor, item).await?.then_some(item.version);
            let why = item
                .reopened
                .as_ref()
                .map(|r| match &r.reason {
                    Some(reason) => format!("{}：{reason}", tr.label("reopen-cause", r.cause.as_str())),
                    None => tr.label("reopen-cause", r.cause.as_str()),
                })
                .unwrap_or_default();
            rows.push(TodoRow { row: row(&tr, item), sign_version, why });
        }
        let more_url = (count > rows.len() as i64).then(|| format!("/problems?{}", spec.params.without_cursor()));
        sections.push(Section {
            id: spec.id,
            title: tr.t(spec.title),
            count,
            signs: rows.iter().any(|r| r.sign_version.is_some()),
            explains: spec.id == "reopened",
            rows,
            more_url,
        });
    }
    let pending = app.pending_ratings(&ctx.actor).await?;
    let layout = ctx.layout(tr.t("todo-title"), "todo");
    let ratings = (layout.runs_list || !pending.is_empty()).then(|| {
        pending
            .into_iter()
            .map(|r| RatingLine {
                problem_id: r.problem.id.get(),
                number: r.problem.number.to_string(),
                title: r.problem.title,
                at: tr.time(&r.at),
                comment: r.comment.unwrap_or_default(),
            })
            .collect()
    });
    let reminders_today = match app.my_notices_today(&ctx.actor).await? {
        0 => String::new(),
        n => tr.n("todo-reminders", i64::try_from(n).unwrap_or(i64::MAX)),
    };
    Ok(TodoPage { layout, sections, ratings, reminders_today })
}
