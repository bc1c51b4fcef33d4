//! Use cases that exist for the web UI: saved list filters, bulk actions on the list, and reading
//! stored files (evidence, portal photos) with the access rules applied.

use crate::problems::ProblemPatch;
use crate::transitions::{Assignment, Transition, TransitionRequest};
use crate::{Actor, App};
use chrono::NaiveDate;
use domain::access::Intent;
use domain::{Error, EvidenceId, ProblemId, Result, SavedFilterId, UnitId};
use std::path::PathBuf;

/// A saved filter: a name and the list's query string.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SavedFilter {
    pub id: SavedFilterId,
    pub name: String,
    pub query: String,
}

/// What a bulk action did: how many problems it changed, and why the others were left.
#[derive(Debug, Clone, Default)]
pub struct BulkOutcome {
    pub done: usize,
    /// The problems it changed, in the order given.
    pub done_ids: Vec<ProblemId>,
    /// Each problem left as it was, with why, in both languages (the page picks the reader's).
    pub refused: Vec<(ProblemId, domain::Msg)>,
}

/// What a bulk action does to each problem.
#[derive(Debug, Clone, Copy)]
enum BulkOp {
    Assign { lead_unit_id: UnitId, deadline: Option<NaiveDate> },
    Deadline(NaiveDate),
}

/// A stored file ready to send: where it is and how to name and type it.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub path: PathBuf,
    pub file_name: String,
    pub content_type: String,
}

impl App {
    pub async fn save_filter(&self, actor: &Actor, name: &str, query: &str) -> Result<()> {
        let p = actor.user_for(Intent::Read)?;
        let name = domain::text::title("name", name)?;
        if name.chars().count() > 50 {
            return Err(Error::invalid("name", "名称不能超过50字", "a name is at most 50 characters"));
        }
        let query =
            domain::text::optional_text("query", Some(query.trim_start_matches('?')), 2000)?.unwrap_or_default();
        let mut tx = self.db.begin().await?;
        store::saved_filters::save(&mut tx.conn(), p.user_id, &name, &query, self.clock.now()).await?;
        crate::audit::Entry::new(actor, "filter.save", "user", Some(p.user_id.get()))
            .after(&serde_json::json!({ "name": name, "query": query }))?
            .record(&mut tx.conn(), self.clock.now())
            .await?;
        self.commit(tx).await
    }

    pub async fn saved_filters(&self, actor: &Actor) -> Result<Vec<SavedFilter>> {
        let p = actor.user_for(Intent::Read)?;
        let mut pooled = self.db.acquire().await?;
        Ok(store::saved_filters::list(&mut pooled.conn(), p.user_id)
            .await?
            .into_iter()
            .map(|f| SavedFilter { id: f.id, name: f.name, query: f.query })
            .collect())
    }

    pub async fn delete_filter(&self, actor: &Actor, id: SavedFilterId) -> Result<()> {
        let p = actor.user_for(Intent::Read)?;
        let mut tx = self.db.begin().await?;
        if store::saved_filters::delete(&mut tx.conn(), p.user_id, id).await? == 0 {
            return Err(Error::not_found("filter"));
        }
        crate::audit::Entry::new(actor, "filter.delete", "user", Some(p.user_id.get()))
            .after(&serde_json::json!({ "id": id }))?
            .record(&mut tx.conn(), self.clock.now())
            .await?;
        self.commit(tx).await
    }

    /// 批量分办: assigns each selected problem to the unit, each in its own transaction, so that one
    /// refusal (a problem already assigned, say) does not stop the others.
    pub async fn bulk_assign(
        &self,
        actor: &Actor,
        ids: &[ProblemId],
        lead_unit_id: UnitId,
        deadline: Option<NaiveDate>,
    ) -> Result<BulkOutcome> {
        self.bulk(actor, ids, BulkOp::Assign { lead_unit_id, deadline }).await
    }

    /// 批量调整时限: moves the deadline of each selected problem.
    pub async fn bulk_deadline(&self, actor: &Actor, ids: &[ProblemId], deadline: NaiveDate) -> Result<BulkOutcome> {
        self.bulk(actor, ids, BulkOp::Deadline(deadline)).await
    }

    async fn bulk(&self, actor: &Actor, ids: &[ProblemId], op: BulkOp) -> Result<BulkOutcome> {
        if ids.is_empty() || ids.len() > 500 {
            return Err(Error::invalid("ids", "请选择1–500个问题", "select 1–500 problems"));
        }
        let mut outcome = BulkOutcome::default();
        for &pid in ids {
            let version = {
                let mut pooled = self.db.acquire().await?;
                store::problems::get_problem(&mut pooled.conn(), pid).await?.map(|r| r.version)
            };
            let result = match (version, op) {
                (None, _) => Err(Error::not_found("problem")),
                (Some(version), BulkOp::Assign { lead_unit_id, deadline }) => {
                    let assignment = Assignment { deadline, ..Assignment::to(lead_unit_id) };
                    self.apply_transition(actor, pid, &TransitionRequest::new(version, Transition::Assign(assignment)))
                        .await
                }
                (Some(version), BulkOp::Deadline(deadline)) => {
                    let patch = ProblemPatch { version, deadline: Some(Some(deadline)), ..ProblemPatch::default() };
                    self.update_problem(actor, pid, &patch).await.map(|_| ())
                }
            };
            match result {
                Ok(()) => {
                    outcome.done += 1;
                    outcome.done_ids.push(pid);
                }
                Err(e) => outcome.refused.push((pid, e.message())),
            }
        }
        Ok(outcome)
    }

    /// An evidence file, for a reader who may see its problem (404 otherwise).
    pub async fn evidence_file(&self, actor: &Actor, id: EvidenceId) -> Result<StoredFile> {
        let mut pooled = self.db.acquire().await?;
        let row = store::rectification::get_evidence(&mut pooled.conn(), id)
            .await?
            .ok_or_else(|| Error::not_found("file"))?;
        crate::problems::load_visible(&mut pooled.conn(), actor, row.problem_id)
            .await
            .map_err(|_| Error::not_found("file"))?;
        Ok(StoredFile { path: self.file_path(&row.sha256), file_name: row.file_name, content_type: row.content_type })
    }

    /// A photo or file a citizen sent with a report, for a reader who may see the report (404
    /// otherwise, as for the report itself).
    pub async fn feedback_file(&self, actor: &Actor, id: domain::FeedbackFileId) -> Result<StoredFile> {
        let p = actor.user_for(Intent::Read)?.clone();
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let row = store::feedback::get_file(&mut c, id).await?.ok_or_else(|| Error::not_found("file"))?;
        let feedback =
            store::feedback::get_feedback(&mut c, row.feedback_id).await?.ok_or_else(|| Error::not_found("file"))?;
        crate::feedback::feedback_access(&mut c, &p, &feedback).await?.ok_or_else(|| Error::not_found("file"))?;
        Ok(StoredFile { path: self.file_path(&row.sha256), file_name: row.file_name, content_type: row.content_type })
    }

    /// Where a file with this hash is kept.
    pub(crate) fn file_path(&self, sha256: &str) -> PathBuf {
        self.settings.files_dir.join(sha256.get(..2).unwrap_or("00")).join(sha256)
    }
}

impl App {
    /// Whether the reader may sign for this problem now (签收), so that a list offers the button
    /// only where it succeeds.
    pub async fn may_sign_for(&self, actor: &Actor, item: &crate::views::ProblemSummary) -> Result<bool> {
        let Some(p) = actor.principal().filter(|p| p.token_allows(Intent::Write)) else {
            return Ok(false);
        };
        if !item.awaiting_sign_for {
            return Ok(false);
        }
        let units = self.units().await?;
        let lead = item
            .lead_unit
            .as_ref()
            .and_then(|l| units.iter().find(|u| u.id == l.id.get()))
            .map(|u| domain::unit::UnitPath::parse(&u.path))
            .transpose()?;
        Ok(domain::access::signs_for_lead_unit(p, lead.as_ref()))
    }

    /// The id of a problem the reader may see, by its number (问题编号).
    /// The problem a number names, whole (`ZT-2026-000401`) or short (`401`), among those the
    /// reader may see; a short number that names several asks for the whole one.
    pub async fn problem_id_by_number(&self, actor: &Actor, number: &str) -> Result<ProblemId> {
        let malformed = || {
            Error::invalid(
                "number",
                format!("问题编号“{}”格式不对（应如 ZT-2026-000123，或只写序号 123）", number.trim()),
                format!("problem number \"{}\" is malformed (e.g. ZT-2026-000123, or just 123)", number.trim()),
            )
        };
        let query = domain::problem::NumberQuery::parse(number).ok_or_else(malformed)?;
        let mut pooled = self.db.acquire().await?;
        let candidates = match &query {
            domain::problem::NumberQuery::Exact(n) => {
                store::problems::get_problem_by_number(&mut pooled.conn(), n.as_str())
                    .await?
                    .map(|r| r.id)
                    .into_iter()
                    .collect()
            }
            domain::problem::NumberQuery::Sequence(_) => {
                store::problems::ids_by_sequence(&mut pooled.conn(), &query.sequence_suffix().unwrap_or_default())
                    .await?
            }
        };
        let mut visible = Vec::new();
        for id in candidates {
            if crate::problems::load_visible(&mut pooled.conn(), actor, id).await.is_ok() {
                visible.push(id);
            }
        }
        match visible.as_slice() {
            [] => Err(Error::not_found("problem")),
            [one] => Ok(*one),
            _ => Err(Error::invalid(
                "number",
                format!("序号 {} 对应多个问题，请输入完整编号（如 ZT-2026-000123）", number.trim()),
                format!("{} names several problems; give the whole number (e.g. ZT-2026-000123)", number.trim()),
            )),
        }
    }
}

/// Whether a file of this type may be shown in the browser (a picture or a PDF, under the same
/// sandbox as a download) rather than only downloaded.
pub fn previews(content_type: &str) -> bool {
    content_type.starts_with("image/") || content_type == "application/pdf"
}
