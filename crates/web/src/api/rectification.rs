//! Measures, progress notes and evidence files on a problem.

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use app::rectification::{MeasureInput, MeasurePatch, NoteInput};
use app::views::{EvidenceView, MeasureView, NoteView};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use domain::{MeasureId, ProblemId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Evidence uploads may be larger than JSON bodies; the app checks the configured limit and says
/// so in our error shape.
pub(super) const UPLOAD_BODY_LIMIT: usize = 64 * 1024 * 1024;

pub(super) fn router() -> OpenApiRouter<AppState> {
    let json = OpenApiRouter::new()
        .routes(routes!(add_measure))
        .routes(routes!(update_measure, delete_measure))
        .routes(routes!(add_note))
        .layer(DefaultBodyLimit::max(1024 * 1024));
    json.merge(OpenApiRouter::new().routes(routes!(add_evidence)).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)))
}

#[utoipa::path(post, path = "/api/v1/problems/{id}/measures", tag = "rectification", params(("id" = i64, Path)), request_body = MeasureInput,
    responses((status = 201, body = MeasureView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_measure(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<MeasureInput>,
) -> ApiResult<(StatusCode, Json<MeasureView>)> {
    Ok((StatusCode::CREATED, Json(s.app.add_measure(&caller.actor, ProblemId::new(id), &input).await?)))
}

#[utoipa::path(patch, path = "/api/v1/measures/{id}", tag = "rectification", params(("id" = i64, Path)), request_body = MeasurePatch,
    responses((status = 200, body = MeasureView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn update_measure(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<MeasurePatch>,
) -> ApiResult<Json<MeasureView>> {
    Ok(Json(s.app.update_measure(&caller.actor, MeasureId::new(id), &input).await?))
}

#[utoipa::path(delete, path = "/api/v1/measures/{id}", tag = "rectification", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_measure(State(s): State<AppState>, caller: Caller, ApiPath(id): ApiPath<i64>) -> ApiResult<StatusCode> {
    s.app.delete_measure(&caller.actor, MeasureId::new(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/problems/{id}/notes", tag = "rectification", params(("id" = i64, Path)), request_body = NoteInput,
    responses((status = 201, body = NoteView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn add_note(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<NoteInput>,
) -> ApiResult<(StatusCode, Json<NoteView>)> {
    Ok((StatusCode::CREATED, Json(s.app.add_note(&caller.actor, ProblemId::new(id), &input).await?)))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct EvidenceQuery {
    /// The file's name; its extension must match its content.
    file_name: String,
    note: Option<String>,
    /// What the photo shows: `before` (the problem as found) or `after` (rectified, the default).
    phase: Option<domain::problem::EvidencePhase>,
}

/// Uploads one evidence file as the raw request body. Images, PDF and Office files only, checked
/// by content; over the limit or a name that lies about the content is refused and not stored.
#[utoipa::path(post, path = "/api/v1/problems/{id}/evidence", tag = "rectification", params(("id" = i64, Path), EvidenceQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = EvidenceView), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_evidence(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<EvidenceQuery>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<(StatusCode, Json<EvidenceView>)> {
    let body = body.map_err(|_| {
        domain::Error::invalid_with_code(domain::Code::FileTooLarge, "file", "文件过大", "the file is too large")
    })?;
    Ok((
        StatusCode::CREATED,
        Json(
            s.app
                .add_evidence(
                    &caller.actor,
                    ProblemId::new(id),
                    &q.file_name,
                    &body,
                    q.note.as_deref(),
                    q.phase.unwrap_or(domain::problem::EvidencePhase::After),
                )
                .await?,
        ),
    ))
}
