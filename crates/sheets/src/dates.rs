//! Dates as offices type them into sheets: `2019/2/28 11:25:05`, `2019-08-01`, `2019年8月1日`,
//! `2019.8.1`, `20190801`, `2019年12月底前`, Excel's serial numbers, and real date cells.

use crate::Cell;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// A date, or a date with a time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateValue {
    Date(NaiveDate),
    DateTime(NaiveDateTime),
}

impl DateValue {
    pub fn date(self) -> NaiveDate {
        match self {
            DateValue::Date(d) => d,
            DateValue::DateTime(t) => t.date(),
        }
    }

    /// The moment, midnight for a date alone.
    pub fn datetime(self) -> NaiveDateTime {
        match self {
            DateValue::Date(d) => d.and_time(NaiveTime::MIN),
            DateValue::DateTime(t) => t,
        }
    }
}

/// Excel's serial day numbers that can be dates here: 1950-01-01 to 2100-12-31. A smaller number in
/// a date column is more likely a count or a typo than a date.
const SERIAL_RANGE: std::ops::RangeInclusive<f64> = 18_264.0..=73_415.0;

/// A cell as a date, if it is one.
pub fn parse_date(cell: &Cell) -> Option<DateValue> {
    match cell {
        Cell::DateTime(t) => {
            Some(if t.time() == NaiveTime::MIN { DateValue::Date(t.date()) } else { DateValue::DateTime(*t) })
        }
        Cell::Number(n) => from_serial(*n),
        Cell::Text(s) => parse_date_text(s),
        _ => None,
    }
}

/// Excel's 1900 date system: day 1 is 1900-01-01, counted through its fictitious 1900-02-29, so
/// that from March 1900 on, serial n is 1899-12-30 + n days.
fn from_serial(n: f64) -> Option<DateValue> {
    if !n.is_finite() || !SERIAL_RANGE.contains(&n) {
        return None;
    }
    let days = n.trunc() as i64;
    let seconds = ((n - n.trunc()) * 86_400.0).round() as i64;
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(NaiveTime::MIN);
    let t = base + Duration::days(days) + Duration::seconds(seconds);
    Some(if seconds == 0 { DateValue::Date(t.date()) } else { DateValue::DateTime(t) })
}

/// Text as a date, if it is one in a form people write.
pub fn parse_date_text(text: &str) -> Option<DateValue> {
    let s = text.trim().trim_end_matches('前').trim();
    if s.is_empty() {
        return None;
    }
    if let Some(v) = chinese(s) {
        return Some(v);
    }
    // A serial number typed or exported as text.
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') && s.len() == 5 {
        return s.parse::<f64>().ok().and_then(from_serial);
    }
    // 20190801
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: u32 = s.parse().ok()?;
        return NaiveDate::from_ymd_opt((n / 10_000) as i32, n / 100 % 100, n % 100).map(DateValue::Date);
    }
    let (date_part, time_part) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t.trim())),
        None => (s, None),
    };
    let mut parts = date_part.split(['-', '/', '.']);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let date = ymd(y, m, d)?;
    match time_part.filter(|t| !t.is_empty()) {
        None => Some(DateValue::Date(date)),
        Some(t) => {
            let time = time(t)?;
            Some(if time == NaiveTime::MIN { DateValue::Date(date) } else { DateValue::DateTime(date.and_time(time)) })
        }
    }
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    let year: i32 = y.trim().parse().ok()?;
    if !(1900..=2200).contains(&year) || y.trim().len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(year, m.trim().parse().ok()?, d.trim().parse().ok()?)
}

/// `11:25:05`, `11:25`, `11:25:05.5`.
fn time(t: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(t, "%H:%M:%S%.f").or_else(|_| NaiveTime::parse_from_str(t, "%H:%M")).ok()
}

/// `2019年8月1日`, `2019年8月1号`, `2019年8月底`, `2019年底`, `2019年8月1日 10:30`.
fn chinese(s: &str) -> Option<DateValue> {
    let (year, rest) = s.split_once('年')?;
    let year: i32 = year.trim().parse().ok()?;
    if !(1900..=2200).contains(&year) {
        return None;
    }
    let rest = rest.trim();
    if rest == "底" || rest == "年底" {
        return NaiveDate::from_ymd_opt(year, 12, 31).map(DateValue::Date);
    }
    let (month, rest) = rest.split_once('月')?;
    let month: u32 = month.trim().parse().ok()?;
    let rest = rest.trim();
    if rest.is_empty() || rest == "底" || rest == "末" {
        // The month's end.
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let next = if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1)? } else { first.with_month(month + 1)? };
        return Some(DateValue::Date(next - Duration::days(1)));
    }
    let (day, rest) = rest.split_once(['日', '号'])?;
    let date = NaiveDate::from_ymd_opt(year, month, day.trim().parse().ok()?)?;
    match rest.trim() {
        "" => Some(DateValue::Date(date)),
        t => time(t).map(|time| DateValue::DateTime(date.and_time(time))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn text(s: &str) -> Option<DateValue> {
        parse_date_text(s)
    }

    #[test]
    fn every_common_form() {
        let t = d(2019, 2, 28).and_hms_opt(11, 25, 5).unwrap();
        assert_eq!(text("2019/2/28 11:25:05"), Some(DateValue::DateTime(t)));
        assert_eq!(text("2019-08-01"), Some(DateValue::Date(d(2019, 8, 1))));
        assert_eq!(text("2019-08-01 00:00:00"), Some(DateValue::Date(d(2019, 8, 1))));
        assert_eq!(text("2019年8月1日"), Some(DateValue::Date(d(2019, 8, 1))));
        assert_eq!(text("2019年8月1号"), Some(DateValue::Date(d(2019, 8, 1))));
        assert_eq!(text("2019.8.1"), Some(DateValue::Date(d(2019, 8, 1))));
        assert_eq!(text("20190801"), Some(DateValue::Date(d(2019, 8, 1))));
        assert_eq!(text("2018/4/24"), Some(DateValue::Date(d(2018, 4, 24))));
        assert_eq!(text(" 2023年12月底前 "), Some(DateValue::Date(d(2023, 12, 31))));
        assert_eq!(text("2024年2月底"), Some(DateValue::Date(d(2024, 2, 29))));
        assert_eq!(text("2023年底前"), Some(DateValue::Date(d(2023, 12, 31))));
        assert_eq!(text("2023年6月30日前"), Some(DateValue::Date(d(2023, 6, 30))));
        assert_eq!(
            text("2019-08-01T10:30:00"),
            Some(DateValue::DateTime(d(2019, 8, 1).and_hms_opt(10, 30, 0).unwrap()))
        );
    }

    #[test]
    fn excel_serial_numbers_as_numbers_and_as_text() {
        assert_eq!(parse_date(&Cell::Number(43678.0)), Some(DateValue::Date(d(2019, 8, 1))));
        assert_eq!(text("43678"), Some(DateValue::Date(d(2019, 8, 1))));
        let noon = parse_date(&Cell::Number(43678.5)).unwrap();
        assert_eq!(noon, DateValue::DateTime(d(2019, 8, 1).and_hms_opt(12, 0, 0).unwrap()));
        // A count, not a date.
        assert_eq!(parse_date(&Cell::Number(12.0)), None);
    }

    #[test]
    fn what_is_not_a_date_is_none() {
        for s in ["", "长期坚持", "立行立改", "2019/13/1", "2019-02-30", "19/2/28", "明天", "2019年", "1/2/3/4"]
        {
            assert_eq!(text(s), None, "{s}");
        }
    }
}
