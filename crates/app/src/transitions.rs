//! Workflow transitions (`POST /problems/{id}/transitions`): check that the action is legal from
//! the problem's state, that the actor may take it, that the version is current and that what the
//! action needs was given; then apply it, keep its records (sign-off applications, extensions,
//! callbacks) and append to the audit chain, all in one transaction.

use crate::problems::{Loaded, check_cooperating_units, check_not_past, check_user_exists, load_visible, state_of};
use crate::views::ProblemDetail;
use crate::{Actor, App};
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::{self, Principal};
use domain::problem::{CallbackReview, CallbackVia, ExtensionStatus, RectificationType, Satisfaction, SignoffStatus};
use domain::supervision::Colour;
use domain::workflow::{Action, SignoffStage, State, Status};
use domain::{Error, ProblemId, Result, UnitId, UserId};
use serde::Deserialize;
use store::Conn;
use store::callbacks::CallbackRow;
use store::problems::ProblemRow;
use store::rectification::{ExtensionRow, SignoffRow};

/// One workflow action with what it needs. Which fields an action needs:
/// `assign`: lead_unit_id, deadline (not for `ongoing`; default from the category's time limit),
/// optional cooperating_unit_ids, responsible_leader_id, responsible_person, rectification_type;
/// `dismiss`, `reopen`, `send_back`: reason; `merge`: target_problem_id; `submit`: report, and
/// no_evidence_reason when no evidence is attached; `approve`: optional note; `accept`: note (整改成效);
/// `callback`: solved, satisfaction, optional comment; `request_extension`: new_deadline, reason;
/// `decide_extension`: approve, and note when refusing; `flag`: colour, reason.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionInput {
    pub action: Action,
    /// The version the actor read; a stale one gets 409 `stale_version`.
    pub version: i64,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub lead_unit_id: Option<UnitId>,
    pub cooperating_unit_ids: Option<Vec<UnitId>>,
    pub responsible_leader_id: Option<UserId>,
    pub responsible_person: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub rectification_type: Option<RectificationType>,
    pub target_problem_id: Option<ProblemId>,
    pub report: Option<String>,
    pub no_evidence_reason: Option<String>,
    pub new_deadline: Option<NaiveDate>,
    pub approve: Option<bool>,
    pub colour: Option<Colour>,
    pub solved: Option<bool>,
    pub satisfaction: Option<Satisfaction>,
    pub comment: Option<String>,
}

impl TransitionInput {
    /// The action alone, at version 0: callers add what it needs and the version they read.
    pub fn new(action: Action) -> Self {
        TransitionInput {
            action,
            version: 0,
            reason: None,
            note: None,
            lead_unit_id: None,
            cooperating_unit_ids: None,
            responsible_leader_id: None,
            responsible_person: None,
            deadline: None,
            rectification_type: None,
            target_problem_id: None,
            report: None,
            no_evidence_reason: None,
            new_deadline: None,
            approve: None,
            colour: None,
            solved: None,
            satisfaction: None,
            comment: None,
        }
    }
}

fn required<T: Clone>(value: &Option<T>, field: &str, action: Action) -> Result<T> {
    value.clone().ok_or_else(|| {
        Error::invalid_with_code(
            domain::Code::Required,
            field,
            format!("“{}”操作必须填写 {field}", action.label_zh()),
            format!("{field} is required to {}", action.as_str()),
        )
    })
}

fn required_text(value: &Option<String>, field: &str, action: Action, max: usize) -> Result<String> {
    let v = required(value, field, action)?;
    domain::text::required_text(field, &v, max)
}

fn forbidden(action: Action) -> Error {
    Error::forbidden(
        format!("您无权对该问题执行“{}”", action.label_zh()),
        format!("you may not {} this problem", action.as_str()),
    )
}

/// What happened besides the problem row, for the audit entry.
#[derive(serde::Serialize, Default)]
struct Extra {
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signoff_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extension_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    merged_into: Option<i64>,
}

impl App {
    /// Applies one workflow action to a problem and returns it as the actor now sees it.
    pub async fn transition(&self, actor: &Actor, id: ProblemId, input: &TransitionInput) -> Result<ProblemDetail> {
        self.apply_transition(actor, id, input).await?;
        self.get_problem(actor, id).await
    }

    pub(crate) async fn apply_transition(&self, actor: &Actor, id: ProblemId, input: &TransitionInput) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let (action, from, to) = self.transition_in(&mut tx.conn(), actor, id, input).await?;
        self.commit(tx).await?;
        tracing::info!(
            problem_id = id.get(),
            action = action.as_str(),
            from = from.as_str(),
            to = to.as_str(),
            "transition"
        );
        Ok(())
    }

    /// Applies one workflow action in the caller's transaction; returns the action and the status
    /// before and after.
    pub(crate) async fn transition_in(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        id: ProblemId,
        input: &TransitionInput,
    ) -> Result<(Action, Status, Status)> {
        let action = input.action;
        let (Loaded { row: before, place }, p) = load_visible(c, actor, id).await?;
        let state = state_of(&before)?;
        let dissatisfied = action == Action::Callback && input.satisfaction == Some(Satisfaction::Dissatisfied);
        let next = state.after(action, dissatisfied)?;
        let permitted = match (action, state.stage) {
            (Action::SendBack, Some(SignoffStage::Leader)) => access::may_act_as_leader(&p, &place),
            (Action::SendBack, _) => access::may_verify(&p, &place),
            _ => access::may_take(&p, action, &place),
        };
        if !permitted {
            return Err(forbidden(action));
        }
        if input.version != before.version {
            return Err(Error::StaleVersion { sent: input.version, current: before.version });
        }
        let now = self.clock.now();
        let mut row = before.clone();
        let extra = self.apply(c, &p, action, state, next, input, &mut row, now).await?;
        row.status = next.status;
        row.signoff_stage = next.stage;
        row.updated_at = now;
        store::problems::update_problem(c, &row).await?;
        if row.public_reply != before.public_reply {
            crate::search::index_problem(c, &row).await?;
        }
        let after = store::problems::get_problem(c, id).await?.ok_or_else(|| Error::not_found("problem"))?;
        let audit_after = serde_json::json!({ "problem": after, "extra": extra });
        crate::audit::record(
            c,
            now,
            actor,
            &format!("problem.{}", action.as_str()),
            "problem",
            Some(id.get()),
            Some(&before),
            Some(&audit_after),
        )
        .await?;
        Ok((action, state.status, next.status))
    }

    #[allow(clippy::too_many_arguments)]
    async fn apply(
        &self,
        c: &mut Conn<'_>,
        p: &Principal,
        action: Action,
        state: State,
        next: State,
        input: &TransitionInput,
        row: &mut ProblemRow,
        now: DateTime<Utc>,
    ) -> Result<Extra> {
        let max = self.settings.text.max_text_chars;
        let today = self.clock.today();
        let pid = row.id;
        let mut extra = Extra::default();
        match action {
            Action::Assign => {
                let lead = required(&input.lead_unit_id, "lead_unit_id", action)?;
                store::units::get_unit(c, lead).await?.ok_or_else(|| crate::units::unknown_unit_id(lead))?;
                let rtype = input.rectification_type.unwrap_or(row.rectification_type);
                let deadline = match (input.deadline, rtype) {
                    (Some(d), _) => {
                        check_not_past("deadline", d, today)?;
                        Some(d)
                    }
                    (None, RectificationType::Ongoing) => None,
                    (None, _) => {
                        let kind = row.kind;
                        let limits = self.limits_for(c, row.category_id, kind).await?;
                        let cal = self.calendar().await?;
                        Some(cal.add_working_days(today, limits.completion_days))
                    }
                };
                if let Some(uid) = input.responsible_leader_id {
                    check_user_exists(c, uid, "responsible_leader_id").await?;
                    row.responsible_leader_id = Some(uid);
                }
                if let Some(person) = &input.responsible_person {
                    row.responsible_person = domain::text::optional_text("responsible_person", Some(person), 100)?;
                }
                if let Some(ids) = &input.cooperating_unit_ids {
                    let units = check_cooperating_units(c, ids, Some(lead)).await?;
                    store::problems::set_cooperating_units(c, pid, &units).await?;
                }
                row.lead_unit_id = Some(lead);
                row.rectification_type = rtype;
                row.deadline = deadline;
                row.original_deadline = deadline;
                row.assigned_at = Some(now);
            }
            Action::Dismiss => {
                let reason = required_text(&input.reason, "reason", action, max)?;
                row.dismiss_reason = Some(reason.clone());
                extra.reason = Some(reason);
            }
            Action::Merge => {
                let target_id = required(&input.target_problem_id, "target_problem_id", action)?;
                if target_id == row.id {
                    return Err(Error::invalid(
                        "target_problem_id",
                        "不能合并到自身",
                        "a problem cannot be merged into itself",
                    ));
                }
                let target = crate::problems::load(c, target_id).await.map_err(|_| unknown_target(target_id))?;
                if !access::may_read(p, &target.place) {
                    return Err(unknown_target(target_id));
                }
                if !p.may_run_list_in(&target.place.owner_unit) {
                    return Err(forbidden(action));
                }
                if !target.row.status.is_open() {
                    return Err(Error::conflict(
                        "target_problem_id",
                        format!("目标问题 {} 已办结，不能合并进去", target.row.number),
                        format!("the target problem {} is no longer open", target.row.number),
                    ));
                }
                store::feedback::move_feedback(c, pid, target_id, now).await?;
                void_pending_signoff(c, pid).await?;
                row.merged_into_id = Some(target_id);
                extra.merged_into = Some(target_id.get());
                extra.reason = input.reason.clone();
            }
            Action::Submit => {
                let report = required_text(&input.report, "report", action, max)?;
                let evidence = store::rectification::count_evidence(c, pid).await?;
                let no_evidence_reason =
                    domain::text::optional_text("no_evidence_reason", input.no_evidence_reason.as_deref(), max)?;
                if evidence == 0 && no_evidence_reason.is_none() {
                    return Err(Error::invalid_with_code(
                        domain::Code::EvidenceRequired,
                        "no_evidence_reason",
                        "未上传佐证材料：请上传材料，或写明无佐证材料的理由",
                        "no evidence is attached: upload some, or give no_evidence_reason",
                    ));
                }
                void_pending_signoff(c, pid).await?;
                let signoff = SignoffRow {
                    id: domain::SignoffId::new(0),
                    problem_id: row.id,
                    report,
                    no_evidence_reason,
                    evidence_count: i32::try_from(evidence).unwrap_or(i32::MAX),
                    status: SignoffStatus::PendingLeader,
                    submitted_by: Some(p.user_id),
                    submitted_at: now,
                    leader_id: None,
                    leader_at: None,
                    leader_note: None,
                    verifier_id: None,
                    verifier_at: None,
                    verifier_note: None,
                };
                extra.signoff_id = Some(store::rectification::insert_signoff(c, &signoff).await?.get());
                row.submitted_at = Some(now);
                row.awaiting_resubmission = false;
            }
            Action::Approve => {
                let mut s = pending(c, pid).await?;
                s.status = SignoffStatus::PendingVerifier;
                s.leader_id = Some(p.user_id);
                s.leader_at = Some(now);
                s.leader_note = domain::text::optional_text("note", input.note.as_deref(), max)?;
                store::rectification::update_signoff(c, &s).await?;
                extra.signoff_id = Some(s.id.get());
                extra.note = s.leader_note;
            }
            Action::SendBack => {
                let reason = required_text(&input.reason, "reason", action, max)?;
                let mut s = pending(c, pid).await?;
                s.status = SignoffStatus::Returned;
                if state.stage == Some(SignoffStage::Verifier) {
                    s.verifier_id = Some(p.user_id);
                    s.verifier_at = Some(now);
                    s.verifier_note = Some(reason.clone());
                } else {
                    s.leader_id = Some(p.user_id);
                    s.leader_at = Some(now);
                    s.leader_note = Some(reason.clone());
                }
                store::rectification::update_signoff(c, &s).await?;
                row.awaiting_resubmission = true;
                row.sent_back_count += 1;
                extra.signoff_id = Some(s.id.get());
                extra.reason = Some(reason);
            }
            Action::Accept => {
                let note = required_text(&input.note, "note", action, max)?;
                let mut s = pending(c, pid).await?;
                s.status = SignoffStatus::Accepted;
                s.verifier_id = Some(p.user_id);
                s.verifier_at = Some(now);
                s.verifier_note = Some(note.clone());
                store::rectification::update_signoff(c, &s).await?;
                row.verification_note = Some(note);
                row.closed_at = Some(now);
                row.closed_without_evidence = s.evidence_count == 0;
                extra.signoff_id = Some(s.id.get());
            }
            Action::Reopen => {
                let reason = required_text(&input.reason, "reason", action, max)?;
                reopen(row);
                store::rectification::insert_note(c, pid, Some(p.user_id), &format!("重新整改：{reason}"), now).await?;
                extra.reason = Some(reason);
            }
            Action::Callback => {
                let solved = required(&input.solved, "solved", action)?;
                let satisfaction = required(&input.satisfaction, "satisfaction", action)?;
                let comment = domain::text::optional_text("comment", input.comment.as_deref(), max)?;
                let cb = callback_row(
                    row,
                    CallbackVia::Staff,
                    Some(p.user_id),
                    Rating { solved, satisfaction, comment },
                    now,
                );
                record_callback(c, row, &cb).await?;
                if next.status == Status::Assigned {
                    reopen(row);
                }
            }
            Action::RequestExtension => {
                let new_deadline = required(&input.new_deadline, "new_deadline", action)?;
                let reason = required_text(&input.reason, "reason", action, max)?;
                check_not_past("new_deadline", new_deadline, today)?;
                if let Some(current) = row.deadline
                    && new_deadline <= current
                {
                    return Err(Error::invalid(
                        "new_deadline",
                        format!("新的时限 {new_deadline} 须晚于当前时限 {current}"),
                        format!("new_deadline {new_deadline} must be after the current deadline {current}"),
                    ));
                }
                let existing = store::rectification::list_extensions(c, pid).await?;
                if existing.iter().any(|e| e.status == ExtensionStatus::Pending) {
                    return Err(Error::conflict(
                        "extension",
                        "已有待审批的延期申请",
                        "an extension request is already awaiting a decision",
                    ));
                }
                let ext = ExtensionRow {
                    id: domain::ExtensionId::new(0),
                    problem_id: row.id,
                    requested_by: Some(p.user_id),
                    requested_at: now,
                    reason: reason.clone(),
                    previous_deadline: row.deadline,
                    new_deadline,
                    status: ExtensionStatus::Pending,
                    decided_by: None,
                    decided_at: None,
                    decision_note: None,
                };
                extra.extension_id = Some(store::rectification::insert_extension(c, &ext).await?.get());
                extra.reason = Some(reason);
            }
            Action::DecideExtension => {
                let approve = required(&input.approve, "approve", action)?;
                let note = domain::text::optional_text("note", input.note.as_deref(), max)?;
                if !approve && note.is_none() {
                    return Err(Error::invalid_with_code(
                        domain::Code::Required,
                        "note",
                        "不批准延期须写明理由",
                        "give a note when refusing an extension",
                    ));
                }
                let mut ext = store::rectification::list_extensions(c, pid)
                    .await?
                    .into_iter()
                    .find(|e| e.status == ExtensionStatus::Pending)
                    .ok_or_else(|| {
                        Error::conflict(
                            "extension",
                            "没有待审批的延期申请",
                            "there is no extension request awaiting a decision",
                        )
                    })?;
                ext.status = if approve { ExtensionStatus::Approved } else { ExtensionStatus::Refused };
                ext.decided_by = Some(p.user_id);
                ext.decided_at = Some(now);
                ext.decision_note = note.clone();
                store::rectification::update_extension(c, &ext).await?;
                if approve {
                    row.deadline = Some(ext.new_deadline);
                    row.extension_count += 1;
                }
                extra.extension_id = Some(ext.id.get());
                extra.note = note;
            }
            Action::Flag => {
                let colour = required(&input.colour, "colour", action)?;
                let reason = required_text(&input.reason, "reason", action, max)?;
                row.manual_colour = Some(colour);
                row.manual_colour_reason = Some(reason.clone());
                extra.reason = Some(reason);
            }
            Action::Unflag => {
                row.manual_colour = None;
                row.manual_colour_reason = None;
                extra.reason = input.reason.clone();
            }
            Action::Publish => {
                row.published = true;
                row.published_at = Some(now);
            }
            Action::Unpublish => {
                row.published = false;
            }
        }
        Ok(extra)
    }

    /// The public rates its own closed report (with the private rating key). A dissatisfied rating
    /// from a report the problem was made from reopens it, as a staff callback would; one from a
    /// report linked later counts in the figures and waits for the office (不满意待核实), see
    /// [`domain::problem::rating_reopens`]. Returns whether the problem reopened.
    pub(crate) async fn public_callback(
        &self,
        c: &mut Conn<'_>,
        problem: ProblemId,
        report: &store::feedback::FeedbackRow,
        rating: Rating,
    ) -> Result<bool> {
        let now = self.clock.now();
        let before = store::problems::get_problem(c, problem).await?.ok_or_else(|| Error::not_found("problem"))?;
        let state = state_of(&before)?;
        let reopens = domain::problem::rating_reopens(rating.satisfaction, report.linked_at, before.created_at);
        let review = (rating.satisfaction == Satisfaction::Dissatisfied && !reopens).then_some(CallbackReview::Pending);
        let next = state.after(Action::Callback, reopens)?;
        let mut row = before.clone();
        let mut cb = callback_row(&row, CallbackVia::Public, None, rating, now);
        cb.feedback_id = Some(report.id);
        cb.review = review;
        let callback_id = record_callback(c, &mut row, &cb).await?;
        if next.status == Status::Assigned {
            reopen(&mut row);
        }
        row.status = next.status;
        row.signoff_stage = None;
        row.updated_at = now;
        store::problems::update_problem(c, &row).await?;
        let after = store::problems::get_problem(c, problem).await?;
        let audit_after = serde_json::json!({ "problem": after, "extra": { "callback_id": callback_id, "feedback_id": report.id, "review": review } });
        crate::audit::record(
            c,
            now,
            &Actor::Public,
            "problem.callback",
            "problem",
            Some(problem.get()),
            Some(&before),
            Some(&audit_after),
        )
        .await?;
        Ok(reopens)
    }
}

/// One callback's answers: solved or not, and how satisfied (kept apart).
#[derive(Debug, Clone)]
pub(crate) struct Rating {
    pub solved: bool,
    pub satisfaction: Satisfaction,
    pub comment: Option<String>,
}

fn callback_row(
    row: &ProblemRow,
    via: CallbackVia,
    by: Option<UserId>,
    rating: Rating,
    now: DateTime<Utc>,
) -> CallbackRow {
    CallbackRow {
        id: domain::CallbackId::new(0),
        problem_id: row.id,
        at: now,
        recorded_by: by,
        via,
        solved: rating.solved,
        satisfaction: rating.satisfaction,
        comment: rating.comment,
        feedback_id: None,
        review: None,
        review_note: None,
        reviewed_by: None,
        reviewed_at: None,
    }
}

fn unknown_target(id: ProblemId) -> Error {
    Error::invalid("target_problem_id", format!("目标问题 {id} 不存在"), format!("target problem {id} does not exist"))
}

fn reopen(row: &mut ProblemRow) {
    row.reopen_count += 1;
    row.closed_at = None;
    row.awaiting_resubmission = false;
}

/// Records a callback, and its answers on the problem row (which the rates count); returns its id.
async fn record_callback(c: &mut Conn<'_>, row: &mut ProblemRow, cb: &CallbackRow) -> Result<i64> {
    let id = store::callbacks::insert_callback(c, cb).await?;
    row.solved = Some(cb.solved);
    row.satisfaction = Some(cb.satisfaction);
    Ok(id)
}

async fn pending(c: &mut Conn<'_>, problem: ProblemId) -> Result<SignoffRow> {
    store::rectification::pending_signoff(c, problem)
        .await?
        .ok_or_else(|| Error::internal(format!("problem {problem} is submitted but has no pending application")))
}

/// 作废: a new application (or a merge) voids the one still pending.
async fn void_pending_signoff(c: &mut Conn<'_>, problem: ProblemId) -> Result<()> {
    if let Some(mut s) = store::rectification::pending_signoff(c, problem).await? {
        s.status = SignoffStatus::Voided;
        store::rectification::update_signoff(c, &s).await?;
    }
    Ok(())
}
