//! Bulk import (批量导入) of messages exported from another system (a 12345 platform's CSV): each
//! message becomes feedback, segmented and indexed for search as it is written, fingerprinted,
//! and grouped — linked to an open problem it matches, proposed with its closest match, or flagged
//! as a recurrence — exactly as intake does one by one, but a whole file at a time: a million
//! messages in minutes rather than hours. Running the same file again adds nothing (each message
//! keeps its source and key).

use crate::feedback::{FeedbackInput, parse_input};
use crate::grouping::excerpt;
use crate::{Actor, App};
use chrono::{DateTime, Utc};
use domain::feedback::RecordKind;
use domain::feedback::{Channel, MatchRelation};
use domain::{Error, Result, UnitId};
use std::collections::HashSet;
use store::feedback::FeedbackRow;
use store::grouping::MatchRow;
use store::grouping_bulk::{NewPrint, Target};
use text::Segmenter;
use text::group::{Fingerprint, StoredPrint, best_matches, fingerprint, similarity_estimated};

/// One message to import.
#[derive(Debug, Clone)]
pub struct ImportMessage {
    /// Its id in the system it came from.
    pub key: String,
    pub title: Option<String>,
    pub body: String,
    pub received_at: Option<DateTime<Utc>>,
    pub likes: i64,
}

/// The source a file's messages are known by when none is given: its kind and its name, so that
/// the same file imported again, from the command line or the web, adds nothing.
pub fn file_source(kind: sheets::Kind, file_name: &str) -> String {
    let prefix = if kind == sheets::Kind::Text { "csv" } else { "file" };
    format!("{prefix}:{file_name}")
}

/// Where the messages come from and where they go.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The system or file they come from; with each message's key, what makes a re-import a no-op.
    pub source: String,
    /// The receiving unit.
    pub unit: UnitId,
    pub channel: Channel,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ImportSummary {
    pub created: usize,
    /// Messages imported before (same source and key), left as they were.
    pub existing: usize,
    /// Linked to an open problem.
    pub linked: usize,
    /// Proposed with a close problem or message for a person to decide.
    pub proposed: usize,
    /// Close to a problem signed off lately (反弹回潮).
    pub recurrences: usize,
}

/// Rows written per transaction.
const CHUNK: usize = 20_000;
/// How many recent feedback items new messages are compared with, besides open problems.
const RECENT_TARGETS: i64 = 200_000;

/// A stored record or an earlier message of this import that a message matched.
enum Matched<'a> {
    Stored(&'a Target),
    New(usize),
}

/// The messages not imported before (by key, the first of a key repeated in the file), and how
/// many were passed over.
fn fresh_messages<'a>(known: &HashSet<String>, messages: &'a [ImportMessage]) -> (Vec<&'a ImportMessage>, usize) {
    let mut seen = HashSet::new();
    let fresh: Vec<&ImportMessage> =
        messages.iter().filter(|m| !known.contains(&m.key) && seen.insert(m.key.as_str())).collect();
    let passed_over = messages.len() - fresh.len();
    (fresh, passed_over)
}

impl App {
    /// What importing `messages` would do, checked as [`App::import_messages`] checks, without
    /// writing: how many are new and how many were imported before (`created`, `existing`).
    pub async fn preview_messages(
        &self,
        actor: &Actor,
        options: &ImportOptions,
        messages: &[ImportMessage],
    ) -> Result<ImportSummary> {
        let known = self.imported_keys(actor, options).await?;
        let (fresh, existing) = fresh_messages(&known, messages);
        Ok(ImportSummary { created: fresh.len(), existing, ..ImportSummary::default() })
    }

    /// The keys of the messages imported from `options.source` before, once `actor` is found to
    /// be the office over the receiving unit (or an administrator, or the system).
    async fn imported_keys(&self, actor: &Actor, options: &ImportOptions) -> Result<HashSet<String>> {
        let mut pooled = self.db.acquire().await?;
        let unit = store::units::get_unit(&mut pooled.conn(), options.unit)
            .await?
            .ok_or_else(|| crate::units::unknown_unit_id(options.unit))?;
        if let Actor::User { principal, .. } = actor
            && !(principal.is_admin()
                || (principal.role == domain::user::Role::Office && principal.covers(&unit.unit_path()?)))
        {
            return Err(Error::forbidden("只有专班办公室可以导入诉求", "only the campaign office imports feedback"));
        }
        Ok(store::grouping_bulk::source_keys(&mut pooled.conn(), &options.source).await?.into_iter().collect())
    }

    /// Imports messages as feedback of `options.unit`, all or nothing per chunk of 20,000 (a
    /// failure leaves earlier chunks in place, and running again adds only what is missing).
    /// Every message is checked before anything is written. `progress` hears (stage, done, total).
    pub async fn import_messages(
        &self,
        actor: &Actor,
        options: &ImportOptions,
        messages: &[ImportMessage],
        progress: &(dyn Fn(&str, usize, usize) + Sync),
    ) -> Result<ImportSummary> {
        let now = self.clock.now();
        let known = self.imported_keys(actor, options).await?;
        let (fresh, existing) = fresh_messages(&known, messages);
        let mut summary = ImportSummary { existing, ..ImportSummary::default() };
        let mut rows = Vec::with_capacity(fresh.len());
        for m in fresh {
            let input = FeedbackInput {
                campaign_id: None,
                unit_id: Some(options.unit),
                channel: options.channel,
                kind: None,
                title: m.title.clone(),
                body: m.body.clone(),
                received_at: m.received_at,
                reporter_name: None,
                reporter_contact: None,
                address: None,
                latitude: None,
                longitude: None,
                likes: Some(m.likes),
                dislikes: None,
                source: Some(options.source.clone()),
                source_key: Some(m.key.clone()),
            };
            let row = parse_input(&input, options.unit, now, self.settings.text.max_text_chars).map_err(|e| {
                let text = e.message();
                Error::invalid(format!("message {}", m.key), text.zh, text.en)
            })?;
            rows.push(row);
        }
        if rows.is_empty() {
            return Ok(summary);
        }
        progress("fingerprint", 0, rows.len());
        let (targets, mut prints): (Vec<Target>, Vec<Fingerprint>) =
            self.import_targets(now).await?.into_iter().unzip();
        let stored = prints.len();
        let seg = Segmenter::shared();
        prints.extend(text::group::parallel(&rows, |r| {
            let mut fp = fingerprint(seg, r.title.as_deref().unwrap_or_default(), &r.body);
            // Stored fingerprints keep no shingles; neither do these, so that a million fit in memory.
            fp.shingles = Vec::new();
            fp
        }));
        progress("group", 0, rows.len());
        let t = self.settings.grouping.thresholds();
        let best = best_matches(&prints, t, similarity_estimated);
        let mut ids = vec![0i64; rows.len()];
        let mut problem_of: Vec<Option<i64>> = vec![None; rows.len()];
        let mut start = 0;
        while start < rows.len() {
            let end = (start + CHUNK).min(rows.len());
            let mut tx = self.db.begin().await?;
            let first = store::bulk::reserve_feedback_ids(&mut tx.conn()).await?;
            for i in start..end {
                ids[i] = first + (i - start) as i64;
                rows[i].id = domain::FeedbackId::new(ids[i]);
            }
            let mut matches = Vec::new();
            for i in start..end {
                let Some((j, score)) = best[stored + i] else { continue };
                let matched = if j < stored { Matched::Stored(&targets[j]) } else { Matched::New(j - stored) };
                let Some(m) = self.import_match(&rows, i, &matched, score, &ids, &problem_of, now) else { continue };
                match m.relation.as_str() {
                    "linked" => {
                        summary.linked += 1;
                        rows[i].problem_id = m.problem_id;
                        problem_of[i] = m.problem_id.map(|x| x.get());
                    }
                    "recurrence" => summary.recurrences += 1,
                    _ => summary.proposed += 1,
                }
                matches.push(m);
            }
            // Segmented words and fingerprints for the chunk, on all cores, written with the rows.
            let prepared = text::group::parallel(&(start..end).collect::<Vec<_>>(), |&i| {
                let r = &rows[i];
                let terms = crate::search::feedback_terms(r.title.as_deref(), &r.body);
                let fp = &prints[stored + i];
                (terms, NewPrint { record_id: r.id.get(), print: crate::grouping::stored_json(fp) })
            });
            let (terms, new_prints): (Vec<Option<String>>, Vec<NewPrint>) =
                prepared.into_iter().map(|(t, p)| (Some(t), p)).unzip();
            {
                let mut c = tx.conn();
                store::bulk::insert_indexed_feedback(&mut c, &rows[start..end], &terms).await?;
                store::bulk::resync_feedback_ids(&mut c).await?;
                store::grouping_bulk::insert_prints(&mut c, RecordKind::Feedback, &new_prints, now).await?;
                store::grouping_bulk::insert_matches(&mut c, &matches).await?;
                let after = serde_json::json!({
                    "source": options.source, "first_id": first, "last_id": ids[end - 1], "count": end - start,
                    "linked": matches.iter().filter(|m| m.relation == "linked").count(),
                });
                crate::audit::Entry::new(actor, "feedback.import", "feedback", Some(first))
                    .after(&after)?
                    .record(&mut c, now)
                    .await?;
            }
            self.commit(tx).await?;
            summary.created += end - start;
            progress("write", end, rows.len());
            start = end;
        }
        store::bulk::refresh_statistics(&mut self.db.acquire().await?.conn()).await?;
        Ok(summary)
    }

    /// Problems open or signed off lately and recent feedback, with fingerprints that this build
    /// can read.
    async fn import_targets(&self, now: DateTime<Utc>) -> Result<Vec<(Target, Fingerprint)>> {
        let g = self.settings.grouping;
        let closed_since = now - chrono::Duration::days(30 * i64::from(g.recurrence_months));
        let since = now - chrono::Duration::days(g.recent_days);
        let mut pooled = self.db.acquire().await?;
        let targets = store::grouping_bulk::targets(&mut pooled.conn(), closed_since, since, RECENT_TARGETS).await?;
        Ok(targets
            .into_iter()
            .filter_map(|t| {
                let fp = serde_json::from_str::<StoredPrint>(&t.print).ok()?.to_fingerprint()?;
                Some((t, fp))
            })
            .collect())
    }

    /// What a new message's closest match makes of it: linked to an open problem at or above the
    /// link threshold, a recurrence of a problem signed off lately, or a proposal; nothing when
    /// the match belongs to a problem long closed, dismissed or merged.
    #[allow(clippy::too_many_arguments)]
    fn import_match(
        &self,
        rows: &[FeedbackRow],
        i: usize,
        matched: &Matched<'_>,
        score: f64,
        ids: &[i64],
        problem_of: &[Option<i64>],
        now: DateTime<Utc>,
    ) -> Option<MatchRow> {
        let g = self.settings.grouping;
        let (problem, other_feedback, matched_text) = match matched {
            Matched::Stored(t) if t.kind == RecordKind::Problem => {
                (Some((t.record_id, t.status, t.closed_at)), None, excerpt(t.title.as_deref(), &t.body))
            }
            Matched::Stored(t) => (
                t.problem_id.map(|p| (p.get(), t.status, t.closed_at)),
                Some(t.record_id),
                excerpt(t.title.as_deref(), &t.body),
            ),
            // An earlier message of this import is linked only to open problems.
            Matched::New(j) => (
                problem_of[*j].map(|p| (p, Some(domain::workflow::Status::Assigned), None)),
                Some(ids[*j]),
                excerpt(rows[*j].title.as_deref(), &rows[*j].body),
            ),
        };
        let relation = match problem {
            Some((_, status, closed_at)) => {
                let open = matches!(
                    status,
                    Some(
                        domain::workflow::Status::New
                            | domain::workflow::Status::Assigned
                            | domain::workflow::Status::Submitted
                    )
                );
                let recurrence_since = now - chrono::Duration::days(30 * i64::from(g.recurrence_months));
                if open && score >= g.link {
                    MatchRelation::Linked
                } else if open {
                    MatchRelation::Proposed
                } else if status == Some(domain::workflow::Status::Closed)
                    && closed_at.is_some_and(|at| at >= recurrence_since)
                {
                    MatchRelation::Recurrence
                } else {
                    return None;
                }
            }
            None => MatchRelation::Proposed,
        };
        Some(MatchRow {
            id: domain::MatchId::new(0),
            feedback_id: rows[i].id,
            relation,
            problem_id: problem.map(|(p, _, _)| domain::ProblemId::new(p)),
            other_feedback_id: other_feedback.map(domain::FeedbackId::new),
            score,
            matched_text,
            created_at: now,
        })
    }
}
