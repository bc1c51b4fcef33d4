//! What a transition request holds: one variant per action with exactly what that action needs.
//! The wire form is flat (`{"action": "dismiss", "version": 3, "reason": "…"}`, as clients have
//! always sent it); the API and the pages read it loosely into [`TransitionInput`], and the use case
//! checks it into a [`TransitionRequest`] after the problem's state, the actor's permission and the
//! version (so that an action that cannot be taken at all says so before it asks for a field).
//! Code that knows the action builds the [`Transition`] itself.

use chrono::NaiveDate;
use domain::problem::{RectificationType, Satisfaction};
use domain::supervision::Colour;
use domain::workflow::Action;
use domain::{Error, ProblemId, Result, UnitId, UserId};
use serde::{Deserialize, Serialize};

/// One workflow action with what it needs.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Transition {
    /// 分办.
    Assign(Assignment),
    /// 签收.
    SignFor,
    /// 不予受理.
    Dismiss { reason: String },
    /// 合并: into another open problem, which takes its reports.
    Merge { target_problem_id: ProblemId, reason: Option<String> },
    /// 申请销号: `no_evidence_reason` when no evidence is attached.
    Submit { report: String, no_evidence_reason: Option<String> },
    /// 领导审核通过.
    Approve { note: Option<String> },
    /// 退回: by whoever holds the sign-off stage.
    SendBack { reason: String },
    /// 验收销号: `note` is the effectiveness note (整改成效).
    Accept { note: String },
    /// 重新整改.
    Reopen { reason: String },
    /// 回访: solved and satisfaction are kept apart.
    Callback { solved: bool, satisfaction: Satisfaction, comment: Option<String> },
    /// 申请延期.
    RequestExtension { new_deadline: NaiveDate, reason: String },
    /// 延期审批: `note` is required when refusing.
    DecideExtension { approve: bool, note: Option<String> },
    /// 督办标色.
    Flag { colour: Colour, reason: String },
    /// 取消标色.
    Unflag { reason: Option<String> },
    /// 公示.
    Publish,
    /// 撤回公示.
    Unpublish,
}

/// 分办: the lead unit takes the problem. Without a deadline one is set from the category's time
/// limit (none for `ongoing` problems).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Assignment {
    pub lead_unit_id: UnitId,
    pub deadline: Option<NaiveDate>,
    pub cooperating_unit_ids: Option<Vec<UnitId>>,
    pub responsible_leader_id: Option<UserId>,
    pub responsible_person: Option<String>,
    pub rectification_type: Option<RectificationType>,
}

impl Assignment {
    /// To `lead_unit_id`, everything else left to defaults.
    pub fn to(lead_unit_id: UnitId) -> Self {
        Assignment {
            lead_unit_id,
            deadline: None,
            cooperating_unit_ids: None,
            responsible_leader_id: None,
            responsible_person: None,
            rectification_type: None,
        }
    }
}

impl Transition {
    pub fn action(&self) -> Action {
        match self {
            Transition::Assign(_) => Action::Assign,
            Transition::SignFor => Action::SignFor,
            Transition::Dismiss { .. } => Action::Dismiss,
            Transition::Merge { .. } => Action::Merge,
            Transition::Submit { .. } => Action::Submit,
            Transition::Approve { .. } => Action::Approve,
            Transition::SendBack { .. } => Action::SendBack,
            Transition::Accept { .. } => Action::Accept,
            Transition::Reopen { .. } => Action::Reopen,
            Transition::Callback { .. } => Action::Callback,
            Transition::RequestExtension { .. } => Action::RequestExtension,
            Transition::DecideExtension { .. } => Action::DecideExtension,
            Transition::Flag { .. } => Action::Flag,
            Transition::Unflag { .. } => Action::Unflag,
            Transition::Publish => Action::Publish,
            Transition::Unpublish => Action::Unpublish,
        }
    }

    /// Whether it is a dissatisfied callback (which reopens the problem).
    pub fn dissatisfied(&self) -> bool {
        matches!(self, Transition::Callback { satisfaction: Satisfaction::Dissatisfied, .. })
    }
}

/// A transition and the version of the problem it was decided on: the body of `POST
/// /problems/{id}/transitions`, as the OpenAPI document shows it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TransitionRequest {
    /// The version the actor read; a stale one gets 409 `stale_version`.
    pub version: i64,
    #[serde(flatten)]
    pub transition: Transition,
}

impl TransitionRequest {
    pub fn new(version: i64, transition: Transition) -> Self {
        TransitionRequest { version, transition }
    }
}

/// The flat wire form of a transition: the action and every field any action takes. Fields an
/// action does not take are ignored; [`TransitionInput::checked`] makes it a [`TransitionRequest`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionInput {
    pub action: Action,
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

    /// The request this input makes: refused with `required`, naming the field, when the action
    /// needs a field that is missing.
    pub fn checked(self) -> Result<TransitionRequest> {
        let action = self.action;
        let need = |field: &str| required(field, action);
        let transition = match action {
            Action::Assign => Transition::Assign(Assignment {
                lead_unit_id: self.lead_unit_id.ok_or_else(|| need("lead_unit_id"))?,
                deadline: self.deadline,
                cooperating_unit_ids: self.cooperating_unit_ids,
                responsible_leader_id: self.responsible_leader_id,
                responsible_person: self.responsible_person,
                rectification_type: self.rectification_type,
            }),
            Action::SignFor => Transition::SignFor,
            Action::Dismiss => Transition::Dismiss { reason: self.reason.ok_or_else(|| need("reason"))? },
            Action::Merge => Transition::Merge {
                target_problem_id: self.target_problem_id.ok_or_else(|| need("target_problem_id"))?,
                reason: self.reason,
            },
            Action::Submit => Transition::Submit {
                report: self.report.ok_or_else(|| need("report"))?,
                no_evidence_reason: self.no_evidence_reason,
            },
            Action::Approve => Transition::Approve { note: self.note },
            Action::SendBack => Transition::SendBack { reason: self.reason.ok_or_else(|| need("reason"))? },
            Action::Accept => Transition::Accept { note: self.note.ok_or_else(|| need("note"))? },
            Action::Reopen => Transition::Reopen { reason: self.reason.ok_or_else(|| need("reason"))? },
            Action::Callback => Transition::Callback {
                solved: self.solved.ok_or_else(|| need("solved"))?,
                satisfaction: self.satisfaction.ok_or_else(|| need("satisfaction"))?,
                comment: self.comment,
            },
            Action::RequestExtension => Transition::RequestExtension {
                new_deadline: self.new_deadline.ok_or_else(|| need("new_deadline"))?,
                reason: self.reason.ok_or_else(|| need("reason"))?,
            },
            Action::DecideExtension => {
                Transition::DecideExtension { approve: self.approve.ok_or_else(|| need("approve"))?, note: self.note }
            }
            Action::Flag => Transition::Flag {
                colour: self.colour.ok_or_else(|| need("colour"))?,
                reason: self.reason.ok_or_else(|| need("reason"))?,
            },
            Action::Unflag => Transition::Unflag { reason: self.reason },
            Action::Publish => Transition::Publish,
            Action::Unpublish => Transition::Unpublish,
        };
        Ok(TransitionRequest { version: self.version, transition })
    }
}

/// A transition as a use case receives it: typed by code that knows the action, or the flat wire
/// form of the API and the pages, checked only after the problem's state, the actor's permission
/// and the version.
#[derive(Debug, Clone, Copy)]
pub enum Asked<'a> {
    Typed(&'a TransitionRequest),
    Wire(&'a TransitionInput),
}

impl<'a> From<&'a TransitionRequest> for Asked<'a> {
    fn from(r: &'a TransitionRequest) -> Self {
        Asked::Typed(r)
    }
}

impl<'a> From<&'a TransitionInput> for Asked<'a> {
    fn from(i: &'a TransitionInput) -> Self {
        Asked::Wire(i)
    }
}

impl<'a> Asked<'a> {
    pub fn action(self) -> Action {
        match self {
            Asked::Typed(r) => r.transition.action(),
            Asked::Wire(i) => i.action,
        }
    }

    pub fn version(self) -> i64 {
        match self {
            Asked::Typed(r) => r.version,
            Asked::Wire(i) => i.version,
        }
    }

    /// Whether it is a dissatisfied callback (which decides the state it leads to).
    pub fn dissatisfied(self) -> bool {
        match self {
            Asked::Typed(r) => r.transition.dissatisfied(),
            Asked::Wire(i) => i.action == Action::Callback && i.satisfaction == Some(Satisfaction::Dissatisfied),
        }
    }

    /// The transition with everything its action needs.
    pub fn checked(self) -> Result<std::borrow::Cow<'a, Transition>> {
        Ok(match self {
            Asked::Typed(r) => std::borrow::Cow::Borrowed(&r.transition),
            Asked::Wire(i) => std::borrow::Cow::Owned(i.clone().checked()?.transition),
        })
    }
}

/// The action needs `field`.
pub(super) fn required(field: &str, action: Action) -> Error {
    Error::invalid_with_code(
        domain::Code::Required,
        field,
        format!("“{}”操作必须填写 {field}", action.label_zh()),
        format!("{field} is required to {}", action.as_str()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<TransitionRequest> {
        serde_json::from_str::<TransitionInput>(json).unwrap().checked()
    }

    #[test]
    fn the_flat_form_reads_into_the_action_with_what_it_needs() {
        let r = read(r#"{"action": "dismiss", "version": 3, "reason": "重复", "note": "不需要"}"#).unwrap();
        assert_eq!(r, TransitionRequest::new(3, Transition::Dismiss { reason: "重复".into() }));
        assert_eq!(read(r#"{"action": "publish", "version": 1}"#).unwrap().transition, Transition::Publish);
        // Written back, it is the same flat form.
        let json =
            serde_json::to_value(TransitionRequest::new(2, Transition::Reopen { reason: "反弹".into() })).unwrap();
        assert_eq!(json, serde_json::json!({"version": 2, "action": "reopen", "reason": "反弹"}));
    }

    #[test]
    fn a_missing_field_is_required_naming_it() {
        let err =
            TransitionInput { solved: Some(true), ..TransitionInput::new(Action::Callback) }.checked().unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { code: domain::Code::Required, field, .. } if field == "satisfaction"),
            "{err:?}"
        );
        let err = read(r#"{"action": "request_extension", "version": 1, "reason": "协调"}"#).unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { code: domain::Code::Required, field, .. } if field == "new_deadline"),
            "{err:?}"
        );
    }
}
