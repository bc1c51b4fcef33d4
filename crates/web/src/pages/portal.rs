//! The public portal (no sign-in): report a problem (text, kind, place, optional photo and
//! contact) and get a tracking code and a private rating key; track a report; browse published
//! rectifications (整改公示) with search; rate one's own closed report. A dissatisfied rating
//! reopens it. Submitting is rate-limited per client address.

use super::fields::choice;
use super::i18n::Tr;
use super::kit::see_other;
use super::kit::{CsrfForm, CsrfToken, Layout, PageCtx, csrf_matches, domain_error, error_page, render};
use super::list::{Opt, vocab_opts};
use crate::AppState;
use app::public::{PublicSubmission, RatingInput};
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use domain::feedback::FeedbackKind;
use domain::problem::Satisfaction;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/portal", get(form).post(submit).layer(axum::extract::DefaultBodyLimit::max(24 * 1024 * 1024)))
        .route("/portal/receipt", get(receipt))
        .route("/portal/track", get(track))
        .route("/portal/published", get(published))
        .route("/portal/published/{number}", get(published_one))
        .route("/portal/evidence/{id}", get(public_photo))
        .route("/portal/rate", get(rate_form).post(rate))
}

#[derive(Template)]
#[template(path = "portal_submit.html")]
struct SubmitPage {
    layout: Layout,
    kinds: Vec<Opt>,
    /// One per form shown: a report sent twice with the same key is filed once.
    submit_key: String,
    /// What was typed, when the report was refused: nothing typed is lost.
    kept: std::collections::HashMap<String, String>,
    /// Why it was refused, said above the form.
    error: Option<String>,
}

impl SubmitPage {
    fn kept(&self, field: &str) -> &str {
        self.kept.get(field).map(String::as_str).unwrap_or_default()
    }
}

async fn form(ctx: PageCtx) -> Response {
    submit_page(&ctx, Default::default(), None)
}

/// The report form, empty or as it was sent with why it was refused (a photo must be chosen
/// again: a browser never refills a file field).
fn submit_page(ctx: &PageCtx, kept: std::collections::HashMap<String, String>, error: Option<String>) -> Response {
    let tr = ctx.tr;
    let kind = kept.get("kind").map(String::as_str).filter(|k| !k.is_empty()).unwrap_or("complaint");
    let kinds = vocab_opts(&tr, "kind", FeedbackKind::ALL.iter().map(|v| v.as_str()), Some(kind));
    // A refused form keeps its key: sent again, it is still the same report.
    let submit_key = match kept.get("submit_key").cloned().map_or_else(|| app::secrets::new_secret("zgf_"), Ok) {
        Ok(key) => key,
        Err(e) => return domain_error(tr, &e),
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let mut res = render(&SubmitPage {
        layout: ctx.layout(tr.t("portal-submit-title"), "portal"),
        kinds,
        submit_key,
        kept,
        error,
    });
    *res.status_mut() = status;
    res
}

/// How long a receipt can be shown again, and a resent form recognised.
const RECEIPT_SECONDS: u64 = 600;
/// The cookie that carries a receipt to `/portal/receipt` (never the address: it holds the key).
const RECEIPT_COOKIE: &str = "zg_receipt";

/// Receipts of the reports the portal took in lately, by the form's submit key.
#[derive(Default)]
pub(crate) struct RecentSubmits(std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, String)>>);

impl RecentSubmits {
    fn window() -> std::time::Duration {
        std::time::Duration::from_secs(RECEIPT_SECONDS)
    }

    /// The receipt (`code~key`) a form with this key already got.
    fn get(&self, submit_key: &str) -> Option<String> {
        let map = self.0.lock().ok()?;
        map.get(submit_key).filter(|(at, _)| at.elapsed() < Self::window()).map(|(_, r)| r.clone())
    }

    fn remember(&self, submit_key: String, receipt: String) {
        if let Ok(mut map) = self.0.lock() {
            map.retain(|_, (at, _)| at.elapsed() < Self::window());
            map.insert(submit_key, (std::time::Instant::now(), receipt));
        }
    }
}

/// Post, redirect, get: the receipt travels in a short-lived cookie scoped to its page.
fn to_receipt(s: &AppState, receipt: &str) -> Response {
    let secure = if s.config.secure_cookies { "; Secure" } else { "" };
    let mut res = see_other("/portal/receipt");
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!(
        "{RECEIPT_COOKIE}={receipt}; Path=/portal/receipt; HttpOnly; SameSite=Strict; Max-Age={RECEIPT_SECONDS}{secure}"
    )) {
        res.headers_mut().append(axum::http::header::SET_COOKIE, v);
    }
    res
}

/// 回执: the tracking code and the rating key of the report just sent; a refresh shows it again.
async fn receipt(ctx: PageCtx, headers: axum::http::HeaderMap) -> Response {
    let tr = ctx.tr;
    match super::kit::cookie(&headers, RECEIPT_COOKIE).and_then(|v| v.split_once('~')) {
        Some((code, key)) => render(&ReceiptPage {
            layout: ctx.layout(tr.t("portal-receipt-title"), "portal"),
            code: code.to_string(),
            key_grouped: grouped(key),
        }),
        None => see_other("/portal/track"),
    }
}

#[derive(Template)]
#[template(path = "portal_receipt.html")]
struct ReceiptPage {
    layout: Layout,
    code: String,
    /// The rating key in groups of four (K7QM 3XPA), to read and write down; the form reads it
    /// back with or without the space.
    key_grouped: String,
}

/// A short key in groups of four characters; a long one (a key given before keys were short) as
/// it is.
fn grouped(key: &str) -> String {
    if key.len() > 12 {
        return key.to_string();
    }
    let chars: Vec<char> = key.chars().collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

async fn submit(
    State(s): State<AppState>,
    ctx: PageCtx,
    csrf: Option<Extension<CsrfToken>>,
    mut form: Multipart,
) -> Response {
    let csrf = csrf.map(|Extension(t)| t);
    let tr = ctx.tr;
    let mut fields = std::collections::HashMap::new();
    let mut photo: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                if name == "photo" {
                    let file_name = field.file_name().unwrap_or_default().to_string();
                    match field.bytes().await {
                        Ok(bytes) if !bytes.is_empty() => photo = Some((file_name, bytes.to_vec())),
                        Ok(_) => {}
                        Err(_) => return error_page(tr, StatusCode::PAYLOAD_TOO_LARGE, &tr.t("error-title")),
                    }
                } else if let Ok(text) = field.text().await {
                    fields.insert(name, text);
                }
            }
            Ok(None) => break,
            Err(_) => return error_page(tr, StatusCode::PAYLOAD_TOO_LARGE, &tr.t("error-title")),
        }
    }
    if !csrf_matches(csrf.as_ref(), fields.get("csrf").map(String::as_str).unwrap_or_default()) {
        return error_page(tr, StatusCode::FORBIDDEN, &tr.t("csrf-failed"));
    }
    let submit_key = fields.get("submit_key").map(|k| k.trim().to_string()).filter(|k| !k.is_empty());
    if let Some(done) = submit_key.as_deref().and_then(|k| s.recent_submits.get(k)) {
        return to_receipt(&s, &done);
    }
    if s.portal_limit.allow(ctx.client).is_err() {
        return error_page(tr, StatusCode::TOO_MANY_REQUESTS, &tr.t("portal-too-many"));
    }
    let get = |k: &str| fields.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let kind = match choice(&get("kind"), "kind") {
        Ok(kind) => kind,
        Err(e) => return submit_page(&ctx, fields, Some(super::kit::page_message(tr, &e))),
    };
    let input = PublicSubmission {
        body: fields.get("body").cloned().unwrap_or_default(),
        title: None,
        kind,
        campaign_id: None,
        address: get("address"),
        latitude: None,
        longitude: None,
        reporter_name: get("reporter_name"),
        reporter_contact: get("reporter_contact"),
    };
    let photo_ref = photo.as_ref().map(|(n, b)| (n.as_str(), b.as_slice()));
    match s.app.public_submit(&input, photo_ref).await {
        Ok(receipt) => {
            let done = format!("{}~{}", receipt.tracking_code, receipt.rating_key);
            if let Some(k) = submit_key {
                s.recent_submits.remember(k, done.clone());
            }
            to_receipt(&s, &done)
        }
        Err(e @ domain::Error::Internal(_)) => domain_error(tr, &e),
        Err(e) => {
            fields.remove("csrf");
            submit_page(&ctx, fields, Some(super::kit::page_message(tr, &e)))
        }
    }
}

#[derive(serde::Deserialize, Default)]
struct CodeQuery {
    code: Option<String>,
}

#[derive(Template)]
#[template(path = "portal_track.html")]
struct TrackPage {
    layout: Layout,
    code: String,
    found: Option<app::public::TrackingView>,
    status: String,
    deadline: String,
    received: String,
}

async fn track(State(s): State<AppState>, ctx: PageCtx, Query(q): Query<CodeQuery>) -> Response {
    let tr = ctx.tr;
    let code = q.code.unwrap_or_default().trim().to_string();
    let found = if code.is_empty() {
        None
    } else {
        match s.app.track(&code).await {
            Ok(v) => Some(v),
            Err(e) => return domain_error(tr, &e),
        }
    };
    let status = found.as_ref().map(|f| tr.label("status", f.status.as_str())).unwrap_or_default();
    let deadline = found.as_ref().and_then(|f| f.deadline).map(|d| tr.date(&d)).unwrap_or_default();
    let received = found.as_ref().map(|f| tr.time(&f.received_at)).unwrap_or_default();
    render(&TrackPage {
        layout: ctx.layout(tr.t("portal-track-title"), "track"),
        code,
        found,
        status,
        deadline,
        received,
    })
}

#[derive(serde::Deserialize, Default)]
struct PublishedQuery {
    q: Option<String>,
    cursor: Option<String>,
}

struct Published {
    number: String,
    title: String,
    status: String,
    unit: String,
    reply: String,
    reply_superseded: bool,
    reopened: bool,
    closed: String,
}

#[derive(Template)]
#[template(path = "portal_published.html")]
struct PublishedPage {
    layout: Layout,
    q: String,
    items: Vec<Published>,
    next_url: Option<String>,
}

async fn published(State(s): State<AppState>, ctx: PageCtx, Query(q): Query<PublishedQuery>) -> Response {
    let tr = ctx.tr;
    let search = q.q.clone().filter(|x| !x.trim().is_empty());
    match s.app.public_problems(q.cursor.clone(), Some(20), search.clone()).await {
        Ok(page) => render(&PublishedPage {
            layout: ctx.layout(tr.t("portal-published-title"), "published"),
            q: search.clone().unwrap_or_default(),
            items: page
                .items
                .into_iter()
                .map(|p| Published {
                    number: p.number,
                    title: p.title,
                    status: tr.label("status", p.status.as_str()),
                    unit: p.lead_unit.unwrap_or_default(),
                    reply: p.public_reply.unwrap_or_default(),
                    reply_superseded: p.reply_superseded,
                    reopened: p.reopened,
                    closed: p.closed_at.map(|t| tr.time(&t)).unwrap_or_default(),
                })
                .collect(),
            next_url: page.next_cursor.map(|c| {
                format!("/portal/published?q={}&cursor={c}", super::kit::urlencode(&search.unwrap_or_default()))
            }),
        }),
        Err(e) => domain_error(tr, &e),
    }
}

#[derive(Template)]
#[template(path = "portal_problem.html")]
struct PublishedOnePage {
    layout: Layout,
    p: app::public::PublicProblemDetail,
    status: String,
    received: String,
    deadline: String,
    closed: String,
    /// Each measure: what, its state, by when.
    measures: Vec<(String, String, String)>,
    /// The chosen photos, those of the problem as found first: each with 整改前 or 整改后.
    photos: Vec<(domain::EvidenceId, String)>,
}

/// A photo the office chose for a published problem's public page, shown in place.
async fn public_photo(
    State(s): State<AppState>,
    ctx: PageCtx,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> Response {
    match s.app.public_evidence_file(domain::EvidenceId::new(id)).await {
        Ok(f) => super::files::send_file(ctx.tr, &f, true).await,
        Err(e) => domain_error(ctx.tr, &e),
    }
}

/// 整改公示详情: one published rectification.
async fn published_one(
    State(s): State<AppState>,
    ctx: PageCtx,
    axum::extract::Path(number): axum::extract::Path<String>,
) -> Response {
    let tr = ctx.tr;
    match s.app.public_problem(&number).await {
        Ok(p) => render(&PublishedOnePage {
            layout: ctx.layout(format!("{} {}", p.summary.number, p.summary.title), "published"),
            status: tr.label("status", p.summary.status.as_str()),
            received: tr.date(&p.received_on),
            deadline: p.summary.deadline.map(|d| tr.date(&d)).unwrap_or_default(),
            closed: p.summary.closed_at.map(|t| tr.time(&t)).unwrap_or_default(),
            measures: p
                .measures
                .iter()
                .map(|m| {
                    (
                        m.description.clone(),
                        tr.label("measure", m.status.as_str()),
                        m.deadline.map(|d| tr.date(&d)).unwrap_or_default(),
                    )
                })
                .collect(),
            photos: {
                let mut photos: Vec<_> = p.photos.iter().map(|ph| (ph.phase, ph.id)).collect();
                photos.sort_by_key(|(phase, id)| (*phase != domain::problem::EvidencePhase::Before, *id));
                photos.into_iter().map(|(phase, id)| (id, tr.label("phase", phase.as_str()))).collect()
            },
            p,
        }),
        Err(e) => domain_error(tr, &e),
    }
}

#[derive(Template)]
#[template(path = "portal_rate.html")]
struct RatePage {
    layout: Layout,
    form: RateForm,
    solved: Vec<Opt>,
    satisfactions: Vec<Opt>,
    /// Why the rating was refused, said on the form that keeps what was typed.
    error: Option<String>,
    /// The report cannot be rated now (not closed, or declined): why, with no form.
    not_now: Option<String>,
    done: bool,
    status: String,
}

impl RatePage {
    fn new(layout: Layout, tr: Tr, form: RateForm, error: Option<String>) -> Self {
        let solved = [("yes", tr.t("yes")), ("no", tr.t("no"))]
            .into_iter()
            .map(|(value, label)| Opt { selected: form.solved == value, value: value.into(), label })
            .collect();
        let chosen = Some(form.satisfaction.as_str()).filter(|v| !v.is_empty());
        let satisfactions = vocab_opts(&tr, "satisfaction", Satisfaction::ALL.iter().map(|v| v.as_str()), chosen);
        Self { layout, form, solved, satisfactions, error, not_now: None, done: false, status: String::new() }
    }
}

async fn rate_form(State(s): State<AppState>, ctx: PageCtx, Query(q): Query<CodeQuery>) -> Response {
    let tr = ctx.tr;
    let form = RateForm { code: q.code.unwrap_or_default(), ..RateForm::default() };
    let mut page = RatePage::new(ctx.layout(tr.t("portal-rate-title"), "track"), tr, form, None);
    // A report that cannot be rated now says why instead of offering a form that would fail.
    if !page.form.code.trim().is_empty()
        && let Ok(view) = s.app.track(&page.form.code).await
        && !view.can_rate
    {
        let status = tr.label("status", view.status.as_str());
        page.not_now = Some(if view.status == "not_accepted" {
            tr.t("portal-rate-declined")
        } else {
            format!("{}（{}：{status}）", tr.t("portal-rate-not-yet"), tr.t("col-status"))
        });
    }
    render(&page)
}

/// The rating form as sent; kept whole when it is refused, so that nothing typed is lost. The
/// choices start empty: a satisfied rating is one the citizen made.
#[derive(serde::Deserialize, Default)]
struct RateForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    solved: String,
    #[serde(default)]
    satisfaction: String,
    #[serde(default)]
    comment: String,
}

async fn rate(State(s): State<AppState>, ctx: PageCtx, CsrfForm(f): CsrfForm<RateForm>) -> Response {
    let tr = ctx.tr;
    let refused = |f: RateForm, message: String| {
        render(&RatePage::new(ctx.layout(tr.t("portal-rate-title"), "track"), tr, f, Some(message)))
    };
    let solved = match f.solved.as_str() {
        "yes" => true,
        "no" => false,
        _ => return refused(f, tr.t("portal-rate-choose-solved")),
    };
    let Ok(satisfaction) = Satisfaction::parse(&f.satisfaction) else {
        return refused(f, tr.t("portal-rate-choose-satisfaction"));
    };
    if let Err(e) = s.rating_limit.allow(ctx.client) {
        return refused(f, super::kit::page_message(tr, &e));
    }
    let input = RatingInput {
        tracking_code: f.code.clone(),
        rating_key: f.key.clone(),
        solved,
        satisfaction,
        comment: Some(f.comment.clone()).filter(|c| !c.trim().is_empty()),
    };
    match s.app.public_rate(&input).await {
        Ok(view) => render(&RatePage {
            done: true,
            status: tr.label("status", view.status.as_str()),
            ..RatePage::new(ctx.layout(tr.t("portal-rate-title"), "track"), tr, f, None)
        }),
        Err(e @ (domain::Error::Internal(_) | domain::Error::Unauthenticated { .. })) => domain_error(tr, &e),
        Err(e) => refused(f, super::kit::page_message(tr, &e)),
    }
}
