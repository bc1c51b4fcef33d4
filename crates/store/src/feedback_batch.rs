//! Reports written and read many at a time: the intake writer stores a whole batch of new
//! reports in one statement, and grouping reads where all of a batch's candidates stand, and the
//! words of those it quotes, in one statement each.

use crate::feedback::FeedbackRow;
use crate::{Bind, Conn, Result, db_err};
use chrono::{DateTime, Utc};
use domain::{FeedbackId, ProblemId};
use std::collections::HashMap;

/// Stores new reports, many per statement, each with the words the search index holds for it;
/// their ids by tracking code (which every report has, and which is unique).
pub async fn insert_reports(c: &mut Conn<'_>, reports: &[(&FeedbackRow, &str)]) -> Result<HashMap<String, FeedbackId>> {
    let mut columns = vec!["search_terms"];
    columns.extend(crate::bulk::FEEDBACK_COLUMNS);
    let rows = reports
        .iter()
        .map(|(f, terms)| {
            let mut b = vec![Bind::Text((*terms).to_string())];
            b.extend(crate::bulk::feedback_binds(f));
            b
        })
        .collect();
    let ids: Vec<(i64, String)> =
        crate::bulk::insert_rows_returning(c, "feedback", &columns, rows, "id, tracking_code").await?;
    Ok(ids.into_iter().map(|(id, code)| (code, FeedbackId::new(id))).collect())
}

/// What grouping needs to know of a stored report it found close to a new one.
#[derive(Debug, Clone, Copy, PartialEq, sqlx::FromRow)]
pub struct Standing {
    pub id: FeedbackId,
    pub problem_id: Option<ProblemId>,
    pub received_at: DateTime<Utc>,
}

/// [`Standing`] of the reports of `ids` that exist, in no set order: one statement for many
/// (grouping resolves a whole batch's candidates at once, and most are never shown).
pub async fn standings(c: &mut Conn<'_>, ids: &[FeedbackId]) -> Result<Vec<Standing>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "select id, problem_id, received_at from feedback where id in {}",
        crate::id_list(ids.iter().map(|id| id.get()))
    );
    with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&mut *c).await.map_err(db_err))
}

/// The title and the first `chars` characters of the body of the reports of `ids`, in no set
/// order: what a match quotes.
pub async fn openings(
    c: &mut Conn<'_>,
    ids: &[FeedbackId],
    chars: u32,
) -> Result<Vec<(FeedbackId, Option<String>, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // The length is written out: PostgreSQL's substr takes an integer, not a bound bigint.
    let sql = format!(
        "select id, title, substr(body, 1, {chars}) from feedback where id in {}",
        crate::id_list(ids.iter().map(|id| id.get()))
    );
    with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&mut *c).await.map_err(db_err))
}

/// Links many new reports to the problems grouping joined them to, in one statement.
pub async fn link_many(c: &mut Conn<'_>, links: &[(FeedbackId, ProblemId)], now: DateTime<Utc>) -> Result<()> {
    for chunk in links.chunks(500) {
        // `values` names its columns column1, column2 on both backends.
        let values: Vec<String> = (0..chunk.len()).map(|i| format!("(${}, ${})", 2 * i + 2, 2 * i + 3)).collect();
        let sql = format!(
            "update feedback set problem_id = v.column2, linked_at = $1, updated_at = $1 \
             from (values {}) as v where feedback.id = v.column1",
            values.join(", ")
        );
        with_conn!(c, |c| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(now);
            for (feedback, problem) in chunk {
                q = q.bind(feedback.get()).bind(problem.get());
            }
            q.execute(&mut *c).await.map_err(db_err)?;
        });
    }
    Ok(())
}
