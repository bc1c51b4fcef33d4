//! The problem list: list, create, read, edit, and the workflow transitions.

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use app::problems::{NewProblemInput, ProblemPatch, ProblemQuery};
use app::transitions::{TransitionInput, TransitionRequest, Transitioned};
use app::views::{ProblemDetail, ProblemPage, TimelineEntry};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::ProblemId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
        .routes(routes!(transition))
        .routes(routes!(timeline))
}

/// Problems the caller may see, filtered, sorted and paged by cursor.
#[utoipa::path(get, path = "/api/v1/problems", tag = "problems", params(ProblemQuery),
    responses((status = 200, body = ProblemPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    uri: axum::http::Uri,
    ApiQuery(q): ApiQuery<ProblemQuery>,
) -> ApiResult<axum::response::Response> {
    crate::cached::json(&s, &caller, &uri, async || s.app.list_problems(&caller.actor, &q).await).await
}

/// Puts a problem on the list (the office), optionally from feedback items.
#[utoipa::path(post, path = "/api/v1/problems", tag = "problems", request_body = NewProblemInput,
    responses((status = 201, body = ProblemDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NewProblemInput>,
) -> ApiResult<(StatusCode, Json<ProblemDetail>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_problem(&caller.actor, &input).await?)))
}

/// One problem with everything the caller may see, and the actions they may take now.
#[utoipa::path(get, path = "/api/v1/problems/{id}", tag = "problems", params(("id" = i64, Path)),
    responses((status = 200, body = ProblemDetail), (status = 404, body = ErrorBody)))]
async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ProblemDetail>> {
    Ok(Json(s.app.get_problem(&caller.actor, ProblemId::new(id)).await?))
}

/// Edits fields; `version` must be the one read (409 `stale_version` otherwise).
#[utoipa::path(patch, path = "/api/v1/problems/{id}", tag = "problems", params(("id" = i64, Path)), request_body = ProblemPatch,
    responses((status = 200, body = ProblemDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ProblemPatch>,
) -> ApiResult<Json<ProblemDetail>> {
    Ok(Json(s.app.update_problem(&caller.actor, ProblemId::new(id), &input).await?))
}

/// Takes a workflow action: assign, dismiss, merge, submit, approve, send_back, accept, reopen,
/// callback, request_extension, decide_extension, flag, unflag, publish, unpublish. An action not
/// legal from the current state gets 409 `illegal_transition` with the state and the actions
/// allowed from it. Answers with the problem's summary as it now stands (its new `version`
/// among it) and what the caller may do next; `GET /problems/{id}` has its records.
#[utoipa::path(post, path = "/api/v1/problems/{id}/transitions", tag = "problems", params(("id" = i64, Path)), request_body = TransitionRequest,
    responses((status = 200, body = Transitioned), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn transition(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<TransitionInput>,
) -> ApiResult<Json<Transitioned>> {
    Ok(Json(s.app.transition(&caller.actor, ProblemId::new(id), &input).await?))
}

/// The problem's history from the audit log.
#[utoipa::path(get, path = "/api/v1/problems/{id}/timeline", tag = "problems", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<TimelineEntry>), (status = 404, body = ErrorBody)))]
async fn timeline(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<TimelineEntry>>> {
    Ok(Json(s.app.get_problem(&caller.actor, ProblemId::new(id)).await?.timeline))
}
