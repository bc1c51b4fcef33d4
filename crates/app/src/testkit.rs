//! Test helpers for the app and web suites: a fresh database per test on SQLite (a temporary file)
//! or PostgreSQL (a schema of its own), a clock the test sets, and a small world of units, users
//! and a campaign. PostgreSQL is at `ZHENGGAI_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`); when it cannot be reached the PostgreSQL half of a
//! test is skipped with a message, except under `CI=true`, where that is a failure.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::campaigns::CampaignInput;
use crate::categories::{CategoryInput, LimitInput};
use crate::users::NewUserInput;
use crate::views::{CampaignView, CategoryView, UnitView, UserView};
use crate::{Actor, App, Db, Settings};
use chrono::NaiveDate;
use domain::FixedClock;
use domain::access::Principal;
use domain::unit::UnitPath;
use domain::user::Role;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

pub fn pg_url() -> String {
    std::env::var("ZHENGGAI_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Settings for tests: cheap password hashing.
pub fn test_settings(files: &std::path::Path) -> Settings {
    Settings { argon2_memory_kib: 64, files_dir: files.to_path_buf(), read_cache_ms: 0, ..Settings::default() }
}

pub struct TestDb {
    pub app: App,
    pub clock: Arc<FixedClock>,
    pub kind: Kind,
    pub dir: tempfile::TempDir,
    /// The database URL a second process (the CLI) can use.
    pub url: String,
    schema: Option<String>,
}

impl TestDb {
    /// A fresh database of the given kind, with the clock at 09:00 Beijing time on `today`.
    /// `None` when PostgreSQL is unreachable outside CI.
    pub async fn new(kind: Kind, today: NaiveDate) -> Option<Self> {
        let dir = tempfile::tempdir().expect("temp dir");
        let clock = Arc::new(FixedClock::at_china_morning(today));
        let settings = test_settings(&dir.path().join("files"));
        let (db, url, schema) = match kind {
            Kind::Sqlite => {
                let url = format!("sqlite://{}", dir.path().join("zhenggai.db").display());
                (Db::connect(&url).await.expect("sqlite"), url, None)
            }
            Kind::Postgres => {
                let schema = format!("zgt_{}", hex_id());
                match Db::connect_postgres_schema(&pg_url(), &schema, true).await {
                    Ok(db) => {
                        let sep = if pg_url().contains('?') { '&' } else { '?' };
                        let url = format!("{}{sep}options=-csearch_path%3D{schema}", pg_url());
                        (db, url, Some(schema))
                    }
                    Err(e) => {
                        if std::env::var("CI").is_ok_and(|v| v == "true") {
                            panic!("PostgreSQL at {} is required under CI=true: {e}", pg_url());
                        }
                        eprintln!("skipping the PostgreSQL half: {} unreachable ({e})", pg_url());
                        return None;
                    }
                }
            }
        };
        let app = App::with_db(db, clock.clone(), settings).await.expect("migrate");
        Some(Self { app, clock, kind, dir, url, schema })
    }

    /// Drops the PostgreSQL schema (the SQLite file goes with the temp dir).
    pub async fn cleanup(self) {
        self.app.db.close().await;
        if let Some(schema) = &self.schema
            && let Ok(admin) = Db::connect(&pg_url()).await
        {
            let _ = admin.execute_raw(format!("drop schema if exists {schema} cascade")).await;
            admin.close().await;
        }
    }

    /// Runs one statement directly on the database, bypassing the app (tampering tests).
    pub async fn raw(&self, sql: &str) {
        self.app.db.execute_raw(sql.to_string()).await.expect("raw sql");
    }
}

fn hex_id() -> String {
    let bytes = crate::secrets::random_bytes::<8>().expect("random");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The password of a world user.
pub fn password_of(username: &str) -> String {
    format!("{username}-password-2026")
}

/// A small install: the city (where the office, supervisor and admin sit), two departments (A with
/// a sub-unit), users of every role, a campaign and a category whose complaints have 5 working
/// days.
pub struct World {
    pub city: UnitView,
    pub dept_a: UnitView,
    pub dept_a_sub: UnitView,
    pub dept_b: UnitView,
    pub admin: Actor,
    pub office: Actor,
    pub supervisor: Actor,
    pub liaison_a: Actor,
    pub leader_a: Actor,
    pub viewer_a: Actor,
    pub liaison_b: Actor,
    pub office_a: Actor,
    pub users: Vec<UserView>,
    pub campaign: CampaignView,
    pub category: CategoryView,
}

fn actor_for(user: &UserView, role: Role, unit: &UnitView) -> Actor {
    Actor::User {
        principal: Principal {
            user_id: user.id,
            role,
            unit_id: unit.id,
            unit_path: UnitPath::parse(&unit.path).unwrap(),
            token_scope: None,
        },
        username: user.username.clone(),
    }
}

impl World {
    pub async fn new(app: &App) -> Self {
        let sys = Actor::System("test");
        let city = app.create_unit(&sys, None, "临江市", Some("LJ")).await.unwrap();
        let dept_a = app.create_unit(&sys, Some(city.id), "市住建局", None).await.unwrap();
        let dept_a_sub = app.create_unit(&sys, Some(dept_a.id), "住建局物业科", None).await.unwrap();
        let dept_b = app.create_unit(&sys, Some(city.id), "市生态环境局", None).await.unwrap();
        let specs: [(&str, Role, &UnitView); 8] = [
            ("admin", Role::Admin, &city),
            ("office", Role::Office, &city),
            ("supervisor", Role::Supervisor, &city),
            ("liaison_a", Role::Liaison, &dept_a),
            ("leader_a", Role::Leader, &dept_a),
            ("viewer_a", Role::Viewer, &dept_a),
            ("liaison_b", Role::Liaison, &dept_b),
            ("office_a", Role::Office, &dept_a),
        ];
        let mut users = Vec::new();
        let mut actors = Vec::new();
        for (name, role, unit) in specs {
            let u = app
                .create_user(
                    &sys,
                    &NewUserInput {
                        username: name.into(),
                        display_name: format!("{name} 用户"),
                        role,
                        unit_id: unit.id,
                        password: password_of(name),
                    },
                )
                .await
                .unwrap();
            actors.push(actor_for(&u, role, unit));
            users.push(u);
        }
        let category = app
            .create_category(
                &sys,
                &CategoryInput {
                    parent_id: None,
                    name: "噪音污染".into(),
                    limits: vec![LimitInput {
                        kind: domain::feedback::FeedbackKind::Complaint,
                        sign_days: 1,
                        response_days: 2,
                        completion_days: 5,
                        callback_days: 3,
                    }],
                },
            )
            .await
            .unwrap();
        let campaign = app
            .create_campaign(
                &sys,
                &CampaignInput {
                    unit_id: city.id,
                    name: "主题教育检视整改".into(),
                    kind: "主题教育".into(),
                    code_prefix: "ZT".into(),
                    starts_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                    ends_on: None,
                    phases: vec![],
                    goals: None,
                },
            )
            .await
            .unwrap();
        let mut a = actors.into_iter();
        let mut next = || a.next().unwrap();
        Self {
            admin: next(),
            office: next(),
            supervisor: next(),
            liaison_a: next(),
            leader_a: next(),
            viewer_a: next(),
            liaison_b: next(),
            office_a: next(),
            city,
            dept_a,
            dept_a_sub,
            dept_b,
            users,
            campaign,
            category,
        }
    }

    pub fn user(&self, username: &str) -> &UserView {
        self.users.iter().find(|u| u.username == username).unwrap()
    }
}
