//! `zhenggai export ledger -o FILE.xlsx|FILE.csv [--filter QUERY]`: the ledger as units keep it,
//! for every problem the list's filters find (the command line sees the whole install); and
//! `zhenggai export feedback -o FILE [--filter QUERY] [--as USER]`, the feedback a user may see.

use super::say;
use crate::cli::{ExportFeedbackArgs, ExportLedgerArgs};
use anyhow::{Context, Result, bail};
use app::ledger_export::LedgerFormat;
use app::problems::ProblemQuery;
use app::{Actor, App};
use std::process::ExitCode;
use std::time::Instant;

pub(super) async fn ledger(app: &App, args: &ExportLedgerArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let extension = args.output.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let format = match extension.as_deref() {
        Some("xlsx") => LedgerFormat::Xlsx,
        Some("csv") => LedgerFormat::Csv,
        _ => bail!("导出文件须以 .xlsx 或 .csv 结尾 the output must end in .xlsx or .csv: {}", args.output.display()),
    };
    let query: ProblemQuery = serde_html_form::from_str(args.filter.trim_start_matches('?'))
        .with_context(|| format!("筛选条件无法识别 the filter is not understood: {}", args.filter))?;
    let written = app.export_ledger(&Actor::System("export"), &query, format).await.map_err(say)?;
    std::fs::write(&args.output, &written.bytes)
        .with_context(|| format!("无法写入 cannot write {}", args.output.display()))?;
    println!(
        "已导出 {} 个问题（{} 行）到 {}，用时 {:.1} 秒 / exported {} problems ({} rows) to {} in {:.1}s",
        written.problems,
        written.rows,
        args.output.display(),
        started.elapsed().as_secs_f64(),
        written.problems,
        written.rows,
        args.output.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn feedback(app: &App, args: &ExportFeedbackArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let extension = args.output.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let write: fn(&app::feedback_export::FeedbackExport) -> domain::Result<Vec<u8>> = match extension.as_deref() {
        Some("xlsx") => app::feedback_export::write_xlsx,
        Some("csv") => app::feedback_export::write_csv,
        _ => bail!("导出文件须以 .xlsx 或 .csv 结尾 the output must end in .xlsx or .csv: {}", args.output.display()),
    };
    let query: app::feedback::FeedbackQuery = serde_html_form::from_str(args.filter.trim_start_matches('?'))
        .with_context(|| format!("筛选条件无法识别 the filter is not understood: {}", args.filter))?;
    let actor = app.act_as(&args.user).await.map_err(say)?;
    let export = app.feedback_export(&actor, &query).await.map_err(say)?;
    let bytes = write(&export).map_err(say)?;
    std::fs::write(&args.output, bytes).with_context(|| format!("无法写入 cannot write {}", args.output.display()))?;
    let n = export.items.len();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "已导出 {n} 条诉求到 {}，用时 {secs:.1} 秒 / exported {n} feedback items to {} in {secs:.1}s",
        args.output.display(),
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}
