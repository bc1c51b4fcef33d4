//! Saved list filters: a name and a query string, per user.

use crate::{Conn, Result, db_err};
use chrono::{DateTime, Utc};
use domain::{SavedFilterId, UserId};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SavedFilterRow {
    pub id: domain::SavedFilterId,
    pub user_id: domain::UserId,
    pub name: String,
    pub query: String,
    pub created_at: DateTime<Utc>,
}

/// Saves a filter under its name, replacing one of the same name.
pub async fn save(c: &mut Conn<'_>, user: UserId, name: &str, query: &str, now: DateTime<Utc>) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query(
            r"insert into saved_filters (user_id, name, query, created_at) values ($1, $2, $3, $4)
              on conflict (user_id, name) do update set query = excluded.query, created_at = excluded.created_at",
        )
        .bind(user.get())
        .bind(name)
        .bind(query)
        .bind(now)
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    });
    Ok(())
}

pub async fn list(c: &mut Conn<'_>, user: UserId) -> Result<Vec<SavedFilterRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            "select id, user_id, name, query, created_at from saved_filters where user_id = $1 order by name",
        )
        .bind(user.get())
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn delete(c: &mut Conn<'_>, user: UserId, id: SavedFilterId) -> Result<u64> {
    with_conn!(c, |c| {
        sqlx::query("delete from saved_filters where user_id = $1 and id = $2")
            .bind(user.get())
            .bind(id.get())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
            .map_err(db_err)
    })
}
