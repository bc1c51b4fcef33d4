//! One function per workflow action: each checks what only it can check (a deadline not past, a
//! pending application to approve…), changes the problem row it is given and keeps its own records
//! (sign-off applications, extensions, callbacks). The caller has checked legality, permission and
//! the version, and writes the row and the audit entry afterwards.

use super::request::{Assignment, Transition};
use super::{Extra, Rating, callback_row, forbidden, record_callback, reopen};
use crate::App;
use crate::problems::check_not_past;
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::{self, Principal};
use domain::problem::{CallbackVia, ExtensionStatus, RectificationType, ReopenCause, Satisfaction, SignoffStatus};
use domain::supervision::Colour;
use domain::workflow::{Action, SignoffStage, State, Status};
use domain::{Error, ProblemId, Result};
use store::Conn;
use store::problems::ProblemRow;
use store::rectification::{ExtensionRow, SignoffRow};

/// What every action works with.
pub(super) struct Step<'a> {
    pub p: &'a Principal,
    pub state: State,
    pub next: State,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    /// The install's limit on free text.
    pub max_text: usize,
    /// The cooperating units as loaded.
    pub cooperating: Vec<domain::UnitId>,
}

impl Step<'_> {
    /// A required free-text field, trimmed and within the install's limit.
    fn text(&self, field: &str, value: &str) -> Result<String> {
        domain::text::required_text(field, value, self.max_text)
    }

    fn optional(&self, field: &str, value: Option<&str>) -> Result<Option<String>> {
        domain::text::optional_text(field, value, self.max_text)
    }
}

impl App {
    /// Applies `t` to `row` and returns what the audit entry records besides the row.
    pub(super) async fn apply(
        &self,
        c: &mut Conn<'_>,
        s: &Step<'_>,
        t: &Transition,
        row: &mut ProblemRow,
    ) -> Result<Extra> {
        match t {
            Transition::Assign(a) => self.assign(c, s, a, row).await,
            Transition::SignFor => {
                row.signed_at = Some(s.now);
                Ok(Extra::default())
            }
            Transition::Dismiss { reason } => dismiss(s, reason, row),
            Transition::Merge { target_problem_id, reason } => merge(c, s, *target_problem_id, reason, row).await,
            Transition::Submit { report, no_evidence_reason } => {
                submit(c, s, report, no_evidence_reason.as_deref(), row).await
            }
            Transition::Approve { note } => approve(c, s, note.as_deref(), row).await,
            Transition::SendBack { reason } => send_back(c, s, reason, row).await,
            Transition::Accept { note } => accept(c, s, note, row).await,
            Transition::Reopen { reason } => reopen_for(c, s, reason, row).await,
            Transition::Callback { solved, satisfaction, comment } => {
                callback(c, s, *solved, *satisfaction, comment.as_deref(), row).await
            }
            Transition::RequestExtension { new_deadline, reason } => {
                request_extension(c, s, *new_deadline, reason, row).await
            }
            Transition::DecideExtension { approve, note } => {
                decide_extension(c, s, *approve, note.as_deref(), row).await
            }
            Transition::Flag { colour, reason } => flag(s, *colour, reason, row),
            Transition::Unflag { reason } => Ok(unflag(reason, row)),
            Transition::Publish => Ok(publish(s, row)),
            Transition::Unpublish => {
                row.published = false;
                Ok(Extra::default())
            }
        }
    }

    /// 分办.
    async fn assign(&self, c: &mut Conn<'_>, s: &Step<'_>, a: &Assignment, row: &mut ProblemRow) -> Result<Extra> {
        let lead = a.lead_unit_id;
        self.known_unit(lead).await?;
        let rtype = a.rectification_type.unwrap_or(row.rectification_type);
        let deadline = match (a.deadline, rtype) {
            (Some(d), _) => {
                check_not_past("deadline", d, s.today)?;
                Some(d)
            }
            (None, RectificationType::Ongoing) => None,
            (None, _) => {
                let limits = self.limits_for(c, row.category_id, row.kind).await?;
                let cal = self.calendar().await?;
                Some(cal.add_working_days(s.today, limits.completion_days))
            }
        };
        if let Some(uid) = a.responsible_leader_id {
            self.check_responsible_leader(c, uid, Some(lead)).await?;
            row.responsible_leader_id = Some(uid);
        }
        if let Some(person) = &a.responsible_person {
            row.responsible_person = domain::text::optional_text("responsible_person", Some(person), 100)?;
        }
        if let Some(ids) = &a.cooperating_unit_ids {
            let units = self.check_cooperating_units(ids, Some(lead)).await?;
            store::problems::set_cooperating_units(c, row.id, &s.cooperating, &units).await?;
        }
        row.lead_unit_id = Some(lead);
        row.rectification_type = rtype;
        row.deadline = deadline;
        row.original_deadline = deadline;
        row.assigned_at = Some(s.now);
        Ok(Extra::default())
    }
}

/// 不予受理.
fn dismiss(s: &Step<'_>, reason: &str, row: &mut ProblemRow) -> Result<Extra> {
    let reason = s.text("reason", reason)?;
    row.dismiss_reason = Some(reason.clone());
    Ok(Extra { reason: Some(reason), ..Extra::default() })
}

/// 合并: the target must be open, visible to the actor and on a list the actor runs.
async fn merge(
    c: &mut Conn<'_>,
    s: &Step<'_>,
    target_id: ProblemId,
    reason: &Option<String>,
    row: &mut ProblemRow,
) -> Result<Extra> {
    if target_id == row.id {
        return Err(Error::invalid("target_problem_id", "不能合并到自身", "a problem cannot be merged into itself"));
    }
    let target = crate::problems::load(c, target_id).await.map_err(|_| unknown_target(target_id))?;
    if !access::may_read(s.p, &target.place) {
        return Err(unknown_target(target_id));
    }
    if !s.p.may_run_list_in(&target.place.owner_unit) {
        return Err(forbidden(Action::Merge));
    }
    if !target.row.status.is_open() {
        return Err(Error::conflict(
            "target_problem_id",
            format!("目标问题 {} 已办结，不能合并进去", target.row.number),
            format!("the target problem {} is no longer open", target.row.number),
        ));
    }
    store::feedback::move_feedback(c, row.id, target_id, s.now).await?;
    void_pending_signoff(c, row.id).await?;
    row.merged_into_id = Some(target_id);
    Ok(Extra { merged_into: Some(target_id), reason: s.optional("reason", reason.as_deref())?, ..Extra::default() })
}

fn unknown_target(id: ProblemId) -> Error {
    Error::invalid("target_problem_id", format!("目标问题 {id} 不存在"), format!("target problem {id} does not exist"))
}

/// 申请销号: a report, and evidence or the reason there is none.
async fn submit(
    c: &mut Conn<'_>,
    s: &Step<'_>,
    report: &str,
    no_evidence_reason: Option<&str>,
    row: &mut ProblemRow,
) -> Result<Extra> {
    let report = s.text("report", report)?;
    let evidence = store::rectification::count_evidence(c, row.id).await?;
    let no_evidence_reason = s.optional("no_evidence_reason", no_evidence_reason)?;
    if evidence == 0 && no_evidence_reason.is_none() {
        return Err(Error::invalid_with_code(
            domain::Code::EvidenceRequired,
            "no_evidence_reason",
            "未上传佐证材料：请上传材料，或写明无佐证材料的理由",
            "no evidence is attached: upload some, or give no_evidence_reason",
        ));
    }
    void_pending_signoff(c, row.id).await?;
    let signoff = SignoffRow {
        id: domain::SignoffId::new(0),
        problem_id: row.id,
        report,
        no_evidence_reason,
        evidence_count: i32::try_from(evidence).unwrap_or(i32::MAX),
        status: SignoffStatus::PendingLeader,
        submitted_by: Some(s.p.user_id),
        submitted_at: s.now,
        leader_id: None,
        leader_at: None,
        leader_note: None,
        verifier_id: None,
        verifier_at: None,
        verifier_note: None,
    };
    let id = store::rectification::insert_signoff(c, &signoff).await?;
    row.submitted_at = Some(s.now);
    row.awaiting_resubmission = false;
    Ok(Extra { signoff_id: Some(id), ..Extra::default() })
}

/// 领导审核通过: the application goes on to the verifier.
async fn approve(c: &mut Conn<'_>, s: &Step<'_>, note: Option<&str>, row: &mut ProblemRow) -> Result<Extra> {
    let mut a = pending(c, row.id).await?;
    a.status = SignoffStatus::PendingVerifier;
    a.leader_id = Some(s.p.user_id);
    a.leader_at = Some(s.now);
    a.leader_note = s.optional("note", note)?;
    store::rectification::update_signoff(c, &a).await?;
    Ok(Extra { signoff_id: Some(a.id), note: a.leader_note, ..Extra::default() })
}

/// 退回: the reason is the note of whoever holds the stage.
async fn send_back(c: &mut Conn<'_>, s: &Step<'_>, reason: &str, row: &mut ProblemRow) -> Result<Extra> {
    let reason = s.text("reason", reason)?;
    let mut a = pending(c, row.id).await?;
    a.status = SignoffStatus::Returned;
    if s.state.stage == Some(SignoffStage::Verifier) {
        a.verifier_id = Some(s.p.user_id);
        a.verifier_at = Some(s.now);
        a.verifier_note = Some(reason.clone());
    } else {
        a.leader_id = Some(s.p.user_id);
        a.leader_at = Some(s.now);
        a.leader_note = Some(reason.clone());
    }
    store::rectification::update_signoff(c, &a).await?;
    row.awaiting_resubmission = true;
    row.sent_back_count += 1;
    Ok(Extra { signoff_id: Some(a.id), reason: Some(reason), ..Extra::default() })
}

/// 验收销号.
async fn accept(c: &mut Conn<'_>, s: &Step<'_>, note: &str, row: &mut ProblemRow) -> Result<Extra> {
    let note = s.text("note", note)?;
    let mut a = pending(c, row.id).await?;
    a.status = SignoffStatus::Accepted;
    a.verifier_id = Some(s.p.user_id);
    a.verifier_at = Some(s.now);
    a.verifier_note = Some(note.clone());
    store::rectification::update_signoff(c, &a).await?;
    row.verification_note = Some(note);
    row.closed_at = Some(s.now);
    row.closed_without_evidence = a.evidence_count == 0;
    Ok(Extra { signoff_id: Some(a.id), ..Extra::default() })
}

/// 重新整改: the reason is kept as a note on the problem.
async fn reopen_for(c: &mut Conn<'_>, s: &Step<'_>, reason: &str, row: &mut ProblemRow) -> Result<Extra> {
    let reason = s.text("reason", reason)?;
    reopen(row, ReopenCause::Recurrence, Some(&reason), s.now);
    store::rectification::insert_note(c, row.id, Some(s.p.user_id), &format!("重新整改：{reason}"), s.now).await?;
    Ok(Extra { reason: Some(reason), ..Extra::default() })
}

/// 回访 by staff: a dissatisfied answer reopens the problem.
async fn callback(
    c: &mut Conn<'_>,
    s: &Step<'_>,
    solved: bool,
    satisfaction: Satisfaction,
    comment: Option<&str>,
    row: &mut ProblemRow,
) -> Result<Extra> {
    let rating = Rating { solved, satisfaction, comment: s.optional("comment", comment)? };
    let cb = callback_row(row, CallbackVia::Staff, Some(s.p.user_id), rating, s.now);
    let id = record_callback(c, row, &cb).await?;
    if s.next.status == Status::Assigned {
        reopen(row, ReopenCause::Dissatisfied, cb.comment.as_deref(), s.now);
    }
    Ok(Extra { callback_id: Some(id), ..Extra::default() })
}

/// 申请延期: a later deadline, one request pending at a time.
async fn request_extension(
    c: &mut Conn<'_>,
    s: &Step<'_>,
    new_deadline: NaiveDate,
    reason: &str,
    row: &mut ProblemRow,
) -> Result<Extra> {
    let reason = s.text("reason", reason)?;
    check_not_past("new_deadline", new_deadline, s.today)?;
    if let Some(current) = row.deadline
        && new_deadline <= current
    {
        return Err(Error::invalid(
            "new_deadline",
            format!("新的时限 {new_deadline} 须晚于当前时限 {current}"),
            format!("new_deadline {new_deadline} must be after the current deadline {current}"),
        ));
    }
    // A second request while one is pending is refused before this (`Circumstances`).
    let ext = ExtensionRow {
        id: domain::ExtensionId::new(0),
        problem_id: row.id,
        requested_by: Some(s.p.user_id),
        requested_at: s.now,
        reason: reason.clone(),
        previous_deadline: row.deadline,
        new_deadline,
        status: ExtensionStatus::Pending,
        decided_by: None,
        decided_at: None,
        decision_note: None,
    };
    let id = store::rectification::insert_extension(c, &ext).await?;
    Ok(Extra { extension_id: Some(id), reason: Some(reason), ..Extra::default() })
}

/// 延期审批: approving moves the deadline; refusing needs a note.
async fn decide_extension(
    c: &mut Conn<'_>,
    s: &Step<'_>,
    approve: bool,
    note: Option<&str>,
    row: &mut ProblemRow,
) -> Result<Extra> {
    let note = s.optional("note", note)?;
    if !approve && note.is_none() {
        return Err(Error::invalid_with_code(
            domain::Code::Required,
            "note",
            "不批准延期须写明理由",
            "give a note when refusing an extension",
        ));
    }
    let mut ext = store::rectification::list_extensions(c, row.id)
        .await?
        .into_iter()
        .find(|e| e.status == ExtensionStatus::Pending)
        .ok_or_else(|| {
            Error::conflict("extension", "没有待审批的延期申请", "there is no extension request awaiting a decision")
        })?;
    ext.status = if approve { ExtensionStatus::Approved } else { ExtensionStatus::Refused };
    ext.decided_by = Some(s.p.user_id);
    ext.decided_at = Some(s.now);
    ext.decision_note = note.clone();
    store::rectification::update_extension(c, &ext).await?;
    if approve {
        row.deadline = Some(ext.new_deadline);
        row.extension_count += 1;
    }
    Ok(Extra { extension_id: Some(ext.id), note, ..Extra::default() })
}

/// 督办标色: a colour set by hand, with why.
fn flag(s: &Step<'_>, colour: Colour, reason: &str, row: &mut ProblemRow) -> Result<Extra> {
    let reason = s.text("reason", reason)?;
    row.manual_colour = Some(colour);
    row.manual_colour_reason = Some(reason.clone());
    Ok(Extra { reason: Some(reason), ..Extra::default() })
}

fn unflag(reason: &Option<String>, row: &mut ProblemRow) -> Extra {
    row.manual_colour = None;
    row.manual_colour_reason = None;
    Extra { reason: reason.clone(), ..Extra::default() }
}

fn publish(s: &Step<'_>, row: &mut ProblemRow) -> Extra {
    row.published = true;
    row.published_at = Some(s.now);
    Extra::default()
}

/// The application awaiting a decision: a submitted problem always has one.
async fn pending(c: &mut Conn<'_>, problem: ProblemId) -> Result<SignoffRow> {
    store::rectification::pending_signoff(c, problem)
        .await?
        .ok_or_else(|| Error::internal(format!("problem {problem} is submitted but has no pending application")))
}

/// 作废: a new application (or a merge) voids the one still pending.
async fn void_pending_signoff(c: &mut Conn<'_>, problem: ProblemId) -> Result<()> {
    if let Some(mut a) = store::rectification::pending_signoff(c, problem).await? {
        a.status = SignoffStatus::Voided;
        store::rectification::update_signoff(c, &a).await?;
    }
    Ok(())
}
