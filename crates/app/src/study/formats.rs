//! 学习形式: the formats a study session may take (集中学习, 读书班, 专题党课, 研讨交流…), a list
//! the admin keeps. A retired format stays on the sessions that name it.

use crate::{Actor, App};
use domain::access::Intent;
use domain::{Error, Result, StudyFormatId};
use serde::Serialize;
use store::study::StudyFormatRow;

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StudyFormatView {
    pub id: StudyFormatId,
    pub name: String,
    pub description: Option<String>,
    /// A retired format stays on the sessions that name it and is offered no more.
    pub active: bool,
}

impl StudyFormatView {
    fn of(r: StudyFormatRow) -> Self {
        StudyFormatView { id: r.id, name: r.name, description: r.description, active: r.active }
    }
}

/// A study format as the admin writes it.
pub type StudyFormatInput = crate::views::ListEntryInput;

impl App {
    /// The formats, in their order (every signed-in user reads them).
    pub async fn list_study_formats(&self, actor: &Actor) -> Result<Vec<StudyFormatView>> {
        actor.user_for(Intent::Read)?;
        let mut pooled = self.db.acquire().await?;
        Ok(store::study::list_formats(&mut pooled.conn()).await?.into_iter().map(StudyFormatView::of).collect())
    }

    /// `input` checked, its name not taken by another format.
    async fn format_row(
        &self,
        c: &mut store::Conn<'_>,
        input: &StudyFormatInput,
        id: StudyFormatId,
    ) -> Result<StudyFormatRow> {
        let name = domain::text::title("name", &input.name)?;
        if store::study::list_formats(c).await?.iter().any(|r| r.name == name && r.id != id) {
            return Err(Error::conflict("name", format!("已有学习形式“{name}”"), format!("\"{name}\" already exists")));
        }
        Ok(StudyFormatRow {
            id,
            name,
            description: domain::text::optional_text("description", input.description.as_deref(), 500)?,
            position: 0,
            active: input.active.unwrap_or(true),
        })
    }

    pub async fn create_study_format(&self, actor: &Actor, input: &StudyFormatInput) -> Result<StudyFormatView> {
        actor.admin()?;
        let mut tx = self.db.begin().await?;
        let row = self.format_row(&mut tx.conn(), input, StudyFormatId::new(0)).await?;
        let row = store::study::insert_format(&mut tx.conn(), &row).await?;
        crate::audit::Entry::new(actor, "study_format.create", "study_format", Some(row.id.get()))
            .after(&row)?
            .record(&mut tx.conn(), self.clock.now())
            .await?;
        self.commit(tx).await?;
        Ok(StudyFormatView::of(row))
    }

    pub async fn update_study_format(
        &self,
        actor: &Actor,
        id: StudyFormatId,
        input: &StudyFormatInput,
    ) -> Result<StudyFormatView> {
        actor.admin()?;
        let mut tx = self.db.begin().await?;
        let all = store::study::list_formats(&mut tx.conn()).await?;
        let before = all.into_iter().find(|r| r.id == id).ok_or_else(|| Error::not_found("study_format"))?;
        let mut row = self.format_row(&mut tx.conn(), input, id).await?;
        row.position = before.position;
        store::study::update_format(&mut tx.conn(), &row).await?;
        crate::audit::Entry::new(actor, "study_format.update", "study_format", Some(id.get()))
            .before(&before)?
            .after(&row)?
            .record(&mut tx.conn(), self.clock.now())
            .await?;
        self.commit(tx).await?;
        Ok(StudyFormatView::of(row))
    }
}
