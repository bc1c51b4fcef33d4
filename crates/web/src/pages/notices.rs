//! 我的提醒 and, for the admin, 通知记录: the reminders the scheduler sent — what, to whom, why,
//! when and how the sending went.

use super::kit::{Layout, PageCtx, domain_error, render};
use super::list::{Opt, vocab_opts};
use crate::AppState;
use app::notices::{NoticeQuery, NoticeView};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use domain::notice::{NoticeKind, NoticeStatus};
use domain::{NoticeId, ProblemId};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/notices", get(mine)).route("/admin/notices", get(all))
}

/// A notice as a line of the table.
struct Line {
    at: String,
    kind: String,
    /// red, yellow or blue for a colour rise or a late one; empty otherwise.
    tone: &'static str,
    problem_id: Option<i64>,
    headline: String,
    reason: String,
    recipient: String,
    channel: String,
    status: String,
    failed: bool,
    error: String,
}

fn line(tr: &super::i18n::Tr, n: &NoticeView) -> Line {
    let en = tr.lang == "en";
    let tone = match (n.kind, n.colour) {
        (NoticeKind::Overdue, _) => "red",
        (NoticeKind::ColourRaised, Some(c)) => c.as_str(),
        (NoticeKind::DueSoon, _) => "blue",
        (NoticeKind::SignoffWaiting | NoticeKind::CallbackDue, _) => "yellow",
        _ => "",
    };
    Line {
        at: tr.time(n.sent_at.as_ref().unwrap_or(&n.created_at)),
        kind: tr.label("notice-kind", n.kind.as_str()),
        tone,
        problem_id: n.problem.as_ref().map(|p| p.id.get()),
        headline: if en { n.headline_en.clone() } else { n.headline_zh.clone() },
        reason: if en { n.reason_en.clone() } else { n.reason_zh.clone() },
        recipient: n.recipient.as_ref().map(|r| r.name.clone()).unwrap_or_else(|| tr.t("notices-nobody")),
        channel: tr.label("notice-channel", n.channel.as_str()),
        status: tr.label("notice-status", n.status.as_str()),
        failed: n.status == NoticeStatus::Failed,
        error: n.last_error.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "notices.html")]
struct NoticesPage {
    layout: Layout,
    /// The admin's view of every notice, with its filters and the recipient column.
    all: bool,
    lines: Vec<Line>,
    kinds: Vec<Opt>,
    statuses: Vec<Opt>,
    day: String,
    /// The next page, when this one is full.
    more_url: Option<String>,
}

/// How many notices a page shows.
const PAGE: i64 = 100;

#[derive(serde::Deserialize, Default)]
struct Params {
    before: Option<NoticeId>,
    kind: Option<String>,
    status: Option<String>,
    day: Option<String>,
    problem_id: Option<ProblemId>,
}

async fn mine(State(s): State<AppState>, ctx: PageCtx, Query(q): Query<Params>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    match s.app.my_notices(&ctx.actor, q.before, Some(PAGE)).await {
        Ok(list) => render(&page(&ctx, &q, false, &list)),
        Err(e) => domain_error(tr, &e),
    }
}

async fn all(State(s): State<AppState>, ctx: PageCtx, Query(q): Query<Params>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let built = async {
        let query = NoticeQuery {
            problem_id: q.problem_id,
            kind: q.kind.as_deref().filter(|k| !k.is_empty()).map(NoticeKind::parse).transpose()?,
            status: q.status.as_deref().filter(|k| !k.is_empty()).map(NoticeStatus::parse).transpose()?,
            day: super::fields::date(&q.day, "day")?,
            before: q.before,
            limit: Some(PAGE),
            ..NoticeQuery::default()
        };
        s.app.notices(&ctx.actor, &query).await
    };
    match built.await {
        Ok(list) => render(&page(&ctx, &q, true, &list)),
        Err(e) => domain_error(tr, &e),
    }
}

fn page(ctx: &PageCtx, q: &Params, all: bool, list: &[NoticeView]) -> NoticesPage {
    let tr = ctx.tr;
    let (title, nav) = if all { (tr.t("notices-all-title"), "admin") } else { (tr.t("notices-title"), "notices") };
    let kind = q.kind.clone().unwrap_or_default();
    let status = q.status.clone().unwrap_or_default();
    let more_url = (list.len() as i64 == PAGE).then(|| {
        let last = list.last().map(|n| n.id.get()).unwrap_or_default();
        let path = if all { "/admin/notices" } else { "/notices" };
        let day = q.day.clone().unwrap_or_default();
        format!("{path}?before={last}&kind={kind}&status={status}&day={day}")
    });
    NoticesPage {
        layout: ctx.layout(title, nav),
        all,
        lines: list.iter().map(|n| line(&tr, n)).collect(),
        kinds: vocab_opts(&tr, "notice-kind", NoticeKind::ALL.iter().map(|k| k.as_str()), Some(&kind)),
        statuses: vocab_opts(&tr, "notice-status", NoticeStatus::ALL.iter().map(|k| k.as_str()), Some(&status)),
        day: q.day.clone().unwrap_or_default(),
        more_url,
    }
}
