//! 学习记录: a campaign's study sessions, by unit — the date, the format (a list the admin keeps),
//! the topic, how many were present, the materials and a summary — with the problems found in a
//! session (检视) linked to it. Study is counted by unit and month; no figure is kept or shown for
//! any person. Sessions are the campaign's shared record: every signed-in user reads them, and a
//! linked problem is named and counted only for a reader who may see it.

mod counts;
pub mod export;
mod formats;

pub use counts::{StudyCountView, StudyCounts, UnitStudyView};
pub use formats::{StudyFormatInput, StudyFormatView};

use crate::views::{Named, ProblemRef};
use crate::{Actor, App};
use chrono::NaiveDate;
use domain::access::{Intent, Principal};
use domain::user::Role;
use domain::{CampaignId, Error, ProblemId, Result, StudyFormatId, StudyMaterialId, StudySessionId, UnitId};
use serde::{Deserialize, Serialize};
use store::Conn;
use store::study::{MaterialRow, SessionRow};

/// The most people a session can have had present: a number beyond it is a typing slip.
const MOST_PRESENT: u32 = 100_000;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    pub campaign_id: CampaignId,
    /// The unit that held it.
    pub unit_id: UnitId,
    pub held_on: NaiveDate,
    pub format_id: StudyFormatId,
    /// 学习主题.
    pub topic: String,
    /// 参加人数.
    pub present: u32,
    pub summary: Option<String>,
    /// Problems found in the session (检视); the whole set.
    #[serde(default)]
    pub problem_ids: Vec<ProblemId>,
    /// Required when editing: the version read.
    pub version: Option<i64>,
}

/// Which sessions to list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SessionQuery {
    pub campaign_id: Option<CampaignId>,
    /// A unit and those under it.
    pub unit_id: Option<UnitId>,
    /// `YYYY-MM`.
    pub month: Option<String>,
}

/// 学习材料 as listed.
pub type MaterialView = crate::views::AttachedFile<StudyMaterialId>;

fn material_view(m: &MaterialRow) -> MaterialView {
    MaterialView {
        id: m.id,
        file_name: m.file_name.clone(),
        content_type: m.content_type.clone(),
        size_bytes: m.size_bytes,
        created_at: m.created_at,
    }
}

/// What a reader may do with a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct SessionActions {
    /// Change it and add materials (the campaign office, the unit's liaisons and leaders).
    pub edit: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub id: StudySessionId,
    pub campaign_id: CampaignId,
    pub unit: Named<UnitId>,
    pub held_on: NaiveDate,
    pub format: Named<StudyFormatId>,
    pub topic: String,
    pub present: i64,
    pub summary: Option<String>,
    pub materials: Vec<MaterialView>,
    /// The problems found in it that the reader may see.
    pub problems: Vec<ProblemRef>,
    pub actions: SessionActions,
    pub version: i64,
}

/// Who records a unit's study: the office running the campaign's list, and the unit's own
/// liaisons and leaders.
fn may_record(p: &Principal, campaign_unit: &domain::unit::UnitPath, unit: &domain::unit::UnitPath) -> bool {
    p.token_allows(Intent::Write)
        && (p.may_run_list_in(campaign_unit) || (matches!(p.role, Role::Liaison | Role::Leader) && p.covers(unit)))
}

impl App {
    /// Sessions as `p` sees them, reading materials and problems for all of them at once.
    async fn session_views(&self, c: &mut Conn<'_>, p: &Principal, rows: Vec<SessionRow>) -> Result<Vec<SessionView>> {
        let names = self.names().await?;
        let formats = store::study::list_formats(c).await?;
        let ids: Vec<StudySessionId> = rows.iter().map(|s| s.id).collect();
        let materials = store::study::materials_of(c, &ids).await?;
        let links = store::study::problems_of(c, &ids).await?;
        // Each campaign's unit is read once for the actions of all its sessions.
        let mut campaign_units: std::collections::HashMap<CampaignId, domain::unit::UnitPath> = Default::default();
        let mut out = Vec::with_capacity(rows.len());
        for s in rows {
            if let std::collections::hash_map::Entry::Vacant(slot) = campaign_units.entry(s.campaign_id) {
                let campaign = store::campaigns::get_campaign(c, s.campaign_id)
                    .await?
                    .ok_or_else(|| Error::not_found("campaign"))?;
                slot.insert(self.known_unit(campaign.unit_id).await?.unit_path()?);
            }
            let unit = self.known_unit(s.unit_id).await?.unit_path()?;
            let actions = SessionActions { edit: may_record(p, &campaign_units[&s.campaign_id], &unit) };
            let mut problems = Vec::new();
            for (_, pid) in links.iter().filter(|(sid, _)| *sid == s.id) {
                if let Some((r, _)) = Self::visible_problem(c, p, *pid).await? {
                    problems.push(r);
                }
            }
            let format = formats.iter().find(|f| f.id == s.format_id).map(|f| f.name.clone()).unwrap_or_default();
            out.push(SessionView {
                id: s.id,
                campaign_id: s.campaign_id,
                unit: Named { id: s.unit_id, name: names.unit(s.unit_id) },
                held_on: s.held_on,
                format: Named { id: s.format_id, name: format },
                topic: s.topic.clone(),
                present: s.present,
                summary: s.summary.clone(),
                materials: materials.iter().filter(|m| m.session_id == s.id).map(material_view).collect(),
                problems,
                actions,
                version: s.version,
            });
        }
        Ok(out)
    }

    /// Sessions, newest first: of one campaign, one unit and those under it, one month.
    pub async fn list_study_sessions(&self, actor: &Actor, q: &SessionQuery) -> Result<Vec<SessionView>> {
        let p = actor.user_for(Intent::Read)?.clone();
        if let Some(id) = q.campaign_id {
            self.get_campaign(actor, id).await?;
        }
        let prefix = match q.unit_id {
            Some(id) => Some(self.known_unit(id).await?.path),
            None => None,
        };
        let range = q.month.as_deref().map(domain::study::month_range).transpose()?;
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let rows =
            store::study::sessions(&mut c, q.campaign_id, prefix.as_deref(), range.map(|r| r.0), range.map(|r| r.1))
                .await?;
        self.session_views(&mut c, &p, rows).await
    }

    pub async fn get_study_session(&self, actor: &Actor, id: StudySessionId) -> Result<SessionView> {
        let p = actor.user_for(Intent::Read)?.clone();
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let row = store::study::get_session(&mut c, id).await?.ok_or_else(|| Error::not_found("study_session"))?;
        Ok(self.session_views(&mut c, &p, vec![row]).await?.remove(0))
    }

    /// `input` checked into a row: a known unit and a format still offered (or the one the
    /// session already had), a date not in the future, a sensible number present.
    async fn session_row(
        &self,
        c: &mut Conn<'_>,
        input: &SessionInput,
        keep_format: Option<StudyFormatId>,
    ) -> Result<SessionRow> {
        let topic = domain::text::title("topic", &input.topic)?;
        let summary =
            domain::text::optional_text("summary", input.summary.as_deref(), self.settings.text.max_text_chars)?;
        self.known_unit(input.unit_id).await?;
        let formats = store::study::list_formats(c).await?;
        if !formats.iter().any(|f| f.id == input.format_id && (f.active || keep_format == Some(f.id))) {
            return Err(Error::invalid(
                "format_id",
                format!("学习形式 {} 不存在或已停用", input.format_id),
                format!("study format {} does not exist or is retired", input.format_id),
            ));
        }
        let today = self.clock.today();
        if input.held_on > today {
            return Err(Error::invalid(
                "held_on",
                format!("学习日期 {} 在未来（今天是 {today}）", input.held_on),
                format!("{} is in the future (today is {today})", input.held_on),
            ));
        }
        if input.present == 0 || input.present > MOST_PRESENT {
            return Err(Error::invalid(
                "present",
                format!("参加人数应在 1 到 {MOST_PRESENT} 之间"),
                format!("the number present must be between 1 and {MOST_PRESENT}"),
            ));
        }
        let now = self.clock.now();
        Ok(SessionRow {
            id: StudySessionId::new(0),
            campaign_id: input.campaign_id,
            unit_id: input.unit_id,
            held_on: input.held_on,
            format_id: input.format_id,
            topic,
            present: i64::from(input.present),
            summary,
            created_by: None,
            created_at: now,
            updated_at: now,
            version: input.version.unwrap_or(0),
        })
    }

    /// Checks that `actor` records the study of `row`'s unit in its campaign.
    async fn recorder_of(&self, c: &mut Conn<'_>, actor: &Actor, row: &SessionRow) -> Result<Principal> {
        let p = actor.user_for(Intent::Write)?.clone();
        let campaign = store::campaigns::get_campaign(c, row.campaign_id).await?.ok_or_else(|| {
            Error::invalid_with_code(
                domain::Code::UnknownCampaign,
                "campaign_id",
                format!("专项工作 {} 不存在", row.campaign_id),
                format!("campaign {} does not exist", row.campaign_id),
            )
        })?;
        let campaign_unit = self.known_unit(campaign.unit_id).await?.unit_path()?;
        let unit = self.known_unit(row.unit_id).await?.unit_path()?;
        if !campaign_unit.contains(&unit) {
            return Err(Error::invalid(
                "unit_id",
                "该单位不在本专项工作的范围内",
                "the unit is outside the campaign's units",
            ));
        }
        if !may_record(&p, &campaign_unit, &unit) {
            return Err(Error::forbidden(
                "只有专班办公室和本单位的联络员、领导可以记录本单位的学习",
                "only the campaign office and the unit's own liaisons and leaders may record its study",
            ));
        }
        Ok(p)
    }

    /// The problems found in a session, each one the actor may see and on the session's campaign.
    async fn found_problems(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        campaign: CampaignId,
        ids: &[ProblemId],
    ) -> Result<Vec<ProblemId>> {
        let mut out = Vec::new();
        for &pid in ids {
            let unknown =
                || Error::invalid("problem_ids", format!("问题 {pid} 不存在"), format!("problem {pid} does not exist"));
            let (loaded, _) = crate::problems::load_visible(c, actor, pid).await.map_err(|_| unknown())?;
            let row = &loaded.row;
            if row.campaign_id != campaign {
                return Err(Error::invalid(
                    "problem_ids",
                    format!("问题 {} 不属于本专项工作", row.number),
                    format!("problem {} is not on this campaign", row.number),
                ));
            }
            if !out.contains(&pid) {
                out.push(pid);
            }
        }
        Ok(out)
    }

    /// Records a study session (the office, or the unit's liaisons and leaders).
    pub async fn create_study_session(&self, actor: &Actor, input: &SessionInput) -> Result<SessionView> {
        let mut tx = self.db.begin().await?;
        let mut row = self.session_row(&mut tx.conn(), input, None).await?;
        row.created_by = actor.user_id();
        let p = self.recorder_of(&mut tx.conn(), actor, &row).await?;
        let problems = self.found_problems(&mut tx.conn(), actor, row.campaign_id, &input.problem_ids).await?;
        let row = store::study::insert_session(&mut tx.conn(), &row).await?;
        store::study::set_problems(&mut tx.conn(), row.id, &problems).await?;
        crate::audit::Entry::new(actor, "study.session.create", "study_session", Some(row.id.get()))
            .after(&serde_json::json!({ "session": row, "problem_ids": problems }))?
            .record(&mut tx.conn(), self.clock.now())
            .await?;
        let view = self.session_views(&mut tx.conn(), &p, vec![row]).await?.remove(0);
        self.commit(tx).await?;
        Ok(view)
    }

    pub async fn update_study_session(
        &self,
        actor: &Actor,
        id: StudySessionId,
        input: &SessionInput,
    ) -> Result<SessionView> {
        let version = input.version.ok_or_else(Error::version_required)?;
        let mut tx = self.db.begin().await?;
        let before =
            store::study::get_session(&mut tx.conn(), id).await?.ok_or_else(|| Error::not_found("study_session"))?;
        self.recorder_of(&mut tx.conn(), actor, &before).await?;
        if input.campaign_id != before.campaign_id {
            return Err(Error::invalid(
                "campaign_id",
                "学习记录不能移到另一个专项工作",
                "a study session cannot move to another campaign",
            ));
        }
        let mut row = self.session_row(&mut tx.conn(), input, Some(before.format_id)).await?;
        let p = self.recorder_of(&mut tx.conn(), actor, &row).await?;
        let problems = self.found_problems(&mut tx.conn(), actor, row.campaign_id, &input.problem_ids).await?;
        let problems_before: Vec<ProblemId> =
            store::study::problems_of(&mut tx.conn(), &[id]).await?.into_iter().map(|(_, p)| p).collect();
        row.id = id;
        row.created_by = before.created_by;
        row.created_at = before.created_at;
        row.version = version;
        row.version = store::study::update_session(&mut tx.conn(), &row).await?;
        store::study::set_problems(&mut tx.conn(), id, &problems).await?;
        crate::audit::Entry::new(actor, "study.session.update", "study_session", Some(id.get()))
            .before(&serde_json::json!({ "session": before, "problem_ids": problems_before }))?
            .after(&serde_json::json!({ "session": row, "problem_ids": problems }))?
            .record(&mut tx.conn(), self.clock.now())
            .await?;
        let view = self.session_views(&mut tx.conn(), &p, vec![row]).await?.remove(0);
        self.commit(tx).await?;
        Ok(view)
    }

    /// Adds a material to a session (slides, a PDF, photos of the session), checked as evidence
    /// files are; nothing is stored when the file is refused.
    pub async fn add_study_material(
        &self,
        actor: &Actor,
        id: StudySessionId,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<SessionView> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let session =
            store::study::get_session(&mut tx.conn(), id).await?.ok_or_else(|| Error::not_found("study_session"))?;
        // Who may not add materials is told so whatever the file holds.
        let p = self.recorder_of(&mut tx.conn(), actor, &session).await?;
        let checked =
            crate::files::check_file(file_name, bytes, self.settings.max_upload_bytes, crate::files::Accept::Evidence)?;
        self.keep_file(&checked.sha256, bytes).await?;
        let row = store::study::insert_material(
            &mut tx.conn(),
            &MaterialRow {
                id: StudyMaterialId::new(0),
                session_id: id,
                file_name: checked.file_name,
                content_type: checked.content_type.into(),
                size_bytes: checked.size_bytes,
                sha256: checked.sha256,
                uploaded_by: actor.user_id(),
                created_at: now,
            },
        )
        .await?;
        crate::audit::Entry::new(actor, "study.material.create", "study_session", Some(id.get()))
            .after(&row)?
            .record(&mut tx.conn(), now)
            .await?;
        let view = self.session_views(&mut tx.conn(), &p, vec![session]).await?.remove(0);
        self.commit(tx).await?;
        Ok(view)
    }

    /// A session's material, for any signed-in reader (sessions are the campaign's shared record).
    pub async fn study_material(&self, actor: &Actor, id: StudyMaterialId) -> Result<crate::pages_support::StoredFile> {
        actor.user_for(Intent::Read)?;
        let mut pooled = self.db.acquire().await?;
        let row = store::study::get_material(&mut pooled.conn(), id).await?.ok_or_else(|| Error::not_found("file"))?;
        Ok(crate::pages_support::StoredFile {
            path: self.file_path(&row.sha256),
            file_name: row.file_name,
            content_type: row.content_type,
        })
    }

    /// The units whose study `actor` records in `campaign` (the form's choices).
    pub async fn study_units(&self, actor: &Actor, campaign: CampaignId) -> Result<Vec<crate::views::UnitView>> {
        let Some(p) = actor.principal().filter(|p| p.token_allows(Intent::Write)) else { return Ok(Vec::new()) };
        let mut pooled = self.db.acquire().await?;
        let Some(row) = store::campaigns::get_campaign(&mut pooled.conn(), campaign).await? else {
            return Ok(Vec::new());
        };
        let campaign_unit = self.known_unit(row.unit_id).await?.unit_path()?;
        let mut out = Vec::new();
        for u in self.list_units(actor).await? {
            if may_record(p, &campaign_unit, &domain::unit::UnitPath::parse(&u.path)?) {
                out.push(u);
            }
        }
        Ok(out)
    }
}
