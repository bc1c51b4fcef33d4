//! `zhenggai export ledger -o FILE.xlsx|FILE.csv [--filter QUERY]`: the ledger as units keep it,
//! for every problem the list's filters find (the command line sees the whole install).

use super::say;
use crate::cli::ExportLedgerArgs;
use anyhow::{Context, Result, bail};
use app::problems::ProblemQuery;
use app::{Actor, App};
use std::process::ExitCode;
use std::time::Instant;

pub(super) async fn ledger(app: &App, args: &ExportLedgerArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let extension = args.output.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let write: fn(&app::ledger_export::Ledger) -> domain::Result<Vec<u8>> = match extension.as_deref() {
        Some("xlsx") => app::ledger_export::write_xlsx,
        Some("csv") => app::ledger_export::write_csv,
        _ => bail!("导出文件须以 .xlsx 或 .csv 结尾 the output must end in .xlsx or .csv: {}", args.output.display()),
    };
    let query: ProblemQuery = serde_html_form::from_str(args.filter.trim_start_matches('?'))
        .with_context(|| format!("筛选条件无法识别 the filter is not understood: {}", args.filter))?;
    let ledger = app.ledger(&Actor::System("export"), &query).await.map_err(say)?;
    let bytes = write(&ledger).map_err(say)?;
    std::fs::write(&args.output, bytes).with_context(|| format!("无法写入 cannot write {}", args.output.display()))?;
    let rows: usize = ledger.problems.iter().map(|p| p.measures.len()).sum();
    println!(
        "已导出 {} 个问题（{} 行）到 {}，用时 {:.1} 秒 / exported {} problems ({} rows) to {} in {:.1}s",
        ledger.problems.len(),
        rows,
        args.output.display(),
        started.elapsed().as_secs_f64(),
        ledger.problems.len(),
        rows,
        args.output.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
