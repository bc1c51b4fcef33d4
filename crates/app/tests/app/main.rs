//! The app's scenario suite. Every test runs twice, on SQLite and on PostgreSQL (`…::sqlite`,
//! `…::postgres`), each time on a fresh database. This is the only integration-test binary of the
//! crate: add new tests to a module here, not a new file under `tests/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit;
mod colour;
mod dashboard;
mod demo;
mod drive;
mod goals;
mod goals_edit;
mod grouping;
mod import;
mod intake;
mod ledger_export;
mod ledger_import;
mod listing;
mod mail;
mod mechanisms;
mod notices;
mod queries;
mod ranking;
mod ratings;
mod research;
mod routing;
mod schema;
mod search;
mod sign_for;
mod study;
mod webhooks;
mod workflow;

use chrono::NaiveDate;
use zhenggai_app::testkit::{Kind, TestDb, World};

/// Runs `$name(kind)` once per backend, as `$name::sqlite` and `$name::postgres`.
#[macro_export]
macro_rules! both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(zhenggai_app::testkit::Kind::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$name(zhenggai_app::testkit::Kind::Postgres).await
            }
        }
    )*};
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A fresh database with the test world in it, or `None` to skip.
pub async fn setup(kind: Kind, today: NaiveDate) -> Option<(TestDb, World)> {
    let db = TestDb::new(kind, today).await?;
    let world = World::new(&db.app).await;
    Some((db, world))
}

/// A new problem in `campaign` with this title and description and nothing else decided.
pub fn problem_input(
    campaign: domain::CampaignId,
    title: &str,
    description: &str,
) -> zhenggai_app::problems::NewProblemInput {
    zhenggai_app::problems::NewProblemInput::new(campaign, title, description, domain::feedback::Channel::Hotline)
}
