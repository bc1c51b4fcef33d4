//! 本周进展通报 and 总结报告: the reports a campaign office sends round, generated from the ledger
//! for a campaign and a period — what came in, what was signed off, what is overdue and who holds
//! it, the units ranked, the hot problems, the trend. Every figure is counted once, here, over the
//! problems the reader may see, with the list query that shows its records; the text and the tables
//! of [`document`] quote those same numbers, and the HTML page and the .docx ([`docx`]) render that
//! one document.

mod campaign_work;
pub mod document;
pub mod docx;
pub mod research;

use crate::hot::HotIssue;
use crate::problems::ProblemQuery;
use crate::rates::{Ranking, RankingQuery};
use crate::{Actor, App};
use chrono::{Datelike, Duration, NaiveDate};
use domain::feedback::Channel;
use domain::problem::ProblemNumber;
use domain::report::ReportKind;
use domain::supervision::Colour;
use domain::workflow::{Status, Statuses};
use domain::{CampaignId, Error, ProblemId, Result};
use serde::Deserialize;

/// The overdue problems a report lists by name (the count covers them all).
const OVERDUE_LISTED: i64 = 30;
/// The hot problems a report lists.
const HOT_LISTED: usize = 10;
/// The weeks a trend shows at most.
const MAX_WEEKS: usize = 26;

/// Which report, for which campaign and period.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `weekly` or `summary`.
    #[param(value_type = String)]
    pub kind: ReportKind,
    pub campaign_id: CampaignId,
    /// The first day (weekly: the Monday of the week holding `to`, or of this week; summary: the
    /// campaign's start).
    pub from: Option<NaiveDate>,
    /// The last day (weekly: six days after `from`; summary: today).
    pub to: Option<NaiveDate>,
}

/// A count and the problem list's query for the records it counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub count: i64,
    /// The `/problems` query string.
    pub filter: String,
}

/// An overdue problem and who holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct OverdueLine {
    pub id: ProblemId,
    pub number: ProblemNumber,
    pub title: String,
    pub unit: String,
    /// 责任人.
    pub person: String,
    /// 责任领导.
    pub leader: String,
    pub deadline: NaiveDate,
    /// Calendar days past the deadline on the report's day.
    pub days_overdue: i64,
    pub colour: Option<Colour>,
}

/// One week of the trend.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekLine {
    /// The Monday that starts it.
    pub starts: NaiveDate,
    pub received: Figure,
    pub closed: Figure,
}

/// Everything a report says, counted once.
#[derive(Debug, Clone)]
pub struct Report {
    pub kind: ReportKind,
    pub campaign_id: CampaignId,
    pub campaign: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The day it was generated: the open, overdue and cumulative figures are as of this day.
    pub as_of: NaiveDate,
    /// Received (受理) in the period.
    pub received: Figure,
    /// Received in the period, by source, the sources with none left out.
    pub received_by_channel: Vec<(Channel, Figure)>,
    /// Signed off (销号) in the period.
    pub closed: Figure,
    /// The whole campaign.
    pub total: Figure,
    pub by_status: Vec<(Status, Figure)>,
    pub open: Figure,
    pub overdue: Figure,
    pub red: Figure,
    pub yellow: Figure,
    /// The overdue problems longest overdue first, at most [`OVERDUE_LISTED`].
    pub overdue_problems: Vec<OverdueLine>,
    /// The units ranked over the campaign's problems received up to `to`.
    pub ranking: Ranking,
    pub hot: Vec<HotIssue>,
    pub weeks: Vec<WeekLine>,
    /// A summary report's goals, research, study and mechanisms (none in a weekly report).
    pub work: Option<crate::campaign_overview::CampaignOverview>,
}

/// The problems one figure counts: a list query and its query string, made together.
#[derive(Debug, Clone, Default)]
struct Scope {
    campaign: Option<CampaignId>,
    statuses: Vec<Status>,
    overdue: bool,
    colour: Option<Colour>,
    channel: Option<Channel>,
    received: Option<(NaiveDate, NaiveDate)>,
    closed: Option<(NaiveDate, NaiveDate)>,
}

impl Scope {
    fn query(&self) -> ProblemQuery {
        ProblemQuery {
            campaign_id: self.campaign,
            status: (!self.statuses.is_empty()).then(|| Statuses(self.statuses.clone())),
            overdue: self.overdue.then_some(true),
            colour: self.colour,
            channel: self.channel,
            received_from: self.received.map(|r| r.0),
            received_to: self.received.map(|r| r.1),
            closed_from: self.closed.map(|r| r.0),
            closed_to: self.closed.map(|r| r.1),
            ..ProblemQuery::default()
        }
    }

    fn filter(&self) -> String {
        let mut parts = Vec::new();
        if let Some(c) = self.campaign {
            parts.push(format!("campaign_id={c}"));
        }
        if !self.statuses.is_empty() {
            let names: Vec<&str> = self.statuses.iter().map(|s| s.as_str()).collect();
            parts.push(format!("status={}", names.join(",")));
        }
        if self.overdue {
            parts.push("overdue=true".into());
        }
        if let Some(c) = self.colour {
            parts.push(format!("colour={c}"));
        }
        if let Some(c) = self.channel {
            parts.push(format!("channel={c}"));
        }
        if let Some((a, b)) = self.received {
            parts.push(format!("received_from={a}&received_to={b}"));
        }
        if let Some((a, b)) = self.closed {
            parts.push(format!("closed_from={a}&closed_to={b}"));
        }
        parts.join("&")
    }
}

/// The Monday of the week holding `day`.
fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

impl App {
    async fn figure(&self, actor: &Actor, scope: &Scope) -> Result<Figure> {
        Ok(Figure { count: self.count_problems(actor, &scope.query()).await?, filter: scope.filter() })
    }

    /// The report `q` asks for, over the problems `actor` may see.
    pub async fn report(&self, actor: &Actor, q: &ReportQuery) -> Result<Report> {
        actor.user()?;
        let campaign = self.get_campaign(actor, q.campaign_id).await?;
        let today = self.clock.today();
        let (from, to) = match q.kind {
            ReportKind::Weekly => match (q.from, q.to) {
                (Some(a), Some(b)) => (a, b),
                (Some(a), None) => (a, a + Duration::days(6)),
                (None, Some(b)) => (monday_of(b), b),
                (None, None) => domain::rates::Period::Week.around(today),
            },
            ReportKind::Summary => (q.from.unwrap_or(campaign.starts_on), q.to.unwrap_or(today)),
        };
        if from > to {
            return Err(Error::invalid("from", "开始日期晚于结束日期", "the start date is after the end date"));
        }
        if (to - from).num_days() > 3660 {
            return Err(Error::invalid("to", "报告期不能超过十年", "a report covers at most ten years"));
        }
        let campaign_scope = Scope { campaign: Some(q.campaign_id), ..Scope::default() };
        let in_period = Scope { received: Some((from, to)), ..campaign_scope.clone() };
        let received = self.figure(actor, &in_period).await?;
        let mut received_by_channel = Vec::new();
        for channel in Channel::ALL {
            let f = self.figure(actor, &Scope { channel: Some(*channel), ..in_period.clone() }).await?;
            if f.count > 0 {
                received_by_channel.push((*channel, f));
            }
        }
        let closed = self.figure(actor, &Scope { closed: Some((from, to)), ..campaign_scope.clone() }).await?;
        let total = self.figure(actor, &campaign_scope).await?;
        let mut by_status = Vec::new();
        for status in Status::ALL {
            by_status
                .push((status, self.figure(actor, &Scope { statuses: vec![status], ..campaign_scope.clone() }).await?));
        }
        let open_statuses: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_open()).collect();
        let open = self.figure(actor, &Scope { statuses: open_statuses, ..campaign_scope.clone() }).await?;
        let overdue_scope = Scope { overdue: true, ..campaign_scope.clone() };
        let overdue = self.figure(actor, &overdue_scope).await?;
        let red = self.figure(actor, &Scope { colour: Some(Colour::Red), ..campaign_scope.clone() }).await?;
        let yellow = self.figure(actor, &Scope { colour: Some(Colour::Yellow), ..campaign_scope.clone() }).await?;
        let overdue_problems = self.overdue_lines(actor, &overdue_scope, today).await?;
        let ranking = self
            .ranking(actor, &RankingQuery { campaign_id: Some(q.campaign_id), to: Some(to), ..RankingQuery::default() })
            .await?;
        let days = ((today - from).num_days() + 1).clamp(1, 3660);
        let hot = self.hot_problems(actor, days, HOT_LISTED).await?;
        let first_week = match q.kind {
            ReportKind::Weekly => monday_of(to) - Duration::weeks(7),
            ReportKind::Summary => monday_of(from).max(monday_of(to) - Duration::weeks(MAX_WEEKS as i64 - 1)),
        };
        let mut weeks = Vec::new();
        let mut starts = first_week;
        while starts <= to {
            let window = Some((starts, starts + Duration::days(6)));
            weeks.push(WeekLine {
                starts,
                received: self.figure(actor, &Scope { received: window, ..campaign_scope.clone() }).await?,
                closed: self.figure(actor, &Scope { closed: window, ..campaign_scope.clone() }).await?,
            });
            starts += Duration::weeks(1);
        }
        Ok(Report {
            kind: q.kind,
            campaign_id: q.campaign_id,
            campaign: campaign.name,
            from,
            to,
            as_of: today,
            received,
            received_by_channel,
            closed,
            total,
            by_status,
            open,
            overdue,
            red,
            yellow,
            overdue_problems,
            ranking,
            hot,
            weeks,
            work: match q.kind {
                ReportKind::Summary => Some(self.campaign_overview(actor, q.campaign_id).await?),
                ReportKind::Weekly => None,
            },
        })
    }

    /// The overdue problems longest overdue first, with who holds them.
    async fn overdue_lines(&self, actor: &Actor, scope: &Scope, today: NaiveDate) -> Result<Vec<OverdueLine>> {
        let query = ProblemQuery { sort: Some("deadline".into()), limit: Some(OVERDUE_LISTED), ..scope.query() };
        let page = self.list_problems(actor, &query).await?;
        let ids: Vec<ProblemId> = page.items.iter().map(|p| p.id).collect();
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let names = self.ledger_names(&mut c).await?;
        Ok(self
            .gather(&mut c, &names, &ids)
            .await?
            .into_iter()
            .filter_map(|g| {
                let deadline = g.row.deadline?;
                Some(OverdueLine {
                    id: g.row.id,
                    number: g.row.number.clone(),
                    title: g.row.title.clone(),
                    unit: g.ledger.unit,
                    person: g.ledger.person,
                    leader: g.ledger.leader,
                    deadline,
                    days_overdue: (today - deadline).num_days(),
                    colour: g.ledger.colour,
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_says_its_query_as_the_list_reads_it() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let s = Scope {
            campaign: Some(CampaignId::new(2)),
            statuses: vec![Status::New, Status::Assigned],
            closed: Some((d(11, 30), d(12, 6))),
            ..Scope::default()
        };
        assert_eq!(s.filter(), "campaign_id=2&status=new,assigned&closed_from=2026-11-30&closed_to=2026-12-06");
        let q = s.query();
        assert_eq!(q.closed_to, Some(d(12, 6)));
        assert_eq!(q.status.map(|x| x.0.len()), Some(2));
    }

    #[test]
    fn weeks_start_on_monday() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(); // a Sunday
        assert_eq!(monday_of(d), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
    }
}
