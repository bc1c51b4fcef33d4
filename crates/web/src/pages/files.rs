//! Stored files sent to readers who may see them: evidence to those who may see its problem, a
//! citizen's photos to those who may see the report, study materials to staff, a mechanism's
//! document to its readers, always under a sandbox.

use super::i18n::Tr;
use super::kit::{PageCtx, domain_error, error_page};
use crate::AppState;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::EvidenceId;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/files/evidence/{id}", get(download))
        .route("/files/feedback/{id}", get(download_feedback_file))
        .route("/files/study/{id}", get(study_material))
        .route("/files/mechanism/{id}", get(mechanism_document))
}

/// `?preview=1`: show a picture or a PDF in the browser instead of downloading it.
#[derive(serde::Deserialize, Default)]
struct FileQuery {
    preview: Option<String>,
}

/// The file `found` names, to a signed-in reader (see [`send_file`]); whoever may not see its
/// record gets the record's own answer (404).
async fn serve(
    ctx: &PageCtx,
    q: &FileQuery,
    found: impl Future<Output = domain::Result<app::pages_support::StoredFile>>,
) -> Response {
    if let Err(redirect) = ctx.require_user() {
        return redirect;
    }
    match found.await {
        Ok(f) => send_file(ctx.tr, &f, q.preview.is_some()).await,
        Err(e) => domain_error(ctx.tr, &e),
    }
}

/// An evidence file, to someone who may see its problem.
async fn download(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<FileQuery>,
) -> Response {
    serve(&ctx, &q, s.app.evidence_file(&ctx.actor, EvidenceId::new(id))).await
}

/// A photo or file a citizen sent, to staff who may see the report (404 to anyone else).
async fn download_feedback_file(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<FileQuery>,
) -> Response {
    serve(&ctx, &q, s.app.feedback_file(&ctx.actor, domain::FeedbackFileId::new(id))).await
}

/// A study session's material, to any signed-in reader.
async fn study_material(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<FileQuery>,
) -> Response {
    serve(&ctx, &q, s.app.study_material(&ctx.actor, domain::StudyMaterialId::new(id))).await
}

/// A mechanism's document, to those who may see the mechanism.
async fn mechanism_document(
    State(s): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<FileQuery>,
) -> Response {
    serve(&ctx, &q, s.app.mechanism_document(&ctx.actor, domain::MechanismDocumentId::new(id))).await
}

/// A file's size in whole kilobytes, a small file counting as 1.
pub(super) fn kilobytes(bytes: i64) -> i64 {
    ((bytes + 1023) / 1024).max(1)
}

/// Sends a stored file under a sandbox (it can run nothing, whatever it holds), as a download,
/// or in place when `preview` is asked for and it is a picture or a PDF.
pub(super) async fn send_file(tr: Tr, f: &app::pages_support::StoredFile, preview: bool) -> Response {
    match tokio::fs::read(&f.path).await {
        Ok(bytes) => {
            let mut res = bytes.into_response();
            let h = res.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&f.content_type) {
                h.insert(header::CONTENT_TYPE, v);
            }
            let ascii: String =
                f.file_name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' }).collect();
            let encoded = super::kit::urlencode(&f.file_name);
            let disposition =
                if preview && app::pages_support::previews(&f.content_type) { "inline" } else { "attachment" };
            if let Ok(v) =
                HeaderValue::from_str(&format!("{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"))
            {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            // Nothing in it can run or load anything but itself, and no other site may frame it.
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("sandbox; default-src 'none'; img-src 'self'; frame-ancestors 'none'"),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            res
        }
        Err(e) => {
            tracing::error!(path = %f.path.display(), error = %e, "a stored file is missing");
            error_page(tr, StatusCode::NOT_FOUND, &tr.t("not-found"))
        }
    }
}
