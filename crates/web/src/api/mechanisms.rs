//! Lasting mechanisms (长效机制), the root-cause taxonomy (根源类别) and each problem's causes, and
//! the blind spots (治理盲区).

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use app::mechanisms::{
    BlindSpotView, MechanismInput, ProblemCauses, ProblemCausesInput, RootCauseInput, RootCauseView,
};
use app::views::MechanismView;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::{MechanismId, ProblemId, RootCauseId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(blind_spots))
        .routes(routes!(get_one, update))
        .routes(routes!(list_causes, create_cause))
        .routes(routes!(update_cause))
        .routes(routes!(set_problem_causes))
}

#[utoipa::path(get, path = "/api/v1/mechanisms", tag = "mechanisms", responses((status = 200, body = Vec<MechanismView>), (status = 401, body = ErrorBody)))]
async fn list(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<MechanismView>>> {
    Ok(Json(s.app.list_mechanisms(&caller.actor).await?))
}

#[utoipa::path(post, path = "/api/v1/mechanisms", tag = "mechanisms", request_body = MechanismInput,
    responses((status = 201, body = MechanismView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<MechanismInput>,
) -> ApiResult<(StatusCode, Json<MechanismView>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_mechanism(&caller.actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/mechanisms/{id}", tag = "mechanisms", params(("id" = i64, Path)),
    responses((status = 200, body = MechanismView), (status = 404, body = ErrorBody)))]
async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MechanismView>> {
    Ok(Json(s.app.get_mechanism(&caller.actor, MechanismId::new(id)).await?))
}

#[utoipa::path(put, path = "/api/v1/mechanisms/{id}", tag = "mechanisms", params(("id" = i64, Path)), request_body = MechanismInput,
    responses((status = 200, body = MechanismView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn update(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<MechanismInput>,
) -> ApiResult<Json<MechanismView>> {
    Ok(Json(s.app.update_mechanism(&caller.actor, MechanismId::new(id), &input).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct BlindSpotQuery {
    /// How many returns make a blind spot (2 when not given).
    at_least: Option<usize>,
}

/// 治理盲区: problems that keep coming back with no issued mechanism addressing them, the most
/// recurrent first (only the problems and reports the caller may see are counted).
#[utoipa::path(get, path = "/api/v1/mechanisms/blind-spots", tag = "mechanisms", params(BlindSpotQuery),
    responses((status = 200, body = Vec<BlindSpotView>), (status = 401, body = ErrorBody)))]
async fn blind_spots(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<BlindSpotQuery>,
) -> ApiResult<Json<Vec<BlindSpotView>>> {
    Ok(Json(s.app.blind_spots(&caller.actor, q.at_least.unwrap_or(app::mechanisms::BLIND_SPOT_AT_LEAST)).await?))
}

/// The install's root-cause taxonomy (根源类别), in its order.
#[utoipa::path(get, path = "/api/v1/root-causes", tag = "mechanisms",
    responses((status = 200, body = Vec<RootCauseView>), (status = 401, body = ErrorBody)))]
async fn list_causes(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<RootCauseView>>> {
    Ok(Json(s.app.list_root_causes(&caller.actor).await?))
}

/// Adds a root cause to the taxonomy (the admin).
#[utoipa::path(post, path = "/api/v1/root-causes", tag = "mechanisms", request_body = app::views::ListEntryInput,
    responses((status = 201, body = RootCauseView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn create_cause(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<RootCauseInput>,
) -> ApiResult<(StatusCode, Json<RootCauseView>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_root_cause(&caller.actor, &input).await?)))
}

/// Renames, describes or retires a root cause (the admin).
#[utoipa::path(put, path = "/api/v1/root-causes/{id}", tag = "mechanisms", params(("id" = i64, Path)),
    request_body = app::views::ListEntryInput,
    responses((status = 200, body = RootCauseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_cause(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<RootCauseInput>,
) -> ApiResult<Json<RootCauseView>> {
    Ok(Json(s.app.update_root_cause(&caller.actor, RootCauseId::new(id), &input).await?))
}

/// 根源分析: sets the causes found for a problem (the lead unit or the office); the note is the
/// problem's `root_cause`.
#[utoipa::path(put, path = "/api/v1/problems/{id}/root-causes", tag = "mechanisms", params(("id" = i64, Path)),
    request_body = ProblemCausesInput,
    responses((status = 200, body = ProblemCauses), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_problem_causes(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ProblemCausesInput>,
) -> ApiResult<Json<ProblemCauses>> {
    Ok(Json(s.app.set_problem_root_causes(&caller.actor, ProblemId::new(id), &input).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct DocumentQuery {
    /// The file's name; its extension must match its content.
    file_name: String,
}

/// Attaches the issued document (the raw request body: PDF, Office or an image, checked by
/// content) to a mechanism, for those who keep its unit.
#[utoipa::path(post, path = "/api/v1/mechanisms/{id}/documents", tag = "mechanisms", params(("id" = i64, Path), DocumentQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = MechanismView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_document(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DocumentQuery>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<(StatusCode, Json<MechanismView>)> {
    let body = body.map_err(|_| {
        domain::Error::invalid_with_code(domain::Code::FileTooLarge, "file", "文件过大", "the file is too large")
    })?;
    let view = s.app.add_mechanism_document(&caller.actor, MechanismId::new(id), &q.file_name, &body).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The document upload, under the file limit rather than the JSON one.
pub(super) fn upload_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(add_document))
        .layer(axum::extract::DefaultBodyLimit::max(super::rectification::UPLOAD_BODY_LIMIT))
}
