//! What the use cases return: the records as people and clients see them, with names where ids
//! alone would mean nothing, the derived flags computed, and private fields left out where the
//! reader may not see them. Serialised as JSON by the web layer and described in its OpenAPI.

use chrono::{DateTime, NaiveDate, Utc};
use domain::calendar::CalendarWarning;
use domain::feedback::{Channel, FeedbackKind};
use domain::limits::TimeLimits;
use domain::problem::{Priority, ProblemNumber, RectificationType, Satisfaction};
use domain::supervision::Colour;
use domain::supervision::Flags;
use domain::workflow::{SignoffStage, Status};
use domain::{CampaignId, ProblemId};
use serde::Serialize;
use store::callbacks::CallbackRow;
use store::rectification::{EvidenceRow, ExtensionRow, MeasureRow, NoteRow, SignoffRow};
use utoipa::ToSchema;

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

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MeasureView {
    pub id: domain::MeasureId,
    pub problem_id: ProblemId,
    pub description: String,
    pub owner_unit: Option<Named<domain::UnitId>>,
    pub owner_name: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub status: domain::problem::MeasureStatus,
    pub done_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    pub version: i64,
}

impl MeasureView {
    pub fn from_row(r: &MeasureRow, owner_unit: Option<Named<domain::UnitId>>, today: NaiveDate) -> Self {
        Self {
            id: domain::MeasureId::new(r.id.get()),
            problem_id: domain::ProblemId::new(r.problem_id.get()),
            description: r.description.clone(),
            owner_unit,
            owner_name: r.owner_name.clone(),
            deadline: r.deadline,
            status: r.status,
            done_at: r.done_at,
            overdue: r.status != "done" && r.deadline.is_some_and(|d| d < today),
            version: r.version,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct NoteView {
    pub id: domain::NoteId,
    pub author: Option<Named<domain::UserId>>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl NoteView {
    pub fn from_row(r: &NoteRow, author: Option<Named<domain::UserId>>) -> Self {
        Self { id: domain::NoteId::new(r.id.get()), author, body: r.body.clone(), created_at: r.created_at }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct EvidenceView {
    pub id: domain::EvidenceId,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Shown on the problem's public page once it is published.
    pub public: bool,
    /// Whether it shows the problem as found or as rectified.
    pub phase: domain::problem::EvidencePhase,
}

impl EvidenceView {
    pub fn from_row(r: &EvidenceRow) -> Self {
        Self {
            id: domain::EvidenceId::new(r.id.get()),
            file_name: r.file_name.clone(),
            content_type: r.content_type.clone(),
            size_bytes: r.size_bytes,
            sha256: r.sha256.clone(),
            note: r.note.clone(),
            created_at: r.created_at,
            public: r.public,
            phase: r.phase,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SignoffView {
    pub id: domain::SignoffId,
    pub report: String,
    pub no_evidence_reason: Option<String>,
    pub evidence_count: i32,
    pub status: domain::problem::SignoffStatus,
    pub submitted_by: Option<domain::UserId>,
    pub submitted_at: DateTime<Utc>,
    pub leader_id: Option<domain::UserId>,
    pub leader_at: Option<DateTime<Utc>>,
    pub leader_note: Option<String>,
    pub verifier_id: Option<domain::UserId>,
    pub verifier_at: Option<DateTime<Utc>>,
    pub verifier_note: Option<String>,
}

impl SignoffView {
    pub fn from_row(r: &SignoffRow) -> Self {
        Self {
            id: r.id,
            report: r.report.clone(),
            no_evidence_reason: r.no_evidence_reason.clone(),
            evidence_count: r.evidence_count,
            status: r.status,
            submitted_by: r.submitted_by,
            submitted_at: r.submitted_at,
            leader_id: r.leader_id,
            leader_at: r.leader_at,
            leader_note: r.leader_note.clone(),
            verifier_id: r.verifier_id,
            verifier_at: r.verifier_at,
            verifier_note: r.verifier_note.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ExtensionView {
    pub id: domain::ExtensionId,
    pub requested_by: Option<domain::UserId>,
    pub requested_at: DateTime<Utc>,
    pub reason: String,
    pub previous_deadline: Option<NaiveDate>,
    pub new_deadline: NaiveDate,
    pub status: domain::problem::ExtensionStatus,
    pub decided_by: Option<domain::UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
}

impl ExtensionView {
    pub fn from_row(r: &ExtensionRow) -> Self {
        Self {
            id: r.id,
            requested_by: r.requested_by,
            requested_at: r.requested_at,
            reason: r.reason.clone(),
            previous_deadline: r.previous_deadline,
            new_deadline: r.new_deadline,
            status: r.status,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            decision_note: r.decision_note.clone(),
        }
    }
}

/// 回访: one callback, by staff or by the public with a report's rating key.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CallbackView {
    pub id: domain::CallbackId,
    pub at: DateTime<Utc>,
    pub via: domain::problem::CallbackVia,
    pub solved: bool,
    pub satisfaction: Satisfaction,
    pub comment: Option<String>,
    /// For a dissatisfied public rating that could not reopen the problem by itself: the office's
    /// check (不满意待核实), pending until it reopens the problem or keeps it closed.
    pub review: Option<domain::problem::CallbackReview>,
    /// Why the office kept the problem closed, or the reason it gave for reopening.
    pub review_note: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
}

impl CallbackView {
    pub fn from_row(r: &CallbackRow) -> domain::Result<Self> {
        Ok(Self {
            id: domain::CallbackId::new(r.id.get()),
            at: r.at,
            via: r.via,
            solved: r.solved,
            satisfaction: r.satisfaction,
            comment: r.comment.clone(),
            review: r.review,
            review_note: r.review_note.clone(),
            reviewed_at: r.reviewed_at,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MechanismView {
    pub id: domain::MechanismId,
    pub campaign_id: Option<CampaignId>,
    pub unit: Named<domain::UnitId>,
    pub title: String,
    pub body: Option<String>,
    pub status: domain::problem::MechanismStatus,
    pub issued_on: Option<NaiveDate>,
    pub problems: Vec<ProblemRef>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ProblemRef {
    pub id: ProblemId,
    pub number: ProblemNumber,
    pub title: String,
}

/// A lasting mechanism as a problem names it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MechanismRef {
    pub id: domain::MechanismId,
    pub title: String,
}

impl ProblemRef {
    pub fn of(row: &store::problems::ProblemRow) -> Self {
        Self { id: row.id, number: row.number.clone(), title: row.title.clone() }
    }
}

/// One entry of a problem's timeline, from the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TimelineEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// The login of who acted (`public` for the public, `system:…` for the system).
    pub actor: String,
    /// Who acted as people read it: their unit and display name (staff only).
    pub actor_name: Option<String>,
    pub actor_unit: Option<String>,
    /// The audit action, e.g. `problem.assign`.
    pub action: String,
    /// For an assignment (分办): the unit the problem went to.
    pub to_unit: Option<Named<domain::UnitId>>,
    /// For a callback (回访): how satisfied the reporter was.
    pub rating: Option<Satisfaction>,
    /// The words given with the action: a reason, a note, the reporter's comment.
    pub said: Option<String>,
}

/// Everything about one problem that the reader may see.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ProblemDetail {
    #[serde(flatten)]
    pub summary: ProblemSummary,
    pub description: String,
    pub kind: FeedbackKind,
    pub owner_unit: Named<domain::UnitId>,
    pub cooperating_units: Vec<Named<domain::UnitId>>,
    pub responsible_leader: Option<Named<domain::UserId>>,
    pub responsible_person: Option<String>,
    pub original_deadline: Option<NaiveDate>,
    pub extension_count: i32,
    pub root_cause: Option<String>,
    pub public_reply: Option<String>,
    /// The public reply was written before the problem was reopened and not rewritten since.
    pub reply_superseded: bool,
    /// 整改成效: the verifier's effectiveness note at the last acceptance (superseded while the
    /// problem is being rectified again, `summary.reopened`).
    pub verification_note: Option<String>,
    pub solved: Option<bool>,
    pub satisfaction: Option<Satisfaction>,
    pub manual_colour: Option<Colour>,
    pub manual_colour_reason: Option<String>,
    pub sent_back_count: i32,
    pub reopen_count: i32,
    pub merged_into: Option<ProblemRef>,
    pub merged_from: Vec<ProblemRef>,
    pub dismiss_reason: Option<String>,
    pub closed_without_evidence: bool,
    pub excluded_from_scoring: bool,
    pub received_on: NaiveDate,
    pub assigned_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub measures: Vec<MeasureView>,
    pub notes: Vec<NoteView>,
    pub evidence: Vec<EvidenceView>,
    pub signoffs: Vec<SignoffView>,
    pub extensions: Vec<ExtensionView>,
    pub callbacks: Vec<CallbackView>,
    pub mechanisms: Vec<MechanismRef>,
    pub feedback: Vec<FeedbackView>,
    /// Formalism flags on the public reply (形式主义答复): boilerplate, off-topic, no action.
    pub reply_flags: Vec<ReplyFlag>,
    /// Feedback close to this problem that came after its sign-off (反弹回潮).
    pub recurrences: Vec<crate::grouping::MatchView>,
    pub timeline: Vec<TimelineEntry>,
    /// What the reader may do now: legal from the current state and allowed to them.
    pub allowed_actions: Vec<domain::workflow::Action>,
    /// What the reader may do with it now (the actions again, and edits).
    pub may: crate::problems::Abilities,
    /// Set when the deadline falls in a year the holiday calendar does not cover.
    pub calendar_warnings: Vec<CalendarWarning>,
    /// The four clocks of the category's time limits, in working days from `received_on`.
    pub clocks: Clocks,
}

/// 办理时限: when each step was due and when it was done.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Clocks {
    /// 签收: the lead unit took the problem on (assigned).
    pub sign_for: Clock,
    /// 响应: the first measure, note or report.
    pub first_response: Clock,
    /// 办结: signed off.
    pub completion: Clock,
    /// 回访: the reporter called back, counted from the sign-off.
    pub callback: Clock,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Clock {
    /// None for the callback until the problem is closed.
    pub due: Option<NaiveDate>,
    pub done_at: Option<DateTime<Utc>>,
    /// Done after the due date, or not done and past it.
    pub late: bool,
}

impl Clock {
    pub fn new(due: Option<NaiveDate>, done_at: Option<DateTime<Utc>>, today: NaiveDate) -> Self {
        let late = match (due, done_at) {
            (Some(due), Some(done)) => domain::clock::china_date(done) > due,
            (Some(due), None) => today > due,
            (None, _) => false,
        };
        Self { due, done_at, late }
    }
}

/// A formalism flag on a reply, with its reason.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ReplyFlag {
    /// `boilerplate`, `off_topic` or `no_action`.
    pub code: String,
    pub reason: String,
    pub reason_en: String,
}
