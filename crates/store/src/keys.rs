//! Secrets of the install that every app node must share, such as the key that signs CSRF tokens.
//! Made once, by whichever node asks first.

use crate::{Conn, Result, db_err};

/// The secret named `name`, stored as `candidate` if there was none yet.
pub async fn install_key(c: &mut Conn<'_>, name: &str, candidate: &str) -> Result<String> {
    with_conn!(c, |c| {
        sqlx::query("insert into install_keys (name, secret) values ($1, $2) on conflict (name) do nothing")
            .bind(name)
            .bind(candidate)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
        sqlx::query_scalar("select secret from install_keys where name = $1")
            .bind(name)
            .fetch_one(&mut *c)
            .await
            .map_err(db_err)
    })
}
