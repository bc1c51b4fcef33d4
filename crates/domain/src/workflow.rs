//! 整改流程: the rectification workflow (SPEC §1). `new` (待分办) → `assigned` (整改中) → `submitted`
//! (申请销号) → `closed` (已销号), with send-back, reopen, dismiss and merge. Sign-off (销号) has two
//! stages inside `submitted`: the unit's responsible leader approves the report, then a verifier
//! outside the unit accepts it or sends it back. This module says which action is legal from which
//! state and where it leads; who may take it is [`crate::access`]'s business.

use crate::{Error, Result};

/// Where a problem is in the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 待分办
    New,
    /// 整改中
    Assigned,
    /// 申请销号
    Submitted,
    /// 已销号
    Closed,
    /// 不予受理
    Dismissed,
    /// 已合并
    Merged,
}

impl Status {
    pub const ALL: [Status; 6] =
        [Status::New, Status::Assigned, Status::Submitted, Status::Closed, Status::Dismissed, Status::Merged];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Assigned => "assigned",
            Status::Submitted => "submitted",
            Status::Closed => "closed",
            Status::Dismissed => "dismissed",
            Status::Merged => "merged",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Status::New => "待分办",
            Status::Assigned => "整改中",
            Status::Submitted => "申请销号",
            Status::Closed => "已销号",
            Status::Dismissed => "不予受理",
            Status::Merged => "已合并",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        Status::ALL.into_iter().find(|v| v.as_str() == s || v.label_zh() == s).ok_or_else(|| {
            Error::invalid(
                "status",
                format!("未知状态“{s}”（可选：new、assigned、submitted、closed、dismissed、merged）"),
                format!("unknown status \"{s}\" (known: new, assigned, submitted, closed, dismissed, merged)"),
            )
        })
    }

    /// Still being worked on: the deadline clock runs.
    pub fn is_open(self) -> bool {
        matches!(self, Status::New | Status::Assigned | Status::Submitted)
    }
}

/// A status equals its wire name.
impl PartialEq<&str> for Status {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A stage equals its wire name.
impl PartialEq<&str> for SignoffStage {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The stage of a pending sign-off application, while the problem is `submitted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignoffStage {
    /// Awaiting the unit's responsible leader (单位领导审核).
    Leader,
    /// Awaiting a verifier outside the unit (验收).
    Verifier,
}

impl SignoffStage {
    pub fn as_str(self) -> &'static str {
        match self {
            SignoffStage::Leader => "leader",
            SignoffStage::Verifier => "verifier",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        match s.trim() {
            "leader" => Ok(SignoffStage::Leader),
            "verifier" => Ok(SignoffStage::Verifier),
            other => Err(crate::Error::invalid(
                "signoff_stage",
                format!("未知的销号阶段“{other}”（可选：leader、verifier）"),
                format!("unknown sign-off stage \"{other}\" (known: leader, verifier)"),
            )),
        }
    }
}

/// Everything that can be done to a problem through `POST /problems/{id}/transitions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// 分办: give the problem a lead unit and a deadline.
    Assign,
    /// 签收: the lead unit takes on what it was assigned, which stops its sign-for clock.
    SignFor,
    /// 不予受理, reason required.
    Dismiss,
    /// 合并 into another open problem.
    Merge,
    /// 申请销号: the unit submits its rectification report; voids a pending application.
    Submit,
    /// 领导审核通过: the responsible leader approves the report.
    Approve,
    /// 退回: the leader or the verifier sends the report back, reason required.
    SendBack,
    /// 验收销号: the verifier accepts, with an effectiveness note.
    Accept,
    /// 重新整改: a closed problem is reopened (recurrence confirmed), reason required.
    Reopen,
    /// 回访: the satisfaction callback; 不满意 reopens the problem.
    Callback,
    /// 延期申请
    RequestExtension,
    /// 延期审批: approve or refuse a pending extension request.
    DecideExtension,
    /// 挂牌督办: a supervisor raises the supervision colour by hand.
    Flag,
    /// 摘牌: the manual supervision flag is lifted.
    Unflag,
    /// 整改公示: make the problem visible to the public.
    Publish,
    Unpublish,
}

impl Action {
    pub const ALL: [Action; 16] = [
        Action::Assign,
        Action::SignFor,
        Action::Dismiss,
        Action::Merge,
        Action::Submit,
        Action::Approve,
        Action::SendBack,
        Action::Accept,
        Action::Reopen,
        Action::Callback,
        Action::RequestExtension,
        Action::DecideExtension,
        Action::Flag,
        Action::Unflag,
        Action::Publish,
        Action::Unpublish,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Assign => "assign",
            Action::SignFor => "sign_for",
            Action::Dismiss => "dismiss",
            Action::Merge => "merge",
            Action::Submit => "submit",
            Action::Approve => "approve",
            Action::SendBack => "send_back",
            Action::Accept => "accept",
            Action::Reopen => "reopen",
            Action::Callback => "callback",
            Action::RequestExtension => "request_extension",
            Action::DecideExtension => "decide_extension",
            Action::Flag => "flag",
            Action::Unflag => "unflag",
            Action::Publish => "publish",
            Action::Unpublish => "unpublish",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Action::Assign => "分办",
            Action::SignFor => "签收",
            Action::Dismiss => "不予受理",
            Action::Merge => "合并",
            Action::Submit => "申请销号",
            Action::Approve => "领导审核通过",
            Action::SendBack => "退回",
            Action::Accept => "验收销号",
            Action::Reopen => "重新整改",
            Action::Callback => "回访",
            Action::RequestExtension => "延期申请",
            Action::DecideExtension => "延期审批",
            Action::Flag => "挂牌督办",
            Action::Unflag => "摘牌",
            Action::Publish => "公示",
            Action::Unpublish => "撤回公示",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        Action::ALL.into_iter().find(|a| a.as_str() == s.trim()).ok_or_else(|| {
            let known: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
            Error::invalid(
                "action",
                format!("未知操作“{s}”（可选：{}）", known.join("、")),
                format!("unknown action \"{s}\" (known: {})", known.join(", ")),
            )
        })
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What about a problem, beyond its state, decides whether an action means anything now: nothing
/// to withdraw from the public page of a problem that is not on it, no request to decide when
/// none is pending, no flag to lift when none is set. Pages offer only what means something, and
/// the workflow refuses the rest with the reason, so that an action offered is one that succeeds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Circumstances {
    /// The lead unit signed for the problem since it was last assigned.
    pub signed_for: bool,
    pub published: bool,
    pub flagged: bool,
    pub extension_pending: bool,
}

impl Circumstances {
    /// Why `action` means nothing now, if it does not.
    pub fn refusal(self, action: Action) -> Option<Error> {
        let (field, zh, en) = match action {
            Action::SignFor if self.signed_for => ("signed_at", "该问题已签收", "the problem is already signed for"),
            Action::Publish if self.published => ("published", "该问题已公示", "the problem is already published"),
            Action::Unpublish if !self.published => {
                ("published", "该问题未公示，无需撤回", "the problem is not published, so there is nothing to withdraw")
            }
            Action::DecideExtension if !self.extension_pending => {
                ("extension", "没有待审批的延期申请", "there is no extension request awaiting a decision")
            }
            Action::RequestExtension if self.extension_pending => {
                ("extension", "已有待审批的延期申请", "an extension request is already awaiting a decision")
            }
            Action::Unflag if !self.flagged => {
                ("manual_colour", "该问题未挂牌督办，无需摘牌", "the problem carries no supervision flag to lift")
            }
            _ => return None,
        };
        Some(Error::conflict(field, zh, en))
    }
}

/// Where the problem stands: its status and, while submitted, the sign-off stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub status: Status,
    pub stage: Option<SignoffStage>,
}

impl State {
    pub fn new(status: Status, stage: Option<SignoffStage>) -> Self {
        Self { status, stage: if status == Status::Submitted { stage.or(Some(SignoffStage::Leader)) } else { None } }
    }

    /// The actions legal from this state, whoever asks.
    pub fn allowed(self) -> Vec<Action> {
        use Action::*;
        match (self.status, self.stage) {
            (Status::New, _) => vec![Assign, Dismiss, Merge, Flag, Unflag],
            (Status::Assigned, _) => {
                vec![SignFor, Submit, Merge, RequestExtension, DecideExtension, Flag, Unflag, Publish, Unpublish]
            }
            (Status::Submitted, Some(SignoffStage::Verifier)) => {
                vec![Accept, SendBack, Submit, Merge, DecideExtension, Flag, Unflag, Publish, Unpublish]
            }
            (Status::Submitted, _) => {
                vec![Approve, SendBack, Submit, Merge, DecideExtension, Flag, Unflag, Publish, Unpublish]
            }
            (Status::Closed, _) => vec![Callback, Reopen, Publish, Unpublish],
            (Status::Dismissed | Status::Merged, _) => vec![],
        }
    }

    /// The actions legal from this state that mean something in these circumstances.
    pub fn available(self, c: Circumstances) -> Vec<Action> {
        self.allowed().into_iter().filter(|a| c.refusal(*a).is_none()).collect()
    }

    /// The state after `action`, or `illegal_transition` naming this state and what it allows.
    /// `dissatisfied` says whether a callback was 不满意 (which reopens the problem).
    pub fn after(self, action: Action, dissatisfied: bool) -> Result<State> {
        let allowed = self.allowed();
        if !allowed.contains(&action) {
            return Err(Error::IllegalTransition { state: self.status, action, allowed });
        }
        let next = match action {
            Action::Assign | Action::SendBack | Action::Reopen => State::new(Status::Assigned, None),
            Action::Dismiss => State::new(Status::Dismissed, None),
            Action::Merge => State::new(Status::Merged, None),
            Action::Submit => State::new(Status::Submitted, Some(SignoffStage::Leader)),
            Action::Approve => State::new(Status::Submitted, Some(SignoffStage::Verifier)),
            Action::Accept => State::new(Status::Closed, None),
            Action::Callback if dissatisfied => State::new(Status::Assigned, None),
            Action::Callback
            | Action::SignFor
            | Action::RequestExtension
            | Action::DecideExtension
            | Action::Flag
            | Action::Unflag
            | Action::Publish
            | Action::Unpublish => self,
        };
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_actions_that_mean_something_are_available() {
        let assigned = State::new(Status::Assigned, None);
        let quiet = Circumstances::default();
        let a = assigned.available(quiet);
        assert!(a.contains(&Action::Publish) && a.contains(&Action::RequestExtension) && a.contains(&Action::Flag));
        for absent in [Action::Unpublish, Action::DecideExtension, Action::Unflag] {
            assert!(!a.contains(&absent), "{absent:?} offered with nothing to act on");
        }
        assert!(a.contains(&Action::SignFor));
        let busy = Circumstances { signed_for: true, published: true, flagged: true, extension_pending: true };
        let b = assigned.available(busy);
        assert!(b.contains(&Action::Unpublish) && b.contains(&Action::DecideExtension) && b.contains(&Action::Unflag));
        assert!(!b.contains(&Action::Publish) && !b.contains(&Action::RequestExtension));
        assert!(!b.contains(&Action::SignFor), "a problem is signed for once per assignment");
        assert!(matches!(quiet.refusal(Action::Unpublish), Some(Error::Conflict { .. })));
        assert!(quiet.refusal(Action::Submit).is_none());
    }

    fn st(status: Status) -> State {
        State::new(status, None)
    }

    #[test]
    fn the_closed_loop_runs_from_new_to_closed_through_both_sign_off_stages() {
        let s = st(Status::New).after(Action::Assign, false).unwrap();
        assert_eq!(s.status, Status::Assigned);
        let s = s.after(Action::Submit, false).unwrap();
        assert_eq!((s.status, s.stage), (Status::Submitted, Some(SignoffStage::Leader)));
        let s = s.after(Action::Approve, false).unwrap();
        assert_eq!(s.stage, Some(SignoffStage::Verifier));
        let s = s.after(Action::Accept, false).unwrap();
        assert_eq!((s.status, s.stage), (Status::Closed, None));
    }

    #[test]
    fn the_verifier_cannot_accept_before_the_leader_approves() {
        let leader_stage = st(Status::Assigned).after(Action::Submit, false).unwrap();
        let err = leader_stage.after(Action::Accept, false).unwrap_err();
        match err {
            Error::IllegalTransition { state, action, allowed } => {
                assert_eq!(state, Status::Submitted);
                assert_eq!(action, Action::Accept);
                assert!(allowed.contains(&Action::Approve));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn sending_back_at_either_stage_returns_the_problem_to_rectification() {
        let leader = State::new(Status::Submitted, Some(SignoffStage::Leader));
        let verifier = State::new(Status::Submitted, Some(SignoffStage::Verifier));
        assert_eq!(leader.after(Action::SendBack, false).unwrap().status, Status::Assigned);
        assert_eq!(verifier.after(Action::SendBack, false).unwrap().status, Status::Assigned);
    }

    #[test]
    fn a_new_application_while_one_is_pending_restarts_at_the_leader_stage() {
        let verifier = State::new(Status::Submitted, Some(SignoffStage::Verifier));
        let again = verifier.after(Action::Submit, false).unwrap();
        assert_eq!(again.stage, Some(SignoffStage::Leader));
    }

    #[test]
    fn a_closed_problem_reopens_when_the_callback_is_dissatisfied() {
        let closed = st(Status::Closed);
        assert_eq!(closed.after(Action::Callback, false).unwrap().status, Status::Closed);
        assert_eq!(closed.after(Action::Callback, true).unwrap().status, Status::Assigned);
        assert_eq!(closed.after(Action::Reopen, false).unwrap().status, Status::Assigned);
    }

    #[test]
    fn dismissed_and_merged_problems_allow_nothing() {
        for s in [Status::Dismissed, Status::Merged] {
            assert!(st(s).allowed().is_empty());
            for a in Action::ALL {
                assert!(st(s).after(a, false).is_err());
            }
        }
    }

    #[test]
    fn only_new_problems_can_be_dismissed_and_only_open_ones_merged() {
        assert!(st(Status::New).after(Action::Dismiss, false).is_ok());
        assert!(st(Status::Assigned).after(Action::Dismiss, false).is_err());
        for s in [Status::New, Status::Assigned, Status::Submitted] {
            assert_eq!(st(s).after(Action::Merge, false).unwrap().status, Status::Merged);
        }
        assert!(st(Status::Closed).after(Action::Merge, false).is_err());
    }

    #[test]
    fn every_action_is_legal_from_some_state_and_illegal_from_another() {
        let mut states: Vec<State> = Status::ALL.iter().map(|s| st(*s)).collect();
        states.push(State::new(Status::Submitted, Some(SignoffStage::Verifier)));
        for a in Action::ALL {
            let legal = states.iter().any(|s| s.allowed().contains(&a));
            let illegal = states.iter().any(|s| !s.allowed().contains(&a));
            assert!(legal && illegal, "{a}");
        }
    }

    #[test]
    fn statuses_and_actions_parse_from_their_names() {
        assert_eq!(Status::parse("已销号").unwrap(), Status::Closed);
        assert_eq!(Action::parse("send_back").unwrap(), Action::SendBack);
        assert!(Action::parse("destroy").unwrap_err().message().en.contains("known: assign"));
        let list = Statuses::parse("new, 整改中,,").unwrap();
        assert_eq!(list, Statuses::from([Status::New, Status::Assigned]));
        assert_eq!(list.to_string(), "new,assigned");
        assert!(Statuses::parse("new,lost").unwrap_err().message().en.contains("\"lost\""));
    }
}

/// One status or several, as a filter writes them: `new,assigned` (wire names or Chinese labels).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Statuses(pub Vec<Status>);

impl Statuses {
    /// Parses a comma-separated list; blanks between commas are skipped, an unknown name refused.
    pub fn parse(s: &str) -> Result<Self> {
        s.split(',').filter(|x| !x.trim().is_empty()).map(Status::parse).collect::<Result<Vec<_>>>().map(Statuses)
    }
}

impl std::fmt::Display for Statuses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|s| s.as_str()).collect();
        f.write_str(&names.join(","))
    }
}

impl<const N: usize> From<[Status; N]> for Statuses {
    fn from(statuses: [Status; N]) -> Self {
        Statuses(statuses.to_vec())
    }
}

crate::deserialize_by_parse!(Status, SignoffStage, Action, Statuses);
