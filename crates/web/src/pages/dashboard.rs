//! 工作台: counts by state, overdue and colour, the rates, the weekly trend and the units ranked,
//! with charts drawn on the server. Each figure links to the list that shows its records.

use super::charts;
use super::kit::{Layout, PageCtx, domain_error, render};
use crate::AppState;
use app::dashboard::UnitRank;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/dashboard", get(dashboard))
}

struct Stat {
    label: String,
    value: String,
    href: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    stats: Vec<Stat>,
    rates: Vec<Stat>,
    status_chart: String,
    trend_chart: String,
    units: Vec<UnitRank>,
    /// How each rate is counted, with the figures it is counted from.
    definitions: Vec<String>,
    /// The campaign filter.
    campaigns: Vec<super::list::Opt>,
    /// The ranking's unit level and received-date window.
    levels: Vec<super::list::Opt>,
    from: String,
    to: String,
}

/// `?campaign_id=2&level=2&from=2026-10-01&to=2026-12-31`: the figures of one campaign, the
/// units ranked at one level of the tree over the problems received in the window.
#[derive(serde::Deserialize, Default)]
struct DashboardQuery {
    campaign_id: Option<String>,
    level: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn percent(v: Option<f64>) -> String {
    v.map(|x| format!("{:.1}%", x * 100.0)).unwrap_or_else(|| "—".into())
}

async fn dashboard(State(s): State<AppState>, ctx: PageCtx, Query(q): Query<DashboardQuery>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let (actor, path, lang, csrf) = (ctx.actor.clone(), ctx.path_and_query.clone(), ctx.tr.lang, ctx.csrf.clone());
    crate::cached::html(&s, &actor, &path, lang, &csrf, async || {
        let tr = ctx.tr;
        let campaign = super::fields::number(&q.campaign_id, "campaign_id").map_err(|e| domain_error(tr, &e))?;
        let ranking = (|| {
            Ok::<_, domain::Error>(app::dashboard::Ranking {
                depth: super::fields::number(&q.level, "level")?.and_then(|d| usize::try_from(d).ok()),
                received_from: super::fields::date(&q.from, "from")?,
                received_to: super::fields::date(&q.to, "to")?,
            })
        })()
        .map_err(|e| domain_error(tr, &e))?;
        let d = s.app.dashboard_ranked(&ctx.actor, campaign, ranking).await.map_err(|e| domain_error(tr, &e))?;
        let levels = super::list::opts(
            q.level.as_deref().filter(|l| !l.is_empty()),
            [("1", "level-1"), ("2", "level-2"), ("3", "level-3")].iter().map(|(v, k)| (v.to_string(), tr.t(k))),
        );
        let campaigns = s.app.list_campaigns(&ctx.actor).await.map_err(|e| domain_error(tr, &e))?;
        let chosen = campaign.map(|c| c.to_string());
        let campaigns =
            super::list::opts(chosen.as_deref(), campaigns.iter().map(|c| (c.id.to_string(), c.name.clone())));
        let closed = d.by_status.iter().find(|(s, _)| s == "closed").map_or(0, |(_, n)| *n);
        let definitions = vec![
            tr.t("rate-on-time-means")
                .replace("{overdue}", &d.overdue.to_string())
                .replace("{late}", &d.late_closed.to_string())
                .replace("{closed}", &closed.to_string())
                .replace("{open}", &d.open.to_string()),
            tr.t("rate-response-means"),
            tr.t("rate-resolution-means"),
            tr.t("rate-satisfaction-means"),
        ];
        let stat = |label: &str, value: i64, href: &str| Stat {
            label: tr.t(label),
            value: value.to_string(),
            href: href.into(),
        };
        let stats = vec![
            stat("count-total", d.total, "/problems"),
            stat("count-open", d.open, "/problems?status=new%2Cassigned%2Csubmitted"),
            stat("count-overdue", d.overdue, "/problems?overdue=true"),
            stat("count-late-closed", d.late_closed, "/problems?status=closed"),
            stat("count-red", d.red, "/problems?colour=red"),
            stat("count-yellow", d.yellow, "/problems?colour=yellow"),
            stat("count-blue", d.blue, "/problems?colour=blue"),
        ];
        let rate =
            |label: &str, v: Option<f64>, href: &str| Stat { label: tr.t(label), value: percent(v), href: href.into() };
        let rates = vec![
            rate("rate-on-time", d.on_time_rate, "/problems?status=closed"),
            rate("rate-response", d.response_rate, "/problems?status=assigned"),
            rate("rate-resolution", d.resolution_rate, "/problems?status=closed"),
            rate("rate-satisfaction", d.satisfaction_rate, "/problems?status=closed"),
        ];
        let by_status: Vec<(String, i64)> = d.by_status.iter().map(|(s, n)| (tr.label("status", s), *n)).collect();
        let weeks: Vec<(String, i64, i64)> =
            d.weeks.iter().map(|w| (w.starts.format("%m-%d").to_string(), w.new, w.closed)).collect();
        let page = DashboardPage {
            layout: ctx.layout(tr.t("dashboard-title"), "dashboard"),
            stats,
            rates,
            status_chart: charts::bars(&tr.t("dashboard-by-status"), &by_status),
            trend_chart: charts::trend(
                &tr.t("dashboard-trend"),
                &weeks,
                &tr.t("dashboard-new"),
                &tr.t("dashboard-closed"),
            ),
            units: d.units.into_iter().take(20).collect(),
            definitions,
            campaigns,
            levels,
            from: q.from.clone().unwrap_or_default(),
            to: q.to.clone().unwrap_or_default(),
        };
        Ok(render(&page))
    })
    .await
}
