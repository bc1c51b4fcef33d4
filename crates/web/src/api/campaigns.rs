//! Campaigns (专项工作).

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Caller};
use app::campaigns::CampaignInput;
use app::views::CampaignView;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::CampaignId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one, update)).routes(routes!(overview))
}

#[utoipa::path(get, path = "/api/v1/campaigns", tag = "campaigns", responses((status = 200, body = Vec<CampaignView>), (status = 401, body = ErrorBody)))]
async fn list(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<CampaignView>>> {
    Ok(Json(s.app.list_campaigns(&caller.actor).await?))
}

#[utoipa::path(post, path = "/api/v1/campaigns", tag = "campaigns", request_body = CampaignInput,
    responses((status = 201, body = CampaignView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CampaignInput>,
) -> ApiResult<(StatusCode, Json<CampaignView>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_campaign(&caller.actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = CampaignView), (status = 404, body = ErrorBody)))]
async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CampaignView>> {
    Ok(Json(s.app.get_campaign(&caller.actor, CampaignId::new(id)).await?))
}

#[utoipa::path(put, path = "/api/v1/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path)), request_body = CampaignInput,
    responses((status = 200, body = CampaignView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn update(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CampaignInput>,
) -> ApiResult<Json<CampaignView>> {
    Ok(Json(s.app.update_campaign(&caller.actor, CampaignId::new(id), &input).await?))
}

/// 专项工作 at a glance: goals, research, problems by state with the rates and what is overdue,
/// mechanisms and returns — each counted as the caller may see it.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/overview", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = app::campaign_overview::CampaignOverview), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn overview(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<app::campaign_overview::CampaignOverview>> {
    Ok(Json(s.app.campaign_overview(&caller.actor, CampaignId::new(id)).await?))
}
