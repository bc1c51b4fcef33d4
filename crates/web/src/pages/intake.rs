//! 诉求受理: feedback not yet on the list, each to be put on it as a new problem or added to an
//! existing one.

use super::fields::number;
use super::kit::{CsrfForm, Layout, PageCtx, domain_error, render, see_other};
use super::list::{LeaderOpt, Opt, leader_opts, opts, unit_tree_opts};
use crate::AppState;
use app::feedback::FeedbackQuery;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::feedback::{Channel, FeedbackKind};
use domain::workflow::Action;
use domain::{CampaignId, CategoryId, FeedbackId, ProblemId, UnitId, UserId};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/intake", get(inbox))
        .route("/intake/{id}/problem", post(create))
        .route("/intake/{id}/link", post(link))
        .route("/intake/{id}/dismiss", post(dismiss))
}

struct Item {
    id: i64,
    code: String,
    received: String,
    channel: String,
    kind: String,
    title: String,
    body: String,
    reporter: String,
    address: String,
    /// 热度: itself, the reports like it, the public's net votes.
    heat: i64,
    /// The photos and files the citizen sent.
    files: Vec<app::views::FeedbackFileView>,
    /// Problems and reports grouping found close to this one.
    suggestions: Vec<Suggestion>,
    /// Its channel and kind, which the problem made from it keeps.
    channel_value: String,
    kind_value: String,
    /// The routing model's category and lead unit (preselected, never applied) and its hint line.
    suggested_category: String,
    suggested_unit: String,
    routing_hint: String,
}

/// A grouping proposal, with the text that matched.
struct Suggestion {
    score: String,
    problem_number: Option<String>,
    problem_title: String,
    recurrence: bool,
    matched_text: String,
}

#[derive(Template)]
#[template(path = "intake.html")]
struct InboxPage {
    layout: Layout,
    items: Vec<Item>,
    campaigns: Vec<Opt>,
    categories: Vec<Opt>,
    /// The unit tree and the leaders, for assigning in the same step.
    units: Vec<Opt>,
    leaders: Vec<LeaderOpt>,
    channels: Vec<Opt>,
    next_url: Option<String>,
    q: String,
    /// Hottest first (else newest first).
    by_heat: bool,
    /// The heat sort was chosen with a search, which lists newest first: the page says so and
    /// keeps the choice.
    heat_asked: bool,
    /// What was just done here (操作成功：已不予受理 …).
    done: String,
}

#[derive(serde::Deserialize, Default)]
struct Paging {
    cursor: Option<String>,
    q: Option<String>,
    /// `heat`: hottest first; newest first otherwise.
    sort: Option<String>,
    /// `dismiss` with `code`: a report was just declined.
    done: Option<String>,
    code: Option<String>,
}

async fn inbox(State(s): State<AppState>, ctx: PageCtx, Query(paging): Query<Paging>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let searching = paging.q.as_deref().is_some_and(|q| !q.trim().is_empty());
    let result = async {
        let page = s
            .app
            .list_feedback(
                &ctx.actor,
                &FeedbackQuery {
                    linked: Some(false),
                    dismissed: Some(false),
                    // Words found are listed newest first: heat ranks the inbox, not a search.
                    sort: paging.sort.clone().filter(|s| s == "heat" && !searching),
                    q: paging.q.clone(),
                    cursor: paging.cursor.clone(),
                    ..Default::default()
                },
            )
            .await?;
        let mut matches = Vec::with_capacity(page.items.len());
        for f in &page.items {
            let found = s.app.feedback_matches(&ctx.actor, f.id).await?;
            let text = format!("{} {}", f.title.as_deref().unwrap_or_default(), f.body);
            // A suggestion that cannot be made (no history yet) leaves the form as it was.
            let routing = s.app.suggest_routing(&ctx.actor, &text).await.ok();
            matches.push((found, routing));
        }
        let heat = s.app.feedback_heat(&page.items).await?;
        let campaigns = s.app.list_campaigns(&ctx.actor).await?;
        let categories = s.app.list_categories(&ctx.actor).await?;
        let units = s.app.list_units(&ctx.actor).await?;
        let users = s.app.list_users(&ctx.actor).await.unwrap_or_default();
        Ok::<_, domain::Error>((page, matches, heat, campaigns, categories, units, users))
    }
    .await;
    let (page, matches, heat, campaigns, categories, units, users) = match result {
        Ok(r) => r,
        Err(e) => return domain_error(tr, &e),
    };
    let items = page
        .items
        .iter()
        .zip(matches)
        .map(|(f, (found, routing))| Item {
            id: f.id.get(),
            code: f.tracking_code.clone().to_string(),
            received: tr.time(&f.received_at),
            channel: tr.label("channel", f.channel.as_str()),
            kind: tr.label("kind", f.kind.as_str()),
            title: f.title_or_start(),
            body: f.body.clone(),
            reporter: [f.reporter_name.clone(), f.reporter_contact.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
            address: f.address.clone().unwrap_or_default(),
            heat: heat.get(&f.id).copied().unwrap_or(1),
            files: f.files.clone(),
            suggestions: found
                .into_iter()
                .map(|m| Suggestion {
                    score: format!("{:.0}%", m.score * 100.0),
                    problem_number: m.problem.as_ref().map(|p| p.number.to_string()),
                    problem_title: m.problem.map(|p| p.title).unwrap_or_default(),
                    recurrence: m.relation == "recurrence",
                    matched_text: m.matched_text,
                })
                .collect(),
            channel_value: f.channel.as_str().to_string(),
            kind_value: f.kind.as_str().to_string(),
            suggested_category: routing
                .as_ref()
                .and_then(|r| r.category.as_ref())
                .map(|c| c.id.to_string())
                .unwrap_or_default(),
            suggested_unit: routing
                .as_ref()
                .and_then(|r| r.lead_unit.as_ref())
                .map(|u| u.id.to_string())
                .unwrap_or_default(),
            routing_hint: routing.map(|r| routing_hint(tr, &r)).unwrap_or_default(),
        })
        .collect();
    render(&InboxPage {
        layout: ctx.layout(tr.t("intake-title"), "intake"),
        items,
        campaigns: opts(None, campaigns.iter().map(|c| (c.id.to_string(), c.name.clone()))),
        categories: opts(None, categories.iter().map(|c| (c.id.to_string(), c.name.clone()))),
        units: unit_tree_opts(&units, None),
        leaders: leader_opts(&users, &units),
        channels: super::list::vocab_opts(&tr, "channel", Channel::ALL.iter().map(|c| c.as_str()), None),
        next_url: page.next_cursor.map(|c| match paging.q.as_deref().filter(|q| !q.trim().is_empty()) {
            Some(q) => format!("/intake?cursor={c}&q={}", super::kit::urlencode(q)),
            None => format!("/intake?cursor={c}"),
        }),
        q: paging.q.clone().unwrap_or_default(),
        by_heat: paging.sort.as_deref() == Some("heat") && !searching,
        heat_asked: paging.sort.as_deref() == Some("heat") && searching,
        done: match (paging.done.as_deref(), &paging.code) {
            (Some("dismiss"), Some(code)) => {
                format!("{}：{} {code}", tr.t("done-title"), tr.t("done-dismiss-feedback"))
            }
            _ => String::new(),
        },
    })
}

#[derive(serde::Deserialize)]
struct CreateForm {
    campaign_id: CampaignId,
    title: String,
    description: String,
    category_id: Option<String>,
    channel: Channel,
    kind: FeedbackKind,
    /// Filled: the problem is assigned to it in the same step (分办).
    lead_unit_id: Option<String>,
    responsible_leader_id: Option<String>,
    deadline: Option<String>,
}

/// 立为问题: the report becomes a problem, and with a lead unit chosen it is assigned at once. An
/// assignment the app refuses leaves the problem made (nothing is lost) and says why on its
/// page, on the assign form, with what was chosen kept.
async fn create(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<CreateForm>,
) -> Response {
    let made = async {
        let lead = number(&f.lead_unit_id, "lead_unit_id")?.map(UnitId::new);
        let leader = number(&f.responsible_leader_id, "responsible_leader_id")?.map(UserId::new);
        let deadline = super::fields::date(&f.deadline, "deadline")?;
        let input = app::problems::NewProblemInput {
            category_id: number(&f.category_id, "category_id")?.map(CategoryId::new),
            kind: Some(f.kind),
            feedback_ids: vec![FeedbackId::new(id)],
            ..app::problems::NewProblemInput::new(f.campaign_id, f.title.clone(), f.description.clone(), f.channel)
        };
        let p = s.app.create_problem(&ctx.actor, &input).await?;
        Ok::<_, domain::Error>((p.summary, lead.map(|lead| (lead, leader, deadline))))
    };
    let (problem, assignment) = match made.await {
        Ok(made) => made,
        Err(e) => return domain_error(ctx.tr, &e),
    };
    let Some((lead, leader, deadline)) = assignment else {
        return see_other(&format!("/problems/{}?done=create", problem.id));
    };
    let assign = app::transitions::Transition::Assign(app::transitions::Assignment {
        responsible_leader_id: leader,
        deadline,
        ..app::transitions::Assignment::to(lead)
    });
    let request = app::transitions::TransitionRequest::new(problem.version, assign);
    match s.app.transition(&ctx.actor, problem.id, &request).await {
        Ok(_) => see_other(&format!("/problems/{}?done=assign", problem.id)),
        Err(e) => {
            let kept = [
                ("lead_unit_id", &f.lead_unit_id),
                ("responsible_leader_id", &f.responsible_leader_id),
                ("deadline", &f.deadline),
            ]
            .into_iter()
            .filter_map(|(name, v)| v.clone().map(|v| (name, v)))
            .collect();
            super::detail::page_with_refusal(&s, &ctx, problem.id, Action::Assign.as_str(), &e, kept).await
        }
    }
}

#[derive(serde::Deserialize)]
struct DismissForm {
    reason: String,
}

/// 不予受理 from the intake card: back to the inbox, which says what was done.
async fn dismiss(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<DismissForm>,
) -> Response {
    match s.app.dismiss_feedback(&ctx.actor, FeedbackId::new(id), &f.reason).await {
        Ok(view) => see_other(&format!("/intake?done=dismiss&code={}", view.tracking_code)),
        Err(e) => domain_error(ctx.tr, &e),
    }
}

#[derive(serde::Deserialize)]
struct LinkForm {
    number: String,
}

async fn link(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<LinkForm>,
) -> Response {
    let result = async {
        let pid: ProblemId = s.app.problem_id_by_number(&ctx.actor, f.number.trim()).await?;
        s.app.link_feedback(&ctx.actor, FeedbackId::new(id), Some(pid)).await?;
        Ok::<_, domain::Error>(pid)
    }
    .await;
    match result {
        Ok(pid) => see_other(&format!("/problems/{pid}")),
        Err(e) => domain_error(ctx.tr, &e),
    }
}

/// "建议类别：路灯（82%）· 建议牵头单位：城管局（64%）", or empty without a suggestion.
fn routing_hint(tr: super::i18n::Tr, r: &app::routing::RoutingSuggestion) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &r.category {
        parts.push(format!("{}：{}（{:.0}%）", tr.t("routing-category"), c.name, c.confidence * 100.0));
    }
    if let Some(u) = &r.lead_unit {
        parts.push(format!("{}：{}（{:.0}%）", tr.t("routing-unit"), u.name, u.confidence * 100.0));
    }
    parts.join(" · ")
}
