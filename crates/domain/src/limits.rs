//! 办理时限: time limits in working days, per category and feedback kind, with separate clocks for
//! sign-for (签收), first response (响应), completion (办结) and callback (回访).

use crate::calendar::WorkCalendar;
use crate::feedback::FeedbackKind;
use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TimeLimits {
    /// 签收: working days to sign for a report.
    pub sign_days: u32,
    /// 响应: working days to the first response.
    pub response_days: u32,
    /// 办结: working days to completion.
    pub completion_days: u32,
    /// 回访: working days after completion to call the reporter back.
    pub callback_days: u32,
}

impl TimeLimits {
    /// The limits used where no category sets its own (咨询 3, 投诉 13 working days to completion).
    pub fn default_for(kind: FeedbackKind) -> Self {
        let completion_days = match kind {
            FeedbackKind::Consult => 3,
            FeedbackKind::Complaint | FeedbackKind::Report => 13,
            FeedbackKind::Help => 5,
            FeedbackKind::Suggestion => 15,
            FeedbackKind::Praise | FeedbackKind::Other => 10,
        };
        Self { sign_days: 1, response_days: 2.min(completion_days), completion_days, callback_days: 3 }
    }

    pub fn validate(&self) -> crate::Result<()> {
        let all = [self.sign_days, self.response_days, self.completion_days, self.callback_days];
        if all.iter().any(|d| *d > 365) {
            return Err(crate::Error::invalid(
                "limits",
                "时限不能超过365个工作日",
                "a limit is at most 365 working days",
            ));
        }
        if self.sign_days > self.completion_days || self.response_days > self.completion_days {
            return Err(crate::Error::invalid(
                "limits",
                "签收和响应时限不能长于办结时限",
                "sign-for and response limits cannot be longer than the completion limit",
            ));
        }
        Ok(())
    }
}

/// The four due dates of one report received on `received`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct DueDates {
    pub sign_by: NaiveDate,
    pub respond_by: NaiveDate,
    pub complete_by: NaiveDate,
}

pub fn due_dates(calendar: &WorkCalendar, received: NaiveDate, limits: &TimeLimits) -> DueDates {
    DueDates {
        sign_by: calendar.add_working_days(received, limits.sign_days),
        respond_by: calendar.add_working_days(received, limits.response_days),
        complete_by: calendar.add_working_days(received, limits.completion_days),
    }
}

/// The callback is due this many working days after completion.
pub fn callback_due(calendar: &WorkCalendar, completed: NaiveDate, limits: &TimeLimits) -> NaiveDate {
    calendar.add_working_days(completed, limits.callback_days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complaint_received_before_national_day_is_due_thirteen_working_days_later() {
        let cal = WorkCalendar::builtin();
        let limits = TimeLimits::default_for(FeedbackKind::Complaint);
        let due = due_dates(&cal, NaiveDate::from_ymd_opt(2026, 9, 28).unwrap(), &limits);
        // 29, 30 Sep; 8, 9, 10(Sat), 12, 13, 14, 15, 16, 19, 20, 21 Oct.
        assert_eq!(due.complete_by, NaiveDate::from_ymd_opt(2026, 10, 21).unwrap());
        assert_eq!(due.sign_by, NaiveDate::from_ymd_opt(2026, 9, 29).unwrap());
        assert_eq!(due.respond_by, NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
    }

    #[test]
    fn a_consultation_has_three_working_days() {
        let cal = WorkCalendar::builtin();
        let limits = TimeLimits::default_for(FeedbackKind::Consult);
        let due = due_dates(&cal, NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(), &limits);
        assert_eq!(due.complete_by, NaiveDate::from_ymd_opt(2026, 10, 10).unwrap());
    }

    #[test]
    fn limits_that_contradict_each_other_are_refused() {
        let bad = TimeLimits { sign_days: 5, response_days: 1, completion_days: 3, callback_days: 1 };
        assert!(bad.validate().is_err());
        assert!(TimeLimits::default_for(FeedbackKind::Complaint).validate().is_ok());
    }
}
