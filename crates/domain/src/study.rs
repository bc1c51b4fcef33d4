//! 学习记录: how a campaign's study is counted. A unit's sessions and the people present are
//! counted by calendar month; no figure is ever kept for a person.

use crate::UnitId;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// One session as the count sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub unit: UnitId,
    pub on: NaiveDate,
    /// 参加人数.
    pub present: u32,
}

/// A unit's study in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthCount {
    pub unit: UnitId,
    /// `YYYY-MM`.
    pub month: String,
    pub sessions: u32,
    /// People present, summed over the sessions (a person at two sessions counts twice: 人次).
    pub attendance: u32,
}

/// Sessions and attendance by unit and month, by unit id and then month.
pub fn by_unit_and_month(held: &[Held]) -> Vec<MonthCount> {
    let mut counts: BTreeMap<(UnitId, (i32, u32)), (u32, u32)> = BTreeMap::new();
    for h in held {
        let entry = counts.entry((h.unit, (h.on.year(), h.on.month()))).or_default();
        entry.0 += 1;
        entry.1 = entry.1.saturating_add(h.present);
    }
    counts
        .into_iter()
        .map(|((unit, (y, m)), (sessions, attendance))| MonthCount {
            unit,
            month: format!("{y:04}-{m:02}"),
            sessions,
            attendance,
        })
        .collect()
}

/// The first day of a month written `YYYY-MM` and the first day of the next.
pub fn month_range(month: &str) -> crate::Result<(NaiveDate, NaiveDate)> {
    let bad = || {
        crate::Error::invalid(
            "month",
            format!("月份“{month}”格式不对（应如 2026-05）"),
            format!("month \"{month}\" is malformed (e.g. 2026-05)"),
        )
    };
    let (y, m) = month.trim().split_once('-').ok_or_else(bad)?;
    let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    let first = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
    let next = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
    Ok((first, next.ok_or_else(bad)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(unit: i64, on: &str, present: u32) -> Held {
        Held { unit: UnitId::new(unit), on: on.parse().unwrap(), present }
    }

    #[test]
    fn sessions_and_attendance_are_counted_by_unit_and_calendar_month() {
        // By hand: unit 2 met twice in May (30 + 12 present) and once in June (25); unit 1 once
        // in May (8), on the last day of the month; unit 1's 1 June session falls in June.
        let counts = by_unit_and_month(&[
            held(2, "2026-05-06", 30),
            held(1, "2026-05-31", 8),
            held(2, "2026-06-02", 25),
            held(2, "2026-05-20", 12),
            held(1, "2026-06-01", 0),
        ]);
        let got: Vec<(i64, &str, u32, u32)> =
            counts.iter().map(|c| (c.unit.get(), c.month.as_str(), c.sessions, c.attendance)).collect();
        assert_eq!(got, vec![(1, "2026-05", 1, 8), (1, "2026-06", 1, 0), (2, "2026-05", 2, 42), (2, "2026-06", 1, 25)]);
        assert!(by_unit_and_month(&[]).is_empty());
    }

    #[test]
    fn a_month_is_its_first_day_to_the_next_months_first_day() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(month_range("2026-05").unwrap(), (d("2026-05-01"), d("2026-06-01")));
        assert_eq!(month_range("2026-12").unwrap(), (d("2026-12-01"), d("2027-01-01")));
        for bad in ["2026", "2026-13", "May", "2026-05-01", ""] {
            match month_range(bad) {
                Err(crate::Error::Invalid { field, .. }) => assert_eq!(field, "month", "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
