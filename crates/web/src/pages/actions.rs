//! The problem page's action forms: each posts here, is checked and taken by the workflow, and
//! leads back to the problem's page saying what was done, or saying there why it was refused with
//! what was typed kept. And the office's review of a dissatisfied rating.

use super::detail::page_with_refusal;
use super::fields::{choice, date, number, text};
use super::kit::{CsrfForm, PageCtx, domain_error, see_other};
use crate::AppState;
use app::transitions::TransitionInput;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use domain::workflow::Action;
use domain::{ProblemId, UnitId, UserId};

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/problems/{id}/act", post(act)).route("/ratings/{id}/review", post(review_rating))
}

#[derive(serde::Deserialize)]
struct ActForm {
    action: Action,
    version: i64,
    reason: Option<String>,
    note: Option<String>,
    lead_unit_id: Option<String>,
    #[serde(default)]
    cooperating_unit_ids: Vec<UnitId>,
    responsible_leader_id: Option<String>,
    responsible_person: Option<String>,
    deadline: Option<String>,
    rectification_type: Option<String>,
    target_number: Option<String>,
    report: Option<String>,
    no_evidence_reason: Option<String>,
    new_deadline: Option<String>,
    approve: Option<String>,
    colour: Option<String>,
    solved: Option<String>,
    satisfaction: Option<String>,
    comment: Option<String>,
}

impl ActForm {
    /// What an action form held, by field name.
    fn kept(&self) -> Vec<(&'static str, String)> {
        [
            ("reason", &self.reason),
            ("note", &self.note),
            ("lead_unit_id", &self.lead_unit_id),
            ("responsible_leader_id", &self.responsible_leader_id),
            ("responsible_person", &self.responsible_person),
            ("deadline", &self.deadline),
            ("rectification_type", &self.rectification_type),
            ("target_number", &self.target_number),
            ("report", &self.report),
            ("no_evidence_reason", &self.no_evidence_reason),
            ("new_deadline", &self.new_deadline),
            ("approve", &self.approve),
            ("colour", &self.colour),
            ("solved", &self.solved),
            ("satisfaction", &self.satisfaction),
            ("comment", &self.comment),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.clone().map(|v| (name, v)))
        .chain(std::iter::once((
            "cooperating_unit_ids",
            self.cooperating_unit_ids.iter().map(|u| u.to_string()).collect::<Vec<_>>().join(" "),
        )))
        .collect()
    }
}

async fn act(State(s): State<AppState>, ctx: PageCtx, Path(id): Path<i64>, CsrfForm(f): CsrfForm<ActForm>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let result = async {
        let target = match text(&f.target_number) {
            Some(n) => Some(s.app.problem_id_by_number(&ctx.actor, &n).await?),
            None => None,
        };
        let input = TransitionInput {
            action: f.action,
            version: f.version,
            reason: f.reason.clone(),
            note: text(&f.note),
            lead_unit_id: number(&f.lead_unit_id, "lead_unit_id")?.map(UnitId::new),
            cooperating_unit_ids: (!f.cooperating_unit_ids.is_empty()).then(|| f.cooperating_unit_ids.clone()),
            responsible_leader_id: number(&f.responsible_leader_id, "responsible_leader_id")?.map(UserId::new),
            responsible_person: text(&f.responsible_person),
            deadline: date(&f.deadline, "deadline")?,
            rectification_type: choice(&f.rectification_type, "rectification_type")?,
            target_problem_id: target,
            report: f.report.clone(),
            no_evidence_reason: text(&f.no_evidence_reason),
            new_deadline: date(&f.new_deadline, "new_deadline")?,
            approve: text(&f.approve).map(|v| v == "yes"),
            colour: choice(&f.colour, "colour")?,
            solved: text(&f.solved).map(|v| v == "yes"),
            satisfaction: choice(&f.satisfaction, "satisfaction")?,
            comment: text(&f.comment),
        };
        s.app.transition(&ctx.actor, ProblemId::new(id), &input).await
    }
    .await;
    match result {
        // The problem's page again, saying what was done (the confirmation reads the problem as it is).
        Ok(_) => see_other(&format!("/problems/{id}?done={}", f.action.as_str())),
        // The problem's page again, with the reason on the form, which keeps what was typed.
        Err(e) => page_with_refusal(&s, &ctx, ProblemId::new(id), f.action.as_str(), &e, f.kept()).await,
    }
}

#[derive(serde::Deserialize)]
struct ReviewForm {
    problem_id: i64,
    decision: app::ratings::ReviewDecision,
    reason: Option<String>,
}

/// 不满意待核实: the office reopens the problem or keeps it closed, then sees the problem again.
async fn review_rating(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<domain::CallbackId>,
    CsrfForm(f): CsrfForm<ReviewForm>,
) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let review = app::ratings::RatingReview { decision: f.decision, reason: text(&f.reason) };
    match s.app.review_rating(&ctx.actor, id, &review).await {
        Ok(()) => see_other(&format!("/problems/{}", f.problem_id)),
        Err(e) => domain_error(ctx.tr, &e),
    }
}
