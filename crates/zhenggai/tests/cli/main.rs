//! The command line, run as a separate process the way operators run it: `audit verify` on a
//! tampered database, `backup` while writes go on and `restore` of that backup, and `demo`. Each
//! runs on SQLite and on PostgreSQL. The crate's only integration-test binary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use app::testkit::{Kind, TestDb, World, pg_url};
use app::transitions::{Assignment, Transition, TransitionRequest};
use chrono::NaiveDate;
use domain::feedback::Channel;
use std::process::{Command, Output};

mod hot_issues;
mod text_engine;

fn zhenggai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhenggai")).args(args).env("RUST_LOG", "error").output().expect("run zhenggai")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

macro_rules! both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread")]
            async fn sqlite() {
                super::$name(app::testkit::Kind::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread")]
            async fn postgres() {
                super::$name(app::testkit::Kind::Postgres).await
            }
        }
    )*};
}

// After `both!`, which they use.
mod export;
mod import;
mod ledger_round_trip;
mod scheduler;

async fn audit_verify_exits_nonzero_and_names_the_tampered_row(kind: Kind) {
    let Some(db) = TestDb::new(kind, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()).await else {
        return;
    };
    World::new(&db.app).await;
    let ok = zhenggai(&["--database-url", &db.url, "audit", "verify"]);
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("rows checked"));
    db.raw("update audit_log set after_json = '{\"forged\":true}' where seq = 4").await;
    let bad = zhenggai(&["--database-url", &db.url, "audit", "verify"]);
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    assert!(text(&bad).contains("row 4"), "{}", text(&bad));
    db.raw("delete from audit_log where seq = 4").await;
    let bad = zhenggai(&["--database-url", &db.url, "audit", "verify"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad).contains("row 4") && text(&bad).contains("missing"), "{}", text(&bad));
    db.cleanup().await;
}

/// A fresh PostgreSQL database (not a schema: pg_dump and pg_restore work on databases).
async fn fresh_pg_database() -> Option<(String, String)> {
    let admin = store::Db::connect(&pg_url()).await.ok()?;
    let name = format!("zgt_cli_{}", std::process::id() as u64 * 1000 + u64::from(rand_suffix()));
    admin.execute_raw(format!("create database {name}")).await.ok()?;
    admin.close().await;
    let base = pg_url();
    let url = match base.rfind('/') {
        Some(i) => format!("{}/{name}", &base[..i]),
        None => return None,
    };
    Some((name, url))
}

fn rand_suffix() -> u16 {
    std::time::SystemTime::UNIX_EPOCH.elapsed().map(|d| (d.subsec_nanos() % 1000) as u16).unwrap_or(0)
}

async fn drop_pg_database(name: &str) {
    if let Ok(admin) = store::Db::connect(&pg_url()).await {
        let _ = admin.execute_raw(format!("drop database if exists {name} with (force)")).await;
        admin.close().await;
    }
}

async fn a_backup_taken_during_writes_restores_to_a_verified_database(kind: Kind) {
    let dir = tempfile::tempdir().unwrap();
    let (source_url, target_url, dbs) = match kind {
        Kind::Sqlite => (
            format!("sqlite://{}", dir.path().join("live.db").display()),
            format!("sqlite://{}", dir.path().join("restored/zhenggai.db").display()),
            vec![],
        ),
        Kind::Postgres => {
            let (Some((a, a_url)), Some((b, b_url))) = (fresh_pg_database().await, fresh_pg_database().await) else {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("PostgreSQL at {} is required under CI=true", pg_url());
                }
                eprintln!("skipping the PostgreSQL half: {} unreachable", pg_url());
                return;
            };
            (a_url, b_url, vec![a, b])
        }
    };
    let clock =
        std::sync::Arc::new(domain::FixedClock::at_china_morning(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()));
    let settings = app::testkit::test_settings(&dir.path().join("files"));
    let live = app::App::open(&source_url, clock, settings).await.unwrap();
    let world = World::new(&live).await;
    // A write loop: problems created and assigned as fast as the database takes them.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (live, stop) = (live.clone(), stop.clone());
        let (office, campaign, unit) = (world.office.clone(), world.campaign.id, world.dept_a.id);
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let p = live
                    .create_problem(
                        &office,
                        &app::problems::NewProblemInput::new(
                            campaign,
                            format!("并发写入 {n}"),
                            "写入中备份",
                            Channel::Hotline,
                        ),
                    )
                    .await
                    .unwrap();
                let assign = Transition::Assign(Assignment::to(unit));
                live.transition(&office, p.summary.id, &TransitionRequest::new(p.summary.version, assign))
                    .await
                    .unwrap();
                n += 1;
            }
            n
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let backup = dir.path().join("backup.bin");
    let out = tokio::task::spawn_blocking({
        let (url, backup) = (source_url.clone(), backup.clone());
        move || zhenggai(&["--database-url", &url, "backup", "--output", backup.to_str().unwrap()])
    })
    .await
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.await.unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(written > 0, "the write loop ran");
    let again = zhenggai(&["--database-url", &source_url, "backup", "--output", backup.to_str().unwrap()]);
    assert!(!again.status.success() && text(&again).contains("already exists"), "a backup is never overwritten");
    let restored = zhenggai(&[
        "--data-dir",
        dir.path().join("restored").to_str().unwrap(),
        "--database-url",
        &target_url,
        "restore",
        "--input",
        backup.to_str().unwrap(),
    ]);
    assert!(restored.status.success(), "{}", text(&restored));
    let verify = zhenggai(&["--database-url", &target_url, "audit", "verify"]);
    assert!(verify.status.success(), "{}", text(&verify));
    // A damaged backup is refused and replaces nothing.
    if kind == Kind::Sqlite {
        let damaged = dir.path().join("damaged.db");
        std::fs::write(&damaged, b"this is not a database").unwrap();
        let r = zhenggai(&["--database-url", &target_url, "restore", "--force", "--input", damaged.to_str().unwrap()]);
        assert!(!r.status.success());
        assert!(
            zhenggai(&["--database-url", &target_url, "audit", "verify"]).status.success(),
            "the restored database is untouched"
        );
    }
    live.db.close().await;
    for name in dbs {
        drop_pg_database(&name).await;
    }
}

async fn demo_builds_an_install_that_verifies(kind: Kind) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    let (url, db) = match kind {
        Kind::Sqlite => (format!("sqlite://{}", data.join("zhenggai.db").display()), None),
        Kind::Postgres => match fresh_pg_database().await {
            Some((name, url)) => (url, Some(name)),
            None => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("PostgreSQL at {} is required under CI=true", pg_url());
                }
                return;
            }
        },
    };
    let args = [
        "--data-dir",
        data.to_str().unwrap(),
        "--database-url",
        &url,
        "demo",
        "--no-serve",
        "--feedback",
        "600",
        "--problems",
        "60",
    ];
    let out = zhenggai(&args);
    assert!(out.status.success(), "{}", text(&out));
    let printed = text(&out);
    for login in ["admin", "office", "supervisor", "liaison", "viewer"] {
        assert!(printed.contains(login), "{printed}");
    }
    assert!(zhenggai(&["--database-url", &url, "audit", "verify"]).status.success());
    // The generated records are indexed when the install next opens, and found by their words.
    let found = zhenggai(&["--database-url", &url, "search", "噪音", "--limit", "5"]);
    assert!(found.status.success(), "{}", text(&found));
    assert!(text(&found).contains("【噪音】"), "{}", text(&found));
    let json = zhenggai(&["--database-url", &url, "search", "噪音", "--json"]);
    let parsed: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(!parsed["feedback"].as_array().unwrap().is_empty(), "{parsed}");
    // Punctuation alone is a search that finds nothing; a query too long is refused.
    let nothing = zhenggai(&["--database-url", &url, "search", "！！……"]);
    assert!(nothing.status.success(), "{}", text(&nothing));
    assert!(text(&nothing).contains("共 0 个问题、0 条诉求"), "{}", text(&nothing));
    let long = "噪".repeat(201);
    let refused = zhenggai(&["--database-url", &url, "search", &long]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("too long"), "{}", text(&refused));
    let nobody = zhenggai(&["--database-url", &url, "search", "噪音", "--as", "nobody"]);
    assert!(!nobody.status.success() && text(&nobody).contains("nobody"), "{}", text(&nobody));
    if kind == Kind::Sqlite {
        // A second demo wipes only what the first one made.
        assert!(zhenggai(&args).status.success());
        let other = dir.path().join("real");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("zhenggai.db"), b"precious").unwrap();
        let refused = zhenggai(&["--data-dir", other.to_str().unwrap(), "demo", "--no-serve"]);
        assert!(!refused.status.success());
        assert_eq!(std::fs::read(other.join("zhenggai.db")).unwrap(), b"precious");
    }
    if let Some(name) = db {
        drop_pg_database(&name).await;
    }
}

#[tokio::test]
async fn the_demo_loads_real_messages_from_a_csv() {
    let csv = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/citizen-messages/tipdm2020-c/附件3.csv");
    if !csv.exists() {
        eprintln!("skipping: {} is absent (the real data set is not in this checkout)", csv.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = zhenggai(&[
        "--data-dir",
        dir.path().to_str().unwrap(),
        "demo",
        "--no-serve",
        "--data",
        csv.to_str().unwrap(),
        "--text-column",
        "留言详情",
        "--time-column",
        "留言时间",
        "--id-column",
        "留言编号",
        "--title-column",
        "留言主题",
        "--likes-column",
        "点赞数",
        "--problems",
        "40",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("4326 feedback"), "{}", text(&out));
}

#[test]
fn bad_configuration_gets_a_clear_error() {
    let out = zhenggai(&["--database-url", "mysql://nope", "migrate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("sqlite://") && text(&out).contains("postgres://"), "{}", text(&out));
    let out = zhenggai(&["serve", "--listen", "not-an-address"]);
    assert!(text(&out).contains("--listen"), "{}", text(&out));
    let out = zhenggai(&["--database-url", "postgres://u:secret@127.0.0.1:1/x", "migrate"]);
    assert!(!out.status.success());
    assert!(!text(&out).contains("secret"), "passwords never print: {}", text(&out));
    // The mail server in the config file: each mistake named, the password never printed.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("zhenggai.toml");
    for (toml, says) in [
        ("smtp_url = \"smtp://127.0.0.1:25\"\n", "needs mail_from"),
        ("mail_from = \"a@example.org\"\n", "needs smtp_url"),
        ("smtp_url = \"http://u:hunter2@mail.example.org\"\nmail_from = \"a@example.org\"\n", "smtp://"),
        ("smtp_url = \"smtp://u:hunter2@mail.example.org\"\nmail_from = \"nobody\"\n", "mail_from"),
    ] {
        std::fs::write(&config, toml).unwrap();
        let out = zhenggai(&["--data-dir", dir.path().to_str().unwrap(), "migrate"]);
        assert!(!out.status.success(), "{toml}");
        assert!(text(&out).contains(says), "{toml}: {}", text(&out));
        assert!(!text(&out).contains("hunter2"), "passwords never print: {}", text(&out));
    }
}

both!(
    audit_verify_exits_nonzero_and_names_the_tampered_row,
    a_backup_taken_during_writes_restores_to_a_verified_database,
    demo_builds_an_install_that_verifies,
);
