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
use domain::access::Principal;
use domain::feedback::MatchRelation;
use domain::feedback::RecordKind;
use store::Conn;
use store::grouping::{self, MatchRow};
use store::problems::ProblemRow;
use text::Segmenter;
use text::group::{StoredPrint, fingerprint, similarity_estimated};

mod reports;
pub(crate) use reports::NewReport;

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
        let text::group::Thresholds { link, propose } = text::group::Thresholds::default();
        Self { link, propose, recurrence_months: 6, recent_days: 90 }
    }
}

impl GroupingSettings {
    pub fn thresholds(&self) -> text::group::Thresholds {
        text::group::Thresholds { link: self.link, propose: self.propose }
    }
}

/// How many candidates from the index are compared.
const CANDIDATES: usize = 200;
/// How many proposals are kept per feedback item.
pub const PROPOSALS: usize = 3;
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

/// A report's fingerprint, as grouping compares it (made before the report is written, off the
/// writer's path).
pub(crate) fn report_print(title: Option<&str>, body: &str) -> text::group::Fingerprint {
    fingerprint(seg(), title.unwrap_or_default(), body)
}

/// Stores a record's fingerprint (in the caller's transaction).
async fn keep_print(
    c: &mut Conn<'_>,
    kind: RecordKind,
    id: i64,
    fp: &text::group::Fingerprint,
    now: DateTime<Utc>,
) -> Result<()> {
    grouping::put_print(c, kind, id, &stored_json(fp), now).await
}

/// Stores a problem's fingerprint: new problems and edited titles or descriptions.
pub(crate) async fn keep_problem_print(c: &mut Conn<'_>, p: &ProblemRow, now: DateTime<Utc>) -> Result<()> {
    keep_print(c, RecordKind::Problem, p.id.get(), &fingerprint(seg(), &p.title, &p.description), now).await
}

/// What grouping did with one new feedback item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// The problem it was linked to.
    pub linked: Option<i64>,
    pub matches: Vec<MatchRow>,
}

impl App {
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
    /// or printed by a version that cut other band keys), in batches as [`App::index_unindexed`]
    /// does: read from where the last stopped, fingerprinted on all cores, written many per
    /// statement in a short transaction.
    pub async fn print_unprinted(&self) -> Result<usize> {
        let mut done = 0;
        let started = std::time::Instant::now();
        for kind in [RecordKind::Feedback, RecordKind::Problem] {
            let mut after = 0;
            loop {
                if done > 0 && done % 100_000 < crate::search::CATCH_UP_BATCH as usize {
                    tracing::info!(
                        done,
                        secs = started.elapsed().as_secs_f64(),
                        "fingerprinting records stored without"
                    );
                }
                let batch = {
                    let mut pooled = self.db.acquire().await?;
                    grouping::without_print(&mut pooled.conn(), kind, after, crate::search::CATCH_UP_BATCH).await?
                };
                let Some((last, _, _)) = batch.last() else { break };
                after = *last;
                let prints = tokio::task::spawn_blocking(move || {
                    text::group::parallel(&batch, |(id, title, body)| {
                        let fp = fingerprint(seg(), title.as_deref().unwrap_or_default(), body);
                        store::grouping_bulk::NewPrint { record_id: *id, print: stored_json(&fp) }
                    })
                })
                .await
                .map_err(|e| domain::Error::internal(format!("fingerprinting a catch-up batch: {e}")))?;
                let mut tx = self.db.begin().await?;
                store::grouping_bulk::insert_prints(&mut tx.conn(), kind, &prints, self.clock.now()).await?;
                tx.commit().await?;
                done += prints.len();
            }
        }
        Ok(done)
    }
}

/// A fingerprint as `text_prints` keeps it.
pub(crate) fn stored_json(fp: &text::group::Fingerprint) -> String {
    serde_json::to_string(&StoredPrint::from(fp)).unwrap_or_default()
}

impl App {
    /// The stored records most like a text, best first (at most `limit`, each at or above the
    /// install's proposal threshold): intake's matching without its writes.
    pub async fn closest(&self, title: &str, body: &str, limit: usize) -> Result<Vec<(RecordKind, i64, f64)>> {
        let fp = fingerprint(seg(), title, body);
        let mut pooled = self.db.acquire().await?;
        let mut out: Vec<(RecordKind, i64, f64)> = self
            .scored_candidates(&mut pooled.conn(), &fp, None, &Unsaved::default())
            .await?
            .into_iter()
            .map(|(cand, score)| (cand.kind, cand.record_id, score))
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
        exclude: Option<(RecordKind, i64)>,
        unsaved: &Unsaved,
    ) -> Result<Vec<(Candidate, f64)>> {
        let t = self.settings.grouping.thresholds();
        self.prints
            .matches(c, fp, exclude, unsaved, CANDIDATES, |a, b| {
                let score = similarity_estimated(a, b);
                t.keeps(a, b, score).then_some(score)
            })
            .await
    }
}

/// A match as readers see it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct MatchView {
    pub feedback_id: domain::FeedbackId,
    /// `linked` (joined the problem), `proposed` (for a person to decide) or `recurrence`
    /// (close to a problem signed off lately: 反弹回潮).
    pub relation: MatchRelation,
    /// 0–1.
    pub score: f64,
    pub problem: Option<crate::views::ProblemRef>,
    pub other_feedback_id: Option<domain::FeedbackId>,
    /// The other record's text that matched.
    pub matched_text: String,
    pub created_at: DateTime<Utc>,
}

/// What a reader may see of the records a match names: the problem, and the record whose text it
/// quotes. A record the reader may not see is never named nor quoted (see [`App::match_for`]).
struct Seen {
    problem: Option<crate::views::ProblemRef>,
    /// The quoted text, masked for a reader who may not see its reporter; None when the quoted
    /// record is hidden from the reader.
    quoted: Option<String>,
}

impl App {
    /// The problem `id` as a reference, if the reader may see it.
    pub(crate) async fn visible_problem(
        c: &mut Conn<'_>,
        p: &Principal,
        id: domain::ProblemId,
    ) -> Result<Option<(crate::views::ProblemRef, ProblemRow)>> {
        let Ok(loaded) = crate::problems::load(c, id).await else {
            return Ok(None);
        };
        if !domain::access::may_read(p, &loaded.place) {
            return Ok(None);
        }
        let r = crate::views::ProblemRef {
            id: loaded.row.id,
            number: loaded.row.number.clone(),
            title: loaded.row.title.clone(),
        };
        Ok(Some((r, loaded.row)))
    }

    /// A feedback item's text as the reader may quote it: None when the reader may not see the
    /// item; masked (its reporter's name, contact and phone-like numbers) when they may see it but
    /// not its reporter.
    pub(crate) async fn quote_feedback(
        c: &mut Conn<'_>,
        p: &Principal,
        id: domain::FeedbackId,
    ) -> Result<Option<String>> {
        let Some(f) = store::feedback::get_feedback(c, id).await? else {
            return Ok(None);
        };
        let Some(seen) = crate::feedback::feedback_access(c, p, &f).await? else {
            return Ok(None);
        };
        let text = excerpt(f.title.as_deref(), &f.body);
        Ok(Some(if seen.see_reporter { text } else { crate::feedback::masked(&f, &text) }))
    }

    /// What of a stored match the reader may see. `quote_report` quotes the match's own feedback
    /// (a problem's recurrences, seen from the problem) instead of the text stored with the match.
    async fn seen(c: &mut Conn<'_>, p: &Principal, m: &MatchRow, quote_report: bool) -> Result<Seen> {
        let problem = match m.problem_id {
            Some(pid) => Self::visible_problem(c, p, pid).await?,
            None => None,
        };
        let quoted = if quote_report {
            Self::quote_feedback(c, p, m.feedback_id).await?
        } else if let Some(other) = m.other_feedback_id {
            Self::quote_feedback(c, p, other).await?
        } else {
            problem.as_ref().map(|(_, row)| excerpt(Some(&row.title), &row.description))
        };
        Ok(Seen { problem: problem.map(|(r, _)| r), quoted })
    }

    /// A stored match as the reader sees it; None when it names nothing the reader may see.
    async fn match_for(c: &mut Conn<'_>, p: &Principal, m: MatchRow, quote_report: bool) -> Result<Option<MatchView>> {
        let seen = Self::seen(c, p, &m, quote_report).await?;
        let Some(matched_text) = seen.quoted else {
            return Ok(None);
        };
        Ok(Some(MatchView {
            feedback_id: domain::FeedbackId::new(m.feedback_id.get()),
            relation: m.relation,
            score: m.score,
            problem: seen.problem,
            other_feedback_id: m.other_feedback_id.map(|x| x.get()).map(domain::FeedbackId::new),
            matched_text,
            created_at: m.created_at,
        }))
    }

    /// What grouping found for a feedback item the caller may see: its link, the proposals and any
    /// recurrence, best first — each only as far as the caller may see the records it names.
    pub async fn feedback_matches(&self, actor: &Actor, id: domain::FeedbackId) -> Result<Vec<MatchView>> {
        self.get_feedback(actor, id).await?;
        let p = actor.user_for(domain::access::Intent::Read)?;
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let mut out = Vec::new();
        for m in grouping::matches_of_feedback(&mut c, id).await? {
            out.extend(Self::match_for(&mut c, p, m, false).await?);
        }
        Ok(out)
    }

    /// A problem's recurrences: feedback close to it that came after its sign-off, those the reader
    /// may see, each quoting the new report.
    pub(crate) async fn recurrences_of(
        &self,
        c: &mut Conn<'_>,
        p: &Principal,
        problem: domain::ProblemId,
    ) -> Result<Vec<MatchView>> {
        let mut out = Vec::new();
        for m in grouping::matches_of_problem(c, problem, domain::feedback::MatchRelation::Recurrence).await? {
            out.extend(Self::match_for(c, p, m, true).await?);
        }
        Ok(out)
    }

    /// Every recurrence (反弹回潮) whose problem and report the caller may both see, newest first.
    pub async fn recurrences(&self, actor: &Actor, limit: i64) -> Result<Vec<MatchView>> {
        let p = actor.user_for(domain::access::Intent::Read)?;
        if !(1..=500).contains(&limit) {
            return Err(domain::Error::invalid("limit", "条数须为1–500", "limit must be 1–500"));
        }
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let rows = grouping::recurrences(&mut c, limit).await?;
        let mut out = Vec::new();
        for m in rows {
            // The report is named by id: the caller must see it too, as well as the problem.
            if m.problem_id.is_none() || Self::quote_feedback(&mut c, p, m.feedback_id).await?.is_none() {
                continue;
            }
            if let Some(view) = Self::match_for(&mut c, p, m, false).await?
                && view.problem.is_some()
            {
                out.push(view);
            }
        }
        Ok(out)
    }
}
