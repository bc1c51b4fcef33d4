//! 提醒设置: how one user wants reminders. Every reminder is kept in the user's inbox (站内), the
//! record of what was sent; a user with an e-mail address may have chosen kinds of reminder also
//! sent by e-mail, outside quiet hours, with an English part when they read English.

use crate::Error;
use crate::notice::NoticeKind;
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};

/// 免打扰时段: a daily span (Beijing time) in which no e-mail is sent; what falls due in it waits
/// for its end. It may run past midnight (22:00–07:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub from: NaiveTime,
    pub until: NaiveTime,
}

impl QuietHours {
    /// Quiet hours from `from` to `until`; the two must differ.
    pub fn new(from: NaiveTime, until: NaiveTime) -> Result<Self, Error> {
        if from == until {
            return Err(Error::invalid(
                "quiet_until",
                "免打扰的开始和结束时间不能相同",
                "quiet hours must start and end at different times",
            ));
        }
        Ok(Self { from, until })
    }

    /// Whether the time of day falls in the quiet hours (the start in, the end out).
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.from < self.until { self.from <= t && t < self.until } else { t >= self.from || t < self.until }
    }

    /// When an e-mail due at `now` may go: `now` itself outside the quiet hours, else their end.
    pub fn next_open(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let local = now.with_timezone(&crate::clock::CHINA);
        if !self.contains(local.time()) {
            return now;
        }
        let mut day = local.date_naive();
        // Past midnight in a span that began the evening before, the end is today; before
        // midnight, tomorrow.
        if self.from > self.until && local.time() >= self.from {
            day += Duration::days(1);
        }
        crate::clock::CHINA
            .from_local_datetime(&day.and_time(self.until))
            .single()
            .map_or(now, |t| t.with_timezone(&Utc))
    }
}

/// One user's reminder preferences.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Preferences {
    /// Where e-mail goes; none: no e-mail.
    pub email: Option<String>,
    /// The kinds of reminder also sent by e-mail.
    pub email_kinds: Vec<NoticeKind>,
    pub quiet: Option<QuietHours>,
    /// The e-mail carries an English part after the Chinese.
    pub english: bool,
}

impl Preferences {
    /// Whether a reminder of this kind goes out by e-mail too.
    pub fn emails(&self, kind: NoticeKind) -> bool {
        self.email.is_some() && self.email_kinds.contains(&kind)
    }

    /// The kinds as stored: their wire names, space-separated.
    pub fn kinds_text(&self) -> String {
        self.email_kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(" ")
    }

    /// The kinds from their stored form; a name the vocabulary does not know is an error.
    pub fn kinds_of(text: &str) -> Result<Vec<NoticeKind>, Error> {
        text.split_whitespace().map(NoticeKind::parse).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    /// A Beijing time on 2026-12-07 (UTC+8).
    fn bj(day: u32, h: u32, m: u32) -> DateTime<Utc> {
        crate::clock::CHINA
            .from_local_datetime(&chrono::NaiveDate::from_ymd_opt(2026, 12, day).unwrap().and_time(t(h, m)))
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn quiet_hours_over_midnight_hold_mail_until_morning() {
        let q = QuietHours::new(t(22, 0), t(7, 30)).unwrap();
        assert!(q.contains(t(23, 0)) && q.contains(t(0, 0)) && q.contains(t(7, 29)));
        assert!(!q.contains(t(7, 30)) && !q.contains(t(12, 0)) && !q.contains(t(21, 59)));
        // Due at 23:10 on the 7th: goes at 07:30 on the 8th; due at 06:00 on the 8th: the same.
        assert_eq!(q.next_open(bj(7, 23, 10)), bj(8, 7, 30));
        assert_eq!(q.next_open(bj(8, 6, 0)), bj(8, 7, 30));
        assert_eq!(q.next_open(bj(8, 9, 0)), bj(8, 9, 0));
    }

    #[test]
    fn quiet_hours_in_the_day_and_bad_ones() {
        let lunch = QuietHours::new(t(12, 0), t(14, 0)).unwrap();
        assert_eq!(lunch.next_open(bj(7, 12, 30)), bj(7, 14, 0));
        assert_eq!(lunch.next_open(bj(7, 8, 30)), bj(7, 8, 30));
        assert_eq!(QuietHours::new(t(9, 0), t(9, 0)).unwrap_err().field(), Some("quiet_until"));
    }

    #[test]
    fn kinds_round_trip_and_an_unknown_one_is_an_error() {
        let p = Preferences {
            email: Some("a@example.org".into()),
            email_kinds: vec![NoticeKind::Overdue, NoticeKind::DailyDigest],
            ..Preferences::default()
        };
        assert_eq!(Preferences::kinds_of(&p.kinds_text()).unwrap(), p.email_kinds);
        assert!(p.emails(NoticeKind::Overdue) && !p.emails(NoticeKind::DueSoon));
        assert!(!Preferences { email: None, ..p }.emails(NoticeKind::Overdue));
        assert!(Preferences::kinds_of("overdue nonsense").is_err());
    }
}
