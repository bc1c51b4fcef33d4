//! 不满意待核实: dissatisfied public ratings waiting for the office's check, and its decision.

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Caller};
use app::ratings::{PendingRating, RatingReview};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(pending)).routes(routes!(review))
}

/// Dissatisfied public ratings from reports linked to a problem after it was made: they count in
/// the satisfaction figures but do not reopen the problem until the office decides. Those the
/// caller may decide, oldest first (empty for roles that do not decide).
#[utoipa::path(get, path = "/api/v1/ratings/pending", tag = "problems",
    responses((status = 200, body = Vec<PendingRating>), (status = 401, body = ErrorBody)))]
async fn pending(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<PendingRating>>> {
    Ok(Json(s.app.pending_ratings(&caller.actor).await?))
}

/// Decides a pending rating: `reopen` the problem (重新整改), or `keep` it closed with a reason.
#[utoipa::path(post, path = "/api/v1/ratings/{id}/review", tag = "problems", params(("id" = i64, Path)), request_body = RatingReview,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn review(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<domain::CallbackId>,
    ApiJson(input): ApiJson<RatingReview>,
) -> ApiResult<StatusCode> {
    s.app.review_rating(&caller.actor, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}
