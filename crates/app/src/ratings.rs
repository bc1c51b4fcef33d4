//! 不满意待核实: the office's queue of dissatisfied public ratings that could not reopen a problem
//! by themselves, because they came from a report linked to the problem after it was made (see
//! [`domain::problem::rating_reopens`]). Each counts in the satisfaction figures from the start;
//! the office reads the citizen's comment and reopens the problem (重新整改) or keeps it closed,
//! writing down why.

use crate::transitions::{Transition, TransitionRequest};
use crate::views::ProblemRef;
use crate::{Actor, App};
use chrono::{DateTime, Utc};
use domain::access::{self, Intent};
use domain::problem::CallbackReview;
use domain::workflow::Action;
use domain::{Error, Result};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One dissatisfied rating waiting for the office.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PendingRating {
    /// The callback's id, for [`App::review_rating`].
    pub id: domain::CallbackId,
    pub problem: ProblemRef,
    pub at: DateTime<Utc>,
    pub solved: bool,
    pub comment: Option<String>,
}

/// What the office decides about a pending rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// 重新整改: reopen the problem.
    Reopen,
    /// 维持销号: keep it closed (a reason is required).
    Keep,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingReview {
    pub decision: ReviewDecision,
    /// Required to keep the problem closed; for a reopening, the citizen's comment is used when
    /// none is given.
    pub reason: Option<String>,
}

/// The most pending ratings one call returns.
const MAX_PENDING: i64 = 200;

impl App {
    /// The ratings waiting for the caller's check: those on problems the caller may see and reopen,
    /// oldest first. Empty for callers who may not decide.
    pub async fn pending_ratings(&self, actor: &Actor) -> Result<Vec<PendingRating>> {
        let p = actor.user_for(Intent::Read)?.clone();
        if !matches!(p.role, domain::user::Role::Admin | domain::user::Role::Office) {
            return Ok(vec![]);
        }
        let prefix = (!p.is_admin()).then(|| p.unit_path.as_str().to_string());
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let rows = store::callbacks::pending_reviews(&mut c, prefix.as_deref(), MAX_PENDING).await?;
        let mut out = Vec::with_capacity(rows.len());
        for cb in rows {
            let Ok((loaded, _)) = crate::problems::load_visible(&mut c, actor, cb.problem_id).await else {
                continue;
            };
            if !access::may_take(&p, Action::Reopen, None, &loaded.place) {
                continue;
            }
            out.push(PendingRating {
                id: cb.id,
                problem: ProblemRef { id: loaded.row.id, number: loaded.row.number, title: loaded.row.title },
                at: cb.at,
                solved: cb.solved,
                comment: cb.comment,
            });
        }
        Ok(out)
    }

    /// Decides a pending rating: reopens the problem, or keeps it closed with the reason why. Both
    /// are recorded on the rating and in the audit chain, in one transaction.
    pub async fn review_rating(
        &self,
        actor: &Actor,
        callback_id: domain::CallbackId,
        review: &RatingReview,
    ) -> Result<()> {
        let p = actor.user_for(Intent::Write)?.clone();
        let max = self.settings.text.max_text_chars;
        let reason = domain::text::optional_text("reason", review.reason.as_deref(), max)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let cb = store::callbacks::get_callback(&mut tx.conn(), callback_id)
            .await?
            .ok_or_else(|| Error::not_found("callback"))?;
        let pid = cb.problem_id;
        let (loaded, _) = crate::problems::load_visible(&mut tx.conn(), actor, pid).await?;
        if !access::may_take(&p, Action::Reopen, None, &loaded.place) {
            return Err(Error::forbidden(
                "只有专班办公室可以核实不满意评价",
                "only the campaign office may check a dissatisfied rating",
            ));
        }
        if cb.review != Some(CallbackReview::Pending) {
            return Err(Error::conflict("review", "这条评价已经核实过了", "this rating has been checked already"));
        }
        let outcome = match review.decision {
            ReviewDecision::Reopen => {
                let reason = reason.unwrap_or_else(|| match &cb.comment {
                    Some(comment) => format!("群众回访不满意：{comment}"),
                    None => "群众回访不满意".to_string(),
                });
                let request = TransitionRequest::new(loaded.row.version, Transition::Reopen { reason: reason.clone() });
                self.transition_in(&mut tx.conn(), actor, pid, (&request).into()).await?;
                (CallbackReview::Reopened, reason)
            }
            ReviewDecision::Keep => {
                let reason = reason.ok_or_else(|| {
                    Error::invalid_with_code(
                        domain::Code::Required,
                        "reason",
                        "维持销号须写明理由",
                        "give the reason for keeping the problem closed",
                    )
                })?;
                (CallbackReview::Kept, reason)
            }
        };
        let (review_state, note) = outcome;
        store::callbacks::review_callback(&mut tx.conn(), callback_id, review_state, Some(&note), p.user_id, now)
            .await?;
        let after = serde_json::json!({ "callback_id": callback_id, "review": review_state, "note": note });
        crate::audit::Entry::new(actor, "problem.rating_review", "problem", Some(pid.get()))
            .after(&after)?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await
    }
}
