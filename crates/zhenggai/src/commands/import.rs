//! `zhenggai import feedback FILE` (and `import --input FILE`): messages from an .xlsx, .xls or
//! .csv file (a 12345 platform's export, say) into the install as feedback, indexed, fingerprinted
//! and grouped as they are written. Bad rows are reported and the rest imported; a second import
//! of the same file adds nothing.

use super::admin::{all_units, find_unit};
use super::say;
use crate::cli::{FeedbackImportArgs, ImportArgs, ImportCommand};
use anyhow::{Context, Result, bail};
use app::import::ImportOptions;
use app::message_file::{MessageColumns, read_message_file};
use app::{Actor, App};
use indicatif::{ProgressBar, ProgressStyle};
use std::process::ExitCode;
use std::time::Instant;

/// The exit status when the file was imported but some of its rows were not.
const SOME_ROWS_REJECTED: u8 = 3;

pub(super) async fn import(app: &App, args: &ImportArgs) -> Result<ExitCode> {
    match &args.what {
        Some(ImportCommand::Feedback(feedback)) => import_feedback(app, feedback).await,
        Some(ImportCommand::Ledger(ledger)) => super::ledger_import::import_ledger(app, ledger).await,
        None => import_feedback(app, &args.feedback).await,
    }
}

async fn import_feedback(app: &App, args: &FeedbackImportArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let Some(path) = args.file.as_ref().or(args.input.as_ref()) else {
        bail!("请给出要导入的文件 name the file to import: zhenggai import feedback FILE");
    };
    let bytes = std::fs::read(path).with_context(|| format!("无法读取 cannot read {}", path.display()))?;
    let named = MessageColumns {
        key: args.id_column.clone(),
        title: args.title_column.clone(),
        body: args.text_column.clone(),
        received_at: args.time_column.clone(),
        likes: args.likes_column.clone(),
    };
    let file = read_message_file(&bytes, &named).map_err(say)?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let source = args.source.clone().unwrap_or_else(|| app::import::file_source(file.kind, &name));
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
    for bad in &file.rejected {
        eprintln!(
            "第 {} 行“{}”列：{}　row {}, column \"{}\": {}",
            bad.row, bad.column, bad.reason.zh, bad.row, bad.column, bad.reason.en
        );
    }
    let options = ImportOptions { source, unit, channel: args.channel };
    let bar = ProgressBar::new(file.messages.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let progress = |stage: &str, done: usize, total: usize| {
        bar.set_message(format!("导入中 importing ({stage})"));
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let summary =
        app.import_messages(&Actor::System("import"), &options, &file.messages, &progress).await.map_err(say)?;
    bar.finish_and_clear();
    println!(
        "导入完成：新增 {}，更新 0，未变 {}，拒绝 {}（用时 {:.1} 秒；{} 条关联到问题，{} 条待确认，{} 条疑似反弹）\n\
         imported in {:.1}s: {} new, 0 updated, {} unchanged, {} rejected; {} linked to problems, {} proposed, {} recurrences",
        summary.created,
        summary.existing,
        file.rejected.len(),
        started.elapsed().as_secs_f64(),
        summary.linked,
        summary.proposed,
        summary.recurrences,
        started.elapsed().as_secs_f64(),
        summary.created,
        summary.existing,
        file.rejected.len(),
        summary.linked,
        summary.proposed,
        summary.recurrences
    );
    Ok(if file.rejected.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(SOME_ROWS_REJECTED) })
}
