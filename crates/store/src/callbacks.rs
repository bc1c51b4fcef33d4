//! 回访: the callbacks recorded on a problem — by the office on the phone, or by the public with
//! a report's rating key — and the office's check of a dissatisfied public rating that could not
//! reopen the problem by itself (不满意待核实).

use crate::{Conn, Result, db_err};
use chrono::{DateTime, Utc};
use domain::problem::{CallbackReview, Satisfaction};
use domain::{FeedbackId, ProblemId, UserId};

macro_rules! callback_columns {
    () => {
        r"cb.id, cb.problem_id, cb.at, cb.recorded_by, cb.via, cb.solved, cb.satisfaction, cb.comment,
          cb.feedback_id, cb.review, cb.review_note, cb.reviewed_by, cb.reviewed_at"
    };
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct CallbackRow {
    pub id: domain::CallbackId,
    pub problem_id: ProblemId,
    pub at: DateTime<Utc>,
    pub recorded_by: Option<UserId>,
    pub via: domain::problem::CallbackVia,
    pub solved: bool,
    pub satisfaction: Satisfaction,
    pub comment: Option<String>,
    /// The report whose rating key gave a public rating.
    pub feedback_id: Option<FeedbackId>,
    /// For a rating the office must check: pending, then reopened or kept; None otherwise.
    pub review: Option<CallbackReview>,
    pub review_note: Option<String>,
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<DateTime<Utc>>,
}

pub async fn insert_callback(c: &mut Conn<'_>, cb: &CallbackRow) -> Result<domain::CallbackId> {
    with_conn!(c, |c| {
        sqlx::query_scalar(
            r"insert into callbacks (problem_id, at, recorded_by, via, solved, satisfaction, comment, feedback_id, review)
              values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
        )
        .bind(cb.problem_id)
        .bind(cb.at)
        .bind(cb.recorded_by)
        .bind(cb.via)
        .bind(cb.solved)
        .bind(cb.satisfaction)
        .bind(&cb.comment)
        .bind(cb.feedback_id)
        .bind(cb.review)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn list_callbacks(c: &mut Conn<'_>, problem: ProblemId) -> Result<Vec<CallbackRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(concat!(
            "select ",
            callback_columns!(),
            " from callbacks cb where cb.problem_id = $1 order by cb.id"
        ))
        .bind(problem.get())
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn get_callback(c: &mut Conn<'_>, id: domain::CallbackId) -> Result<Option<CallbackRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(concat!("select ", callback_columns!(), " from callbacks cb where cb.id = $1"))
            .bind(id)
            .fetch_optional(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// Records the office's check of a pending rating; false when it was no longer pending.
pub async fn review_callback(
    c: &mut Conn<'_>,
    id: domain::CallbackId,
    review: domain::problem::CallbackReview,
    note: Option<&str>,
    by: domain::UserId,
    at: DateTime<Utc>,
) -> Result<bool> {
    with_conn!(c, |c| {
        sqlx::query(
            r"update callbacks set review = $1, review_note = $2, reviewed_by = $3, reviewed_at = $4
              where id = $5 and review = $6",
        )
        .bind(review)
        .bind(note)
        .bind(by)
        .bind(at)
        .bind(id)
        .bind(domain::problem::CallbackReview::Pending)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected() == 1)
        .map_err(db_err)
    })
}

/// Ratings waiting for the office's check on problems whose owner unit lies under `unit_prefix`
/// (all of them for None), oldest first.
pub async fn pending_reviews(c: &mut Conn<'_>, unit_prefix: Option<&str>, limit: i64) -> Result<Vec<CallbackRow>> {
    // Unit paths are ids and slashes (`/1/5/`): nothing in them to escape.
    let pattern = unit_prefix.map(|p| format!("{p}%"));
    with_conn!(c, |c| {
        sqlx::query_as(concat!(
            "select ",
            callback_columns!(),
            r" from callbacks cb join problems p on p.id = cb.problem_id join units u on u.id = p.owner_unit_id
               where cb.review = $1 and ($2 is null or u.path like $2) order by cb.id limit $3"
        ))
        .bind(domain::problem::CallbackReview::Pending)
        .bind(pattern.as_deref())
        .bind(limit)
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}
