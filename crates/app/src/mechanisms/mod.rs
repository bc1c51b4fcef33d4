//! Lasting mechanisms (长效机制): the rules a unit drafts or revises so that a kind of problem stays
//! fixed, each linked to the problems and root causes it addresses, and answering for the
//! problems of its kind that came back after it was issued.

mod causes;
pub mod export;
mod recurrence;

pub use causes::{ProblemCauses, ProblemCausesInput, RootCauseInput, RootCauseView};
pub use recurrence::{BLIND_SPOT_AT_LEAST, BlindSpotView, RecurrenceView};

use crate::views::{MechanismView, Named, ProblemRef};
use crate::{Actor, App};
use chrono::NaiveDate;
use domain::access::{Intent, Principal};
use domain::problem::MechanismStatus;
use domain::unit::UnitPath;
use domain::{CampaignId, Error, MechanismId, ProblemId, Result, UnitId};
use serde::Deserialize;
use store::Conn;
use store::mechanisms::MechanismRow;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MechanismInput {
    pub unit_id: UnitId,
    pub campaign_id: Option<CampaignId>,
    pub title: String,
    pub body: Option<String>,
    /// `drafting` (default) or `issued`.
    pub status: Option<MechanismStatus>,
    pub issued_on: Option<NaiveDate>,
    /// 文号 of the issued document.
    pub doc_number: Option<String>,
    /// Problems this mechanism addresses.
    #[serde(default)]
    pub problem_ids: Vec<ProblemId>,
    /// The root causes it answers (the whole set; unchanged when not given on an edit).
    pub root_cause_ids: Option<Vec<domain::RootCauseId>>,
    /// Required when editing: the version read.
    pub version: Option<i64>,
}

/// A mechanism as `reader` sees it: only the linked problems the reader may see (all of them for
/// None, as the audit chain records them).
async fn view(c: &mut Conn<'_>, row: &MechanismRow, reader: Option<&Principal>) -> Result<MechanismView> {
    let unit = store::units::get_unit(c, row.unit_id).await?;
    let mut problems = Vec::new();
    for (id, number, title) in store::mechanisms::problems_of_mechanism(c, row.id).await? {
        let visible = match reader {
            None => true,
            Some(p) => App::visible_problem(c, p, id).await?.is_some(),
        };
        if visible {
            problems.push((id, number, title));
        }
    }
    let cause_ids = store::causes::causes_of_mechanism(c, row.id).await?;
    let causes = causes::named(c, &cause_ids).await?;
    let ids: Vec<ProblemId> = problems.iter().map(|(id, _, _)| *id).collect();
    let recurrences_after = recurrence::after(c, row, &ids, reader).await?;
    let documents = store::mechanisms::documents_of(c, &[row.id])
        .await?
        .into_iter()
        .map(|d| crate::views::AttachedFile {
            id: d.id,
            file_name: d.file_name,
            content_type: d.content_type,
            size_bytes: d.size_bytes,
            created_at: d.created_at,
        })
        .collect();
    Ok(MechanismView {
        id: domain::MechanismId::new(row.id.get()),
        campaign_id: row.campaign_id.map(|x| x.get()).map(domain::CampaignId::new),
        unit: Named { id: row.unit_id, name: unit.map(|u| u.name).unwrap_or_default() },
        title: row.title.clone(),
        body: row.body.clone(),
        status: row.status,
        issued_on: row.issued_on,
        doc_number: row.doc_number.clone(),
        root_causes: causes,
        recurrences_after,
        problems: problems.into_iter().map(|(id, number, title)| ProblemRef { id, number, title }).collect(),
        documents,
        version: row.version,
    })
}

impl App {
    async fn mechanism_unit(&self, c: &mut Conn<'_>, actor: &Actor, unit: UnitId) -> Result<UnitPath> {
        let p = actor.user_for(Intent::Write)?;
        let row = store::units::get_unit(c, unit).await?.ok_or_else(|| crate::units::unknown_unit_id(unit))?;
        let path = row.unit_path()?;
        if !may_keep_mechanisms(p, &path) {
            return Err(Error::forbidden("您不能为该单位建立长效机制", "you may not keep mechanisms for this unit"));
        }
        Ok(path)
    }

    async fn link_problems(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        mechanism: MechanismId,
        ids: &[ProblemId],
    ) -> Result<()> {
        for &pid in ids {
            crate::problems::load_visible(c, actor, pid).await.map_err(|_| {
                Error::invalid("problem_ids", format!("问题 {pid} 不存在"), format!("problem {pid} does not exist"))
            })?;
            store::mechanisms::link(c, pid, mechanism).await?;
        }
        Ok(())
    }

    pub async fn create_mechanism(&self, actor: &Actor, input: &MechanismInput) -> Result<MechanismView> {
        let now = self.clock.now();
        let title = domain::text::title("title", &input.title)?;
        let body = domain::text::optional_text("body", input.body.as_deref(), self.settings.text.max_text_chars)?;
        let doc_number = domain::text::optional_text("doc_number", input.doc_number.as_deref(), 100)?;
        let status = input.status.unwrap_or(MechanismStatus::Drafting);
        let mut tx = self.db.begin().await?;
        self.mechanism_unit(&mut tx.conn(), actor, input.unit_id).await?;
        let causes = causes::known(&mut tx.conn(), input.root_cause_ids.as_deref().unwrap_or_default()).await?;
        let row = store::mechanisms::insert_mechanism(
            &mut tx.conn(),
            &MechanismRow {
                id: domain::MechanismId::new(0),
                campaign_id: input.campaign_id,
                unit_id: input.unit_id,
                title,
                body,
                status,
                issued_on: input.issued_on.or((status == MechanismStatus::Issued).then(|| self.clock.today())),
                doc_number,
                created_at: now,
                updated_at: now,
                version: 1,
            },
        )
        .await?;
        self.link_problems(&mut tx.conn(), actor, row.id, &input.problem_ids).await?;
        store::causes::set_mechanism_causes(&mut tx.conn(), row.id, &causes).await?;
        let v = view(&mut tx.conn(), &row, None).await?;
        crate::audit::Entry::new(actor, "mechanism.create", "mechanism", Some(row.id.get()))
            .after(&v)?
            .record(&mut tx.conn(), now)
            .await?;
        let shown = view(&mut tx.conn(), &row, Some(actor.user()?)).await?;
        self.commit(tx).await?;
        Ok(shown)
    }

    pub async fn update_mechanism(
        &self,
        actor: &Actor,
        id: MechanismId,
        input: &MechanismInput,
    ) -> Result<MechanismView> {
        let now = self.clock.now();
        let version = input.version.ok_or_else(Error::version_required)?;
        let title = domain::text::title("title", &input.title)?;
        let body = domain::text::optional_text("body", input.body.as_deref(), self.settings.text.max_text_chars)?;
        let doc_number = domain::text::optional_text("doc_number", input.doc_number.as_deref(), 100)?;
        let status = input.status.unwrap_or(MechanismStatus::Drafting);
        let mut tx = self.db.begin().await?;
        let before =
            store::mechanisms::get_mechanism(&mut tx.conn(), id).await?.ok_or_else(|| Error::not_found("mechanism"))?;
        self.mechanism_unit(&mut tx.conn(), actor, before.unit_id).await.map_err(|_| Error::not_found("mechanism"))?;
        self.mechanism_unit(&mut tx.conn(), actor, input.unit_id).await?;
        let mut row = before.clone();
        row.version = version;
        row.title = title;
        row.body = body;
        row.unit_id = input.unit_id;
        row.campaign_id = input.campaign_id;
        row.issued_on =
            input.issued_on.or(before.issued_on).or((status == MechanismStatus::Issued).then(|| self.clock.today()));
        row.status = status;
        row.doc_number = doc_number;
        row.updated_at = now;
        row.version = store::mechanisms::update_mechanism(&mut tx.conn(), &row).await?;
        self.link_problems(&mut tx.conn(), actor, id, &input.problem_ids).await?;
        if let Some(ids) = &input.root_cause_ids {
            let causes = causes::known(&mut tx.conn(), ids).await?;
            store::causes::set_mechanism_causes(&mut tx.conn(), id, &causes).await?;
        }
        let b = view(&mut tx.conn(), &before, None).await?;
        let a = view(&mut tx.conn(), &row, None).await?;
        crate::audit::Entry::new(actor, "mechanism.update", "mechanism", Some(id.get()))
            .before(&b)?
            .after(&a)?
            .record(&mut tx.conn(), now)
            .await?;
        let shown = view(&mut tx.conn(), &row, Some(actor.user()?)).await?;
        self.commit(tx).await?;
        Ok(shown)
    }

    pub async fn list_mechanisms(&self, actor: &Actor) -> Result<Vec<MechanismView>> {
        let p = actor.user_for(Intent::Read)?;
        let prefix = if p.is_admin() { None } else { Some(p.unit_path.as_str().to_string()) };
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let rows = store::mechanisms::list_mechanisms(&mut c, prefix.as_deref()).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(view(&mut c, r, Some(p)).await?);
        }
        Ok(out)
    }

    pub async fn get_mechanism(&self, actor: &Actor, id: MechanismId) -> Result<MechanismView> {
        self.list_mechanisms(actor)
            .await?
            .into_iter()
            .find(|m| m.id == id.get())
            .ok_or_else(|| Error::not_found("mechanism"))
    }
}

impl App {
    /// Attaches the issued document (its PDF or Word file) to a mechanism, for those who keep the
    /// mechanism's unit; a reader who may not see the mechanism is told it does not exist.
    pub async fn add_mechanism_document(
        &self,
        actor: &Actor,
        id: MechanismId,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<MechanismView> {
        let m = self.get_mechanism(actor, id).await?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        self.mechanism_unit(&mut tx.conn(), actor, m.unit.id).await?;
        let checked =
            crate::files::check_file(file_name, bytes, self.settings.max_upload_bytes, crate::files::Accept::Evidence)?;
        self.keep_file(&checked.sha256, bytes).await?;
        let row = store::mechanisms::insert_document(
            &mut tx.conn(),
            &store::mechanisms::DocumentRow {
                id: domain::MechanismDocumentId::new(0),
                mechanism_id: id,
                file_name: checked.file_name,
                content_type: checked.content_type.into(),
                size_bytes: checked.size_bytes,
                sha256: checked.sha256,
                uploaded_by: actor.user_id(),
                created_at: now,
            },
        )
        .await?;
        crate::audit::Entry::new(actor, "mechanism.document.create", "mechanism", Some(id.get()))
            .after(&row)?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await?;
        self.get_mechanism(actor, id).await
    }

    /// A mechanism's document, for a reader who may see the mechanism (404 otherwise).
    pub async fn mechanism_document(
        &self,
        actor: &Actor,
        id: domain::MechanismDocumentId,
    ) -> Result<crate::pages_support::StoredFile> {
        let row = {
            let mut pooled = self.db.acquire().await?;
            store::mechanisms::get_document(&mut pooled.conn(), id).await?.ok_or_else(|| Error::not_found("file"))?
        };
        self.get_mechanism(actor, row.mechanism_id).await.map_err(|_| Error::not_found("file"))?;
        Ok(crate::pages_support::StoredFile {
            path: self.file_path(&row.sha256),
            file_name: row.file_name,
            content_type: row.content_type,
        })
    }

    /// The units `actor` keeps mechanisms for (the form's choices; empty when they keep none).
    pub async fn mechanism_units(&self, actor: &Actor) -> Result<Vec<crate::views::UnitView>> {
        let Some(p) = actor.principal() else { return Ok(Vec::new()) };
        if !p.token_allows(Intent::Write) {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for u in self.list_units(actor).await? {
            let path = UnitPath::parse(&u.path)?;
            if may_keep_mechanisms(p, &path) {
                out.push(u);
            }
        }
        Ok(out)
    }
}

/// Who keeps a unit's mechanisms: the admin, and the office or liaison whose subtree holds it.
fn may_keep_mechanisms(p: &Principal, unit: &UnitPath) -> bool {
    p.is_admin() || (matches!(p.role, domain::user::Role::Office | domain::user::Role::Liaison) && p.covers(unit))
}
