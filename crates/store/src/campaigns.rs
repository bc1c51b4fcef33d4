//! Campaigns (专项工作) and the counters behind their problem numbers.

use crate::{Conn, Result, db_err};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{CampaignId, UnitId};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CampaignRow {
    pub id: domain::CampaignId,
    pub unit_id: domain::UnitId,
    pub name: String,
    pub kind: String,
    pub code_prefix: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub phases: String,
    pub goals: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub struct CampaignFields<'a> {
    pub unit_id: UnitId,
    pub name: &'a str,
    pub kind: &'a str,
    pub code_prefix: &'a str,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub phases: &'a str,
    pub goals: Option<&'a str>,
}

pub async fn insert_campaign(c: &mut Conn<'_>, f: &CampaignFields<'_>, now: DateTime<Utc>) -> Result<CampaignRow> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"insert into campaigns (unit_id, name, kind, code_prefix, starts_on, ends_on, phases, goals, created_at, updated_at)
              values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
              returning id, unit_id, name, kind, code_prefix, starts_on, ends_on, phases, goals, created_at, updated_at",
        )
        .bind(f.unit_id.get())
        .bind(f.name)
        .bind(f.kind)
        .bind(f.code_prefix)
        .bind(f.starts_on)
        .bind(f.ends_on)
        .bind(f.phases)
        .bind(f.goals)
        .bind(now)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn update_campaign(
    c: &mut Conn<'_>,
    id: CampaignId,
    f: &CampaignFields<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query(
            r"update campaigns set unit_id = $1, name = $2, kind = $3, code_prefix = $4, starts_on = $5,
              ends_on = $6, phases = $7, goals = $8, updated_at = $9 where id = $10",
        )
        .bind(f.unit_id.get())
        .bind(f.name)
        .bind(f.kind)
        .bind(f.code_prefix)
        .bind(f.starts_on)
        .bind(f.ends_on)
        .bind(f.phases)
        .bind(f.goals)
        .bind(now)
        .bind(id.get())
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    });
    Ok(())
}

pub async fn get_campaign(c: &mut Conn<'_>, id: CampaignId) -> Result<Option<CampaignRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select id, unit_id, name, kind, code_prefix, starts_on, ends_on, phases, goals, created_at, updated_at
              from campaigns where id = $1",
        )
        .bind(id.get())
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn list_campaigns(c: &mut Conn<'_>) -> Result<Vec<CampaignRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select id, unit_id, name, kind, code_prefix, starts_on, ends_on, phases, goals, created_at, updated_at
              from campaigns order by id",
        )
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// The next sequence number for `prefix` in `year`: 1, 2, 3… Runs inside the caller's write
/// transaction, so two problems never get the same number.
pub async fn next_number(c: &mut Conn<'_>, prefix: &str, year: i32) -> Result<i64> {
    with_conn!(c, |c| {
        sqlx::query_scalar(
            r"insert into number_counters (prefix, year, last) values ($1, $2, 1)
              on conflict (prefix, year) do update set last = number_counters.last + 1
              returning last",
        )
        .bind(prefix)
        .bind(year)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// Reserves `count` numbers at once (bulk loads) and returns the first.
pub async fn reserve_numbers(c: &mut Conn<'_>, prefix: &str, year: i32, count: i64) -> Result<i64> {
    let last: i64 = with_conn!(c, |c| {
        sqlx::query_scalar(
            r"insert into number_counters (prefix, year, last) values ($1, $2, $3)
              on conflict (prefix, year) do update set last = number_counters.last + $3
              returning last",
        )
        .bind(prefix)
        .bind(year)
        .bind(count)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)?
    });
    Ok(last - count + 1)
}
