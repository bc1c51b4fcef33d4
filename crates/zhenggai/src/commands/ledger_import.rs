//! `zhenggai import ledger FILE [--as USER] [--campaign C] [--column 列=表头]… [--dry-run]`: a
//! ledger kept in Excel read and applied as one change set. Rejected rows, refused changes and
//! (on a dry run) every planned change are printed; a file with a rejected row changes nothing.

use super::say;
use crate::cli::LedgerImportArgs;
use anyhow::{Context, Result};
use app::App;
use app::ledger_import::{LedgerColumns, LedgerImportOptions, read_ledger_file};
use indicatif::ProgressBar;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The exit status when rows were rejected and so nothing was imported.
const ROWS_REJECTED: u8 = 3;

pub(super) async fn import_ledger(app: &App, args: &LedgerImportArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let bytes = std::fs::read(&args.file).with_context(|| format!("无法读取 cannot read {}", args.file.display()))?;
    let named = LedgerColumns {
        named: args
            .columns
            .iter()
            .map(|pair| LedgerColumns::parse_pair(pair))
            .collect::<domain::Result<_>>()
            .map_err(say)?,
    };
    let actor = app.act_as(&args.user).await.map_err(say)?;
    let campaign = match &args.campaign {
        None => None,
        Some(key) => Some(super::campaign_named(app, &actor, key).await.context("nothing was imported")?),
    };
    let bar = ProgressBar::new_spinner();
    bar.enable_steady_tick(Duration::from_millis(120));
    bar.set_message("读取文件 reading the file");
    let file = read_ledger_file(&bytes, &named).map_err(say)?;
    bar.set_message(format!("核对 {} 个问题 checking {} problems", file.problems.len(), file.problems.len()));
    let options = LedgerImportOptions { campaign, dry_run: args.dry_run };
    let report = app.import_ledger(&actor, &file, &options).await.map_err(say)?;
    bar.finish_and_clear();
    for bad in &report.rejected {
        eprintln!(
            "拒绝：第 {} 行“{}”列：{}　rejected: row {}, column \"{}\": {}",
            bad.row, bad.column, bad.reason.zh, bad.row, bad.column, bad.reason.en
        );
    }
    for kept in &report.refused {
        eprintln!(
            "未导入：第 {} 行“{}”列：{}　not imported: row {}, column \"{}\": {}",
            kept.row, kept.column, kept.reason.zh, kept.row, kept.column, kept.reason.en
        );
    }
    if args.dry_run {
        for c in &report.changes {
            let number = if c.number.is_empty() { "新问题 new".to_string() } else { c.number.clone() };
            println!("第 {} 行 {number}「{}」：“{}” → “{}”", c.row, c.column, c.before, c.after);
        }
    }
    let (zh_state, en_state) = if report.applied {
        ("导入完成", "imported")
    } else if report.rejected.is_empty() {
        ("核对完成（未写入）", "checked, nothing written")
    } else {
        ("有被拒绝的行，文件未导入", "rows were rejected, so nothing was imported")
    };
    println!(
        "{zh_state}：新增 {}，更新 {}，未变 {}，拒绝 {}，未导入的修改 {}（用时 {:.1} 秒）\n\
         {en_state} in {:.1}s: {} new, {} updated, {} unchanged, {} rejected, {} changes not imported",
        report.created,
        report.updated,
        report.unchanged,
        report.rejected.len(),
        report.refused.len(),
        started.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64(),
        report.created,
        report.updated,
        report.unchanged,
        report.rejected.len(),
        report.refused.len()
    );
    Ok(if report.rejected.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(ROWS_REJECTED) })
}
