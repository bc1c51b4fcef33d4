//! Everything about one problem: its timeline, clocks and reply flags.

use super::*;
use chrono::{DateTime, NaiveDate, Utc};
use domain::calendar::CalendarWarning;
use domain::feedback::FeedbackKind;
use domain::problem::Satisfaction;
use domain::supervision::Colour;
use serde::Serialize;
use utoipa::ToSchema;

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
    /// Why the office does not score it (不纳入考核).
    pub exclusion_reason: Option<String>,
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
    /// 根源分析: the causes found (the note is `root_cause`).
    pub root_causes: Vec<Named<domain::RootCauseId>>,
    pub mechanisms: Vec<MechanismRef>,
    pub feedback: Vec<FeedbackView>,
    /// Formalism flags on the public reply (形式主义答复): boilerplate, off-topic, no action.
    pub reply_flags: Vec<ReplyFlag>,
    /// Feedback close to this problem that came after its sign-off (反弹回潮).
    pub recurrences: Vec<crate::grouping::MatchView>,
    pub timeline: Vec<TimelineEntry>,
    /// The reminders sent about it (催办, 督办), newest first.
    pub notices: Vec<crate::notices::NoticeView>,
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
