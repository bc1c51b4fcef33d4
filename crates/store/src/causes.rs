//! 根源分析 as stored: the install's root-cause taxonomy, the causes found for each problem and
//! those a mechanism answers, and the recurrences (from the text engine's matches) read back with
//! their dates for the mechanism and blind-spot figures.

use crate::{Conn, Result, db_err, id_list};
use chrono::{DateTime, Utc};
use domain::{FeedbackId, MechanismId, ProblemId, RootCauseId};

kept_list!(
    /// One cause of the taxonomy.
    RootCauseRow,
    RootCauseId,
    "root_causes",
    list_root_causes,
    insert_root_cause,
    update_root_cause
);

/// The causes linked to each of `owners` in `table` (`problem_root_causes` by `problem_id`, or
/// `mechanism_root_causes` by `mechanism_id`), as (owner, cause).
async fn causes_in(c: &mut Conn<'_>, table: &str, owner: &str, owners: &[i64]) -> Result<Vec<(i64, RootCauseId)>> {
    if owners.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "select x.{owner}, x.root_cause_id from {table} x join root_causes r on r.id = x.root_cause_id \
         where x.{owner} in {} order by x.{owner}, r.position, r.id",
        id_list(owners.iter().copied())
    );
    with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&mut *c).await.map_err(db_err))
}

async fn set_causes(c: &mut Conn<'_>, table: &str, owner: &str, id: i64, causes: &[RootCauseId]) -> Result<()> {
    let delete = format!("delete from {table} where {owner} = $1");
    let insert = format!("insert into {table} ({owner}, root_cause_id) values ($1, $2) on conflict do nothing");
    with_conn!(c, |c| {
        sqlx::query(sqlx::AssertSqlSafe(delete.clone())).bind(id).execute(&mut *c).await.map_err(db_err)?;
        for cause in causes {
            sqlx::query(sqlx::AssertSqlSafe(insert.clone()))
                .bind(id)
                .bind(*cause)
                .execute(&mut *c)
                .await
                .map_err(db_err)?;
        }
    });
    Ok(())
}

pub async fn causes_of_problems(c: &mut Conn<'_>, problems: &[ProblemId]) -> Result<Vec<(ProblemId, RootCauseId)>> {
    let ids: Vec<i64> = problems.iter().map(|p| p.get()).collect();
    let rows = causes_in(c, "problem_root_causes", "problem_id", &ids).await?;
    Ok(rows.into_iter().map(|(p, r)| (ProblemId::new(p), r)).collect())
}

pub async fn set_problem_causes(c: &mut Conn<'_>, problem: ProblemId, causes: &[RootCauseId]) -> Result<()> {
    set_causes(c, "problem_root_causes", "problem_id", problem.get(), causes).await
}

pub async fn causes_of_mechanism(c: &mut Conn<'_>, mechanism: MechanismId) -> Result<Vec<RootCauseId>> {
    let rows = causes_in(c, "mechanism_root_causes", "mechanism_id", &[mechanism.get()]).await?;
    Ok(rows.into_iter().map(|(_, r)| r).collect())
}

pub async fn set_mechanism_causes(c: &mut Conn<'_>, mechanism: MechanismId, causes: &[RootCauseId]) -> Result<()> {
    set_causes(c, "mechanism_root_causes", "mechanism_id", mechanism.get(), causes).await
}

/// The recurrences the text engine flagged — each the report and the signed-off problem it
/// repeats, with when the report came in — of `problems`, or of every problem when `None`.
pub async fn recurrences(
    c: &mut Conn<'_>,
    problems: Option<&[ProblemId]>,
) -> Result<Vec<(FeedbackId, ProblemId, DateTime<Utc>)>> {
    let only = match problems {
        Some([]) => return Ok(Vec::new()),
        Some(ids) => format!(" and m.problem_id in {}", id_list(ids.iter().map(|p| p.get()))),
        None => String::new(),
    };
    let sql = format!(
        "select m.feedback_id, m.problem_id, f.received_at from text_matches m join feedback f on f.id = m.feedback_id \
         where m.relation = 'recurrence' and m.problem_id is not null{only} order by f.received_at, m.id"
    );
    with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(&mut *c).await.map_err(db_err))
}

/// The problems an issued mechanism addresses.
pub async fn problems_with_issued_mechanisms(c: &mut Conn<'_>) -> Result<Vec<ProblemId>> {
    with_conn!(c, |c| {
        sqlx::query_scalar(
            "select distinct pm.problem_id from problem_mechanisms pm join mechanisms m on m.id = pm.mechanism_id \
             where m.status = 'issued' order by pm.problem_id",
        )
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// The causes found for one problem, with their names, in the taxonomy's order (one statement:
/// the problem's page reads it every time).
pub async fn named_causes_of_problem(c: &mut Conn<'_>, problem: ProblemId) -> Result<Vec<(RootCauseId, String)>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            "select r.id, r.name from problem_root_causes x join root_causes r on r.id = x.root_cause_id \
             where x.problem_id = $1 order by r.position, r.id",
        )
        .bind(problem)
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}
