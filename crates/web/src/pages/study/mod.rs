//! 学习记录 pages: a campaign's study by unit and month, its sessions with a form to record one,
//! a session's page with its materials and the problems found in it, and the spreadsheet.

mod session;

use super::fields::{date, number, text};
use super::goals::{Kept, problem_ids};
use super::kit::{CsrfForm, Layout, PageCtx, domain_error, page_message, render, see_other};
use super::list::{Opt, opts, unit_tree_opts};
use crate::AppState;
use app::study::{SessionInput, SessionQuery, SessionView, StudyCounts};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::{CampaignId, StudyFormatId, UnitId};
use std::collections::HashMap;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/study", get(list_page).post(create))
        .route("/study.xlsx", get(download))
        .route("/study/{id}", get(session::page).post(session::edit))
        .route("/study/{id}/materials", post(session::upload))
}

#[derive(serde::Deserialize, Default)]
struct Params {
    campaign_id: Option<String>,
    unit_id: Option<String>,
    month: Option<String>,
}

impl Params {
    /// The campaign asked for, or the reader's first.
    async fn campaign(&self, s: &AppState, ctx: &PageCtx) -> Result<CampaignId, domain::Error> {
        match number(&self.campaign_id, "campaign_id")? {
            Some(id) => Ok(CampaignId::new(id)),
            None => (s.app.list_campaigns(&ctx.actor).await?.first().map(|c| c.id))
                .ok_or_else(|| domain::Error::not_found("campaign")),
        }
    }

    fn query(&self, campaign: CampaignId) -> Result<SessionQuery, domain::Error> {
        Ok(SessionQuery {
            campaign_id: Some(campaign),
            unit_id: number(&self.unit_id, "unit_id")?.map(UnitId::new),
            month: text(&self.month),
        })
    }
}

#[derive(Template)]
#[template(path = "study.html")]
struct ListPage {
    layout: Layout,
    campaigns: Vec<Opt>,
    campaign_id: String,
    /// The filter's units (every unit) and the form's (those the reader records for).
    filter_units: Vec<Opt>,
    record_units: Vec<Opt>,
    formats: Vec<Opt>,
    month: String,
    counts: StudyCounts,
    sessions: Vec<SessionView>,
    kept: Kept,
    refusal: String,
    today: String,
    /// The query string of the filters, for the spreadsheet link.
    filters: String,
}

async fn list_page(State(s): State<AppState>, ctx: PageCtx, Query(q): Query<Params>) -> Response {
    list_with(&s, &ctx, &q, None, Kept::default()).await
}

async fn list_with(s: &AppState, ctx: &PageCtx, q: &Params, refusal: Option<&domain::Error>, kept: Kept) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let built = async {
        let campaigns = s.app.list_campaigns(&ctx.actor).await?;
        let chosen = q.campaign(s, ctx).await?;
        let sessions = s.app.list_study_sessions(&ctx.actor, &q.query(chosen)?).await?;
        let counts = s.app.study_counts(&ctx.actor, chosen).await?;
        let units = s.app.list_units(&ctx.actor).await?;
        let record = s.app.study_units(&ctx.actor, chosen).await?;
        let formats = s.app.list_study_formats(&ctx.actor).await?;
        let id = chosen.to_string();
        let unit = q.unit_id.clone().unwrap_or_default();
        let month = q.month.clone().unwrap_or_default();
        Ok::<_, domain::Error>(ListPage {
            layout: ctx.layout(tr.t("study-title"), "campaign"),
            campaigns: opts(Some(&id), campaigns.iter().map(|c| (c.id.to_string(), c.name.clone()))),
            filters: format!(
                "campaign_id={id}&unit_id={}&month={}",
                super::kit::urlencode(&unit),
                super::kit::urlencode(&month)
            ),
            campaign_id: id,
            filter_units: unit_tree_opts(&units, Some(&unit)),
            record_units: unit_tree_opts(&record, Some(&kept.v("unit_id"))),
            formats: opts(
                Some(&kept.v("format_id")),
                formats.iter().filter(|f| f.active).map(|f| (f.id.to_string(), f.name.clone())),
            ),
            month,
            counts,
            sessions,
            kept,
            refusal: refusal.map(|e| page_message(tr, e)).unwrap_or_default(),
            today: s.app.clock.today().to_string(),
        })
    }
    .await;
    match built {
        Ok(page) => render(&page),
        Err(e) => domain_error(tr, &e),
    }
}

/// The session form's fields, as posted (kept as typed when refused).
#[derive(serde::Deserialize)]
struct SessionFields {
    campaign_id: Option<String>,
    unit_id: Option<String>,
    held_on: Option<String>,
    format_id: Option<String>,
    topic: Option<String>,
    present: Option<String>,
    summary: Option<String>,
    /// Problem numbers found in the session, separated by spaces, commas or lines.
    problems: Option<String>,
    version: Option<String>,
}

impl SessionFields {
    async fn input(&self, s: &AppState, ctx: &PageCtx) -> Result<SessionInput, domain::Error> {
        let required = |v: &Option<String>, field: &str| {
            number(v, field)?
                .ok_or_else(|| domain::Error::invalid_with_code(domain::Code::Required, field, "请填写", "required"))
        };
        let present = required(&self.present, "present")?;
        Ok(SessionInput {
            campaign_id: CampaignId::new(required(&self.campaign_id, "campaign_id")?),
            unit_id: UnitId::new(required(&self.unit_id, "unit_id")?),
            held_on: date(&self.held_on, "held_on")?.ok_or_else(|| {
                domain::Error::invalid_with_code(domain::Code::Required, "held_on", "请填写学习日期", "give the date")
            })?,
            format_id: StudyFormatId::new(required(&self.format_id, "format_id")?),
            topic: self.topic.clone().unwrap_or_default(),
            present: u32::try_from(present).map_err(|_| {
                domain::Error::invalid(
                    "present",
                    "参加人数应为正整数",
                    "the number present must be a positive whole number",
                )
            })?,
            summary: text(&self.summary),
            problem_ids: problem_ids(s, ctx, &self.problems).await?,
            version: number(&self.version, "version")?,
        })
    }

    fn kept(&self) -> Kept {
        let v = |x: &Option<String>| x.clone().unwrap_or_default();
        Kept(HashMap::from([
            ("unit_id".to_string(), v(&self.unit_id)),
            ("held_on".to_string(), v(&self.held_on)),
            ("format_id".to_string(), v(&self.format_id)),
            ("topic".to_string(), v(&self.topic)),
            ("present".to_string(), v(&self.present)),
            ("summary".to_string(), v(&self.summary)),
            ("problems".to_string(), v(&self.problems)),
        ]))
    }
}

async fn create(State(s): State<AppState>, ctx: PageCtx, CsrfForm(f): CsrfForm<SessionFields>) -> Response {
    let made = match f.input(&s, &ctx).await {
        Ok(input) => s.app.create_study_session(&ctx.actor, &input).await,
        Err(e) => Err(e),
    };
    match made {
        Ok(session) => see_other(&format!("/study/{}?done=create", session.id)),
        Err(e) => {
            let q = Params { campaign_id: f.campaign_id.clone(), ..Params::default() };
            list_with(&s, &ctx, &q, Some(&e), f.kept()).await
        }
    }
}

async fn download(State(s): State<AppState>, ctx: PageCtx, Query(q): Query<Params>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let written = async {
        let chosen = q.campaign(&s, &ctx).await?;
        let sessions = s.app.list_study_sessions(&ctx.actor, &q.query(chosen)?).await?;
        let counts = s.app.study_counts(&ctx.actor, chosen).await?;
        app::study::export::write_xlsx(&sessions, Some(&counts))
    }
    .await;
    super::kit::xlsx_or_error(ctx.tr, written, "study.xlsx", "学习记录.xlsx")
}
