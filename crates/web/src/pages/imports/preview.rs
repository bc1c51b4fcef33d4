//! 核对导入文件: the preview of a staged file — what it was read as, the column mapping, the
//! counts, the refused rows and the planned changes — built without writing anything.

use super::choices::Choices;
use super::{ImportKind, channel_opts, destinations, feedback_options};
use crate::AppState;
use crate::pages::i18n::Tr;
use crate::pages::kit::{Layout, PageCtx, page_message, render};
use crate::pages::list::{Opt, opts, unit_tree_opts};
use app::import::ImportMessage;
use app::ledger_import::{LedgerImportOptions, LedgerImportReport, read_ledger_file};
use app::message_file::{RejectedRow, likely_headers, read_message_file};
use askama::Template;
use axum::response::Response;
use domain::ledger::{LedgerColumn, MessageColumn};

/// The planned changes a preview lists one by one.
const CHANGES_LISTED: usize = 300;
/// The messages a preview shows as a sample.
const SAMPLE: usize = 10;

/// A refused row as the page lists it.
struct RowLine {
    row: usize,
    column: String,
    reason: String,
}

fn row_lines(tr: Tr, rows: &[RejectedRow]) -> Vec<RowLine> {
    rows.iter()
        .map(|r| RowLine { row: r.row, column: r.column.clone(), reason: r.reason.in_lang(tr.lang).to_string() })
        .collect()
}

/// One planned change.
struct ChangeLine {
    row: usize,
    number: String,
    column: String,
    before: String,
    after: String,
}

/// One message of the sample.
struct SampleLine {
    key: String,
    title: String,
    body: String,
    received: String,
    likes: i64,
}

/// A column and the file header that fills it, to be changed on the form.
struct MapRow {
    field: String,
    label: String,
    headers: Vec<Opt>,
}

#[derive(Template)]
#[template(path = "import_preview.html")]
struct PreviewPage {
    layout: Layout,
    kind: &'static str,
    staged: String,
    name: String,
    /// What the file was found to be, and its notes (填报单位…).
    read_as: String,
    notes: Vec<String>,
    /// The file's headers that fill no column: what they hold is not imported unless mapped.
    unknown: Vec<String>,
    /// Why the file cannot be imported as it stands (it is still shown so it can be mapped).
    error: Option<String>,
    counts: Vec<(String, String)>,
    rejected: Vec<RowLine>,
    refused: Vec<RowLine>,
    changes: Vec<ChangeLine>,
    more_changes: usize,
    sample: Vec<SampleLine>,
    mapping: Vec<MapRow>,
    campaigns: Vec<Opt>,
    units: Vec<Opt>,
    channels: Vec<Opt>,
    can_apply: bool,
    apply_hint: String,
}

/// The preview page for the staged file as `c` reads it.
pub(super) async fn preview(
    s: &AppState,
    ctx: &PageCtx,
    c: &Choices,
    bytes: Vec<u8>,
    stopped: Option<String>,
) -> Response {
    let tr = ctx.tr;
    let (campaigns, units) = match destinations(s, ctx).await {
        Ok(x) => x,
        Err(e) => return crate::pages::kit::domain_error(tr, &e),
    };
    let campaign = c.campaign_id.or_else(|| (campaigns.len() == 1).then(|| campaigns[0].id));
    let mut page = PreviewPage {
        layout: ctx.layout(tr.t("import-preview-title"), "import"),
        kind: c.kind.as_str(),
        staged: c.staged.as_str().to_string(),
        name: c.name.clone(),
        read_as: String::new(),
        notes: Vec::new(),
        unknown: Vec::new(),
        error: None,
        counts: Vec::new(),
        rejected: Vec::new(),
        refused: Vec::new(),
        changes: Vec::new(),
        more_changes: 0,
        sample: Vec::new(),
        mapping: Vec::new(),
        campaigns: opts(
            campaign.map(|k| k.to_string()).as_deref(),
            campaigns.iter().map(|k| (k.id.to_string(), k.name.clone())),
        ),
        units: unit_tree_opts(&units, c.unit_id.map(|u| u.to_string()).as_deref()),
        channels: channel_opts(tr, c.channel),
        can_apply: false,
        apply_hint: String::new(),
    };
    let options = Choices { campaign_id: campaign, ..c.clone() };
    match c.kind {
        ImportKind::Ledger => ledger_preview(s, ctx, &options, &bytes, &mut page).await,
        ImportKind::Feedback => feedback_preview(s, ctx, &options, &bytes, &mut page).await,
    }
    if let Some(reason) = stopped {
        page.error = Some(reason);
        page.can_apply = false;
    }
    if !page.can_apply && page.apply_hint.is_empty() {
        page.apply_hint = tr.t("import-cannot-apply");
    }
    render(&page)
}

fn kind_label(tr: Tr, kind: sheets::Kind) -> String {
    tr.t(match kind {
        sheets::Kind::Xlsx => "import-kind-xlsx",
        sheets::Kind::Xls => "import-kind-xls",
        sheets::Kind::Text => "import-kind-csv",
    })
}

/// A select per column, listing the file's headers, the one in use chosen.
fn mapping<C: Copy>(
    tr: Tr,
    columns: &[C],
    label: impl Fn(C) -> String,
    in_use: impl Fn(usize, C) -> Option<String>,
    headers: &[String],
) -> Vec<MapRow> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let chosen = in_use(i, *c).unwrap_or_default();
            let none = (String::new(), tr.t("import-column-none"));
            MapRow {
                field: format!("col{i}"),
                label: label(*c),
                headers: opts(
                    Some(&chosen),
                    std::iter::once(none).chain(headers.iter().map(|h| (h.clone(), h.clone()))),
                ),
            }
        })
        .collect()
}

async fn ledger_preview(s: &AppState, ctx: &PageCtx, c: &Choices, bytes: &[u8], page: &mut PreviewPage) {
    let tr = ctx.tr;
    let en = tr.lang == "en";
    let label = |col: LedgerColumn| if en { col.header_en().to_string() } else { col.header_zh().to_string() };
    let named = c.ledger_columns();
    let file = match read_ledger_file(bytes, &named) {
        Ok(f) => f,
        Err(e) => {
            page.error = Some(page_message(tr, &e));
            let headers = likely_headers(bytes);
            page.mapping = mapping(
                tr,
                LedgerColumn::ALL,
                label,
                |_, col| named.named.iter().find(|(n, _)| *n == col).map(|(_, h)| h.clone()),
                &headers,
            );
            return;
        }
    };
    page.read_as = kind_label(tr, file.kind);
    page.notes = file.notes.iter().map(|(k, v)| format!("{k}：{v}")).collect();
    page.unknown = file.unknown.clone();
    let headers: Vec<String> =
        file.columns.iter().map(|(_, h)| h.clone()).chain(file.unknown.iter().cloned()).collect();
    page.mapping = mapping(
        tr,
        LedgerColumn::ALL,
        label,
        |_, col| file.columns.iter().find(|(n, _)| *n == col).map(|(_, h)| h.clone()),
        &headers,
    );
    let options = LedgerImportOptions { campaign: c.campaign_id, dry_run: true };
    let report = match s.app.import_ledger(&ctx.actor, &file, &options).await {
        Ok(r) => r,
        Err(e) => {
            page.error = Some(page_message(tr, &e));
            return;
        }
    };
    show_ledger_plan(tr, &file, &report, page);
}

fn show_ledger_plan(
    tr: Tr,
    file: &app::ledger_import::LedgerFile,
    report: &LedgerImportReport,
    page: &mut PreviewPage,
) {
    let measures: usize = file.problems.iter().map(|p| p.measures.len()).sum();
    page.counts = vec![
        (tr.t("import-count-problems"), file.problems.len().to_string()),
        (tr.t("import-count-measures"), measures.to_string()),
        (tr.t("import-count-new"), report.created.to_string()),
        (tr.t("import-count-updated"), report.updated.to_string()),
        (tr.t("import-count-unchanged"), report.unchanged.to_string()),
        (tr.t("import-count-rejected"), report.rejected.len().to_string()),
        (tr.t("import-count-refused"), report.refused.len().to_string()),
    ];
    page.rejected = row_lines(tr, &report.rejected);
    page.refused = row_lines(tr, &report.refused);
    page.changes = report
        .changes
        .iter()
        .take(CHANGES_LISTED)
        .map(|ch| ChangeLine {
            row: ch.row,
            number: if ch.number.is_empty() { tr.t("import-new-problem") } else { ch.number.clone() },
            column: ch.column.clone(),
            before: ch.before.clone(),
            after: ch.after.clone(),
        })
        .collect();
    page.more_changes = report.changes.len().saturating_sub(CHANGES_LISTED);
    let nothing = report.created + report.updated == 0;
    page.can_apply = report.rejected.is_empty() && !nothing;
    if !report.rejected.is_empty() {
        page.apply_hint = tr.t("import-fix-rejected");
    } else if nothing {
        page.apply_hint = tr.t("import-nothing-to-do");
    }
}

async fn feedback_preview(s: &AppState, ctx: &PageCtx, c: &Choices, bytes: &[u8], page: &mut PreviewPage) {
    let tr = ctx.tr;
    let en = tr.lang == "en";
    let label = |col: MessageColumn| if en { col.label_en().to_string() } else { col.label_zh().to_string() };
    let named = c.message_columns();
    let chosen = |i: usize| c.columns.iter().find(|(x, _)| *x == i).map(|(_, h)| h.clone());
    let file = match read_message_file(bytes, &named) {
        Ok(f) => f,
        Err(e) => {
            page.error = Some(page_message(tr, &e));
            // Only when the file's header was not found is it read again for the likeliest row.
            page.mapping = mapping(tr, MessageColumn::ALL, label, |i, _| chosen(i), &likely_headers(bytes));
            return;
        }
    };
    let headers = &file.headers;
    page.read_as = kind_label(tr, file.kind);
    // The header each column was found under: the one chosen, else the first of its names the file has.
    let found = |i: usize, col: MessageColumn| {
        chosen(i).or_else(|| {
            headers.iter().find(|h| MessageColumn::from_header(&sheets::normalise_name(h)) == Some(col)).cloned()
        })
    };
    page.mapping = mapping(tr, MessageColumn::ALL, label, found, headers);
    let mapped: Vec<String> = MessageColumn::ALL.iter().enumerate().filter_map(|(i, c)| found(i, *c)).collect();
    page.unknown = headers.iter().filter(|h| !mapped.contains(h)).cloned().collect();
    page.rejected = row_lines(tr, &file.rejected);
    page.sample = file.messages.iter().take(SAMPLE).map(|m| sample_line(tr, m)).collect();
    let planned = async {
        let options = feedback_options(s, ctx, c, file.kind).await?;
        s.app.preview_messages(&ctx.actor, &options, &file.messages).await
    };
    let summary = match planned.await {
        Ok(p) => p,
        Err(e) => {
            page.error = Some(page_message(tr, &e));
            return;
        }
    };
    page.counts = vec![
        (tr.t("import-count-messages"), file.messages.len().to_string()),
        (tr.t("import-count-new"), summary.created.to_string()),
        (tr.t("import-count-before"), summary.existing.to_string()),
        (tr.t("import-count-rejected"), file.rejected.len().to_string()),
        (tr.t("import-count-blank"), file.blank.to_string()),
    ];
    page.can_apply = summary.created > 0;
    if summary.created == 0 {
        page.apply_hint = tr.t("import-nothing-to-do");
    } else if !file.rejected.is_empty() {
        page.apply_hint = tr.t("import-rejected-skipped");
    }
}

fn sample_line(tr: Tr, m: &ImportMessage) -> SampleLine {
    let body: String = m.body.chars().take(60).collect();
    let more = if m.body.chars().count() > 60 { "…" } else { "" };
    SampleLine {
        key: m.key.clone(),
        title: m.title.clone().unwrap_or_default(),
        body: format!("{body}{more}"),
        received: m.received_at.map(|t| tr.time(&t)).unwrap_or_default(),
        likes: m.likes,
    }
}
