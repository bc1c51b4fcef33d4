//! 三率排名: the units ranked for a period with the three rates, the on-time rate and the counts
//! behind them, a chart of the scores, and the table as .xlsx or CSV. Every count links to the
//! problem list of exactly the records it counts.

use super::charts;
use super::fields::{date, number};
use super::kit::{Layout, PageCtx, attachment, domain_error, render, urlencode};
use super::list::{Opt, opts};
use crate::AppState;
use app::rates::{Period, Ranking, RankingQuery, UnitRanking};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use domain::rates::Tally;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/ranking", get(page))
        .route("/ranking.xlsx", get(|s, ctx, q| download(s, ctx, q, true)))
        .route("/ranking.csv", get(|s, ctx, q| download(s, ctx, q, false)))
}

/// `?campaign_id=2&period=month&from=…&to=…&level=2`, as the form sends it.
#[derive(serde::Deserialize, Default)]
struct Params {
    campaign_id: Option<String>,
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
    level: Option<String>,
}

impl Params {
    fn to_query(&self) -> Result<RankingQuery, domain::Error> {
        Ok(RankingQuery {
            campaign_id: number(&self.campaign_id, "campaign_id")?.map(domain::CampaignId::new),
            period: super::fields::choice::<Period>(&self.period, "period")?,
            on: None,
            from: date(&self.from, "from")?,
            to: date(&self.to, "to")?,
            level: number(&self.level, "level")?.and_then(|l| usize::try_from(l).ok()),
        })
    }

    fn query_string(&self) -> String {
        [
            ("campaign_id", &self.campaign_id),
            ("period", &self.period),
            ("from", &self.from),
            ("to", &self.to),
            ("level", &self.level),
        ]
        .iter()
        .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| format!("{k}={}", urlencode(v))))
        .collect::<Vec<_>>()
        .join("&")
    }
}

/// A count and the list of its records.
struct Link {
    count: i64,
    href: String,
}

/// A rate with the two counts it is made of.
struct RateCell {
    value: String,
    part: Link,
    whole: Link,
}

struct Line {
    rank: String,
    unit: String,
    score: String,
    rates: Vec<RateCell>,
    counts: Vec<Link>,
}

#[derive(Template)]
#[template(path = "ranking.html")]
struct RankingPage {
    layout: Layout,
    lines: Vec<Line>,
    total: Line,
    chart: String,
    rate_heads: Vec<String>,
    count_heads: Vec<String>,
    weights: String,
    window: String,
    campaigns: Vec<Opt>,
    periods: Vec<Opt>,
    levels: Vec<Opt>,
    from: String,
    to: String,
    query: String,
}

/// The rates shown, each as (part, whole).
const RATES: [(&str, Tally, Tally); 4] = [
    ("rate-response", Tally::Responded, Tally::Scored),
    ("rate-resolution", Tally::Solved, Tally::RatedSolved),
    ("rate-satisfaction", Tally::Satisfied, Tally::Rated),
    ("rate-on-time", Tally::OnTime, Tally::Due),
];

/// The counts shown on their own.
const COUNTS: [Tally; 5] = [Tally::Overdue, Tally::SentBack, Tally::Extended, Tally::Reopened, Tally::Excluded];

fn percent(v: Option<f64>) -> String {
    v.map(|x| format!("{:.1}%", x * 100.0)).unwrap_or_else(|| "—".into())
}

fn line(u: &UnitRanking, unit: String) -> Line {
    let link = |t: Tally| {
        let sep = if u.filter.is_empty() { "" } else { "&" };
        Link { count: u.count(t), href: format!("/problems?{}{sep}counted={}", u.filter, t.as_str()) }
    };
    let value = |label: &str| match label {
        "rate-response" => u.response_rate,
        "rate-resolution" => u.resolution_rate,
        "rate-satisfaction" => u.satisfaction_rate,
        _ => u.on_time_rate,
    };
    Line {
        rank: u.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into()),
        unit,
        score: u.score.map(|s| format!("{s:.1}")).unwrap_or_else(|| "—".into()),
        rates: RATES
            .iter()
            .map(|(label, part, whole)| RateCell {
                value: percent(value(label)),
                part: link(*part),
                whole: link(*whole),
            })
            .collect(),
        counts: COUNTS.iter().map(|t| link(*t)).collect(),
    }
}

async fn page(State(s): State<AppState>, ctx: PageCtx, Query(params): Query<Params>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let (actor, path, lang, csrf) = (ctx.actor.clone(), ctx.path_and_query.clone(), ctx.tr.lang, ctx.csrf.clone());
    crate::cached::html(&s, &actor, &path, lang, &csrf, async || {
        let tr = ctx.tr;
        let fail = |e: domain::Error| domain_error(tr, &e);
        let query = params.to_query().map_err(fail)?;
        let r = s.app.ranking(&ctx.actor, &query).await.map_err(fail)?;
        let campaigns = s.app.list_campaigns(&ctx.actor).await.map_err(fail)?;
        let scores: Vec<(String, f64)> = r.units.iter().filter_map(|u| u.score.map(|s| (u.unit.clone(), s))).collect();
        let w = r.weights;
        let page = RankingPage {
            layout: ctx.layout(tr.t("ranking-title"), "ranking"),
            lines: r.units.iter().map(|u| line(u, u.unit.clone())).collect(),
            total: line(&r.total, tr.t("ranking-total")),
            chart: charts::ranked(&tr.t("ranking-chart"), &scores),
            rate_heads: RATES.iter().map(|(l, _, _)| tr.t(l)).collect(),
            count_heads: COUNTS.iter().map(|t| tr.label("counted", t.as_str())).collect(),
            weights: tr
                .t("ranking-weights")
                .replace("{response}", &w.response.to_string())
                .replace("{resolution}", &w.resolution.to_string())
                .replace("{satisfaction}", &w.satisfaction.to_string()),
            window: window(&tr, &r),
            campaigns: opts(
                params.campaign_id.as_deref().filter(|c| !c.is_empty()),
                campaigns.iter().map(|c| (c.id.to_string(), c.name.clone())),
            ),
            periods: opts(
                params.period.as_deref().filter(|p| !p.is_empty()),
                [("week", "period-week"), ("month", "period-month")].iter().map(|(v, k)| (v.to_string(), tr.t(k))),
            ),
            levels: opts(
                Some(&r.level.to_string()),
                [("1", "level-1"), ("2", "level-2"), ("3", "level-3")].iter().map(|(v, k)| (v.to_string(), tr.t(k))),
            ),
            from: params.from.clone().unwrap_or_default(),
            to: params.to.clone().unwrap_or_default(),
            query: params.query_string(),
        };
        Ok(render(&page))
    })
    .await
}

/// “受理日期 2026-11-30 至 2026-12-06”, or that every date is counted.
fn window(tr: &super::i18n::Tr, r: &Ranking) -> String {
    match (r.from, r.to) {
        (None, None) => tr.t("ranking-all-dates"),
        (from, to) => tr
            .t("problems-received-window")
            .replace("{from}", &from.map(|d| d.to_string()).unwrap_or_default())
            .replace("{to}", &to.map(|d| d.to_string()).unwrap_or_default()),
    }
}

async fn download(State(s): State<AppState>, ctx: PageCtx, Query(params): Query<Params>, xlsx: bool) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let ranking = match params.to_query() {
        Ok(q) => s.app.ranking(&ctx.actor, &q).await,
        Err(e) => Err(e),
    };
    let written =
        ranking.and_then(|r| if xlsx { app::rates_export::write_xlsx(&r) } else { app::rates_export::write_csv(&r) });
    match written {
        Ok(bytes) => {
            let (ext, kind) = if xlsx { ("xlsx", super::kit::XLSX) } else { ("csv", "text/csv; charset=utf-8") };
            attachment(kind, &format!("ranking.{ext}"), &format!("三率排名.{ext}"), bytes)
        }
        Err(e) => domain_error(ctx.tr, &e),
    }
}
