//! The audit log's storage: rows are appended after taking the chain head row, which serialises
//! appends on both backends (a row lock on PostgreSQL, the write lock on SQLite), so the chain
//! never forks. Computing and checking the hashes is `app`'s job.

use crate::{Conn, Result, db_err};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct AuditRow {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<domain::UserId>,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<i64>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// Takes the next sequence number and returns it with the previous row's hash. Holds the head row
/// until the caller's transaction ends.
pub async fn take_head(c: &mut Conn<'_>) -> Result<(i64, String)> {
    with_conn!(c, |c| {
        sqlx::query_as("update audit_head set seq = seq + 1 where id = 1 returning seq, hash")
            .fetch_one(&mut *c)
            .await
            .map_err(db_err)
    })
}

pub async fn append(c: &mut Conn<'_>, row: &AuditRow) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query(
            r"insert into audit_log (seq, at, actor_id, actor, action, entity_type, entity_id, before_json,
                after_json, prev_hash, hash) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(row.seq)
        .bind(row.at)
        .bind(row.actor_id)
        .bind(&row.actor)
        .bind(&row.action)
        .bind(&row.entity_type)
        .bind(row.entity_id)
        .bind(&row.before_json)
        .bind(&row.after_json)
        .bind(&row.prev_hash)
        .bind(&row.hash)
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
        crate::queries::note();
        sqlx::query("update audit_head set hash = $1 where id = 1")
            .bind(&row.hash)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

/// The head as stored: the last sequence number and hash.
pub async fn head(c: &mut Conn<'_>) -> Result<(i64, String)> {
    with_conn!(c, |c| {
        sqlx::query_as("select seq, hash from audit_head where id = 1").fetch_one(&mut *c).await.map_err(db_err)
    })
}

/// Up to `limit` rows after `after_seq`, in stored order.
pub async fn rows_after(c: &mut Conn<'_>, after_seq: i64, limit: i64) -> Result<Vec<AuditRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select seq, at, actor_id, actor, action, entity_type, entity_id, before_json, after_json, prev_hash, hash
              from audit_log where seq > $1 order by seq limit $2",
        )
        .bind(after_seq)
        .bind(limit)
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

/// The history of one record, oldest first.
pub async fn rows_for_entity(c: &mut Conn<'_>, entity_type: &str, entity_id: i64) -> Result<Vec<AuditRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select seq, at, actor_id, actor, action, entity_type, entity_id, before_json, after_json, prev_hash, hash
              from audit_log where entity_type = $1 and entity_id = $2 order by seq",
        )
        .bind(entity_type)
        .bind(entity_id)
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}
