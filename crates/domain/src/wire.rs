//! The text forms of dates and times, written and read without chrono's general machinery where
//! the form is the usual one.
//!
//! Why: a page of the problem list writes and reads several of them per row. chrono's `Serialize`
//! goes through `Display`, which serde_json then escapes one character at a time, and its parsers
//! are general; profiled under load (issue 10), the two together were about a tenth of a list
//! page's CPU. The output is exactly chrono's (checked in the tests below); anything outside the
//! usual form (a year before 0 or after 9999, a leap second, another offset) falls back to chrono.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, SecondsFormat, Timelike, Utc};
use serde::Serializer;
use std::borrow::Cow;

/// `YYYY-MM-DD`, as chrono serialises a date.
pub fn date<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&date_text(d, &mut [0u8; 10]))
}

/// [`date`] for an optional date (`null` when absent).
pub fn opt_date<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => date(d, s),
        None => s.serialize_none(),
    }
}

/// RFC 3339 in UTC with `Z` and only the sub-second digits there are, as chrono serialises a
/// `DateTime<Utc>`.
pub fn time<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&time_text(t, &mut [0u8; TIME_LEN]))
}

/// A date as chrono writes it: in `buf` when it is the usual form, else chrono's own text.
fn date_text<'b>(d: &NaiveDate, buf: &'b mut [u8; 10]) -> Cow<'b, str> {
    if write_date(buf, *d) { Cow::Borrowed(ascii(buf)) } else { Cow::Owned(d.to_string()) }
}

/// A time as chrono serialises it: in `buf` when it is the usual form, else chrono's own text.
fn time_text<'b>(t: &DateTime<Utc>, buf: &'b mut [u8; TIME_LEN]) -> Cow<'b, str> {
    match write_time(buf, t) {
        Some(len) => Cow::Borrowed(ascii(&buf[..len])),
        None => Cow::Owned(t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
    }
}

/// A stored or sent date, `YYYY-MM-DD`; other forms chrono reads as a date are read by chrono.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(d)) = (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10]))
    {
        return NaiveDate::from_ymd_opt(y as i32, m, d);
    }
    s.parse().ok()
}

/// A stored time: RFC 3339 (`2026-10-25T06:37:36.123+00:00` as sqlx writes it, or with `Z`), or
/// SQLite's own `YYYY-MM-DD HH:MM:SS[.f]` in UTC.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    fast_time(s).or_else(|| {
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Some(t.with_timezone(&Utc));
        }
        chrono::NaiveDateTime::parse_from_str(s, "%F %T%.f").ok().map(|t| t.and_utc())
    })
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+00:00)`, or with a space for the `T`; `None` for anything
/// else (which the caller hands to chrono).
fn fast_time(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() < 19 || !(b[10] == b'T' || b[10] == b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let date = parse_date(s.get(..10)?)?;
    let (h, mi, sec) = (digits(&b[11..13])?, digits(&b[14..16])?, digits(&b[17..19])?);
    let mut rest = &b[19..];
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 9 {
            return None;
        }
        nanos = digits(&fraction[..n])? * 10u32.pow(9 - n as u32);
        rest = &fraction[n..];
    }
    let utc = match rest {
        b"Z" | b"+00:00" => true,
        b"" => b[10] == b' ',
        _ => false,
    };
    if !utc {
        return None;
    }
    let time = NaiveTime::from_hms_nano_opt(h, mi, sec, nanos).filter(|_| sec < 60)?;
    Some(date.and_time(time).and_utc())
}

/// The value of a run of ASCII digits, or `None` if any is not one.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |v, &c| c.is_ascii_digit().then(|| v * 10 + u32::from(c - b'0')))
}

const TIME_LEN: usize = 30;

fn ascii(b: &[u8]) -> &str {
    // Only ASCII digits and punctuation are ever written into these buffers.
    std::str::from_utf8(b).unwrap_or_default()
}

fn put(buf: &mut [u8], at: usize, value: u32, width: usize) {
    let mut v = value;
    for i in (0..width).rev() {
        buf[at + i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

/// Writes `YYYY-MM-DD`; false for a year chrono writes with a sign or more digits.
fn write_date(buf: &mut [u8], d: NaiveDate) -> bool {
    let Ok(year) = u32::try_from(d.year()) else { return false };
    if year > 9999 {
        return false;
    }
    put(buf, 0, year, 4);
    buf[4] = b'-';
    put(buf, 5, d.month(), 2);
    buf[7] = b'-';
    put(buf, 8, d.day(), 2);
    true
}

/// Writes the time and answers its length; `None` for what chrono writes otherwise.
fn write_time(buf: &mut [u8; TIME_LEN], t: &DateTime<Utc>) -> Option<usize> {
    let nanos = t.nanosecond();
    if nanos >= 1_000_000_000 || !write_date(buf, t.date_naive()) {
        return None;
    }
    buf[10] = b'T';
    put(buf, 11, t.hour(), 2);
    buf[13] = b':';
    put(buf, 14, t.minute(), 2);
    buf[16] = b':';
    put(buf, 17, t.second(), 2);
    let mut len = 19;
    let (width, value) = match nanos {
        0 => (0, 0),
        n if n % 1_000_000 == 0 => (3, n / 1_000_000),
        n if n % 1_000 == 0 => (6, n / 1_000),
        n => (9, n),
    };
    if width > 0 {
        buf[len] = b'.';
        put(buf, len + 1, value, width);
        len += 1 + width;
    }
    buf[len] = b'Z';
    Some(len + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn written(t: &DateTime<Utc>) -> String {
        time_text(t, &mut [0u8; TIME_LEN]).into_owned()
    }

    #[test]
    fn times_are_written_as_chrono_writes_them_and_read_back() {
        let mut seen = 0;
        for year in [0, 1, 999, 1970, 2026, 9999] {
            for nanos in [0, 7, 120_000_000, 123_000, 123_456_789, 999_999_999, 1_000_000] {
                let t = Utc.with_ymd_and_hms(year, 12, 31, 23, 59, 58).unwrap()
                    + chrono::Duration::nanoseconds(i64::from(nanos));
                let ours = written(&t);
                assert_eq!(ours, t.to_rfc3339_opts(SecondsFormat::AutoSi, true));
                assert_eq!(parse_time(&ours), Some(t), "{ours}");
                assert_eq!(parse_time(&t.to_rfc3339_opts(SecondsFormat::AutoSi, false)), Some(t));
                seen += 1;
            }
        }
        assert_eq!(seen, 42);
        let leap = NaiveDate::from_ymd_opt(2016, 12, 31).unwrap().and_hms_nano_opt(23, 59, 59, 1_500_000_000);
        let leap = leap.unwrap().and_utc();
        assert_eq!(written(&leap), leap.to_rfc3339_opts(SecondsFormat::AutoSi, true), "a leap second");
        let far = Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(written(&far), far.to_rfc3339_opts(SecondsFormat::AutoSi, true));
    }

    #[test]
    fn stored_forms_are_read_and_bad_ones_are_not() {
        let t = Utc.with_ymd_and_hms(2026, 10, 25, 6, 37, 36).unwrap();
        for s in
            ["2026-10-25T06:37:36Z", "2026-10-25T06:37:36+00:00", "2026-10-25 06:37:36", "2026-10-25T14:37:36+08:00"]
        {
            assert_eq!(parse_time(s), Some(t), "{s}");
        }
        assert_eq!(parse_time("2026-10-25 06:37:36.5").unwrap().nanosecond(), 500_000_000);
        for bad in [
            "2026-13-25T06:37:36Z",
            "2026-10-25T24:00:00Z",
            "2026-10-25T06:37:36",
            "2026-1x-25",
            "",
            "2026-10-25T06:37:36.Z",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert_eq!(parse_date("2026-02-28"), NaiveDate::from_ymd_opt(2026, 2, 28));
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("+12026-01-01"), NaiveDate::from_ymd_opt(12026, 1, 1), "chrono's other forms");
    }

    #[test]
    fn dates_are_written_as_chrono_writes_them() {
        for d in
            [NaiveDate::from_ymd_opt(2026, 1, 9), NaiveDate::from_ymd_opt(0, 2, 29), NaiveDate::from_ymd_opt(-1, 3, 1)]
        {
            let d = d.unwrap();
            assert_eq!(date_text(&d, &mut [0u8; 10]), d.to_string());
        }
    }
}
