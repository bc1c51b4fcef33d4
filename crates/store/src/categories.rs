//! The category tree (问题类别) and its time limits per feedback kind.

use crate::{Conn, Result, db_err};
use chrono::{DateTime, Utc};
use domain::CategoryId;
use domain::limits::TimeLimits;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CategoryRow {
    pub id: domain::CategoryId,
    pub parent_id: Option<domain::CategoryId>,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LimitRow {
    pub category_id: domain::CategoryId,
    pub kind: domain::feedback::FeedbackKind,
    pub sign_days: i32,
    pub response_days: i32,
    pub completion_days: i32,
    pub callback_days: i32,
}

impl LimitRow {
    pub fn limits(&self) -> TimeLimits {
        let day = |v: i32| u32::try_from(v).unwrap_or(0);
        TimeLimits {
            sign_days: day(self.sign_days),
            response_days: day(self.response_days),
            completion_days: day(self.completion_days),
            callback_days: day(self.callback_days),
        }
    }
}

pub async fn insert_category(
    c: &mut Conn<'_>,
    parent: Option<CategoryId>,
    name: &str,
    now: DateTime<Utc>,
) -> Result<CategoryRow> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"insert into categories (parent_id, name, created_at, updated_at) values ($1, $2, $3, $3)
              returning id, parent_id, name, created_at, updated_at",
        )
        .bind(parent.map(|p| p.get()))
        .bind(name)
        .bind(now)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn rename_category(c: &mut Conn<'_>, id: CategoryId, name: &str, now: DateTime<Utc>) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("update categories set name = $1, updated_at = $2 where id = $3")
            .bind(name)
            .bind(now)
            .bind(id.get())
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

pub async fn get_category(c: &mut Conn<'_>, id: CategoryId) -> Result<Option<CategoryRow>> {
    with_conn!(c, |c| {
        sqlx::query_as("select id, parent_id, name, created_at, updated_at from categories where id = $1")
            .bind(id.get())
            .fetch_optional(&mut *c)
            .await
            .map_err(db_err)
    })
}

pub async fn list_categories(c: &mut Conn<'_>) -> Result<Vec<CategoryRow>> {
    with_conn!(c, |c| {
        sqlx::query_as("select id, parent_id, name, created_at, updated_at from categories order by id")
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)
    })
}

pub async fn list_limits(c: &mut Conn<'_>, category: CategoryId) -> Result<Vec<LimitRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select category_id, kind, sign_days, response_days, completion_days, callback_days
              from category_limits where category_id = $1 order by kind",
        )
        .bind(category.get())
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn get_limit(c: &mut Conn<'_>, category: CategoryId, kind: &str) -> Result<Option<LimitRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select category_id, kind, sign_days, response_days, completion_days, callback_days
              from category_limits where category_id = $1 and kind = $2",
        )
        .bind(category.get())
        .bind(kind)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn upsert_limit(c: &mut Conn<'_>, category: CategoryId, kind: &str, l: &TimeLimits) -> Result<()> {
    let days = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    with_conn!(c, |c| {
        sqlx::query(
            r"insert into category_limits (category_id, kind, sign_days, response_days, completion_days, callback_days)
              values ($1, $2, $3, $4, $5, $6)
              on conflict (category_id, kind) do update set sign_days = excluded.sign_days,
                response_days = excluded.response_days, completion_days = excluded.completion_days,
                callback_days = excluded.callback_days",
        )
        .bind(category.get())
        .bind(kind)
        .bind(days(l.sign_days))
        .bind(days(l.response_days))
        .bind(days(l.completion_days))
        .bind(days(l.callback_days))
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    });
    Ok(())
}
