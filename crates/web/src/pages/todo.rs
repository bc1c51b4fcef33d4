//! 我的待办: what the signed-in user should do next — their unit's problems due this week, those
//! sent back, and those awaiting their approval as responsible leader or their verification.

use super::kit::{Layout, PageCtx, domain_error, render};
use super::list::{Row, row};
use crate::AppState;
use app::problems::ProblemQuery;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::Duration;
use domain::workflow::{SignoffStage, Status, Statuses};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/", get(todo))
}

struct Section {
    title: String,
    rows: Vec<Row>,
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
}

async fn todo(State(s): State<AppState>, ctx: PageCtx) -> Response {
    let p = match ctx.actor.principal() {
        Some(p) => p.clone(),
        // The site's root: a visitor not signed in is most likely a citizen, so the portal (whose
        // header has the staff sign-in); staff land on their 待办.
        None => return Redirect::to("/portal").into_response(),
    };
    let tr = ctx.tr;
    let today = s.app.clock.today();
    let mine = Some(p.unit_id);
    let queries = [
        (
            "todo-due-week",
            ProblemQuery {
                unit_id: mine,
                status: Some(Statuses::from([Status::New, Status::Assigned])),
                deadline_to: Some(today + Duration::days(7)),
                sort: Some("deadline".into()),
                ..Default::default()
            },
            false,
        ),
        ("todo-sent-back", ProblemQuery { unit_id: mine, sent_back: Some(true), ..Default::default() }, false),
        (
            "todo-approve",
            ProblemQuery {
                status: Some(Statuses::from([Status::Submitted])),
                signoff_stage: Some(SignoffStage::Leader),
                responsible_leader_id: Some(p.user_id),
                ..Default::default()
            },
            false,
        ),
        (
            "todo-verify",
            ProblemQuery {
                status: Some(Statuses::from([Status::Submitted])),
                signoff_stage: Some(SignoffStage::Verifier),
                ..Default::default()
            },
            true,
        ),
    ];
    let mut sections = Vec::new();
    for (title, query, needs_verifier) in queries {
        if needs_verifier && !p.verifies() {
            continue;
        }
        let page = match s.app.list_problems(&ctx.actor, &ProblemQuery { limit: Some(50), ..query }).await {
            Ok(page) => page,
            Err(e) => return domain_error(tr, &e),
        };
        // A verifier never verifies their own unit's report: leave those out.
        let items = page
            .items
            .iter()
            .filter(|item| !needs_verifier || item.lead_unit.as_ref().is_none_or(|u| u.id != p.unit_id.get()))
            .map(|item| row(&tr, item))
            .collect();
        sections.push(Section { title: tr.t(title), rows: items });
    }
    let pending = match s.app.pending_ratings(&ctx.actor).await {
        Ok(list) => list,
        Err(e) => return domain_error(tr, &e),
    };
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
    render(&TodoPage { layout, sections, ratings })
}
