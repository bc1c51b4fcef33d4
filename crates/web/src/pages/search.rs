//! 检索: full-text search over the problems and feedback the user may see, best match first, with
//! the matched words marked.

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
    Router::new().route("/search", get(search))
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
