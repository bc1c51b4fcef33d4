//! 系统管理 › 消息推送: webhook and group-robot subscriptions, each with its delivery log.

use super::fields::number;
use super::kit::{CsrfForm, Layout, PageCtx, domain_error, page_message, refused_with, render, see_other};
use super::list::{Opt, unit_tree_opts, vocab_opts};
use crate::AppState;
use app::webhooks::{DeliveryView, WebhookInput, WebhookView};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use domain::notice::NoticeStatus;
use domain::webhook::{Event, WebhookFormat};
use domain::{UnitId, WebhookId};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/webhooks", get(list_page).post(create))
        .route("/admin/webhooks/{id}", get(one_page).post(update))
}

/// The form's fields as sent (and as kept when refused; never the secret).
#[derive(serde::Deserialize, Default, Clone)]
struct Form {
    #[serde(default)]
    name: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    format: String,
    secret: Option<String>,
    #[serde(default)]
    events: Vec<String>,
    unit_id: Option<String>,
    active: Option<String>,
    version: Option<String>,
}

impl Form {
    fn input(&self) -> Result<WebhookInput, domain::Error> {
        let events = self.events.iter().map(|e| Event::parse(e)).collect::<Result<Vec<_>, _>>()?;
        Ok(WebhookInput {
            name: self.name.clone(),
            url: self.url.clone(),
            format: WebhookFormat::parse(&self.format)?,
            secret: self.secret.clone().filter(|s| !s.trim().is_empty()),
            events,
            unit_id: number(&self.unit_id, "unit_id")?.map(UnitId::new),
            active: self.active.is_some(),
            version: number(&self.version, "version")?,
        })
    }

    fn of(w: &WebhookView) -> Self {
        Self {
            name: w.name.clone(),
            url: w.url.clone(),
            format: w.format.as_str().into(),
            secret: None,
            events: w.events.iter().map(|e| e.as_str().to_string()).collect(),
            unit_id: w.unit.as_ref().map(|u| u.id.to_string()),
            active: w.active.then(|| "on".into()),
            version: Some(w.version.to_string()),
        }
    }
}

/// The choices of the form, with what is ticked.
struct Choices {
    formats: Vec<Opt>,
    events: Vec<Opt>,
    units: Vec<Opt>,
}

async fn choices(s: &AppState, ctx: &PageCtx, f: &Form) -> Result<Choices, domain::Error> {
    let tr = ctx.tr;
    let units = s.app.list_units(&ctx.actor).await?;
    let mut events = vocab_opts(&tr, "event", Event::ALL.iter().map(|e| e.as_str()), None);
    for o in &mut events {
        o.selected = f.events.contains(&o.value);
    }
    Ok(Choices {
        formats: vocab_opts(&tr, "webhook-format", WebhookFormat::ALL.iter().map(|e| e.as_str()), Some(&f.format)),
        events,
        units: unit_tree_opts(&units, f.unit_id.as_deref()),
    })
}

struct Line {
    id: i64,
    name: String,
    format: String,
    events: String,
    unit: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "webhooks.html")]
struct ListPage {
    layout: Layout,
    lines: Vec<Line>,
    form: Form,
    choices: Choices,
    refusal: String,
}

fn line(tr: &super::i18n::Tr, w: &WebhookView) -> Line {
    Line {
        id: w.id.get(),
        name: w.name.clone(),
        format: tr.label("webhook-format", w.format.as_str()),
        events: w.events.iter().map(|e| tr.label("event", e.as_str())).collect::<Vec<_>>().join("、"),
        unit: w.unit.as_ref().map(|u| u.name.clone()).unwrap_or_else(|| tr.t("webhooks-all-units")),
        active: w.active,
    }
}

async fn list_page(State(s): State<AppState>, ctx: PageCtx) -> Response {
    let form = Form { format: "json".into(), active: Some("on".into()), ..Form::default() };
    list_with(&s, &ctx, form, None).await
}

async fn list_with(s: &AppState, ctx: &PageCtx, form: Form, refusal: Option<&domain::Error>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let built = async {
        let hooks = s.app.list_webhooks(&ctx.actor).await?;
        Ok::<_, domain::Error>(ListPage {
            layout: ctx.layout(tr.t("webhooks-title"), "admin"),
            lines: hooks.iter().map(|w| line(&tr, w)).collect(),
            choices: choices(s, ctx, &form).await?,
            form,
            refusal: refusal.map(|e| page_message(tr, e)).unwrap_or_default(),
        })
    };
    match built.await {
        Ok(page) => refused_with(render(&page), refusal),
        Err(e) => domain_error(tr, &e),
    }
}

async fn create(State(s): State<AppState>, ctx: PageCtx, CsrfForm(f): CsrfForm<Form>) -> Response {
    let made = async { s.app.create_webhook(&ctx.actor, &f.input()?).await };
    match made.await {
        Ok(w) => see_other(&format!("/admin/webhooks/{}?done=added", w.id)),
        Err(e) => list_with(&s, &ctx, Form { secret: None, ..f }, Some(&e)).await,
    }
}

struct DeliveryLine {
    at: String,
    event: String,
    problem_id: Option<i64>,
    status: String,
    failed: bool,
    attempts: i64,
    answer: String,
    next: String,
}

#[derive(Template)]
#[template(path = "webhook.html")]
struct OnePage {
    layout: Layout,
    hook: Line,
    url: String,
    has_secret: bool,
    form: Form,
    choices: Choices,
    deliveries: Vec<DeliveryLine>,
    done: String,
    refusal: String,
}

#[derive(serde::Deserialize, Default)]
struct Done {
    done: Option<String>,
}

fn delivery_line(tr: &super::i18n::Tr, d: &DeliveryView) -> DeliveryLine {
    let answer = match (d.response_status, &d.last_error) {
        (_, Some(e)) => e.clone(),
        (Some(s), None) => format!("HTTP {s}"),
        (None, None) => String::new(),
    };
    DeliveryLine {
        at: tr.time(d.sent_at.as_ref().unwrap_or(&d.created_at)),
        event: tr.label("event", d.event.as_str()),
        problem_id: d.problem_id.map(|p| p.get()),
        status: tr.label("notice-status", d.status.as_str()),
        failed: d.status == NoticeStatus::Failed,
        attempts: d.attempts,
        answer,
        next: d.next_attempt_at.map(|t| tr.time(&t)).unwrap_or_default(),
    }
}

async fn one_page(State(s): State<AppState>, ctx: PageCtx, Path(id): Path<i64>, Query(q): Query<Done>) -> Response {
    one_with(&s, &ctx, WebhookId::new(id), q.done.as_deref(), None, None).await
}

async fn one_with(
    s: &AppState,
    ctx: &PageCtx,
    id: WebhookId,
    done: Option<&str>,
    kept: Option<Form>,
    refusal: Option<&domain::Error>,
) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let built = async {
        let w = s.app.get_webhook(&ctx.actor, id).await?;
        let deliveries = s.app.webhook_deliveries(&ctx.actor, id, None, None).await?;
        let form = kept.unwrap_or_else(|| Form::of(&w));
        Ok::<_, domain::Error>(OnePage {
            layout: ctx.layout(w.name.clone(), "admin"),
            hook: line(&tr, &w),
            url: w.url.clone(),
            has_secret: w.has_secret,
            choices: choices(s, ctx, &form).await?,
            form,
            deliveries: deliveries.iter().map(|d| delivery_line(&tr, d)).collect(),
            done: done.map(|d| tr.t(&format!("webhooks-done-{d}"))).unwrap_or_default(),
            refusal: refusal.map(|e| page_message(tr, e)).unwrap_or_default(),
        })
    };
    match built.await {
        Ok(page) => refused_with(render(&page), refusal),
        Err(e) => domain_error(tr, &e),
    }
}

async fn update(State(s): State<AppState>, ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<Form>) -> Response {
    let id = WebhookId::new(id);
    let saved = async { s.app.update_webhook(&ctx.actor, id, &f.input()?).await };
    match saved.await {
        Ok(_) => see_other(&format!("/admin/webhooks/{id}?done=saved")),
        Err(e) if e.code() == domain::Code::NotFound => domain_error(ctx.tr, &e),
        Err(e) => one_with(&s, &ctx, id, None, Some(Form { secret: None, ..f }), Some(&e)).await,
    }
}
