//! 工作日历: the working-day calendar. Chinese public holidays and 调休 make-up working days turn the
//! plain Monday–Friday week into the one that time limits are counted in. The official arrangement
//! for 2025 and 2026 (State Council notices) is built in; later years are added by the admin. A year
//! with no arrangement is counted as weekends only, and every deadline in it carries a warning.

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::{BTreeMap, BTreeSet};

/// The official arrangement shipped with zhenggai (国办发明电〔2024〕12号 for 2025; the 2026 notice
/// issued 2025-11-04).
pub const BUILTIN_CSV: &str = include_str!("cn-holidays.csv");

/// How a date differs from the normal week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A day off, even on a weekday (法定节假日 or 调休 rest day).
    Holiday,
    /// A weekend day that is worked (调休上班).
    Workday,
}

impl DayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    /// 放假 or 调休上班, as the State Council's notice says.
    pub fn label_zh(self) -> &'static str {
        match self {
            DayKind::Holiday => "放假",
            DayKind::Workday => "调休上班",
        }
    }

    pub fn parse(s: &str) -> crate::Result<Self> {
        match s.trim() {
            "holiday" | "放假" | "休" | "假" => Ok(DayKind::Holiday),
            "workday" | "调休上班" | "上班" | "班" => Ok(DayKind::Workday),
            other => Err(crate::Error::invalid(
                "kind",
                format!("未知的日期类型“{other}”（应为 放假 或 调休上班）"),
                format!("unknown day kind \"{other}\" (expected holiday or workday)"),
            )),
        }
    }
}

/// One date that differs from the normal week.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The festival the date belongs to, e.g. 国庆节.
    pub note: String,
}

/// Parses the shipped CSV (`date,kind,festival,weekday`).
pub fn builtin_days() -> Vec<SpecialDay> {
    BUILTIN_CSV
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.trim_end_matches('\r').split(',');
            let date = NaiveDate::parse_from_str(cols.next()?, "%Y-%m-%d").ok()?;
            let kind = DayKind::parse(cols.next()?).ok()?;
            let note = cols.next().unwrap_or_default().to_string();
            Some(SpecialDay { date, kind, note })
        })
        .collect()
}

/// The years the shipped arrangement covers.
pub fn builtin_years() -> BTreeSet<i32> {
    builtin_days().iter().map(|d| d.date.year()).collect()
}

/// A warning that a date lies in a year the calendar has no holiday arrangement for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct CalendarWarning {
    pub year: i32,
    pub message: String,
    pub message_en: String,
}

#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    special: BTreeMap<NaiveDate, DayKind>,
    covered_years: BTreeSet<i32>,
}

impl WorkCalendar {
    pub fn new(days: impl IntoIterator<Item = SpecialDay>, covered_years: impl IntoIterator<Item = i32>) -> Self {
        Self {
            special: days.into_iter().map(|d| (d.date, d.kind)).collect(),
            covered_years: covered_years.into_iter().collect(),
        }
    }

    /// The calendar as shipped: 2025 and 2026.
    pub fn builtin() -> Self {
        Self::new(builtin_days(), builtin_years())
    }

    pub fn covers(&self, year: i32) -> bool {
        self.covered_years.contains(&year)
    }

    pub fn covered_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.covered_years.iter().copied()
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.special.get(&date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The date `n` working days after `from` (not counting `from` itself): a limit of 5 working
    /// days from a Wednesday ends on the next Wednesday in a normal week. `n = 0` gives the first
    /// working day on or after `from`.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut date = from;
        if n == 0 {
            while !self.is_working_day(date) {
                date = date.succ_opt().unwrap_or(date);
            }
            return date;
        }
        let mut left = n;
        while left > 0 {
            match date.succ_opt() {
                Some(next) => date = next,
                None => return date,
            }
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// Working days from `from` to `to`: the number of working days in `(from, to]`, negative when
    /// `to` is before `from`. "剩3个工作日" is `working_days_between(today, deadline) == 3`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to == from {
            return 0;
        }
        let (start, end, sign) = if to > from { (from, to, 1) } else { (to, from, -1) };
        // Weekdays in (start, end] by arithmetic, then the special days in that range: lists show
        // this for every row, so it must not walk day by day across years.
        let days = (end - start).num_days();
        let mut count = days / 7 * 5;
        let mut date = start + chrono::Duration::days(days / 7 * 7);
        while date < end {
            date = date.succ_opt().unwrap_or(end);
            if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
                count += 1;
            }
        }
        for (day, kind) in self.special.range(start.succ_opt().unwrap_or(start)..=end) {
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            match (kind, weekend) {
                (DayKind::Holiday, false) => count -= 1,
                (DayKind::Workday, true) => count += 1,
                _ => {}
            }
        }
        sign * count
    }

    /// A warning for each year in `dates` that the calendar has no arrangement for.
    pub fn warnings_for(&self, dates: &[NaiveDate]) -> Vec<CalendarWarning> {
        let years: BTreeSet<i32> = dates.iter().map(|d| d.year()).filter(|y| !self.covers(*y)).collect();
        years
            .into_iter()
            .map(|year| CalendarWarning {
                year,
                message: format!("{year}年的放假调休安排尚未录入，该年按普通周末计算工作日，期限可能不准确"),
                message_en: format!(
                    "the holiday arrangement for {year} has not been entered; working days in {year} count weekends only, so this deadline may be wrong"
                ),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_builtin_calendar_covers_2025_and_2026_and_nothing_else() {
        let cal = WorkCalendar::builtin();
        assert!(cal.covers(2025) && cal.covers(2026));
        assert!(!cal.covers(2027));
        assert_eq!(builtin_days().len(), 72);
    }

    #[test]
    fn national_day_2026_is_off_and_its_make_up_days_are_worked() {
        let cal = WorkCalendar::builtin();
        for day in 1..=7 {
            assert!(!cal.is_working_day(d(2026, 10, day)), "2026-10-{day} should be off");
        }
        assert!(cal.is_working_day(d(2026, 9, 20)), "Sunday 20 September is worked");
        assert!(cal.is_working_day(d(2026, 10, 10)), "Saturday 10 October is worked");
        assert!(!cal.is_working_day(d(2026, 10, 11)), "Sunday 11 October is an ordinary Sunday");
        assert!(cal.is_working_day(d(2026, 10, 8)));
    }

    #[test]
    fn five_working_days_from_the_eve_of_national_day_end_on_13_october() {
        let cal = WorkCalendar::builtin();
        // 30 Sep (Wed) + 5: 8 Oct, 9 Oct, 10 Oct (Saturday, worked), 12 Oct, 13 Oct.
        assert_eq!(cal.add_working_days(d(2026, 9, 30), 5), d(2026, 10, 13));
        assert_eq!(cal.add_working_days(d(2026, 9, 30), 3), d(2026, 10, 10));
        assert_eq!(cal.working_days_between(d(2026, 9, 30), d(2026, 10, 13)), 5);
        assert_eq!(cal.working_days_between(d(2026, 10, 13), d(2026, 9, 30)), -5);
    }

    #[test]
    fn a_limit_starting_before_the_make_up_sunday_counts_it() {
        let cal = WorkCalendar::builtin();
        // Fri 18 Sep + 1 = Sun 20 Sep (worked), + 2 = Mon 21 Sep.
        assert_eq!(cal.add_working_days(d(2026, 9, 18), 1), d(2026, 9, 20));
        assert_eq!(cal.add_working_days(d(2026, 9, 18), 2), d(2026, 9, 21));
        // Mid-Autumn: 25-27 Sep off, so Thu 24 Sep + 1 = Mon 28 Sep.
        assert_eq!(cal.add_working_days(d(2026, 9, 24), 1), d(2026, 9, 28));
        // 13 working days across the whole holiday, from Fri 25 Sep (itself a holiday).
        assert_eq!(cal.add_working_days(d(2026, 9, 25), 13), d(2026, 10, 20));
    }

    #[test]
    fn zero_working_days_moves_a_holiday_to_the_next_working_day() {
        let cal = WorkCalendar::builtin();
        assert_eq!(cal.add_working_days(d(2026, 10, 3), 0), d(2026, 10, 8));
        assert_eq!(cal.add_working_days(d(2026, 10, 9), 0), d(2026, 10, 9));
    }

    #[test]
    fn an_uncovered_year_counts_weekends_only_and_warns() {
        let cal = WorkCalendar::builtin();
        // 1 Oct 2027 is a Friday; with no arrangement it is a working day.
        assert!(cal.is_working_day(d(2027, 10, 1)));
        let warnings = cal.warnings_for(&[d(2026, 12, 30), d(2027, 1, 5)]);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].year, 2027);
        assert!(warnings[0].message.contains("2027年"));
    }

    #[test]
    fn counting_by_arithmetic_agrees_with_walking_day_by_day() {
        let cal = WorkCalendar::builtin();
        let walk = |from: NaiveDate, to: NaiveDate| {
            let mut n = 0;
            let mut d = from;
            while d < to {
                d = d.succ_opt().unwrap();
                if cal.is_working_day(d) {
                    n += 1;
                }
            }
            n
        };
        let start = d(2024, 12, 1);
        for offset in (0..900).step_by(7) {
            for len in [0, 1, 2, 5, 6, 7, 13, 40, 400] {
                let from = start + chrono::Duration::days(offset);
                let to = from + chrono::Duration::days(len);
                assert_eq!(cal.working_days_between(from, to), walk(from, to), "{from}..{to}");
                assert_eq!(cal.working_days_between(to, from), -walk(from, to));
            }
        }
    }

    #[test]
    fn spring_festival_2026_with_its_two_saturdays_worked() {
        let cal = WorkCalendar::builtin();
        assert!(cal.is_working_day(d(2026, 2, 14)));
        assert!(cal.is_working_day(d(2026, 2, 28)));
        assert!(!cal.is_working_day(d(2026, 2, 16)));
        // Fri 13 Feb + 1 = Sat 14 Feb (worked); + 2 = Tue 24 Feb.
        assert_eq!(cal.add_working_days(d(2026, 2, 13), 2), d(2026, 2, 24));
    }
}

crate::deserialize_by_parse!(DayKind);
