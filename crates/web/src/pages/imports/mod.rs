//! 导入: a ledger kept in Excel, or a file of citizens' messages, uploaded, previewed and applied
//! only when the user confirms. The preview says what the file was read as (its kind, which
//! header fills which column, adjustable), every refused row with its row number, column and
//! reason, and what the import would change; the bytes previewed are the bytes applied (kept by
//! their hash between the two, see `app::staged_import`).

mod choices;
mod preview;

use super::i18n::Tr;
use super::kit::{CsrfForm, Layout, PageCtx, error_page, page_message, render, see_other};
use super::list::{Opt, opts, unit_tree_opts};
use crate::AppState;
use app::import::ImportOptions;
use app::ledger_import::{LedgerImportOptions, read_ledger_file};
use app::message_file::read_message_file;
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use choices::Choices;
use domain::feedback::Channel;
use preview::preview;

/// The largest file the upload takes; larger files go through `zhenggai import`.
const MAX_UPLOAD: usize = 64 * 1024 * 1024;

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
