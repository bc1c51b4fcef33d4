//! Webhooks: what an install tells other systems, in which form, and how often it tries again.

use crate::problem::vocabulary;
use chrono::Duration;

vocabulary!(
    /// What happened, as a subscription names it.
    Event, "event" {
        /// 收到诉求: a report came in (the portal, intake or Open311).
        FeedbackReceived = "feedback_received" / "收到诉求",
        /// 问题立项: a problem was put on the list.
        ProblemCreated = "problem_created" / "问题立项",
        /// 分办: a problem was assigned to its lead unit.
        Assigned = "assigned" / "分办",
        /// 办理进展: any other step of the workflow.
        Transition = "transition" / "办理进展",
        /// 临期提醒.
        DueSoon = "due_soon" / "临期提醒",
        /// 逾期催办.
        Overdue = "overdue" / "逾期催办",
        /// 督办: the supervision colour rose, or a supervisor raised it by hand (挂牌督办).
        SupervisionRaised = "supervision_raised" / "督办升级",
        /// 收到评价: a reporter rated a rectification.
        RatingReceived = "rating_received" / "收到评价",
        /// 提醒: a sign-off waiting, a callback due, a unit's daily digest.
        Reminder = "reminder" / "其他提醒",
    }
);

vocabulary!(
    /// The form a subscription's messages take.
    WebhookFormat, "format" {
        /// Plain JSON, signed with `X-Zhenggai-Signature: sha256=…`.
        Json = "json" / "JSON",
        /// 钉钉 custom robot (markdown; signed robots get `timestamp` and `sign`).
        Dingtalk = "dingtalk" / "钉钉机器人",
        /// 企业微信 group robot (markdown).
        Wecom = "wecom" / "企业微信机器人",
        /// 飞书 custom bot (text; `timestamp` and `sign` in the body when signing is on).
        Feishu = "feishu" / "飞书机器人",
    }
);

impl WebhookFormat {
    /// The group robots that take at most 20 messages a minute (钉钉, 企业微信); Feishu's limit is
    /// higher but it is kept to the same pace.
    pub fn per_minute(self) -> Option<u32> {
        match self {
            WebhookFormat::Json => None,
            _ => Some(20),
        }
    }
}

/// How long to wait before the next attempt after `attempts` failed ones; `None` when the
/// delivery has failed for good.
pub fn retry_after(attempts: u32) -> Option<Duration> {
    const WAITS: [i64; 5] = [60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600];
    let i = usize::try_from(attempts).ok()?.checked_sub(1)?;
    WAITS.get(i).map(|s| Duration::seconds(*s))
}

/// The event an audit entry's action stands for, if any. Bulk imports are left out: a file of a
/// hundred thousand messages is one import, not a hundred thousand calls.
pub fn event_of(action: &str) -> Option<Event> {
    Some(match action {
        "feedback.submit" | "feedback.create" => Event::FeedbackReceived,
        "problem.create" => Event::ProblemCreated,
        "problem.assign" => Event::Assigned,
        "problem.flag" => Event::SupervisionRaised,
        "problem.callback" => Event::RatingReceived,
        other => {
            let action = other.strip_prefix("problem.")?;
            crate::workflow::Action::parse(action).ok()?;
            Event::Transition
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_is_written_in_json_as_its_wire_name() {
        for e in Event::ALL {
            assert_eq!(serde_json::to_value(e).unwrap(), e.as_str());
        }
        for f in WebhookFormat::ALL {
            assert_eq!(serde_json::to_value(f).unwrap(), f.as_str());
        }
    }

    #[test]
    fn a_failing_delivery_is_tried_five_more_times_ever_later() {
        assert_eq!(retry_after(0), None);
        assert_eq!(retry_after(1), Some(Duration::minutes(1)));
        assert_eq!(retry_after(2), Some(Duration::minutes(5)));
        assert_eq!(retry_after(5), Some(Duration::hours(6)));
        assert_eq!(retry_after(6), None, "six attempts, then it has failed");
    }

    #[test]
    fn audit_actions_become_events_and_bulk_imports_do_not() {
        assert_eq!(event_of("problem.assign"), Some(Event::Assigned));
        assert_eq!(event_of("problem.submit"), Some(Event::Transition));
        assert_eq!(event_of("problem.callback"), Some(Event::RatingReceived));
        assert_eq!(event_of("feedback.submit"), Some(Event::FeedbackReceived));
        assert_eq!(event_of("feedback.bulk_import"), None);
        assert_eq!(event_of("problem.update"), None);
        assert_eq!(event_of("measure.create"), None);
    }
}
