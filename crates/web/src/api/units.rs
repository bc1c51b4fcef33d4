//! The unit tree.

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Caller};
use app::views::UnitView;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::UnitId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one, update))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct UnitInput {
    parent_id: Option<i64>,
    name: String,
    code: Option<String>,
}

/// Units the caller may see.
#[utoipa::path(get, path = "/api/v1/units", tag = "units", responses((status = 200, body = Vec<UnitView>), (status = 401, body = ErrorBody)))]
async fn list(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<UnitView>>> {
    Ok(Json(s.app.list_units(&caller.actor).await?))
}

/// Adds a unit (admin).
#[utoipa::path(post, path = "/api/v1/units", tag = "units", request_body = UnitInput,
    responses((status = 201, body = UnitView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<UnitInput>,
) -> ApiResult<(StatusCode, Json<UnitView>)> {
    let unit =
        s.app.create_unit(&caller.actor, input.parent_id.map(UnitId::new), &input.name, input.code.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(unit)))
}

#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units", params(("id" = i64, Path)),
    responses((status = 200, body = UnitView), (status = 404, body = ErrorBody)))]
async fn get_one(State(s): State<AppState>, caller: Caller, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<UnitView>> {
    Ok(Json(s.app.get_unit_view(&caller.actor, UnitId::new(id)).await?))
}

/// Renames a unit (admin).
#[utoipa::path(patch, path = "/api/v1/units/{id}", tag = "units", params(("id" = i64, Path)), request_body = UnitInput,
    responses((status = 200, body = UnitView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<UnitInput>,
) -> ApiResult<Json<UnitView>> {
    Ok(Json(s.app.update_unit(&caller.actor, UnitId::new(id), &input.name, input.code.as_deref()).await?))
}
