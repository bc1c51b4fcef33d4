//! 工作台: the figures a campaign office watches — counts by state and colour, the rates (on time,
//! response, resolution, satisfaction), the weekly trend and the units ranked — over the problems
//! the reader may see. Every figure comes from records a list filter can show.

use crate::{Actor, App};
use chrono::{Datelike, Duration, NaiveDate};
use domain::Result;
use domain::access::Intent;
use serde::Serialize;
use store::problem_list::Visibility;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub total: i64,
    pub by_status: Vec<(String, i64)>,
    pub open: i64,
    pub overdue: i64,
    pub red: i64,
    pub yellow: i64,
    pub blue: i64,
    /// Closed after their deadline (超期办结): with `overdue`, the problems that are late.
    pub late_closed: i64,
    /// Shares from 0 to 1; `None` when nothing to count yet. On time (按期率): the share of
    /// problems on the list (open or closed) that are not late, where late is overdue and still
    /// open (`overdue`) or closed after the deadline (`late_closed`), so that it agrees with the
    /// overdue count beside it.
    pub on_time_rate: Option<f64>,
    pub response_rate: Option<f64>,
    pub resolution_rate: Option<f64>,
    pub satisfaction_rate: Option<f64>,
    pub weeks: Vec<Week>,
    pub units: Vec<UnitRank>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Week {
    /// The Monday that starts the week.
    pub starts: NaiveDate,
    pub new: i64,
    pub closed: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitRank {
    pub unit_id: domain::UnitId,
    pub unit: String,
    pub total: i64,
    pub closed: i64,
    pub open: i64,
    pub overdue: i64,
    pub sent_back: i64,
    /// 0–100: half the share closed, half the share of open problems not overdue.
    pub score: f64,
}

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// How the dashboard ranks units: at one level of the tree the reader sees (1 is the root; each
/// unit then counts the problems led inside it), or each lead unit by itself (`None`), over the
/// problems received between the dates.
pub use store::stats::Ranking;

impl App {
    /// The dashboard with each lead unit ranked by itself over every problem.
    pub async fn dashboard(&self, actor: &Actor, campaign: Option<i64>) -> Result<Dashboard> {
        self.dashboard_ranked(actor, campaign, Ranking::default()).await
    }

    /// The dashboard with the units ranked as `ranking` says.
    pub async fn dashboard_ranked(&self, actor: &Actor, campaign: Option<i64>, ranking: Ranking) -> Result<Dashboard> {
        if ranking.depth.is_some_and(|d| !(1..=12).contains(&d)) {
            return Err(domain::Error::invalid("level", "单位层级须为1–12", "the unit level must be 1–12"));
        }
        if let (Some(from), Some(to)) = (ranking.received_from, ranking.received_to)
            && from > to
        {
            return Err(domain::Error::invalid("from", "开始日期晚于结束日期", "the start date is after the end date"));
        }
        let p = actor.user_for(Intent::Read)?;
        let sees_all = p.is_admin() || self.units().await?.iter().all(|u| u.path.starts_with(p.unit_path.as_str()));
        let vis = (!sees_all).then(|| Visibility { path_prefix: p.unit_path.as_str().to_string(), user_id: p.user_id });
        let cal = self.calendar().await?;
        let today = self.clock.today();
        let cutoff = domain::supervision::due_soon_cutoff(&cal, today, self.settings.due_soon_days);
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let t = store::stats::totals(&mut c, vis.as_ref(), campaign, today, cutoff).await?;
        let closings = store::stats::closings(&mut c, vis.as_ref(), campaign).await?;
        let late_closed = closings
            .iter()
            .filter(|(deadline, closed)| match (deadline, closed) {
                (Some(d), Some(at)) => domain::clock::china_date(*at) > *d,
                (None, _) => false,
                (Some(_), None) => true,
            })
            .count();
        let late_closed = i64::try_from(late_closed).unwrap_or(0);
        let open = t.new + t.assigned + t.submitted;
        let on_the_list = i64::try_from(closings.len()).unwrap_or(0) + open;
        let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
        let first = monday - Duration::weeks(11);
        let since = first.and_hms_opt(0, 0, 0).map(|d| d.and_utc() - Duration::hours(8)).unwrap_or_default();
        let recent = store::stats::recent(&mut c, vis.as_ref(), campaign, since).await?;
        let mut weeks: Vec<Week> =
            (0..12).map(|i| Week { starts: first + Duration::weeks(i), new: 0, closed: 0 }).collect();
        let bucket = |d: NaiveDate| usize::try_from((d - first).num_days() / 7).ok().filter(|i| *i < 12);
        for (created, closed) in &recent {
            if let Some(i) = bucket(domain::clock::china_date(*created)) {
                weeks[i].new += 1;
            }
            if let Some(i) = closed.and_then(|c| bucket(domain::clock::china_date(c))) {
                weeks[i].closed += 1;
            }
        }
        let mut units: Vec<UnitRank> = store::stats::by_unit(&mut c, vis.as_ref(), campaign, today, ranking)
            .await?
            .into_iter()
            .map(|u| {
                let closed_share = share(u.closed, u.total).unwrap_or(0.0);
                let punctual = share(u.open - u.overdue, u.open).unwrap_or(1.0);
                UnitRank {
                    unit_id: u.unit_id,
                    unit: u.unit_name,
                    total: u.total,
                    closed: u.closed,
                    open: u.open,
                    overdue: u.overdue,
                    sent_back: u.sent_back,
                    score: (50.0 * closed_share + 50.0 * punctual).round(),
                }
            })
            .collect();
        units.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.total.cmp(&a.total)));
        Ok(Dashboard {
            total: t.total,
            by_status: vec![
                ("new".into(), t.new),
                ("assigned".into(), t.assigned),
                ("submitted".into(), t.submitted),
                ("closed".into(), t.closed),
                ("dismissed".into(), t.dismissed),
                ("merged".into(), t.merged),
            ],
            open,
            overdue: t.overdue,
            red: t.red,
            yellow: t.yellow,
            blue: t.blue,
            late_closed,
            on_time_rate: share(on_the_list - late_closed - t.overdue, on_the_list),
            response_rate: share(t.responded, t.taken_on),
            resolution_rate: share(t.solved, t.rated_solved),
            satisfaction_rate: share(t.satisfied, t.rated),
            weeks,
            units,
        })
    }
}
