//! The rectification work on a problem: measures (整改措施) with owner, deadline and status,
//! progress notes, and evidence files (佐证材料), kept by hash outside any web root.

use crate::problems::{Loaded, check_not_past, load_visible};
use crate::views::{EvidenceView, MeasureView, Named, NoteView};
use crate::{Actor, App};
use chrono::NaiveDate;
use domain::problem::MeasureStatus;
use domain::{Error, MeasureId, ProblemId, Result, UnitId};
use serde::Deserialize;
use store::Conn;
use store::rectification::{EvidenceRow, MeasureRow};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureInput {
    pub description: String,
    pub owner_unit_id: Option<UnitId>,
    pub owner_name: Option<String>,
    pub deadline: Option<NaiveDate>,
    /// `planned` (default), `in_progress` or `done`.
    pub status: Option<MeasureStatus>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasurePatch {
    pub version: i64,
    pub description: Option<String>,
    pub owner_unit_id: Option<UnitId>,
    pub owner_name: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub status: Option<MeasureStatus>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    pub body: String,
}

impl App {
    pub(crate) async fn editable(&self, c: &mut Conn<'_>, actor: &Actor, id: ProblemId) -> Result<Loaded> {
        let (loaded, p) = load_visible(c, actor, id).await?;
        crate::problems::check_add_records(&p, &loaded.row, &loaded.place)?;
        Ok(loaded)
    }

    pub async fn add_measure(&self, actor: &Actor, id: ProblemId, input: &MeasureInput) -> Result<MeasureView> {
        let mut tx = self.db.begin().await?;
        let view = self.add_measure_in(&mut tx.conn(), actor, id, input).await?;
        self.commit(tx).await?;
        Ok(view)
    }

    pub(crate) async fn add_measure_in(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        id: ProblemId,
        input: &MeasureInput,
    ) -> Result<MeasureView> {
        let now = self.clock.now();
        let today = self.clock.today();
        self.editable(c, actor, id).await?;
        let description =
            domain::text::required_text("description", &input.description, self.settings.text.max_text_chars)?;
        if let Some(d) = input.deadline {
            check_not_past("deadline", d, today)?;
        }
        let owner_unit = match input.owner_unit_id {
            Some(u) => Some(store::units::get_unit(c, u).await?.ok_or_else(|| crate::units::unknown_unit_id(u))?),
            None => None,
        };
        let status = input.status.unwrap_or(MeasureStatus::Planned);
        let row = store::rectification::insert_measure(
            c,
            &MeasureRow {
                id: domain::MeasureId::new(0),
                problem_id: id,
                description,
                owner_unit_id: owner_unit.as_ref().map(|u| u.id),
                owner_name: domain::text::optional_text("owner_name", input.owner_name.as_deref(), 100)?,
                deadline: input.deadline,
                status,
                done_at: (status == MeasureStatus::Done).then_some(now),
                created_at: now,
                updated_at: now,
                version: 1,
            },
        )
        .await?;
        store::problems::refresh_next_measure_deadline(c, id).await?;
        crate::audit::Entry::new(actor, "measure.create", "problem", Some(id.get()))
            .after(&row)?
            .record(c, now)
            .await?;
        let owner = owner_unit.map(|u| Named { id: u.id, name: u.name });
        Ok(MeasureView::from_row(&row, owner, today))
    }

    pub async fn update_measure(&self, actor: &Actor, measure: MeasureId, patch: &MeasurePatch) -> Result<MeasureView> {
        let mut tx = self.db.begin().await?;
        let view = self.update_measure_in(&mut tx.conn(), actor, measure, patch).await?;
        self.commit(tx).await?;
        Ok(view)
    }

    pub(crate) async fn update_measure_in(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        measure: MeasureId,
        patch: &MeasurePatch,
    ) -> Result<MeasureView> {
        let now = self.clock.now();
        let today = self.clock.today();
        let before = store::rectification::get_measure(c, measure).await?.ok_or_else(|| Error::not_found("measure"))?;
        let pid = before.problem_id;
        self.editable(c, actor, pid).await.map_err(|e| match e {
            Error::NotFound { .. } => Error::not_found("measure"),
            other => other,
        })?;
        if patch.version != before.version {
            return Err(Error::StaleVersion { sent: patch.version, current: before.version });
        }
        let mut row = before.clone();
        if let Some(d) = &patch.description {
            row.description = domain::text::required_text("description", d, self.settings.text.max_text_chars)?;
        }
        if let Some(u) = patch.owner_unit_id {
            store::units::get_unit(c, u).await?.ok_or_else(|| crate::units::unknown_unit_id(u))?;
            row.owner_unit_id = Some(u);
        }
        if let Some(n) = &patch.owner_name {
            row.owner_name = domain::text::optional_text("owner_name", Some(n), 100)?;
        }
        if let Some(d) = patch.deadline {
            if Some(d) != before.deadline {
                check_not_past("deadline", d, today)?;
            }
            row.deadline = Some(d);
        }
        if let Some(status) = patch.status {
            row.done_at = match status {
                MeasureStatus::Done => before.done_at.or(Some(now)),
                _ => None,
            };
            row.status = status;
        }
        row.updated_at = now;
        row.version = store::rectification::update_measure(c, &row).await?;
        store::problems::refresh_next_measure_deadline(c, pid).await?;
        crate::audit::Entry::new(actor, "measure.update", "problem", Some(pid.get()))
            .before(&before)?
            .after(&row)?
            .record(c, now)
            .await?;
        let owner = match row.owner_unit_id {
            Some(u) => store::units::get_unit(c, u).await?.map(|r| Named { id: r.id, name: r.name }),
            None => None,
        };
        Ok(MeasureView::from_row(&row, owner, today))
    }

    pub async fn delete_measure(&self, actor: &Actor, measure: MeasureId) -> Result<()> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let before = store::rectification::get_measure(&mut tx.conn(), measure)
            .await?
            .ok_or_else(|| Error::not_found("measure"))?;
        let pid = before.problem_id;
        self.editable(&mut tx.conn(), actor, pid).await.map_err(|e| match e {
            Error::NotFound { .. } => Error::not_found("measure"),
            other => other,
        })?;
        store::rectification::delete_measure(&mut tx.conn(), measure).await?;
        store::problems::refresh_next_measure_deadline(&mut tx.conn(), pid).await?;
        crate::audit::Entry::new(actor, "measure.delete", "problem", Some(pid.get()))
            .before(&before)?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await
    }

    pub async fn add_note(&self, actor: &Actor, id: ProblemId, input: &NoteInput) -> Result<NoteView> {
        let mut tx = self.db.begin().await?;
        let view = self.add_note_in(&mut tx.conn(), actor, id, input).await?;
        self.commit(tx).await?;
        Ok(view)
    }

    pub(crate) async fn add_note_in(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        id: ProblemId,
        input: &NoteInput,
    ) -> Result<NoteView> {
        let now = self.clock.now();
        self.editable(c, actor, id).await?;
        let body = domain::text::required_text("body", &input.body, self.settings.text.max_text_chars)?;
        let author = actor.principal().map(|p| p.user_id);
        let row = store::rectification::insert_note(c, id, author, &body, now).await?;
        crate::audit::Entry::new(actor, "note.create", "problem", Some(id.get())).after(&row)?.record(c, now).await?;
        Ok(NoteView::from_row(&row, None))
    }

    /// Attaches an evidence file, showing the problem before or after its rectification. The
    /// content decides its type; a name that lies about it, an
    /// unknown type or a file over the limit is refused and nothing is stored.
    pub async fn add_evidence(
        &self,
        actor: &Actor,
        id: ProblemId,
        file_name: &str,
        bytes: &[u8],
        note: Option<&str>,
        phase: domain::problem::EvidencePhase,
    ) -> Result<EvidenceView> {
        let checked =
            crate::files::check_file(file_name, bytes, self.settings.max_upload_bytes, crate::files::Accept::Evidence)?;
        let note = domain::text::optional_text("note", note, 500)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        self.editable(&mut tx.conn(), actor, id).await?;
        self.keep_file(&checked.sha256, bytes).await?;
        let row = store::rectification::insert_evidence(
            &mut tx.conn(),
            &EvidenceRow {
                id: domain::EvidenceId::new(0),
                problem_id: id,
                file_name: checked.file_name,
                content_type: checked.content_type.into(),
                size_bytes: checked.size_bytes,
                sha256: checked.sha256,
                note,
                uploaded_by: actor.user_id(),
                created_at: now,
                public: false,
                phase,
            },
        )
        .await?;
        crate::audit::Entry::new(actor, "evidence.create", "problem", Some(id.get()))
            .after(&row)?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await?;
        Ok(EvidenceView::from_row(&row))
    }
}

impl App {
    /// Chooses whether a photo shows on the problem's public page (整改公示) once it is published:
    /// the choice of whoever may publish the problem, and only for pictures.
    pub async fn set_evidence_public(&self, actor: &Actor, id: domain::EvidenceId, public: bool) -> Result<()> {
        let now = self.clock.now();
        let row = {
            let mut pooled = self.db.acquire().await?;
            store::rectification::get_evidence(&mut pooled.conn(), id).await?.ok_or_else(|| Error::not_found("file"))?
        };
        let problem = self.get_problem(actor, row.problem_id).await.map_err(|_| Error::not_found("file"))?;
        let publishes = problem
            .may
            .actions
            .iter()
            .any(|a| matches!(a, domain::workflow::Action::Publish | domain::workflow::Action::Unpublish));
        if !publishes {
            return Err(Error::forbidden(
                "只有负责公示的专班办公室可以选择公开的照片",
                "only the office that publishes the problem chooses the photos the public sees",
            ));
        }
        if public && !row.content_type.starts_with("image/") {
            return Err(Error::invalid("public", "只有图片可以公开", "only pictures can be shown to the public"));
        }
        let mut tx = self.db.begin().await?;
        store::rectification::set_evidence_public(&mut tx.conn(), id, public).await?;
        crate::audit::Entry::new(actor, "evidence.public", "problem", Some(row.problem_id.get()))
            .after(&serde_json::json!({ "evidence_id": id, "public": public }))?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await
    }
}
