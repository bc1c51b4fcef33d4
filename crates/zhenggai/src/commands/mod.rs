//! One module per command. Each opens the install as configured and calls `app`.

mod admin;
mod backup;
mod demo;
mod export;
mod hot_issues;
mod import;
mod ledger_import;
mod measure;
mod proposals;
mod report;
mod serve;
mod text;

use crate::cli::{AuditCommand, Cli, Command};
use crate::config::Config;
use anyhow::{Context, Result};
use domain::SystemClock;
use std::process::ExitCode;
use std::sync::Arc;

pub(crate) async fn run(cli: Cli) -> Result<ExitCode> {
    let server = match &cli.command {
        Command::Serve(l) => Some(l),
        Command::Demo(d) => Some(&d.listen),
        _ => None,
    };
    let config = Config::load(&cli.global, server)?;
    match cli.command {
        Command::Serve(_) => serve::serve(&config, open_as_is(&config).await?).await,
        Command::Migrate => {
            open(&config).await?;
            println!("数据库已是最新 database is up to date: {}", config.redacted_url());
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(args) => demo::demo(&config, &args).await,
        Command::User(cmd) => admin::user(&open(&config).await?, cmd).await,
        Command::Unit(cmd) => admin::unit(&open(&config).await?, cmd).await,
        Command::Token(cmd) => admin::token(&open(&config).await?, cmd).await,
        Command::Audit(AuditCommand::Verify) => admin::verify(&open(&config).await?).await,
        Command::Backup(args) => backup::backup(&config, &args).await,
        Command::Restore(args) => backup::restore(&config, &args).await,
        Command::Generate(args) => demo::generate(&config, &args).await,
        Command::Group(args) => text::group(&args),
        Command::Route(cmd) => text::route(&open(&config).await?, cmd).await,
        Command::Import(args) => import::import(&open(&config).await?, &args).await,
        // An export reads what is stored: no catch-up of search words or fingerprints first.
        Command::Export(crate::cli::ExportCommand::Ledger(args)) => {
            export::ledger(&open_as_is(&config).await?, &args).await
        }
        Command::Export(crate::cli::ExportCommand::Feedback(args)) => {
            export::feedback(&open_as_is(&config).await?, &args).await
        }
        Command::Report(args) => report::report(&open_as_is(&config).await?, &args).await,
        Command::Search(args) => text::search(&open(&config).await?, &args).await,
        Command::Eval(crate::cli::EvalCommand::Online { queries, seed, user }) => {
            measure::online(&open(&config).await?, queries, seed, &user).await
        }
        Command::Eval(cmd) => text::eval(cmd),
    }
}

/// Opens the configured database (creating the data directory for SQLite) and migrates it.
/// Opens the install as configured, with every record indexed and fingerprinted (commands that
/// search or group need them all).
pub(crate) async fn open(config: &Config) -> Result<app::App> {
    let app = open_as_is(config).await?;
    app.catch_up().await.map_err(say)?;
    Ok(app)
}

/// Opens the install as configured, leaving any catch-up to the caller (`serve` runs it while it
/// serves).
pub(crate) async fn open_as_is(config: &Config) -> Result<app::App> {
    if config.is_sqlite() {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("cannot create the data directory {}", config.data_dir.display()))?;
    }
    app::App::open(&config.database_url, clock(), config.settings())
        .await
        .map_err(|e| anyhow::anyhow!("{} ({})", e.message().zh, e.message().en))
        .with_context(|| format!("cannot open the database {}", config.redacted_url()))
}

/// The system clock. A debug build (the tests' binary) can be started at a fixed instant with
/// `ZHENGGAI_TEST_NOW` (RFC 3339), so that nodes started by a test agree on a day past a deadline;
/// a release build has no such switch.
fn clock() -> Arc<dyn domain::Clock> {
    #[cfg(debug_assertions)]
    if let Some(at) =
        std::env::var("ZHENGGAI_TEST_NOW").ok().and_then(|v| chrono::DateTime::parse_from_rfc3339(&v).ok())
    {
        return Arc::new(domain::FixedClock::new(at.with_timezone(&chrono::Utc)));
    }
    Arc::new(SystemClock)
}

/// A domain error as a one-line message in both languages.
pub(crate) fn say(e: domain::Error) -> anyhow::Error {
    let m = e.message();
    if let domain::Error::Internal(cause) = &e {
        return anyhow::anyhow!("{} ({cause})", m.zh);
    }
    anyhow::anyhow!("{} / {}", m.zh, m.en)
}

/// The campaign `key` names, by id, code prefix or name, among those `actor` may see.
pub(crate) async fn campaign_named(app: &app::App, actor: &app::Actor, key: &str) -> Result<domain::CampaignId> {
    let all = app.list_campaigns(actor).await.map_err(say)?;
    let found = all
        .iter()
        .find(|k| k.id.to_string() == key || k.code_prefix == key)
        .or_else(|| all.iter().find(|k| k.name == key));
    match found {
        Some(k) => Ok(k.id),
        None => anyhow::bail!("没有专项工作“{key}” no campaign named or numbered \"{key}\""),
    }
}
