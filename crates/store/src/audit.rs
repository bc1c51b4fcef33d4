//! The audit log's storage: rows are appended after taking the chain head row, which serialises
//! appends on both backends (a row lock on PostgreSQL, the write lock on SQLite), so the chain
//! never forks. Computing and checking the hashes is `app`'s job.

use crate::{Bind, Conn, Result, db_err};
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

/// Takes the next `n` sequence numbers: returns the last of them, and the hash of the row before
/// the first. Holds the head row until the caller's transaction ends.
pub async fn take_heads(c: &mut Conn<'_>, n: i64) -> Result<(i64, String)> {
    with_conn!(c, |c| {
        sqlx::query_as("update audit_head set seq = seq + $1 where id = 1 returning seq, hash")
            .bind(n)
            .fetch_one(&mut *c)
            .await
            .map_err(db_err)
    })
}

/// Appends rows already chained in order (their numbers taken with [`take_heads`]) in as few
/// statements as the backends' limits allow, and moves the head's hash to the last.
pub async fn append_many(c: &mut Conn<'_>, rows: &[AuditRow]) -> Result<()> {
    let Some(last) = rows.last() else { return Ok(()) };
    let binds = rows
        .iter()
        .map(|r| {
            vec![
                Bind::I64(r.seq),
                Bind::Time(r.at),
                Bind::OptI64(r.actor_id.map(|id| id.get())),
                Bind::Text(r.actor.clone()),
                Bind::Text(r.action.clone()),
                Bind::Text(r.entity_type.clone()),
                Bind::OptI64(r.entity_id),
                Bind::OptText(r.before_json.clone()),
                Bind::OptText(r.after_json.clone()),
                Bind::Text(r.prev_hash.clone()),
                Bind::Text(r.hash.clone()),
            ]
        })
        .collect();
    let columns = [
        "seq",
        "at",
        "actor_id",
        "actor",
        "action",
        "entity_type",
        "entity_id",
        "before_json",
        "after_json",
        "prev_hash",
        "hash",
    ];
    crate::bulk::insert_rows(c, "audit_log", &columns, binds).await?;
    with_conn!(c, |c| {
        sqlx::query("update audit_head set hash = $1 where id = 1")
            .bind(&last.hash)
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
