//! Lasting mechanisms (长效机制).

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Caller};
use app::mechanisms::MechanismInput;
use app::views::MechanismView;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::MechanismId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one, update))
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
