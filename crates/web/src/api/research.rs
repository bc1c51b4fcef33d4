//! 调查研究: research topics, their visits and findings, and a finding turned into a feedback
//! item or a problem.

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use app::research::{ConvertInput, TopicInput, TopicView, VisitInput};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::{CampaignId, FindingId, ResearchTopicId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
        .routes(routes!(add_visit))
        .routes(routes!(convert))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct TopicQuery {
    /// One campaign's topics; every campaign's when not given.
    campaign_id: Option<i64>,
}

/// Research topics with their visits, findings and conversion (成果转化率), counting only the
/// records the caller may see.
#[utoipa::path(get, path = "/api/v1/research/topics", tag = "research", params(TopicQuery),
    responses((status = 200, body = Vec<TopicView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<TopicQuery>,
) -> ApiResult<Json<Vec<TopicView>>> {
    Ok(Json(s.app.list_topics(&caller.actor, q.campaign_id.map(CampaignId::new)).await?))
}

/// Sets a research topic (the campaign office).
#[utoipa::path(post, path = "/api/v1/research/topics", tag = "research", request_body = TopicInput,
    responses((status = 201, body = TopicView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<TopicInput>,
) -> ApiResult<(StatusCode, Json<TopicView>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_topic(&caller.actor, &input).await?)))
}

#[utoipa::path(get, path = "/api/v1/research/topics/{id}", tag = "research", params(("id" = i64, Path)),
    responses((status = 200, body = TopicView), (status = 404, body = ErrorBody)))]
async fn get_one(State(s): State<AppState>, caller: Caller, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<TopicView>> {
    Ok(Json(s.app.get_topic(&caller.actor, ResearchTopicId::new(id)).await?))
}

/// Changes a topic (the campaign office); `version` is the one read.
#[utoipa::path(put, path = "/api/v1/research/topics/{id}", tag = "research", params(("id" = i64, Path)),
    request_body = TopicInput,
    responses((status = 200, body = TopicView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<TopicInput>,
) -> ApiResult<Json<TopicView>> {
    Ok(Json(s.app.update_topic(&caller.actor, ResearchTopicId::new(id), &input).await?))
}

/// Records a visit and its findings (the office, or the unit's liaisons and leaders).
#[utoipa::path(post, path = "/api/v1/research/topics/{id}/visits", tag = "research", params(("id" = i64, Path)),
    request_body = VisitInput,
    responses((status = 201, body = TopicView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn add_visit(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<VisitInput>,
) -> ApiResult<(StatusCode, Json<TopicView>)> {
    Ok((StatusCode::CREATED, Json(s.app.add_visit(&caller.actor, ResearchTopicId::new(id), &input).await?)))
}

/// Turns a finding into a feedback item or a problem, keeping the link (409 when it already was).
#[utoipa::path(post, path = "/api/v1/research/findings/{id}/convert", tag = "research", params(("id" = i64, Path)),
    request_body = ConvertInput,
    responses((status = 200, body = TopicView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn convert(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ConvertInput>,
) -> ApiResult<Json<TopicView>> {
    Ok(Json(s.app.convert_finding(&caller.actor, FindingId::new(id), &input).await?))
}
