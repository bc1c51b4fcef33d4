//! Managing the unit tree: create, rename, list what a user may see, and import a tree from CSV.

use crate::views::UnitView;
use crate::{Actor, App};
use domain::unit::unit_name;
use domain::{Error, Result, UnitId};
use std::sync::{Arc, RwLock};
use store::units::UnitRow;

/// How long a node keeps the unit tree before reading it again. Units change rarely (the admin
/// adds one); a node also reloads at once when asked for a unit it does not know, and forgets the
/// tree whenever it changes it itself.
const CACHE_SECONDS: i64 = 30;

#[derive(Default)]
pub(crate) struct UnitCache(RwLock<Option<Snapshot>>);

/// The unit tree as read at a time.
type Snapshot = (chrono::DateTime<chrono::Utc>, Arc<Vec<UnitRow>>);

impl App {
    /// Creates a unit under `parent` (none: a new root). Admin only.
    pub async fn create_unit(
        &self,
        actor: &Actor,
        parent: Option<UnitId>,
        name: &str,
        code: Option<&str>,
    ) -> Result<UnitView> {
        actor.admin()?;
        let name = unit_name(name)?;
        let code = domain::text::optional_text("code", code, 50)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let parent_row = match parent {
            Some(id) => Some(store::units::get_unit(&mut tx.conn(), id).await?.ok_or_else(|| unknown_unit_id(id))?),
            None => None,
        };
        let row = store::units::insert_unit(&mut tx.conn(), parent_row.as_ref(), &name, code.as_deref(), now).await?;
        let view = UnitView::from_row(&row);
        crate::audit::Entry::new(actor, "unit.create", "unit", Some(row.id.get()))
            .after(&view)?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await?;
        self.forget_units();
        Ok(view)
    }

    pub async fn update_unit(&self, actor: &Actor, id: UnitId, name: &str, code: Option<&str>) -> Result<UnitView> {
        actor.admin()?;
        let name = unit_name(name)?;
        let code = domain::text::optional_text("code", code, 50)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let before = store::units::get_unit(&mut tx.conn(), id).await?.ok_or_else(|| Error::not_found("unit"))?;
        store::units::update_unit(&mut tx.conn(), id, &name, code.as_deref(), now).await?;
        let after = store::units::get_unit(&mut tx.conn(), id).await?.ok_or_else(|| Error::not_found("unit"))?;
        crate::audit::Entry::new(actor, "unit.update", "unit", Some(id.get()))
            .before(&before)?
            .after(&after)?
            .record(&mut tx.conn(), now)
            .await?;
        self.commit(tx).await?;
        self.forget_units();
        Ok(UnitView::from_row(&after))
    }

    /// Units the user may see: their own subtree and the path above it (so names resolve), or
    /// everything for the admin.
    pub async fn list_units(&self, actor: &Actor) -> Result<Vec<UnitView>> {
        let p = actor.user()?;
        let rows = self.all_units().await?;
        Ok(rows
            .iter()
            .filter(|u| {
                p.is_admin() || u.path.starts_with(p.unit_path.as_str()) || p.unit_path.as_str().starts_with(&u.path)
            })
            .map(UnitView::from_row)
            .collect())
    }

    pub async fn get_unit_view(&self, actor: &Actor, id: UnitId) -> Result<UnitView> {
        self.list_units(actor).await?.into_iter().find(|u| u.id == id.get()).ok_or_else(|| Error::not_found("unit"))
    }

    pub(crate) async fn all_units(&self) -> Result<Arc<Vec<UnitRow>>> {
        self.units().await
    }

    /// Every unit, parents first, at most [`CACHE_SECONDS`] old.
    pub(crate) async fn units(&self) -> Result<Arc<Vec<UnitRow>>> {
        let now = self.clock.now();
        if let Ok(guard) = self.units.0.read()
            && let Some((at, units)) = guard.as_ref()
            && (now - *at).num_seconds() < CACHE_SECONDS
        {
            return Ok(units.clone());
        }
        let mut pooled = self.db.acquire().await?;
        let units = Arc::new(store::units::list_units(&mut pooled.conn()).await?);
        if let Ok(mut guard) = self.units.0.write() {
            *guard = Some((now, units.clone()));
        }
        Ok(units)
    }

    /// The unit `id`, from the units this node holds (read again when it is not among them); an
    /// unknown id is `unknown_unit`.
    pub(crate) async fn known_unit(&self, id: UnitId) -> Result<UnitRow> {
        self.units_with(id).await?.iter().find(|u| u.id == id).cloned().ok_or_else(|| unknown_unit_id(id))
    }

    /// Every unit, reloaded if `id` is not among the cached ones (another node may just have
    /// added it).
    pub(crate) async fn units_with(&self, id: UnitId) -> Result<Arc<Vec<UnitRow>>> {
        let units = self.units().await?;
        if units.iter().any(|u| u.id == id.get()) {
            return Ok(units);
        }
        self.forget_units();
        self.units().await
    }

    /// Forgets the unit tree and the names lists show (a unit was added or renamed).
    pub(crate) fn forget_units(&self) {
        if let Ok(mut guard) = self.units.0.write() {
            *guard = None;
        }
        self.names.forget();
    }

    pub(crate) async fn unit_name(&self, id: UnitId) -> Result<String> {
        let mut pooled = self.db.acquire().await?;
        Ok(store::units::get_unit(&mut pooled.conn(), id).await?.map(|u| u.name).unwrap_or_default())
    }

    /// Imports a unit tree from CSV with the columns `name,parent[,code]` (parent empty for a
    /// root; parents must come before their children). All or nothing: any bad row stops the
    /// import and names the row.
    pub async fn import_units(&self, actor: &Actor, csv_text: &str) -> Result<Vec<UnitView>> {
        actor.admin()?;
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(csv_text.as_bytes());
        let headers = reader.headers().map_err(|e| csv_error(0, e))?.clone();
        let col = |name: &str, zh: &str| headers.iter().position(|h| h.trim() == name || h.trim() == zh);
        let name_col = col("name", "单位名称")
            .ok_or_else(|| Error::invalid("csv", "缺少“name”（单位名称）列", "the CSV has no \"name\" column"))?;
        let parent_col = col("parent", "上级单位");
        let code_col = col("code", "单位代码");
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let mut created = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let record = record.map_err(|e| csv_error(line, e))?;
            let name = unit_name(record.get(name_col).unwrap_or_default()).map_err(|e| row_error(line, "name", e))?;
            let code = code_col.and_then(|c| record.get(c)).map(str::trim).filter(|s| !s.is_empty());
            let parent_name = parent_col.and_then(|c| record.get(c)).map(str::trim).filter(|s| !s.is_empty());
            let parent = match parent_name {
                None => None,
                Some(pn) => {
                    let found = store::units::find_units_by_name(&mut tx.conn(), pn).await?;
                    match found.as_slice() {
                        [one] => Some(one.clone()),
                        [] => {
                            let known: Vec<String> = store::units::list_units(&mut tx.conn())
                                .await?
                                .into_iter()
                                .take(8)
                                .map(|u| u.name)
                                .collect();
                            return Err(Error::invalid(
                                format!("row {line}, column \"parent\""),
                                format!("未知上级单位“{pn}”（已有：{}…）", known.join("、")),
                                format!("unknown parent unit \"{pn}\" (known: {}…)", known.join(", ")),
                            ));
                        }
                        _ => {
                            return Err(Error::invalid(
                                format!("row {line}, column \"parent\""),
                                format!("上级单位“{pn}”有重名，请改用单位代码"),
                                format!("parent unit \"{pn}\" is ambiguous; use its code"),
                            ));
                        }
                    }
                }
            };
            let row = store::units::insert_unit(&mut tx.conn(), parent.as_ref(), &name, code, now)
                .await
                .map_err(|e| row_error(line, "name", e))?;
            let view = UnitView::from_row(&row);
            crate::audit::Entry::new(actor, "unit.import", "unit", Some(row.id.get()))
                .after(&view)?
                .record(&mut tx.conn(), now)
                .await?;
            created.push(view);
        }
        self.commit(tx).await?;
        self.forget_units();
        Ok(created)
    }
}

pub(crate) fn unknown_unit_id(id: UnitId) -> Error {
    Error::invalid_with_code(
        domain::Code::UnknownUnit,
        "unit_id",
        format!("单位 {id} 不存在"),
        format!("unit {id} does not exist"),
    )
}

fn csv_error(line: usize, e: csv::Error) -> Error {
    Error::invalid(format!("row {line}"), format!("CSV 格式错误：{e}"), format!("malformed CSV: {e}"))
}

fn row_error(line: usize, column: &str, e: Error) -> Error {
    let m = e.message();
    Error::invalid(format!("row {line}, column \"{column}\""), m.zh, m.en)
}
