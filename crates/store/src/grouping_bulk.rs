//! Grouping for a whole import at once: fingerprints and matches written many rows per
//! statement, and the stored fingerprints an import is matched against, read in one query each.

use crate::bulk::{insert_rows, insert_rows_then};
use crate::grouping::MatchRow;
use crate::{Bind, Conn, Result, db_err};
use chrono::{DateTime, Utc};
use domain::feedback::RecordKind;

/// A record's fingerprint (JSON), for [`insert_prints`].
pub struct NewPrint {
    pub record_id: i64,
    pub print: String,
}

/// Stores fingerprints of records that have none yet; a record given one meanwhile keeps its own.
pub async fn insert_prints(c: &mut Conn<'_>, kind: RecordKind, prints: &[NewPrint], now: DateTime<Utc>) -> Result<()> {
    let rows = prints
        .iter()
        .map(|p| {
            vec![Bind::Text(kind.as_str().into()), Bind::I64(p.record_id), Bind::Text(p.print.clone()), Bind::Time(now)]
        })
        .collect();
    let columns = ["kind", "record_id", "print", "created_at"];
    insert_rows_then(c, "text_prints", &columns, rows, "on conflict (kind, record_id) do nothing").await
}

pub async fn insert_matches(c: &mut Conn<'_>, matches: &[MatchRow]) -> Result<()> {
    let rows = matches.iter().map(crate::grouping::new_match_binds).collect();
    insert_rows(c, "text_matches", &crate::grouping::NEW_MATCH_COLUMNS, rows).await
}

/// The source keys already imported from `source`, so that an import run twice adds nothing.
pub async fn source_keys(c: &mut Conn<'_>, source: &str) -> Result<Vec<String>> {
    with_conn!(c, |c| {
        sqlx::query_scalar("select source_key from feedback where source = $1 and source_key is not null")
            .bind(source)
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// A stored record new feedback may be matched with.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Target {
    pub kind: RecordKind,
    pub record_id: i64,
    pub print: String,
    /// The problem it is (a problem) or belongs to (feedback), if any.
    pub problem_id: Option<domain::ProblemId>,
    /// That problem's state and sign-off time.
    pub status: Option<domain::workflow::Status>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Its text, to show what matched.
    pub title: Option<String>,
    pub body: String,
}

/// Problems open or signed off since `closed_since`, and feedback received since `since` (the
/// newest `limit`), with their fingerprints: what intake compares new feedback with.
pub async fn targets(
    c: &mut Conn<'_>,
    closed_since: DateTime<Utc>,
    since: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Target>> {
    let problems = "select 'problem' as kind, p.id as record_id, t.print, p.id as problem_id, p.status, p.closed_at, \
           p.title, p.description as body \
         from problems p join text_prints t on t.kind = 'problem' and t.record_id = p.id \
         where p.status in ('new', 'assigned', 'submitted') or (p.status = 'closed' and p.closed_at >= $1) \
         order by p.id";
    let feedback = "select * from (select 'feedback' as kind, f.id as record_id, t.print, f.problem_id, p.status, \
           p.closed_at, f.title, f.body \
         from feedback f join text_prints t on t.kind = 'feedback' and t.record_id = f.id \
         left join problems p on p.id = f.problem_id \
         where f.received_at >= $1 order by f.id desc limit $2) recent order by record_id";
    with_conn!(c, |c| {
        let mut out: Vec<Target> =
            sqlx::query_as(problems).bind(closed_since).fetch_all(&mut *c).await.map_err(db_err)?;
        out.extend(
            sqlx::query_as::<_, Target>(feedback).bind(since).bind(limit).fetch_all(&mut *c).await.map_err(db_err)?,
        );
        Ok(out)
    })
}
