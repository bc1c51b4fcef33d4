//! `zhenggai demo` and `zhenggai generate`: a ready install filled by the project's generator (or
//! real messages from a CSV), then served.

use super::say;
use crate::cli::{DemoArgs, GenerateArgs};
use crate::config::Config;
use anyhow::{Context, Result, bail};
use std::process::ExitCode;
use std::time::Instant;

/// Marks a data directory as the demo's, so that a later `demo` may wipe it and nothing else.
const DEMO_MARKER: &str = ".zhenggai-demo";

fn prepare_sqlite_dir(config: &Config) -> Result<()> {
    let Some(db) = config.sqlite_path() else {
        return Ok(());
    };
    if db.exists() {
        if !config.data_dir.join(DEMO_MARKER).exists() {
            bail!(
                "{} holds an install that is not a demo; run the demo with another --data-dir (nothing was changed)",
                config.data_dir.display()
            );
        }
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        let _ = std::fs::remove_dir_all(config.data_dir.join("files"));
    }
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create {}", config.data_dir.display()))?;
    std::fs::write(
        config.data_dir.join(DEMO_MARKER),
        "made by zhenggai demo; `zhenggai demo` may wipe this directory\n",
    )?;
    Ok(())
}

async fn ensure_empty(app: &app::App) -> Result<()> {
    let mut pooled = app.db.acquire().await.map_err(say)?;
    if store::units::count_units(&mut pooled.conn()).await.map_err(say)? > 0 {
        bail!("the database already holds data; the demo needs an empty one (nothing was changed)");
    }
    Ok(())
}

pub(crate) async fn demo(config: &Config, args: &DemoArgs) -> Result<ExitCode> {
    let started = Instant::now();
    if config.is_sqlite() {
        prepare_sqlite_dir(config)?;
    }
    let app = super::open(config).await?;
    ensure_empty(&app).await?;
    let real = match &args.data {
        Some(path) => {
            let cols = app::generate::RealColumns {
                id: args.id_column.clone(),
                text: args.text_column.clone(),
                time: Some(args.time_column.clone()),
                title: args.title_column.clone(),
                likes: args.likes_column.clone(),
            };
            Some(app::generate::read_messages(path, &cols).map_err(say)?)
        }
        None => None,
    };
    let spec = app::generate::DemoSpec { feedback: args.feedback, problems: args.problems, ..Default::default() };
    let real_count = real.as_ref().map(Vec::len);
    let logins = app::generate::demo(&app, &spec, real).await.map_err(say)?;
    println!(
        "演示数据已生成 demo data ready in {:.1}s: {} feedback, up to {} problems",
        started.elapsed().as_secs_f64(),
        real_count.unwrap_or(spec.feedback),
        spec.problems
    );
    println!("登录账号 logins (password):");
    for l in &logins {
        println!("  {:<12} {:<28} {} / {}", l.username, l.password, l.role.label_zh(), l.unit);
    }
    if args.no_serve {
        return Ok(ExitCode::SUCCESS);
    }
    super::serve::serve(config, app).await
}

pub(crate) async fn generate(config: &Config, args: &GenerateArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let app = super::open_as_is(config).await?;
    ensure_empty(&app).await?;
    let spec = app::generate::BulkSpec {
        problems: args.problems,
        feedback: args.feedback,
        seed: args.seed,
        indexed: !args.without_index,
    };
    let progress = |done: usize, total: usize| {
        eprint!("\r生成中 generating: {done}/{total}");
    };
    let logins = app::generate::bulk(&app, &spec, &progress).await.map_err(say)?;
    eprintln!();
    println!(
        "已生成 generated {} problems and {} feedback in {:.1}s",
        args.problems,
        args.feedback,
        started.elapsed().as_secs_f64()
    );
    for l in &logins {
        println!("  {:<12} {}", l.username, l.password);
    }
    Ok(ExitCode::SUCCESS)
}
