//! 通知 and the scheduler's bookkeeping: the lease one node holds while it runs the scheduler, the
//! runs finished per job and day, the notices themselves, and what the rules read of problems.

use crate::{Conn, Result, db_err};
use chrono::{DateTime, NaiveDate, Utc};
use domain::feedback::FeedbackKind;
use domain::notice::{NoticeChannel, NoticeKind, NoticeStatus};
use domain::supervision::Colour;
use domain::workflow::{SignoffStage, Status};
use domain::{CampaignId, CategoryId, NoticeId, ProblemId, UnitId, UserId};

/// Takes the lease `name` for `holder` until `until`, when it is free, has run out at `now`, or
/// is the holder's own already. True when the holder has it.
pub async fn take_lease(
    c: &mut Conn<'_>,
    name: &str,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool> {
    let taken: Option<String> = with_conn!(c, |c| {
        sqlx::query_scalar(
            r"insert into leases (name, holder, held_until) values ($1, $2, $3)
              on conflict (name) do update set holder = excluded.holder, held_until = excluded.held_until
              where leases.held_until < $4 or leases.holder = excluded.holder
              returning holder",
        )
        .bind(name)
        .bind(holder)
        .bind(until)
        .bind(now)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)?
    });
    Ok(taken.is_some())
}

/// Gives the lease back, if the holder still has it.
pub async fn release_lease(c: &mut Conn<'_>, name: &str, holder: &str) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("delete from leases where name = $1 and holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

/// Whether `job` has finished its run for `day`.
pub async fn run_finished(c: &mut Conn<'_>, job: &str, day: NaiveDate) -> Result<bool> {
    let found: i64 = with_conn!(c, |c| {
        sqlx::query_scalar("select count(*) from scheduler_runs where job = $1 and day = $2")
            .bind(job)
            .bind(day)
            .fetch_one(&mut *c)
            .await
            .map_err(db_err)?
    });
    Ok(found > 0)
}

/// Marks `job`'s run for `day` finished.
pub async fn finish_run(c: &mut Conn<'_>, job: &str, day: NaiveDate, holder: &str, now: DateTime<Utc>) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query(
            "insert into scheduler_runs (job, day, holder, finished_at) values ($1, $2, $3, $4) \
             on conflict (job, day) do nothing",
        )
        .bind(job)
        .bind(day)
        .bind(holder)
        .bind(now)
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    });
    Ok(())
}

/// A notice to make.
#[derive(Debug, Clone, PartialEq)]
pub struct NewNotice {
    pub key: String,
    pub kind: NoticeKind,
    pub problem_id: Option<ProblemId>,
    pub unit_id: Option<UnitId>,
    pub user_id: Option<UserId>,
    pub channel: NoticeChannel,
    pub colour: Option<Colour>,
    pub stage: Option<SignoffStage>,
    pub deadline: Option<NaiveDate>,
    /// A digest's figures: open, due soon, overdue.
    pub figures: Option<(i64, i64, i64)>,
    pub day: NaiveDate,
    pub status: NoticeStatus,
    /// Why it could not be sent, when it is made failed.
    pub last_error: Option<String>,
}

/// A notice as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct NoticeRow {
    pub id: NoticeId,
    pub key: String,
    pub kind: NoticeKind,
    pub problem_id: Option<ProblemId>,
    pub unit_id: Option<UnitId>,
    pub user_id: Option<UserId>,
    pub channel: NoticeChannel,
    pub colour: Option<Colour>,
    pub stage: Option<SignoffStage>,
    pub deadline: Option<NaiveDate>,
    pub open_count: Option<i64>,
    pub due_soon_count: Option<i64>,
    pub overdue_count: Option<i64>,
    pub day: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub status: NoticeStatus,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// The recipient's display name.
    pub recipient_name: Option<String>,
}

const NOTICE_COLUMNS: &str = "n.id, n.key, n.kind, n.problem_id, n.unit_id, n.user_id, n.channel, n.colour, n.stage, \
    n.deadline, n.open_count, n.due_soon_count, n.overdue_count, n.day, n.created_at, n.status, n.attempts, \
    n.next_attempt_at, n.sent_at, n.last_error, u.display_name as recipient_name";

/// Makes a notice unless one with its key exists; its id when it was made now. A notice sent on
/// the spot (the inbox) is stored as sent.
pub async fn insert_notice(c: &mut Conn<'_>, n: &NewNotice, now: DateTime<Utc>) -> Result<Option<NoticeId>> {
    let (open, soon, late) = match n.figures {
        Some((a, b, c)) => (Some(a), Some(b), Some(c)),
        None => (None, None, None),
    };
    let sent_at = (n.status == NoticeStatus::Sent).then_some(now);
    with_conn!(c, |c| {
        sqlx::query_scalar(
            r"insert into notices (key, kind, problem_id, unit_id, user_id, channel, colour, stage, deadline,
                open_count, due_soon_count, overdue_count, day, created_at, status, next_attempt_at, sent_at, last_error)
              values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $14, $16, $17)
              on conflict (key) do nothing returning id",
        )
        .bind(&n.key)
        .bind(n.kind)
        .bind(n.problem_id)
        .bind(n.unit_id)
        .bind(n.user_id)
        .bind(n.channel)
        .bind(n.colour)
        .bind(n.stage)
        .bind(n.deadline)
        .bind(open)
        .bind(soon)
        .bind(late)
        .bind(n.day)
        .bind(now)
        .bind(n.status)
        .bind(sent_at)
        .bind(&n.last_error)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// What the admin's list of notices is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct NoticeFilter {
    pub problem_id: Option<ProblemId>,
    pub user_id: Option<UserId>,
    pub kind: Option<NoticeKind>,
    pub status: Option<NoticeStatus>,
    pub day: Option<NaiveDate>,
    pub channel: Option<NoticeChannel>,
    /// Read notices with ids below this one (the next page, newest first).
    pub before: Option<NoticeId>,
    pub limit: i64,
}

/// Notices, newest first.
pub async fn list_notices(c: &mut Conn<'_>, f: &NoticeFilter) -> Result<Vec<NoticeRow>> {
    // Each condition is written so that an absent value lets every row through: one statement
    // text for every filter.
    let sql = format!(
        "select {NOTICE_COLUMNS} from notices n left join users u on u.id = n.user_id \
         where ($1 is null or n.problem_id = $1) and ($2 is null or n.user_id = $2) and ($3 is null or n.kind = $3) \
           and ($4 is null or n.status = $4) and ($5 is null or n.day = $5) and ($6 is null or n.id < $6) \
           and ($8 is null or n.channel = $8) \
         order by n.id desc limit $7"
    );
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(f.problem_id)
            .bind(f.user_id)
            .bind(f.kind)
            .bind(f.status)
            .bind(f.day)
            .bind(f.before)
            .bind(f.limit)
            .bind(f.channel)
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// What the reminder rules read of a problem that is open, or closed with a callback owed.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WatchedRow {
    pub id: ProblemId,
    pub number: domain::problem::ProblemNumber,
    pub title: String,
    pub campaign_id: CampaignId,
    pub lead_unit_id: UnitId,
    pub responsible_leader_id: Option<UserId>,
    pub status: Status,
    pub signoff_stage: Option<SignoffStage>,
    pub deadline: Option<NaiveDate>,
    pub next_measure_deadline: Option<NaiveDate>,
    pub awaiting_resubmission: bool,
    pub manual_colour: Option<Colour>,
    /// When the sign-off began waiting on its current stage.
    pub stage_since: Option<DateTime<Utc>>,
    /// When it was closed, for a closed problem whose reporter has not been called back.
    pub closed_at: Option<DateTime<Utc>>,
    pub category_id: Option<CategoryId>,
    pub kind: FeedbackKind,
}

/// Every assigned or submitted problem, and those closed since `closed_since` whose reporter left
/// a contact and has not been called back.
pub async fn watched(c: &mut Conn<'_>, closed_since: DateTime<Utc>) -> Result<Vec<WatchedRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select p.id, p.number, p.title, p.campaign_id, p.lead_unit_id, p.responsible_leader_id, p.status, p.signoff_stage,
                     p.deadline, p.next_measure_deadline, p.awaiting_resubmission, p.manual_colour,
                     case when p.signoff_stage = 'verifier' then
                       (select max(s.leader_at) from signoffs s where s.problem_id = p.id and s.status = 'pending_verifier')
                     else p.submitted_at end as stage_since,
                     null as closed_at, p.category_id, p.kind
              from problems p
              where p.status in ('assigned', 'submitted') and p.lead_unit_id is not null
              union all
              select p.id, p.number, p.title, p.campaign_id, p.lead_unit_id, p.responsible_leader_id, p.status, p.signoff_stage,
                     p.deadline, p.next_measure_deadline, p.awaiting_resubmission, p.manual_colour,
                     null, p.closed_at, p.category_id, p.kind
              from problems p
              where p.status = 'closed' and p.closed_at >= $1 and p.lead_unit_id is not null
                and not exists (select 1 from callbacks cb where cb.problem_id = p.id)
                and exists (select 1 from feedback f where f.problem_id = p.id and f.reporter_contact is not null)
              order by 1",
        )
        .bind(closed_since)
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// Claims up to `limit` pending e-mail notices that are due, for `holder` until `until`: no other
/// node sends them meanwhile. A claim that ran out (its node died) may be taken again.
pub async fn claim_due_mail(
    c: &mut Conn<'_>,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<NoticeRow>> {
    let lock = match c.backend() {
        crate::Backend::Postgres => "for update skip locked",
        crate::Backend::Sqlite => "",
    };
    let sql = format!(
        "update notices set claimed_by = $1, claimed_until = $3 where id in ( \
           select id from notices where channel = 'email' and status = 'pending' and next_attempt_at <= $2 \
             and (claimed_until is null or claimed_until < $2) order by id limit $4 {lock})"
    );
    with_conn!(c, |c| {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(holder)
            .bind(now)
            .bind(until)
            .bind(limit)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    // What this holder claimed just now carries its claim's end.
    let sql = format!(
        "select {NOTICE_COLUMNS} from notices n left join users u on u.id = n.user_id \
         where n.claimed_by = $1 and n.claimed_until = $2 and n.status = 'pending' order by n.id"
    );
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(holder).bind(until).fetch_all(&mut *c).await.map_err(db_err)
    })
}

/// Records an attempt to send a claimed notice (see [`crate::webhooks::Outcome`]).
pub async fn record_attempt(
    c: &mut Conn<'_>,
    id: NoticeId,
    outcome: &crate::webhooks::Outcome,
    now: DateTime<Utc>,
) -> Result<()> {
    use crate::webhooks::Outcome;
    // One statement: the status, the attempts, when to try next, when it ended and why.
    let (status, tried, at, sent_at, error) = match outcome {
        Outcome::Sent { .. } => (NoticeStatus::Sent, 1, now, Some(now), None),
        Outcome::Failed { error, retry_at: Some(at), .. } => {
            (NoticeStatus::Pending, 1, *at, None, Some(error.as_str()))
        }
        Outcome::Failed { error, retry_at: None, .. } => {
            (NoticeStatus::Failed, 1, now, Some(now), Some(error.as_str()))
        }
        Outcome::Deferred { at } => (NoticeStatus::Pending, 0, *at, None, None),
    };
    with_conn!(c, |c| {
        sqlx::query(
            "update notices set status = $2, attempts = attempts + $3, next_attempt_at = $4, sent_at = $5, \
             last_error = case when $2 = 'sent' then null else coalesce($6, last_error) end, claimed_by = null, claimed_until = null where id = $1",
        )
        .bind(id)
        .bind(status)
        .bind(tried)
        .bind(at)
        .bind(sent_at)
        .bind(error)
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    });
    Ok(())
}
