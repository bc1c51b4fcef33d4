//! Feedback intake: one item, a batch (idempotent by source and key), the inbox, linking.

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use app::feedback::{FeedbackInput, FeedbackQuery, ImportReport};
use app::views::{FeedbackPage, FeedbackView};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::{FeedbackId, ProblemId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(import))
        .routes(routes!(get_one))
        .routes(routes!(link))
        .routes(routes!(dismiss))
        .routes(routes!(reply))
        .routes(routes!(matches))
}

/// Feedback the caller may see, newest first (or best match first with `q` and `sort=relevance`).
/// Filtering by a problem the caller may not see is 404.
#[utoipa::path(get, path = "/api/v1/feedback", tag = "feedback", params(FeedbackQuery),
    responses((status = 200, body = FeedbackPage), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<FeedbackQuery>,
) -> ApiResult<Json<FeedbackPage>> {
    Ok(Json(s.app.list_feedback(&caller.actor, &q).await?))
}

/// Takes in one item: 201 when new, 200 when its source and key were imported before.
#[utoipa::path(post, path = "/api/v1/feedback", tag = "feedback", request_body = FeedbackInput,
    responses((status = 201, body = FeedbackView), (status = 200, body = FeedbackView), (status = 422, body = ErrorBody)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<FeedbackInput>,
) -> ApiResult<(StatusCode, Json<FeedbackView>)> {
    let (view, created) = s.app.create_feedback(&caller.actor, &input).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(view)))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ImportInput {
    items: Vec<FeedbackInput>,
}

/// Takes in a batch, all or nothing.
#[utoipa::path(post, path = "/api/v1/feedback/import", tag = "feedback", request_body = ImportInput,
    responses((status = 200, body = ImportReport), (status = 422, body = ErrorBody)))]
async fn import(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<ImportInput>,
) -> ApiResult<Json<ImportReport>> {
    Ok(Json(s.app.import_feedback(&caller.actor, &input.items).await?))
}

#[utoipa::path(get, path = "/api/v1/feedback/{id}", tag = "feedback", params(("id" = i64, Path)),
    responses((status = 200, body = FeedbackView), (status = 404, body = ErrorBody)))]
async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<FeedbackView>> {
    Ok(Json(s.app.get_feedback(&caller.actor, FeedbackId::new(id)).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct LinkInput {
    /// The problem to link to; null unlinks.
    problem_id: Option<i64>,
}

/// Links the item to a problem (or unlinks it).
#[utoipa::path(put, path = "/api/v1/feedback/{id}/problem", tag = "feedback", params(("id" = i64, Path)), request_body = LinkInput,
    responses((status = 200, body = FeedbackView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn link(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<LinkInput>,
) -> ApiResult<Json<FeedbackView>> {
    Ok(Json(s.app.link_feedback(&caller.actor, FeedbackId::new(id), input.problem_id.map(ProblemId::new)).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct DismissInput {
    /// Why the report is declined; its sender reads it on the tracking page.
    reason: String,
}

/// 不予受理: declines an item that is not on the list, with a reason.
#[utoipa::path(post, path = "/api/v1/feedback/{id}/dismissal", tag = "feedback", params(("id" = i64, Path)), request_body = DismissInput,
    responses((status = 200, body = FeedbackView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn dismiss(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<DismissInput>,
) -> ApiResult<Json<FeedbackView>> {
    Ok(Json(s.app.dismiss_feedback(&caller.actor, FeedbackId::new(id), &input.reason).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ReplyInput {
    /// The reply to this report's sender; only they read it, on the tracking page.
    reply: String,
}

/// 答复来信人: writes (or rewrites) the reply addressed to one report's sender, kept from other
/// reporters of the problem and from the public. The report must be on the list.
#[utoipa::path(post, path = "/api/v1/feedback/{id}/reply", tag = "feedback", params(("id" = i64, Path)), request_body = ReplyInput,
    responses((status = 200, body = FeedbackView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reply(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ReplyInput>,
) -> ApiResult<Json<FeedbackView>> {
    Ok(Json(s.app.reply_to_report(&caller.actor, FeedbackId::new(id), &input.reply).await?))
}

/// What grouping found for one item: the problem it joined, proposals with their score and the
/// text that matched, and any recurrence (反弹回潮).
#[utoipa::path(get, path = "/api/v1/feedback/{id}/matches", tag = "feedback", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<app::grouping::MatchView>), (status = 404, body = ErrorBody)))]
async fn matches(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<app::grouping::MatchView>>> {
    Ok(Json(s.app.feedback_matches(&caller.actor, FeedbackId::new(id)).await?))
}
