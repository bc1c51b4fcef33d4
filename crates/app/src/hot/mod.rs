//! Hot problems (热点问题): the install's recent feedback grouped into hot issues — a place or
//! group of people and a matter, over the near-duplicates intake links — ranked by heat (reports,
//! distinct reporters, likes minus dislikes, recency, spread in time) and named (地点/人群 and
//! 问题描述), so that what many people report rises to the top and can be put on the list as one
//! problem.

mod compute;

use crate::{Actor, App};
use chrono::{DateTime, Utc};
use compute::ComputedIssue;
use domain::access::{Intent, Principal};
use domain::{Error, FeedbackId, Result};
use std::sync::Arc;

/// The most recent feedback items a ranking looks at.
const MAX_ITEMS: i64 = 200_000;
/// The most hot issues a ranking lists (and so the most a reader can open).
const MAX_LISTED: usize = 200;
/// How many of its feedback ids a listed hot issue carries.
const LISTED_IDS: usize = 20;

/// What a computed ranking is kept by: the reader's part of the unit tree (`None`: all of it),
/// the window in days and the day it was computed on (recency and the window move with the day).
pub(crate) type HotKey = (Option<String>, i64, chrono::NaiveDate);
/// Computed rankings, per data generation.
pub(crate) type HotCache = crate::cache::Cache<HotKey, Arc<Vec<ComputedIssue>>>;

/// One hot issue (热点问题).
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct HotIssue {
    /// 1 is the hottest.
    pub rank: usize,
    pub heat: f64,
    pub reports: usize,
    pub reporters: usize,
    pub net_likes: i64,
    pub first_at: Option<DateTime<Utc>>,
    pub last_at: Option<DateTime<Utc>>,
    /// 地点/人群: the place or group of people its reports are about (empty when they name none).
    pub place: String,
    /// 问题描述: what its reports are about, in a phrase.
    pub matter: String,
    /// The first report's title (or the opening of its text).
    pub title: String,
    /// The problem most of its reports are on, if any.
    pub problem: Option<crate::views::ProblemRef>,
    /// How many of its reports are not on a problem yet.
    pub unlinked: usize,
    /// The issue's handle for `GET /api/v1/hot/{key}`: the id of its first report (stable while
    /// that report stays in it).
    pub key: FeedbackId,
    /// Up to 20 of its feedback ids, oldest first.
    pub feedback_ids: Vec<FeedbackId>,
}

impl HotIssue {
    /// What the issue is called in a line: 地点/人群 and 问题描述 (丽发新城：搅拌站噪音扰民), or
    /// the first report's title when neither could be named.
    pub fn label(&self) -> String {
        match (self.place.trim(), self.matter.trim()) {
            ("", "") => self.title.clone(),
            (place, "") => place.to_string(),
            ("", matter) => matter.to_string(),
            (place, matter) => format!("{place}：{matter}"),
        }
    }
}

/// A hot issue with all its reports, as its page shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct HotIssueDetail {
    #[serde(flatten)]
    pub issue: HotIssue,
    /// Every report of the issue, oldest first.
    pub messages: Vec<HotMessage>,
    /// The channel and kind most of its reports came by and are, which a problem made of it keeps.
    pub channel: domain::feedback::Channel,
    pub kind: domain::feedback::FeedbackKind,
    /// Whether the reader may put the reports not yet on a problem on the list as one problem
    /// (`POST /api/v1/problems` with their `feedback_ids`).
    pub may_make_problem: bool,
}

/// One report of a hot issue.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct HotMessage {
    pub id: FeedbackId,
    /// Its title, contacts masked (empty when it has none).
    pub title: String,
    /// The opening of its text, contacts masked.
    pub opening: String,
    pub received_at: DateTime<Utc>,
    /// The problem it is on, if the reader may see it.
    pub problem: Option<crate::views::ProblemRef>,
    /// Whether it is on a problem (one the reader may not see is not named).
    pub on_a_problem: bool,
}

impl App {
    /// The hottest issues of the feedback received in the last `days` that the caller may see.
    pub async fn hot_problems(&self, actor: &Actor, days: i64, limit: usize) -> Result<Vec<HotIssue>> {
        let p = actor.user_for(Intent::Read)?;
        if !(1..=MAX_LISTED).contains(&limit) {
            return Err(Error::invalid("limit", "条数须为1–200", "limit must be 1–200"));
        }
        let computed = self.computed_hot_issues(p, days).await?;
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let mut out = Vec::with_capacity(limit.min(computed.len()));
        for issue in computed.iter().take(limit) {
            out.push(Self::hot_issue_view(&mut c, p, issue).await?);
        }
        Ok(out)
    }

    /// One of the caller's hot issues of the last `days` by its key, with all its reports; not
    /// found when it is not among the hottest 200 the caller may see.
    pub async fn hot_issue(&self, actor: &Actor, days: i64, key: FeedbackId) -> Result<HotIssueDetail> {
        let p = actor.user_for(Intent::Read)?;
        let computed = self.computed_hot_issues(p, days).await?;
        let issue = computed.iter().find(|i| i.key() == key).ok_or_else(|| Error::not_found("hot issue"))?;
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let view = Self::hot_issue_view(&mut c, p, issue).await?;
        let mut messages = Vec::with_capacity(issue.members.len());
        // Each problem is looked up once, the issue's own already by its view.
        let mut seen: std::collections::HashMap<domain::ProblemId, Option<crate::views::ProblemRef>> =
            issue.problem().map(|pid| (pid, view.problem.clone())).into_iter().collect();
        for m in &issue.members {
            let problem = match m.problem_id {
                Some(pid) => match seen.get(&pid) {
                    Some(known) => known.clone(),
                    None => {
                        let found = Self::visible_problem(&mut c, p, pid).await?.map(|(r, _)| r);
                        seen.insert(pid, found.clone());
                        found
                    }
                },
                None => None,
            };
            messages.push(HotMessage {
                id: m.id,
                title: m.title.clone(),
                opening: m.opening.clone(),
                received_at: m.received_at,
                problem,
                on_a_problem: m.problem_id.is_some(),
            });
        }
        Ok(HotIssueDetail {
            issue: view,
            messages,
            channel: most_of(issue.members.iter().map(|m| m.channel)).unwrap_or(domain::feedback::Channel::Other),
            kind: most_of(issue.members.iter().map(|m| m.kind)).unwrap_or(domain::feedback::FeedbackKind::Other),
            may_make_problem: p.runs_a_list(),
        })
    }

    /// The caller's hot issues of the last `days`, hottest first, computed once per data
    /// generation, day and part of the unit tree.
    async fn computed_hot_issues(&self, p: &Principal, days: i64) -> Result<Arc<Vec<ComputedIssue>>> {
        if !(1..=3660).contains(&days) {
            return Err(Error::invalid("days", "天数须为1–3660", "days must be 1–3660"));
        }
        let now = self.clock.now();
        let prefix = (!p.is_admin()).then(|| p.unit_path.as_str().to_string());
        let key = (prefix.clone(), days, now.date_naive());
        let generation = self.generation().await?;
        if let Some(found) = self.hot_issues.get(&key, generation) {
            return Ok(found);
        }
        let since = now - chrono::Duration::days(days);
        let rows = {
            let mut pooled = self.db.acquire().await?;
            store::grouping::recent_prints(&mut pooled.conn(), since, prefix.as_deref(), MAX_ITEMS).await?
        };
        let thresholds = self.settings.grouping.thresholds();
        let settings = text::hot::IssueSettings::default();
        let now_s = now.timestamp();
        // Grouping a large window is seconds of CPU: off the runtime's worker threads.
        let computed =
            tokio::task::spawn_blocking(move || compute::hot_issues_of(rows, thresholds, settings, now_s, MAX_LISTED))
                .await
                .map_err(|e| Error::internal(format!("hot issues: {e}")))?;
        let computed = Arc::new(computed);
        self.hot_issues.put(key, generation, computed.clone());
        Ok(computed)
    }

    /// The issue as `p` may see it: the problem it refers to named only if `p` may see that.
    async fn hot_issue_view(c: &mut store::Conn<'_>, p: &Principal, issue: &ComputedIssue) -> Result<HotIssue> {
        let problem = match issue.problem() {
            Some(pid) => Self::visible_problem(c, p, pid).await?.map(|(r, _)| r),
            None => None,
        };
        let h = &issue.heat;
        Ok(HotIssue {
            rank: h.rank,
            heat: (h.heat * 1000.0).round() / 1000.0,
            reports: h.reports,
            reporters: h.reporters,
            net_likes: h.net_likes,
            first_at: h.first.and_then(|s| DateTime::from_timestamp(s, 0)),
            last_at: h.last.and_then(|s| DateTime::from_timestamp(s, 0)),
            place: issue.place.clone(),
            matter: issue.matter.clone(),
            title: issue.title.clone(),
            problem,
            unlinked: issue.members.iter().filter(|m| m.problem_id.is_none()).count(),
            key: issue.key(),
            feedback_ids: issue.members.iter().take(LISTED_IDS).map(|m| m.id).collect(),
        })
    }
}

/// The value most of `values` take (the first of equals).
fn most_of<T: PartialEq + Copy>(values: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: Vec<(T, usize)> = Vec::new();
    for v in values {
        match counts.iter_mut().find(|(seen, _)| *seen == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    counts
        .iter()
        .fold(None, |best: Option<(T, usize)>, &(v, n)| match best {
            Some((_, m)) if m >= n => best,
            _ => Some((v, n)),
        })
        .map(|(v, _)| v)
}
