//! Grouping new reports as they are written, many in one transaction (the intake writer's batch,
//! a staff import): each is matched against this node's index and the reports before it, its
//! candidates are resolved to what they stand for, and the matches and links are kept — with a
//! fixed number of statements for the whole batch, however many reports and candidates it has.

use super::{MATCHED_CHARS, Outcome, PROPOSALS, excerpt, stored_json};
use crate::print_index::{Candidate, Unsaved};
use crate::{Actor, App};
use chrono::{DateTime, Utc};
use domain::feedback::{MatchRelation, RecordKind};
use domain::workflow::Status;
use domain::{FeedbackId, ProblemId, Result};
use std::collections::{HashMap, HashSet};
use store::Conn;
use store::feedback::FeedbackRow;
use store::feedback_batch::Standing;
use store::grouping::MatchRow;
use store::grouping_bulk::NewPrint;
use store::problems::ProblemRow;
use text::group::Fingerprint;

/// A report just stored (with its id), and its fingerprint.
pub(crate) struct NewReport<'a> {
    pub row: &'a FeedbackRow,
    pub print: &'a Fingerprint,
}

/// One compared candidate, resolved to what it stands for: a problem, another report, or both
/// (a report that joined a problem).
struct Scored<'a> {
    score: f64,
    problem: Option<&'a ProblemRow>,
    other_feedback: Option<FeedbackId>,
}

impl App {
    /// Groups reports stored in the caller's transaction, in order (a report is matched with the
    /// ones before it too): stores their fingerprints, links each to the open problem it is
    /// close enough to, and keeps the proposals and recurrences found. What it did, per report.
    pub(crate) async fn group_reports(
        &self,
        c: &mut Conn<'_>,
        reports: &[NewReport<'_>],
        now: DateTime<Utc>,
    ) -> Result<Vec<Outcome>> {
        let mut unsaved = Unsaved::default();
        let mut found = Vec::with_capacity(reports.len());
        for r in reports {
            let candidates = match r.row.problem_id {
                Some(_) => Vec::new(),
                None => {
                    let exclude = Some((RecordKind::Feedback, r.row.id.get()));
                    self.scored_candidates(c, r.print, exclude, &unsaved).await?
                }
            };
            unsaved.add(RecordKind::Feedback, r.row.id.get(), r.print.clone());
            found.push(candidates);
        }
        let prints: Vec<NewPrint> =
            reports.iter().map(|r| NewPrint { record_id: r.row.id.get(), print: stored_json(r.print) }).collect();
        store::grouping_bulk::insert_prints(c, RecordKind::Feedback, &prints, now).await?;

        let (mut standings, problems) = read_candidates(c, reports, &found).await?;
        let t = self.settings.grouping;
        let mut outcomes = Vec::with_capacity(reports.len());
        for (r, candidates) in reports.iter().zip(found) {
            let out = if r.row.problem_id.is_some() {
                Outcome::default()
            } else {
                let scored = resolve(candidates, &standings, &problems, now, t.recent_days);
                decide(&t, r.row.id, &scored, now)
            };
            // A later report of the batch may match this one: it sees it as linked.
            let problem_id = out.linked.map(ProblemId::new).or(r.row.problem_id);
            standings.insert(r.row.id, Standing { id: r.row.id, problem_id, received_at: r.row.received_at });
            outcomes.push(out);
        }
        quote_reports(c, reports, &mut outcomes).await?;

        let mut matches: Vec<MatchRow> = outcomes.iter_mut().flat_map(|o| o.matches.drain(..)).collect();
        store::grouping::insert_matches_with_ids(c, &mut matches).await?;
        let mut matches = matches.into_iter().peekable();
        for (r, out) in reports.iter().zip(outcomes.iter_mut()) {
            while let Some(m) = matches.next_if(|m| m.feedback_id == r.row.id) {
                out.matches.push(m);
            }
        }
        let links: Vec<(FeedbackId, ProblemId)> = reports
            .iter()
            .zip(&outcomes)
            .filter_map(|(r, o)| o.linked.map(|p| (r.row.id, ProblemId::new(p))))
            .collect();
        store::feedback_batch::link_many(c, &links, now).await?;
        Ok(outcomes)
    }
}

impl Outcome {
    /// Stages the audit entry of a report grouping joined to a problem (nothing otherwise).
    pub(crate) fn audit(&self, actor: &Actor, feedback: FeedbackId, audit: &mut crate::audit::Staged) -> Result<()> {
        if let Some(pid) = self.linked {
            let after = serde_json::json!({ "problem_id": pid, "matches": self.matches });
            crate::audit::Entry::new(actor, "feedback.grouped", "feedback", Some(feedback.get()))
                .after(&after)?
                .stage(audit);
        }
        Ok(())
    }
}

/// Where every stored report the batch's candidates name stands, and every problem they name,
/// read in two statements. The batch's own reports are left out: they are resolved from the
/// batch as it is decided.
async fn read_candidates(
    c: &mut Conn<'_>,
    reports: &[NewReport<'_>],
    found: &[Vec<(Candidate, f64)>],
) -> Result<(HashMap<FeedbackId, Standing>, HashMap<ProblemId, ProblemRow>)> {
    let own: HashSet<FeedbackId> = reports.iter().map(|r| r.row.id).collect();
    let mut feedback_ids: Vec<FeedbackId> = found
        .iter()
        .flatten()
        .filter(|(cand, _)| cand.kind == RecordKind::Feedback)
        .map(|(cand, _)| FeedbackId::new(cand.record_id))
        .filter(|id| !own.contains(id))
        .collect();
    feedback_ids.sort_unstable();
    feedback_ids.dedup();
    let standings: HashMap<FeedbackId, Standing> =
        store::feedback_batch::standings(c, &feedback_ids).await?.into_iter().map(|s| (s.id, s)).collect();
    let mut problem_ids: Vec<ProblemId> = found
        .iter()
        .flatten()
        .filter(|(cand, _)| cand.kind == RecordKind::Problem)
        .map(|(cand, _)| ProblemId::new(cand.record_id))
        .chain(standings.values().filter_map(|s| s.problem_id))
        .chain(reports.iter().filter_map(|r| r.row.problem_id))
        .collect();
    problem_ids.sort_unstable();
    problem_ids.dedup();
    let problems: HashMap<ProblemId, ProblemRow> = if problem_ids.is_empty() {
        HashMap::new()
    } else {
        store::problems::get_problems(c, &problem_ids).await?.into_iter().map(|p| (p.id, p)).collect()
    };
    Ok((standings, problems))
}

/// Fills in the text each match with another report quotes: the batch's own from memory, the
/// stored ones' openings in one statement.
async fn quote_reports(c: &mut Conn<'_>, reports: &[NewReport<'_>], outcomes: &mut [Outcome]) -> Result<()> {
    let own: HashMap<FeedbackId, &FeedbackRow> = reports.iter().map(|r| (r.row.id, r.row)).collect();
    let mut stored: Vec<FeedbackId> = outcomes
        .iter()
        .flat_map(|o| &o.matches)
        .filter_map(|m| m.other_feedback_id)
        .filter(|id| !own.contains_key(id))
        .collect();
    stored.sort_unstable();
    stored.dedup();
    let quotes: HashMap<FeedbackId, String> = store::feedback_batch::openings(c, &stored, MATCHED_CHARS as u32)
        .await?
        .into_iter()
        .map(|(id, title, body)| (id, excerpt(title.as_deref(), &body)))
        .collect();
    for m in outcomes.iter_mut().flat_map(|o| o.matches.iter_mut()) {
        let Some(other) = m.other_feedback_id else { continue };
        match own.get(&other) {
            Some(row) => m.matched_text = excerpt(row.title.as_deref(), &row.body),
            None => {
                if let Some(quote) = quotes.get(&other) {
                    m.matched_text.clone_from(quote);
                }
            }
        }
    }
    Ok(())
}

/// The candidates as what they stand for, most alike first: a problem, or another report (with
/// its problem if it joined one; alone only while it is recent).
fn resolve<'a>(
    candidates: Vec<(Candidate, f64)>,
    standings: &HashMap<FeedbackId, Standing>,
    problems: &'a HashMap<ProblemId, ProblemRow>,
    now: DateTime<Utc>,
    recent_days: i64,
) -> Vec<Scored<'a>> {
    let mut scored = Vec::with_capacity(candidates.len());
    for (cand, score) in candidates {
        let (problem_id, other_feedback) = if cand.kind == RecordKind::Problem {
            (Some(ProblemId::new(cand.record_id)), None)
        } else {
            match standings.get(&FeedbackId::new(cand.record_id)) {
                Some(o) if o.problem_id.is_some() => (o.problem_id, Some(o.id)),
                Some(o) if (now - o.received_at).num_days() <= recent_days => (None, Some(o.id)),
                _ => continue,
            }
        };
        let problem = problem_id.and_then(|pid| problems.get(&pid));
        scored.push(Scored { score, problem, other_feedback });
    }
    scored.sort_by(|a, b| b.score.total_cmp(&a.score));
    scored
}

/// What grouping makes of one report's resolved candidates: it joins the first open problem at
/// or above the link threshold; a problem signed off lately is a recurrence (反弹回潮); other
/// open problems and recent reports are proposed, at most [`PROPOSALS`] of them. The matches
/// come without ids (they are numbered as they are stored) and without the words of the reports
/// they quote.
fn decide(t: &super::GroupingSettings, feedback: FeedbackId, scored: &[Scored], now: DateTime<Utc>) -> Outcome {
    let recurrence_since = now - chrono::Duration::days(30 * i64::from(t.recurrence_months));
    let mut out = Outcome::default();
    let mut seen_problems: Vec<ProblemId> = Vec::new();
    for s in scored {
        if s.other_feedback.is_none() && s.problem.is_none() {
            continue;
        }
        let relation = match s.problem {
            Some(p) => {
                if seen_problems.contains(&p.id) {
                    continue;
                }
                seen_problems.push(p.id);
                let open = matches!(p.status, Status::New | Status::Assigned | Status::Submitted);
                let signed_off_lately =
                    p.status == Status::Closed && p.closed_at.is_some_and(|at| at >= recurrence_since);
                if open && s.score >= t.link && out.linked.is_none() {
                    out.linked = Some(p.id.get());
                    MatchRelation::Linked
                } else if signed_off_lately {
                    MatchRelation::Recurrence
                } else if open {
                    MatchRelation::Proposed
                } else {
                    continue;
                }
            }
            None => MatchRelation::Proposed,
        };
        if relation == MatchRelation::Proposed
            && out.matches.iter().filter(|x| x.relation == MatchRelation::Proposed).count() >= PROPOSALS
        {
            continue;
        }
        // A report's words are quoted once the batch is decided (see `quote_reports`).
        let matched_text = match (s.other_feedback, s.problem) {
            (None, Some(p)) => excerpt(Some(&p.title), &p.description),
            _ => String::new(),
        };
        out.matches.push(MatchRow {
            id: domain::MatchId::new(0),
            feedback_id: feedback,
            relation,
            problem_id: s.problem.map(|p| p.id),
            other_feedback_id: s.other_feedback,
            score: s.score,
            matched_text,
            created_at: now,
        });
    }
    out
}
