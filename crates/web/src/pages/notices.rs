//! 我的提醒 and, for the admin, 通知记录: the reminders the scheduler sent — what, to whom, why,
//! when and how the sending went.

use super::kit::{CsrfForm, Layout, PageCtx, domain_error, page_message, refused_with, render, see_other};
use super::list::{Opt, vocab_opts};
use crate::AppState;
use app::notices::prefs::{NoticePreferencesInput, NoticePreferencesView};
use app::notices::{NoticeQuery, NoticeView};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use domain::notice::{NoticeChannel, NoticeKind, NoticeStatus};
use domain::{NoticeId, ProblemId};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/notices", get(mine))
        .route("/notices/settings", get(settings_page).post(save_settings))
        .route("/admin/notices", get(all))
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
    channels: Vec<Opt>,
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
    channel: Option<String>,
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
            channel: q.channel.as_deref().filter(|k| !k.is_empty()).map(NoticeChannel::parse).transpose()?,
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
    let channel = q.channel.clone().unwrap_or_default();
    let more_url = (list.len() as i64 == PAGE).then(|| {
        let last = list.last().map(|n| n.id.get()).unwrap_or_default();
        let path = if all { "/admin/notices" } else { "/notices" };
        let day = q.day.clone().unwrap_or_default();
        format!("{path}?before={last}&kind={kind}&status={status}&channel={channel}&day={day}")
    });
    NoticesPage {
        layout: ctx.layout(title, nav),
        all,
        lines: list.iter().map(|n| line(&tr, n)).collect(),
        kinds: vocab_opts(&tr, "notice-kind", NoticeKind::ALL.iter().map(|k| k.as_str()), Some(&kind)),
        statuses: vocab_opts(&tr, "notice-status", NoticeStatus::ALL.iter().map(|k| k.as_str()), Some(&status)),
        channels: vocab_opts(&tr, "notice-channel", NoticeChannel::ALL.iter().map(|k| k.as_str()), Some(&channel)),
        day: q.day.clone().unwrap_or_default(),
        more_url,
    }
}

/// The settings form's fields as sent (and as kept when refused).
#[derive(serde::Deserialize, Default, Clone)]
struct SettingsForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    email_kinds: Vec<String>,
    #[serde(default)]
    quiet_from: String,
    #[serde(default)]
    quiet_until: String,
    english: Option<String>,
}

impl SettingsForm {
    fn input(&self) -> Result<NoticePreferencesInput, domain::Error> {
        Ok(NoticePreferencesInput {
            email: Some(self.email.clone()),
            email_kinds: self.email_kinds.iter().map(|k| NoticeKind::parse(k)).collect::<Result<_, _>>()?,
            quiet_from: Some(self.quiet_from.clone()),
            quiet_until: Some(self.quiet_until.clone()),
            english: self.english.is_some(),
        })
    }

    fn of(p: &NoticePreferencesView) -> Self {
        Self {
            email: p.email.clone().unwrap_or_default(),
            email_kinds: p.email_kinds.iter().map(|k| k.as_str().to_string()).collect(),
            quiet_from: p.quiet_from.clone().unwrap_or_default(),
            quiet_until: p.quiet_until.clone().unwrap_or_default(),
            english: p.english.then(|| "on".into()),
        }
    }
}

#[derive(Template)]
#[template(path = "notice_settings.html")]
struct SettingsPage {
    layout: Layout,
    form: SettingsForm,
    kinds: Vec<Opt>,
    /// The install sends e-mail (an SMTP server is configured).
    mail_available: bool,
    done: bool,
    refusal: String,
}

#[derive(serde::Deserialize, Default)]
struct Saved {
    done: Option<String>,
}

async fn settings_page(State(s): State<AppState>, ctx: PageCtx, Query(q): Query<Saved>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    match s.app.my_notice_preferences(&ctx.actor).await {
        Ok(p) => settings_with(&ctx, SettingsForm::of(&p), p.mail_available, q.done.is_some(), None),
        Err(e) => domain_error(ctx.tr, &e),
    }
}

fn settings_with(
    ctx: &PageCtx,
    form: SettingsForm,
    mail_available: bool,
    done: bool,
    refusal: Option<&domain::Error>,
) -> Response {
    let tr = ctx.tr;
    let mut kinds = vocab_opts(&tr, "notice-kind", NoticeKind::ALL.iter().map(|k| k.as_str()), None);
    for o in &mut kinds {
        o.selected = form.email_kinds.contains(&o.value);
    }
    let page = SettingsPage {
        layout: ctx.layout(tr.t("notice-settings-title"), "notices"),
        form,
        kinds,
        mail_available,
        done,
        refusal: refusal.map(|e| page_message(tr, e)).unwrap_or_default(),
    };
    refused_with(render(&page), refusal)
}

async fn save_settings(State(s): State<AppState>, ctx: PageCtx, CsrfForm(f): CsrfForm<SettingsForm>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let saved = async { s.app.set_my_notice_preferences(&ctx.actor, &f.input()?).await };
    match saved.await {
        Ok(_) => see_other("/notices/settings?done=saved"),
        Err(e) => {
            let available = s.app.settings.mail.is_some();
            settings_with(&ctx, f, available, false, Some(&e))
        }
    }
}
