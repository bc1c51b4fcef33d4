//! The ledger's types and rules (SPEC §1), with no I/O: values that are valid once parsed, typed
//! ids, the rectification workflow, who may see and do what in the unit tree, the working-day
//! calendar and the derived supervision flags. Nothing here touches a database, the network or the
//! wall clock (time comes in through [`Clock`]).

pub mod access;
pub mod calendar;
pub mod campaign;
pub mod clock;
pub mod error;
pub mod feedback;
pub mod goals;
pub mod ids;
pub mod ledger;
pub mod limits;
pub mod notice;
pub mod notice_prefs;
pub mod open311;
pub mod privacy;
pub mod problem;
pub mod rates;
pub mod recurrence;
pub mod report;
pub mod research;
#[cfg(feature = "sqlx")]
mod sql;
pub mod study;
pub mod supervision;
pub mod text;
pub mod throttle;
pub mod unit;
pub mod user;
pub mod webhook;
pub mod wire;
pub mod workflow;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{Code, Error, Msg, Result};
pub use ids::*;
