//! Feedback (诉求/线索): raw reports as they arrived. The (source, source_key) pair is unique, which
//! makes imports idempotent.

use crate::{Bind, Conn, Result, db_err, search};
use chrono::{DateTime, Utc};
use domain::feedback::{Channel, FeedbackKind, TrackingCode};
use domain::{CampaignId, FeedbackFileId, FeedbackId, ProblemId, UnitId, UserId};

macro_rules! feedback_columns {
    () => {
        r"f.id, f.campaign_id, f.unit_id, f.channel, f.kind, f.title, f.body, f.received_at, f.reporter_name,
          f.reporter_contact, f.address, f.latitude, f.longitude, f.likes, f.dislikes, f.source, f.source_key,
          f.tracking_code, f.rating_key_hash, f.problem_id, f.linked_at, f.created_by, f.created_at, f.updated_at"
    };
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct FeedbackRow {
    pub id: FeedbackId,
    pub campaign_id: Option<CampaignId>,
    pub unit_id: UnitId,
    pub channel: Channel,
    pub kind: FeedbackKind,
    pub title: Option<String>,
    pub body: String,
    pub received_at: DateTime<Utc>,
    pub reporter_name: Option<String>,
    pub reporter_contact: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub likes: i64,
    pub dislikes: i64,
    pub source: Option<String>,
    pub source_key: Option<String>,
    pub tracking_code: TrackingCode,
    pub rating_key_hash: Option<String>,
    pub problem_id: Option<ProblemId>,
    /// When it joined its problem: a report linked after the problem was made cannot reopen it
    /// by a rating alone.
    pub linked_at: Option<DateTime<Utc>>,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Stores new feedback with the words the search index holds for it.
pub async fn insert_feedback(c: &mut Conn<'_>, f: &FeedbackRow, search_terms: &str) -> Result<FeedbackId> {
    let id: i64 = with_conn!(c, |c| {
        sqlx::query_scalar(
            r"insert into feedback (campaign_id, unit_id, channel, kind, title, body, received_at, reporter_name,
                reporter_contact, address, latitude, longitude, likes, dislikes, source, source_key, tracking_code,
                rating_key_hash, problem_id, linked_at, created_by, created_at, updated_at, search_terms)
              values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22,
                $23)
              returning id",
        )
        .bind(f.campaign_id)
        .bind(f.unit_id)
        .bind(f.channel)
        .bind(f.kind)
        .bind(&f.title)
        .bind(&f.body)
        .bind(f.received_at)
        .bind(&f.reporter_name)
        .bind(&f.reporter_contact)
        .bind(&f.address)
        .bind(f.latitude)
        .bind(f.longitude)
        .bind(f.likes)
        .bind(f.dislikes)
        .bind(&f.source)
        .bind(&f.source_key)
        .bind(&f.tracking_code)
        .bind(&f.rating_key_hash)
        .bind(f.problem_id)
        .bind(f.linked_at)
        .bind(f.created_by)
        .bind(f.created_at)
        .bind(search_terms)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)?
    });
    Ok(FeedbackId::new(id))
}

pub async fn get_feedback(c: &mut Conn<'_>, id: FeedbackId) -> Result<Option<FeedbackRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(concat!("select ", feedback_columns!(), " from feedback f where f.id = $1"))
            .bind(id.get())
            .fetch_optional(&mut *c)
            .await
            .map_err(db_err)
    })
}

pub async fn get_feedback_by_code(c: &mut Conn<'_>, code: &str) -> Result<Option<FeedbackRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(concat!("select ", feedback_columns!(), " from feedback f where f.tracking_code = $1"))
            .bind(code)
            .fetch_optional(&mut *c)
            .await
            .map_err(db_err)
    })
}

pub async fn find_feedback_by_source(c: &mut Conn<'_>, source: &str, key: &str) -> Result<Option<FeedbackRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(concat!(
            "select ",
            feedback_columns!(),
            " from feedback f where f.source = $1 and f.source_key = $2"
        ))
        .bind(source)
        .bind(key)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn list_feedback_of_problem(c: &mut Conn<'_>, problem: ProblemId) -> Result<Vec<FeedbackRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(concat!(
            "select ",
            feedback_columns!(),
            " from feedback f where f.problem_id = $1 order by f.id"
        ))
        .bind(problem.get())
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

#[derive(Debug, Clone, Default)]
pub struct FeedbackFilter {
    /// Visible when the receiving unit, or the linked problem's lead unit, lies in this subtree.
    pub visible_prefix: Option<String>,
    pub unit_path: Option<String>,
    pub channel: Option<domain::feedback::Channel>,
    pub kind: Option<domain::feedback::FeedbackKind>,
    pub campaign_id: Option<CampaignId>,
    pub problem_id: Option<ProblemId>,
    /// Some(false): only feedback not yet on the list (the intake inbox).
    pub linked: Option<bool>,
    /// Some(false): only feedback not declined (不予受理).
    pub dismissed: Option<bool>,
    /// Every one of these words (segmented like the index) in the text.
    pub words: Option<Vec<String>>,
    /// Best match first (one page, no cursor) instead of newest first.
    pub by_relevance: bool,
    /// Hottest first among the newest [`HEAT_RANKED`] (one page, no cursor; without words).
    pub by_heat: bool,
    pub before_id: Option<FeedbackId>,
    pub limit: i64,
}

/// How many of the newest reports a sort by heat ranks: the inbox an office works through.
pub const HEAT_RANKED: i64 = 2_000;

/// A report's heat (热度) in the inbox: itself, the reports grouping found like it (either side of
/// a match), and the public's net votes.
const HEAT: &str = "(1 + (select count(*) from text_matches m where m.feedback_id = f.id and m.other_feedback_id is not null) \
     + (select count(*) from text_matches m where m.other_feedback_id = f.id) \
     + case when f.likes > f.dislikes then f.likes - f.dislikes else 0 end)";

/// A report's heat as [`list_feedback`] ranks it, for showing beside it.
pub async fn heat_of(c: &mut Conn<'_>, ids: &[FeedbackId]) -> Result<Vec<(FeedbackId, i64)>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!("select f.id, {HEAT} as heat from feedback f where f.id in ({})", marks(ids.len()));
    with_conn!(c, |c| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(&mut *c).await.map_err(db_err)
    })
}

/// One page of feedback, newest first, and whether another follows.
pub async fn list_feedback(c: &mut Conn<'_>, f: &FeedbackFilter) -> Result<(Vec<FeedbackRow>, bool)> {
    let mut binds: Vec<Bind> = Vec::new();
    let mut conds: Vec<String> = Vec::new();
    let bind = |b: Bind, binds: &mut Vec<Bind>| {
        binds.push(b);
        format!("${}", binds.len())
    };
    if let Some(prefix) = &f.visible_prefix {
        let p = bind(Bind::Text(format!("{prefix}%")), &mut binds);
        conds.push(format!(
            "(fu.path like {p} or exists (select 1 from problems p join units lu on lu.id = p.lead_unit_id \
              where p.id = f.problem_id and lu.path like {p}))"
        ));
    }
    if let Some(path) = &f.unit_path {
        let p = bind(Bind::Text(format!("{path}%")), &mut binds);
        conds.push(format!("fu.path like {p}"));
    }
    if let Some(v) = &f.channel {
        let p = bind(Bind::Text((*v).as_str().to_string()), &mut binds);
        conds.push(format!("f.channel = {p}"));
    }
    if let Some(v) = &f.kind {
        let p = bind(Bind::Text((*v).as_str().to_string()), &mut binds);
        conds.push(format!("f.kind = {p}"));
    }
    if let Some(v) = f.campaign_id {
        let p = bind(Bind::I64(v.get()), &mut binds);
        conds.push(format!("f.campaign_id = {p}"));
    }
    if let Some(v) = f.problem_id {
        let p = bind(Bind::I64(v.get()), &mut binds);
        conds.push(format!("f.problem_id = {p}"));
    }
    match f.linked {
        Some(true) => conds.push("f.problem_id is not null".into()),
        Some(false) => conds.push("f.problem_id is null".into()),
        None => {}
    }
    match f.dismissed {
        Some(true) => conds.push("f.dismissed_at is not null".into()),
        Some(false) => conds.push("f.dismissed_at is null".into()),
        None => {}
    }
    let mut join = String::new();
    let mut matched = None;
    if let Some(words) = &f.words {
        let p = bind(Bind::Text(search::match_value(c.backend(), words)), &mut binds);
        let m = search::text_match(c.backend(), search::Doc::Feedback, "f", &p);
        join = m.join.clone();
        conds.extend(m.condition.clone());
        matched = Some(m);
    }
    if let Some(v) = f.before_id.filter(|_| !f.by_relevance) {
        let p = bind(Bind::I64(v.get()), &mut binds);
        conds.push(format!("f.id < {p}"));
    }
    let limit = bind(Bind::I64(f.limit + 1), &mut binds);
    let select = |conds: &[String], extra: &str, order: &str, limit: &str| {
        format!(
            "select {cols}{extra} from feedback f join units fu on fu.id = f.unit_id {join} {where_} \
             order by {order} limit {limit}",
            cols = feedback_columns!(),
            where_ = if conds.is_empty() { String::new() } else { format!("where {}", conds.join(" and ")) }
        )
    };
    let Some(m) = &matched else {
        if f.by_heat {
            let newest = select(&conds, &format!(", {HEAT} as heat"), "f.id desc", &HEAT_RANKED.to_string());
            let sql = format!("select * from ({newest}) hot order by heat desc, id desc limit {limit}");
            return fetch_page(c, &sql, &binds, f.limit).await;
        }
        return fetch_page(c, &select(&conds, "", "f.id desc", &limit), &binds, f.limit).await;
    };
    let rank = format!(", {} as hit_rank", m.relevance);
    let ranked_rows = search::RANKED.to_string();
    // Newest first, or the best of the newest by relevance; both read the matches newest first.
    let page_sql = |conds: &[String]| match f.by_relevance {
        true => search::best_of_newest(&select(conds, &rank, &m.newest_first, &ranked_rows), m, &limit),
        false => select(conds, "", &m.newest_first, &limit),
    };
    if c.backend() == crate::Backend::Sqlite {
        return fetch_page(c, &page_sql(&conds), &binds, f.limit).await;
    }
    // PostgreSQL reads a word's matches from its GIN index in no order, and would fetch every one
    // of a fifth of a million rows to find the newest; so it looks among the newest ids first, and
    // widens the window only when that finds less than a page (words rarer, so fewer rows to fetch).
    // A page found within a window is the page: nothing outside it is newer.
    let top = match f.before_id.filter(|_| !f.by_relevance) {
        Some(before) => before.get() - 1,
        None => with_conn!(c, |c| {
            sqlx::query_scalar("select coalesce(max(id), 0) from feedback").fetch_one(&mut *c).await.map_err(db_err)?
        }),
    };
    for window in SEARCH_WINDOWS {
        let mut windowed = conds.clone();
        // A number in the text, not a parameter: the planner sizes the window by it.
        windowed.extend(window.map(|w| format!("f.id > {}", top - w)));
        let page = fetch_page(c, &page_sql(&windowed), &binds, f.limit).await?;
        // Ranked, a full page will do (it has no next page); newest first, one more than a page
        // shows whether another follows.
        let enough = page.1 || (f.by_relevance && page.0.len() as i64 == f.limit);
        if enough || window.is_none() {
            return Ok(page);
        }
    }
    Ok((vec![], false))
}

/// The windows of newest ids a search on PostgreSQL looks in, widest last (all).
const SEARCH_WINDOWS: [Option<i64>; 3] = [Some(5_000), Some(50_000), None];

async fn fetch_page(c: &mut Conn<'_>, sql: &str, binds: &[Bind], limit: i64) -> Result<(Vec<FeedbackRow>, bool)> {
    let mut rows: Vec<FeedbackRow> = with_conn!(c, |c| {
        bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string())), binds)
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)?
    });
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows, more))
}

pub async fn link_feedback(
    c: &mut Conn<'_>,
    id: FeedbackId,
    problem: Option<ProblemId>,
    now: DateTime<Utc>,
) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("update feedback set problem_id = $1, linked_at = $2, updated_at = $3 where id = $4")
            .bind(problem.map(|p| p.get()))
            .bind(problem.map(|_| now))
            .bind(now)
            .bind(id.get())
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

/// Moves every feedback of `from` to `to` (merge); returns how many moved.
pub async fn move_feedback(c: &mut Conn<'_>, from: ProblemId, to: ProblemId, now: DateTime<Utc>) -> Result<u64> {
    with_conn!(c, |c| {
        sqlx::query("update feedback set problem_id = $1, linked_at = $2, updated_at = $2 where problem_id = $3")
            .bind(to.get())
            .bind(now)
            .bind(from.get())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
            .map_err(db_err)
    })
}

pub async fn count_feedback(c: &mut Conn<'_>) -> Result<i64> {
    with_conn!(c, |c| sqlx::query_scalar("select count(*) from feedback").fetch_one(&mut *c).await.map_err(db_err))
}

/// A file attached to a feedback item (a photo from the portal).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct FeedbackFileRow {
    pub id: FeedbackFileId,
    pub feedback_id: FeedbackId,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_file(c: &mut Conn<'_>, f: &FeedbackFileRow) -> Result<FeedbackFileId> {
    with_conn!(c, |c| {
        sqlx::query_scalar(
            r"insert into feedback_files (feedback_id, file_name, content_type, size_bytes, sha256, created_at)
              values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(f.feedback_id)
        .bind(&f.file_name)
        .bind(&f.content_type)
        .bind(f.size_bytes)
        .bind(&f.sha256)
        .bind(f.created_at)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn list_files(c: &mut Conn<'_>, feedback: FeedbackId) -> Result<Vec<FeedbackFileRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select id, feedback_id, file_name, content_type, size_bytes, sha256, created_at
              from feedback_files where feedback_id = $1 order by id",
        )
        .bind(feedback.get())
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn get_file(c: &mut Conn<'_>, id: FeedbackFileId) -> Result<Option<FeedbackFileRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select id, feedback_id, file_name, content_type, size_bytes, sha256, created_at
              from feedback_files where id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// Wrong rating keys tried for one report since its last good one, and when the last was tried.
pub async fn rating_failures(c: &mut Conn<'_>, id: FeedbackId) -> Result<(i64, Option<DateTime<Utc>>)> {
    with_conn!(c, |c| {
        sqlx::query_as("select rating_failures, rating_failed_at from feedback where id = $1")
            .bind(id)
            .fetch_one(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// Counts one wrong rating key for a report.
pub async fn record_rating_failure(c: &mut Conn<'_>, id: FeedbackId, at: DateTime<Utc>) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("update feedback set rating_failures = rating_failures + 1, rating_failed_at = $1 where id = $2")
            .bind(at)
            .bind(id)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

/// Forgets a report's wrong rating keys once the right one is given.
pub async fn clear_rating_failures(c: &mut Conn<'_>, id: FeedbackId) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query(
            "update feedback set rating_failures = 0, rating_failed_at = null where id = $1 and rating_failures > 0",
        )
        .bind(id)
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    });
    Ok(())
}

/// The files of several feedback items at once (an inbox page's), by item then upload order.
pub async fn list_files_of(c: &mut Conn<'_>, feedback: &[FeedbackId]) -> Result<Vec<FeedbackFileRow>> {
    if feedback.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!(
        "select id, feedback_id, file_name, content_type, size_bytes, sha256, created_at \
         from feedback_files where feedback_id in ({}) order by feedback_id, id",
        marks(feedback.len())
    );
    with_conn!(c, |c| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for id in feedback {
            q = q.bind(*id);
        }
        q.fetch_all(&mut *c).await.map_err(db_err)
    })
}

/// 不予受理: declines a report not on the list, with the reason; false when it is on the list or
/// declined already (nothing changes then).
pub async fn dismiss_feedback(c: &mut Conn<'_>, id: FeedbackId, reason: &str, at: DateTime<Utc>) -> Result<bool> {
    let done = with_conn!(c, |c| {
        sqlx::query(
            "update feedback set dismissed_at = $1, dismiss_reason = $2, updated_at = $1 \
             where id = $3 and problem_id is null and dismissed_at is null",
        )
        .bind(at)
        .bind(reason)
        .bind(id)
        .execute(&mut *c)
        .await
        .map_err(db_err)?
        .rows_affected()
    });
    Ok(done == 1)
}

/// When a report was declined and why; `None` when it was not.
pub async fn dismissal(c: &mut Conn<'_>, id: FeedbackId) -> Result<Option<(DateTime<Utc>, String)>> {
    let row: Option<(Option<DateTime<Utc>>, Option<String>)> = with_conn!(c, |c| {
        sqlx::query_as("select dismissed_at, dismiss_reason from feedback where id = $1")
            .bind(id)
            .fetch_optional(&mut *c)
            .await
            .map_err(db_err)?
    });
    Ok(row.and_then(|(at, reason)| at.map(|at| (at, reason.unwrap_or_default()))))
}

/// 答复来信人: sets the reply addressed to this report's sender (replacing an earlier one).
pub async fn set_reply(c: &mut Conn<'_>, id: FeedbackId, reply: &str, at: DateTime<Utc>) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("update feedback set reply = $1, replied_at = $2, updated_at = $2 where id = $3")
            .bind(reply)
            .bind(at)
            .bind(id)
            .execute(&mut *c)
            .await
            .map_err(db_err)
            .map(|_| ())?
    });
    Ok(())
}

/// The replies addressed to the senders of these reports, with when each was written.
pub async fn replies_of(c: &mut Conn<'_>, feedback: &[FeedbackId]) -> Result<Vec<(FeedbackId, String, DateTime<Utc>)>> {
    if feedback.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!(
        "select id, reply, replied_at from feedback where reply is not null and id in ({}) order by id",
        marks(feedback.len())
    );
    with_conn!(c, |c| {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
        for id in feedback {
            q = q.bind(*id);
        }
        q.fetch_all(&mut *c).await.map_err(db_err)
    })
}

/// `$1, $2, …, $n`: the placeholders of an `in (…)` list bound value by value.
fn marks(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}
