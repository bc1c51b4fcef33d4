//! Many rows per statement inside the caller's transaction: bulk loading for generated data (the
//! demo and the benchmarks, bypassing the per-record use cases), and the statements the intake
//! writer and the audit chain use to write a whole batch of checked records at once.

use crate::feedback::FeedbackRow;
use crate::problems::ProblemRow;
use crate::{Bind, Conn, Result, db_err};

/// Rows per statement: well under both backends' limits on bound parameters.
const BATCH: usize = 400;

pub(crate) async fn insert_rows(c: &mut Conn<'_>, table: &str, columns: &[&str], rows: Vec<Vec<Bind>>) -> Result<()> {
    insert_rows_then(c, table, columns, rows, "").await
}

/// [`insert_rows`] with a clause after the values (`on conflict do nothing`).
pub(crate) async fn insert_rows_then(
    c: &mut Conn<'_>,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Bind>>,
    then: &str,
) -> Result<()> {
    for chunk in rows.chunks(BATCH) {
        let (sql, binds) = insert_sql(c.backend(), table, columns, chunk, then);
        with_conn!(c, |c| {
            bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), &binds).execute(&mut *c).await.map_err(db_err)?;
        });
    }
    Ok(())
}

/// [`insert_rows`] answering `returning` (a list of columns) for each row inserted, in no set
/// order (SQLite does not keep the order of the values): callers return a column that tells the
/// rows apart.
pub(crate) async fn insert_rows_returning<T>(
    c: &mut Conn<'_>,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Bind>>,
    returning: &str,
) -> Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    T: Send + Unpin,
{
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(BATCH) {
        let (sql, binds) = insert_sql(c.backend(), table, columns, chunk, &format!("returning {returning}"));
        let got: Vec<T> = with_conn!(c, |c| {
            bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), &binds)
                .fetch_all(&mut *c)
                .await
                .map_err(db_err)?
        });
        out.extend(got);
    }
    Ok(out)
}

/// One multi-row insert and its parameters.
fn insert_sql(
    backend: crate::Backend,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Bind>],
    then: &str,
) -> (String, Vec<Bind>) {
    // SQLite looks a named parameter up by walking a list, so thousands of `$N` in one statement
    // cost quadratic time; its anonymous `?` are positional and cost nothing. PostgreSQL needs `$N`.
    let anonymous = backend == crate::Backend::Sqlite;
    let mut binds: Vec<Bind> = Vec::with_capacity(rows.len() * columns.len());
    let mut groups: Vec<String> = Vec::with_capacity(rows.len());
    for row in rows {
        let start = binds.len();
        let ph: Vec<String> =
            (1..=row.len()).map(|i| if anonymous { "?".to_string() } else { format!("${}", start + i) }).collect();
        groups.push(format!("({})", ph.join(", ")));
        binds.extend(row.iter().cloned());
    }
    (format!("insert into {table} ({}) values {} {then}", columns.join(", "), groups.join(", ")), binds)
}

pub(crate) const FEEDBACK_COLUMNS: [&str; 23] = [
    "campaign_id",
    "unit_id",
    "channel",
    "kind",
    "title",
    "body",
    "received_at",
    "reporter_name",
    "reporter_contact",
    "address",
    "latitude",
    "longitude",
    "likes",
    "dislikes",
    "source",
    "source_key",
    "tracking_code",
    "rating_key_hash",
    "problem_id",
    "linked_at",
    "created_by",
    "created_at",
    "updated_at",
];

pub async fn insert_feedback_rows(c: &mut Conn<'_>, rows: &[FeedbackRow]) -> Result<()> {
    insert_rows(c, "feedback", &FEEDBACK_COLUMNS, rows.iter().map(feedback_binds).collect()).await
}

/// Inserts feedback with the ids given (from [`reserve_feedback_ids`]) and its search terms, so
/// that it is indexed as it is written (None leaves a row to the catch-up).
pub async fn insert_indexed_feedback(c: &mut Conn<'_>, rows: &[FeedbackRow], terms: &[Option<String>]) -> Result<()> {
    let mut columns = vec!["id", "search_terms"];
    columns.extend(FEEDBACK_COLUMNS);
    let binds = rows
        .iter()
        .zip(terms)
        .map(|(f, t)| {
            let mut b = vec![Bind::I64(f.id.get()), Bind::OptText(t.clone())];
            b.extend(feedback_binds(f));
            b
        })
        .collect();
    insert_rows(c, "feedback", &columns, binds).await
}

/// The first of `n` feedback ids no one else will take. Call in a write transaction (SQLite's is
/// exclusive; on PostgreSQL the table is locked until commit) and call
/// [`resync_feedback_ids`] after inserting them.
pub async fn reserve_feedback_ids(c: &mut Conn<'_>) -> Result<i64> {
    if let Conn::Postgres(c) = c {
        sqlx::query("lock table feedback in exclusive mode").execute(&mut **c).await.map_err(db_err)?;
    }
    let max: i64 = with_conn!(c, |c| {
        sqlx::query_scalar("select coalesce(max(id), 0) from feedback").fetch_one(&mut *c).await.map_err(db_err)?
    });
    Ok(max + 1)
}

/// Moves PostgreSQL's id sequence past ids inserted by hand (SQLite needs nothing).
pub async fn resync_feedback_ids(c: &mut Conn<'_>) -> Result<()> {
    if let Conn::Postgres(c) = c {
        sqlx::query(
            "select setval(pg_get_serial_sequence('feedback', 'id'), (select coalesce(max(id), 1) from feedback))",
        )
        .execute(&mut **c)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

/// Refreshes PostgreSQL's statistics after a bulk load (outside a transaction), so that its
/// planner knows how common each word is: without them it guesses a common pair of words matches
/// fifty rows and fetches thirty thousand. SQLite's planner needs none here.
pub async fn refresh_statistics(c: &mut Conn<'_>) -> Result<()> {
    if let Conn::Postgres(c) = c {
        sqlx::query("analyze feedback, text_prints, text_matches").execute(&mut **c).await.map_err(db_err)?;
    }
    Ok(())
}

pub(crate) fn feedback_binds(f: &FeedbackRow) -> Vec<Bind> {
    {
        {
            vec![
                Bind::OptI64(f.campaign_id.map(|c| c.get())),
                Bind::I64(f.unit_id.get()),
                Bind::Text(f.channel.as_str().into()),
                Bind::Text(f.kind.as_str().into()),
                Bind::OptText(f.title.clone()),
                Bind::Text(f.body.clone()),
                Bind::Time(f.received_at),
                Bind::OptText(f.reporter_name.clone()),
                Bind::OptText(f.reporter_contact.clone()),
                Bind::OptText(f.address.clone()),
                Bind::OptF64(f.latitude),
                Bind::OptF64(f.longitude),
                Bind::I64(f.likes),
                Bind::I64(f.dislikes),
                Bind::OptText(f.source.clone()),
                Bind::OptText(f.source_key.clone()),
                Bind::Text(f.tracking_code.as_str().into()),
                Bind::OptText(f.rating_key_hash.clone()),
                Bind::OptI64(f.problem_id.map(|p| p.get())),
                Bind::OptTime(f.linked_at),
                Bind::OptI64(f.created_by.map(|u| u.get())),
                Bind::Time(f.created_at),
                Bind::Time(f.updated_at),
            ]
        }
    }
}

const PROBLEM_COLUMNS: [&str; 27] = [
    "id",
    "number",
    "campaign_id",
    "owner_unit_id",
    "title",
    "description",
    "category_id",
    "channel",
    "kind",
    "priority",
    "rectification_type",
    "status",
    "signoff_stage",
    "lead_unit_id",
    "responsible_leader_id",
    "deadline",
    "original_deadline",
    "published",
    "awaiting_resubmission",
    "sent_back_count",
    "reopen_count",
    "received_on",
    "assigned_at",
    "signed_at",
    "closed_at",
    "created_at",
    "updated_at",
];

/// Inserts problems with the ids given (so that generated feedback can point at them) and their
/// search terms, so that they are indexed as they are written.
pub async fn insert_problem_rows(c: &mut Conn<'_>, rows: &[ProblemRow], terms: &[Option<String>]) -> Result<()> {
    let mut columns = vec!["search_terms"];
    columns.extend(PROBLEM_COLUMNS);
    let binds = rows
        .iter()
        .zip(terms)
        .map(|(p, t)| {
            vec![
                Bind::OptText(t.clone()),
                Bind::I64(p.id.get()),
                Bind::Text(p.number.as_str().into()),
                Bind::I64(p.campaign_id.get()),
                Bind::I64(p.owner_unit_id.get()),
                Bind::Text(p.title.clone()),
                Bind::Text(p.description.clone()),
                Bind::OptI64(p.category_id.map(|c| c.get())),
                Bind::Text(p.channel.as_str().into()),
                Bind::Text(p.kind.as_str().into()),
                Bind::Text(p.priority.as_str().into()),
                Bind::Text(p.rectification_type.as_str().into()),
                Bind::Text(p.status.as_str().into()),
                Bind::OptText(p.signoff_stage.map(|s| s.as_str().into())),
                Bind::OptI64(p.lead_unit_id.map(|u| u.get())),
                Bind::OptI64(p.responsible_leader_id.map(|u| u.get())),
                Bind::OptDate(p.deadline),
                Bind::OptDate(p.original_deadline),
                Bind::Bool(p.published),
                Bind::Bool(p.awaiting_resubmission),
                Bind::I64(i64::from(p.sent_back_count)),
                Bind::I64(i64::from(p.reopen_count)),
                Bind::Date(p.received_on),
                Bind::OptTime(p.assigned_at),
                Bind::OptTime(p.signed_at),
                Bind::OptTime(p.closed_at),
                Bind::Time(p.created_at),
                Bind::Time(p.updated_at),
            ]
        })
        .collect();
    insert_rows(c, "problems", &columns, binds).await
}

/// The largest problem id so far (0 when none).
pub async fn max_problem_id(c: &mut Conn<'_>) -> Result<i64> {
    with_conn!(c, |c| {
        sqlx::query_scalar("select coalesce(max(id), 0) from problems").fetch_one(&mut *c).await.map_err(db_err)
    })
}

/// After inserting explicit ids on PostgreSQL, moves the identity sequence past them.
pub async fn resync_problem_ids(c: &mut Conn<'_>) -> Result<()> {
    if let Conn::Postgres(c) = c {
        sqlx::query(
            "select setval(pg_get_serial_sequence('problems', 'id'), (select coalesce(max(id), 1) from problems))",
        )
        .execute(&mut **c)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

/// Refreshes the planner's statistics after a bulk load (on SQLite without value samples: see
/// [`crate::db::forget_value_samples`]).
pub async fn analyze(c: &mut Conn<'_>) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("analyze").execute(&mut *c).await.map_err(db_err)?;
    });
    if let Conn::Sqlite(c) = c {
        crate::db::forget_value_samples(c).await?;
    }
    Ok(())
}
