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

/// The Python of the virtual environment that holds the programs some tests talk to (aiosmtpd,
/// georeport, civicbot), made by `.ci/pyclients` from PyPI on first use. `None` to skip when it
/// cannot be made (no Python, no registry), except under `CI=true`, where that is a failure.
pub fn python_clients() -> Option<std::path::PathBuf> {
    static MADE: std::sync::OnceLock<Result<std::path::PathBuf, String>> = std::sync::OnceLock::new();
    let made = MADE.get_or_init(|| {
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.ci/pyclients");
        let out = std::process::Command::new("bash").arg(&script).output().map_err(|e| format!("{e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        Ok(std::path::PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
    });
    match made {
        Ok(python) => Some(python.clone()),
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("the Python test clients (.ci/pyclients) are required under CI=true: {e}")
        }
        Err(e) => {
            eprintln!("skipping: the Python test clients could not be made (.ci/pyclients): {e}");
            None
        }
    }
}

/// A real SMTP server on loopback (Python's aiosmtpd), writing each message it takes to a file as
/// a line of JSON: the envelope, the decoded subject and `To`, and the plain-text body. It
/// answers `451` to the first message for a recipient named `flaky@…` and `550` to any for
/// `reject@…`. Stopped when dropped.
pub struct SmtpReceiver {
    pub port: u16,
    out: std::path::PathBuf,
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

const SMTP_RECEIVER: &str = r#"
import email, json, sys, time
from email import policy
from aiosmtpd.controller import Controller

port, out = int(sys.argv[1]), sys.argv[2]
seen = set()

class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject@"):
            return "550 5.1.1 no such mailbox"
        if address.startswith("flaky@") and address not in seen:
            seen.add(address)
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content, policy=policy.default)
        body = msg.get_body(preferencelist=("plain",)).get_content()
        line = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "subject": str(msg["subject"]),
                "to": str(msg["to"]), "from": str(msg["from"]), "content_type": msg.get_content_type(),
                "charset": msg.get_content_charset(), "body": body}
        with open(out, "a", encoding="utf-8") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
        return "250 OK"

controller = Controller(Handler(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"#;

impl SmtpReceiver {
    /// Starts one, or `None` to skip (see [`python_clients`]).
    pub fn start() -> Option<Self> {
        use std::io::BufRead;
        let python = python_clients()?;
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("received.jsonl");
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("port").port();
        let mut child = std::process::Command::new(python)
            .args(["-c", SMTP_RECEIVER, &port.to_string()])
            .arg(&out)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("start aiosmtpd");
        let mut ready = String::new();
        let stdout = child.stdout.take().expect("stdout");
        std::io::BufReader::new(stdout).read_line(&mut ready).expect("aiosmtpd says it is ready");
        assert_eq!(ready.trim(), "ready", "aiosmtpd did not start");
        Some(Self { port, out, child, _dir: dir })
    }

    /// The messages taken so far, waiting up to five seconds for at least `n`.
    pub fn received(&self, n: usize) -> Vec<serde_json::Value> {
        for _ in 0..50 {
            let text = std::fs::read_to_string(&self.out).unwrap_or_default();
            let lines: Vec<serde_json::Value> =
                text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
            if lines.len() >= n {
                return lines;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let text = std::fs::read_to_string(&self.out).unwrap_or_default();
        text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
    }
}

impl Drop for SmtpReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
