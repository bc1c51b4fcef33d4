//! 三色督办: the derived supervision flags — overdue (逾期), due soon (临期) and the colour — which
//! are computed from the problem and today, never stored by hand. A supervisor can raise the colour
//! by hand (挂牌督办); the shown colour is the higher of the two.

use crate::calendar::WorkCalendar;
use crate::problem::vocabulary;
use chrono::NaiveDate;

vocabulary!(
    /// The supervision colour, in rising order of urgency.
    Colour, "colour" {
        /// 蓝色: due soon.
        Blue = "blue" / "蓝色",
        /// 黄色: behind (a measure overdue) or sent back.
        Yellow = "yellow" / "黄色",
        /// 红色: overdue.
        Red = "red" / "红色",
    }
);

impl Colour {
    pub fn rank(self) -> u8 {
        match self {
            Colour::Blue => 1,
            Colour::Yellow => 2,
            Colour::Red => 3,
        }
    }
}

/// What the flags are derived from.
#[derive(Debug, Clone, Copy)]
pub struct FlagInputs {
    pub open: bool,
    pub deadline: Option<NaiveDate>,
    /// The earliest deadline among measures not yet done.
    pub next_measure_deadline: Option<NaiveDate>,
    /// Sent back and not yet resubmitted.
    pub awaiting_resubmission: bool,
    pub manual: Option<Colour>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Flags {
    pub overdue: bool,
    pub due_soon: bool,
    pub colour: Option<Colour>,
    /// Working days from today to the deadline ("剩3个工作日"); negative when overdue (at least -1).
    pub working_days_left: Option<i64>,
}

/// The last date that still counts as "due soon": `due_soon_days` working days from today.
pub fn due_soon_cutoff(calendar: &WorkCalendar, today: NaiveDate, due_soon_days: u32) -> NaiveDate {
    calendar.add_working_days(today, due_soon_days)
}

pub fn derive(inputs: FlagInputs, today: NaiveDate, due_soon_cutoff: NaiveDate, calendar: &WorkCalendar) -> Flags {
    let overdue = inputs.open && inputs.deadline.is_some_and(|d| d < today);
    let due_soon = inputs.open && !overdue && inputs.deadline.is_some_and(|d| d <= due_soon_cutoff);
    let behind = inputs.open && inputs.next_measure_deadline.is_some_and(|d| d < today);
    let derived = if overdue {
        Some(Colour::Red)
    } else if inputs.open && (behind || inputs.awaiting_resubmission) {
        Some(Colour::Yellow)
    } else if due_soon {
        Some(Colour::Blue)
    } else {
        None
    };
    let manual = if inputs.open { inputs.manual } else { None };
    let colour = match (derived, manual) {
        (Some(a), Some(b)) => Some(if a.rank() >= b.rank() { a } else { b }),
        (a, b) => a.or(b),
    };
    // A deadline passed over a weekend is late although no working day has gone by: it counts as
    // one day late, never as "due today", so that the countdown agrees with the overdue flag.
    let working_days_left = match (inputs.open, inputs.deadline) {
        (true, Some(d)) if overdue => Some(calendar.working_days_between(today, d).min(-1)),
        (true, Some(d)) => Some(calendar.working_days_between(today, d)),
        _ => None,
    };
    Flags { overdue, due_soon, colour, working_days_left }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn inputs(deadline: NaiveDate) -> FlagInputs {
        FlagInputs {
            open: true,
            deadline: Some(deadline),
            next_measure_deadline: None,
            awaiting_resubmission: false,
            manual: None,
        }
    }

    #[test]
    fn a_problem_past_its_deadline_is_overdue_and_red() {
        let cal = WorkCalendar::builtin();
        let today = d(10, 9);
        let f = derive(inputs(d(10, 8)), today, due_soon_cutoff(&cal, today, 3), &cal);
        assert!(f.overdue && !f.due_soon);
        assert_eq!(f.colour, Some(Colour::Red));
        assert_eq!(f.working_days_left, Some(-1));
    }

    #[test]
    fn a_deadline_passed_over_the_weekend_is_late_not_due_today() {
        let cal = WorkCalendar::builtin();
        // Friday 4 Dec 2026 was the deadline; on Saturday no working day has passed.
        let saturday = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let f = derive(inputs(d(12, 4)), saturday, due_soon_cutoff(&cal, saturday, 3), &cal);
        assert!(f.overdue);
        assert_eq!(f.working_days_left, Some(-1));
    }

    #[test]
    fn due_soon_counts_working_days_so_the_holiday_does_not_eat_the_warning() {
        let cal = WorkCalendar::builtin();
        let today = d(9, 30);
        // Three working days from 30 Sep reach 10 Oct (the worked Saturday).
        let cutoff = due_soon_cutoff(&cal, today, 3);
        assert_eq!(cutoff, d(10, 10));
        let f = derive(inputs(d(10, 10)), today, cutoff, &cal);
        assert!(f.due_soon);
        assert_eq!(f.colour, Some(Colour::Blue));
        assert_eq!(f.working_days_left, Some(3));
        let later = derive(inputs(d(10, 12)), today, cutoff, &cal);
        assert!(!later.due_soon && later.colour.is_none());
    }

    #[test]
    fn sent_back_or_a_late_measure_is_yellow() {
        let cal = WorkCalendar::builtin();
        let today = d(11, 2);
        let cutoff = due_soon_cutoff(&cal, today, 3);
        let mut i = inputs(d(12, 31));
        i.awaiting_resubmission = true;
        assert_eq!(derive(i, today, cutoff, &cal).colour, Some(Colour::Yellow));
        let mut j = inputs(d(12, 31));
        j.next_measure_deadline = Some(d(10, 30));
        assert_eq!(derive(j, today, cutoff, &cal).colour, Some(Colour::Yellow));
    }

    #[test]
    fn a_manual_flag_raises_the_colour_but_never_lowers_it() {
        let cal = WorkCalendar::builtin();
        let today = d(11, 2);
        let cutoff = due_soon_cutoff(&cal, today, 3);
        let mut i = inputs(d(12, 31));
        i.manual = Some(Colour::Red);
        assert_eq!(derive(i, today, cutoff, &cal).colour, Some(Colour::Red));
        let mut j = inputs(d(10, 1));
        j.manual = Some(Colour::Blue);
        assert_eq!(derive(j, today, cutoff, &cal).colour, Some(Colour::Red));
    }

    #[test]
    fn a_closed_problem_is_never_overdue_or_coloured() {
        let cal = WorkCalendar::builtin();
        let mut i = inputs(d(1, 5));
        i.open = false;
        i.manual = Some(Colour::Red);
        let f = derive(i, d(11, 2), d(11, 5), &cal);
        assert!(!f.overdue && f.colour.is_none() && f.working_days_left.is_none());
    }
}
