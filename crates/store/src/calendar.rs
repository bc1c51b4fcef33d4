//! The working-day calendar's stored dates: the shipped arrangement plus whatever the admin adds.

use crate::{Conn, Result, db_err};
use chrono::NaiveDate;
use domain::calendar::{DayKind, SpecialDay, WorkCalendar};

#[derive(Debug, Clone, sqlx::FromRow)]
struct DayRow {
    day: NaiveDate,
    kind: String,
    note: String,
}

/// Loads the whole calendar.
pub async fn load_calendar(c: &mut Conn<'_>) -> Result<WorkCalendar> {
    let days: Vec<DayRow> = with_conn!(c, |c| {
        sqlx::query_as("select day, kind, note from calendar_days order by day")
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)?
    });
    let years: Vec<i32> = with_conn!(c, |c| {
        sqlx::query_scalar("select year from calendar_years order by year").fetch_all(&mut *c).await.map_err(db_err)?
    });
    let special = days
        .into_iter()
        .filter_map(|d| DayKind::parse(&d.kind).ok().map(|kind| SpecialDay { date: d.day, kind, note: d.note }))
        .collect::<Vec<_>>();
    Ok(WorkCalendar::new(special, years))
}

pub async fn list_days(c: &mut Conn<'_>, year: i32) -> Result<Vec<SpecialDay>> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    let rows: Vec<DayRow> = with_conn!(c, |c| {
        sqlx::query_as("select day, kind, note from calendar_days where day >= $1 and day <= $2 order by day")
            .bind(from)
            .bind(to)
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)?
    });
    Ok(rows
        .into_iter()
        .filter_map(|d| DayKind::parse(&d.kind).ok().map(|kind| SpecialDay { date: d.day, kind, note: d.note }))
        .collect())
}

pub async fn upsert_day(c: &mut Conn<'_>, day: &SpecialDay) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query(
            r"insert into calendar_days (day, kind, note) values ($1, $2, $3)
              on conflict (day) do update set kind = excluded.kind, note = excluded.note",
        )
        .bind(day.date)
        .bind(day.kind.as_str())
        .bind(&day.note)
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    });
    Ok(())
}

pub async fn delete_days_of_year(c: &mut Conn<'_>, year: i32) -> Result<()> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
    with_conn!(c, |c| {
        sqlx::query("delete from calendar_days where day >= $1 and day <= $2")
            .bind(from)
            .bind(to)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

/// Marks a year as covered (its arrangement has been entered).
pub async fn mark_year(c: &mut Conn<'_>, year: i32, source: &str) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query(
            r"insert into calendar_years (year, source) values ($1, $2)
              on conflict (year) do update set source = excluded.source",
        )
        .bind(year)
        .bind(source)
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    });
    Ok(())
}

pub async fn is_year_marked(c: &mut Conn<'_>, year: i32) -> Result<bool> {
    let n: i64 = with_conn!(c, |c| {
        sqlx::query_scalar("select count(*) from calendar_years where year = $1")
            .bind(year)
            .fetch_one(&mut *c)
            .await
            .map_err(db_err)?
    });
    Ok(n > 0)
}
