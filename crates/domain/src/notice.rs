//! 催办与督办通知: which reminders fall due on a day, decided from a problem's state and the date
//! alone. Each has a key that names it exactly (the problem, what it is about, and the deadline,
//! stage or day it answers to), so that planning the same day twice — on a second node, or after a
//! restart — finds the same keys and sends nothing twice.

use crate::ProblemId;
use crate::calendar::WorkCalendar;
use crate::problem::vocabulary;
use crate::supervision::{Colour, FlagInputs, derive, due_soon_cutoff};
use crate::workflow::SignoffStage;
use chrono::{NaiveDate, NaiveTime};

vocabulary!(
    /// What a notice is about.
    NoticeKind, "kind" {
        /// 临期提醒: the deadline is within the due-soon working days.
        DueSoon = "due_soon" / "临期提醒",
        /// 逾期催办: past the deadline; repeated every working day.
        Overdue = "overdue" / "逾期催办",
        /// 督办升级: the supervision colour rose to yellow or red.
        ColourRaised = "colour_raised" / "督办升级",
        /// 销号待审超时: a sign-off has waited on a leader or a verifier too long.
        SignoffWaiting = "signoff_waiting" / "销号待审超时",
        /// 回访到期: a signed-off problem's reporter has not been called back.
        CallbackDue = "callback_due" / "回访到期",
        /// 每日汇总: a unit's open, due-soon and overdue problems.
        DailyDigest = "daily_digest" / "每日汇总",
    }
);

vocabulary!(
    /// How a notice reaches its recipient.
    NoticeChannel, "channel" {
        /// 站内: the recipient's notices page and the problem's timeline.
        Inbox = "inbox" / "站内",
        /// 邮件.
        Email = "email" / "邮件",
        /// Webhook or group robot (钉钉, 企业微信, 飞书).
        Webhook = "webhook" / "Webhook",
    }
);

vocabulary!(
    /// Where a notice's sending stands.
    NoticeStatus, "status" {
        /// 待发送: made, not yet sent (or waiting to be tried again).
        Pending = "pending" / "待发送",
        /// 已发送.
        Sent = "sent" / "已发送",
        /// 发送失败: every attempt failed.
        Failed = "failed" / "发送失败",
    }
);

/// The install's reminder rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// The time of day (Beijing) the day's reminders are planned, on working days only.
    pub run_at: NaiveTime,
    /// A sign-off waiting this many working days on one stage is reminded of.
    pub signoff_wait_days: u32,
}

impl Default for Rules {
    fn default() -> Self {
        Self { run_at: NaiveTime::from_hms_opt(8, 30, 0).unwrap_or_default(), signoff_wait_days: 3 }
    }
}

/// What the rules read of one problem.
#[derive(Debug, Clone, Copy)]
pub struct Watched {
    pub problem: ProblemId,
    pub flags: FlagInputs,
    /// The stage a pending sign-off waits on, and the day it began waiting there.
    pub signoff: Option<(SignoffStage, NaiveDate)>,
    /// When a closed problem's reporter, not yet called back, is due a callback (by the
    /// category's time limits, as the problem's 回访 clock shows it).
    pub callback_due: Option<NaiveDate>,
}

/// One reminder that is due: its kind, the problem, and the key that makes it once only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub kind: NoticeKind,
    pub problem: ProblemId,
    pub key: String,
    /// The colour it raises to, for [`NoticeKind::ColourRaised`].
    pub colour: Option<Colour>,
    /// The deadline it is about, when it is about one.
    pub deadline: Option<NaiveDate>,
    /// The sign-off stage it waits on, for [`NoticeKind::SignoffWaiting`].
    pub stage: Option<SignoffStage>,
}

impl Due {
    fn new(kind: NoticeKind, problem: ProblemId, key: String) -> Self {
        Self { kind, problem, key, colour: None, deadline: None, stage: None }
    }
}

/// Whether the day's reminders are planned now: on a working day, at or after the run time.
pub fn runs_today(cal: &WorkCalendar, today: NaiveDate, time_of_day: NaiveTime, rules: &Rules) -> bool {
    cal.is_working_day(today) && time_of_day >= rules.run_at
}

/// The reminders due today about one problem; a problem is 临期 `due_soon_days` working days
/// before its deadline.
pub fn due_on(today: NaiveDate, cal: &WorkCalendar, due_soon_days: u32, rules: &Rules, w: &Watched) -> Vec<Due> {
    let mut out = Vec::new();
    if !cal.is_working_day(today) {
        return out;
    }
    let p = w.problem;
    let flags = derive(w.flags, today, due_soon_cutoff(cal, today, due_soon_days), cal);
    let deadline = w.flags.deadline;
    let deadline_key = deadline.map_or_else(|| "-".to_string(), |d| d.to_string());
    if flags.overdue {
        // 催办 every working day it stays late.
        out.push(Due { deadline, ..Due::new(NoticeKind::Overdue, p, format!("overdue:{p}:{today}")) });
    } else if flags.due_soon {
        // Once per deadline: an extension that brings a new deadline near reminds again.
        out.push(Due { deadline, ..Due::new(NoticeKind::DueSoon, p, format!("due_soon:{p}:{deadline_key}")) });
    }
    if let Some(colour @ (Colour::Yellow | Colour::Red)) = flags.colour {
        // Once per colour and deadline: a problem that falls back (an extension) and rises
        // again is raised again.
        out.push(Due {
            colour: Some(colour),
            deadline,
            ..Due::new(NoticeKind::ColourRaised, p, format!("colour:{p}:{colour}:{deadline_key}"))
        });
    }
    if let Some((stage, since)) = w.signoff
        && cal.working_days_between(since, today) >= i64::from(rules.signoff_wait_days)
    {
        out.push(Due {
            stage: Some(stage),
            ..Due::new(NoticeKind::SignoffWaiting, p, format!("signoff_waiting:{p}:{}:{since}", stage.as_str()))
        });
    }
    if let Some(due) = w.callback_due.filter(|due| *due <= today) {
        out.push(Due {
            deadline: Some(due),
            ..Due::new(NoticeKind::CallbackDue, p, format!("callback_due:{p}:{due}"))
        });
    }
    out
}

/// The key of a unit's digest for a day.
pub fn digest_key(unit: crate::UnitId, today: NaiveDate) -> String {
    format!("digest:{unit}:{today}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn open(deadline: Option<NaiveDate>) -> Watched {
        Watched {
            problem: ProblemId::new(7),
            flags: FlagInputs {
                open: true,
                deadline,
                next_measure_deadline: None,
                awaiting_resubmission: false,
                manual: None,
            },
            signoff: None,
            callback_due: None,
        }
    }

    fn kinds(due: &[Due]) -> Vec<(NoticeKind, &str)> {
        due.iter().map(|d| (d.kind, d.key.as_str())).collect()
    }

    #[test]
    fn a_deadline_three_working_days_away_is_reminded_of_once() {
        let cal = WorkCalendar::builtin();
        let rules = Rules::default();
        // Mon 2026-11-30; Thursday 12-03 is three working days away.
        let w = open(Some(d(12, 3)));
        assert_eq!(kinds(&due_on(d(11, 30), &cal, 3, &rules, &w)), [(NoticeKind::DueSoon, "due_soon:7:2026-12-03")]);
        // The next day the same key: planning again sends nothing new.
        assert_eq!(kinds(&due_on(d(12, 1), &cal, 3, &rules, &w)), [(NoticeKind::DueSoon, "due_soon:7:2026-12-03")]);
        // Four working days away: not yet.
        assert!(due_on(d(11, 27), &cal, 3, &rules, &w).is_empty());
    }

    #[test]
    fn an_overdue_problem_is_chased_every_working_day_and_raised_to_red_once() {
        let cal = WorkCalendar::builtin();
        let rules = Rules::default();
        let w = open(Some(d(12, 3)));
        let fri = due_on(d(12, 4), &cal, 3, &rules, &w);
        assert_eq!(
            kinds(&fri),
            [(NoticeKind::Overdue, "overdue:7:2026-12-04"), (NoticeKind::ColourRaised, "colour:7:red:2026-12-03")]
        );
        assert_eq!(fri[1].colour, Some(Colour::Red));
        // The weekend sends nothing; Monday chases again under a new key, the colour under the same.
        assert!(due_on(d(12, 5), &cal, 3, &rules, &w).is_empty());
        assert_eq!(
            kinds(&due_on(d(12, 7), &cal, 3, &rules, &w)),
            [(NoticeKind::Overdue, "overdue:7:2026-12-07"), (NoticeKind::ColourRaised, "colour:7:red:2026-12-03")]
        );
    }

    #[test]
    fn a_measure_behind_raises_yellow_and_a_closed_problem_nothing() {
        let cal = WorkCalendar::builtin();
        let rules = Rules::default();
        let mut w = open(Some(d(12, 31)));
        w.flags.next_measure_deadline = Some(d(12, 1));
        assert_eq!(
            kinds(&due_on(d(12, 2), &cal, 3, &rules, &w)),
            [(NoticeKind::ColourRaised, "colour:7:yellow:2026-12-31")]
        );
        w.flags.open = false;
        assert!(due_on(d(12, 2), &cal, 3, &rules, &w).is_empty());
    }

    #[test]
    fn a_sign_off_waiting_three_working_days_and_a_callback_past_due_are_reminded_of() {
        let cal = WorkCalendar::builtin();
        let rules = Rules::default();
        let mut w = open(None);
        w.flags.open = true;
        // Waiting on the leader since Wednesday 12-02: Monday 12-07 is the third working day.
        w.signoff = Some((SignoffStage::Leader, d(12, 2)));
        assert!(due_on(d(12, 4), &cal, 3, &rules, &w).is_empty());
        let due = due_on(d(12, 7), &cal, 3, &rules, &w);
        assert_eq!(kinds(&due), [(NoticeKind::SignoffWaiting, "signoff_waiting:7:leader:2026-12-02")]);
        assert_eq!(due[0].stage, Some(SignoffStage::Leader));
        let mut closed = open(None);
        closed.flags.open = false;
        closed.callback_due = Some(d(12, 7));
        assert!(due_on(d(12, 4), &cal, 3, &rules, &closed).is_empty());
        assert_eq!(
            kinds(&due_on(d(12, 7), &cal, 3, &rules, &closed)),
            [(NoticeKind::CallbackDue, "callback_due:7:2026-12-07")]
        );
        assert_eq!(
            kinds(&due_on(d(12, 8), &cal, 3, &rules, &closed)),
            [(NoticeKind::CallbackDue, "callback_due:7:2026-12-07")]
        );
    }

    #[test]
    fn reminders_are_planned_on_working_days_from_the_run_time() {
        let cal = WorkCalendar::builtin();
        let rules = Rules::default();
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert!(!runs_today(&cal, d(12, 7), at(8, 29), &rules));
        assert!(runs_today(&cal, d(12, 7), at(8, 30), &rules));
        assert!(!runs_today(&cal, d(12, 6), at(10, 0), &rules), "a Sunday");
        // 2026-10-01 is National Day.
        assert!(!runs_today(&cal, d(10, 1), at(10, 0), &rules));
    }
}
