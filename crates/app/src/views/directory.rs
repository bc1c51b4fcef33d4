//! Units, users, tokens, campaigns and categories as the admin and the pickers show them.

use chrono::{DateTime, NaiveDate, Utc};
use domain::CampaignId;
use domain::feedback::FeedbackKind;
use domain::limits::TimeLimits;
use serde::Serialize;
use utoipa::ToSchema;

/// An entry of a short list the admin keeps (a root cause, a study format), as written.
#[derive(Debug, Clone, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListEntryInput {
    pub name: String,
    pub description: Option<String>,
    /// True when not given; false retires the entry, which stays on the records that name it.
    pub active: Option<bool>,
}

/// A file attached to a record (a study material, a mechanism's document), as a reader lists it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AttachedFile<I> {
    pub id: I,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: DateTime<Utc>,
}

/// An id with the name that goes with it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Named<I> {
    pub id: I,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct UnitView {
    pub id: domain::UnitId,
    pub parent_id: Option<domain::UnitId>,
    pub name: String,
    pub code: Option<String>,
    pub path: String,
    pub depth: usize,
}

impl UnitView {
    pub fn from_row(r: &store::units::UnitRow) -> Self {
        Self {
            id: domain::UnitId::new(r.id.get()),
            parent_id: r.parent_id.map(|x| x.get()).map(domain::UnitId::new),
            name: r.name.clone(),
            code: r.code.clone(),
            path: r.path.clone(),
            depth: r.path.matches('/').count().saturating_sub(1),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct UserView {
    pub id: domain::UserId,
    pub username: String,
    pub display_name: String,
    pub role: domain::user::Role,
    pub role_label: String,
    pub unit: Named<domain::UnitId>,
    pub active: bool,
}

impl UserView {
    pub fn from_row(r: &store::users::UserRow, unit_name: String) -> Self {
        let role_label = domain::user::Role::parse(r.role.as_str())
            .map(|role| role.label_zh().to_string())
            .unwrap_or_else(|_| r.role.as_str().to_string());
        Self {
            id: domain::UserId::new(r.id.get()),
            username: r.username.clone(),
            display_name: r.display_name.clone(),
            role: r.role,
            role_label,
            unit: Named { id: r.unit_id, name: unit_name },
            active: r.active,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TokenView {
    pub id: domain::TokenId,
    pub user_id: domain::UserId,
    pub name: String,
    pub scope: domain::access::TokenScope,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TokenView {
    pub fn from_row(r: &store::auth::TokenRow) -> Self {
        Self {
            id: domain::TokenId::new(r.id.get()),
            user_id: domain::UserId::new(r.user_id.get()),
            name: r.name.clone(),
            scope: r.scope,
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CampaignView {
    pub id: CampaignId,
    pub unit_id: domain::UnitId,
    pub name: String,
    pub kind: String,
    pub code_prefix: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub phases: Vec<String>,
    pub goals: Option<String>,
}

impl CampaignView {
    pub fn from_row(r: &store::campaigns::CampaignRow) -> Self {
        Self {
            id: domain::CampaignId::new(r.id.get()),
            unit_id: domain::UnitId::new(r.unit_id.get()),
            name: r.name.clone(),
            kind: r.kind.clone(),
            code_prefix: r.code_prefix.clone(),
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            phases: serde_json::from_str(&r.phases).unwrap_or_default(),
            goals: r.goals.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CategoryLimitView {
    pub kind: FeedbackKind,
    #[serde(flatten)]
    pub limits: TimeLimits,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CategoryView {
    pub id: domain::CategoryId,
    pub parent_id: Option<domain::CategoryId>,
    pub name: String,
    pub limits: Vec<CategoryLimitView>,
}
