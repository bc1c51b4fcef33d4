//! Hot problems (热点问题): the install's recent feedback grouped by the same rules as intake and
//! ranked by heat (reports, distinct reporters, likes minus dislikes, recency, spread in time), so
//! that what many people report rises to the top.

use crate::{Actor, App};
use chrono::{DateTime, Utc};
use domain::access::Intent;
use domain::{Error, Result};
use text::group::{StoredPrint, group_with, similarity_estimated};
use text::heat::{Report, rank};

/// The most recent feedback items a ranking looks at.
const MAX_ITEMS: i64 = 200_000;

/// One hot cluster.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct HotCluster {
    /// 1 is the hottest.
    pub rank: usize,
    pub heat: f64,
    pub reports: usize,
    pub reporters: usize,
    pub net_likes: i64,
    pub first_at: Option<DateTime<Utc>>,
    pub last_at: Option<DateTime<Utc>>,
    /// The first report's title (or the opening of its text).
    pub title: String,
    /// The problem most of its reports are linked to, if any.
    pub problem: Option<crate::views::ProblemRef>,
    /// Up to 20 of its feedback ids, oldest first.
    pub feedback_ids: Vec<domain::FeedbackId>,
}

impl App {
    /// The hottest clusters of the feedback received in the last `days` that the caller may see.
    pub async fn hot_problems(&self, actor: &Actor, days: i64, limit: usize) -> Result<Vec<HotCluster>> {
        let p = actor.user_for(Intent::Read)?;
        if !(1..=3660).contains(&days) {
            return Err(Error::invalid("days", "天数须为1–3660", "days must be 1–3660"));
        }
        if !(1..=200).contains(&limit) {
            return Err(Error::invalid("limit", "条数须为1–200", "limit must be 1–200"));
        }
        let since = self.clock.now() - chrono::Duration::days(days);
        let prefix = (!p.is_admin()).then(|| p.unit_path.as_str().to_string());
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let rows = store::grouping::recent_prints(&mut c, since, prefix.as_deref(), MAX_ITEMS).await?;
        // A hot problem's heat, as the page explains it: ln(1+reports) + ln(1+reporters)
        // + 0.5·ln(1+net likes) + recency (e^(−days since the last report / 30)) + 0.3·ln(1+days it
        // has gone on); see `text::heat`.
        let mut kept = Vec::with_capacity(rows.len());
        let mut prints = Vec::with_capacity(rows.len());
        for r in rows {
            if let Some(fp) = serde_json::from_str::<StoredPrint>(&r.print).ok().and_then(|s| s.to_fingerprint()) {
                prints.push(fp);
                kept.push(r);
            }
        }
        let t = self.settings.grouping.thresholds();
        let clusters = fold_by_problem(&group_with(&prints, t, similarity_estimated), &kept);
        let reports: Vec<Report> = kept
            .iter()
            .zip(&clusters)
            .map(|(r, &cluster)| Report {
                cluster,
                reporter: r.reporter.clone(),
                likes: r.likes,
                dislikes: r.dislikes,
                at: Some(r.received_at.timestamp()),
            })
            .collect();
        let mut out = Vec::new();
        for h in rank(&reports, Some(self.clock.now().timestamp())).into_iter().take(limit) {
            let members: Vec<&store::grouping::RecentPrint> =
                kept.iter().zip(&clusters).filter(|(_, c)| **c == h.cluster).map(|(r, _)| r).collect();
            let first = members[0];
            // Named only if the caller may see it, like every record a view refers to.
            let problem = match most_common(members.iter().filter_map(|m| m.problem_id.map(|p| p.get()))) {
                Some(pid) => Self::visible_problem(&mut c, p, domain::ProblemId::new(pid)).await?.map(|(r, _)| r),
                None => None,
            };
            // A cluster's title is a label: no phone number belongs in it, whoever reads it.
            let title = first.title.clone().filter(|t| !t.trim().is_empty()).unwrap_or_else(|| first.opening.clone());
            out.push(HotCluster {
                rank: h.rank,
                heat: (h.heat * 1000.0).round() / 1000.0,
                reports: h.reports,
                reporters: h.reporters,
                net_likes: h.net_likes,
                first_at: h.first.and_then(|s| DateTime::from_timestamp(s, 0)),
                last_at: h.last.and_then(|s| DateTime::from_timestamp(s, 0)),
                title: domain::privacy::mask_contacts(&title, &[]).into_owned(),
                problem,
                feedback_ids: members.iter().take(20).map(|m| m.id).collect(),
            });
        }
        Ok(out)
    }
}

/// Clusters whose reports mostly joined the same problem are that one problem: each problem shows
/// once, its heat counted over all its reports. Returns each report's cluster after folding.
fn fold_by_problem(clusters: &[usize], kept: &[store::grouping::RecentPrint]) -> Vec<usize> {
    let mut members: std::collections::BTreeMap<usize, Vec<i64>> = std::collections::BTreeMap::new();
    for (r, &c) in kept.iter().zip(clusters) {
        members.entry(c).or_default().extend(r.problem_id.map(|p| p.get()));
    }
    // The first cluster of a problem stands for all of its clusters.
    let mut first_of_problem: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    let mut folded_to: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for (cluster, problems) in &members {
        if let Some(pid) = most_common(problems.iter().copied()) {
            let to = *first_of_problem.entry(pid).or_insert(*cluster);
            folded_to.insert(*cluster, to);
        }
    }
    clusters.iter().map(|c| folded_to.get(c).copied().unwrap_or(*c)).collect()
}

fn most_common(ids: impl Iterator<Item = i64>) -> Option<i64> {
    let mut counts: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for id in ids {
        *counts.entry(id).or_default() += 1;
    }
    counts.into_iter().max_by_key(|(id, n)| (*n, -*id)).map(|(id, _)| id)
}
