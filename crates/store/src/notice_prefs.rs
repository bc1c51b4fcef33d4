//! 提醒设置 as stored: one row per user who has set any.

use crate::{Conn, Result, db_err};
use chrono::{DateTime, NaiveTime, Utc};
use domain::UserId;
use domain::notice_prefs::{Preferences, QuietHours};

#[derive(sqlx::FromRow)]
struct Row {
    user_id: UserId,
    email: Option<String>,
    email_kinds: String,
    quiet_from: Option<NaiveTime>,
    quiet_until: Option<NaiveTime>,
    english: bool,
}

impl Row {
    /// The preferences; a stored kind or span the domain refuses is an error naming the user.
    fn preferences(self) -> Result<(UserId, Preferences)> {
        let user = self.user_id;
        let bad =
            |what: &str| domain::Error::internal(format!("notice_preferences of user {user}: a bad stored {what}"));
        let email_kinds = Preferences::kinds_of(&self.email_kinds).map_err(|_| bad("email_kinds"))?;
        let quiet = match (self.quiet_from, self.quiet_until) {
            (Some(from), Some(until)) => Some(QuietHours::new(from, until).map_err(|_| bad("quiet hours"))?),
            _ => None,
        };
        Ok((self.user_id, Preferences { email: self.email, email_kinds, quiet, english: self.english }))
    }
}

const COLUMNS: &str = "user_id, email, email_kinds, quiet_from, quiet_until, english";

/// A user's preferences; the defaults (inbox only) when they set none.
pub async fn get(c: &mut Conn<'_>, user: UserId) -> Result<Preferences> {
    let sql = format!("select {COLUMNS} from notice_preferences where user_id = $1");
    let row: Option<Row> = with_conn!(c, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user).fetch_optional(&mut *c).await.map_err(db_err)?
    });
    Ok(match row {
        Some(r) => r.preferences()?.1,
        None => Preferences::default(),
    })
}

/// Every user's preferences that were set, by user.
pub async fn all(c: &mut Conn<'_>) -> Result<Vec<(UserId, Preferences)>> {
    let sql = format!("select {COLUMNS} from notice_preferences order by user_id");
    let rows: Vec<Row> =
        with_conn!(c, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *c).await.map_err(db_err)?);
    rows.into_iter().map(Row::preferences).collect()
}

/// Sets a user's preferences, whole.
pub async fn set(c: &mut Conn<'_>, user: UserId, p: &Preferences, now: DateTime<Utc>) -> Result<()> {
    with_conn!(c, |c| {
        sqlx::query(
            r"insert into notice_preferences (user_id, email, email_kinds, quiet_from, quiet_until, english, updated_at)
              values ($1, $2, $3, $4, $5, $6, $7)
              on conflict (user_id) do update set email = excluded.email, email_kinds = excluded.email_kinds,
                quiet_from = excluded.quiet_from, quiet_until = excluded.quiet_until, english = excluded.english,
                updated_at = excluded.updated_at",
        )
        .bind(user)
        .bind(&p.email)
        .bind(p.kinds_text())
        .bind(p.quiet.map(|q| q.from))
        .bind(p.quiet.map(|q| q.until))
        .bind(p.english)
        .bind(now)
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    });
    Ok(())
}
