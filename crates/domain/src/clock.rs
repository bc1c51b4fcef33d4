//! Time is a parameter: everything that depends on "now" takes a [`Clock`], so overdue, due-soon
//! and working-day rules are tested at any date. This is the one module allowed to read the system
//! time.

use chrono::{DateTime, FixedOffset, NaiveDate, Timelike, Utc};
use std::sync::Mutex;

use chrono::TimeZone as _;

/// China Standard Time: deadlines are calendar dates in Beijing.
pub const CHINA: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

pub fn china_offset() -> FixedOffset {
    CHINA
}

pub trait Clock: Send + Sync {
    /// The current instant, truncated to whole seconds so stored times compare as text.
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in China.
    fn today(&self) -> NaiveDate {
        china_date(self.now())
    }
}

/// The calendar date in China of an instant.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&china_offset()).date_naive()
}

/// The instant a day begins in China (midnight, UTC+8): the lower bound of a range of days.
pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    china_offset().from_local_datetime(&midnight).single().map(|d| d.with_timezone(&Utc)).unwrap_or_default()
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // the one place that reads the wall clock
    fn now(&self) -> DateTime<Utc> {
        truncate(Utc::now())
    }
}

/// A clock that tests set and move.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(truncate(at)))
    }

    /// A clock at 09:00 Beijing time on the given date.
    pub fn at_china_morning(date: NaiveDate) -> Self {
        let local = date.and_hms_opt(9, 0, 0).unwrap_or_default();
        let at = china_offset().from_local_datetime(&local).single().map(|d| d.with_timezone(&Utc)).unwrap_or_default();
        Self::new(at)
    }

    pub fn set(&self, at: DateTime<Utc>) {
        if let Ok(mut now) = self.0.lock() {
            *now = truncate(at);
        }
    }

    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut now) = self.0.lock() {
            *now = truncate(*now + by);
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map(|t| *t).unwrap_or_default()
    }
}

fn truncate(at: DateTime<Utc>) -> DateTime<Utc> {
    at.with_nanosecond(0).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_the_date_in_beijing_not_utc() {
        // 2026-11-26 20:00 UTC is already 27 November in Beijing.
        let clock = FixedClock::new(Utc.with_ymd_and_hms(2026, 11, 26, 20, 0, 0).unwrap());
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
    }

    #[test]
    fn a_fixed_clock_moves_only_when_told() {
        let clock = FixedClock::at_china_morning(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
        let first = clock.now();
        clock.advance(chrono::Duration::days(2));
        assert_eq!(clock.now() - first, chrono::Duration::days(2));
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2026, 10, 3).unwrap());
    }
}
