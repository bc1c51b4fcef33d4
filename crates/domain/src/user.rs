//! Users and their roles. A user belongs to one unit; the role says what they may do in that
//! unit's subtree (SPEC §1).

use crate::{Error, Result};

/// The six roles. The public is anonymous and has no role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员: everything, everywhere.
    Admin,
    /// 专班/办公室: runs the list in its subtree.
    Office,
    /// 督导组: reads its subtree, raises supervision, verifies sign-off.
    Supervisor,
    /// 联络员: edits its own unit's items.
    Liaison,
    /// 责任领导: a unit's leader; reads its unit's items and approves (领导审核) those it is the
    /// responsible leader of.
    Leader,
    /// 只读: reads its own unit's items.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 6] = [Role::Admin, Role::Office, Role::Supervisor, Role::Liaison, Role::Leader, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Office => "office",
            Role::Supervisor => "supervisor",
            Role::Liaison => "liaison",
            Role::Leader => "leader",
            Role::Viewer => "viewer",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::Office => "专班办公室",
            Role::Supervisor => "督导组",
            Role::Liaison => "联络员",
            Role::Leader => "责任领导",
            Role::Viewer => "只读用户",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim()).ok_or_else(|| {
            Error::invalid(
                "role",
                format!("未知角色“{s}”（可选：admin、office、supervisor、liaison、leader、viewer）"),
                format!("unknown role \"{s}\" (known: admin, office, supervisor, liaison, leader, viewer)"),
            )
        })
    }
}

/// A login name: 2–40 characters of letters, digits, `.`, `_` or `-`; kept lowercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim().to_lowercase();
        let ok = (2..=40).contains(&s.chars().count())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if ok {
            Ok(Self(s))
        } else {
            Err(Error::invalid(
                "username",
                "用户名须为2–40位字母、数字或 . _ -",
                "a username is 2–40 letters, digits, '.', '_' or '-'",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 10–200 characters. Only its hash is ever stored.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(s: &str) -> Result<Self> {
        let n = s.chars().count();
        if !(10..=200).contains(&n) {
            return Err(Error::invalid("password", "密码长度须为10–200个字符", "a password is 10–200 characters long"));
        }
        Ok(Self(s.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_unknown_roles_name_the_known_ones() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        let err = Role::parse("boss").unwrap_err();
        assert!(err.message().en.contains("known: admin"));
    }

    #[test]
    fn usernames_are_lowercased_and_checked() {
        assert_eq!(Username::parse(" Zhang.San ").unwrap().as_str(), "zhang.san");
        assert!(Username::parse("张三").is_err());
        assert!(Username::parse("a").is_err());
    }

    #[test]
    fn short_passwords_are_refused_and_passwords_never_print() {
        assert!(NewPassword::parse("short").is_err());
        let p = NewPassword::parse("long enough password").unwrap();
        assert_eq!(format!("{p:?}"), "NewPassword(***)");
    }
}

crate::deserialize_by_parse!(Role);
