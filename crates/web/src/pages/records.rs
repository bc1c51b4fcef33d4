//! The records a unit adds to a problem on its page — measures, progress notes, evidence, the
//! rectification details — and the office's choice of the photos the public sees. Each goes back
//! to the problem's page saying what was done, or says there why it was refused, keeping what was
//! typed.

use super::detail::page_with_refusal;
use super::fields::{date, text};
use super::i18n::Tr;
use super::kit::{CsrfForm, PageCtx, domain_error, error_page, see_other};
use crate::AppState;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use domain::problem::{EvidencePhase, MeasureStatus};
use domain::{EvidenceId, FeedbackId, MeasureId, ProblemId};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/problems/{id}/edit", post(edit))
        .route("/problems/{id}/measures", post(add_measure))
        .route("/measures/{id}/status", post(measure_status))
        .route("/problems/{id}/notes", post(add_note))
        .route("/problems/{id}/scoring", post(decide_scoring))
        .route("/feedback/{id}/reply", post(reply_to_report))
        .route("/problems/{id}/evidence", post(upload).layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024)))
        .route("/evidence/{id}/public", post(choose_public))
}

#[derive(serde::Deserialize)]
struct EditForm {
    version: i64,
    /// The causes ticked (根源分析); every box unticked clears them.
    #[serde(default)]
    root_cause_ids: Vec<domain::RootCauseId>,
    root_cause: Option<String>,
    public_reply: Option<String>,
    responsible_person: Option<String>,
}

async fn edit(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<EditForm>,
) -> Response {
    let patch = app::problems::ProblemPatch {
        version: f.version,
        root_cause: Some(text(&f.root_cause)),
        public_reply: Some(text(&f.public_reply)),
        responsible_person: Some(text(&f.responsible_person)),
        ..Default::default()
    };
    let causes = app::mechanisms::ProblemCausesInput { root_cause_ids: f.root_cause_ids.clone() };
    // The patch first: it checks the version the form was read at.
    let saved = match s.app.update_problem(&ctx.actor, ProblemId::new(id), &patch).await {
        Ok(_) => s.app.set_problem_root_causes(&ctx.actor, ProblemId::new(id), &causes).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => see_other(&format!("/problems/{id}?done=edit")),
        Err(e) => domain_error(ctx.tr, &e),
    }
}

#[derive(serde::Deserialize)]
struct MeasureForm {
    description: String,
    owner_name: Option<String>,
    deadline: Option<String>,
}

async fn add_measure(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<MeasureForm>,
) -> Response {
    let result = async {
        let input = app::rectification::MeasureInput {
            description: f.description.clone(),
            owner_unit_id: None,
            owner_name: text(&f.owner_name),
            deadline: date(&f.deadline, "deadline")?,
            status: None,
        };
        s.app.add_measure(&ctx.actor, ProblemId::new(id), &input).await
    }
    .await;
    match result {
        Ok(_) => see_other(&format!("/problems/{id}?done=measure")),
        Err(e) => {
            let kept = vec![
                ("description", f.description.clone()),
                ("owner_name", f.owner_name.clone().unwrap_or_default()),
                ("deadline", f.deadline.clone().unwrap_or_default()),
            ];
            page_with_refusal(&s, &ctx, ProblemId::new(id), "measure", &e, kept).await
        }
    }
}

#[derive(serde::Deserialize)]
struct MeasureStatusForm {
    version: i64,
    status: MeasureStatus,
    problem_id: ProblemId,
}

async fn measure_status(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<MeasureStatusForm>,
) -> Response {
    let patch = app::rectification::MeasurePatch {
        version: f.version,
        description: None,
        owner_unit_id: None,
        owner_name: None,
        deadline: None,
        status: Some(f.status),
    };
    match s.app.update_measure(&ctx.actor, MeasureId::new(id), &patch).await {
        Ok(_) => see_other(&format!("/problems/{}?done=measure_status", f.problem_id)),
        Err(e) => domain_error(ctx.tr, &e),
    }
}

#[derive(serde::Deserialize)]
struct NoteForm {
    body: String,
}

async fn add_note(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<NoteForm>,
) -> Response {
    match s.app.add_note(&ctx.actor, ProblemId::new(id), &app::rectification::NoteInput { body: f.body.clone() }).await
    {
        Ok(_) => see_other(&format!("/problems/{id}?done=note")),
        Err(e) => page_with_refusal(&s, &ctx, ProblemId::new(id), "note", &e, vec![("body", f.body)]).await,
    }
}

#[derive(serde::Deserialize)]
struct ScoringForm {
    /// `yes` to leave the problem out of the ranking, `no` to score it again.
    excluded: String,
    #[serde(default)]
    reason: String,
}

/// 不纳入考核: the office's decision, with its reason, from the problem's page.
async fn decide_scoring(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ScoringForm>,
) -> Response {
    let input = app::rates::ScoringInput { excluded: f.excluded == "yes", reason: Some(f.reason.clone()) };
    match s.app.decide_scoring(&ctx.actor, ProblemId::new(id), &input).await {
        Ok(()) => see_other(&format!("/problems/{id}?done=scoring")),
        Err(e) => page_with_refusal(&s, &ctx, ProblemId::new(id), "scoring", &e, vec![("reason", f.reason)]).await,
    }
}

#[derive(serde::Deserialize)]
struct ReplyForm {
    problem_id: ProblemId,
    reply: String,
}

/// 答复来信人 under one report on its problem's page; a refusal is said on that report's form.
async fn reply_to_report(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ReplyForm>,
) -> Response {
    match s.app.reply_to_report(&ctx.actor, FeedbackId::new(id), &f.reply).await {
        Ok(_) => see_other(&format!("/problems/{}?done=reply#report-{id}", f.problem_id)),
        Err(e) => {
            let form = super::detail::reply_form_key(FeedbackId::new(id));
            page_with_refusal(&s, &ctx, f.problem_id, &form, &e, vec![("reply", f.reply)]).await
        }
    }
}

/// The evidence upload: a multipart form whose CSRF field is checked before the file is kept.
async fn upload(
    State(s): State<AppState>,
    ctx: PageCtx,
    expected: Option<axum::extract::Extension<super::kit::CsrfToken>>,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> Response {
    let tr = ctx.tr;
    let (mut csrf, mut file, mut note, mut phase) = (String::new(), None, None, String::new());
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                match name.as_str() {
                    "csrf" => csrf = field.text().await.unwrap_or_default(),
                    "note" => note = field.text().await.ok(),
                    "phase" => phase = field.text().await.unwrap_or_default(),
                    "file" => {
                        let file_name = field.file_name().unwrap_or("file").to_string();
                        match field.bytes().await {
                            Ok(bytes) => file = Some((file_name, bytes)),
                            Err(_) => return error_page(tr, StatusCode::PAYLOAD_TOO_LARGE, &too_large(tr, &s)),
                        }
                    }
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => return error_page(tr, StatusCode::PAYLOAD_TOO_LARGE, &too_large(tr, &s)),
        }
    }
    if !super::kit::csrf_matches(expected.map(|e| e.0).as_ref(), &csrf) {
        return error_page(tr, StatusCode::FORBIDDEN, &tr.t("csrf-failed"));
    }
    let Some((file_name, bytes)) = file else {
        return error_page(tr, StatusCode::UNPROCESSABLE_ENTITY, &tr.t("evidence-file"));
    };
    // The form's default is a photo of the rectified state; an unknown value is refused below.
    let chosen = match phase.as_str() {
        "" => Ok(EvidencePhase::After),
        given => EvidencePhase::parse(given),
    };
    let added = match chosen {
        Ok(phase) => {
            let note = note.as_deref().filter(|n| !n.trim().is_empty());
            s.app.add_evidence(&ctx.actor, ProblemId::new(id), &file_name, &bytes, note, phase).await
        }
        Err(e) => Err(e),
    };
    match added {
        Ok(_) => see_other(&format!("/problems/{id}?done=evidence")),
        Err(e) => {
            let kept = vec![("note", note.unwrap_or_default()), ("phase", phase)];
            page_with_refusal(&s, &ctx, ProblemId::new(id), "evidence", &e, kept).await
        }
    }
}

fn too_large(tr: Tr, s: &AppState) -> String {
    let max = s.app.settings.max_upload_bytes / (1024 * 1024);
    if tr.lang == "en" {
        format!("The file is over the limit of {max} MB")
    } else {
        format!("文件超过 {max} MB 的上限")
    }
}

#[derive(serde::Deserialize)]
struct PublicForm {
    problem_id: i64,
    public: String,
}

/// 用于整改公示: the office shows a photo of the rectification on the public page, or stops.
async fn choose_public(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<PublicForm>,
) -> Response {
    let public = f.public == "yes";
    match s.app.set_evidence_public(&ctx.actor, EvidenceId::new(id), public).await {
        Ok(()) => see_other(&format!("/problems/{}?done={}", f.problem_id, if public { "shown" } else { "hidden" })),
        Err(e) => page_with_refusal(&s, &ctx, ProblemId::new(f.problem_id), "evidence", &e, vec![]).await,
    }
}
