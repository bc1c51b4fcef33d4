//! `zhenggai report weekly|summary --campaign C [--from D --to D] -o FILE.docx|FILE.html`: the
//! report the web's 报告 page shows, written to a file.

use super::{campaign_named, say};
use crate::cli::ReportArgs;
use anyhow::{Context, Result, bail};
use app::App;
use app::reports::ReportQuery;
use domain::report::ReportKind;
use std::process::ExitCode;

pub(super) async fn report(app: &App, args: &ReportArgs) -> Result<ExitCode> {
    let extension = args.output.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let docx = match extension.as_deref() {
        Some("docx") => true,
        Some("html" | "htm") => false,
        _ => bail!("报告文件须以 .docx 或 .html 结尾 the output must end in .docx or .html: {}", args.output.display()),
    };
    let actor = app.act_as(&args.user).await.map_err(say)?;
    let kind = ReportKind::parse(&args.kind).map_err(say)?;
    let campaign_id = campaign_named(app, &actor, &args.campaign).await?;
    let query = ReportQuery { kind, campaign_id, from: args.from, to: args.to };
    let report = app.report(&actor, &query).await.map_err(say)?;
    let lang = if args.lang == "en" { "en" } else { "zh" };
    let bytes = if docx {
        web::reports::docx(&report, lang).map_err(say)?
    } else {
        web::reports::file_html(&report, lang).map_err(say)?.into_bytes()
    };
    std::fs::write(&args.output, bytes).with_context(|| format!("无法写入 cannot write {}", args.output.display()))?;
    println!(
        "已生成{}（{} 至 {}）：{} / wrote the {} report for {} to {} to {}",
        kind.label_zh(),
        report.from,
        report.to,
        args.output.display(),
        kind,
        report.from,
        report.to,
        args.output.display()
    );
    Ok(ExitCode::SUCCESS)
}
