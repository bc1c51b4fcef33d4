//! The records of a rectification: measures, notes, evidence, sign-off, extensions, callbacks
//! and mechanisms.

use super::*;
use chrono::{DateTime, NaiveDate, Utc};
use domain::problem::{ProblemNumber, Satisfaction};
use domain::{CampaignId, ProblemId};
use serde::Serialize;
use store::callbacks::CallbackRow;
use store::rectification::{EvidenceRow, ExtensionRow, MeasureRow, NoteRow, SignoffRow};
use utoipa::ToSchema;

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
    /// 文号 of the issued document.
    pub doc_number: Option<String>,
    pub root_causes: Vec<Named<domain::RootCauseId>>,
    /// 反弹回潮: reports flagged as the return of a problem it addresses, received on or after it
    /// was issued (those the reader may see).
    pub recurrences_after: Vec<crate::mechanisms::RecurrenceView>,
    pub problems: Vec<ProblemRef>,
    /// The issued document's files.
    pub documents: Vec<super::AttachedFile<domain::MechanismDocumentId>>,
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
