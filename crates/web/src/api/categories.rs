//! The category tree and its time limits.

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Caller};
use app::categories::CategoryInput;
use app::open311::{ServiceInput, ServiceSettings};
use app::views::CategoryView;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::CategoryId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(update)).routes(routes!(service, set_service))
}

#[utoipa::path(get, path = "/api/v1/categories", tag = "categories", responses((status = 200, body = Vec<CategoryView>), (status = 401, body = ErrorBody)))]
async fn list(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<CategoryView>>> {
    Ok(Json(s.app.list_categories(&caller.actor).await?))
}

/// Adds a category with its time limits per feedback kind (admin).
#[utoipa::path(post, path = "/api/v1/categories", tag = "categories", request_body = CategoryInput,
    responses((status = 201, body = CategoryView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CategoryInput>,
) -> ApiResult<(StatusCode, Json<CategoryView>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_category(&caller.actor, &input).await?)))
}

#[utoipa::path(put, path = "/api/v1/categories/{id}", tag = "categories", params(("id" = i64, Path)), request_body = CategoryInput,
    responses((status = 200, body = CategoryView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CategoryInput>,
) -> ApiResult<Json<CategoryView>> {
    Ok(Json(s.app.update_category(&caller.actor, CategoryId::new(id), &input).await?))
}

/// A leaf category as an Open311 service (admin): its description, keywords and the fields a
/// request answers.
#[utoipa::path(get, path = "/api/v1/categories/{id}/service", tag = "categories", params(("id" = i64, Path)),
    responses((status = 200, body = ServiceSettings), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn service(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ServiceSettings>> {
    Ok(Json(s.app.service_settings(&caller.actor, CategoryId::new(id)).await?))
}

/// Sets a leaf category's Open311 service settings, whole (admin). Field codes are the
/// `attribute[code]` of a posted request; list fields carry their choices.
#[utoipa::path(put, path = "/api/v1/categories/{id}/service", tag = "categories", params(("id" = i64, Path)),
    request_body = ServiceInput,
    responses((status = 200, body = ServiceSettings), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_service(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ServiceInput>,
) -> ApiResult<Json<ServiceSettings>> {
    Ok(Json(s.app.set_service_settings(&caller.actor, CategoryId::new(id), &input).await?))
}
