//! The web UI (SPEC §3): server-rendered pages for the campaign office, the units and the
//! supervisors, and the public portal. Every page calls the same `app` use cases as the API and
//! works without JavaScript; forms carry a CSRF token.

// Page helpers return the response to send when something fails (a redirect to sign in, an error
// page); it goes straight back to the handler's caller, so its size does not matter.
#![allow(clippy::result_large_err)]

mod actions;
mod admin;
mod auth;
mod campaign;
mod charts;
mod dashboard;
mod detail;
mod fields;
mod files;
mod goals;
mod hot;
mod i18n;
mod imports;
mod intake;
mod kit;
mod ledger;
mod list;
mod mechanisms;
mod notices;
mod portal;
mod projects;
mod ranking;
mod records;
pub(crate) mod reports;
mod research;
mod search;
mod study;
mod todo;
mod uploads;
mod webhooks;

use crate::AppState;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;

pub(crate) use kit::{Secure, not_found_page, with_frame};
pub(crate) use portal::RecentSubmits;

pub(crate) fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .merge(auth::router())
        .merge(todo::router())
        .merge(dashboard::router())
        .merge(ranking::router())
        .merge(reports::router())
        .merge(imports::router())
        .merge(campaign::router())
        .merge(goals::router())
        .merge(mechanisms::router())
        .merge(research::router())
        .merge(study::router())
        .merge(list::router())
        .merge(ledger::router())
        .merge(detail::router())
        .merge(actions::router())
        .merge(records::router())
        .merge(files::router())
        .merge(intake::router())
        .merge(admin::router())
        .merge(portal::router())
        .merge(projects::router())
        .merge(search::router())
        .merge(hot::router())
        .merge(notices::router())
        .merge(webhooks::router())
        .layer(axum::middleware::from_fn_with_state(state, kit::csrf_cookie))
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
}

const CSS: &str = include_str!("../../static/app.css");
const JS: &str = include_str!("../../static/app.js");

fn asset(body: &'static str, content_type: &'static str) -> axum::response::Response {
    let mut res = body.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    res
}

async fn css() -> axum::response::Response {
    asset(CSS, "text/css; charset=utf-8")
}

async fn js() -> axum::response::Response {
    asset(JS, "text/javascript; charset=utf-8")
}
