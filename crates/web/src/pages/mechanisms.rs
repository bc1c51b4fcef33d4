//! 长效机制 pages: the mechanisms the reader may see, each with its document, the causes and
//! problems it answers and what came back after it was issued (反弹回潮); the problems that keep
//! coming back with no mechanism (治理盲区); and the form with which the office or a unit's
//! liaison drafts and issues one.

use super::fields::{date, number, text};
use super::goals::Kept;
use super::kit::{CsrfForm, Layout, PageCtx, domain_error, done_message, page_message, render, see_other};
use super::list::{Opt, opts, unit_tree_opts, vocab_opts};
use crate::AppState;
use app::mechanisms::MechanismInput;
use app::views::MechanismView;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use domain::problem::MechanismStatus;
use domain::{MechanismId, RootCauseId};
use std::collections::HashMap;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/mechanisms", get(list_page).post(create))
        .route("/mechanisms.xlsx", get(download))
        .route("/mechanisms/{id}", get(one_page).post(edit))
        .route("/mechanisms/{id}/documents", axum::routing::post(upload))
}

struct Line {
    id: i64,
    title: String,
    status: String,
    issued: bool,
    unit: String,
    issued_on: String,
    doc_number: String,
    problems: usize,
    returns: usize,
}

fn line(tr: &super::i18n::Tr, m: &MechanismView) -> Line {
    Line {
        id: m.id.get(),
        title: m.title.clone(),
        status: tr.label("mechanism", m.status.as_str()),
        issued: m.status == MechanismStatus::Issued,
        unit: m.unit.name.clone(),
        issued_on: m.issued_on.map(|d| d.to_string()).unwrap_or_default(),
        doc_number: m.doc_number.clone().unwrap_or_default(),
        problems: m.problems.len(),
        returns: m.recurrences_after.len(),
    }
}

/// The choices of the mechanism form.
struct Form {
    campaigns: Vec<Opt>,
    units: Vec<Opt>,
    statuses: Vec<Opt>,
    /// (id, name, ticked)
    causes: Vec<(String, String, bool)>,
}

async fn form(s: &AppState, ctx: &PageCtx, m: Option<&MechanismView>, kept: &Kept) -> Result<Form, domain::Error> {
    let units = s.app.mechanism_units(&ctx.actor).await?;
    let causes = s.app.list_root_causes(&ctx.actor).await?;
    let ticked = |id: RootCauseId| match m {
        _ if kept.any() => kept.v("root_cause_ids").split(' ').any(|x| x == id.to_string()),
        Some(m) => m.root_causes.iter().any(|c| c.id == id),
        None => false,
    };
    let unit = if kept.any() { Some(kept.v("unit_id")) } else { m.map(|m| m.unit.id.to_string()) };
    let campaigns = s.app.list_campaigns(&ctx.actor).await?;
    // A new mechanism belongs to the first campaign unless another is chosen.
    let campaign = match (kept.any(), m) {
        (true, _) => Some(kept.v("campaign_id")),
        (false, Some(m)) => Some(m.campaign_id.map(|c| c.to_string()).unwrap_or_default()),
        (false, None) => campaigns.first().map(|c| c.id.to_string()),
    };
    let status = if kept.any() { Some(kept.v("status")) } else { m.map(|m| m.status.as_str().to_string()) };
    Ok(Form {
        campaigns: opts(campaign.as_deref(), campaigns.iter().map(|c| (c.id.to_string(), c.name.clone()))),
        units: unit_tree_opts(&units, unit.as_deref()),
        statuses: vocab_opts(&ctx.tr, "mechanism", MechanismStatus::ALL.iter().map(|v| v.as_str()), status.as_deref()),
        causes: causes
            .into_iter()
            .filter(|c| c.active || ticked(c.id))
            .map(|c| (c.id.to_string(), c.name, ticked(c.id)))
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "mechanisms.html")]
struct ListPage {
    layout: Layout,
    lines: Vec<Line>,
    /// (problem id, number, title, returns, last)
    blind: Vec<(i64, String, String, usize, String)>,
    may_keep: bool,
    form: Form,
    kept: Kept,
    refusal: String,
    done: String,
}

#[derive(serde::Deserialize, Default)]
struct Params {
    done: Option<String>,
}

async fn list_page(State(s): State<AppState>, ctx: PageCtx, Query(q): Query<Params>) -> Response {
    list_with(&s, &ctx, q.done.as_deref(), None, Kept::default()).await
}

async fn list_with(
    s: &AppState,
    ctx: &PageCtx,
    done: Option<&str>,
    refusal: Option<&domain::Error>,
    kept: Kept,
) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let built = async {
        let list = s.app.list_mechanisms(&ctx.actor).await?;
        let blind = s.app.blind_spots(&ctx.actor, app::mechanisms::BLIND_SPOT_AT_LEAST).await?;
        let form = form(s, ctx, None, &kept).await?;
        Ok::<_, domain::Error>(ListPage {
            layout: ctx.layout(tr.t("mechanisms-title"), "campaign"),
            lines: list.iter().map(|m| line(&tr, m)).collect(),
            blind: blind
                .into_iter()
                .map(|b| {
                    (
                        b.problem.id.get(),
                        b.problem.number.to_string(),
                        b.problem.title,
                        b.recurrences,
                        b.last.to_string(),
                    )
                })
                .collect(),
            may_keep: !form.units.is_empty(),
            form,
            kept,
            refusal: refusal.map(|e| page_message(tr, e)).unwrap_or_default(),
            done: done_message(tr, "mechanism", done),
        })
    }
    .await;
    match built {
        Ok(page) => render(&page),
        Err(e) => domain_error(tr, &e),
    }
}

#[derive(Template)]
#[template(path = "mechanism.html")]
struct OnePage {
    layout: Layout,
    l: Line,
    body: String,
    causes: Vec<String>,
    /// (id, number, title)
    problems: Vec<(i64, String, String)>,
    /// (problem id, number, received on, excerpt)
    returns: Vec<(i64, String, String, String)>,
    may_edit: bool,
    form: Form,
    kept: Kept,
    values: HashMap<&'static str, String>,
    version: i64,
    refusal: String,
    /// The form refused (`edit` or `document`).
    refused: String,
    /// (id, file name, KB)
    documents: Vec<(i64, String, i64)>,
    done: String,
}

impl OnePage {
    fn value(&self, name: &str) -> String {
        if self.kept.any() { self.kept.v(name) } else { self.values.get(name).cloned().unwrap_or_default() }
    }
}

async fn one_page(State(s): State<AppState>, ctx: PageCtx, Path(id): Path<i64>, Query(q): Query<Params>) -> Response {
    one_with(&s, &ctx, MechanismId::new(id), q.done.as_deref(), None, Kept::default()).await
}

async fn one_with(
    s: &AppState,
    ctx: &PageCtx,
    id: MechanismId,
    done: Option<&str>,
    refused: Option<(&str, &domain::Error)>,
    kept: Kept,
) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let built = async {
        let m = s.app.get_mechanism(&ctx.actor, id).await?;
        let form = form(s, ctx, Some(&m), &kept).await?;
        let may_edit = form.units.iter().any(|u| u.value == m.unit.id.to_string());
        let values = HashMap::from([
            ("title", m.title.clone()),
            ("body", m.body.clone().unwrap_or_default()),
            ("issued_on", m.issued_on.map(|d| d.to_string()).unwrap_or_default()),
            ("doc_number", m.doc_number.clone().unwrap_or_default()),
            ("problems", m.problems.iter().map(|p| p.number.to_string()).collect::<Vec<_>>().join(" ")),
        ]);
        Ok::<_, domain::Error>(OnePage {
            layout: ctx.layout(m.title.clone(), "campaign"),
            l: line(&tr, &m),
            body: m.body.clone().unwrap_or_default(),
            causes: m.root_causes.iter().map(|c| c.name.clone()).collect(),
            problems: m.problems.iter().map(|p| (p.id.get(), p.number.to_string(), p.title.clone())).collect(),
            returns: m
                .recurrences_after
                .iter()
                .map(|r| {
                    (r.problem.id.get(), r.problem.number.to_string(), r.received_on.to_string(), r.excerpt.clone())
                })
                .collect(),
            may_edit,
            form,
            kept,
            values,
            version: m.version,
            refusal: refused.map(|(_, e)| page_message(tr, e)).unwrap_or_default(),
            refused: refused.map(|(form, _)| form.to_string()).unwrap_or_default(),
            documents: m
                .documents
                .iter()
                .map(|d| (d.id.get(), d.file_name.clone(), super::files::kilobytes(d.size_bytes)))
                .collect(),
            done: done_message(tr, "mechanism", done),
        })
    }
    .await;
    match built {
        Ok(page) => render(&page),
        Err(e) => domain_error(tr, &e),
    }
}

/// The mechanism form as the browser sends it.
#[derive(serde::Deserialize)]
struct Fields {
    campaign_id: Option<String>,
    unit_id: Option<String>,
    title: Option<String>,
    body: Option<String>,
    status: Option<String>,
    issued_on: Option<String>,
    doc_number: Option<String>,
    /// Problem numbers, separated by spaces or commas.
    problems: Option<String>,
    #[serde(default)]
    root_cause_ids: Vec<String>,
    version: Option<String>,
}

impl Fields {
    fn kept(&self) -> Kept {
        let v = |x: &Option<String>| x.clone().unwrap_or_default();
        Kept(HashMap::from([
            ("campaign_id".to_string(), v(&self.campaign_id)),
            ("unit_id".to_string(), v(&self.unit_id)),
            ("title".to_string(), v(&self.title)),
            ("body".to_string(), v(&self.body)),
            ("status".to_string(), v(&self.status)),
            ("issued_on".to_string(), v(&self.issued_on)),
            ("doc_number".to_string(), v(&self.doc_number)),
            ("problems".to_string(), v(&self.problems)),
            ("root_cause_ids".to_string(), self.root_cause_ids.join(" ")),
        ]))
    }

    async fn input(&self, s: &AppState, ctx: &PageCtx) -> Result<MechanismInput, domain::Error> {
        let unit = number(&self.unit_id, "unit_id")?.ok_or_else(|| {
            domain::Error::invalid_with_code(domain::Code::Required, "unit_id", "请选择单位", "choose a unit")
        })?;
        let mut causes = Vec::new();
        for c in &self.root_cause_ids {
            causes.extend(number(&Some(c.clone()), "root_cause_ids")?.map(RootCauseId::new));
        }
        Ok(MechanismInput {
            unit_id: domain::UnitId::new(unit),
            campaign_id: number(&self.campaign_id, "campaign_id")?.map(domain::CampaignId::new),
            title: self.title.clone().unwrap_or_default(),
            body: text(&self.body),
            status: super::fields::choice(&self.status, "status")?,
            issued_on: date(&self.issued_on, "issued_on")?,
            doc_number: text(&self.doc_number),
            problem_ids: super::goals::problem_ids(s, ctx, &self.problems).await?,
            root_cause_ids: Some(causes),
            version: number(&self.version, "version")?,
        })
    }
}

async fn create(State(s): State<AppState>, ctx: PageCtx, CsrfForm(f): CsrfForm<Fields>) -> Response {
    let made = match f.input(&s, &ctx).await {
        Ok(input) => s.app.create_mechanism(&ctx.actor, &input).await,
        Err(e) => Err(e),
    };
    match made {
        Ok(m) => see_other(&format!("/mechanisms/{}?done=create", m.id)),
        Err(e) => list_with(&s, &ctx, None, Some(&e), f.kept()).await,
    }
}

async fn edit(State(s): State<AppState>, ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<Fields>) -> Response {
    let id = MechanismId::new(id);
    let saved = match f.input(&s, &ctx).await {
        Ok(input) => s.app.update_mechanism(&ctx.actor, id, &input).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => see_other(&format!("/mechanisms/{id}?done=edit")),
        Err(e) => one_with(&s, &ctx, id, None, Some(("edit", &e)), f.kept()).await,
    }
}

/// The mechanisms the reader sees, with the root-cause taxonomy, as a spreadsheet.
async fn download(State(s): State<AppState>, ctx: PageCtx) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let written = async {
        let mechanisms = s.app.list_mechanisms(&ctx.actor).await?;
        let causes = s.app.list_root_causes(&ctx.actor).await?;
        app::mechanisms::export::write_xlsx(&mechanisms, &causes)
    }
    .await;
    super::kit::xlsx_or_error(ctx.tr, written, "mechanisms.xlsx", "长效机制.xlsx")
}

/// The issued document's file, uploaded on the mechanism's page.
async fn upload(
    State(s): State<AppState>,
    ctx: PageCtx,
    expected: Option<axum::extract::Extension<super::kit::CsrfToken>>,
    Path(id): Path<i64>,
    form: axum::extract::Multipart,
) -> Response {
    let id = MechanismId::new(id);
    let added = match super::uploads::one_file(&s, ctx.tr, expected, form).await {
        Ok(Some((file_name, bytes))) => s.app.add_mechanism_document(&ctx.actor, id, &file_name, &bytes).await,
        Ok(None) => Err(super::uploads::no_file()),
        Err(page) => return page,
    };
    match added {
        Ok(_) => see_other(&format!("/mechanisms/{id}?done=document")),
        Err(e) => one_with(&s, &ctx, id, None, Some(("document", &e)), Kept::default()).await,
    }
}
