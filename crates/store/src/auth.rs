//! Login sessions, API tokens and login attempts. Only hashes of session ids and tokens are stored,
//! so a copy of the database does not let anyone sign in.

use crate::{Conn, Result, db_err};
use chrono::{DateTime, Utc};
use domain::{TokenId, UserId};

/// A user found by session or token, with their unit's path: everything the access rules need.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuthRow {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: domain::user::Role,
    pub active: bool,
    pub unit_id: domain::UnitId,
    pub unit_path: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub scope: Option<domain::access::TokenScope>,
}

pub async fn insert_session(
    c: &mut Conn<'_>,
    id_hash: &str,
    user: UserId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("insert into sessions (id_hash, user_id, created_at, expires_at) values ($1, $2, $3, $4)")
            .bind(id_hash)
            .bind(user.get())
            .bind(now)
            .bind(expires_at)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

pub async fn find_session(c: &mut Conn<'_>, id_hash: &str, now: DateTime<Utc>) -> Result<Option<AuthRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select u.id as user_id, u.username, u.display_name, u.role, u.active, u.unit_id,
                     n.path as unit_path, s.expires_at, null as scope
              from sessions s join users u on u.id = s.user_id join units n on n.id = u.unit_id
              where s.id_hash = $1 and s.expires_at > $2",
        )
        .bind(id_hash)
        .bind(now)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn delete_session(c: &mut Conn<'_>, id_hash: &str) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("delete from sessions where id_hash = $1").bind(id_hash).execute(&mut *c).await.map_err(db_err)?;
    });
    Ok(())
}

pub async fn delete_sessions_of(c: &mut Conn<'_>, user: UserId) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("delete from sessions where user_id = $1")
            .bind(user.get())
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

pub async fn delete_expired_sessions(c: &mut Conn<'_>, now: DateTime<Utc>) -> Result<u64> {
    with_conn!(c, |c| {
        sqlx::query("delete from sessions where expires_at <= $1")
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
            .map_err(db_err)
    })
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub id: TokenId,
    pub user_id: UserId,
    pub name: String,
    pub scope: domain::access::TokenScope,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub async fn insert_token(
    c: &mut Conn<'_>,
    user: UserId,
    name: &str,
    token_hash: &str,
    scope: &str,
    now: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
) -> Result<TokenRow> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"insert into api_tokens (user_id, name, token_hash, scope, created_at, expires_at)
              values ($1, $2, $3, $4, $5, $6)
              returning id, user_id, name, scope, created_at, expires_at, revoked_at",
        )
        .bind(user.get())
        .bind(name)
        .bind(token_hash)
        .bind(scope)
        .bind(now)
        .bind(expires_at)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn find_token(c: &mut Conn<'_>, token_hash: &str, now: DateTime<Utc>) -> Result<Option<AuthRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select u.id as user_id, u.username, u.display_name, u.role, u.active, u.unit_id,
                     n.path as unit_path, t.expires_at, t.scope
              from api_tokens t join users u on u.id = t.user_id join units n on n.id = u.unit_id
              where t.token_hash = $1 and t.revoked_at is null and (t.expires_at is null or t.expires_at > $2)",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn list_tokens(c: &mut Conn<'_>, user: Option<UserId>) -> Result<Vec<TokenRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            r"select id, user_id, name, scope, created_at, expires_at, revoked_at from api_tokens
              where $1 is null or user_id = $1 order by id",
        )
        .bind(user.map(|u| u.get()))
        .fetch_all(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn get_token(c: &mut Conn<'_>, id: TokenId) -> Result<Option<TokenRow>> {
    with_conn!(c, |c| {
        sqlx::query_as(
            "select id, user_id, name, scope, created_at, expires_at, revoked_at from api_tokens where id = $1",
        )
        .bind(id.get())
        .fetch_optional(&mut *c)
        .await
        .map_err(db_err)
    })
}

pub async fn revoke_token(c: &mut Conn<'_>, id: TokenId, now: DateTime<Utc>) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("update api_tokens set revoked_at = $1 where id = $2 and revoked_at is null")
            .bind(now)
            .bind(id.get())
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

pub async fn record_login_attempt(
    c: &mut Conn<'_>,
    username: &str,
    client: &str,
    success: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query("insert into login_attempts (username, client, at, success) values ($1, $2, $3, $4)")
            .bind(username)
            .bind(client)
            .bind(now)
            .bind(success)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    });
    Ok(())
}

/// Recent failed sign-ins: of `username` from `client` since the pair's last success (and since
/// `pair_since`), and from `client` for any username since `client_since`; each with its latest.
pub async fn login_failures(
    c: &mut Conn<'_>,
    username: &str,
    client: &str,
    pair_since: DateTime<Utc>,
    client_since: DateTime<Utc>,
) -> Result<domain::throttle::Failures> {
    #[derive(sqlx::FromRow)]
    struct Counted {
        n: i64,
        last: Option<DateTime<Utc>>,
    }
    let (pair, by_client): (Counted, Counted) = with_conn!(c, |c| {
        let last_success: Option<DateTime<Utc>> = sqlx::query_scalar(
            "select max(at) from login_attempts where username = $1 and client = $2 and success = $3",
        )
        .bind(username)
        .bind(client)
        .bind(true)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)?;
        let since = last_success.map_or(pair_since, |s| s.max(pair_since));
        let pair = sqlx::query_as(
            r"select count(*) as n, max(at) as last from login_attempts
              where username = $1 and client = $2 and success = $3 and at > $4",
        )
        .bind(username)
        .bind(client)
        .bind(false)
        .bind(since)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)?;
        let by_client = sqlx::query_as(
            "select count(*) as n, max(at) as last from login_attempts where client = $1 and success = $2 and at > $3",
        )
        .bind(client)
        .bind(false)
        .bind(client_since)
        .fetch_one(&mut *c)
        .await
        .map_err(db_err)?;
        (pair, by_client)
    });
    Ok(domain::throttle::Failures {
        pair: pair.n,
        pair_last: pair.last,
        client: by_client.n,
        client_last: by_client.last,
    })
}
