//! Webhook subscriptions, their deliveries, and the outbox cursor over the audit log.

use crate::{Conn, Result, db_err};
use chrono::{DateTime, Utc};
use domain::notice::NoticeStatus;
use domain::webhook::{Event, WebhookFormat};
use domain::{DeliveryId, ProblemId, UnitId, WebhookId};

/// A subscription as stored; `events` is the space-separated wire names.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WebhookRow {
    pub id: WebhookId,
    pub name: String,
    pub url: String,
    pub format: WebhookFormat,
    pub secret: Option<String>,
    pub events: String,
    pub unit_id: Option<UnitId>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl WebhookRow {
    pub fn wants(&self, event: Event) -> bool {
        self.active && self.events.split(' ').any(|e| e == event.as_str())
    }
}

/// What a subscription is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookFields<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub format: WebhookFormat,
    pub secret: Option<&'a str>,
    pub events: &'a str,
    pub unit_id: Option<UnitId>,
    pub active: bool,
}

const WEBHOOK_COLUMNS: &str = "id, name, url, format, secret, events, unit_id, active, created_at, updated_at, version";

pub async fn insert_webhook(c: &mut Conn<'_>, w: &WebhookFields<'_>, now: DateTime<Utc>) -> Result<WebhookRow> {
    let sql = format!(
        "insert into webhooks (name, url, format, secret, events, unit_id, active, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $8) returning {WEBHOOK_COLUMNS}"
    );
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(w.name)
            .bind(w.url)
            .bind(w.format)
            .bind(w.secret)
            .bind(w.events)
            .bind(w.unit_id)
            .bind(w.active)
            .bind(now)
            .fetch_one(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// Changes a subscription read at `version`; `None` when it changed meanwhile (or is gone). A
/// secret of `None` keeps the stored one.
pub async fn update_webhook(
    c: &mut Conn<'_>,
    id: WebhookId,
    version: i64,
    w: &WebhookFields<'_>,
    now: DateTime<Utc>,
) -> Result<Option<WebhookRow>> {
    let sql = format!(
        "update webhooks set name = $3, url = $4, format = $5, secret = coalesce($6, secret), events = $7, \
         unit_id = $8, active = $9, updated_at = $10, version = version + 1 \
         where id = $1 and version = $2 returning {WEBHOOK_COLUMNS}"
    );
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(version)
            .bind(w.name)
            .bind(w.url)
            .bind(w.format)
            .bind(w.secret)
            .bind(w.events)
            .bind(w.unit_id)
            .bind(w.active)
            .bind(now)
            .fetch_optional(&mut *c)
            .await
            .map_err(db_err)
    })
}

pub async fn get_webhook(c: &mut Conn<'_>, id: WebhookId) -> Result<Option<WebhookRow>> {
    let sql = format!("select {WEBHOOK_COLUMNS} from webhooks where id = $1");
    with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await.map_err(db_err))
}

pub async fn list_webhooks(c: &mut Conn<'_>) -> Result<Vec<WebhookRow>> {
    let sql = format!("select {WEBHOOK_COLUMNS} from webhooks order by id");
    with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *c).await.map_err(db_err))
}

/// A delivery to make.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDelivery {
    pub key: String,
    pub webhook_id: WebhookId,
    pub event: Event,
    pub problem_id: Option<ProblemId>,
    /// The JSON body of the event (a robot's message is made from it when it is sent).
    pub body: String,
}

/// A delivery as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: DeliveryId,
    pub key: String,
    pub webhook_id: WebhookId,
    pub event: Event,
    pub problem_id: Option<ProblemId>,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub status: NoticeStatus,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub response_status: Option<i64>,
    pub last_error: Option<String>,
}

const DELIVERY_COLUMNS: &str = "id, key, webhook_id, event, problem_id, body, created_at, status, attempts, \
    next_attempt_at, sent_at, response_status, last_error";

/// Makes a delivery unless one with its key exists; true when it was made now.
pub async fn insert_delivery(c: &mut Conn<'_>, d: &NewDelivery, now: DateTime<Utc>) -> Result<bool> {
    let made: Option<DeliveryId> = with_conn!(c, |c| {
        sqlx::query_scalar(
            "insert into deliveries (key, webhook_id, event, problem_id, body, created_at, status, next_attempt_at) \
             values ($1, $2, $3, $4, $5, $6, 'pending', $6) on conflict (key) do nothing returning id",
        )
        .bind(&d.key)
        .bind(d.webhook_id)
        .bind(d.event)
        .bind(d.problem_id)
        .bind(&d.body)
        .bind(now)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)?
    });
    Ok(made.is_some())
}

/// Claims up to `limit` pending deliveries that are due, for `holder` until `until`: no other
/// node sends them meanwhile. A claim that ran out (its node died) may be taken again.
pub async fn claim_due(
    c: &mut Conn<'_>,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<DeliveryRow>> {
    // PostgreSQL skips rows another node is claiming this instant; SQLite has one writer.
    let lock = match c.backend() {
        crate::Backend::Postgres => "for update skip locked",
        crate::Backend::Sqlite => "",
    };
    let sql = format!(
        "update deliveries set claimed_by = $1, claimed_until = $3 where id in ( \
           select id from deliveries where status = 'pending' and next_attempt_at <= $2 \
             and (claimed_until is null or claimed_until < $2) order by id limit $4 {lock}) \
         returning {DELIVERY_COLUMNS}"
    );
    let mut rows: Vec<DeliveryRow> = with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(holder)
            .bind(now)
            .bind(until)
            .bind(limit)
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)?
    });
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// How an attempt went.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Sent {
        status: i64,
    },
    /// Tried again at `retry_at`, or failed for good when `None`.
    Failed {
        status: Option<i64>,
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
    /// Not tried: the robot's rate limit is reached; tried at `at`.
    Deferred {
        at: DateTime<Utc>,
    },
}

/// Records an attempt on a claimed delivery.
pub async fn record_attempt(c: &mut Conn<'_>, id: DeliveryId, outcome: &Outcome, now: DateTime<Utc>) -> Result<()> {
    let (sql, status, error, at, tried): (&str, Option<i64>, Option<&str>, Option<DateTime<Utc>>, i64) = match outcome {
        Outcome::Sent { status } => (
            "update deliveries set status = 'sent', attempts = attempts + $5, sent_at = $4, response_status = $2, \
             last_error = $3, claimed_by = null, claimed_until = null where id = $1",
            Some(*status),
            None,
            Some(now),
            1,
        ),
        Outcome::Failed { status, error, retry_at: Some(at) } => (
            "update deliveries set attempts = attempts + $5, next_attempt_at = $4, response_status = $2, \
             last_error = $3, claimed_by = null, claimed_until = null where id = $1",
            *status,
            Some(error.as_str()),
            Some(*at),
            1,
        ),
        Outcome::Failed { status, error, retry_at: None } => (
            "update deliveries set status = 'failed', attempts = attempts + $5, response_status = $2, \
             last_error = $3, claimed_by = null, claimed_until = null, sent_at = $4 where id = $1",
            *status,
            Some(error.as_str()),
            None,
            1,
        ),
        Outcome::Deferred { at } => (
            "update deliveries set next_attempt_at = $4, attempts = attempts + $5, response_status = $2, \
             last_error = coalesce($3, last_error), claimed_by = null, claimed_until = null where id = $1",
            None,
            None,
            Some(*at),
            0,
        ),
    };
    with_conn!(c, |c| {
        sqlx::query(sql)
            .bind(id)
            .bind(status)
            .bind(error)
            .bind(at)
            .bind(tried)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

/// How many messages went to a subscription since `since` (its robot's rate limit): deliveries
/// sent together as one message share their time.
pub async fn messages_since(c: &mut Conn<'_>, webhook: WebhookId, since: DateTime<Utc>) -> Result<i64> {
    with_conn!(c, |c| {
        sqlx::query_scalar(
            "select count(distinct sent_at) from deliveries where webhook_id = $1 and status = 'sent' and sent_at >= $2",
        )
        .bind(webhook)
        .bind(since)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// A subscription's deliveries, newest first.
pub async fn list_deliveries(
    c: &mut Conn<'_>,
    webhook: WebhookId,
    before: Option<DeliveryId>,
    limit: i64,
) -> Result<Vec<DeliveryRow>> {
    let sql = format!(
        "select {DELIVERY_COLUMNS} from deliveries where webhook_id = $1 and ($2 is null or id < $2) \
         order by id desc limit $3"
    );
    with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(webhook)
            .bind(before)
            .bind(limit)
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// The last audit entry the outbox `name` turned into deliveries; none before its first turn.
pub async fn outbox_position(c: &mut Conn<'_>, name: &str) -> Result<Option<i64>> {
    with_conn!(c, |c| {
        sqlx::query_scalar("select last_seq from outbox_cursor where name = $1")
            .bind(name)
            .fetch_optional(&mut *c)
            .await
            .map_err(db_err)
    })
}

pub async fn set_outbox_position(c: &mut Conn<'_>, name: &str, seq: i64) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query(
            "insert into outbox_cursor (name, last_seq) values ($1, $2) \
             on conflict (name) do update set last_seq = excluded.last_seq",
        )
        .bind(name)
        .bind(seq)
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    });
    Ok(())
}
