//! `zhenggai backup` and `restore`. SQLite: `VACUUM INTO`, a consistent copy taken inside one read
//! transaction while the server keeps running; restore checks the copy's audit chain before it
//! replaces anything. PostgreSQL: `pg_dump` / `pg_restore` in their custom format.

use super::say;
use crate::cli::{BackupArgs, RestoreArgs};
use crate::config::Config;
use anyhow::{Context, Result, bail};
use std::process::ExitCode;
use std::sync::Arc;

pub(crate) async fn backup(config: &Config, args: &BackupArgs) -> Result<ExitCode> {
    if args.output.exists() {
        bail!("{} already exists; choose a new file so that no backup is overwritten", args.output.display());
    }
    if let Some(parent) = args.output.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    if config.is_sqlite() {
        let db = store::Db::connect(&config.database_url).await.map_err(say)?;
        let target = args.output.to_string_lossy().replace('\'', "''");
        db.execute_raw(format!("vacuum into '{target}'")).await.map_err(say)?;
        db.close().await;
    } else {
        let status = std::process::Command::new("pg_dump")
            .args(["--format=custom", "--no-owner", "--file"])
            .arg(&args.output)
            .arg(&config.database_url)
            .status()
            .context("cannot run pg_dump (install the PostgreSQL client tools)")?;
        if !status.success() {
            bail!("pg_dump failed ({status})");
        }
    }
    let size = std::fs::metadata(&args.output).map(|m| m.len()).unwrap_or(0);
    println!("备份完成 backup written: {} ({size} bytes)", args.output.display());
    Ok(ExitCode::SUCCESS)
}

pub(crate) async fn restore(config: &Config, args: &RestoreArgs) -> Result<ExitCode> {
    if !args.input.exists() {
        bail!("{} does not exist", args.input.display());
    }
    if !config.is_sqlite() {
        let status = std::process::Command::new("pg_restore")
            .args(["--clean", "--if-exists", "--no-owner", "--dbname"])
            .arg(&config.database_url)
            .arg(&args.input)
            .status()
            .context("cannot run pg_restore (install the PostgreSQL client tools)")?;
        if !status.success() {
            bail!("pg_restore failed ({status})");
        }
        return check(config).await;
    }
    let Some(target) = config.sqlite_path() else { bail!("the database URL names no file") };
    if target.exists() && !args.force {
        bail!("{} exists; stop the server and pass --force to replace it", target.display());
    }
    // Check a scratch copy first: a damaged backup must not replace a working database.
    let scratch = target.with_extension("restoring");
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let _ = std::fs::remove_file(&scratch);
    std::fs::copy(&args.input, &scratch)
        .with_context(|| format!("cannot copy {} to {}", args.input.display(), scratch.display()))?;
    let url = format!("sqlite://{}", scratch.display());
    let app = app::App::open(&url, Arc::new(domain::SystemClock), config.settings())
        .await
        .map_err(|e| anyhow::anyhow!("{} is not a zhenggai backup: {}", args.input.display(), e.message().en))?;
    let report = app.verify_audit().await.map_err(say)?;
    app.db.close().await;
    if let Some(bad) = report.first_bad {
        let _ = std::fs::remove_file(&scratch);
        bail!("the backup's audit log is broken at row {}: {}", bad.seq, bad.reason);
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", target.display()));
    }
    std::fs::rename(&scratch, &target)
        .with_context(|| format!("cannot move the restored database to {}", target.display()))?;
    println!("恢复完成 restored {} ({} audit rows verified)", target.display(), report.rows_checked);
    Ok(ExitCode::SUCCESS)
}

async fn check(config: &Config) -> Result<ExitCode> {
    let app = super::open(config).await?;
    super::admin::verify(&app).await
}
