//! 三率与排名: per unit and period, the response, resolution and satisfaction rates, the on-time
//! rate and the overdue, sent-back, extension and reopen counts, with a weighted score and a
//! rank; over the problems the reader may see. Every figure is a count of [`Tally`] whose records
//! the problem list shows with the same filter ([`UnitRanking::filter`] plus `counted=`).
//! Excluding a problem from scoring (不纳入考核) is the office's decision, with a reason, audited.

use crate::problems::{check_edit_listing, load_visible};
use crate::{Actor, App};
use chrono::NaiveDate;
use domain::access::Intent;
pub use domain::rates::Period;
use domain::rates::{Tally, Weights, rate, score};
use domain::{CampaignId, Error, ProblemId, Result, UnitId};
use serde::{Deserialize, Serialize};
use store::problem_list::Visibility;
use store::rates::RankingScope;

/// Which problems the ranking covers.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RankingQuery {
    pub campaign_id: Option<CampaignId>,
    /// `week` or `month`: the one holding `on` (default today). Otherwise `from`/`to`, or the
    /// whole campaign when neither is given.
    #[param(value_type = Option<String>)]
    pub period: Option<Period>,
    pub on: Option<NaiveDate>,
    /// Problems received on or after.
    pub from: Option<NaiveDate>,
    /// Problems received on or before.
    pub to: Option<NaiveDate>,
    /// The level of the unit tree ranked: 2 (default) the units right under the top.
    pub level: Option<usize>,
}

/// One unit's figures.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct UnitRanking {
    pub unit_id: UnitId,
    pub unit: String,
    /// 1 for the best score; units without a score come last, unranked.
    pub rank: Option<usize>,
    /// Out of 100, the rates weighted.
    pub score: Option<f64>,
    pub response_rate: Option<f64>,
    pub resolution_rate: Option<f64>,
    pub satisfaction_rate: Option<f64>,
    pub on_time_rate: Option<f64>,
    /// Each count, by what it counts.
    pub counts: Vec<(Tally, i64)>,
    /// The problem list's query for this unit and period: add `counted=<tally>` for the records
    /// behind a count.
    pub filter: String,
}

impl UnitRanking {
    pub fn count(&self, tally: Tally) -> i64 {
        self.counts.iter().find(|(t, _)| *t == tally).map_or(0, |(_, n)| *n)
    }
}

/// The ranking for a scope.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Ranking {
    pub campaign_id: Option<CampaignId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub level: usize,
    pub weights: Weights,
    pub units: Vec<UnitRanking>,
    /// Every unit together.
    pub total: UnitRanking,
}

/// The list query for a unit and scope, as an address's query string.
fn filter_of(
    unit: Option<UnitId>,
    campaign: Option<CampaignId>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> String {
    let mut parts = Vec::new();
    if let Some(u) = unit {
        parts.push(format!("unit_id={u}"));
    }
    if let Some(k) = campaign {
        parts.push(format!("campaign_id={k}"));
    }
    if let Some(d) = from {
        parts.push(format!("received_from={d}"));
    }
    if let Some(d) = to {
        parts.push(format!("received_to={d}"));
    }
    parts.join("&")
}

fn unit_ranking(unit_id: UnitId, unit: String, counts: &[i64], weights: Weights, filter: String) -> UnitRanking {
    let n = |t: Tally| Tally::ALL.iter().position(|x| *x == t).and_then(|i| counts.get(i)).copied().unwrap_or(0);
    let response_rate = rate(n(Tally::Responded), n(Tally::Scored));
    let resolution_rate = rate(n(Tally::Solved), n(Tally::RatedSolved));
    let satisfaction_rate = rate(n(Tally::Satisfied), n(Tally::Rated));
    UnitRanking {
        unit_id,
        unit,
        rank: None,
        score: score(response_rate, resolution_rate, satisfaction_rate, weights),
        response_rate,
        resolution_rate,
        satisfaction_rate,
        on_time_rate: rate(n(Tally::OnTime), n(Tally::Due)),
        counts: Tally::ALL.iter().map(|t| (*t, n(*t))).collect(),
        filter,
    }
}

/// 不纳入考核 decided: `excluded` with a reason, or put back into scoring.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoringInput {
    pub excluded: bool,
    /// Why the problem is not scored (required when `excluded`).
    pub reason: Option<String>,
}

impl App {
    /// The units ranked over the problems `actor` may see in the scope `q` names.
    pub async fn ranking(&self, actor: &Actor, q: &RankingQuery) -> Result<Ranking> {
        let p = actor.user_for(Intent::Read)?;
        let level = q.level.unwrap_or(2);
        if !(1..=12).contains(&level) {
            return Err(Error::invalid("level", "单位层级须为1–12", "the unit level must be 1–12"));
        }
        let today = self.clock.today();
        let (from, to) = match q.period {
            Some(period) => {
                let (a, b) = period.around(q.on.unwrap_or(today));
                (Some(a), Some(b))
            }
            None => (q.from, q.to),
        };
        if let (Some(a), Some(b)) = (from, to)
            && a > b
        {
            return Err(Error::invalid("from", "开始日期晚于结束日期", "the start date is after the end date"));
        }
        let units = self.units().await?;
        let sees_all = p.is_admin() || units.iter().all(|u| u.path.starts_with(p.unit_path.as_str()));
        let vis = (!sees_all).then(|| Visibility { path_prefix: p.unit_path.as_str().to_string(), user_id: p.user_id });
        let mut pooled = self.db.acquire().await?;
        let scope = RankingScope { campaign: q.campaign_id, from, to, depth: level };
        let rows = store::rates::tallies_by_unit(&mut pooled.conn(), vis.as_ref(), scope, today).await?;
        let weights = self.settings.score_weights;
        let mut totals = vec![0_i64; Tally::ALL.len()];
        let mut ranked: Vec<UnitRanking> = rows
            .into_iter()
            .map(|r| {
                for (t, n) in totals.iter_mut().zip(&r.counts) {
                    *t += n;
                }
                let filter = filter_of(Some(r.unit_id), q.campaign_id, from, to);
                unit_ranking(r.unit_id, r.unit_name, &r.counts, weights, filter)
            })
            .collect();
        ranked.sort_by(|a, b| match (a.score, b.score) {
            (Some(x), Some(y)) => y.total_cmp(&x).then(a.unit.cmp(&b.unit)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.unit.cmp(&b.unit),
        });
        // Equal scores share a rank (1, 2, 2, 4).
        let mut previous: Option<(f64, usize)> = None;
        for (i, u) in ranked.iter_mut().enumerate() {
            u.rank = u.score.map(|s| match previous {
                Some((ps, pr)) if ps == s => pr,
                _ => i + 1,
            });
            if let (Some(s), Some(r)) = (u.score, u.rank) {
                previous = Some((s, r));
            }
        }
        let total =
            unit_ranking(UnitId::new(0), "合计".into(), &totals, weights, filter_of(None, q.campaign_id, from, to));
        Ok(Ranking { campaign_id: q.campaign_id, from, to, level, weights, units: ranked, total })
    }

    /// Applies a [`ScoringInput`].
    pub async fn decide_scoring(&self, actor: &Actor, id: ProblemId, input: &ScoringInput) -> Result<()> {
        match (input.excluded, input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty())) {
            (true, None) => Err(Error::invalid("reason", "不纳入考核须写明理由", "say why the problem is not scored")),
            (true, Some(reason)) => self.set_scoring_exclusion(actor, id, Some(reason)).await,
            (false, _) => self.set_scoring_exclusion(actor, id, None).await,
        }
    }

    /// 不纳入考核: the office takes a problem out of the ranking (with a reason) or puts it back
    /// (`None`). Audited.
    pub async fn set_scoring_exclusion(&self, actor: &Actor, id: ProblemId, reason: Option<&str>) -> Result<()> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (loaded, p) = load_visible(&mut tx.conn(), actor, id).await?;
        check_edit_listing(&p, &loaded.row, &loaded.place).map_err(|_| {
            Error::forbidden(
                "只有专班办公室可以决定问题是否纳入考核",
                "only the campaign office decides what is scored",
            )
        })?;
        let before = loaded.row;
        let mut row = before.clone();
        match reason {
            Some(r) => {
                row.excluded_from_scoring = true;
                row.exclusion_reason = Some(domain::text::required_text("reason", r, 500)?);
            }
            None => {
                row.excluded_from_scoring = false;
                row.exclusion_reason = None;
            }
        }
        if (row.excluded_from_scoring, &row.exclusion_reason)
            == (before.excluded_from_scoring, &before.exclusion_reason)
        {
            return Ok(());
        }
        row.updated_at = now;
        row.version = store::problems::update_problem(&mut tx.conn(), &row).await?;
        let action =
            if row.excluded_from_scoring { "problem.exclude_from_scoring" } else { "problem.include_in_scoring" };
        crate::audit::Entry::new(actor, action, "problem", Some(id.get()))
            .before(&before)?
            .after(&row)?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_filter_names_its_window() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(
            filter_of(Some(UnitId::new(3)), None, Some(d(2026, 12, 1)), None),
            "unit_id=3&received_from=2026-12-01"
        );
    }
}
