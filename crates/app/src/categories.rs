//! The category tree (问题类别) and its time limits per feedback kind.

use crate::views::{CategoryLimitView, CategoryView};
use crate::{Actor, App};
use domain::feedback::FeedbackKind;
use domain::limits::TimeLimits;
use domain::{CategoryId, Error, Result};

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryInput {
    pub parent_id: Option<CategoryId>,
    pub name: String,
    /// Time limits per feedback kind (`consult`, `complaint`…).
    #[serde(default)]
    pub limits: Vec<LimitInput>,
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LimitInput {
    pub kind: FeedbackKind,
    pub sign_days: u32,
    pub response_days: u32,
    pub completion_days: u32,
    pub callback_days: u32,
}

fn parse_limits(limits: &[LimitInput]) -> Result<Vec<(FeedbackKind, TimeLimits)>> {
    limits
        .iter()
        .map(|l| {
            let kind = l.kind;
            let t = TimeLimits {
                sign_days: l.sign_days,
                response_days: l.response_days,
                completion_days: l.completion_days,
                callback_days: l.callback_days,
            };
            t.validate()?;
            Ok((kind, t))
        })
        .collect()
}

impl App {
    pub async fn create_category(&self, actor: &Actor, input: &CategoryInput) -> Result<CategoryView> {
        actor.admin()?;
        let name = domain::text::title("name", &input.name)?;
        let limits = parse_limits(&input.limits)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let parent = input.parent_id;
        if let Some(pid) = parent {
            store::categories::get_category(&mut tx.conn(), pid).await?.ok_or_else(|| unknown_category(pid))?;
        }
        let row = store::categories::insert_category(&mut tx.conn(), parent, &name, now).await?;
        let id = row.id;
        for (kind, l) in &limits {
            store::categories::upsert_limit(&mut tx.conn(), id, kind.as_str(), l).await?;
        }
        let view = category_view(&mut tx.conn(), row).await?;
        crate::audit::Entry::new(actor, "category.create", "category", Some(id.get()))
            .after(&view)?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await?;
        self.names.forget();
        Ok(view)
    }

    pub async fn update_category(&self, actor: &Actor, id: CategoryId, input: &CategoryInput) -> Result<CategoryView> {
        actor.admin()?;
        let name = domain::text::title("name", &input.name)?;
        let limits = parse_limits(&input.limits)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let row =
            store::categories::get_category(&mut tx.conn(), id).await?.ok_or_else(|| Error::not_found("category"))?;
        let before = category_view(&mut tx.conn(), row).await?;
        store::categories::rename_category(&mut tx.conn(), id, &name, now).await?;
        for (kind, l) in &limits {
            store::categories::upsert_limit(&mut tx.conn(), id, kind.as_str(), l).await?;
        }
        let row =
            store::categories::get_category(&mut tx.conn(), id).await?.ok_or_else(|| Error::not_found("category"))?;
        let after = category_view(&mut tx.conn(), row).await?;
        crate::audit::Entry::new(actor, "category.update", "category", Some(id.get()))
            .before(&before)?
            .after(&after)?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await?;
        self.names.forget();
        Ok(after)
    }

    pub async fn list_categories(&self, actor: &Actor) -> Result<Vec<CategoryView>> {
        actor.user()?;
        let mut pooled = self.db.acquire().await?;
        let mut c = pooled.conn();
        let rows = store::categories::list_categories(&mut c).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(category_view(&mut c, row).await?);
        }
        Ok(out)
    }

    /// The limits for a category and kind: the category's own, else its parent's, else the
    /// defaults for the kind.
    pub(crate) async fn limits_for(
        &self,
        c: &mut store::Conn<'_>,
        category: Option<CategoryId>,
        kind: FeedbackKind,
    ) -> Result<TimeLimits> {
        let mut next = category;
        let mut hops = 0;
        while let Some(id) = next {
            if let Some(l) = store::categories::get_limit(c, id, kind.as_str()).await? {
                return Ok(l.limits());
            }
            next = store::categories::get_category(c, id).await?.and_then(|r| r.parent_id);
            hops += 1;
            if hops > 16 {
                break;
            }
        }
        Ok(TimeLimits::default_for(kind))
    }
}

async fn category_view(c: &mut store::Conn<'_>, row: store::categories::CategoryRow) -> Result<CategoryView> {
    let limits = store::categories::list_limits(c, row.id).await?;
    Ok(CategoryView {
        id: domain::CategoryId::new(row.id.get()),
        parent_id: row.parent_id.map(|x| x.get()).map(domain::CategoryId::new),
        name: row.name,
        limits: limits.iter().map(|l| CategoryLimitView { kind: l.kind, limits: l.limits() }).collect(),
    })
}

pub(crate) fn unknown_category(id: CategoryId) -> Error {
    Error::invalid_with_code(
        domain::Code::UnknownCategory,
        "category_id",
        format!("问题类别 {id} 不存在"),
        format!("category {id} does not exist"),
    )
}
