//! `zhenggai import`: messages from a CSV file (a 12345 platform's export, say) into the install
//! as feedback, indexed, fingerprinted and grouped as they are written.

use super::admin::{all_units, find_unit};
use super::say;
use crate::cli::ImportArgs;
use anyhow::{Result, bail};
use app::import::{ImportMessage, ImportOptions};
use app::{Actor, App};
use std::process::ExitCode;
use std::time::Instant;

pub(super) async fn import(app: &App, args: &ImportArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let columns = app::generate::RealColumns {
        id: args.id_column.clone(),
        text: args.text_column.clone(),
        time: args.time_column.clone(),
        title: args.title_column.clone(),
        likes: args.likes_column.clone(),
    };
    let read = app::generate::read_messages(&args.input, &columns).map_err(say)?;
    let source = args.source.clone().or_else(|| read.first().map(|m| m.source.clone())).unwrap_or_default();
    let units = all_units(app).await?;
    let unit = match &args.unit {
        Some(key) => match find_unit(&units, key) {
            Some(id) => id,
            None => bail!("没有单位“{key}” no unit named or numbered \"{key}\" (nothing was imported)"),
        },
        None => match units.iter().find(|u| u.parent_id.is_none()) {
            Some(u) => u.id,
            None => bail!("安装中还没有单位 the install has no units yet: import them first (nothing was imported)"),
        },
    };
    let messages: Vec<ImportMessage> = read
        .into_iter()
        .map(|m| ImportMessage { key: m.id, title: m.title, body: m.text, received_at: m.at, likes: m.likes })
        .collect();
    let options = ImportOptions { source, unit, channel: args.channel };
    let progress = |stage: &str, done: usize, total: usize| {
        eprint!("\r导入中 importing ({stage}, {:.1}s): {done}/{total}   ", started.elapsed().as_secs_f64())
    };
    let summary = app.import_messages(&Actor::System("import"), &options, &messages, &progress).await.map_err(say)?;
    eprintln!();
    println!(
        "已导入 imported {} messages in {:.1}s: {} new, {} already there; {} linked to problems, {} proposed, {} recurrences",
        messages.len(),
        started.elapsed().as_secs_f64(),
        summary.created,
        summary.existing,
        summary.linked,
        summary.proposed,
        summary.recurrences
    );
    Ok(ExitCode::SUCCESS)
}
