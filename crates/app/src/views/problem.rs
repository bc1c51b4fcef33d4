//! A problem as a list shows it, and one page of the list.

use super::*;
use chrono::{DateTime, NaiveDate, Utc};
use domain::feedback::Channel;
use domain::problem::{Priority, ProblemNumber, RectificationType};
use domain::supervision::Flags;
use domain::workflow::{SignoffStage, Status};
use domain::{CampaignId, ProblemId};
use serde::Serialize;
use utoipa::ToSchema;

/// A problem as a list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ProblemSummary {
    pub id: ProblemId,
    pub number: ProblemNumber,
    pub title: String,
    pub status: Status,
    pub status_label: String,
    pub signoff_stage: Option<SignoffStage>,
    pub campaign_id: CampaignId,
    pub lead_unit: Option<Named<domain::UnitId>>,
    pub category: Option<Named<domain::CategoryId>>,
    pub channel: Channel,
    pub priority: Priority,
    pub rectification_type: RectificationType,
    #[serde(serialize_with = "domain::wire::opt_date")]
    pub deadline: Option<NaiveDate>,
    pub flags: Flags,
    pub published: bool,
    #[serde(serialize_with = "domain::wire::time")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "domain::wire::time")]
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// 新交办·待签收: assigned, and the lead unit has not signed for it yet.
    pub awaiting_sign_for: bool,
    /// Set while a reopened problem is being rectified again: when, why, and the words given.
    pub reopened: Option<Reopening>,
}

/// 重新整改: why a closed problem went back to its unit.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Reopening {
    #[serde(serialize_with = "domain::wire::time")]
    pub at: DateTime<Utc>,
    pub cause: domain::problem::ReopenCause,
    /// The reason the office gave, or the dissatisfied reporter's comment.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ProblemPage {
    pub items: Vec<ProblemSummary>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}
