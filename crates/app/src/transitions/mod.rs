//! Workflow transitions (`POST /problems/{id}/transitions`): check that the action is legal from
//! the problem's state, that the actor may take it, that the version is current and that what the
//! action needs was given; then apply it, keep its records (sign-off applications, extensions,
//! callbacks) and append to the audit chain, all in one transaction.

mod actions;
mod request;

pub use request::{Asked, Assignment, Transition, TransitionInput, TransitionRequest};

use crate::problems::{load_visible, state_of};
use crate::views::ProblemDetail;
use crate::{Actor, App};
use actions::Step;
use chrono::{DateTime, Utc};
use domain::access;
use domain::problem::{CallbackReview, CallbackVia, Satisfaction};
use domain::workflow::{Action, State, Status};
use domain::{CallbackId, Error, ExtensionId, FeedbackId, ProblemId, Result, SignoffId, UserId};
use store::Conn;
use store::callbacks::CallbackRow;
use store::problems::ProblemRow;

fn forbidden(action: Action) -> Error {
    Error::forbidden(
        format!("您无权对该问题执行“{}”", action.label_zh()),
        format!("you may not {} this problem", action.as_str()),
    )
}

/// What happened besides the problem row, for the audit entry.
#[derive(serde::Serialize, Default)]
pub(crate) struct Extra {
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signoff_id: Option<SignoffId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extension_id: Option<ExtensionId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    merged_into: Option<ProblemId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_id: Option<CallbackId>,
    /// The report a public rating came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    feedback_id: Option<FeedbackId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    review: Option<CallbackReview>,
}

impl App {
    /// Applies one workflow action to a problem and returns it as the actor now sees it.
    pub async fn transition<'a>(
        &self,
        actor: &Actor,
        id: ProblemId,
        request: impl Into<Asked<'a>>,
    ) -> Result<ProblemDetail> {
        self.apply_transition(actor, id, request).await?;
        self.get_problem(actor, id).await
    }

    pub(crate) async fn apply_transition<'a>(
        &self,
        actor: &Actor,
        id: ProblemId,
        request: impl Into<Asked<'a>>,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let (action, from, to) = self.transition_in(&mut tx.conn(), actor, id, request.into()).await?;
        self.commit(tx).await?;
        tracing::info!(
            problem_id = id.get(),
            action = action.as_str(),
            from = from.as_str(),
            to = to.as_str(),
            "transition"
        );
        Ok(())
    }

    /// Applies one workflow action in the caller's transaction: legal from the problem's state,
    /// allowed to the actor, decided on the current version; returns the action and the status
    /// before and after.
    pub(crate) async fn transition_in(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        id: ProblemId,
        asked: Asked<'_>,
    ) -> Result<(Action, Status, Status)> {
        let action = asked.action();
        let (loaded, p) = load_visible(c, actor, id).await?;
        let before = loaded.row;
        let state = state_of(&before)?;
        let next = state.after(action, asked.dissatisfied())?;
        if !access::may_take(&p, action, state.stage, &loaded.place) {
            return Err(forbidden(action));
        }
        if asked.version() != before.version {
            return Err(Error::StaleVersion { sent: asked.version(), current: before.version });
        }
        let t = asked.checked()?;
        let now = self.clock.now();
        let step =
            Step { p: &p, state, next, now, today: self.clock.today(), max_text: self.settings.text.max_text_chars };
        let mut row = before.clone();
        let extra = self.apply(c, &step, &t, &mut row).await?;
        finish(c, actor, action, &before, row, next, &extra, now).await?;
        Ok((action, state.status, next.status))
    }

    /// The public rates its own closed report (with the private rating key). A dissatisfied rating
    /// from a report the problem was made from reopens it, as a staff callback would; one from a
    /// report linked later counts in the figures and waits for the office (不满意待核实), see
    /// [`domain::problem::rating_reopens`]. Returns whether the problem reopened.
    pub(crate) async fn public_callback(
        &self,
        c: &mut Conn<'_>,
        problem: ProblemId,
        report: &store::feedback::FeedbackRow,
        rating: Rating,
    ) -> Result<bool> {
        let now = self.clock.now();
        let before = store::problems::get_problem(c, problem).await?.ok_or_else(|| Error::not_found("problem"))?;
        let state = state_of(&before)?;
        let reopens = domain::problem::rating_reopens(rating.satisfaction, report.linked_at, before.created_at);
        let review = (rating.satisfaction == Satisfaction::Dissatisfied && !reopens).then_some(CallbackReview::Pending);
        let next = state.after(Action::Callback, reopens)?;
        let mut row = before.clone();
        let mut cb = callback_row(&row, CallbackVia::Public, None, rating, now);
        cb.feedback_id = Some(report.id);
        cb.review = review;
        let callback_id = record_callback(c, &mut row, &cb).await?;
        if next.status == Status::Assigned {
            reopen(&mut row);
        }
        let extra = Extra { callback_id: Some(callback_id), feedback_id: Some(report.id), review, ..Extra::default() };
        finish(c, &Actor::Public, Action::Callback, &before, row, next, &extra, now).await?;
        Ok(reopens)
    }
}

/// The end every transition shares: the row takes its new state and is written, the search index
/// follows the public reply, and the audit chain records the row before and after.
#[allow(clippy::too_many_arguments)]
async fn finish(
    c: &mut Conn<'_>,
    actor: &Actor,
    action: Action,
    before: &ProblemRow,
    mut row: ProblemRow,
    next: State,
    extra: &Extra,
    now: DateTime<Utc>,
) -> Result<()> {
    row.status = next.status;
    row.signoff_stage = next.stage;
    row.updated_at = now;
    store::problems::update_problem(c, &row).await?;
    if row.public_reply != before.public_reply {
        crate::search::index_problem(c, &row).await?;
    }
    let after = store::problems::get_problem(c, row.id).await?.ok_or_else(|| Error::not_found("problem"))?;
    let audit_after = serde_json::json!({ "problem": after, "extra": extra });
    crate::audit::record(
        c,
        now,
        actor,
        &format!("problem.{}", action.as_str()),
        "problem",
        Some(row.id.get()),
        Some(before),
        Some(&audit_after),
    )
    .await
}

/// One callback's answers: solved or not, and how satisfied (kept apart).
#[derive(Debug, Clone)]
pub(crate) struct Rating {
    pub solved: bool,
    pub satisfaction: Satisfaction,
    pub comment: Option<String>,
}

fn callback_row(
    row: &ProblemRow,
    via: CallbackVia,
    by: Option<UserId>,
    rating: Rating,
    now: DateTime<Utc>,
) -> CallbackRow {
    CallbackRow {
        id: domain::CallbackId::new(0),
        problem_id: row.id,
        at: now,
        recorded_by: by,
        via,
        solved: rating.solved,
        satisfaction: rating.satisfaction,
        comment: rating.comment,
        feedback_id: None,
        review: None,
        review_note: None,
        reviewed_by: None,
        reviewed_at: None,
    }
}

fn reopen(row: &mut ProblemRow) {
    row.reopen_count += 1;
    row.closed_at = None;
    row.awaiting_resubmission = false;
}

/// Records a callback, and its answers on the problem row (which the rates count); returns its id.
async fn record_callback(c: &mut Conn<'_>, row: &mut ProblemRow, cb: &CallbackRow) -> Result<CallbackId> {
    let id = store::callbacks::insert_callback(c, cb).await?;
    row.solved = Some(cb.solved);
    row.satisfaction = Some(cb.satisfaction);
    Ok(id)
}
