//! 为民办实事 on the portal: the published projects, each with its unit, its deadline, how far it
//! has come and its steps, and the published rectifications it brought about.

use super::goals::percent;
use super::kit::{Layout, PageCtx, domain_error, render};
use crate::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/portal/projects", get(page))
}

struct Project {
    title: String,
    description: String,
    unit: String,
    deadline: String,
    percent: String,
    value: String,
    overdue: bool,
    /// Each step: its title, its date, and whether it is reached.
    steps: Vec<(String, String, bool)>,
    /// Each published rectification: its number and title.
    problems: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "portal_projects.html")]
struct ProjectsPage {
    layout: Layout,
    projects: Vec<Project>,
}

async fn page(State(s): State<AppState>, ctx: PageCtx) -> Response {
    let tr = ctx.tr;
    match s.app.public_projects().await {
        Ok(list) => render(&ProjectsPage {
            layout: ctx.layout(tr.t("portal-projects-title"), "projects"),
            projects: list
                .into_iter()
                .map(|p| Project {
                    title: p.title,
                    description: p.description.unwrap_or_default(),
                    unit: p.unit,
                    deadline: p.deadline.map(|d| d.to_string()).unwrap_or_default(),
                    percent: percent(p.progress),
                    value: format!("{:.3}", p.progress),
                    overdue: p.overdue,
                    steps: p
                        .milestones
                        .into_iter()
                        .map(|m| match m.done_on {
                            Some(done) => (m.title, done.to_string(), true),
                            None => (m.title, m.due_on.to_string(), false),
                        })
                        .collect(),
                    problems: p.problems.into_iter().map(|r| (r.number.to_string(), r.title)).collect(),
                })
                .collect(),
        }),
        Err(e) => domain_error(tr, &e),
    }
}
