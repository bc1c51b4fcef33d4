//! Signing in: Argon2id password hashes, login sessions kept in the database (so every app node
//! shares them), API tokens for integrations, and login throttling by username and by client.

use crate::secrets::{new_secret, sha256_hex};
use crate::views::{TokenView, UserView};
use crate::{Actor, App};
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use domain::access::{Principal, TokenScope};
use domain::unit::UnitPath;
use domain::user::{NewPassword, Role, Username};
use domain::{Error, Msg, Result, TokenId, UserId};
use store::auth::AuthRow;

fn argon2(memory_kib: u32) -> Result<Argon2<'static>> {
    let params =
        Params::new(memory_kib.max(8), 2, 1, None).map_err(|e| Error::internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password with Argon2id, off the async threads (it takes tens of milliseconds on
/// purpose).
pub async fn hash_password(password: &NewPassword, memory_kib: u32) -> Result<String> {
    let password = password.expose().to_string();
    tokio::task::spawn_blocking(move || {
        argon2(memory_kib)?
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| Error::internal(format!("argon2: {e}")))
    })
    .await
    .map_err(|e| Error::internal(format!("hashing task: {e}")))?
}

async fn password_matches(password: &str, hash: &str) -> bool {
    let password = password.to_string();
    let hash = hash.to_string();
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return false;
        };
        Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
    })
    .await
    .unwrap_or(false)
}

/// A hash of no password, checked for unknown usernames so that they take as long as known ones.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2oNmk9pL4Sk6kQ3K8dAL0HC6LWhL7i8MS8VJdp1Q3nY";

fn invalid_login() -> Error {
    Error::Unauthenticated { msg: Msg::new("用户名或密码不正确", "wrong username or password") }
}

/// Turns a user found by session or token into an actor.
fn actor_from(row: AuthRow) -> Result<Actor> {
    if !row.active {
        return Err(Error::Unauthenticated { msg: Msg::new("该账号已停用", "this account is disabled") });
    }
    let token_scope = row.scope;
    let principal = Principal {
        user_id: row.user_id,
        role: Role::parse(row.role.as_str())?,
        unit_id: row.unit_id,
        unit_path: UnitPath::parse(&row.unit_path)?,
        token_scope,
    };
    Ok(Actor::User { principal, username: row.username })
}

impl App {
    /// The actor for a username, for operator commands on the install's own machine (`zhenggai
    /// search --as`): they act with that user's rights and see what that user may see.
    pub async fn act_as(&self, username: &str) -> Result<Actor> {
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let user = store::users::find_user_by_username(&mut c, username).await?.ok_or_else(|| {
            Error::invalid("user", format!("没有用户“{username}”"), format!("there is no user \"{username}\""))
        })?;
        let unit = store::units::get_unit(&mut c, user.unit_id).await?.ok_or_else(|| Error::not_found("unit"))?;
        actor_from(AuthRow {
            user_id: user.id,
            username: user.username,
            display_name: user.display_name,
            role: user.role,
            unit_id: user.unit_id,
            unit_path: unit.path,
            active: user.active,
            expires_at: None,
            scope: None,
        })
    }
}

/// A signed-in caller as the auth cache keeps them (see [`crate::cache`]): good while the data
/// generation is unchanged (a logout, a revoked token or a changed user is a write, which moves it)
/// or only this node's intake of reports moved it, and the session or token has not expired.
#[derive(Debug, Clone)]
pub(crate) struct CachedActor {
    actor: Actor,
    expires_at: Option<DateTime<Utc>>,
}

/// A new login session: the secret goes into the cookie, only its hash into the database.
#[derive(Debug, Clone)]
pub struct Session {
    pub secret: String,
    pub expires_at: DateTime<Utc>,
    pub user: UserView,
}

impl App {
    /// Checks a username and password; throttled per username and client address, with a wait
    /// that grows with each failure (see [`domain::throttle`]), never a lockout.
    pub async fn login(&self, username: &str, password: &str, client: &str) -> Result<Session> {
        let now = self.clock.now();
        let username = Username::parse(username).map(|u| u.as_str().to_string()).unwrap_or_default();
        {
            let mut pooled = self.db.acquire().await?;
            let failures = store::auth::login_failures(
                &mut pooled.conn(),
                &username,
                client,
                now - Duration::hours(24),
                now - Duration::minutes(self.settings.login_window_minutes),
            )
            .await?;
            if let Some(wait) = domain::throttle::login_wait(&failures, now) {
                return Err(Error::RateLimited {
                    retry_after_secs: u64::try_from(wait.num_seconds().max(1)).unwrap_or(1),
                });
            }
        }
        let user = {
            let mut pooled = self.db.acquire().await?;
            store::users::find_user_by_username(&mut pooled.conn(), &username).await?
        };
        let ok = match &user {
            Some(u) if u.active => password_matches(password, &u.password_hash).await,
            _ => {
                password_matches(password, DUMMY_HASH).await;
                false
            }
        };
        let mut tx = self.db.begin().await?;
        store::auth::record_login_attempt(&mut tx.conn(), &username, client, ok, now).await?;
        let user = match (ok, user) {
            (true, Some(u)) => u,
            _ => {
                self.commit(tx).await?;
                return Err(invalid_login());
            }
        };
        let secret = new_secret("zgs_")?;
        let expires_at = now + Duration::hours(self.settings.session_hours);
        store::auth::insert_session(&mut tx.conn(), &sha256_hex(secret.as_bytes()), user.id, now, expires_at).await?;
        let actor = Actor::System("login");
        crate::audit::Entry::new(&actor, "session.login", "user", Some(user.id.get()))
            .after(&serde_json::json!({ "username": user.username, "client": client }))?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await?;
        let unit_name = self.unit_name(user.unit_id).await?;
        Ok(Session { secret, expires_at, user: UserView::from_row(&user, unit_name) })
    }

    /// Ends a session.
    /// Ends a session. Like every write it goes into the audit chain, which also tells every
    /// node's auth cache that the session is gone.
    pub async fn logout(&self, session_secret: &str) -> Result<()> {
        let hash = sha256_hex(session_secret.as_bytes());
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let Some(session) = store::auth::find_session(&mut tx.conn(), &hash, now).await? else {
            return Ok(());
        };
        store::auth::delete_session(&mut tx.conn(), &hash).await?;
        crate::audit::Entry::new(&Actor::System("logout"), "session.logout", "user", Some(session.user_id.get()))
            .after(&serde_json::json!({ "username": session.username }))?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await
    }

    /// Looks a secret up in the auth cache, or with `lookup` in the database.
    async fn authenticate_cached(
        &self,
        kind: &str,
        secret: &str,
        lookup: impl AsyncFnOnce(&Self, &str) -> Result<AuthRow>,
    ) -> Result<Actor> {
        let hash = sha256_hex(secret.as_bytes());
        let key = format!("{kind}:{hash}");
        let generation = self.generation().await?;
        let now = self.clock.now();
        if let Some(hit) = self.auth_cache.get_across_intake(&key, generation, &self.generation)
            && hit.expires_at.is_none_or(|e| e > now)
        {
            return Ok(hit.actor);
        }
        let row = lookup(self, &hash).await?;
        let expires_at = row.expires_at;
        let actor = actor_from(row)?;
        self.auth_cache.put(key, generation, CachedActor { actor: actor.clone(), expires_at });
        Ok(actor)
    }

    /// The user behind a session cookie.
    pub async fn authenticate_session(&self, secret: &str) -> Result<Actor> {
        self.authenticate_cached("session", secret, async |app: &Self, hash: &str| {
            let mut pooled = app.db.acquire().await?;
            store::auth::find_session(&mut pooled.conn(), hash, app.clock.now()).await?.ok_or_else(|| {
                Error::Unauthenticated {
                    msg: Msg::new("登录已过期，请重新登录", "your session has expired; sign in again"),
                }
            })
        })
        .await
    }

    /// The user behind a bearer token.
    pub async fn authenticate_token(&self, secret: &str) -> Result<Actor> {
        self.authenticate_cached("token", secret, async |app: &Self, hash: &str| {
            let mut pooled = app.db.acquire().await?;
            store::auth::find_token(&mut pooled.conn(), hash, app.clock.now()).await?.ok_or_else(|| {
                Error::Unauthenticated {
                    msg: Msg::new("令牌无效、已撤销或已过期", "the token is invalid, revoked or expired"),
                }
            })
        })
        .await
    }

    /// Creates an API token for `user` (the admin for anyone, a user for themselves) and returns
    /// the secret, which is shown once and never stored.
    pub async fn create_token(
        &self,
        actor: &Actor,
        user: UserId,
        name: &str,
        scope: TokenScope,
        valid_days: Option<i64>,
    ) -> Result<(TokenView, String)> {
        if let Some(p) = actor.principal() {
            let p = actor.user_for(domain::access::Intent::Write).map(|_| p)?;
            if !p.is_admin() && p.user_id != user {
                return Err(Error::forbidden("只能为自己创建令牌", "you may only create tokens for yourself"));
            }
        }
        let name = domain::text::title("name", name)?;
        if let Some(days) = valid_days
            && !(1..=3650).contains(&days)
        {
            return Err(Error::invalid("valid_days", "有效期须为1–3650天", "valid_days must be 1–3650"));
        }
        let now = self.clock.now();
        let secret = new_secret("zgt_")?;
        let mut tx = self.db.begin().await?;
        if store::users::get_user(&mut tx.conn(), user).await?.is_none() {
            return Err(Error::invalid("user_id", format!("用户 {user} 不存在"), format!("there is no user {user}")));
        }
        let row = store::auth::insert_token(
            &mut tx.conn(),
            user,
            &name,
            &sha256_hex(secret.as_bytes()),
            scope.as_str(),
            now,
            valid_days.map(|d| now + Duration::days(d)),
        )
        .await?;
        let view = TokenView::from_row(&row);
        crate::audit::Entry::new(actor, "token.create", "token", Some(row.id.get()))
            .after(&view)?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await?;
        Ok((view, secret))
    }

    pub async fn list_tokens(&self, actor: &Actor) -> Result<Vec<TokenView>> {
        let p = actor.user()?;
        let mut pooled = self.db.acquire().await?;
        let filter = if p.is_admin() { None } else { Some(p.user_id) };
        Ok(store::auth::list_tokens(&mut pooled.conn(), filter).await?.iter().map(TokenView::from_row).collect())
    }

    pub async fn revoke_token(&self, actor: &Actor, id: TokenId) -> Result<()> {
        let p = actor.user_for(domain::access::Intent::Write)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let token = store::auth::get_token(&mut tx.conn(), id).await?.ok_or_else(|| Error::not_found("token"))?;
        if !p.is_admin() && token.user_id != p.user_id.get() {
            return Err(Error::not_found("token"));
        }
        store::auth::revoke_token(&mut tx.conn(), id, now).await?;
        let before = TokenView::from_row(&token);
        crate::audit::Entry::new(actor, "token.revoke", "token", Some(id.get()))
            .before(&before)?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await
    }
}
