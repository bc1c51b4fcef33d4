//! 专项工作: one page per campaign showing the whole loop at a glance — goals and their progress,
//! research and its conversion, study by unit, problems by state with the rates and who holds what is overdue,
//! mechanisms issued and what came back after them — each section linking to its own page.

use super::fields::number;
use super::goals::{GoalLine, line, percent};
use super::kit::{Layout, PageCtx, domain_error, render};
use super::list::{Opt, opts};
use crate::AppState;
use app::campaign_overview::CampaignOverview;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use domain::CampaignId;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/campaign", get(page))
}

#[derive(serde::Deserialize, Default)]
struct Params {
    campaign_id: Option<String>,
}

#[derive(Template)]
#[template(path = "campaign.html")]
struct CampaignPage {
    layout: Layout,
    campaigns: Vec<Opt>,
    o: CampaignOverview,
    goals: Vec<GoalLine>,
    conversion: String,
    /// (state label, count, list address)
    states: Vec<(String, i64, String)>,
    /// (rate label, value)
    rates: Vec<(String, String)>,
    /// (unit, overdue, address of its overdue problems)
    overdue: Vec<(String, i64, String)>,
}

/// The units holding overdue problems, the most first.
fn overdue_held(o: &CampaignOverview, campaign: i64) -> Vec<(String, i64, String)> {
    let mut held: Vec<_> = o
        .problems
        .units
        .iter()
        .filter(|u| u.overdue > 0)
        .map(|u| {
            (u.unit.clone(), u.overdue, format!("/problems?campaign_id={campaign}&unit_id={}&overdue=true", u.unit_id))
        })
        .collect();
    held.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    held
}

fn rate(r: Option<f64>) -> String {
    r.map(percent).unwrap_or_else(|| "—".into())
}

async fn page(State(s): State<AppState>, ctx: PageCtx, Query(q): Query<Params>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let built = async {
        let campaigns = s.app.list_campaigns(&ctx.actor).await?;
        let chosen = match number(&q.campaign_id, "campaign_id")? {
            Some(id) => CampaignId::new(id),
            None => campaigns.first().map(|c| c.id).ok_or_else(|| domain::Error::not_found("campaign"))?,
        };
        let o = s.app.campaign_overview(&ctx.actor, chosen).await?;
        let id = chosen.get();
        let d = &o.problems;
        Ok::<_, domain::Error>(CampaignPage {
            layout: ctx.layout(o.campaign.name.clone(), "campaign"),
            campaigns: opts(Some(&id.to_string()), campaigns.iter().map(|c| (c.id.to_string(), c.name.clone()))),
            goals: o.goals.iter().map(|g| line(&tr, g)).collect(),
            conversion: rate(o.research.conversion_rate),
            states: d
                .by_status
                .iter()
                .map(|(st, n)| (tr.label("status", st), *n, format!("/problems?campaign_id={id}&status={st}")))
                .collect(),
            rates: vec![
                (tr.t("rate-response"), rate(d.response_rate)),
                (tr.t("rate-resolution"), rate(d.resolution_rate)),
                (tr.t("rate-satisfaction"), rate(d.satisfaction_rate)),
                (tr.t("rate-on-time"), rate(d.on_time_rate)),
            ],
            overdue: overdue_held(&o, id),
            o,
        })
    }
    .await;
    match built {
        Ok(page) => render(&page),
        Err(e) => domain_error(tr, &e),
    }
}
