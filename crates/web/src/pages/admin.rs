//! 系统管理 (admin only): units, users and roles, categories and their time limits, campaigns, the
//! holiday calendar, API tokens. Each form calls the same use case as the API.

use super::fields::{filled, number};
use super::kit::{CsrfForm, Layout, PageCtx, domain_error, render, see_other};
use super::list::{Opt, opts};
use crate::AppState;
use app::views::{CampaignView, CategoryView, TokenView, UnitView, UserView};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use domain::access::TokenScope;
use domain::calendar::{DayKind, SpecialDay};
use domain::feedback::FeedbackKind;
use domain::user::Role;
use domain::{CategoryId, TokenId, UnitId, UserId};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(index))
        .route("/admin/units", post(add_unit))
        .route("/admin/users", post(add_user))
        .route("/admin/users/{id}", post(update_user))
        .route("/admin/users/{id}/password", post(reset_password))
        .route("/admin/categories", post(add_category))
        .route("/admin/causes", post(add_cause))
        .route("/admin/causes/{id}", post(update_cause))
        .route("/admin/formats", post(add_format))
        .route("/admin/formats/{id}", post(update_format))
        .route("/admin/campaigns", post(add_campaign))
        .route("/admin/tokens", post(add_token))
        .route("/admin/tokens/{id}/revoke", post(revoke_token))
        .route("/admin/calendar/{year}", get(calendar).post(set_calendar))
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    layout: Layout,
    /// The section shown (`units`, `users`, …) and the index of all of them.
    section: &'static str,
    sections: Vec<(&'static str, String)>,
    /// What was just done here, said once.
    done: String,
    /// The user search.
    q: String,
    units: Vec<UnitView>,
    unit_opts: Vec<Opt>,
    users: Vec<UserView>,
    roles: Vec<Opt>,
    categories: Vec<CategoryView>,
    causes: Vec<ListEntry>,
    formats: Vec<ListEntry>,
    campaigns: Vec<CampaignView>,
    tokens: Vec<TokenView>,
    new_token: Option<String>,
    years: Vec<i32>,
}

/// The admin page's sections, in the order of its index; the first is shown by default.
const SECTIONS: [&str; 8] = ["users", "units", "categories", "causes", "formats", "campaigns", "calendar", "tokens"];

/// An entry of a short list the admin keeps (root causes, study formats), as its table shows it.
struct ListEntry {
    id: i64,
    name: String,
    description: Option<String>,
    active: bool,
}

/// `/admin?section=users&q=王&done=password`.
#[derive(serde::Deserialize, Default)]
struct AdminQuery {
    section: Option<String>,
    q: Option<String>,
    done: Option<String>,
}

async fn admin_page(
    s: &AppState,
    ctx: &PageCtx,
    query: &AdminQuery,
    new_token: Option<String>,
) -> Result<Response, domain::Error> {
    let tr = ctx.tr;
    let actor = &ctx.actor;
    actor.admin()?;
    let section = SECTIONS.iter().copied().find(|x| query.section.as_deref() == Some(*x)).unwrap_or(SECTIONS[0]);
    let mut units = s.app.list_units(actor).await?;
    units.sort_by_cached_key(super::list::tree_key);
    let this_year = s.app.clock.today().year();
    let q = query.q.clone().unwrap_or_default();
    let needle = q.trim().to_lowercase();
    let users: Vec<UserView> = s
        .app
        .list_users(actor)
        .await?
        .into_iter()
        .filter(|u| {
            needle.is_empty()
                || [&u.username, &u.display_name, &u.unit.name, &u.role_label]
                    .iter()
                    .any(|v| v.to_lowercase().contains(&needle))
        })
        .collect();
    Ok(render(&AdminPage {
        layout: ctx.layout(tr.t("admin-title"), "admin"),
        section,
        sections: SECTIONS.iter().map(|x| (*x, tr.t(&format!("admin-{x}")))).collect(),
        done: match query.done.as_deref() {
            Some(what) if !what.is_empty() => {
                format!("{}：{}", tr.t("done-title"), tr.t(&format!("admin-done-{what}")))
            }
            _ => String::new(),
        },
        q,
        unit_opts: super::list::unit_tree_opts(&units, None),
        units,
        users,
        roles: opts(
            None,
            domain::user::Role::ALL.iter().map(|r| (r.as_str().to_string(), tr.label("role", r.as_str()))),
        ),
        categories: s.app.list_categories(actor).await?,
        causes: (s.app.list_root_causes(actor).await?.into_iter())
            .map(|c| ListEntry { id: c.id.get(), name: c.name, description: c.description, active: c.active })
            .collect(),
        formats: (s.app.list_study_formats(actor).await?.into_iter())
            .map(|f| ListEntry { id: f.id.get(), name: f.name, description: f.description, active: f.active })
            .collect(),
        campaigns: s.app.list_campaigns(actor).await?,
        tokens: s.app.list_tokens(actor).await?,
        new_token,
        years: vec![this_year - 1, this_year, this_year + 1],
    }))
}

async fn index(State(s): State<AppState>, ctx: PageCtx, Query(q): Query<AdminQuery>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    admin_page(&s, &ctx, &q, None).await.unwrap_or_else(|e| domain_error(ctx.tr, &e))
}

/// Back to the section the form was in, saying what was done (`what`: `saved`, `added`, …).
fn done(result: domain::Result<()>, ctx: &PageCtx, section: &str, what: &str) -> Response {
    match result {
        Ok(()) => see_other(&format!("/admin?section={section}&done={what}")),
        Err(e) => domain_error(ctx.tr, &e),
    }
}

#[derive(serde::Deserialize)]
struct UnitForm {
    parent_id: Option<String>,
    name: String,
    code: Option<String>,
}

async fn add_unit(State(s): State<AppState>, ctx: PageCtx, CsrfForm(f): CsrfForm<UnitForm>) -> Response {
    let result = async {
        let parent = number(&f.parent_id, "parent_id")?.map(UnitId::new);
        s.app.create_unit(&ctx.actor, parent, &f.name, filled(&f.code)).await.map(|_| ())
    };
    done(result.await, &ctx, "units", "added")
}

#[derive(serde::Deserialize)]
struct UserForm {
    username: String,
    display_name: String,
    role: Role,
    unit_id: UnitId,
    password: String,
}

async fn add_user(State(s): State<AppState>, ctx: PageCtx, CsrfForm(f): CsrfForm<UserForm>) -> Response {
    let input = app::users::NewUserInput {
        username: f.username,
        display_name: f.display_name,
        role: f.role,
        unit_id: f.unit_id,
        password: f.password,
    };
    done(s.app.create_user(&ctx.actor, &input).await.map(|_| ()), &ctx, "users", "added")
}

#[derive(serde::Deserialize)]
struct UserUpdateForm {
    role: Role,
    active: Option<String>,
}

async fn update_user(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<UserUpdateForm>,
) -> Response {
    let patch = app::users::UserPatch {
        display_name: None,
        role: Some(f.role),
        unit_id: None,
        active: Some(f.active.is_some()),
        password: None,
    };
    done(s.app.update_user(&ctx.actor, UserId::new(id), &patch).await.map(|_| ()), &ctx, "users", "saved")
}

#[derive(serde::Deserialize)]
struct PasswordForm {
    password: String,
}

/// 重置密码: the admin sets a new password for a user who lost theirs.
async fn reset_password(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<PasswordForm>,
) -> Response {
    let patch = app::users::UserPatch {
        display_name: None,
        role: None,
        unit_id: None,
        active: None,
        password: Some(f.password),
    };
    done(s.app.update_user(&ctx.actor, UserId::new(id), &patch).await.map(|_| ()), &ctx, "users", "password")
}

#[derive(serde::Deserialize)]
struct CategoryForm {
    parent_id: Option<String>,
    name: String,
    kind: FeedbackKind,
    sign_days: u32,
    response_days: u32,
    completion_days: u32,
    callback_days: u32,
}

async fn add_category(State(s): State<AppState>, ctx: PageCtx, CsrfForm(f): CsrfForm<CategoryForm>) -> Response {
    let result = async {
        let input = app::categories::CategoryInput {
            parent_id: number(&f.parent_id, "parent_id")?.map(CategoryId::new),
            name: f.name,
            limits: vec![app::categories::LimitInput {
                kind: f.kind,
                sign_days: f.sign_days,
                response_days: f.response_days,
                completion_days: f.completion_days,
                callback_days: f.callback_days,
            }],
        };
        s.app.create_category(&ctx.actor, &input).await.map(|_| ())
    };
    done(result.await, &ctx, "categories", "added")
}

#[derive(serde::Deserialize)]
struct EntryForm {
    name: String,
    description: Option<String>,
    /// `yes` or `no` when the form turns the entry on or off.
    active: Option<String>,
}

impl EntryForm {
    fn input(self) -> app::views::ListEntryInput {
        app::views::ListEntryInput {
            name: self.name,
            description: super::fields::text(&self.description),
            active: self.active.map(|a| a == "yes"),
        }
    }
}

async fn add_cause(State(s): State<AppState>, ctx: PageCtx, CsrfForm(f): CsrfForm<EntryForm>) -> Response {
    let result = s.app.create_root_cause(&ctx.actor, &f.input()).await.map(|_| ());
    done(result, &ctx, "causes", "added")
}

/// Renames, describes, retires or brings back a root cause.
async fn update_cause(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<EntryForm>,
) -> Response {
    let result = s.app.update_root_cause(&ctx.actor, domain::RootCauseId::new(id), &f.input()).await.map(|_| ());
    done(result, &ctx, "causes", "saved")
}

async fn add_format(State(s): State<AppState>, ctx: PageCtx, CsrfForm(f): CsrfForm<EntryForm>) -> Response {
    let result = s.app.create_study_format(&ctx.actor, &f.input()).await.map(|_| ());
    done(result, &ctx, "formats", "added")
}

/// Renames, describes, retires or brings back a study format.
async fn update_format(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<EntryForm>,
) -> Response {
    let result = s.app.update_study_format(&ctx.actor, domain::StudyFormatId::new(id), &f.input()).await.map(|_| ());
    done(result, &ctx, "formats", "saved")
}

#[derive(serde::Deserialize)]
struct CampaignForm {
    unit_id: UnitId,
    name: String,
    kind: String,
    code_prefix: String,
    starts_on: NaiveDate,
}

async fn add_campaign(State(s): State<AppState>, ctx: PageCtx, CsrfForm(f): CsrfForm<CampaignForm>) -> Response {
    let input = app::campaigns::CampaignInput {
        unit_id: f.unit_id,
        name: f.name,
        kind: f.kind,
        code_prefix: f.code_prefix,
        starts_on: f.starts_on,
        ends_on: None,
        phases: vec![],
        goals: None,
    };
    done(s.app.create_campaign(&ctx.actor, &input).await.map(|_| ()), &ctx, "campaigns", "added")
}

#[derive(serde::Deserialize)]
struct TokenForm {
    user_id: i64,
    name: String,
    scope: String,
}

async fn add_token(State(s): State<AppState>, ctx: PageCtx, CsrfForm(f): CsrfForm<TokenForm>) -> Response {
    let result = async {
        let scope = TokenScope::parse(&f.scope)?;
        let (_, secret) = s.app.create_token(&ctx.actor, UserId::new(f.user_id), &f.name, scope, None).await?;
        let tokens = AdminQuery { section: Some("tokens".into()), ..AdminQuery::default() };
        admin_page(&s, &ctx, &tokens, Some(secret)).await
    }
    .await;
    result.unwrap_or_else(|e| domain_error(ctx.tr, &e))
}

#[derive(serde::Deserialize)]
struct Empty {}

async fn revoke_token(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Response {
    done(s.app.revoke_token(&ctx.actor, TokenId::new(id)).await, &ctx, "tokens", "revoked")
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
struct CalendarPage {
    layout: Layout,
    year: i32,
    covered: bool,
    lines: String,
    days: Vec<(String, String, String)>,
    /// Why the lines sent were refused; they stay in the box to be corrected.
    error: Option<String>,
}

async fn calendar(State(s): State<AppState>, ctx: PageCtx, Path(year): Path<i32>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    calendar_page(&s, &ctx, year, None).await
}

/// The year's page: its special days, and the box to edit them (holding `refused` lines, with
/// why, when the last edit was refused).
async fn calendar_page(s: &AppState, ctx: &PageCtx, year: i32, refused: Option<(String, String)>) -> Response {
    let tr = ctx.tr;
    if let Err(e) = ctx.actor.admin() {
        return domain_error(tr, &e);
    }
    let y = match s.app.calendar_year(year).await {
        Ok(y) => y,
        Err(e) => return domain_error(tr, &e),
    };
    let (lines, error) = match refused {
        Some((lines, error)) => (lines, Some(error)),
        None => (
            y.days
                .iter()
                // In the reader's language: the form reads either back.
                .map(|d| {
                    let kind = if tr.lang == "en" { d.kind.as_str() } else { d.kind.label_zh() };
                    format!("{},{kind},{}", d.date, d.note)
                })
                .collect::<Vec<_>>()
                .join("\n"),
            None,
        ),
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let mut res = render(&CalendarPage {
        layout: ctx.layout(format!("{} {year}", tr.t("admin-calendar")), "admin"),
        year,
        covered: y.covered,
        lines,
        days: y.days.iter().map(|d| (tr.date(&d.date), tr.label("daykind", d.kind.as_str()), d.note.clone())).collect(),
        error,
    });
    *res.status_mut() = status;
    res
}

#[derive(serde::Deserialize)]
struct CalendarForm {
    lines: String,
}

/// One line of the calendar box (`2026-10-01,放假,国庆节`), numbered as the reader sees it.
fn calendar_line(year: i32, n: usize, line: &str) -> domain::Result<SpecialDay> {
    let at_line = |e: domain::Error| {
        let m = e.message();
        domain::Error::invalid(format!("line {n}"), format!("第{n}行：{}", m.zh), format!("line {n}: {}", m.en))
    };
    let mut cols = line.split([',', '，']).map(str::trim);
    let date = cols.next().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).ok_or_else(|| {
        domain::Error::invalid(
            format!("line {n}"),
            format!("第{n}行：日期应写作 {year}-10-01 这样的形式"),
            format!("line {n}: write the date as {year}-10-01"),
        )
    })?;
    let kind = DayKind::parse(cols.next().unwrap_or_default()).map_err(at_line)?;
    Ok(SpecialDay { date, kind, note: cols.next().unwrap_or_default().to_string() })
}

async fn set_calendar(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(year): Path<i32>,
    CsrfForm(f): CsrfForm<CalendarForm>,
) -> Response {
    let parsed: domain::Result<Vec<SpecialDay>> = f
        .lines
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty())
        .map(|(n, line)| calendar_line(year, n, line))
        .collect();
    let result = match parsed {
        Ok(days) => s.app.set_calendar_year(&ctx.actor, year, days).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => see_other(&format!("/admin/calendar/{year}")),
        Err(e @ (domain::Error::Unauthenticated { .. } | domain::Error::Internal(_))) => domain_error(ctx.tr, &e),
        Err(e) => calendar_page(&s, &ctx, year, Some((f.lines, super::kit::page_message(ctx.tr, &e)))).await,
    }
}
