//! 目标任务: a campaign's goals and tasks, their milestones and progress, and 为民办实事 projects.

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use app::goals::{GoalInput, GoalView, MilestoneInput, ProgressInput, PublicProject};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::{CampaignId, GoalId, MilestoneId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
        .routes(routes!(progress))
        .routes(routes!(add_milestone))
        .routes(routes!(update_milestone))
        .routes(routes!(public_projects))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct GoalQuery {
    /// One campaign's goals; every campaign's when not given.
    campaign_id: Option<i64>,
}

/// The goal trees, parents before their children, each goal with its rolled-up progress, flags,
/// milestones and the linked problems the caller may see (only those are counted).
#[utoipa::path(get, path = "/api/v1/goals", tag = "goals", params(GoalQuery),
    responses((status = 200, body = Vec<GoalView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<GoalQuery>,
) -> ApiResult<Json<Vec<GoalView>>> {
    Ok(Json(s.app.list_goals(&caller.actor, q.campaign_id.map(CampaignId::new)).await?))
}

/// Sets a goal (the campaign office).
#[utoipa::path(post, path = "/api/v1/goals", tag = "goals", request_body = GoalInput,
    responses((status = 201, body = GoalView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<GoalInput>,
) -> ApiResult<(StatusCode, Json<GoalView>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_goal(&caller.actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/goals/{id}", tag = "goals", params(("id" = i64, Path)),
    responses((status = 200, body = GoalView), (status = 404, body = ErrorBody)))]
async fn get_one(State(s): State<AppState>, caller: Caller, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<GoalView>> {
    Ok(Json(s.app.get_goal(&caller.actor, GoalId::new(id)).await?))
}

/// Changes a goal (the campaign office); `version` is the one read.
#[utoipa::path(put, path = "/api/v1/goals/{id}", tag = "goals", params(("id" = i64, Path)), request_body = GoalInput,
    responses((status = 200, body = GoalView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<GoalInput>,
) -> ApiResult<Json<GoalView>> {
    Ok(Json(s.app.update_goal(&caller.actor, GoalId::new(id), &input).await?))
}

/// The owner unit reports how far a goal has come (the office or the owner unit's liaison).
#[utoipa::path(post, path = "/api/v1/goals/{id}/progress", tag = "goals", params(("id" = i64, Path)),
    request_body = ProgressInput,
    responses((status = 200, body = GoalView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn progress(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ProgressInput>,
) -> ApiResult<Json<GoalView>> {
    Ok(Json(s.app.report_goal_progress(&caller.actor, GoalId::new(id), &input).await?))
}

/// Adds a dated milestone to a goal (the campaign office).
#[utoipa::path(post, path = "/api/v1/goals/{id}/milestones", tag = "goals", params(("id" = i64, Path)),
    request_body = MilestoneInput,
    responses((status = 201, body = GoalView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn add_milestone(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<MilestoneInput>,
) -> ApiResult<(StatusCode, Json<GoalView>)> {
    Ok((StatusCode::CREATED, Json(s.app.add_milestone(&caller.actor, GoalId::new(id), &input).await?)))
}

/// Marks a milestone reached (`done_on`) or changes it (the office or the owner unit's liaison).
#[utoipa::path(put, path = "/api/v1/goals/{id}/milestones/{milestone_id}", tag = "goals",
    params(("id" = i64, Path), ("milestone_id" = i64, Path)), request_body = MilestoneInput,
    responses((status = 200, body = GoalView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn update_milestone(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((id, milestone)): ApiPath<(i64, i64)>,
    ApiJson(input): ApiJson<MilestoneInput>,
) -> ApiResult<Json<GoalView>> {
    Ok(Json(s.app.update_milestone(&caller.actor, GoalId::new(id), MilestoneId::new(milestone), &input).await?))
}

/// 为民办实事: the published projects with their progress (no sign-in).
#[utoipa::path(get, path = "/api/v1/public/projects", tag = "public",
    responses((status = 200, body = Vec<PublicProject>)))]
async fn public_projects(State(s): State<AppState>) -> ApiResult<Json<Vec<PublicProject>>> {
    Ok(Json(s.app.public_projects().await?))
}
