//! Grouping at intake (聚类): each new feedback item is compared with the open problems and the
//! recent feedback that share an LSH band or a place with it. At or above the install's link
//! threshold it joins that problem; between the thresholds the match is proposed in the intake
//! inbox with its score and the text that matched; close to a problem signed off in the last
//! months it is flagged as a recurrence (反弹回潮) on both. A mismatch of estate, school or company
//! names vetoes any match (`text::group::similarity_estimated`).
//!
//! Fingerprints live in the database (`text_prints`) and are written in the same transaction as
//! the record; each node indexes them in memory and catches up before it matches
//! ([`crate::print_index`]), so every app node sees the same groups.

use crate::print_index::{Candidate, Unsaved};
use crate::{Actor, App};
use chrono::{DateTime, Utc};
use domain::Result;
use domain::workflow::Status;
use store::Conn;
use store::feedback::FeedbackRow;
use store::grouping::{self, FEEDBACK, MatchRow, PROBLEM};
use store::problems::ProblemRow;
use text::Segmenter;
use text::group::{StoredPrint, fingerprint, similarity_estimated};

/// The grouping's settings, per install.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupingSettings {
    /// At or above: linked to the problem.
    pub link: f64,
    /// At or above (below `link`): proposed in the inbox.
    pub propose: f64,
    /// A problem signed off within this many months is watched for recurrence.
    pub recurrence_months: u32,
    /// Unlinked feedback this recent is compared with.
    pub recent_days: i64,
}

impl Default for GroupingSettings {
    fn default() -> Self {
        Self { link: 0.5, propose: 0.3, recurrence_months: 6, recent_days: 90 }
    }
}

/// How many candidates from the index are compared.
const CANDIDATES: usize = 200;
/// How many proposals are kept per feedback item.
const PROPOSALS: usize = 3;
/// How much of the matched record's text is kept to show.
const MATCHED_CHARS: usize = 160;

/// The segmenter for grouping (the built-in dictionary; see `search` for why it stays fixed).
fn seg() -> &'static Segmenter {
    Segmenter::shared()
}

pub(crate) fn excerpt(title: Option<&str>, body: &str) -> String {
    let text = match title.filter(|t| !t.trim().is_empty()) {
        Some(t) => format!("{t}：{body}"),
        None => body.to_string(),
    };
    text.chars().take(MATCHED_CHARS).collect()
}

/// Stores a record's fingerprint (in the caller's transaction).
async fn keep_print(
    c: &mut Conn<'_>,
    kind: &str,
    id: i64,
    fp: &text::group::Fingerprint,
    now: DateTime<Utc>,
) -> Result<()> {
    let json = serde_json::to_string(&StoredPrint::from(fp)).map_err(|e| domain::Error::Internal(e.to_string()))?;
    grouping::put_print(c, kind, id, &json, now).await
}

/// Stores a problem's fingerprint: new problems and edited titles or descriptions.
pub(crate) async fn keep_problem_print(c: &mut Conn<'_>, p: &ProblemRow, now: DateTime<Utc>) -> Result<()> {
    keep_print(c, PROBLEM, p.id, &fingerprint(seg(), &p.title, &p.description), now).await
}

/// What grouping did with one new feedback item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// The problem it was linked to.
    pub linked: Option<i64>,
    pub matches: Vec<MatchRow>,
}

/// One compared candidate, resolved to what it stands for.
struct Scored {
    score: f64,
    problem: Option<ProblemRow>,
    other_feedback: Option<FeedbackRow>,
}

impl App {
    /// Fingerprints a new feedback item and groups it (in the caller's transaction): links it,
    /// proposes matches or flags a recurrence, and records what it found. `unsaved` holds the
    /// fingerprints the transaction wrote before (a batch), and gets this one.
    pub(crate) async fn group_new_feedback(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        f: &FeedbackRow,
        unsaved: &mut Unsaved,
        now: DateTime<Utc>,
    ) -> Result<Outcome> {
        let t = self.settings.grouping;
        let fp = fingerprint(seg(), f.title.as_deref().unwrap_or_default(), &f.body);
        let candidates = match f.problem_id {
            Some(_) => vec![],
            None => self.scored_candidates(c, &fp, (FEEDBACK, f.id), unsaved).await?,
        };
        keep_print(c, FEEDBACK, f.id, &fp, now).await?;
        unsaved.add(FEEDBACK, f.id, fp);
        if f.problem_id.is_some() {
            return Ok(Outcome::default());
        }
        let mut scored: Vec<Scored> = Vec::new();
        for (cand, score) in candidates {
            let (problem_id, other_feedback) = if cand.kind == PROBLEM {
                (Some(cand.record_id), None)
            } else {
                match store::feedback::get_feedback(c, domain::FeedbackId::new(cand.record_id)).await? {
                    Some(o) if o.problem_id.is_some() => (o.problem_id, Some(o)),
                    Some(o) if (now - o.received_at).num_days() <= t.recent_days => (None, Some(o)),
                    _ => continue,
                }
            };
            let problem = match problem_id {
                Some(pid) => store::problems::get_problem(c, domain::ProblemId::new(pid)).await?,
                None => None,
            };
            scored.push(Scored { score, problem, other_feedback });
        }
        scored.sort_by(|a, b| b.score.total_cmp(&a.score));
        self.decide(c, actor, f, &scored, now).await
    }

    async fn decide(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        f: &FeedbackRow,
        scored: &[Scored],
        now: DateTime<Utc>,
    ) -> Result<Outcome> {
        let t = self.settings.grouping;
        let recurrence_since = now - chrono::Duration::days(30 * i64::from(t.recurrence_months));
        let mut out = Outcome::default();
        let mut seen_problems: Vec<i64> = Vec::new();
        for s in scored {
            let matched_text = match (&s.other_feedback, &s.problem) {
                (Some(o), _) => excerpt(o.title.as_deref(), &o.body),
                (None, Some(p)) => excerpt(Some(&p.title), &p.description),
                (None, None) => continue,
            };
            let mut m = MatchRow {
                id: 0,
                feedback_id: f.id,
                relation: String::new(),
                problem_id: s.problem.as_ref().map(|p| p.id),
                other_feedback_id: s.other_feedback.as_ref().map(|o| o.id),
                score: s.score,
                matched_text,
                created_at: now,
            };
            match &s.problem {
                Some(p) => {
                    if seen_problems.contains(&p.id) {
                        continue;
                    }
                    seen_problems.push(p.id);
                    let status = Status::parse(&p.status).ok();
                    let open = matches!(status, Some(Status::New | Status::Assigned | Status::Submitted));
                    let signed_off_lately =
                        status == Some(Status::Closed) && p.closed_at.is_some_and(|at| at >= recurrence_since);
                    if open && s.score >= t.link && out.linked.is_none() {
                        m.relation = "linked".into();
                        out.linked = Some(p.id);
                    } else if signed_off_lately {
                        m.relation = "recurrence".into();
                    } else if open {
                        m.relation = "proposed".into();
                    } else {
                        continue;
                    }
                }
                None => m.relation = "proposed".into(),
            }
            if m.relation == "proposed" && out.matches.iter().filter(|x| x.relation == "proposed").count() >= PROPOSALS
            {
                continue;
            }
            m.id = grouping::insert_match(c, &m).await?;
            out.matches.push(m);
        }
        if let Some(pid) = out.linked {
            store::feedback::link_feedback(c, domain::FeedbackId::new(f.id), Some(domain::ProblemId::new(pid)), now)
                .await?;
            let after = serde_json::json!({ "problem_id": pid, "matches": out.matches });
            crate::audit::record::<(), _>(
                c,
                now,
                actor,
                "feedback.grouped",
                "feedback",
                Some(f.id),
                None,
                Some(&after),
            )
            .await?;
        }
        Ok(out)
    }

    /// Brings this node's index of fingerprints up to date with the database; returns how many it
    /// read. Matching does this itself; `serve` calls it at start, so that the first intake after
    /// a restart does not wait for a million fingerprints to be read.
    pub async fn catch_up_prints(&self) -> Result<usize> {
        let mut pooled = self.db.acquire().await?;
        self.prints.catch_up(&mut pooled.conn()).await
    }

    /// How many fingerprints this node's index holds.
    pub async fn indexed_prints(&self) -> usize {
        self.prints.held().await
    }

    /// Fingerprints feedback and problems stored without one (bulk-loaded, older than grouping,
    /// or printed by a version that cut other band keys), in batches.
    pub async fn print_unprinted(&self) -> Result<usize> {
        let mut done = 0;
        for kind in [FEEDBACK, PROBLEM] {
            loop {
                let mut tx = self.db.begin().await?;
                let batch = grouping::without_print(&mut tx.conn(), kind, 2_000).await?;
                if batch.is_empty() {
                    break;
                }
                let now = self.clock.now();
                let prints = text::group::parallel(&batch, |(_, title, body)| {
                    fingerprint(seg(), title.as_deref().unwrap_or_default(), body)
                });
                for ((id, _, _), fp) in batch.iter().zip(&prints) {
                    keep_print(&mut tx.conn(), kind, *id, fp, now).await?;
                }
                tx.commit().await?;
                done += batch.len();
            }
        }
        Ok(done)
    }
}

impl App {
    /// The stored records most like a text, best first (at most `limit`, each at or above the
    /// install's proposal threshold): intake's matching without its writes.
    pub async fn closest(&self, title: &str, body: &str, limit: usize) -> Result<Vec<(String, i64, f64)>> {
        let fp = fingerprint(seg(), title, body);
        let mut pooled = self.db.acquire().await?;
        let mut out: Vec<(String, i64, f64)> = self
            .scored_candidates(&mut pooled.conn(), &fp, ("", 0), &Unsaved::default())
            .await?
            .into_iter()
            .map(|(cand, score)| (cand.kind.to_string(), cand.record_id, score))
            .collect();
        out.sort_by(|a, b| b.2.total_cmp(&a.2));
        out.truncate(limit);
        Ok(out)
    }

    /// The candidates this node's index holds for a fingerprint (`exclude` left out) with their
    /// scores, those at or above the install's proposal threshold, most alike first.
    async fn scored_candidates(
        &self,
        c: &mut Conn<'_>,
        fp: &text::group::Fingerprint,
        exclude: (&str, i64),
        unsaved: &Unsaved,
    ) -> Result<Vec<(Candidate, f64)>> {
        let propose = self.settings.grouping.propose;
        self.prints
            .matches(c, fp, exclude, unsaved, CANDIDATES, |a, b| {
                let score = similarity_estimated(a, b);
                (score >= propose).then_some(score)
            })
            .await
    }
}

/// A match as readers see it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct MatchView {
    pub feedback_id: i64,
    /// `linked` (joined the problem), `proposed` (for a person to decide) or `recurrence`
    /// (close to a problem signed off lately: 反弹回潮).
    pub relation: String,
    /// 0–1.
    pub score: f64,
    pub problem: Option<crate::views::ProblemRef>,
    pub other_feedback_id: Option<i64>,
    /// The other record's text that matched.
    pub matched_text: String,
    pub created_at: DateTime<Utc>,
}

impl App {
    async fn match_view(&self, c: &mut Conn<'_>, m: MatchRow) -> Result<MatchView> {
        let problem = match m.problem_id {
            Some(pid) => store::problems::get_problem(c, domain::ProblemId::new(pid))
                .await?
                .map(|p| crate::views::ProblemRef { id: p.id, number: p.number, title: p.title }),
            None => None,
        };
        Ok(MatchView {
            feedback_id: m.feedback_id,
            relation: m.relation,
            score: m.score,
            problem,
            other_feedback_id: m.other_feedback_id,
            matched_text: m.matched_text,
            created_at: m.created_at,
        })
    }

    /// What grouping found for a feedback item the caller may see: its link, the proposals and any
    /// recurrence, best first.
    pub async fn feedback_matches(&self, actor: &Actor, id: domain::FeedbackId) -> Result<Vec<MatchView>> {
        self.get_feedback(actor, id).await?;
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let mut out = Vec::new();
        for m in grouping::matches_of_feedback(&mut c, id.get()).await? {
            out.push(self.match_view(&mut c, m).await?);
        }
        Ok(out)
    }

    /// A problem's recurrences: feedback close to it that came after its sign-off.
    pub(crate) async fn recurrences_of(&self, c: &mut Conn<'_>, problem: domain::ProblemId) -> Result<Vec<MatchView>> {
        let mut out = Vec::new();
        for m in grouping::matches_of_problem(c, problem.get(), "recurrence").await? {
            // Seen from the problem, what matched is the new report.
            let report = store::feedback::get_feedback(c, domain::FeedbackId::new(m.feedback_id)).await?;
            let mut view = self.match_view(c, m).await?;
            if let Some(f) = report {
                view.matched_text = excerpt(f.title.as_deref(), &f.body);
            }
            out.push(view);
        }
        Ok(out)
    }

    /// Every recurrence (反弹回潮) on problems the caller may see, newest first.
    pub async fn recurrences(&self, actor: &Actor, limit: i64) -> Result<Vec<MatchView>> {
        if !(1..=500).contains(&limit) {
            return Err(domain::Error::invalid("limit", "条数须为1–500", "limit must be 1–500"));
        }
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let rows = grouping::recurrences(&mut c, limit).await?;
        let mut out = Vec::new();
        for m in rows {
            let Some(pid) = m.problem_id else { continue };
            // The access check alone, not the whole problem page.
            if crate::problems::load_visible(&mut c, actor, domain::ProblemId::new(pid)).await.is_err() {
                continue;
            }
            out.push(self.match_view(&mut c, m).await?);
        }
        Ok(out)
    }
}
