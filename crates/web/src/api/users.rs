//! Users and roles (admin).

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Caller};
use app::users::{NewUserInput, UserPatch};
use app::views::UserView;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::UserId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one, update))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", responses((status = 200, body = Vec<UserView>), (status = 401, body = ErrorBody)))]
async fn list(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<UserView>>> {
    Ok(Json(s.app.list_users(&caller.actor).await?))
}

/// Adds a user (admin). Roles: admin, office, supervisor, liaison, viewer.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUserInput,
    responses((status = 201, body = UserView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NewUserInput>,
) -> ApiResult<(StatusCode, Json<UserView>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_user(&caller.actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody)))]
async fn get_one(State(s): State<AppState>, caller: Caller, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<UserView>> {
    Ok(Json(s.app.get_user_view(&caller.actor, UserId::new(id)).await?))
}

/// Changes a user's name, role, unit, password or whether they may sign in (admin).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)), request_body = UserPatch,
    responses((status = 200, body = UserView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<UserPatch>,
) -> ApiResult<Json<UserView>> {
    Ok(Json(s.app.update_user(&caller.actor, UserId::new(id), &input).await?))
}
