//! Grouping at intake: fingerprints (migrations 0004 and 0006), read by the nodes in the order
//! they were written, and what the grouping found for each feedback item. The fingerprints are opaque JSON here; `text` makes and
//! compares them.

use crate::{Bind, Conn, Result, db_err};
use chrono::{DateTime, Utc};
use domain::feedback::RecordKind;

/// Stores a record's fingerprint, replacing any it had. The row takes a new `seq`, so that the
/// nodes catching up (app::print_index) read the new one.
pub async fn put_print(
    c: &mut Conn<'_>,
    kind: RecordKind,
    record_id: i64,
    print: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    delete_print(c, kind, record_id).await?;
    with_conn!(c, |c| {
        sqlx::query("insert into text_prints (kind, record_id, print, created_at) values ($1, $2, $3, $4)")
            .bind(kind)
            .bind(record_id)
            .bind(print)
            .bind(now)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

pub async fn delete_print(c: &mut Conn<'_>, kind: RecordKind, record_id: i64) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("delete from text_prints where kind = $1 and record_id = $2")
            .bind(kind)
            .bind(record_id)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

/// A stored fingerprint in the order it was written.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoggedPrint {
    pub seq: i64,
    pub kind: RecordKind,
    pub record_id: i64,
    pub print: String,
}

/// Fingerprints written after `after` (at most `limit`, in `seq` order), and those whose `seq`
/// lies in one of `gaps` (inclusive ranges a node has not seen filled yet).
pub async fn prints_since(c: &mut Conn<'_>, after: i64, gaps: &[(i64, i64)], limit: i64) -> Result<Vec<LoggedPrint>> {
    let mut binds = vec![Bind::I64(after), Bind::I64(limit)];
    let mut gap_reads = String::new();
    for (lo, hi) in gaps {
        binds.push(Bind::I64(*lo));
        binds.push(Bind::I64(*hi));
        gap_reads.push_str(&format!(
            " union all select seq, kind, record_id, print from text_prints where seq between ${} and ${}",
            binds.len() - 1,
            binds.len()
        ));
    }
    let sql = format!(
        "select * from (select seq, kind, record_id, print from text_prints where seq > $1 order by seq limit $2) \
         ahead{gap_reads}"
    );
    with_conn!(c, |c| {
        bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), &binds).fetch_all(&mut *c).await.map_err(db_err)
    })
}

/// What the grouping found for one feedback item.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct MatchRow {
    pub id: domain::MatchId,
    pub feedback_id: domain::FeedbackId,
    /// `linked`, `proposed` or `recurrence`.
    pub relation: domain::feedback::MatchRelation,
    pub problem_id: Option<domain::ProblemId>,
    pub other_feedback_id: Option<domain::FeedbackId>,
    pub score: f64,
    pub matched_text: String,
    pub created_at: DateTime<Utc>,
}

/// The columns a new match is stored with, and its values for them.
pub(crate) const NEW_MATCH_COLUMNS: [&str; 7] =
    ["feedback_id", "relation", "problem_id", "other_feedback_id", "score", "matched_text", "created_at"];

pub(crate) fn new_match_binds(m: &MatchRow) -> Vec<Bind> {
    vec![
        Bind::I64(m.feedback_id.get()),
        Bind::Text(m.relation.as_str().to_string()),
        Bind::OptI64(m.problem_id.map(|x| x.get())),
        Bind::OptI64(m.other_feedback_id.map(|x| x.get())),
        Bind::F64(m.score),
        Bind::Text(m.matched_text.clone()),
        Bind::Time(m.created_at),
    ]
}

/// Stores matches, many per statement, and gives each its id.
pub async fn insert_matches_with_ids(c: &mut Conn<'_>, matches: &mut [MatchRow]) -> Result<()> {
    if matches.is_empty() {
        return Ok(());
    }
    let rows = matches.iter().map(new_match_binds).collect();
    let ids: Vec<(i64, i64, Option<i64>, Option<i64>)> = crate::bulk::insert_rows_returning(
        c,
        "text_matches",
        &NEW_MATCH_COLUMNS,
        rows,
        "id, feedback_id, problem_id, other_feedback_id",
    )
    .await?;
    // A new report is matched at most once with each problem and each other report.
    let by_key: std::collections::HashMap<(i64, Option<i64>, Option<i64>), i64> =
        ids.into_iter().map(|(id, f, p, o)| ((f, p, o), id)).collect();
    for m in matches.iter_mut() {
        let key = (m.feedback_id.get(), m.problem_id.map(|x| x.get()), m.other_feedback_id.map(|x| x.get()));
        m.id = domain::MatchId::new(by_key.get(&key).copied().unwrap_or_default());
    }
    Ok(())
}

const MATCH_COLUMNS: &str = "id, feedback_id, relation, problem_id, other_feedback_id, score, matched_text, created_at";

pub async fn matches_of_feedback(c: &mut Conn<'_>, feedback_id: domain::FeedbackId) -> Result<Vec<MatchRow>> {
    let sql = format!("select {MATCH_COLUMNS} from text_matches where feedback_id = $1 order by score desc, id");
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(feedback_id).fetch_all(&mut *c).await.map_err(db_err)
    })
}

pub async fn matches_of_problem(
    c: &mut Conn<'_>,
    problem_id: domain::ProblemId,
    relation: domain::feedback::MatchRelation,
) -> Result<Vec<MatchRow>> {
    let sql = format!(
        "select {MATCH_COLUMNS} from text_matches where problem_id = $1 and relation = $2 order by created_at desc, id"
    );
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(problem_id)
            .bind(relation)
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// Every recurrence (反弹回潮) found, newest first.
pub async fn recurrences(c: &mut Conn<'_>, limit: i64) -> Result<Vec<MatchRow>> {
    let sql = format!(
        "select {MATCH_COLUMNS} from text_matches where relation = 'recurrence' order by created_at desc, id desc limit $1"
    );
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(limit).fetch_all(&mut *c).await.map_err(db_err)
    })
}

/// Records of `kind` (feedback or problems) without a fingerprint — bulk-loaded, older than
/// grouping, or printed by a version that cut other band keys — for the catch-up: id, title and
/// text.
pub async fn without_print(
    c: &mut Conn<'_>,
    kind: RecordKind,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, Option<String>, String)>> {
    let sql = without_print_sql(kind);
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(kind)
            .bind(after)
            .bind(limit)
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// The query for a batch of records without a fingerprint, after `$2`, at most `$3`: from where
/// the last batch stopped, so that the catch-up walks the table once (by its primary key, each
/// record looked up in `text_prints` by its unique key).
pub fn without_print_sql(kind: RecordKind) -> String {
    let (table, text) = if kind == RecordKind::Problem { ("problems", "description") } else { ("feedback", "body") };
    format!(
        "select r.id, r.title, r.{text} from {table} r where r.id > $2 and not exists \
           (select 1 from text_prints t where t.kind = $1 and t.record_id = r.id) order by r.id limit $3"
    )
}

/// A feedback item with its fingerprint, for ranking hot problems (热点问题).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecentPrint {
    pub id: domain::FeedbackId,
    pub title: Option<String>,
    /// The text, up to its first [`RECENT_TEXT_CHARS`] characters (what a hot issue is grouped
    /// and described by: places and matters are named early).
    pub body: String,
    pub received_at: DateTime<Utc>,
    /// Who reported it (name or contact), to count distinct reporters; never shown.
    pub reporter: Option<String>,
    pub likes: i64,
    pub dislikes: i64,
    pub problem_id: Option<domain::ProblemId>,
    pub channel: domain::feedback::Channel,
    pub kind: domain::feedback::FeedbackKind,
    pub print: String,
}

/// How much of a report's text [`recent_prints`] reads.
pub const RECENT_TEXT_CHARS: usize = 1000;

/// Feedback received since `since` (newest `limit`, oldest first), visible in the unit subtree
/// `visible_prefix` when given, with its fingerprint.
pub async fn recent_prints(
    c: &mut Conn<'_>,
    since: DateTime<Utc>,
    visible_prefix: Option<&str>,
    limit: i64,
) -> Result<Vec<RecentPrint>> {
    let visible = if visible_prefix.is_some() { "and u.path like $3" } else { "" };
    let sql = format!(
        "select * from (select f.id, f.title, substr(f.body, 1, {RECENT_TEXT_CHARS}) as body, f.received_at, \
           coalesce(f.reporter_contact, f.reporter_name) as reporter, f.likes, f.dislikes, f.problem_id, f.channel, f.kind, p.print \
         from feedback f join units u on u.id = f.unit_id \
         join text_prints p on p.kind = 'feedback' and p.record_id = f.id \
         where f.received_at >= $1 {visible} order by f.id desc limit $2) recent order by id"
    );
    with_conn!(c, |c| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(since).bind(limit);
        if let Some(prefix) = visible_prefix {
            q = q.bind(format!("{prefix}%"));
        }
        q.fetch_all(&mut *c).await.map_err(db_err)
    })
}
