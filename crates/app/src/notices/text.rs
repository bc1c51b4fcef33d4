//! What a notice says, in Chinese and English: one wording for the inbox, the timeline, e-mail and
//! the group robots.

use super::{DigestFigures, NoticeView};
use chrono::NaiveDate;
use domain::error::Msg;
use domain::notice::NoticeKind;
use domain::supervision::Colour;
use domain::workflow::SignoffStage;

/// What a headline speaks of.
pub struct About {
    pub kind: NoticeKind,
    /// The problem's number and title.
    pub problem: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub colour: Option<Colour>,
    pub stage: Option<SignoffStage>,
    pub unit: Option<String>,
    pub figures: Option<DigestFigures>,
    pub day: NaiveDate,
}

impl About {
    pub fn of(n: &NoticeView) -> Self {
        Self {
            kind: n.kind,
            problem: n.problem.as_ref().map(|p| format!("{} {}", p.number.as_str(), p.title)),
            deadline: n.deadline,
            colour: n.colour,
            stage: n.stage,
            unit: n.unit.as_ref().map(|u| u.name.clone()),
            figures: n.figures,
            day: n.day,
        }
    }
}

/// The notice's headline.
pub fn headline(n: &About) -> Msg {
    let about = n.problem.clone().unwrap_or_default();
    let deadline = n.deadline.map(|d| d.to_string()).unwrap_or_default();
    match n.kind {
        NoticeKind::DueSoon => Msg::new(
            format!("临期提醒：{about}，整改时限 {deadline}"),
            format!("Due soon: {about}, deadline {deadline}"),
        ),
        NoticeKind::Overdue => Msg::new(
            format!("逾期催办：{about}，已超过整改时限 {deadline}"),
            format!("Overdue: {about}, past its deadline {deadline}"),
        ),
        NoticeKind::ColourRaised => {
            let (zh, en) = match n.colour {
                Some(Colour::Red) => ("红色督办", "red"),
                Some(Colour::Yellow) => ("黄色督办", "yellow"),
                _ => ("蓝色提醒", "blue"),
            };
            Msg::new(format!("督办升级为{zh}：{about}"), format!("Supervision raised to {en}: {about}"))
        }
        NoticeKind::SignoffWaiting => {
            let (zh, en) = match n.stage {
                Some(SignoffStage::Verifier) => ("验收", "verification"),
                _ => ("领导审核", "the leader's approval"),
            };
            Msg::new(format!("销号申请待{zh}已超时：{about}"), format!("Sign-off waiting too long for {en}: {about}"))
        }
        NoticeKind::CallbackDue => Msg::new(
            format!("回访到期：{about}，应于 {deadline} 前回访群众"),
            format!("Callback due: {about}, the reporter is to be called back by {deadline}"),
        ),
        NoticeKind::DailyDigest => {
            let unit = n.unit.clone().unwrap_or_default();
            let (open, soon, late) = n.figures.map_or((0, 0, 0), |f| (f.open, f.due_soon, f.overdue));
            Msg::new(
                format!("每日汇总（{unit}，{}）：在办 {open} 件，临期 {soon} 件，逾期 {late} 件", n.day),
                format!("Daily digest ({unit}, {}): {open} open, {soon} due soon, {late} overdue", n.day),
            )
        }
    }
}

/// Why the recipient got it.
pub fn reason(n: &About) -> Msg {
    match n.kind {
        NoticeKind::DueSoon | NoticeKind::Overdue => {
            Msg::new("您是牵头单位的联络员", "you are the lead unit's liaison")
        }
        NoticeKind::ColourRaised if n.colour == Some(Colour::Red) => {
            Msg::new("您是牵头单位的领导", "you lead the lead unit")
        }
        NoticeKind::ColourRaised => Msg::new("您是牵头单位的联络员或领导", "you are the lead unit's liaison or leader"),
        NoticeKind::SignoffWaiting => match n.stage {
            Some(SignoffStage::Verifier) => Msg::new("您负责验收该单位的销号", "you verify this unit's sign-offs"),
            _ => Msg::new("您是责任领导", "you are the responsible leader"),
        },
        NoticeKind::CallbackDue => Msg::new("您所在专班负责回访", "your office calls reporters back"),
        NoticeKind::DailyDigest => Msg::new("您是该单位的联络员或领导", "you are the unit's liaison or leader"),
    }
}
