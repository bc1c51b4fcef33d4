//! The names a list shows beside ids (a problem's lead unit and category), from maps this node
//! keeps: a page of the list is then read from the problems table alone. Joining the units and
//! categories tables for every row cost PostgreSQL about a quarter of its time per page (issue
//! 10), for names that change a few times a year.

use crate::{App, Result};
use domain::{CategoryId, UnitId};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use store::problem_list::ProblemListRow;

/// How long a node keeps the names before reading them again; it also reloads at once when a
/// page holds an id it does not know, and forgets them whenever it renames a unit or a category.
const CACHE_SECONDS: i64 = 30;

/// Unit and category names by id.
#[derive(Debug, Default)]
pub(crate) struct Names {
    units: HashMap<UnitId, String>,
    categories: HashMap<CategoryId, String>,
}

impl Names {
    pub(crate) fn unit(&self, id: UnitId) -> String {
        self.units.get(&id).cloned().unwrap_or_default()
    }

    pub(crate) fn category(&self, id: CategoryId) -> String {
        self.categories.get(&id).cloned().unwrap_or_default()
    }

    /// Whether every unit and category the rows name is known.
    fn cover(&self, rows: &[ProblemListRow]) -> bool {
        rows.iter().all(|r| {
            r.lead_unit_id.is_none_or(|id| self.units.contains_key(&id))
                && r.category_id.is_none_or(|id| self.categories.contains_key(&id))
        })
    }
}

#[derive(Default)]
pub(crate) struct NameCache(RwLock<Option<(chrono::DateTime<chrono::Utc>, Arc<Names>)>>);

impl NameCache {
    pub(crate) fn forget(&self) {
        if let Ok(mut guard) = self.0.write() {
            *guard = None;
        }
    }
}

impl App {
    /// The names of the units and categories of `rows`.
    pub(crate) async fn names_for(&self, rows: &[ProblemListRow]) -> Result<Arc<Names>> {
        let names = self.names().await?;
        if names.cover(rows) {
            return Ok(names);
        }
        // Another node may just have added one.
        self.names.forget();
        self.forget_units();
        self.names().await
    }

    pub(crate) async fn names(&self) -> Result<Arc<Names>> {
        let now = self.clock.now();
        if let Ok(guard) = self.names.0.read()
            && let Some((at, names)) = guard.as_ref()
            && (now - *at).num_seconds() < CACHE_SECONDS
        {
            return Ok(names.clone());
        }
        let units = self.units().await?;
        let categories = {
            let mut pooled = self.db.acquire().await?;
            store::categories::list_categories(&mut pooled.conn()).await?
        };
        let names = Arc::new(Names {
            units: units.iter().map(|u| (u.id, u.name.clone())).collect(),
            categories: categories.into_iter().map(|c| (c.id, c.name)).collect(),
        });
        if let Ok(mut guard) = self.names.0.write() {
            *guard = Some((now, names.clone()));
        }
        Ok(names)
    }
}
