//! Managing users (admin) and reading one's own account.

use crate::views::UserView;
use crate::{Actor, App};
use domain::user::{NewPassword, Role, Username};
use domain::{Error, Result, UnitId, UserId};

/// What the admin gives to create a user.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserInput {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: UnitId,
    pub password: String,
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub unit_id: Option<UnitId>,
    pub active: Option<bool>,
    pub password: Option<String>,
}

impl App {
    pub async fn create_user(&self, actor: &Actor, input: &NewUserInput) -> Result<UserView> {
        actor.admin()?;
        let username = Username::parse(&input.username)?;
        let display_name = domain::text::title("display_name", &input.display_name)?;
        let role = input.role;
        let password = NewPassword::parse(&input.password)?;
        let unit = input.unit_id;
        let hash = crate::auth::hash_password(&password, self.settings.argon2_memory_kib).await?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let unit_row =
            store::units::get_unit(&mut tx.conn(), unit).await?.ok_or_else(|| crate::units::unknown_unit_id(unit))?;
        let row = store::users::insert_user(
            &mut tx.conn(),
            &store::users::NewUser {
                unit_id: unit,
                username: username.as_str(),
                display_name: &display_name,
                role: role.as_str(),
                password_hash: &hash,
            },
            now,
        )
        .await?;
        let view = UserView::from_row(&row, unit_row.name);
        crate::audit::Entry::new(actor, "user.create", "user", Some(row.id.get()))
            .after(&view)?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await?;
        Ok(view)
    }

    pub async fn update_user(&self, actor: &Actor, id: UserId, patch: &UserPatch) -> Result<UserView> {
        actor.admin()?;
        let now = self.clock.now();
        let new_hash = match &patch.password {
            Some(pw) => {
                Some(crate::auth::hash_password(&NewPassword::parse(pw)?, self.settings.argon2_memory_kib).await?)
            }
            None => None,
        };
        let mut tx = self.db.begin().await?;
        let before = store::users::get_user(&mut tx.conn(), id).await?.ok_or_else(|| Error::not_found("user"))?;
        let display_name = match &patch.display_name {
            Some(n) => domain::text::title("display_name", n)?,
            None => before.display_name.clone(),
        };
        let role = patch.role.unwrap_or(before.role);
        let unit = patch.unit_id.unwrap_or(before.unit_id);
        let unit_row =
            store::units::get_unit(&mut tx.conn(), unit).await?.ok_or_else(|| crate::units::unknown_unit_id(unit))?;
        let active = patch.active.unwrap_or(before.active);
        store::users::update_user(&mut tx.conn(), id, unit, &display_name, role.as_str(), active, now).await?;
        if let Some(hash) = &new_hash {
            store::users::set_password_hash(&mut tx.conn(), id, hash, now).await?;
        }
        if new_hash.is_some() || !active {
            // A new password or a disabled account ends every session.
            store::auth::delete_sessions_of(&mut tx.conn(), id).await?;
        }
        let after = store::users::get_user(&mut tx.conn(), id).await?.ok_or_else(|| Error::not_found("user"))?;
        let before_view = UserView::from_row(&before, String::new());
        let after_view = UserView::from_row(&after, unit_row.name.clone());
        crate::audit::Entry::new(actor, "user.update", "user", Some(id.get()))
            .before(&before_view)?
            .after(&after_view)?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await?;
        Ok(after_view)
    }

    /// Users in the reader's subtree (everyone, for the admin).
    pub async fn list_users(&self, actor: &Actor) -> Result<Vec<UserView>> {
        let p = actor.user()?;
        let prefix = if p.is_admin() { "/" } else { p.unit_path.as_str() };
        let units = self.all_units().await?;
        let mut pooled = self.db.acquire().await?;
        let rows = store::users::list_users(&mut pooled.conn(), prefix).await?;
        Ok(rows
            .iter()
            .map(|r| {
                let name = units.iter().find(|u| u.id == r.unit_id).map(|u| u.name.clone()).unwrap_or_default();
                UserView::from_row(r, name)
            })
            .collect())
    }

    pub async fn get_user_view(&self, actor: &Actor, id: UserId) -> Result<UserView> {
        self.list_users(actor).await?.into_iter().find(|u| u.id == id.get()).ok_or_else(|| Error::not_found("user"))
    }

    /// The signed-in user's own account.
    pub async fn me(&self, actor: &Actor) -> Result<UserView> {
        let p = actor.user()?;
        let mut pooled = self.db.acquire().await?;
        let row =
            store::users::get_user(&mut pooled.conn(), p.user_id).await?.ok_or_else(|| Error::not_found("user"))?;
        drop(pooled);
        Ok(UserView::from_row(&row, self.unit_name(p.unit_id).await?))
    }

    /// Creates a user from the command line (no signed-in actor; the first admin is made this way).
    pub async fn bootstrap_user(&self, input: &NewUserInput) -> Result<UserView> {
        self.create_user(&Actor::System("cli"), input).await
    }
}
