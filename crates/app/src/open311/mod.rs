//! Open311 GeoReport v2 (issue 14): citizen apps and 311 clients list the services (the leaf
//! categories), read a service's definition, post requests — which become feedback and are grouped
//! like any other — and follow them. Lists show only published problems, as the portal does; a
//! request is read by its id (the tracking code the poster was given) as the tracking page reads
//! it. Every refusal is in the specification's form ([`Open311Error`]).

mod requests;
pub(crate) mod services;

pub use requests::{Note, PostInput, Posted, RequestQuery, RequestView, UpdateView};
pub use services::{AttributeView, FieldInput, ServiceDefinition, ServiceInput, ServiceSettings, ServiceView};

use crate::App;
use domain::open311::{Checked, Open311Error};
use store::units::UnitRow;

/// Something the ledger refused, in the specification's form; our own faults are logged whole.
pub(crate) fn refused(e: domain::Error) -> Open311Error {
    let out = Open311Error::from(&e);
    if out.status == 500 {
        tracing::error!("open311: {e:?}");
    }
    out
}

/// A jurisdiction: a root of the unit tree, named by its code (or its id when it has none).
fn jurisdiction_id(u: &UnitRow) -> String {
    u.code.clone().filter(|c| !c.trim().is_empty()).unwrap_or_else(|| u.id.to_string())
}

impl App {
    /// The jurisdiction a call names: with one served, `jurisdiction_id` may be left out (and must
    /// match when given); with several it is required.
    pub(crate) async fn open311_jurisdiction(&self, given: Option<&str>) -> Checked<UnitRow> {
        let roots: Vec<UnitRow> =
            self.units().await.map_err(refused)?.iter().filter(|u| u.parent_id.is_none()).cloned().collect();
        match given.map(str::trim).filter(|g| !g.is_empty()) {
            Some(g) => roots
                .into_iter()
                .find(|u| jurisdiction_id(u) == g)
                .ok_or_else(|| Open311Error::not_found(format!("jurisdiction_id \"{g}\" is not served here"))),
            None => match <[UnitRow; 1]>::try_from(roots) {
                Ok([one]) => Ok(one),
                Err(roots) if roots.is_empty() => Err(Open311Error::not_found("no jurisdiction is served here yet")),
                Err(roots) => Err(Open311Error::bad(format!(
                    "jurisdiction_id is required: this endpoint serves {}",
                    roots.iter().map(jurisdiction_id).collect::<Vec<_>>().join(", ")
                ))),
            },
        }
    }

    /// The jurisdictions served, by id and name (for discovery).
    pub async fn open311_jurisdictions(&self) -> Checked<Vec<(String, String)>> {
        let units = self.units().await.map_err(refused)?;
        Ok(units.iter().filter(|u| u.parent_id.is_none()).map(|u| (jurisdiction_id(u), u.name.clone())).collect())
    }
}
