//! 学习记录: study sessions by unit with their materials and the problems found in them, the
//! counts by unit and month, and the formats the admin keeps.

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use app::study::{SessionInput, SessionQuery, SessionView, StudyCounts, StudyFormatInput, StudyFormatView};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use domain::{CampaignId, StudyFormatId, StudySessionId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    let json = OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
        .routes(routes!(counts))
        .routes(routes!(list_formats, create_format))
        .routes(routes!(update_format))
        .layer(DefaultBodyLimit::max(1024 * 1024));
    json.merge(
        OpenApiRouter::new()
            .routes(routes!(add_material))
            .layer(DefaultBodyLimit::max(super::rectification::UPLOAD_BODY_LIMIT)),
    )
}

/// Study sessions, newest first, with their materials and the problems found in them that the
/// caller may see.
#[utoipa::path(get, path = "/api/v1/study/sessions", tag = "study", params(SessionQuery),
    responses((status = 200, body = Vec<SessionView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<SessionQuery>,
) -> ApiResult<Json<Vec<SessionView>>> {
    Ok(Json(s.app.list_study_sessions(&caller.actor, &q).await?))
}

/// Records a study session (the campaign office, or the unit's liaisons and leaders).
#[utoipa::path(post, path = "/api/v1/study/sessions", tag = "study", request_body = SessionInput,
    responses((status = 201, body = SessionView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<SessionInput>,
) -> ApiResult<(StatusCode, Json<SessionView>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_study_session(&caller.actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/study/sessions/{id}", tag = "study", params(("id" = i64, Path)),
    responses((status = 200, body = SessionView), (status = 404, body = ErrorBody)))]
async fn get_one(State(s): State<AppState>, caller: Caller, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<SessionView>> {
    Ok(Json(s.app.get_study_session(&caller.actor, StudySessionId::new(id)).await?))
}

/// Changes a session; `version` is the one read.
#[utoipa::path(put, path = "/api/v1/study/sessions/{id}", tag = "study", params(("id" = i64, Path)),
    request_body = SessionInput,
    responses((status = 200, body = SessionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<SessionInput>,
) -> ApiResult<Json<SessionView>> {
    Ok(Json(s.app.update_study_session(&caller.actor, StudySessionId::new(id), &input).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct MaterialQuery {
    /// The file's name; its extension must match its content.
    file_name: String,
}

/// Adds a material (the raw request body): images, PDF and Office files, checked by content.
#[utoipa::path(post, path = "/api/v1/study/sessions/{id}/materials", tag = "study", params(("id" = i64, Path), MaterialQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = SessionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_material(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<MaterialQuery>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<(StatusCode, Json<SessionView>)> {
    let body = body.map_err(|_| {
        domain::Error::invalid_with_code(domain::Code::FileTooLarge, "file", "文件过大", "the file is too large")
    })?;
    let view = s.app.add_study_material(&caller.actor, StudySessionId::new(id), &q.file_name, &body).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct CountsQuery {
    campaign_id: i64,
}

/// A campaign's study by unit and by month (sessions, attendance, problems found), and the units
/// with no session yet. Nothing is counted for a person.
#[utoipa::path(get, path = "/api/v1/study/counts", tag = "study", params(CountsQuery),
    responses((status = 200, body = StudyCounts), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn counts(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<CountsQuery>,
) -> ApiResult<Json<StudyCounts>> {
    Ok(Json(s.app.study_counts(&caller.actor, CampaignId::new(q.campaign_id)).await?))
}

/// The study formats (学习形式), in their order.
#[utoipa::path(get, path = "/api/v1/study/formats", tag = "study",
    responses((status = 200, body = Vec<StudyFormatView>), (status = 401, body = ErrorBody)))]
async fn list_formats(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<StudyFormatView>>> {
    Ok(Json(s.app.list_study_formats(&caller.actor).await?))
}

/// Adds a study format (the admin).
#[utoipa::path(post, path = "/api/v1/study/formats", tag = "study", request_body = app::views::ListEntryInput,
    responses((status = 201, body = StudyFormatView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn create_format(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<StudyFormatInput>,
) -> ApiResult<(StatusCode, Json<StudyFormatView>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_study_format(&caller.actor, &input).await?)))
}

/// Renames, describes or retires a study format (the admin).
#[utoipa::path(put, path = "/api/v1/study/formats/{id}", tag = "study", params(("id" = i64, Path)),
    request_body = app::views::ListEntryInput,
    responses((status = 200, body = StudyFormatView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_format(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<StudyFormatInput>,
) -> ApiResult<Json<StudyFormatView>> {
    Ok(Json(s.app.update_study_format(&caller.actor, StudyFormatId::new(id), &input).await?))
}
