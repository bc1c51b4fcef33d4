//! Grouping a reader's recent feedback into hot issues (level two: a place or group of people and
//! a matter, over level one's near-duplicates), ranking them by heat and naming the hottest.

use domain::feedback::{Channel, FeedbackKind};
use domain::{FeedbackId, ProblemId};
use std::collections::{BTreeMap, HashMap};
use store::grouping::RecentPrint;
use text::group::{StoredPrint, Thresholds, group_with, similarity_estimated};
use text::heat::{ClusterHeat, Report};
use text::hot::{IssueSettings, RankedIssues, hot_issues};

/// One hot issue as computed over the feedback a reader may see, before the records it refers to
/// are checked against that reader.
#[derive(Debug, Clone)]
pub(crate) struct ComputedIssue {
    pub heat: ClusterHeat,
    /// 地点/人群 and 问题描述, contacts masked.
    pub place: String,
    pub matter: String,
    /// Its first report's title (or the opening of its text), contacts masked.
    pub title: String,
    /// Its reports, oldest first.
    pub members: Vec<Member>,
}

impl ComputedIssue {
    /// The issue's handle, stable while its first report stays in it: that report's id.
    pub(crate) fn key(&self) -> FeedbackId {
        self.members[0].id
    }

    /// The problem most of its reports are on, if any.
    pub(crate) fn problem(&self) -> Option<ProblemId> {
        most_common(self.members.iter().filter_map(|m| m.problem_id.map(|p| p.get()))).map(ProblemId::new)
    }
}

/// A report of a hot issue, as its page lists it.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub id: FeedbackId,
    pub title: String,
    pub opening: String,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub problem_id: Option<ProblemId>,
    pub channel: Channel,
    pub kind: FeedbackKind,
}

/// How long an opening a hot issue's page shows of each report.
const OPENING_CHARS: usize = 80;

/// The hottest `top` issues of `rows` (oldest first), with recency measured from `now`.
pub(crate) fn hot_issues_of(
    rows: Vec<RecentPrint>,
    t: Thresholds,
    s: IssueSettings,
    now: i64,
    top: usize,
) -> Vec<ComputedIssue> {
    let mut kept = Vec::with_capacity(rows.len());
    let mut prints = Vec::with_capacity(rows.len());
    for r in rows {
        if let Some(fp) = serde_json::from_str::<StoredPrint>(&r.print).ok().and_then(|s| s.to_fingerprint()) {
            prints.push(fp);
            kept.push(r);
        }
    }
    let clusters = fold_by_problem(&group_with(&prints, t, similarity_estimated), &kept);
    let texts: Vec<(&str, &str)> =
        kept.iter().map(|r| (r.title.as_deref().unwrap_or_default(), r.body.as_str())).collect();
    let issues = hot_issues(&texts, &prints, &clusters, s);
    // A hot problem's heat, as the page explains it: 2.5·ln(1+reports) + ln(1+reporters)
    // + 0.5·ln(1+net likes) + recency (e^(−days since the last report / 30)) + 0.3·ln(1+days it
    // has gone on); see `text::heat`.
    let reports: Vec<Report> = kept
        .iter()
        .map(|r| Report {
            cluster: 0,
            reporter: r.reporter.clone(),
            likes: r.likes,
            dislikes: r.dislikes,
            at: Some(r.received_at.timestamp()),
        })
        .collect();
    let ranked = RankedIssues::rank(&texts, &issues, &reports, Some(now));
    let mask = |s: &str| domain::privacy::mask_contacts(s, &[]).into_owned();
    ranked
        .issues
        .iter()
        .take(top)
        .map(|issue| {
            let d = ranked.describe(issue, &texts, &prints);
            let members: Vec<Member> = issue
                .members
                .iter()
                .map(|&i| {
                    let r = &kept[i];
                    Member {
                        id: r.id,
                        // A title is a label: no phone number belongs in it, whoever reads it.
                        title: mask(r.title.as_deref().unwrap_or_default().trim()),
                        opening: mask(&r.body.chars().take(OPENING_CHARS).collect::<String>()),
                        received_at: r.received_at,
                        problem_id: r.problem_id,
                        channel: r.channel,
                        kind: r.kind,
                    }
                })
                .collect();
            let first = &members[0];
            let title = if first.title.is_empty() { first.opening.clone() } else { first.title.clone() };
            ComputedIssue { heat: issue.heat.clone(), place: mask(&d.place), matter: mask(&d.matter), title, members }
        })
        .collect()
}

/// Clusters whose reports mostly joined the same problem are that one problem: each problem shows
/// once, its heat counted over all its reports. Returns each report's cluster after folding.
fn fold_by_problem(clusters: &[usize], kept: &[RecentPrint]) -> Vec<usize> {
    let mut members: BTreeMap<usize, Vec<i64>> = BTreeMap::new();
    for (r, &c) in kept.iter().zip(clusters) {
        members.entry(c).or_default().extend(r.problem_id.map(|p| p.get()));
    }
    // The first cluster of a problem stands for all of its clusters.
    let mut first_of_problem: HashMap<i64, usize> = HashMap::new();
    let mut folded_to: HashMap<usize, usize> = HashMap::new();
    for (cluster, problems) in &members {
        if let Some(pid) = most_common(problems.iter().copied()) {
            let to = *first_of_problem.entry(pid).or_insert(*cluster);
            folded_to.insert(*cluster, to);
        }
    }
    clusters.iter().map(|c| folded_to.get(c).copied().unwrap_or(*c)).collect()
}

fn most_common(ids: impl Iterator<Item = i64>) -> Option<i64> {
    let mut counts: HashMap<i64, usize> = HashMap::new();
    for id in ids {
        *counts.entry(id).or_default() += 1;
    }
    counts.into_iter().max_by_key(|(id, n)| (*n, -*id)).map(|(id, _)| id)
}
