//! 三率与排名: the units ranked for a period, and the office's 不纳入考核 decision on a problem.

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use app::rates::{Ranking, RankingQuery, ScoringInput};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(ranking)).routes(routes!(scoring))
}

/// The units at one level of the tree ranked over the problems the caller may see that were
/// received in the period: the three rates (响应率, 解决率, 满意率), the on-time rate, the counts,
/// the weighted score and the rank. Each unit's `filter` plus `counted=<figure>` is the
/// `GET /api/v1/problems` query that lists the records behind a figure.
#[utoipa::path(get, path = "/api/v1/ranking", tag = "problems", params(RankingQuery),
    responses((status = 200, body = Ranking), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn ranking(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RankingQuery>,
) -> ApiResult<Json<Ranking>> {
    Ok(Json(s.app.ranking(&caller.actor, &q).await?))
}

/// 不纳入考核: the office takes a problem out of scoring with a reason, or puts it back. Audited.
#[utoipa::path(put, path = "/api/v1/problems/{id}/scoring", tag = "problems", params(("id" = i64, Path)), request_body = ScoringInput,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn scoring(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<domain::ProblemId>,
    ApiJson(input): ApiJson<ScoringInput>,
) -> ApiResult<StatusCode> {
    s.app.decide_scoring(&caller.actor, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}
