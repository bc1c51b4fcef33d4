//! 根源分析: the install's taxonomy of root causes (制度缺失, 执行不力, 监督缺位…; the admin keeps
//! it) and the causes found for each problem, which mechanisms then answer.

use crate::views::Named;
use crate::{Actor, App};
use domain::access::{Intent, may_edit_rectification};
use domain::{Error, ProblemId, Result, RootCauseId};
use serde::{Deserialize, Serialize};
use store::Conn;
use store::causes::RootCauseRow;

/// 根源类别: one cause of the taxonomy.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RootCauseView {
    pub id: RootCauseId,
    pub name: String,
    pub description: Option<String>,
    /// A retired cause stays on the records that name it and is offered no more.
    pub active: bool,
}

impl RootCauseView {
    fn of(r: RootCauseRow) -> Self {
        RootCauseView { id: r.id, name: r.name, description: r.description, active: r.active }
    }
}

/// A root cause as the admin writes it.
pub type RootCauseInput = crate::views::ListEntryInput;

/// The causes found for a problem: the whole set.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProblemCausesInput {
    pub root_cause_ids: Vec<RootCauseId>,
}

/// The causes found for a problem, in the taxonomy's order.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProblemCauses {
    pub root_causes: Vec<Named<RootCauseId>>,
}

/// `ids` with their names, in the taxonomy's order.
pub(crate) async fn named(c: &mut Conn<'_>, ids: &[RootCauseId]) -> Result<Vec<Named<RootCauseId>>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let all = store::causes::list_root_causes(c).await?;
    Ok(all.into_iter().filter(|r| ids.contains(&r.id)).map(|r| Named { id: r.id, name: r.name }).collect())
}

/// `ids` checked: each a cause in use, each once.
pub(crate) async fn known(c: &mut Conn<'_>, ids: &[RootCauseId]) -> Result<Vec<RootCauseId>> {
    let all = store::causes::list_root_causes(c).await?;
    let mut out = Vec::new();
    for id in ids {
        if !all.iter().any(|r| r.id == *id && r.active) {
            return Err(Error::invalid(
                "root_cause_ids",
                format!("根源类别 {id} 不存在或已停用"),
                format!("root cause {id} does not exist or is retired"),
            ));
        }
        if !out.contains(id) {
            out.push(*id);
        }
    }
    Ok(out)
}

impl App {
    /// The taxonomy, in its order (every signed-in user reads it).
    pub async fn list_root_causes(&self, actor: &Actor) -> Result<Vec<RootCauseView>> {
        actor.user_for(Intent::Read)?;
        let mut pooled = self.db.acquire().await?;
        Ok(store::causes::list_root_causes(&mut pooled.conn()).await?.into_iter().map(RootCauseView::of).collect())
    }

    fn cause_row(&self, input: &RootCauseInput, id: RootCauseId) -> Result<RootCauseRow> {
        Ok(RootCauseRow {
            id,
            name: domain::text::title("name", &input.name)?,
            description: domain::text::optional_text("description", input.description.as_deref(), 500)?,
            position: 0,
            active: input.active.unwrap_or(true),
        })
    }

    async fn name_free(c: &mut Conn<'_>, name: &str, id: RootCauseId) -> Result<()> {
        if store::causes::list_root_causes(c).await?.iter().any(|r| r.name == name && r.id != id) {
            return Err(Error::conflict("name", format!("已有根源类别“{name}”"), format!("\"{name}\" already exists")));
        }
        Ok(())
    }

    pub async fn create_root_cause(&self, actor: &Actor, input: &RootCauseInput) -> Result<RootCauseView> {
        actor.admin()?;
        let row = self.cause_row(input, RootCauseId::new(0))?;
        let mut tx = self.db.begin().await?;
        Self::name_free(&mut tx.conn(), &row.name, row.id).await?;
        let row = store::causes::insert_root_cause(&mut tx.conn(), &row).await?;
        crate::audit::Entry::new(actor, "root_cause.create", "root_cause", Some(row.id.get()))
            .after(&row)?
            .record(&mut tx.conn(), self.clock.now())
            .await?;
        self.commit(tx).await?;
        Ok(RootCauseView::of(row))
    }

    pub async fn update_root_cause(
        &self,
        actor: &Actor,
        id: RootCauseId,
        input: &RootCauseInput,
    ) -> Result<RootCauseView> {
        actor.admin()?;
        let mut row = self.cause_row(input, id)?;
        let mut tx = self.db.begin().await?;
        let all = store::causes::list_root_causes(&mut tx.conn()).await?;
        let before = all.into_iter().find(|r| r.id == id).ok_or_else(|| Error::not_found("root_cause"))?;
        Self::name_free(&mut tx.conn(), &row.name, id).await?;
        row.position = before.position;
        store::causes::update_root_cause(&mut tx.conn(), &row).await?;
        crate::audit::Entry::new(actor, "root_cause.update", "root_cause", Some(id.get()))
            .before(&before)?
            .after(&row)?
            .record(&mut tx.conn(), self.clock.now())
            .await?;
        self.commit(tx).await?;
        Ok(RootCauseView::of(row))
    }

    /// Sets the causes found for a problem (those who edit its rectification: the lead unit's
    /// liaison, the office). The analysis note is the problem's `root_cause` text.
    pub async fn set_problem_root_causes(
        &self,
        actor: &Actor,
        problem: ProblemId,
        input: &ProblemCausesInput,
    ) -> Result<ProblemCauses> {
        let mut tx = self.db.begin().await?;
        let (loaded, p) = crate::problems::load_visible(&mut tx.conn(), actor, problem).await?;
        if !p.token_allows(Intent::Write) || !may_edit_rectification(&p, &loaded.place) {
            return Err(Error::forbidden(
                "只有牵头单位或专班办公室可以分析问题根源",
                "only the lead unit or the campaign office may analyse a problem's root causes",
            ));
        }
        let causes = known(&mut tx.conn(), &input.root_cause_ids).await?;
        let before = self.problem_root_causes(&mut tx.conn(), problem).await?;
        store::causes::set_problem_causes(&mut tx.conn(), problem, &causes).await?;
        let after = self.problem_root_causes(&mut tx.conn(), problem).await?;
        crate::audit::Entry::new(actor, "problem.root_causes", "problem", Some(problem.get()))
            .before(&before)?
            .after(&after)?
            .record(&mut tx.conn(), self.clock.now())
            .await?;
        self.commit(tx).await?;
        Ok(ProblemCauses { root_causes: after })
    }

    pub(crate) async fn problem_root_causes(
        &self,
        c: &mut Conn<'_>,
        problem: ProblemId,
    ) -> Result<Vec<Named<RootCauseId>>> {
        let named = store::causes::named_causes_of_problem(c, problem).await?;
        Ok(named.into_iter().map(|(id, name)| Named { id, name }).collect())
    }
}
