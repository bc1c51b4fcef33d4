//! 导入: a ledger kept in Excel, or a file of citizens' messages, uploaded, previewed and applied
//! only when the user confirms. The preview says what the file was read as (its kind, which
//! header fills which column, adjustable), every refused row with its row number, column and
//! reason, and what the import would change; the bytes previewed are the bytes applied (kept by
//! their hash between the two, see `app::staged_import`).

use super::i18n::Tr;
use super::kit::{CsrfForm, Layout, PageCtx, error_page, page_message, render, see_other};
use super::list::{Opt, opts, unit_tree_opts};
use crate::AppState;
use app::import::{ImportMessage, ImportOptions};
use app::ledger_import::{LedgerColumns, LedgerImportOptions, LedgerImportReport, read_ledger_file};
use app::message_file::{MessageColumns, RejectedRow, likely_headers, read_message_file};
use app::staged_import::StagedId;
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use domain::feedback::Channel;
use domain::ledger::{LedgerColumn, MessageColumn};
use domain::{CampaignId, UnitId};

/// The largest file the upload takes; larger files go through `zhenggai import`.
const MAX_UPLOAD: usize = 64 * 1024 * 1024;
/// The planned changes a preview lists one by one.
const CHANGES_LISTED: usize = 300;
/// The messages a preview shows as a sample.
const SAMPLE: usize = 10;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/import", get(index).post(upload).layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD + 64 * 1024)))
        .route("/import/check", post(check))
        .route("/import/apply", post(apply))
}

/// What the file is to become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ImportKind {
    /// 整改台账: problems with their measures, new or updated by number.
    Ledger,
    /// 诉求: messages from the public, as feedback.
    Feedback,
}

impl ImportKind {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "ledger" => Some(Self::Ledger),
            "feedback" => Some(Self::Feedback),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Ledger => "ledger",
            Self::Feedback => "feedback",
        }
    }
}

/// The choices a preview form carries: the staged file, where it goes, and the column mapping.
#[derive(Debug, Clone)]
struct Choices {
    kind: ImportKind,
    staged: StagedId,
    /// The uploaded file's name, for the page and (for messages) the source they are known by.
    name: String,
    campaign_id: Option<CampaignId>,
    unit_id: Option<UnitId>,
    channel: Channel,
    /// Column (its index among the kind's columns) → the file's header, as the user mapped it.
    columns: Vec<(usize, String)>,
}

impl Choices {
    /// Reads the fields of the form; a missing or altered field is an error to show.
    fn from_pairs(pairs: &[(String, String)], staged: Option<StagedId>) -> Result<Self, domain::Error> {
        let field = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or_default();
        let kind = ImportKind::parse(field("kind"))
            .ok_or_else(|| domain::Error::invalid("kind", "请选择导入台账还是诉求", "choose a ledger or messages"))?;
        let staged = match staged {
            Some(s) => s,
            None => StagedId::parse(field("staged"))?,
        };
        let number = |name: &str| -> Result<Option<i64>, domain::Error> {
            match field(name) {
                "" => Ok(None),
                v => v.parse().map(Some).map_err(|_| domain::Error::invalid(name, "不是有效的编号", "not a valid id")),
            }
        };
        let channel = match field("channel") {
            "" => Channel::Hotline,
            c => Channel::parse(c)?,
        };
        let columns = pairs
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("col")?.parse::<usize>().ok()?, v.trim().to_string())))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        Ok(Self {
            kind,
            staged,
            name: field("name").to_string(),
            campaign_id: number("campaign_id")?.map(CampaignId::new),
            unit_id: number("unit_id")?.map(UnitId::new),
            channel,
            columns,
        })
    }

    fn ledger_columns(&self) -> LedgerColumns {
        LedgerColumns {
            named: self.columns.iter().filter_map(|(i, h)| Some((*LedgerColumn::ALL.get(*i)?, h.clone()))).collect(),
        }
    }

    fn message_columns(&self) -> MessageColumns {
        let named = |c: MessageColumn| {
            let index = MessageColumn::ALL.iter().position(|x| *x == c)?;
            self.columns.iter().find(|(i, _)| *i == index).map(|(_, h)| h.clone())
        };
        MessageColumns {
            key: named(MessageColumn::Key),
            title: named(MessageColumn::Title),
            body: named(MessageColumn::Body),
            received_at: named(MessageColumn::ReceivedAt),
            likes: named(MessageColumn::Likes),
        }
    }

    /// Where the messages say they came from: with each message's id, what makes a second
    /// import of the same file add nothing (the command line names its files the same way).
    fn source(&self, kind: sheets::Kind) -> String {
        let prefix = if kind == sheets::Kind::Text { "csv" } else { "file" };
        format!("{prefix}:{}", self.name)
    }
}

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
#[template(path = "import.html")]
struct IndexPage {
    layout: Layout,
    done: Option<String>,
    may_import_ledger: bool,
    may_import_feedback: bool,
    campaigns: Vec<Opt>,
    units: Vec<Opt>,
    channels: Vec<Opt>,
    max_mb: usize,
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

/// `?done=ledger&new=…`: what the last import did, as the page says it.
#[derive(serde::Deserialize, Default)]
struct Done {
    done: Option<String>,
    #[serde(default)]
    new: u64,
    #[serde(default)]
    updated: u64,
    #[serde(default)]
    unchanged: u64,
    #[serde(default)]
    rejected: u64,
    #[serde(default)]
    refused: u64,
}

impl Done {
    fn say(&self, tr: Tr) -> Option<String> {
        let kind = ImportKind::parse(self.done.as_deref()?)?;
        let en = tr.lang == "en";
        Some(match (kind, en) {
            (ImportKind::Ledger, false) => format!(
                "台账已导入：新增问题 {}，更新 {}，未变 {}；未导入的修改 {}。每处修改都记入了操作日志。",
                self.new, self.updated, self.unchanged, self.refused
            ),
            (ImportKind::Ledger, true) => format!(
                "The ledger was imported: {} new problems, {} updated, {} unchanged; {} changes not imported. Every change is in the audit log.",
                self.new, self.updated, self.unchanged, self.refused
            ),
            (ImportKind::Feedback, false) => format!(
                "诉求已导入：新增 {} 条，此前已导入 {} 条，未导入的行 {} 行。新诉求已归并分析，可在诉求受理中处理。",
                self.new, self.unchanged, self.rejected
            ),
            (ImportKind::Feedback, true) => format!(
                "The messages were imported: {} new, {} imported before, {} rows not imported. The new ones are grouped and wait in intake.",
                self.new, self.unchanged, self.rejected
            ),
        })
    }
}

fn channel_opts(tr: Tr, current: Channel) -> Vec<Opt> {
    opts(Some(current.as_str()), Channel::ALL.iter().map(|c| (c.as_str().to_string(), tr.label("channel", c.as_str()))))
}

/// The campaigns and units the reader may send a file's records to.
async fn destinations(
    s: &AppState,
    ctx: &PageCtx,
) -> Result<(Vec<app::views::CampaignView>, Vec<app::views::UnitView>), domain::Error> {
    Ok((s.app.list_campaigns(&ctx.actor).await?, s.app.list_units(&ctx.actor).await?))
}

async fn index(State(s): State<AppState>, ctx: PageCtx, Query(done): Query<Done>) -> Response {
    let principal = match ctx.require_user() {
        Ok(p) => p.clone(),
        Err(redirect) => return redirect,
    };
    let tr = ctx.tr;
    let (campaigns, units) = match destinations(&s, &ctx).await {
        Ok(x) => x,
        Err(e) => return super::kit::domain_error(tr, &e),
    };
    render(&IndexPage {
        layout: ctx.layout(tr.t("import-title"), "import"),
        done: done.say(tr),
        may_import_ledger: principal.keeps_a_ledger(),
        may_import_feedback: principal.runs_a_list(),
        campaigns: opts(
            (campaigns.len() == 1).then(|| campaigns[0].id.to_string()).as_deref(),
            campaigns.iter().map(|c| (c.id.to_string(), c.name.clone())),
        ),
        units: unit_tree_opts(&units, None),
        channels: channel_opts(tr, Channel::Hotline),
        max_mb: MAX_UPLOAD / (1024 * 1024),
    })
}

/// The upload: the file kept, then previewed.
async fn upload(
    State(s): State<AppState>,
    ctx: PageCtx,
    expected: Option<axum::extract::Extension<super::kit::CsrfToken>>,
    mut form: Multipart,
) -> Response {
    let tr = ctx.tr;
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let too_large = || {
        let mb = MAX_UPLOAD / (1024 * 1024);
        let message = if tr.lang == "en" {
            format!("The file is over the limit of {mb} MB: import it with the command line (zhenggai import)")
        } else {
            format!("文件超过 {mb} MB 的上限，请用命令行导入（zhenggai import）")
        };
        error_page(tr, StatusCode::PAYLOAD_TOO_LARGE, &message)
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut file: Option<(String, axum::body::Bytes)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                if name == "file" {
                    let file_name = field.file_name().unwrap_or_default().to_string();
                    match field.bytes().await {
                        Ok(bytes) => file = Some((file_name, bytes)),
                        Err(_) => return too_large(),
                    }
                } else {
                    pairs.push((name, field.text().await.unwrap_or_default()));
                }
            }
            Ok(None) => break,
            Err(_) => return too_large(),
        }
    }
    let sent = pairs.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or_default();
    if !super::kit::csrf_matches(expected.map(|e| e.0).as_ref(), sent) {
        return error_page(tr, StatusCode::FORBIDDEN, &tr.t("csrf-failed"));
    }
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return error_page(tr, StatusCode::UNPROCESSABLE_ENTITY, &tr.t("import-no-file"));
    };
    let staged = match s.app.stage_import(&ctx.actor, &bytes).await {
        Ok(id) => id,
        Err(e) => return super::kit::domain_error(tr, &e),
    };
    pairs.retain(|(k, _)| k != "name");
    pairs.push(("name".into(), file_name));
    match Choices::from_pairs(&pairs, Some(staged)) {
        Ok(choices) => preview(&s, &ctx, &choices, bytes.to_vec(), None).await,
        Err(e) => super::kit::domain_error(tr, &e),
    }
}

/// The preview again, with the columns or the destination changed.
async fn check(State(s): State<AppState>, ctx: PageCtx, CsrfForm(pairs): CsrfForm<Vec<(String, String)>>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let choices = match Choices::from_pairs(&pairs, None) {
        Ok(c) => c,
        Err(e) => return super::kit::domain_error(ctx.tr, &e),
    };
    match s.app.staged_import(&ctx.actor, &choices.staged).await {
        Ok(bytes) => preview(&s, &ctx, &choices, bytes, None).await,
        Err(e) => super::kit::domain_error(ctx.tr, &e),
    }
}

/// The import, once confirmed: applied, then said on the import page; if anything stops it,
/// the preview again with the reason and nothing written.
async fn apply(State(s): State<AppState>, ctx: PageCtx, CsrfForm(pairs): CsrfForm<Vec<(String, String)>>) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    let tr = ctx.tr;
    let choices = match Choices::from_pairs(&pairs, None) {
        Ok(c) => c,
        Err(e) => return super::kit::domain_error(tr, &e),
    };
    let bytes = match s.app.staged_import(&ctx.actor, &choices.staged).await {
        Ok(b) => b,
        Err(e) => return super::kit::domain_error(tr, &e),
    };
    let outcome = match choices.kind {
        ImportKind::Ledger => apply_ledger(&s, &ctx, &choices, &bytes).await,
        ImportKind::Feedback => apply_feedback(&s, &ctx, &choices, &bytes).await,
    };
    match outcome {
        Ok(to) => {
            s.app.drop_staged_import(&choices.staged).await;
            see_other(&to)
        }
        Err(e) => preview(&s, &ctx, &choices, bytes, Some(page_message(tr, &e))).await,
    }
}

async fn apply_ledger(s: &AppState, ctx: &PageCtx, c: &Choices, bytes: &[u8]) -> Result<String, domain::Error> {
    let file = read_ledger_file(bytes, &c.ledger_columns())?;
    let options = LedgerImportOptions { campaign: c.campaign_id, dry_run: false };
    let report = s.app.import_ledger(&ctx.actor, &file, &options).await?;
    if !report.applied {
        return Err(domain::Error::invalid(
            "file",
            format!("有 {} 行被拒绝，文件未导入；请改正后重新上传", report.rejected.len()),
            format!(
                "{} rows were rejected, so nothing was imported: correct them and upload again",
                report.rejected.len()
            ),
        ));
    }
    Ok(format!(
        "/import?done=ledger&new={}&updated={}&unchanged={}&refused={}",
        report.created,
        report.updated,
        report.unchanged,
        report.refused.len()
    ))
}

async fn apply_feedback(s: &AppState, ctx: &PageCtx, c: &Choices, bytes: &[u8]) -> Result<String, domain::Error> {
    let file = read_message_file(bytes, &c.message_columns())?;
    let options = feedback_options(s, ctx, c, file.kind).await?;
    let summary = s.app.import_messages(&ctx.actor, &options, &file.messages, &|_, _, _| {}).await?;
    Ok(format!(
        "/import?done=feedback&new={}&unchanged={}&rejected={}",
        summary.created,
        summary.existing,
        file.rejected.len()
    ))
}

/// Where imported messages go: the unit chosen, else the top of the tree the reader sees.
async fn feedback_options(
    s: &AppState,
    ctx: &PageCtx,
    c: &Choices,
    kind: sheets::Kind,
) -> Result<ImportOptions, domain::Error> {
    let unit = match c.unit_id {
        Some(u) => u,
        None => s
            .app
            .list_units(&ctx.actor)
            .await?
            .first()
            .map(|u| u.id)
            .ok_or_else(|| domain::Error::invalid("unit_id", "请选择受理单位", "choose the receiving unit"))?,
    };
    Ok(ImportOptions { source: c.source(kind), unit, channel: c.channel })
}

/// The preview page for the staged file as `c` reads it.
async fn preview(s: &AppState, ctx: &PageCtx, c: &Choices, bytes: Vec<u8>, stopped: Option<String>) -> Response {
    let tr = ctx.tr;
    let (campaigns, units) = match destinations(s, ctx).await {
        Ok(x) => x,
        Err(e) => return super::kit::domain_error(tr, &e),
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
    let headers = likely_headers(bytes);
    let file = match read_message_file(bytes, &named) {
        Ok(f) => f,
        Err(e) => {
            page.error = Some(page_message(tr, &e));
            page.mapping = mapping(tr, MessageColumn::ALL, label, |i, _| chosen(i), &headers);
            return;
        }
    };
    page.read_as = kind_label(tr, file.kind);
    // The header each column was found under: the one chosen, else the first of its names the file has.
    let found = |i: usize, col: MessageColumn| {
        chosen(i).or_else(|| {
            headers.iter().find(|h| MessageColumn::from_header(&sheets::normalise_name(h)) == Some(col)).cloned()
        })
    };
    page.mapping = mapping(tr, MessageColumn::ALL, label, found, &headers);
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
