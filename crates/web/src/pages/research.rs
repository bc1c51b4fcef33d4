//! 调查研究 pages: a campaign's research topics with their conversion (成果转化率), and a topic's
//! page with its visits and findings, where its unit records a visit and what it found and a
//! finding is turned into a feedback item or a problem in one step; and its 调研报告 as a page
//! and as .docx.

use super::fields::{date, number, text};
use super::goals::Kept;
use super::kit::{CsrfForm, Layout, PageCtx, domain_error, done_message, page_message, render, see_other};
use super::list::{LeaderOpt, Opt, leader_opts, opts, unit_tree_opts};
use crate::AppState;
use app::research::{ConvertInput, ConvertTo, TopicInput, TopicView, VisitInput};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::{CampaignId, FindingId, ResearchTopicId};
use std::collections::HashMap;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/research", get(list_page).post(create))
        .route("/research.xlsx", get(download))
        .route("/research/{id}", get(topic_page))
        .route("/research/{id}/report", get(report))
        .route("/research/{id}/report.docx", get(report_docx))
        .route("/research/{id}/visits", post(add_visit))
        .route("/research/findings/{id}/convert", post(convert))
}

fn rate(r: Option<f64>) -> String {
    r.map(|x| format!("{:.0}%", x * 100.0)).unwrap_or_else(|| "—".into())
}

#[derive(serde::Deserialize, Default)]
struct Params {
    campaign_id: Option<String>,
    done: Option<String>,
}

#[derive(Template)]
#[template(path = "research.html")]
struct ListPage {
    layout: Layout,
    campaigns: Vec<Opt>,
    campaign_id: String,
    topics: Vec<TopicView>,
    may_plan: bool,
    units: Vec<Opt>,
    leaders: Vec<LeaderOpt>,
    kept: Kept,
    refusal: String,
}

impl ListPage {
    fn rate(&self, r: &Option<f64>) -> String {
        rate(*r)
    }
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
        let chosen = match number(&q.campaign_id, "campaign_id")? {
            Some(id) => Some(CampaignId::new(id)),
            None => campaigns.first().map(|c| c.id),
        };
        let topics = s.app.list_topics(&ctx.actor, chosen).await?;
        let may_plan = match chosen {
            Some(id) => s.app.may_plan_goals(&ctx.actor, id).await?,
            None => false,
        };
        let units = s.app.list_units(&ctx.actor).await?;
        let users = s.app.list_users(&ctx.actor).await.unwrap_or_default();
        let chosen = chosen.map(|c| c.to_string()).unwrap_or_default();
        Ok::<_, domain::Error>(ListPage {
            layout: ctx.layout(tr.t("research-title"), "campaign"),
            campaigns: opts(Some(&chosen), campaigns.iter().map(|c| (c.id.to_string(), c.name.clone()))),
            campaign_id: chosen,
            topics,
            may_plan,
            units: unit_tree_opts(&units, Some(&kept.v("unit_id"))),
            leaders: leader_opts(&users, &units),
            kept,
            refusal: refusal.map(|e| page_message(tr, e)).unwrap_or_default(),
        })
    }
    .await;
    match built {
        Ok(page) => render(&page),
        Err(e) => domain_error(tr, &e),
    }
}

#[derive(serde::Deserialize)]
struct TopicFields {
    campaign_id: Option<String>,
    unit_id: Option<String>,
    title: Option<String>,
    description: Option<String>,
    lead_leader_id: Option<String>,
    members: Option<String>,
    starts_on: Option<String>,
    ends_on: Option<String>,
}

async fn create(State(s): State<AppState>, ctx: PageCtx, CsrfForm(f): CsrfForm<TopicFields>) -> Response {
    let input = async {
        let required = |v: &Option<String>, field: &str| {
            number(v, field)?
                .ok_or_else(|| domain::Error::invalid_with_code(domain::Code::Required, field, "请选择", "choose one"))
        };
        Ok::<_, domain::Error>(TopicInput {
            campaign_id: CampaignId::new(required(&f.campaign_id, "campaign_id")?),
            unit_id: domain::UnitId::new(required(&f.unit_id, "unit_id")?),
            title: f.title.clone().unwrap_or_default(),
            description: text(&f.description),
            lead_leader_id: number(&f.lead_leader_id, "lead_leader_id")?.map(domain::UserId::new),
            members: text(&f.members),
            starts_on: date(&f.starts_on, "starts_on")?,
            ends_on: date(&f.ends_on, "ends_on")?,
            version: None,
        })
    }
    .await;
    let made = match input {
        Ok(input) => s.app.create_topic(&ctx.actor, &input).await,
        Err(e) => Err(e),
    };
    match made {
        Ok(t) => see_other(&format!("/research/{}?done=create", t.id)),
        Err(e) => {
            let v = |x: &Option<String>| x.clone().unwrap_or_default();
            let kept = Kept(HashMap::from([
                ("unit_id".to_string(), v(&f.unit_id)),
                ("title".to_string(), v(&f.title)),
                ("description".to_string(), v(&f.description)),
                ("members".to_string(), v(&f.members)),
                ("starts_on".to_string(), v(&f.starts_on)),
                ("ends_on".to_string(), v(&f.ends_on)),
            ]));
            let q = Params { campaign_id: f.campaign_id.clone(), done: None };
            list_with(&s, &ctx, &q, Some(&e), kept).await
        }
    }
}

#[derive(Template)]
#[template(path = "research_topic.html")]
struct TopicPage {
    layout: Layout,
    t: TopicView,
    conversion: String,
    closed_rate: String,
    done: String,
    refusal: String,
    /// The form refused (`visit` or `convert`).
    refused: String,
    kept: Kept,
    today: String,
}

async fn topic_page(State(s): State<AppState>, ctx: PageCtx, Path(id): Path<i64>, Query(q): Query<Params>) -> Response {
    topic_with(&s, &ctx, ResearchTopicId::new(id), q.done.as_deref(), None).await
}

async fn topic_with(
    s: &AppState,
    ctx: &PageCtx,
    id: ResearchTopicId,
    done: Option<&str>,
    refused: Option<(&str, &domain::Error, Kept)>,
) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    match s.app.get_topic(&ctx.actor, id).await {
        Ok(t) => {
            let (form, refusal, kept) = match refused {
                Some((form, e, kept)) => (form.to_string(), page_message(tr, e), kept),
                None => (String::new(), String::new(), Kept::default()),
            };
            render(&TopicPage {
                layout: ctx.layout(t.title.clone(), "campaign"),
                conversion: rate(t.conversion_rate),
                closed_rate: rate(t.closed_rate),
                t,
                done: done_message(tr, "research", done),
                refusal,
                refused: form,
                kept,
                today: s.app.clock.today().to_string(),
            })
        }
        Err(e) => domain_error(tr, &e),
    }
}

#[derive(serde::Deserialize)]
struct VisitFields {
    visited_on: Option<String>,
    place: Option<String>,
    met: Option<String>,
    summary: Option<String>,
    /// One finding per line.
    findings: Option<String>,
}

async fn add_visit(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<VisitFields>,
) -> Response {
    let id = ResearchTopicId::new(id);
    let result = async {
        let input = VisitInput {
            visited_on: date(&f.visited_on, "visited_on")?.ok_or_else(|| {
                domain::Error::invalid_with_code(
                    domain::Code::Required,
                    "visited_on",
                    "请填写走访日期",
                    "give the date of the visit",
                )
            })?,
            place: f.place.clone().unwrap_or_default(),
            met: text(&f.met),
            summary: text(&f.summary),
            findings: f.findings.clone().unwrap_or_default().lines().map(str::to_string).collect(),
        };
        s.app.add_visit(&ctx.actor, id, &input).await
    }
    .await;
    match result {
        Ok(_) => see_other(&format!("/research/{id}?done=visit")),
        Err(e) => {
            let v = |x: &Option<String>| x.clone().unwrap_or_default();
            let kept = Kept(HashMap::from([
                ("visited_on".to_string(), v(&f.visited_on)),
                ("place".to_string(), v(&f.place)),
                ("met".to_string(), v(&f.met)),
                ("summary".to_string(), v(&f.summary)),
                ("findings".to_string(), v(&f.findings)),
            ]));
            topic_with(&s, &ctx, id, None, Some(("visit", &e, kept))).await
        }
    }
}

#[derive(serde::Deserialize)]
struct ConvertFields {
    topic_id: i64,
    to: ConvertTo,
}

async fn convert(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ConvertFields>,
) -> Response {
    let topic = ResearchTopicId::new(f.topic_id);
    let done = match f.to {
        ConvertTo::Problem => "problem",
        ConvertTo::Feedback => "feedback",
    };
    match s.app.convert_finding(&ctx.actor, FindingId::new(id), &ConvertInput { to: f.to, title: None }).await {
        Ok(_) => see_other(&format!("/research/{topic}?done={done}")),
        Err(e) => topic_with(&s, &ctx, topic, None, Some(("convert", &e, Kept::default()))).await,
    }
}

#[derive(Template)]
#[template(path = "research_report.html")]
struct ReportPage {
    layout: Layout,
    topic: ResearchTopicId,
    b: super::reports::Body,
}

/// 调研报告: the topic written up as a report, on the page and as .docx.
async fn report(State(s): State<AppState>, ctx: PageCtx, Path(id): Path<i64>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let id = ResearchTopicId::new(id);
    match s.app.get_topic(&ctx.actor, id).await {
        Ok(t) => {
            let d = app::reports::research::research_document(&t, &ctx.tr, s.app.clock.today());
            render(&ReportPage {
                layout: ctx.layout(d.title.clone(), "campaign"),
                topic: id,
                b: super::reports::body(&d, true),
            })
        }
        Err(e) => domain_error(ctx.tr, &e),
    }
}

async fn report_docx(State(s): State<AppState>, ctx: PageCtx, Path(id): Path<i64>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let written = async {
        let t = s.app.get_topic(&ctx.actor, ResearchTopicId::new(id)).await?;
        let d = app::reports::research::research_document(&t, &ctx.tr, s.app.clock.today());
        Ok::<_, domain::Error>((app::reports::docx::write_docx(&d)?, t.title))
    }
    .await;
    match written {
        Ok((bytes, title)) => super::kit::attachment(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "research-report.docx",
            &format!("调研报告-{title}.docx"),
            bytes,
        ),
        Err(e) => domain_error(ctx.tr, &e),
    }
}

/// A campaign's topics and every finding, as a spreadsheet.
async fn download(State(s): State<AppState>, ctx: PageCtx, Query(q): Query<Params>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let written = async {
        let campaign = number(&q.campaign_id, "campaign_id")?.map(CampaignId::new);
        app::research::export::write_xlsx(&s.app.list_topics(&ctx.actor, campaign).await?)
    }
    .await;
    super::kit::xlsx_or_error(ctx.tr, written, "research.xlsx", "调查研究.xlsx")
}
