//! Users: who they are, their unit and role, and their password hash (never the password).

use crate::{Conn, Result, db_err};
use chrono::{DateTime, Utc};
use domain::{UnitId, UserId};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: domain::UserId,
    pub unit_id: domain::UnitId,
    pub username: String,
    pub display_name: String,
    pub role: domain::user::Role,
    pub password_hash: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub struct NewUser<'a> {
    pub unit_id: UnitId,
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub password_hash: &'a str,
}

pub async fn insert_user(c: &mut Conn<'_>, u: &NewUser<'_>, now: DateTime<Utc>) -> Result<UserRow> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"insert into users (unit_id, username, display_name, role, password_hash, active, created_at, updated_at)
              values ($1, $2, $3, $4, $5, $6, $7, $7)
              returning id, unit_id, username, display_name, role, password_hash, active, created_at, updated_at",
        )
        .bind(u.unit_id.get())
        .bind(u.username)
        .bind(u.display_name)
        .bind(u.role)
        .bind(u.password_hash)
        .bind(true)
        .bind(now)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn get_user(c: &mut Conn<'_>, id: UserId) -> Result<Option<UserRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select id, unit_id, username, display_name, role, password_hash, active, created_at, updated_at
              from users where id = $1",
        )
        .bind(id.get())
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn find_user_by_username(c: &mut Conn<'_>, username: &str) -> Result<Option<UserRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select id, unit_id, username, display_name, role, password_hash, active, created_at, updated_at
              from users where username = $1",
        )
        .bind(username)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// Users whose unit lies in the subtree at `path_prefix`.
pub async fn list_users(c: &mut Conn<'_>, path_prefix: &str) -> Result<Vec<UserRow>> {
    let pattern = format!("{path_prefix}%");
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select u.id, u.unit_id, u.username, u.display_name, u.role, u.password_hash, u.active, u.created_at, u.updated_at
              from users u join units n on n.id = u.unit_id
              where n.path like $1 order by u.id",
        )
        .bind(&pattern)
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn update_user(
    c: &mut Conn<'_>,
    id: UserId,
    unit_id: UnitId,
    display_name: &str,
    role: &str,
    active: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query(
            "update users set unit_id = $1, display_name = $2, role = $3, active = $4, updated_at = $5 where id = $6",
        )
        .bind(unit_id.get())
        .bind(display_name)
        .bind(role)
        .bind(active)
        .bind(now)
        .bind(id.get())
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    });
    Ok(())
}

pub async fn set_password_hash(c: &mut Conn<'_>, id: UserId, hash: &str, now: DateTime<Utc>) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("update users set password_hash = $1, updated_at = $2 where id = $3")
            .bind(hash)
            .bind(now)
            .bind(id.get())
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}
