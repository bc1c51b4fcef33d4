//! 报告: the weekly progress report (本周进展通报) and the campaign summary (总结报告) for a campaign
//! and a period, as a printable page whose figures link to their records, and as an editable
//! .docx. The command line writes the same page and document ([`file_html`], [`docx`]).

use super::charts;
use super::fields::{choice, date, number};
use super::i18n::Tr;
use super::kit::{Layout, PageCtx, attachment, domain_error, render};
use super::list::{Opt, opts};
use crate::AppState;
use app::reports::document::{Cell, Chart, Document, Wording};
use app::reports::{Report, ReportQuery};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use domain::report::ReportKind;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/reports", get(page)).route("/reports/report.docx", get(download))
}

impl Wording for Tr {
    fn english(&self) -> bool {
        self.lang == "en"
    }

    fn label(&self, kind: &str, value: &str) -> String {
        Tr::label(self, kind, value)
    }
}

/// `?kind=weekly&campaign_id=2&from=…&to=…`, as the form sends it.
#[derive(serde::Deserialize, Default)]
struct Params {
    kind: Option<String>,
    campaign_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl Params {
    /// The report asked for; the weekly report of `campaign` when the form has not said.
    fn to_query(&self, campaign: Option<domain::CampaignId>) -> Result<Option<ReportQuery>, domain::Error> {
        let campaign_id = match number(&self.campaign_id, "campaign_id")?.map(domain::CampaignId::new).or(campaign) {
            Some(c) => c,
            None => return Ok(None),
        };
        Ok(Some(ReportQuery {
            kind: choice::<ReportKind>(&self.kind, "kind")?.unwrap_or(ReportKind::Weekly),
            campaign_id,
            from: date(&self.from, "from")?,
            to: date(&self.to, "to")?,
        }))
    }
}

/// A cell as the page shows it.
pub(super) struct ShownCell {
    pub(super) text: String,
    pub(super) href: Option<String>,
    pub(super) numeric: bool,
}

pub(super) struct ShownTable {
    pub(super) head: Vec<(String, bool)>,
    pub(super) rows: Vec<Vec<ShownCell>>,
}

pub(super) struct ShownSection {
    pub(super) heading: String,
    pub(super) paragraphs: Vec<String>,
    pub(super) chart: Option<String>,
    pub(super) table: Option<ShownTable>,
}

/// The report's body, shared by the page and the file.
pub(super) struct Body {
    pub(super) title: String,
    pub(super) subtitle: String,
    pub(super) sections: Vec<ShownSection>,
}

fn chart_svg(c: &Chart) -> String {
    match c {
        Chart::Scores { title, bars } => charts::ranked(title, bars),
        Chart::Weeks { title, received, closed, weeks } => charts::trend(title, weeks, received, closed),
    }
}

/// The document as the page shows it; `links` keeps the addresses of the records (a file read
/// away from the server has nowhere to point them).
pub(super) fn body(d: &Document, links: bool) -> Body {
    let shown =
        |c: &Cell, numeric: bool| ShownCell { text: c.text.clone(), href: c.href.clone().filter(|_| links), numeric };
    Body {
        title: d.title.clone(),
        subtitle: d.subtitle.clone(),
        sections: d
            .sections
            .iter()
            .map(|s| ShownSection {
                heading: s.heading.clone(),
                paragraphs: s.paragraphs.clone(),
                chart: s.chart.as_ref().map(chart_svg),
                table: s.table.as_ref().map(|t| ShownTable {
                    head: t.head.iter().cloned().zip(t.numeric.iter().copied()).collect(),
                    rows: t
                        .rows
                        .iter()
                        .map(|r| r.iter().zip(&t.numeric).map(|(c, n)| shown(c, *n)).collect())
                        .collect(),
                }),
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    body: Option<Body>,
    kinds: Vec<Opt>,
    campaigns: Vec<Opt>,
    from: String,
    to: String,
    query: String,
    /// 本周 and 上周 for the weekly report, one click each.
    weeks: Vec<(String, String)>,
}

/// The report as a file of its own: the page's body and style, without the site around it.
#[derive(Template)]
#[template(path = "report_file.html")]
struct ReportFile {
    lang: &'static str,
    css: &'static str,
    body: Body,
}

const CSS: &str = include_str!("../../static/app.css");

/// The report as a standalone HTML file in `lang` (`zh` or `en`), for the command line.
pub fn file_html(report: &Report, lang: &'static str) -> domain::Result<String> {
    let tr = Tr::new(lang);
    let file = ReportFile {
        lang: if tr.lang == "en" { "en" } else { "zh-CN" },
        css: CSS,
        body: body(&report.document(&tr), false),
    };
    file.render().map_err(|e| domain::Error::internal_from("rendering the report", e))
}

/// The report as .docx in `lang`.
pub fn docx(report: &Report, lang: &'static str) -> domain::Result<Vec<u8>> {
    app::reports::docx::write_docx(&report.document(&Tr::new(lang)))
}

fn query_string(q: &ReportQuery) -> String {
    let mut s = format!("kind={}&campaign_id={}", q.kind, q.campaign_id);
    if let Some(d) = q.from {
        s.push_str(&format!("&from={d}"));
    }
    if let Some(d) = q.to {
        s.push_str(&format!("&to={d}"));
    }
    s
}

/// This week's and last week's weekly report of the campaign chosen: the office writes the
/// 通报 on Friday for this week, or on Monday for the week before.
fn quick_weeks(tr: Tr, q: &ReportQuery, today: chrono::NaiveDate) -> Vec<(String, String)> {
    if q.kind != ReportKind::Weekly {
        return Vec::new();
    }
    let (this_week, _) = domain::rates::Period::Week.around(today);
    [("reports-this-week", this_week), ("reports-last-week", this_week - chrono::Duration::weeks(1))]
        .into_iter()
        .map(|(label, from)| (tr.t(label), format!("/reports?kind=weekly&campaign_id={}&from={from}", q.campaign_id)))
        .collect()
}

async fn page(State(s): State<AppState>, ctx: PageCtx, Query(params): Query<Params>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let (actor, path, lang, csrf) = (ctx.actor.clone(), ctx.path_and_query.clone(), ctx.tr.lang, ctx.csrf.clone());
    crate::cached::html(&s, &actor, &path, lang, &csrf, async || {
        let tr = ctx.tr;
        let fail = |e: domain::Error| domain_error(tr, &e);
        let campaigns = s.app.list_campaigns(&ctx.actor).await.map_err(fail)?;
        let query = params.to_query(campaigns.first().map(|c| c.id)).map_err(fail)?;
        let report = match &query {
            Some(q) => Some(s.app.report(&ctx.actor, q).await.map_err(fail)?),
            None => None,
        };
        let document = report.as_ref().map(|r| r.document(&tr));
        let page = ReportPage {
            layout: ctx.layout(document.as_ref().map_or_else(|| tr.t("reports-title"), |d| d.title.clone()), "reports"),
            body: document.as_ref().map(|d| body(d, true)),
            kinds: opts(
                Some(query.as_ref().map_or("weekly", |q| q.kind.as_str())),
                ReportKind::ALL.iter().map(|k| (k.as_str().to_string(), tr.label("report-kind", k.as_str()))),
            ),
            campaigns: opts(
                query.as_ref().map(|q| q.campaign_id.to_string()).as_deref(),
                campaigns.iter().map(|c| (c.id.to_string(), c.name.clone())),
            ),
            from: report.as_ref().map(|r| r.from.to_string()).unwrap_or_default(),
            to: report.as_ref().map(|r| r.to.to_string()).unwrap_or_default(),
            query: query.as_ref().map(query_string).unwrap_or_default(),
            weeks: query.as_ref().map(|q| quick_weeks(tr, q, s.app.clock.today())).unwrap_or_default(),
        };
        Ok(render(&page))
    })
    .await
}

async fn download(State(s): State<AppState>, ctx: PageCtx, Query(params): Query<Params>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let written = async {
        let query = params
            .to_query(None)?
            .ok_or_else(|| domain::Error::invalid("campaign_id", "请选择专项", "choose a campaign"))?;
        let document = s.app.report(&ctx.actor, &query).await?.document(&tr);
        let name = format!("{}.docx", document.title);
        Ok::<_, domain::Error>((name, app::reports::docx::write_docx(&document)?))
    };
    match written.await {
        Ok((name, bytes)) => attachment(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "report.docx",
            &name,
            bytes,
        ),
        Err(e) => domain_error(tr, &e),
    }
}
