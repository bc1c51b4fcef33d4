//! The heat of a cluster (热度): how many reported it and how many different people, how the public
//! voted (likes minus dislikes), how recent it is and how long it has gone on. Hot problems rise
//! to the top of the list.

use std::collections::{BTreeSet, HashMap};

/// One report's contribution to its cluster's heat.
#[derive(Debug, Clone)]
pub struct Report {
    pub cluster: usize,
    pub reporter: Option<String>,
    pub likes: i64,
    pub dislikes: i64,
    /// Seconds since the epoch.
    pub at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClusterHeat {
    pub cluster: usize,
    pub reports: usize,
    pub reporters: usize,
    pub net_likes: i64,
    pub first: Option<i64>,
    pub last: Option<i64>,
    pub heat: f64,
    /// 1 is the hottest.
    pub rank: usize,
}

const DAY: f64 = 86_400.0;
/// How much the number of reports counts beside the number of people: one person writing again
/// and again about a matter still makes it hot, though less than as many people would.
const REPORTS: f64 = 2.5;

/// What one cluster's reports add up to.
#[derive(Default)]
struct Tally<'a> {
    reports: usize,
    named: BTreeSet<&'a str>,
    anonymous: usize,
    net_likes: i64,
    first: Option<i64>,
    last: Option<i64>,
}

impl<'a> Tally<'a> {
    fn add(&mut self, r: &'a Report) {
        self.reports += 1;
        match &r.reporter {
            Some(who) if !who.is_empty() => {
                self.named.insert(who.as_str());
            }
            _ => self.anonymous += 1,
        }
        self.net_likes += r.likes - r.dislikes;
        if let Some(at) = r.at {
            self.first = Some(self.first.map_or(at, |f| f.min(at)));
            self.last = Some(self.last.map_or(at, |l| l.max(at)));
        }
    }
}

/// The heat of every cluster, ranked; `now` is the reference for recency (the newest report when
/// `None`).
pub fn rank(reports: &[Report], now: Option<i64>) -> Vec<ClusterHeat> {
    let now = now.or_else(|| reports.iter().filter_map(|r| r.at).max()).unwrap_or(0);
    let mut by: HashMap<usize, Tally> = HashMap::new();
    for r in reports {
        by.entry(r.cluster).or_default().add(r);
    }
    let mut out: Vec<ClusterHeat> = by
        .into_iter()
        .map(|(cluster, t)| {
            let reporters = t.named.len() + t.anonymous;
            let recency = t.last.map_or(0.0, |l| (-((now - l).max(0) as f64) / (30.0 * DAY)).exp());
            let spread = match (t.first, t.last) {
                (Some(f), Some(l)) => ((l - f).max(0) as f64 / DAY + 1.0).ln(),
                _ => 0.0,
            };
            let heat = REPORTS * (t.reports as f64).ln_1p()
                + (reporters as f64).ln_1p()
                + 0.5 * (t.net_likes.max(0) as f64).ln_1p()
                + recency
                + 0.3 * spread;
            ClusterHeat {
                cluster,
                reports: t.reports,
                reporters,
                net_likes: t.net_likes,
                first: t.first,
                last: t.last,
                heat,
                rank: 0,
            }
        })
        .collect();
    out.sort_by(|a, b| b.heat.total_cmp(&a.heat).then(b.reports.cmp(&a.reports)).then(a.cluster.cmp(&b.cluster)));
    for (i, c) in out.iter_mut().enumerate() {
        c.rank = i + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(cluster: usize, who: &str, likes: i64, at: i64) -> Report {
        Report { cluster, reporter: Some(who.into()), likes, dislikes: 0, at: Some(at) }
    }

    #[test]
    fn many_people_outweigh_one_person_writing_many_times() {
        let mut reports: Vec<Report> = (0..20).map(|i| r(1, &format!("u{i}"), 0, 1000)).collect();
        reports.extend((0..40).map(|_| r(2, "same", 0, 1000)));
        let ranked = rank(&reports, None);
        assert_eq!(ranked[0].cluster, 1);
        assert_eq!((ranked[0].reports, ranked[0].reporters), (20, 20));
        assert_eq!(ranked[1].rank, 2);
    }

    #[test]
    fn likes_and_recency_raise_heat() {
        let reports = vec![r(1, "a", 0, 0), r(2, "b", 500, 0), r(3, "c", 0, 90 * 86_400)];
        let ranked = rank(&reports, Some(90 * 86_400));
        assert_eq!(ranked.last().map(|c| c.cluster), Some(1));
    }
}
