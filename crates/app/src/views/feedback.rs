//! Reports from the public as staff and their senders see them.

use super::*;
use chrono::{DateTime, Utc};
use domain::feedback::{Channel, FeedbackKind};
use domain::{CampaignId, ProblemId};
use serde::Serialize;
use utoipa::ToSchema;

/// One feedback item. `reporter_name` and `reporter_contact` are present only for the units
/// handling it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FeedbackView {
    pub id: domain::FeedbackId,
    pub tracking_code: domain::feedback::TrackingCode,
    pub campaign_id: Option<CampaignId>,
    pub unit: Named<domain::UnitId>,
    pub channel: Channel,
    pub channel_label: String,
    pub kind: FeedbackKind,
    pub title: Option<String>,
    pub body: String,
    pub received_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporter_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporter_contact: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub likes: i64,
    pub dislikes: i64,
    pub source: Option<String>,
    pub source_key: Option<String>,
    pub problem_id: Option<ProblemId>,
    /// The photos and files that came with the report (from the portal), for those who may see
    /// the report.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FeedbackFileView>,
    /// The reply addressed to this report's sender, read on their tracking page only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<ReporterReply>,
}

/// 答复来信人: a reply addressed to one report's sender, which no other reporter and not the public
/// reads (they read the problem's public reply).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ReporterReply {
    pub body: String,
    pub at: DateTime<Utc>,
}

impl FeedbackView {
    /// Its title, or for a report without one its first words (cut at a clause or between words).
    pub fn title_or_start(&self) -> String {
        self.title.clone().unwrap_or_else(|| text::title::short_title(&self.body, 30))
    }
}

/// A photo or file a citizen sent with a report.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FeedbackFileView {
    pub id: domain::FeedbackFileId,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
}

impl FeedbackFileView {
    pub fn from_row(r: &store::feedback::FeedbackFileRow) -> Self {
        Self {
            id: r.id,
            file_name: r.file_name.clone(),
            content_type: r.content_type.clone(),
            size_bytes: r.size_bytes,
        }
    }

    /// Whether a browser may show it in place (a picture or a PDF) rather than download it.
    pub fn previews(&self) -> bool {
        crate::pages_support::previews(&self.content_type)
    }

    /// Whether it is a picture (shown as a thumbnail).
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FeedbackPage {
    pub items: Vec<FeedbackView>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}
