//! The unit tree (单位). Each unit stores its path of ids from the root, so that "this unit and
//! everything below it" is one prefix match.

use crate::{Conn, Result, db_err};
use chrono::{DateTime, Utc};
use domain::unit::UnitPath;
use domain::{Error, UnitId};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct UnitRow {
    pub id: UnitId,
    pub parent_id: Option<UnitId>,
    pub name: String,
    pub code: Option<String>,
    pub path: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl UnitRow {
    pub fn unit_id(&self) -> UnitId {
        self.id
    }

    pub fn unit_path(&self) -> Result<UnitPath> {
        UnitPath::parse(&self.path)
    }
}

pub async fn insert_unit(
    c: &mut Conn<'_>,
    parent: Option<&UnitRow>,
    name: &str,
    code: Option<&str>,
    now: DateTime<Utc>,
) -> Result<UnitRow> {
    let parent_id = parent.map(|p| p.id);
    let id: i64 = with_conn!(c, |c| {
        sqlx::query_scalar(
            r"insert into units (parent_id, name, code, path, created_at, updated_at)
              values ($1, $2, $3, '', $4, $4) returning id",
        )
        .bind(parent_id)
        .bind(name)
        .bind(code)
        .bind(now)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)?
    });
    let path = match parent {
        Some(p) => p.unit_path()?.child(UnitId::new(id)),
        None => UnitPath::root(UnitId::new(id)),
    };
    with_conn!(c, |c| {
        sqlx::query("update units set path = $1 where id = $2")
            .bind(path.as_str())
            .bind(id)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    get_unit(c, UnitId::new(id)).await?.ok_or_else(|| Error::internal("unit vanished"))
}

pub async fn get_unit(c: &mut Conn<'_>, id: UnitId) -> Result<Option<UnitRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(r"select id, parent_id, name, code, path, created_at, updated_at from units where id = $1")
            .bind(id.get())
            .fetch_optional(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// Every unit, parents before children.
pub async fn list_units(c: &mut Conn<'_>) -> Result<Vec<UnitRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select id, parent_id, name, code, path, created_at, updated_at from units
              order by length(path), path",
        )
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn find_units_by_name(c: &mut Conn<'_>, name: &str) -> Result<Vec<UnitRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select id, parent_id, name, code, path, created_at, updated_at from units
              where name = $1 or code = $1 order by id",
        )
        .bind(name)
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn update_unit(
    c: &mut Conn<'_>,
    id: UnitId,
    name: &str,
    code: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("update units set name = $1, code = $2, updated_at = $3 where id = $4")
            .bind(name)
            .bind(code)
            .bind(now)
            .bind(id.get())
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

/// How many units exist: zero means a fresh install.
pub async fn count_units(c: &mut Conn<'_>) -> Result<i64> {
    with_conn!(c, |c| sqlx::query_scalar("select count(*) from units").fetch_one(&mut *c).await.map_err(db_err))
}
