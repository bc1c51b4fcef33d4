//! The hot issues ranked by heat and described: what the CLI's table, the `/hot` page and the API
//! all show, computed in one place.

use super::{Corpus, Description, describe};
use crate::group::Fingerprint;
use crate::heat::{ClusterHeat, Report, rank};
use std::collections::HashMap;

/// One hot issue, ranked.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedIssue {
    /// Its heat and counts; `heat.cluster` is the index of its first report.
    pub heat: ClusterHeat,
    /// Its reports, as indices into the input, in input order.
    pub members: Vec<usize>,
}

/// The hot issues of a set of reports, hottest first, and what is needed to name any of them.
pub struct RankedIssues {
    pub issues: Vec<RankedIssue>,
    /// Every report at hand: a phrase the whole set uses names no one issue.
    corpus: Corpus,
}

impl RankedIssues {
    /// Ranks the hot issues that `issues` gives each report (the index of its issue's first
    /// report, as [`super::hot_issues`] answers) by the heat of `reports` (their `cluster` is
    /// taken from `issues`). `texts` are the reports' (title, body); `now` is the reference for
    /// recency (the newest report when `None`).
    pub fn rank(texts: &[(&str, &str)], issues: &[usize], reports: &[Report], now: Option<i64>) -> Self {
        let by_issue: Vec<Report> =
            reports.iter().zip(issues).map(|(r, &issue)| Report { cluster: issue, ..r.clone() }).collect();
        let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, &issue) in issues.iter().enumerate() {
            members.entry(issue).or_default().push(i);
        }
        let issues = rank(&by_issue, now)
            .into_iter()
            .map(|heat| {
                let members = members.remove(&heat.cluster).unwrap_or_default();
                RankedIssue { heat, members }
            })
            .collect();
        Self { issues, corpus: Corpus::of(texts) }
    }

    /// The 地点/人群 and 问题描述 of `issue`, from the same `texts` and `prints` it was ranked with.
    pub fn describe(&self, issue: &RankedIssue, texts: &[(&str, &str)], prints: &[Fingerprint]) -> Description {
        describe(
            &self.corpus,
            &issue.members.iter().map(|&i| texts[i]).collect::<Vec<_>>(),
            &issue.members.iter().map(|&i| &prints[i]).collect::<Vec<_>>(),
        )
    }
}
