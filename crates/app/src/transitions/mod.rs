//! Workflow transitions (`POST /problems/{id}/transitions`): check that the action is legal from
//! the problem's state, that the actor may take it, that the version is current and that what the
//! action needs was given; then apply it, keep its records (sign-off applications, extensions,
//! callbacks) and append to the audit chain, all in one transaction.

mod actions;
mod request;

pub use request::{Asked, Assignment, Transition, TransitionInput, TransitionRequest};

use crate::problems::{Abilities, Loaded, abilities, circumstances_of, flags_of, load_visible, state_of, summary};
use crate::views::ProblemSummary;
use crate::{Actor, App};
use actions::Step;
use chrono::{DateTime, Utc};
use domain::access::{self, Principal, ProblemPlace};
use domain::problem::{CallbackReview, CallbackVia, ReopenCause, Satisfaction};
use domain::unit::UnitPath;
use domain::workflow::{Action, State, Status};
use domain::{CallbackId, Error, ExtensionId, FeedbackId, ProblemId, Result, SignoffId, UserId};
use store::Conn;
use store::callbacks::CallbackRow;
use store::problem_list::ProblemListRow;
use store::problems::ProblemRow;

/// What a transition answers: the problem's summary as it now stands (its new version among it)
/// and what the reader may do next, built from what the transition had in hand. Its records
/// (measures, notes, the timeline…) are read with `GET /problems/{id}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Transitioned {
    pub summary: ProblemSummary,
    pub allowed_actions: Vec<Action>,
    pub may: Abilities,
}

/// A transition done: the action, the status before and after, and the answer.
pub(crate) struct Done {
    pub action: Action,
    pub from: Status,
    pub to: Status,
    pub answer: Transitioned,
}

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
    /// Applies one workflow action to a problem and answers with its summary as the actor now
    /// sees it, and what the actor may do next.
    pub async fn transition<'a>(
        &self,
        actor: &Actor,
        id: ProblemId,
        request: impl Into<Asked<'a>>,
    ) -> Result<Transitioned> {
        let mut tx = self.db.begin().await?;
        let done = self.transition_in(&mut tx.conn(), actor, id, request.into()).await?;
        self.commit(tx).await?;
        tracing::info!(
            problem_id = id.get(),
            action = done.action.as_str(),
            from = done.from.as_str(),
            to = done.to.as_str(),
            "transition"
        );
        Ok(done.answer)
    }

    pub(crate) async fn apply_transition<'a>(
        &self,
        actor: &Actor,
        id: ProblemId,
        request: impl Into<Asked<'a>>,
    ) -> Result<()> {
        self.transition(actor, id, request).await.map(|_| ())
    }

    /// Applies one workflow action in the caller's transaction: legal from the problem's state,
    /// allowed to the actor, decided on the current version. Reads the problem once (one
    /// statement, with its place), writes it once and audits it once.
    pub(crate) async fn transition_in(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        id: ProblemId,
        asked: Asked<'_>,
    ) -> Result<Done> {
        let action = asked.action();
        let (loaded, p) = load_visible(c, actor, id).await?;
        let before = loaded.row.clone();
        let state = state_of(&before)?;
        let next = state.after(action, asked.dissatisfied())?;
        if !access::may_take(&p, action, state.stage, &loaded.place) {
            return Err(forbidden(action));
        }
        if let Some(why) = circumstances_of(&before, loaded.extension_pending).refusal(action) {
            return Err(why);
        }
        if asked.version() != before.version {
            return Err(Error::StaleVersion { sent: asked.version(), current: before.version });
        }
        let t = asked.checked()?;
        let now = self.clock.now();
        let step = Step {
            p: &p,
            state,
            next,
            now,
            today: self.clock.today(),
            max_text: self.settings.text.max_text_chars,
            cooperating: loaded.cooperating.iter().map(|u| u.id).collect(),
        };
        let mut row = before.clone();
        let extra = self.apply(c, &step, &t, &mut row).await?;
        let row = finish(c, actor, action, &before, row, next, &extra, now).await?;
        let answer = self.answer(&p, loaded, row, &t).await?;
        Ok(Done { action, from: state.status, to: next.status, answer })
    }

    /// The answer, from the row as written and the place as loaded (a new lead or cooperating
    /// units found in the units this node holds): no statement is sent.
    async fn answer(&self, p: &Principal, loaded: Loaded, row: ProblemRow, t: &Transition) -> Result<Transitioned> {
        let mut place = loaded.place;
        let mut lead_unit_name = loaded.lead_unit_name;
        if let Transition::Assign(a) = t {
            let units = self.units_with(a.lead_unit_id).await?;
            let path_of = |id: domain::UnitId| -> Result<Option<(UnitPath, String)>> {
                units.iter().find(|u| u.id == id).map(|u| Ok((UnitPath::parse(&u.path)?, u.name.clone()))).transpose()
            };
            if let Some((path, name)) = path_of(a.lead_unit_id)? {
                place.lead_unit = Some(path);
                lead_unit_name = Some(name);
            }
            if let Some(ids) = &a.cooperating_unit_ids {
                place.cooperating_units = ids
                    .iter()
                    .filter_map(|&u| path_of(u).transpose())
                    .map(|r| r.map(|(path, _)| path))
                    .collect::<Result<_>>()?;
            }
        }
        place = ProblemPlace { responsible_leader: row.responsible_leader_id, published: row.published, ..place };
        let extension_pending = match t {
            Transition::RequestExtension { .. } => true,
            Transition::DecideExtension { .. } => false,
            _ => loaded.extension_pending,
        };
        let may = abilities(p, &row, &place, extension_pending)?;
        let cal = self.calendar().await?;
        let today = self.clock.today();
        let cutoff = domain::supervision::due_soon_cutoff(&cal, today, self.settings.due_soon_days);
        let listed = ProblemListRow::from_problem(&row);
        let flags = flags_of(&listed, today, cutoff, &cal);
        let summary = summary(listed, flags, lead_unit_name, loaded.category_name);
        Ok(Transitioned { summary, allowed_actions: may.actions.clone(), may })
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
            reopen(&mut row, ReopenCause::Dissatisfied, cb.comment.as_deref(), now);
        }
        let extra = Extra { callback_id: Some(callback_id), feedback_id: Some(report.id), review, ..Extra::default() };
        finish(c, &Actor::Public, Action::Callback, &before, row, next, &extra, now).await?;
        Ok(reopens)
    }
}

/// The end every transition shares: the row takes its new state and is written, the search index
/// follows the public reply, and the audit chain records the row before and after. Returns the row
/// as written (at its new version).
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
) -> Result<ProblemRow> {
    row.status = next.status;
    row.signoff_stage = next.stage;
    row.updated_at = now;
    row.version = store::problems::update_problem(c, &row).await?;
    if row.public_reply != before.public_reply {
        crate::search::index_problem(c, &row).await?;
    }
    let audit_after = serde_json::json!({ "problem": row, "extra": extra });
    crate::audit::Entry::new(actor, &format!("problem.{}", action.as_str()), "problem", Some(row.id.get()))
        .before(before)?
        .after(&audit_after)?
        .record(c, now)
        .await?;
    Ok(row)
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

/// 重新整改: the problem goes back to its unit, which sees why in its 待办 (the cause and the words
/// given); the old conclusion stays on the record, marked as superseded by the reopening.
fn reopen(row: &mut ProblemRow, cause: ReopenCause, reason: Option<&str>, now: DateTime<Utc>) {
    row.reopen_count += 1;
    row.reopened_at = Some(now);
    row.reopen_cause = Some(cause);
    row.reopen_reason = reason.map(str::to_owned);
    row.reply_superseded = row.public_reply.is_some();
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
