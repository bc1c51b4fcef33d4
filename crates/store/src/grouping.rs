//! Grouping at intake: fingerprints and their LSH band keys (migration 0004), and what the
//! grouping found for each feedback item. The fingerprints are opaque JSON here; `text` makes and
//! compares them.

use crate::{Bind, Conn, Result, db_err};
use chrono::{DateTime, Utc};

/// `feedback` or `problem`.
pub const FEEDBACK: &str = "feedback";
pub const PROBLEM: &str = "problem";

/// Stores a record's fingerprint and band keys, replacing any it had.
pub async fn put_print(
    c: &mut Conn<'_>,
    kind: &str,
    record_id: i64,
    print: &str,
    keys: &[u64],
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
    if keys.is_empty() {
        return Ok(());
    }
    let mut binds: Vec<Bind> = vec![Bind::Text(kind.to_string()), Bind::I64(record_id)];
    let mut rows = Vec::with_capacity(keys.len());
    for k in keys {
        // The key's bits as a signed integer: both databases store 64-bit signed integers.
        binds.push(Bind::I64(*k as i64));
        rows.push(format!("(${}, $1, $2)", binds.len()));
    }
    let sql = format!("insert into text_bands (band_key, kind, record_id) values {}", rows.join(", "));
    with_conn!(c, |c| {
        bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), &binds).execute(&mut *c).await.map_err(db_err)?;
    });
    Ok(())
}

pub async fn delete_print(c: &mut Conn<'_>, kind: &str, record_id: i64) -> Result<()> {
    with_conn!(c, |c| {
        for sql in [
            "delete from text_bands where kind = $1 and record_id = $2",
            "delete from text_prints where kind = $1 and record_id = $2",
        ] {
            sqlx::query(sql).bind(kind).bind(record_id).execute(&mut *c).await.map_err(db_err)?;
        }
    });
    Ok(())
}

/// A stored record that shares a band key with the one being matched.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Candidate {
    pub kind: String,
    pub record_id: i64,
    pub print: String,
    /// How many keys it shares: more is likelier.
    pub shared: i64,
}

/// How many of the newest records under each key are candidates: a template reported from a
/// thousand places fills a bucket, and only its newest members are worth comparing.
const PER_KEY: usize = 12;

/// Records sharing any of `keys` (the newest few under each), most shared keys first, at most
/// `limit`, `exclude` left out.
pub async fn candidates(c: &mut Conn<'_>, keys: &[u64], exclude: (&str, i64), limit: i64) -> Result<Vec<Candidate>> {
    if keys.is_empty() {
        return Ok(vec![]);
    }
    let mut binds: Vec<Bind> = vec![Bind::Text(exclude.0.to_string()), Bind::I64(exclude.1), Bind::I64(limit)];
    let mut per_key = Vec::with_capacity(keys.len());
    for k in keys {
        binds.push(Bind::I64(*k as i64));
        // Each key read newest first from the (band_key, record_id) index, a dozen rows at most.
        per_key.push(format!(
            "select * from (select kind, record_id from text_bands where band_key = ${} \
               order by record_id desc limit {PER_KEY}) k{}",
            binds.len(),
            binds.len()
        ));
    }
    let sql = format!(
        "select p.kind, p.record_id, p.print, h.shared from \
           (select kind, record_id, count(*) as shared from ({}) hits group by kind, record_id) h \
         join text_prints p on p.kind = h.kind and p.record_id = h.record_id \
         where not (h.kind = $1 and h.record_id = $2) \
         order by h.shared desc, h.record_id desc limit $3",
        per_key.join(" union all ")
    );
    with_conn!(c, |c| {
        bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), &binds).fetch_all(&mut *c).await.map_err(db_err)
    })
}

/// What the grouping found for one feedback item.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct MatchRow {
    pub id: i64,
    pub feedback_id: i64,
    /// `linked`, `proposed` or `recurrence`.
    pub relation: String,
    pub problem_id: Option<i64>,
    pub other_feedback_id: Option<i64>,
    pub score: f64,
    pub matched_text: String,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_match(c: &mut Conn<'_>, m: &MatchRow) -> Result<i64> {
    with_conn!(c, |c| {
        sqlx::query_scalar(
            r"insert into text_matches (feedback_id, relation, problem_id, other_feedback_id, score, matched_text,
                created_at) values ($1, $2, $3, $4, $5, $6, $7) returning id",
        )
        .bind(m.feedback_id)
        .bind(&m.relation)
        .bind(m.problem_id)
        .bind(m.other_feedback_id)
        .bind(m.score)
        .bind(&m.matched_text)
        .bind(m.created_at)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)
    })
}

const MATCH_COLUMNS: &str = "id, feedback_id, relation, problem_id, other_feedback_id, score, matched_text, created_at";

pub async fn matches_of_feedback(c: &mut Conn<'_>, feedback_id: i64) -> Result<Vec<MatchRow>> {
    let sql = format!("select {MATCH_COLUMNS} from text_matches where feedback_id = $1 order by score desc, id");
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(feedback_id).fetch_all(&mut *c).await.map_err(db_err)
    })
}

pub async fn matches_of_problem(c: &mut Conn<'_>, problem_id: i64, relation: &str) -> Result<Vec<MatchRow>> {
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
pub async fn without_print(c: &mut Conn<'_>, kind: &str, limit: i64) -> Result<Vec<(i64, Option<String>, String)>> {
    let (table, text) = if kind == PROBLEM { ("problems", "description") } else { ("feedback", "body") };
    let sql = format!(
        "select r.id, r.title, r.{text} from {table} r where not exists \
           (select 1 from text_prints t where t.kind = $1 and t.record_id = r.id) order by r.id limit $2"
    );
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(kind).bind(limit).fetch_all(&mut *c).await.map_err(db_err)
    })
}

/// A feedback item with its fingerprint, for ranking hot problems (热点问题).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecentPrint {
    pub id: i64,
    pub title: Option<String>,
    /// The opening of the text.
    pub opening: String,
    pub received_at: DateTime<Utc>,
    /// Who reported it (name or contact), to count distinct reporters; never shown.
    pub reporter: Option<String>,
    pub likes: i64,
    pub dislikes: i64,
    pub problem_id: Option<i64>,
    pub print: String,
}

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
        "select * from (select f.id, f.title, substr(f.body, 1, 80) as opening, f.received_at, \
           coalesce(f.reporter_contact, f.reporter_name) as reporter, f.likes, f.dislikes, f.problem_id, p.print \
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
