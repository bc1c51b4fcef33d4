//! 检索: full-text search over the problems and feedback the user may see, best match first, with
//! the matched words marked; and 热点问题, the hot-problem ranking.

use super::kit::{Layout, PageCtx, domain_error, render};
use crate::AppState;
use app::search::SearchHit;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use domain::{FeedbackId, ProblemId};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/search", get(search)).route("/hot", get(hot))
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    searched: bool,
    problems: Vec<SearchHit<ProblemId>>,
    feedback: Vec<SearchHit<FeedbackId>>,
}

#[derive(serde::Deserialize, Default)]
struct Params {
    q: Option<String>,
}

async fn search(State(s): State<AppState>, ctx: PageCtx, Query(p): Query<Params>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let q = p.q.unwrap_or_default();
    let (problems, feedback, searched) = if q.trim().is_empty() {
        (vec![], vec![], false)
    } else {
        match s.app.search(&ctx.actor, &q, 30).await {
            Ok(r) => (r.problems, r.feedback, true),
            Err(e) => return domain_error(tr, &e),
        }
    };
    render(&SearchPage { layout: ctx.layout(tr.t("search-title"), "search"), q, searched, problems, feedback })
}

#[derive(Template)]
#[template(path = "hot.html")]
struct HotPage {
    layout: Layout,
    days: i64,
    rows: Vec<HotRow>,
}

struct HotRow {
    rank: usize,
    /// The heat the rows are ordered by, as shown.
    heat: String,
    title: String,
    reports: usize,
    reporters: usize,
    net_likes: i64,
    span: String,
    problem: Option<(i64, String)>,
}

#[derive(serde::Deserialize, Default)]
struct HotParams {
    days: Option<i64>,
}

async fn hot(State(s): State<AppState>, ctx: PageCtx, Query(p): Query<HotParams>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let days = p.days.unwrap_or(90);
    let clusters = match s.app.hot_problems(&ctx.actor, days, 50).await {
        Ok(c) => c,
        Err(e) => return domain_error(tr, &e),
    };
    let rows = clusters
        .into_iter()
        .map(|c| HotRow {
            rank: c.rank,
            heat: format!("{:.2}", c.heat),
            title: c.problem.as_ref().map(|p| p.title.clone()).unwrap_or(c.title),
            reports: c.reports,
            reporters: c.reporters,
            net_likes: c.net_likes,
            span: match (c.first_at, c.last_at) {
                (Some(a), Some(b)) => format!("{} – {}", tr.date(&a.date_naive()), tr.date(&b.date_naive())),
                _ => String::new(),
            },
            problem: c.problem.map(|p| (p.id.get(), p.number.to_string())),
        })
        .collect();
    render(&HotPage { layout: ctx.layout(tr.t("hot-title"), "hot"), days, rows })
}
