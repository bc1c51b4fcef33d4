//! The public's endpoints, no sign-in: submit, track, browse what is published, rate.

use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, ClientAddr};
use app::public::{PublicProblemPage, PublicSubmission, RatingInput, Receipt, TrackingView};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit))
        .routes(routes!(track))
        .routes(routes!(published))
        .routes(routes!(published_one))
        .routes(routes!(rate))
}

/// Reports a problem; returns the tracking code and the private rating key. At most five reports
/// per client address in ten minutes (429 with `Retry-After` beyond), as on the portal. A session
/// cookie is ignored: this is the public's endpoint.
#[utoipa::path(post, path = "/api/v1/public/feedback", tag = "public", request_body = PublicSubmission,
    responses((status = 201, body = Receipt), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn submit(
    State(s): State<AppState>,
    client: ClientAddr,
    ApiJson(input): ApiJson<PublicSubmission>,
) -> ApiResult<(StatusCode, Json<Receipt>)> {
    s.portal_limit.allow(client.0)?;
    Ok((StatusCode::CREATED, Json(s.app.public_submit(&input, None).await?)))
}

/// The progress of a report, by its tracking code.
#[utoipa::path(get, path = "/api/v1/public/track/{code}", tag = "public", params(("code" = String, Path)),
    responses((status = 200, body = TrackingView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn track(State(s): State<AppState>, ApiPath(code): ApiPath<String>) -> ApiResult<Json<TrackingView>> {
    Ok(Json(s.app.track(&code).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    cursor: Option<String>,
    limit: Option<i64>,
    /// Words in the title or number.
    q: Option<String>,
}

/// Published rectifications (整改公示).
#[utoipa::path(get, path = "/api/v1/public/problems", tag = "public", params(PageQuery),
    responses((status = 200, body = PublicProblemPage)))]
async fn published(State(s): State<AppState>, ApiQuery(q): ApiQuery<PageQuery>) -> ApiResult<Json<PublicProblemPage>> {
    Ok(Json(s.app.public_problems(q.cursor, q.limit, q.q).await?))
}

/// One published rectification by its number: what it was, the measures, the reply and the dates.
#[utoipa::path(get, path = "/api/v1/public/problems/{number}", tag = "public", params(("number" = String, Path)),
    responses((status = 200, body = app::public::PublicProblemDetail), (status = 404, body = ErrorBody)))]
async fn published_one(
    State(s): State<AppState>,
    ApiPath(number): ApiPath<String>,
) -> ApiResult<Json<app::public::PublicProblemDetail>> {
    Ok(Json(s.app.public_problem(&number).await?))
}

/// Rates one's own closed report with its key; 不满意 reopens the problem.
#[utoipa::path(post, path = "/api/v1/public/ratings", tag = "public", request_body = RatingInput,
    responses((status = 200, body = TrackingView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
async fn rate(
    State(s): State<AppState>,
    client: ClientAddr,
    ApiJson(input): ApiJson<RatingInput>,
) -> ApiResult<Json<TrackingView>> {
    s.rating_limit.allow(client.0)?;
    Ok(Json(s.app.public_rate(&input).await?))
}
