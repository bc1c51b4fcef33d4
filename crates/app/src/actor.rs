//! Who is acting: a signed-in user, the anonymous public, or the system itself (imports, the demo
//! generator). Every audit row names one.

use domain::access::{Intent, Principal};
use domain::{Error, Result};

#[derive(Debug, Clone)]
pub enum Actor {
    User { principal: Principal, username: String },
    Public,
    System(&'static str),
}

impl Actor {
    pub fn principal(&self) -> Option<&Principal> {
        match self {
            Actor::User { principal, .. } => Some(principal),
            _ => None,
        }
    }

    /// The signed-in user, or 401 for anyone else.
    pub fn user(&self) -> Result<&Principal> {
        self.principal()
            .ok_or_else(|| Error::Unauthenticated { msg: domain::Msg::new("请先登录", "sign in first") })
    }

    /// The signed-in user, if their token allows this kind of request.
    pub fn user_for(&self, intent: Intent) -> Result<&Principal> {
        let p = self.user()?;
        if p.token_allows(intent) {
            Ok(p)
        } else {
            Err(Error::forbidden("该令牌的权限范围不允许此操作", "this token's scope does not allow this request"))
        }
    }

    /// Allows the admin, and the system itself (the command line runs with the operator's
    /// authority over the database); refuses everyone else.
    pub fn admin(&self) -> Result<()> {
        if let Actor::System(_) = self {
            return Ok(());
        }
        let p = self.user_for(Intent::Write)?;
        if p.is_admin() {
            Ok(())
        } else {
            Err(Error::forbidden("仅系统管理员可执行此操作", "only the administrator may do this"))
        }
    }

    pub fn user_id(&self) -> Option<domain::UserId> {
        self.principal().map(|p| p.user_id)
    }

    /// How the actor is named in the audit log.
    pub fn label(&self) -> String {
        match self {
            Actor::User { username, .. } => username.clone(),
            Actor::Public => "public".to_string(),
            Actor::System(what) => format!("system:{what}"),
        }
    }
}
