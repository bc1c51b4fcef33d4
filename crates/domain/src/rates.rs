//! 三率 and the unit ranking: what each figure counts, how the rates are made of the counts, and
//! how a weighted score is made of the rates. A problem counts for its lead unit when the unit has
//! taken it on (assigned, submitted or closed) and the office has not excluded it from scoring
//! (不纳入考核). Which problems each count holds is written once, in the store's SQL for
//! [`Tally`], so that a figure and the list behind it can never disagree.

use crate::problem::vocabulary;
use crate::{Error, Result};

vocabulary!(
    /// What one figure of the ranking counts; a list filtered by it shows exactly those problems.
    Tally, "counted" {
        /// 纳入考核: taken on by the lead unit and not excluded.
        Scored = "scored" / "纳入考核",
        /// 已响应: with a measure, a progress note or a sign-off application.
        Responded = "responded" / "已响应",
        /// 已回访（是否解决）: the callback recorded whether it was solved.
        RatedSolved = "rated_solved" / "已回访",
        /// 已解决.
        Solved = "solved" / "已解决",
        /// 已评价: a satisfaction was recorded.
        Rated = "rated" / "已评价",
        /// 满意或基本满意.
        Satisfied = "satisfied" / "满意",
        /// 应办结: signed off, or open past its deadline.
        Due = "due" / "应办结",
        /// 按期办结: signed off on or before its deadline (or without one).
        OnTime = "on_time" / "按期办结",
        /// 逾期: open past its deadline.
        Overdue = "overdue" / "逾期未办结",
        /// 被退回: sent back at sign-off at least once.
        SentBack = "sent_back" / "被退回",
        /// 延期: its deadline extended at least once.
        Extended = "extended" / "延期",
        /// 重新整改: reopened at least once.
        Reopened = "reopened" / "重新整改",
        /// 不纳入考核: taken on, and excluded by the office with a reason.
        Excluded = "excluded" / "不纳入考核",
    }
);

vocabulary!(
    /// A reporting period: the one holding a given day.
    Period, "period" {
        /// 本周: Monday to Sunday.
        Week = "week" / "本周",
        /// 本月.
        Month = "month" / "本月",
    }
);

impl Period {
    /// The first and last day of the period holding `day`.
    pub fn around(self, day: chrono::NaiveDate) -> (chrono::NaiveDate, chrono::NaiveDate) {
        use chrono::{Datelike, Duration, NaiveDate};
        match self {
            Period::Week => {
                let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
                (monday, monday + Duration::days(6))
            }
            Period::Month => {
                let first = day.with_day(1).unwrap_or(day);
                let next = if first.month() == 12 {
                    NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
                };
                (first, next.map_or(day, |n| n - Duration::days(1)))
            }
        }
    }
}

/// The weights of the three rates in a unit's score, as percentages that add up to 100 (the
/// common 30/35/35: response, resolution, satisfaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Weights {
    pub response: u32,
    pub resolution: u32,
    pub satisfaction: u32,
}

impl Default for Weights {
    fn default() -> Self {
        Self { response: 30, resolution: 35, satisfaction: 35 }
    }
}

impl Weights {
    /// Parses `30/35/35`.
    pub fn parse(s: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(
                "score_weights",
                format!("权重“{s}”应写作 响应/解决/满意，三数之和为100，如 30/35/35"),
                format!("weights \"{s}\" should read RESPONSE/RESOLUTION/SATISFACTION adding up to 100, as 30/35/35"),
            )
        };
        let parts: Vec<u32> = s.split('/').map(|p| p.trim().parse().map_err(|_| bad())).collect::<Result<_>>()?;
        match parts.as_slice() {
            [r, s2, m] if r + s2 + m == 100 => Ok(Self { response: *r, resolution: *s2, satisfaction: *m }),
            _ => Err(bad()),
        }
    }
}

/// A share from 0 to 1, `None` when nothing is counted under it yet.
pub fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The score out of 100: the rates weighted, over the rates a unit has (a unit no one has rated
/// yet is scored on the others, each weight scaled up in proportion); `None` when it has none.
pub fn score(response: Option<f64>, resolution: Option<f64>, satisfaction: Option<f64>, w: Weights) -> Option<f64> {
    let parts = [(response, w.response), (resolution, w.resolution), (satisfaction, w.satisfaction)];
    let weight: u32 = parts.iter().filter(|(r, _)| r.is_some()).map(|(_, w)| *w).sum();
    if weight == 0 {
        return None;
    }
    let sum: f64 = parts.iter().filter_map(|(r, w)| r.map(|r| r * f64::from(*w))).sum();
    Some((sum / f64::from(weight) * 1000.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_score_weighs_the_rates_a_unit_has() {
        let w = Weights::default();
        assert_eq!(score(Some(1.0), Some(0.5), Some(0.8), w), Some(75.5));
        // Not yet rated: response and resolution only, 30:35.
        assert_eq!(score(Some(1.0), Some(0.5), None, w), Some(73.1));
        assert_eq!(score(None, None, None, w), None);
        assert_eq!(Weights::parse("20/40/40").unwrap(), Weights { response: 20, resolution: 40, satisfaction: 40 });
        assert!(Weights::parse("30/30/30").is_err());
        assert!(Weights::parse("a/b/c").is_err());
        assert_eq!(rate(1, 4), Some(0.25));
        assert_eq!(rate(0, 0), None);
    }

    #[test]
    fn a_period_is_its_week_or_month() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(Period::Week.around(d(2026, 12, 6)), (d(2026, 11, 30), d(2026, 12, 6)));
        assert_eq!(Period::Month.around(d(2026, 12, 6)), (d(2026, 12, 1), d(2026, 12, 31)));
        assert_eq!(Period::Month.around(d(2026, 2, 10)), (d(2026, 2, 1), d(2026, 2, 28)));
    }
}
